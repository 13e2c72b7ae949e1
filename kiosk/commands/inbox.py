"""``kiosk inbox``: the front-desk window; ``kiosk inbox init``: the inbox's schema and roles.

The connection is a libpq service name (``--service``, else ``$KIOSK_INBOX``): its host,
database, user, ``sslmode`` and ``sslrootcert`` live in ``pg_service.conf`` and its password in
``~/.pgpass`` (0600) or the systemd credential ``inbox-pgpass``; never on this command line.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from kiosk.commands.arguments import number_between
from kiosk.places import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``inbox`` and ``inbox init`` to the kiosk's command line."""
    parser = commands.add_parser(
        "inbox",
        help="the front-desk inbox: requests from every kiosk, in a desktop window",
        description=(
            "Open the front-desk inbox: a desktop window with the requests from every kiosk, "
            "newest first, each kiosk's heartbeat, marking, CSV export, deletion and the audit "
            "log. It starts locked: the staff PIN set with 'kiosk set-pin' on this computer "
            "(same --data-dir) opens it. The connection is a service in pg_service.conf."
        ),
        epilog="First time: 'kiosk inbox init --service OWNER_SERVICE' (see README).",
    )
    _add_service(parser)
    parser.add_argument(
        "--lock-after",
        type=_seconds,
        metavar="SECONDS",
        help="lock after this long without use (default: content.yaml's staff.lock_after_seconds)",
    )
    parser.set_defaults(handler=None, inbox_window=True)
    sub = parser.add_subparsers(metavar="COMMAND")
    init = sub.add_parser(
        "init",
        help="create or update the inbox's tables and roles (run once, as the owner)",
        description=(
            "Create or migrate the inbox schema (versioned) in the service's database, the "
            "group roles clinic_kiosk (may only add requests and report heartbeats) and "
            "clinic_staff (reads, marks, exports, deletes; every action audited), and the "
            "login roles named. Run it as the database's owner with the right to create roles. "
            "It prints what it did. New login roles get no password: set it in psql with "
            "\\password NAME, so it never appears on a command line."
        ),
    )
    _add_service(init)
    init.add_argument(
        "--kiosk",
        dest="kiosks",
        action="append",
        default=[],
        metavar="ROLE",
        help="a kiosk's login role to create (or add) in clinic_kiosk (repeatable)",
    )
    init.add_argument(
        "--staff",
        dest="staff",
        action="append",
        default=[],
        metavar="ROLE",
        help="a front-desk login role to create (or add) in clinic_staff (repeatable)",
    )
    init.set_defaults(handler=_init, inbox_window=False)


def _seconds(text: str) -> float:
    value = number_between(text, 5, 86_400)
    if value is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds from 5 to 86400")
    return value


def _add_service(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--service",
        metavar="NAME",
        help="the service in pg_service.conf to connect with (default: $KIOSK_INBOX)",
    )


def service_of(args: argparse.Namespace) -> str | None:
    """The service name from ``--service`` or ``$KIOSK_INBOX``; None (said on stderr) if none."""
    service = args.service or os.environ.get("KIOSK_INBOX")
    if not service:
        print(
            "kiosk inbox: which inbox? Give --service NAME (a service in pg_service.conf) "
            "or set KIOSK_INBOX",
            file=sys.stderr,
        )
    return service or None


def _init(args: argparse.Namespace) -> int:
    # psycopg is imported only by the inbox's own commands: every start of the kiosk builds
    # this command line, and must not pay for it.
    from kiosk.storage.inbox import InboxError, check_role_name, connect, init_inbox

    service = service_of(args)
    if service is None:
        return EXIT_USAGE
    try:
        for name in (*args.kiosks, *args.staff):
            check_role_name(name)
    except ValueError as error:
        print(f"kiosk inbox init: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not args.verbose:
        logging.getLogger("kiosk.storage").setLevel(logging.CRITICAL)
    try:
        with connect(service) as conn:
            done = init_inbox(conn, kiosks=args.kiosks, staff=args.staff)
    except InboxError as error:
        print(f"kiosk inbox init: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except Exception as exc:  # the server's own text might quote data: only its kind
        from kiosk.storage.inbox import describe

        if getattr(exc, "sqlstate", None) == "42501":
            message = (
                f"the role of service {service!r} may not create the inbox's tables or roles: "
                "run it as the database's owner with the right to create roles "
                "(for example as postgres)"
            )
        else:
            message = describe(exc, service)
        print(f"kiosk inbox init: {message}", file=sys.stderr)
        return EXIT_PROBLEM
    for line in done:
        print(line)
    print(f"The inbox of service {service} is ready.")
    return EXIT_OK
