"""``kiosk requests ...``: list, export, mark, delete and purge visitors' requests from a shell.

For the clinic's IT person. Every command works on the database in the data folder
(``kiosk --data-dir DIR requests ...``) and never creates one. Times are shown in the clinic's
time zone (content.yaml's ``staff.time_zone``). What changes the data (export, mark, delete,
purge) is written to the audit log with the actor ``cli``.

Errors are one line on standard error (a broken content file also lists its problems) and exit
1 when something could not be done, 2 for a mistake in the command line. Error messages and
logs never hold a visitor's answer; ``list`` and ``export`` show the answers, which is their
purpose.

This module builds the command line. The commands are in :mod:`.listing` (list, export, stats,
audit: what reads) and :mod:`.changes` (mark, delete, purge: what changes), on
:mod:`.common` (how a command fails, its arguments, the content file and the database) and
:mod:`.output` (the table, JSON Lines and the words of messages).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from kiosk.commands.requests.changes import delete_requests, mark_requests, purge_requests
from kiosk.commands.requests.common import handler
from kiosk.commands.requests.listing import (
    export_requests,
    print_requests,
    show_audit_log,
    show_stats,
)
from kiosk.places import EXIT_USAGE

_STATUS_CHOICES = ("new", "contacted", "all")


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``requests`` and its sub-commands to the kiosk's command line."""
    parser = commands.add_parser(
        "requests",
        help="list, export, mark, delete or purge visitors' requests",
        description=(
            "Work with the requests visitors sent from the kiosk, in the data folder's "
            "database (see --data-dir, given before 'requests'). Times are in the clinic's "
            "time zone from content.yaml (staff.time_zone). Changes are written to the audit "
            "log. Exit codes: 0 done, 1 could not be done, 2 a mistake in the command line."
        ),
        epilog="Run 'kiosk requests COMMAND --help' for the options of a command.",
    )
    parser.__class__ = _OneLineParser  # "kiosk requests bogus": one line too
    sub = parser.add_subparsers(metavar="COMMAND", parser_class=_OneLineParser)
    parser.set_defaults(handler=lambda args: _no_command(list(sub.choices)))

    listing = _add(
        sub,
        "list",
        print_requests,
        help="show requests (oldest first) as a table or as JSON",
        description=(
            "Show requests, oldest first: a table of ID, received time, status and the "
            "name, phone and email answers (cut to fit 100 columns), or with --json one JSON "
            "object per line with every answer. When nothing matches it says 'No requests.' "
            "(with --json on stderr, so stdout stays valid JSON Lines)."
        ),
    )
    _add_filters(listing)
    listing.add_argument(
        "--json", action="store_true", help="one JSON object per line, with every answer"
    )

    export = _add(
        sub,
        "export",
        export_requests,
        help="write requests (oldest first) to a CSV file",
        description=(
            "Write requests to a CSV file (UTF-8, opens in Excel and LibreOffice), oldest "
            "first, with one column per form field. The file is private (mode 0600) and "
            "written whole or not at all. Cells a spreadsheet would run as a formula (starting "
            "with = + - @) get a leading ' (so a phone number shows as '+12025550100)."
        ),
    )
    export.add_argument("output", type=Path, metavar="PATH", help="the CSV file to write")
    _add_filters(export)
    export.add_argument(
        "--mark-contacted",
        action="store_true",
        help="then mark the exported requests as contacted (once the file is safely written)",
    )
    export.add_argument("--force", action="store_true", help="overwrite PATH if it exists")

    mark = _add(
        sub,
        "mark",
        mark_requests,
        help="mark requests as contacted or as new",
        description="Mark requests as contacted (or back to new). Unknown IDs change nothing.",
    )
    mark.add_argument("ids", nargs="+", metavar="ID", help="request IDs (see 'list')")
    choice = mark.add_mutually_exclusive_group(required=True)
    choice.add_argument("--contacted", dest="status", action="store_const", const="contacted")
    choice.add_argument("--new", dest="status", action="store_const", const="new")

    delete = _add(
        sub,
        "delete",
        delete_requests,
        help="delete requests now",
        description=(
            "Delete requests for good. Unknown IDs delete nothing. On a terminal it asks first "
            "(showing how many); --yes skips that, and is required without a terminal."
        ),
    )
    delete.add_argument("ids", nargs="+", metavar="ID", help="request IDs (see 'list')")
    _add_yes(delete)

    purge = _add(
        sub,
        "purge",
        purge_requests,
        help="delete requests marked contacted more than DAYS days ago",
        description=(
            "Delete the requests marked contacted more than DAYS days ago. Requests still new "
            "are never deleted. (The kiosk does this itself every day with content.yaml's "
            "staff.retention_days.) On a terminal it asks first (showing how many); --yes "
            "skips that, and is required without a terminal."
        ),
    )
    purge.add_argument(
        "--older-than", dest="days", required=True, metavar="DAYS", help="a number of days"
    )
    _add_yes(purge)

    _add(
        sub,
        "stats",
        show_stats,
        help="how many requests there are, and the oldest new one",
        description="Counts of requests by status, the oldest new one and the latest one.",
    )

    audit = _add(
        sub,
        "audit",
        show_audit_log,
        help="what staff and the kiosk did with requests, newest first",
        description="The audit log: logins, exports, marks, deletions, purges; newest first.",
    )
    audit.add_argument(
        "--limit", default="50", metavar="N", help="how many entries to show (default 50)"
    )

    for command in sub.choices.values():
        command.add_argument(
            "--inbox",
            metavar="SERVICE",
            help=(
                "work on the front-desk inbox of several kiosks instead: a service name from "
                "pg_service.conf (its password in ~/.pgpass; see README 'Several kiosks')"
            ),
        )


def _add_yes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--yes", action="store_true", help="delete without asking (needed without a terminal)"
    )


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status",
        choices=_STATUS_CHOICES,
        default="all",
        help="only requests with this status (default: all)",
    )
    parser.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="only requests received on or after this day (in the clinic's time zone)",
    )


def _add(
    sub: argparse._SubParsersAction[_OneLineParser],
    name: str,
    command: Callable[[argparse.Namespace], int],
    *,
    help: str,
    description: str,
) -> argparse.ArgumentParser:
    """Add ``kiosk requests NAME``, run by ``command`` with its failures said in one line
    (see :func:`.common.handler`)."""
    parser = sub.add_parser(name, help=help, description=description)
    parser.set_defaults(handler=handler(name, command))
    return parser


def _no_command(names: list[str]) -> int:
    print(
        f"kiosk requests: choose a command: {', '.join(names)} (see 'kiosk requests --help')",
        file=sys.stderr,
    )
    return EXIT_USAGE
