"""The CSV export's rows, the reference (readable) way: one ``csv.writer`` row per request.

What a row holds and how each cell is written (times in the clinic's zone, yes/no answers, a
``'`` in front of what a spreadsheet would take for a formula). :mod:`kiosk.storage.csv_fast`
writes the same bytes a batch at a time; :mod:`kiosk.storage.export` writes the file.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from kiosk.core.form import FormField
from kiosk.storage.records import StoredRequest

FIXED_HEADER = ("ID", "Received", "Status", "Contacted")
"""The first columns; then one per form field (its label), then :data:`TRAILING_HEADER`."""
TRAILING_HEADER = ("Content version", "Kiosk", "Language")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""A cell starting with one of these is read as a formula by Excel, LibreOffice Calc or Google
Sheets (OWASP "CSV Injection"; the full-width forms too, which Excel takes for the ASCII ones
in East Asian locales); such a cell gets a leading ``'``."""

INVISIBLE_LEAD = (
    "".join(map(chr, range(0x20)))
    + "".join(map(chr, range(0x7F, 0xA0)))
    + "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
"""Control and zero-width characters a spreadsheet skips before a formula (LibreOffice runs
``\\x00=1+1``): a cell that starts with any of them and then a trigger gets a ``'`` as well."""

Progress = Callable[[int], object]
"""Told how many rows have been written so far."""
PROGRESS_ROWS = 500
"""The reference way reports progress every this many rows (the fast way, every batch)."""

YES, NO = "Yes", "No"


def safe_cell(value: str) -> str:
    """``value``, with a ``'`` in front if a spreadsheet would take it for a formula: if it
    starts with a trigger, or with control or zero-width characters and then a trigger."""
    if value.startswith(FORMULA_TRIGGERS) or value.lstrip(INVISIBLE_LEAD).startswith(
        FORMULA_TRIGGERS
    ):
        return f"'{value}"
    return value


def csv_writer(stream: TextIO) -> Callable[[Iterable[str]], object]:
    return csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow


def header(fields: Sequence[FormField]) -> list[str]:
    """The header row: :data:`FIXED_HEADER`, each field's label, :data:`TRAILING_HEADER`."""
    labels = [*FIXED_HEADER, *(field.label for field in fields), *TRAILING_HEADER]
    return [safe_cell(cell) for cell in labels]


def write_rows(
    stream: TextIO,
    requests: Iterable[StoredRequest],
    fields: Sequence[FormField],
    zone: ZoneInfo,
    progress: Progress | None = None,
) -> int:
    """Header and one row per request to ``stream``; how many rows (requests)."""
    writerow = csv_writer(stream)
    writerow(header(fields))
    keys = [field.key for field in fields]
    written = 0
    for request in requests:
        writerow(request_row(request, keys, zone))
        written += 1
        if progress is not None and not written % PROGRESS_ROWS:
            progress(written)
    return written


def request_row(request: StoredRequest, keys: Sequence[str], zone: ZoneInfo) -> list[str]:
    """One request's row, each cell made safe (:func:`safe_cell`)."""
    row = [
        str(request.id),
        time(request.created_at, zone),
        request.status,
        "" if request.contacted_at is None else time(request.contacted_at, zone),
        *(answer(request.answers.get(key)) for key in keys),
        request.content_version,
        request.kiosk_id,
        request.language,
    ]
    return [safe_cell(cell) for cell in row]


def answer(value: str | bool | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    return value


def time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")
