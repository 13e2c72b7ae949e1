"""``kiosk requests mark``, ``delete`` and ``purge``: what changes the requests.

Each change is written to the audit log with the actor ``cli``. What deletes asks first on a
terminal (:func:`confirm`); a script must say ``--yes``. Unknown IDs change nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kiosk.commands.requests import common
from kiosk.commands.requests.common import ACTOR, CommandError
from kiosk.commands.requests.output import plural
from kiosk.places import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from kiosk.storage.store import RequestStore, Status, UnknownRequest

if TYPE_CHECKING:
    from kiosk.storage.inbox import InboxStore


def confirm(args: argparse.Namespace, question: str) -> bool:
    """Whether to go on: ``--yes``, or "yes" typed at the terminal. Without a terminal and
    without ``--yes``, a usage error: a script must say it means it."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise CommandError(
            "nothing was deleted: add --yes to delete without a terminal to ask on", EXIT_USAGE
        )
    try:
        answer = input(f"{question} This cannot be undone. Type yes to delete: ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("yes", "y"):
        return True
    print("Nothing was deleted.")
    return False


def mark_exported(store: RequestStore | InboxStore, ids: list[int]) -> int:
    """Mark exactly the exported requests contacted (skipping any deleted since)."""
    try:
        return store.mark(ids, "contacted", actor=ACTOR)
    except UnknownRequest as gone:
        missing = set(gone.ids)
        return store.mark([i for i in ids if i not in missing], "contacted", actor=ACTOR)


def mark_requests(args: argparse.Namespace) -> int:
    """``mark``: mark requests as contacted or as new."""
    ids = common.request_ids(args.ids)
    status: Status = args.status
    with common.opened_store(args, then="; nothing was changed") as store:
        changed = store.mark(ids, status, actor=ACTOR)
    unchanged = len(ids) - changed
    already = f" ({plural(unchanged, 'request')} already {'was' if unchanged == 1 else 'were'})"
    print(f"Marked {plural(changed, 'request')} as {status}.{already if unchanged else ''}")
    return EXIT_OK


def delete_requests(args: argparse.Namespace) -> int:
    """``delete``: delete requests now (asking first)."""
    ids = common.request_ids(args.ids)
    with common.opened_store(args, then="; nothing was deleted") as store:
        listed = ", ".join(map(str, ids))
        if not confirm(args, f"Delete {plural(len(ids), 'request')} ({listed}) for good?"):
            return EXIT_PROBLEM
        deleted = store.delete(ids, actor=ACTOR)
    print(f"Deleted {plural(deleted, 'request')}.")
    return EXIT_OK


def purge_requests(args: argparse.Namespace) -> int:
    """``purge``: delete the requests marked contacted more than DAYS days ago (asking first)."""
    days = common.days(args.days)
    ago = f"more than {days:g} {'day' if days == 1 else 'days'} ago"
    with common.opened_store(args, then="; nothing was deleted") as store:
        count = store.count_purgeable(days)
        if count and not confirm(
            args, f"Delete {plural(count, 'request')} marked contacted {ago}?"
        ):
            return EXIT_PROBLEM
        deleted = store.purge_contacted(days, actor=ACTOR)
    print(f"Deleted {plural(deleted, 'contacted request')} marked {ago}.")
    return EXIT_OK
