"""``kiosk requests ...``: list, export, mark, delete and purge visitors' requests from a shell.

For the clinic's IT person. Every command works on the database in the data folder
(``kiosk --data-dir DIR requests ...``) and never creates one. Times are shown in the clinic's
time zone (content.yaml's ``staff.time_zone``). What changes the data (export, mark, delete,
purge) is written to the audit log with the actor ``cli``.

Errors are one line on standard error (a broken content file also lists its problems) and exit
1 when something could not be done, 2 for a mistake in the command line. Error messages and
logs never hold a visitor's answer; ``list`` and ``export`` show the answers, which is their
purpose.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk import places
from kiosk.core.content import Content, ContentError, load_content
from kiosk.core.form import FormField
from kiosk.storage.store import (
    RequestStore,
    SaveError,
    Status,
    StoredRequest,
    UnknownRequest,
)

if TYPE_CHECKING:
    from kiosk.storage.inbox import InboxStore

ACTOR = "cli"
"""Who the audit log says did what these commands do."""
BUSY_TIMEOUT_MS = 2000
"""How long to wait for the kiosk to finish a write before saying the database is locked."""
TABLE_WIDTH = 100
"""``list`` fits each line into this many terminal columns."""
MAX_DETAIL = 500

_EXIT_OK, _EXIT_PROBLEM, _EXIT_USAGE = 0, 1, 2
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[1-9][0-9]{0,17}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters never printed from an answer: C0/C1 controls (newlines, terminal escapes), line
and paragraph separators, and bidi embeddings/overrides that could reorder a line."""
_SUB_COMMANDS = ("list", "export", "mark", "delete", "purge", "stats", "audit")
_STATUS_CHOICES = ("new", "contacted", "all")


