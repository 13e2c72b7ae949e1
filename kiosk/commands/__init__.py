"""Sub-commands of the kiosk command line, one module each."""
