"""How the staff screen and the front-desk inbox write times, answers and counts, and the
filters both offer: one wording for both, so a request reads the same wherever staff see it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

FILTERS: dict[str, str | None] = {"New": "new", "Contacted": "contacted", "All": None}
"""The list's filters: the chip's name and the status it shows (None: every request)."""


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def short_time(moment: datetime, zone: ZoneInfo) -> str:
    """The list's compact time: "30 Nov 10:20" (the answers show the year)."""
    return moment.astimezone(zone).strftime("%d %b %H:%M")


def breakable(path: str) -> str:
    """``path`` with invisible break opportunities after each "/", so it can wrap."""
    return path.replace("/", "/\u200b")


def answer_text(value: str | bool) -> str:
    """An answer as staff read it: a tick box as "Yes" or "No", text as it was typed."""
    return ("Yes" if value else "No") if isinstance(value, bool) else value


def requests_word(count: int) -> str:
    """ "request" or "requests", to follow ``count``."""
    return "request" if count == 1 else "requests"