class _CommandError(Exception):
    """Stops a command: ``message`` (one line) goes to stderr, ``code`` is the exit code."""

    def __init__(self, message: str, code: int = _EXIT_PROBLEM) -> None:
        super().__init__(message)
        self.code = code


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(_EXIT_USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


# --------------------------------------------------------------------------------------------
# The command line


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
    parser.set_defaults(handler=_no_command)
    sub = parser.add_subparsers(metavar="COMMAND", parser_class=_OneLineParser)

    listing = sub.add_parser(
        "list",
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
    listing.set_defaults(handler=_handler(_list))

    export = sub.add_parser(
        "export",
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
    export.set_defaults(handler=_handler(_export))

    mark = sub.add_parser(
        "mark",
        help="mark requests as contacted or as new",
        description="Mark requests as contacted (or back to new). Unknown IDs change nothing.",
    )
    mark.add_argument("ids", nargs="+", metavar="ID", help="request IDs (see 'list')")
    choice = mark.add_mutually_exclusive_group(required=True)
    choice.add_argument("--contacted", dest="status", action="store_const", const="contacted")
    choice.add_argument("--new", dest="status", action="store_const", const="new")
    mark.set_defaults(handler=_handler(_mark))

    delete = sub.add_parser(
        "delete",
        help="delete requests now",
        description=(
            "Delete requests for good. Unknown IDs delete nothing. On a terminal it asks first "
            "(showing how many); --yes skips that, and is required without a terminal."
        ),
    )
    delete.add_argument("ids", nargs="+", metavar="ID", help="request IDs (see 'list')")
    _add_yes(delete)
    delete.set_defaults(handler=_handler(_delete))

    purge = sub.add_parser(
        "purge",
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
    purge.set_defaults(handler=_handler(_purge))

    stats = sub.add_parser(
        "stats",
        help="how many requests there are, and the oldest new one",
        description="Counts of requests by status, the oldest new one and the latest one.",
    )
    stats.set_defaults(handler=_handler(_stats))

    audit = sub.add_parser(
        "audit",
        help="what staff and the kiosk did with requests, newest first",
        description="The audit log: logins, exports, marks, deletions, purges; newest first.",
    )
    audit.add_argument(
        "--limit", default="50", metavar="N", help="how many entries to show (default 50)"
    )
    audit.set_defaults(handler=_handler(_audit))

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


def _confirm(args: argparse.Namespace, question: str) -> bool:
    """Whether to go on: ``--yes``, or "yes" typed at the terminal. Without a terminal and
    without ``--yes``, a usage error: a script must say it means it."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise _CommandError(
            "nothing was deleted: add --yes to delete without a terminal to ask on",
            _EXIT_USAGE,
        )
    try:
        answer = input(f"{question} This cannot be undone. Type yes to delete: ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("yes", "y"):
        return True
    print("Nothing was deleted.")
    return False


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


def _no_command(args: argparse.Namespace) -> int:
    print(
        f"kiosk requests: choose a command: {', '.join(_SUB_COMMANDS)} "
        "(see 'kiosk requests --help')",
        file=sys.stderr,
    )
    return _EXIT_USAGE


def _handler(
    command: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """``command`` with every failure turned into one line on stderr and an exit code."""
    name = command.__name__.lstrip("_")

    def run(args: argparse.Namespace) -> int:
        if not getattr(args, "verbose", False):
            # The store logs each failure itself; here the one line below says it all.
            logging.getLogger("kiosk.storage").setLevel(logging.CRITICAL)
        try:
            return command(args)
        except _CommandError as failure:
            print(f"kiosk requests {name}: {failure}", file=sys.stderr)
            return failure.code
        except BrokenPipeError:
            _silence_stdout()
            return _EXIT_OK
        except Exception as exc:
            # Never a traceback (nor an exception's text, which might quote an answer).
            logging.getLogger(__name__).debug("requests %s failed", name, exc_info=True)
            print(
                f"kiosk requests {name}: failed unexpectedly ({type(exc).__name__}); "
                "run 'kiosk -v requests ...' for details",
                file=sys.stderr,
            )
            return _EXIT_PROBLEM

    run.__name__ = name
    return run


def _silence_stdout() -> None:
    """After the reader of a pipe went away (``list | head``): no error at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


# --------------------------------------------------------------------------------------------
# The commands


def _list(args: argparse.Namespace) -> int:
    content = _content(args)
    zone = _zone(content)
    since = _since(args, zone)
    status = _status(args)
    store = _store(args)
    try:
        requests = store.iter_requests(status=status, since=since)
        if args.json:
            written = _print_json(requests, zone)
        else:
            written = _print_table(requests, content.form.fields, zone)
    except SaveError as error:
        raise _CommandError(str(error)) from None
    finally:
        store.close()
    damaged = getattr(requests, "damaged", [])  # a local stream names damaged rows
    if written == 0 and not damaged:
        print("No requests.", file=sys.stderr if args.json else sys.stdout)
    elif not args.json:
        print(f"{_plural(written, 'request')}; times in {zone.key}.")
    return _damaged("list", damaged, "listed")


def _export(args: argparse.Namespace) -> int:
    # Imported here: every start of the kiosk builds this command line (orjson and the CSV
    # writer are for exports only).
    from kiosk.storage.export import InsideDataFolderError, export_csv, inside

    content = _content(args)
    zone = _zone(content)
    since = _since(args, zone)
    status = _status(args)
    output: Path = args.output
    shown = str(output)
    data_dir = places.data_dir(args)
    if inside(output, data_dir):
        raise _CommandError(str(InsideDataFolderError(output, data_dir)))
    if output.is_dir():
        raise _CommandError(
            f"{shown} is a folder; give a file name, like {output / 'requests.csv'}"
        )
    if output.exists() and not args.force:
        raise _CommandError(f"{shown} exists; add --force to overwrite it")
    folder = output.parent
    if not folder.is_dir():
        raise _CommandError(f"the folder {folder} does not exist; {shown} was not written")
    store = _store(args)
    try:
        exported: list[int] = []
        requests = store.iter_requests(status=status, since=since)
        try:
            count = export_csv(
                requests,
                content.form.fields,
                output,
                zone.key,
                force=bool(args.force),
                ids=exported,
                data_dir=data_dir,
            )
        except InsideDataFolderError as error:
            raise _CommandError(str(error)) from None
        except FileExistsError:
            raise _CommandError(f"{shown} exists; add --force to overwrite it") from None
        except PermissionError:
            raise _CommandError(f"cannot write to {folder}: permission denied") from None
        except OSError as error:
            raise _CommandError(f"could not write {shown}: {_reason(error)}") from None
        print(f"Exported {_plural(count, 'request')} to {shown}")
        try:
            store.audit("export", ACTOR, count, _detail(str(output.absolute())))
            if args.mark_contacted:
                marked = _mark_exported(store, exported)
                print(f"Marked {_plural(marked, 'request')} as contacted.")
        except SaveError as error:
            raise _CommandError(
                f"the file was written, but recording the export failed: {error}"
            ) from None
    except SaveError as error:
        raise _CommandError(f"{error}; {shown} was not written") from None
    finally:
        store.close()
    return _damaged("export", getattr(requests, "damaged", []), "exported")


def _damaged(command: str, ids: Sequence[int], done: str) -> int:
    """Name the requests whose damaged database rows were left out (exit 1); 0 if none."""
    if not ids:
        return _EXIT_OK
    listed = ", ".join(map(str, ids))
    which = f"request {listed} is" if len(ids) == 1 else f"requests {listed} are"
    print(
        f"kiosk requests {command}: {which} damaged in the database and could not be read, "
        f"so {'it was' if len(ids) == 1 else 'they were'} left out; every other request was "
        f"{done}",
        file=sys.stderr,
    )
    return _EXIT_PROBLEM


def _mark_exported(store: RequestStore | InboxStore, ids: list[int]) -> int:
    """Mark exactly the exported requests contacted (skipping any deleted since)."""
    try:
        return store.mark(ids, "contacted", actor=ACTOR)
    except UnknownRequest as gone:
        missing = set(gone.ids)
        return store.mark([i for i in ids if i not in missing], "contacted", actor=ACTOR)


def _mark(args: argparse.Namespace) -> int:
    ids = _ids(args.ids)
    status: Status = args.status
    store = _store(args)
    try:
        changed = store.mark(ids, status, actor=ACTOR)
    except UnknownRequest as error:
        raise _CommandError(f"{error}; nothing was changed") from None
    except SaveError as error:
        raise _CommandError(f"{error}; nothing was changed") from None
    finally:
        store.close()
    unchanged = len(ids) - changed
    already = f" ({_plural(unchanged, 'request')} already {'was' if unchanged == 1 else 'were'})"
    print(f"Marked {_plural(changed, 'request')} as {status}.{already if unchanged else ''}")
    return _EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    ids = _ids(args.ids)
    store = _store(args)
    try:
        listed = ", ".join(map(str, ids))
        if not _confirm(args, f"Delete {_plural(len(ids), 'request')} ({listed}) for good?"):
            return _EXIT_PROBLEM
        deleted = store.delete(ids, actor=ACTOR)
    except UnknownRequest as error:
        raise _CommandError(f"{error}; nothing was deleted") from None
    except SaveError as error:
        raise _CommandError(f"{error}; nothing was deleted") from None
    finally:
        store.close()
    print(f"Deleted {_plural(deleted, 'request')}.")
    return _EXIT_OK


def _purge(args: argparse.Namespace) -> int:
    days = _days(args.days)
    store = _store(args)
    try:
        count = store.count_purgeable(days)
        older = f"marked contacted more than {days:g} {'day' if days == 1 else 'days'} ago"
        if count and not _confirm(args, f"Delete {_plural(count, 'request')} {older}?"):
            return _EXIT_PROBLEM
        deleted = store.purge_contacted(days, actor=ACTOR)
    except SaveError as error:
        raise _CommandError(f"{error}; nothing was deleted") from None
    finally:
        store.close()
    print(
        f"Deleted {_plural(deleted, 'contacted request')} marked more than {days:g} "
        f"{'day' if days == 1 else 'days'} ago."
    )
    return _EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    content = _content(args)
    zone = _zone(content)
    store = _store(args)
    try:
        stats = store.stats()
    except SaveError as error:
        raise _CommandError(str(error)) from None
    finally:
        store.close()
    print(f"Requests: {stats['total']} ({stats['new']} new, {stats['contacted']} contacted)")
    print(f"Oldest new request: {_stats_time(stats['oldest_new'], zone)}")
    print(f"Latest request:     {_stats_time(stats['newest'], zone)}")
    days = content.staff.retention_days
    print(f"Contacted requests are deleted {_plural(days, 'day')} after they were marked.")
    print(f"Database: {store.path}")
    return _EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    limit = _limit(args.limit)
    content = _content(args)
    zone = _zone(content)
    store = _store(args)
    try:
        entries = store.audit_log(limit)
    except SaveError as error:
        raise _CommandError(str(error)) from None
    finally:
        store.close()
    if not entries:
        print("No audit entries.")
        return _EXIT_OK
    print(f"{'When':<19}  {'Event':<10}  {'Actor':<8}  {'Count':>5}  Detail")
    for entry in entries:
        when = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        actor, detail = _clean(entry.actor), _clean(entry.detail)
        line = f"{when:<19}  {entry.event:<10}  {actor:<8}  {entry.count:>5}  {detail}"
        print(line.rstrip())
    print(f"Times in {zone.key}.")
    return _EXIT_OK


# --------------------------------------------------------------------------------------------
# Checking the arguments


def _ids(texts: Sequence[str]) -> list[int]:
    ids: list[int] = []
    for text in texts:
        if not _ID.fullmatch(text.strip()):
            raise _CommandError(
                f"{text!r} is not a request ID (a whole number like 42)", _EXIT_USAGE
            )
        ids.append(int(text))
    return ids


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not 0 <= days <= 100_000:  # also refuses nan
        raise _CommandError(
            f"--older-than must be a number of days from 0 to 100000, got {text!r}", _EXIT_USAGE
        )
    return days


def _limit(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", text.strip()):
        raise _CommandError(f"--limit must be a whole number, got {text!r}", _EXIT_USAGE)
    return int(text)


def _status(args: argparse.Namespace) -> str | None:
    return None if args.status == "all" else str(args.status)


def _since(args: argparse.Namespace, zone: ZoneInfo) -> datetime | None:
    text: str | None = args.since
    if text is None:
        return None
    try:
        if not _DATE.fullmatch(text.strip()):
            raise ValueError(text)
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise _CommandError(
            f"--since must be a date like 2026-11-27, got {text!r}", _EXIT_USAGE
        ) from None
    return datetime.combine(day, time(0), tzinfo=zone)


# --------------------------------------------------------------------------------------------
# The content file and the database


def _content(args: argparse.Namespace) -> Content:
    path = places.content_path(args)
    try:
        return load_content(path)
    except ContentError as error:
        count = len(error.problems)
        print(
            f"kiosk requests: the content file {path} has "
            f"{_plural(count, 'problem')} (run 'kiosk check' after fixing them):",
            file=sys.stderr,
        )
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        raise _CommandError("nothing was done") from None


def _zone(content: Content) -> ZoneInfo:
    name = content.staff.time_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _CommandError(
            f"{content.source}: staff.time_zone {name!r} is not a known time zone"
        ) from None


def _store(args: argparse.Namespace) -> RequestStore | InboxStore:
    """The store on the existing database; a :class:`_CommandError` if there is none.

    With ``--inbox SERVICE``, the front-desk inbox of several kiosks (PostgreSQL) instead.
    """
    if getattr(args, "inbox", None):
        from kiosk.storage.inbox import InboxStore

        try:
            return InboxStore(args.inbox)
        except SaveError as error:
            raise _CommandError(str(error)) from None

    data_dir = places.data_dir(args)
    if not (data_dir / RequestStore.DB_NAME).is_file():
        raise _CommandError(
            f"no requests database in {data_dir} "
            "(nothing has been saved yet, or the --data-dir is wrong)"
        )
    return RequestStore(data_dir, busy_timeout_ms=BUSY_TIMEOUT_MS)


# --------------------------------------------------------------------------------------------
# Output


def _print_json(requests: Iterable[StoredRequest], zone: ZoneInfo) -> int:
    written = 0
    for request in requests:
        record = {
            "id": request.id,
            "received": _iso(request.created_at, zone),
            "status": request.status,
            "contacted": None if request.contacted_at is None else _iso(request.contacted_at, zone),
            "answers": request.answers,
            "content_version": request.content_version,
            "kiosk": request.kiosk_id,
            "language": request.language,
        }
        print(json.dumps(record, ensure_ascii=False))
        written += 1
    return written


@dataclass(frozen=True)
class _Column:
    title: str
    width: int
    cell: Callable[[StoredRequest], str]
    right: bool = False


def _print_table(
    requests: Iterable[StoredRequest], fields: Sequence[FormField], zone: ZoneInfo
) -> int:
    columns = _columns(fields, zone)
    written = 0
    for request in requests:
        if written == 0:
            print(_line(columns, [c.title for c in columns]))
        print(_line(columns, [c.cell(request) for c in columns]))
        written += 1
    return written


def _columns(fields: Sequence[FormField], zone: ZoneInfo) -> list[_Column]:
    fixed = [
        _Column("ID", 6, lambda r: str(r.id), right=True),
        _Column("Received", 16, lambda r: r.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
        _Column("Status", 9, lambda r: r.status),
        _Column("Language", 8, lambda r: r.language or "-"),
    ]
    contact = [
        (title, key) for title, key in _contact_fields(fields) if key is not None
    ]  # name, phone, email: those the form has
    used = sum(c.width for c in fixed) + 2 * len(fixed)
    room = TABLE_WIDTH - used - 2 * max(len(contact) - 1, 0)
    widths = _share(room, [title for title, _key in contact])
    answers = [
        _Column(title, width, _answer_of(key))
        for (title, key), width in zip(contact, widths, strict=True)
    ]
    return fixed + answers


def _contact_fields(fields: Sequence[FormField]) -> list[tuple[str, str | None]]:
    """The keys of the name, phone and email fields (None for one the form lacks)."""

    def find(key: str, field_type: str) -> str | None:
        for field in fields:
            if field.key == key:
                return field.key
        for field in fields:
            if field.type == field_type and field_type != "text":
                return field.key
        return None

    return [
        ("Name", find("name", "text")),
        ("Phone", find("phone", "phone")),
        ("Email", find("email", "email")),
    ]


def _share(room: int, titles: Sequence[str]) -> list[int]:
    """Widths for these columns in ``room`` columns: a phone number gets 16, the rest share."""
    if not titles:
        return []
    phone = 16 if "Phone" in titles and len(titles) > 1 else 0
    others = len(titles) - (1 if phone else 0)
    each = (room - phone) // others
    return [phone if title == "Phone" and phone else each for title in titles]


def _answer_of(key: str) -> Callable[[StoredRequest], str]:
    def cell(request: StoredRequest) -> str:
        value = request.answers.get(key)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "" if value is None else value

    return cell


def _line(columns: Sequence[_Column], cells: Sequence[str]) -> str:
    parts = []
    for column, text in zip(columns, cells, strict=True):
        fitted = _fit(_clean(text), column.width)
        pad = " " * (column.width - _width(fitted))
        parts.append(pad + fitted if column.right else fitted + pad)
    return "  ".join(parts).rstrip()


def _clean(text: str) -> str:
    """One line of printable text: control characters (a newline, a terminal escape) become
    spaces, so an answer can never move the cursor or change the terminal."""
    return _CONTROL.sub(" ", text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, ending in ``…`` when cut."""
    if _width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        w = _char_width(char)
        if used + w > width - 1:
            break
        kept.append(char)
        used += w
    return "".join(kept) + "…"


def _iso(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _stats_time(value: int | str | None, zone: ZoneInfo) -> str:
    if not isinstance(value, str):
        return "none"
    return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M (%Z)")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _detail(text: str) -> str:
    return text if len(text) <= MAX_DETAIL else "…" + text[-(MAX_DETAIL - 1) :]


def _reason(error: OSError) -> str:
    import os

    return os.strerror(error.errno) if error.errno else type(error).__name__
