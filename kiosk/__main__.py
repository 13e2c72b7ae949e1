"""``python -m kiosk`` and the ``kiosk`` command: the command line, with Python's cyclic
garbage collector off while the kiosk starts.

Start-up allocates a few hundred thousand objects that live as long as the kiosk (modules,
classes, Qt's enums, the content), and the collector would walk them again and again: about
10 ms of the first page (benchmarks/startup.py). It is turned back on once the command is known
to be another one (:func:`kiosk.cli.main`) or once the kiosk's first screen is up
(``kiosk.app``).
"""

import gc
import sys


def main() -> int:
    gc.disable()
    from kiosk.cli import main as command_line

    return command_line()


if __name__ == "__main__":
    sys.exit(main())
