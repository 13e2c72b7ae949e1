"""``kiosk requests list``, ``export``, ``stats`` and ``audit``: what reads the requests.

Each is given the parsed command line and returns the exit code; a failure is a
:class:`~kiosk.commands.requests.common.CommandError`. ``list`` and ``export`` show the
visitors' answers, which is their purpose; nothing else here ever does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import places
from kiosk.commands.requests import common
from kiosk.commands.requests.changes import mark_exported
from kiosk.commands.requests.common import ACTOR, CommandError
from kiosk.commands.requests.output import (
    clean,
    damaged,
    detail,
    plural,
    print_json,
    print_table,
    reason,
    stats_time,
)
from kiosk.places import EXIT_OK
from kiosk.storage.store import SaveError


def print_requests(args: argparse.Namespace) -> int:
    """``list``: print the requests as a table, or as JSON Lines with ``--json``."""
    content = common.content(args)
    zone = common.zone(content)
    since = common.since(args, zone)
    status = common.status(args)
    with common.opened_store(args) as store:
        requests = store.iter_requests(status=status, since=since)
        if args.json:
            written = print_json(requests, zone)
        else:
            written = print_table(requests, content.form.fields, zone)
    left_out = getattr(requests, "damaged", [])  # a local stream names damaged rows
    if written == 0 and not left_out:
        print("No requests.", file=sys.stderr if args.json else sys.stdout)
    elif not args.json:
        print(f"{plural(written, 'request')}; times in {zone.key}.")
    return damaged("list", left_out, "listed")


def export_requests(args: argparse.Namespace) -> int:
    """``export``: write the requests to a CSV file (then, if asked, mark them contacted)."""
    # Imported here: every start of the kiosk builds this command line (orjson and the CSV
    # writer are for exports only).
    from kiosk.storage.export import InsideDataFolderError, export_csv, inside

    content = common.content(args)
    zone = common.zone(content)
    since = common.since(args, zone)
    status = common.status(args)
    output: Path = args.output
    shown = str(output)
    data_dir = places.data_dir(args)
    if inside(output, data_dir):
        raise CommandError(str(InsideDataFolderError(output, data_dir)))
    if output.is_dir():
        raise CommandError(f"{shown} is a folder; give a file name, like {output / 'requests.csv'}")
    if output.exists() and not args.force:
        raise CommandError(f"{shown} exists; add --force to overwrite it")
    folder = output.parent
    if not folder.is_dir():
        raise CommandError(f"the folder {folder} does not exist; {shown} was not written")
    with common.opened_store(args, then=f"; {shown} was not written") as store:
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
            raise CommandError(str(error)) from None
        except FileExistsError:
            raise CommandError(f"{shown} exists; add --force to overwrite it") from None
        except PermissionError:
            raise CommandError(f"cannot write to {folder}: permission denied") from None
        except OSError as error:
            raise CommandError(f"could not write {shown}: {reason(error)}") from None
        print(f"Exported {plural(count, 'request')} to {shown}")
        try:
            store.audit("export", ACTOR, count, detail(str(output.absolute())))
            if args.mark_contacted:
                marked = mark_exported(store, exported)
                print(f"Marked {plural(marked, 'request')} as contacted.")
        except SaveError as error:
            raise CommandError(
                f"the file was written, but recording the export failed: {error}"
            ) from None
    return damaged("export", getattr(requests, "damaged", []), "exported")


def show_stats(args: argparse.Namespace) -> int:
    """``stats``: how many requests there are, the oldest new one and the latest one."""
    content = common.content(args)
    zone = common.zone(content)
    with common.opened_store(args) as store:
        stats = store.stats()
    print(f"Requests: {stats['total']} ({stats['new']} new, {stats['contacted']} contacted)")
    print(f"Oldest new request: {stats_time(stats['oldest_new'], zone)}")
    print(f"Latest request:     {stats_time(stats['newest'], zone)}")
    days = content.staff.retention_days
    print(f"Contacted requests are deleted {plural(days, 'day')} after they were marked.")
    print(f"Database: {store.path}")
    return EXIT_OK


def show_audit_log(args: argparse.Namespace) -> int:
    """``audit``: the audit log, newest first."""
    limit = common.limit(args.limit)
    zone = common.zone(common.content(args))
    with common.opened_store(args) as store:
        entries = store.audit_log(limit)
    if not entries:
        print("No audit entries.")
        return EXIT_OK
    print(f"{'When':<19}  {'Event':<10}  {'Actor':<8}  {'Count':>5}  Detail")
    for entry in entries:
        when = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        actor, text = clean(entry.actor), clean(entry.detail)
        line = f"{when:<19}  {entry.event:<10}  {actor:<8}  {entry.count:>5}  {text}"
        print(line.rstrip())
    print(f"Times in {zone.key}.")
    return EXIT_OK
