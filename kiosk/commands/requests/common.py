"""What every ``kiosk requests`` command shares: how it fails, how its arguments are checked,
and how it opens the content file and the database.

A command stops by raising :class:`CommandError`; :func:`handler` turns that (and anything
unexpected) into one line on stderr and an exit code, never a traceback nor an exception's
text, which might quote an answer.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk import places
from kiosk.commands.arguments import number_between
from kiosk.commands.requests.output import plural
from kiosk.core.content import Content, ContentError, load_content
from kiosk.places import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from kiosk.storage.store import RequestStore, SaveError, UnknownRequest

if TYPE_CHECKING:
    from kiosk.storage.inbox import InboxStore

ACTOR = "cli"
"""Who the audit log says did what these commands do."""
BUSY_TIMEOUT_MS = 2000
"""How long to wait for the kiosk to finish a write before saying the database is locked."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[1-9][0-9]{0,17}")


class CommandError(Exception):
    """Stops a command: ``message`` (one line) goes to stderr, ``code`` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_PROBLEM) -> None:
        super().__init__(message)
        self.code = code


def handler(
    name: str, command: Callable[[argparse.Namespace], int]
) -> Callable[[argparse.Namespace], int]:
    """``command`` (``kiosk requests NAME``) with every failure turned into one line on stderr
    and an exit code."""

    def run(args: argparse.Namespace) -> int:
        if not getattr(args, "verbose", False):
            # The store logs each failure itself; here the one line below says it all.
            logging.getLogger("kiosk.storage").setLevel(logging.CRITICAL)
        try:
            return command(args)
        except CommandError as failure:
            print(f"kiosk requests {name}: {failure}", file=sys.stderr)
            return failure.code
        except BrokenPipeError:
            _silence_stdout()
            return EXIT_OK
        except Exception as exc:
            # Never a traceback (nor an exception's text, which might quote an answer).
            logging.getLogger(__name__).debug("requests %s failed", name, exc_info=True)
            print(
                f"kiosk requests {name}: failed unexpectedly ({type(exc).__name__}); "
                "run 'kiosk -v requests ...' for details",
                file=sys.stderr,
            )
            return EXIT_PROBLEM

    run.__name__ = name
    return run


def _silence_stdout() -> None:
    """After the reader of a pipe went away (``list | head``): no error at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


# --------------------------------------------------------------------------------------------
# Checking the arguments


def request_ids(texts: Sequence[str]) -> list[int]:
    ids: list[int] = []
    for text in texts:
        if not _ID.fullmatch(text.strip()):
            raise CommandError(f"{text!r} is not a request ID (a whole number like 42)", EXIT_USAGE)
        ids.append(int(text))
    return ids


def days(text: str) -> float:
    number = number_between(text, 0, 100_000)
    if number is None:
        raise CommandError(
            f"--older-than must be a number of days from 0 to 100000, got {text!r}", EXIT_USAGE
        )
    return number


def limit(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", text.strip()):
        raise CommandError(f"--limit must be a whole number, got {text!r}", EXIT_USAGE)
    return int(text)


def status(args: argparse.Namespace) -> str | None:
    return None if args.status == "all" else str(args.status)


def since(args: argparse.Namespace, zone: ZoneInfo) -> datetime | None:
    text: str | None = args.since
    if text is None:
        return None
    try:
        if not _DATE.fullmatch(text.strip()):
            raise ValueError(text)
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"--since must be a date like 2026-11-27, got {text!r}", EXIT_USAGE
        ) from None
    return datetime.combine(day, time(0), tzinfo=zone)


# --------------------------------------------------------------------------------------------
# The content file and the database


def content(args: argparse.Namespace) -> Content:
    path = places.content_path(args)
    try:
        return load_content(path)
    except ContentError as error:
        count = len(error.problems)
        print(
            f"kiosk requests: the content file {path} has "
            f"{plural(count, 'problem')} (run 'kiosk check' after fixing them):",
            file=sys.stderr,
        )
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        raise CommandError("nothing was done") from None


def zone(content: Content) -> ZoneInfo:
    name = content.staff.time_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(
            f"{content.source}: staff.time_zone {name!r} is not a known time zone"
        ) from None


def open_store(args: argparse.Namespace) -> RequestStore | InboxStore:
    """The store on the existing database; a :class:`CommandError` if there is none.

    With ``--inbox SERVICE``, the front-desk inbox of several kiosks (PostgreSQL) instead.
    """
    if getattr(args, "inbox", None):
        from kiosk.storage.inbox import InboxStore

        try:
            return InboxStore(args.inbox)
        except SaveError as error:
            raise CommandError(str(error)) from None

    data_dir = places.data_dir(args)
    if not (data_dir / RequestStore.DB_NAME).is_file():
        raise CommandError(
            f"no requests database in {data_dir} "
            "(nothing has been saved yet, or the --data-dir is wrong)"
        )
    return RequestStore(data_dir, busy_timeout_ms=BUSY_TIMEOUT_MS)


@contextmanager
def opened_store(args: argparse.Namespace, then: str = "") -> Iterator[RequestStore | InboxStore]:
    """The store (see :func:`open_store`), closed afterwards. A failure of the database
    (or an unknown request ID) inside becomes a :class:`CommandError`: its one line, followed
    by ``then`` (what that means, like "; nothing was deleted")."""
    store = open_store(args)
    try:
        yield store
    except (SaveError, UnknownRequest) as error:
        raise CommandError(f"{error}{then}") from None
    finally:
        store.close()
