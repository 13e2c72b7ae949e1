"""``python -m kiosk`` and the ``kiosk`` command: the command line, with Python's cyclic
garbage collector off while the kiosk starts.

Start-up makes about 45,000 objects the collector tracks, nearly all of them living as long as
the kiosk (modules, classes, functions, Qt's enums, the content), and the collector walked them
again and again while they were made: about 10 ms of the first page (benchmarks/startup.py). It
is turned back on once the command is known to be another one (:func:`kiosk.cli.main`) or once
the kiosk's first screen is up (``kiosk.app``; at the latest 15 s after its event loop starts).
"""

import gc
import sys


def main() -> int:
    gc.disable()
    from kiosk.cli import main as command_line

    return command_line()


if __name__ == "__main__":
    sys.exit(main())
