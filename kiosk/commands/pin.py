"""``kiosk set-pin``: set the staff PIN that opens the staff screen.

On a terminal the PIN is asked twice and not shown; otherwise exactly one line is read from
standard input, for scripts (``echo 1234 | kiosk set-pin``). The PIN is never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.core.pin import PinFileError, PinVault, pin_problem
from kiosk.places import EXIT_OK, EXIT_PROBLEM, data_dir

PROMPT = "New staff PIN (4 to 12 digits; 6 or more suggested): "
AGAIN = "Again: "


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``set-pin`` to the kiosk's sub-commands."""
    parser = commands.add_parser(
        "set-pin",
        help="set the staff PIN (asked twice, not shown)",
        description=(
            "Set the PIN that opens the staff screen: 4 to 12 digits; use 6 or more (a 6-digit "
            "PIN takes a million guesses, a 4-digit one ten thousand). On a terminal it is asked "
            "twice and not shown; otherwise one line is read from standard input. Only a salted "
            f"scrypt hash is kept, in DIR/{PinVault.FILE_NAME} (see --data-dir). Setting a PIN "
            "also ends any lockout after wrong PINs."
        ),
    )
    parser.set_defaults(handler=run)


def _fail(message: str) -> int:
    print(f"kiosk set-pin: {message}; the PIN was not changed.", file=sys.stderr)
    return EXIT_PROBLEM


def _ask() -> str | None:
    """The PIN typed twice on the terminal, or None after printing why not."""
    try:
        first = getpass.getpass(PROMPT).strip()
        problem = pin_problem(first)
        if problem is not None:
            _fail(problem)
            return None
        second = getpass.getpass(AGAIN).strip()
    except EOFError:
        _fail("no PIN was given")
        return None
    if second != first:
        _fail("the two PINs are not the same")
        return None
    return first


def run(args: argparse.Namespace) -> int:
    """Set the PIN in the kiosk's data folder; 0 when it was saved, 1 if not."""
    if sys.stdin.isatty():
        pin = _ask()
        if pin is None:
            return EXIT_PROBLEM
    else:
        pin = sys.stdin.readline().strip()
    problem = pin_problem(pin)
    if problem is not None:
        return _fail(problem)
    vault = PinVault(data_dir(args))
    try:
        vault.set_pin(pin)
    except (PinFileError, ValueError) as error:
        return _fail(str(error))
    print("Staff PIN set.")
    return EXIT_OK
