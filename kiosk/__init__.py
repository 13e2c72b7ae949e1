"""clinic-kiosk: a fullscreen touchscreen kiosk for clinic waiting rooms."""

__version__ = "0.1.0"
APP_NAME = "clinic-kiosk"
