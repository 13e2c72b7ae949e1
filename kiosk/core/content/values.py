"""Checkers of single values: colours, numbers, yes/no, a day's opening times, and what each
kind of text must be (a field key, a country code, a time zone, a language code...).

A text kind is a parser for :class:`~.checkers.Text`: it gets the stripped text and gives the
value, or raises :class:`~.text.TextError` with what is wrong.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from kiosk.core.colors import parse_hex_color
from kiosk.core.content.checkers import Text, scalar_value, text_value
from kiosk.core.content.model import TranslationFile
from kiosk.core.content.text import TextError, did_you_mean, looks_like_number, num, quote
from kiosk.core.content.yaml_nodes import INVALID, Context, Refused, describe_value, join, line_of
from kiosk.core.form import FIRST_NAME_PLACEHOLDER, unknown_placeholders
from kiosk.core.hours import CLOSED, RANGE_EXAMPLE, DayError, parse_day
from kiosk.core.regions import PHONE_REGIONS


def colour(ctx: Context, node: Node, path: str, line: int) -> Any:
    """A colour written as "#RRGGBB" or "#RGB"; gives "#RRGGBB" in upper case."""
    expected = 'a colour written as "#RRGGBB" or "#RGB" in quotes, like "#1B1B1B"'
    if isinstance(node, ScalarNode) and node.tag.endswith(":null") and node.value == "":
        ctx.report(
            line_of(node),
            path,
            f"must be {expected}, got nothing (a # outside quotes starts a comment, "
            "so put the colour in quotes)",
        )
        return INVALID
    value = scalar_value(ctx, node, path, expected)
    if value is INVALID:
        return INVALID
    text = value.strip() if isinstance(value, str) else None
    try:
        rgb = parse_hex_color(text) if text is not None else None
    except ValueError:
        rgb = None
    if rgb is None:
        ctx.report(line_of(node), path, f"must be {expected}, got {describe_value(node, value)}")
        return INVALID
    return "#{:02X}{:02X}{:02X}".format(*rgb)


class Number:
    """A number (int or float, not a yes/no value) from ``low`` to ``high`` inclusive."""

    __slots__ = ("high", "integer", "low", "unit")

    def __init__(self, low: float, high: float, unit: str, integer: bool = False) -> None:
        self.low = low
        self.high = high
        self.unit = unit
        self.integer = integer

    def __call__(self, ctx: Context, node: Node, path: str, line: int) -> Any:
        kind = "a whole number" if self.integer else "a number"
        value = scalar_value(ctx, node, path, f"{kind} of {self.unit}")
        if value is INVALID:
            return INVALID
        wanted = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted):
            hint = ""
            if isinstance(value, str) and getattr(node, "style", None) and looks_like_number(value):
                hint = "; write the number without quotes"
            ctx.report(
                line_of(node),
                path,
                f"must be {kind} of {self.unit}, got {describe_value(node, value)}{hint}",
            )
            return INVALID
        if not self.low <= value <= self.high:
            ctx.report(
                line_of(node),
                path,
                f"must be between {num(self.low)} and {num(self.high)} {self.unit}, "
                f"got {node.value}",
            )
            return INVALID
        return int(value) if self.integer else float(value)


_YES_NO = frozenset({"true", "false", "yes", "no", "on", "off"})


def yes_no(ctx: Context, node: Node, path: str, line: int) -> Any:
    """true or false (YAML reads yes/no and on/off as these too); gives a bool."""
    value = scalar_value(ctx, node, path, "true or false")
    if value is INVALID:
        return INVALID
    if not isinstance(value, bool):
        hint = ""
        if (
            isinstance(value, str)
            and getattr(node, "style", None)
            and value.strip().lower() in _YES_NO
        ):
            hint = "; write it without quotes"
        ctx.report(
            line_of(node),
            path,
            f"must be true or false, got {describe_value(node, value)}{hint}",
        )
        return INVALID
    return value


def opening_times(ctx: Context, node: Node, path: str, line: int) -> Any:
    """One day of opening_hours: "closed" or ranges like "08:00-12:30, 13:30-18:00"; gives a
    tuple of :class:`~kiosk.core.hours.Span` (empty when closed)."""
    value = text_value(
        ctx,
        node,
        path,
        f"{CLOSED} or opening times in quotes, like {RANGE_EXAMPLE}",
        list_hint="; write all of a day's ranges on one line, separated by commas",
        empty_hint=f" (leave the day out or write {CLOSED} for a closed day)",
        other_hint=lambda value: (
            f"; write {CLOSED} for a closed day" if isinstance(value, bool) else ""
        ),
    )
    if value is INVALID:
        return INVALID
    try:
        return parse_day(value)
    except DayError as error:
        for message in dict.fromkeys(error.messages):  # each once, in order
            ctx.report(line_of(node), path, message)
        return INVALID


# --------------------------------------------------------------------------------------------
# Kinds of text (parsers for Text)


def one_of(options: tuple[str, ...], what: str) -> Text:
    """One of a fixed set of words (``what`` names them: "field types"); gives the word."""

    def pick(word: str) -> str:
        if word not in options:
            raise TextError(
                f"must be one of the {what} ({', '.join(options)}), got {quote(word)}"
                + did_you_mean(word.lower(), options)
            )
        return word

    return Text(f"one of the {what}", pick)


def _matching(pattern: str, message: str) -> Callable[[str], str]:
    """A parser that gives a text matching ``pattern`` (compiled when first used) and says
    ``message`` (with {got}, the text quoted) about any other."""

    def check(text: str) -> str:
        if not re.fullmatch(pattern, text):
            raise TextError(message.format(got=quote(text)))
        return text

    return check


field_key = _matching(
    r"[a-z][a-z0-9_]{0,39}",
    "must be a short name of lower-case letters, digits and _, starting with a letter, at most "
    "40 characters (like best_time), got {got}",
)
"""The key of a form field: a short name used in the database and in exports."""

LANGUAGE_CODE_EXAMPLE = 'a language code like "en", "es", "zh" or "pt_BR"'
language_code = _matching(
    r"[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?", f"must be {LANGUAGE_CODE_EXAMPLE}, got {{got}}"
)
"""A language code: two or three lower-case letters, optionally _ and a region or script."""

REGION_EXAMPLE = 'a two-letter country code, like "US", "CA" or "GB"'


def region(code: str) -> str:
    """A two-letter country code that the phone number library knows; gives it in upper case."""
    if not re.fullmatch(r"[A-Za-z]{2}", code):
        raise TextError(f"must be {REGION_EXAMPLE}, got {quote(code)}")
    if code.upper() not in PHONE_REGIONS:
        raise TextError(
            "must be a two-letter country code that the phone number check knows, "
            f'like "US", "CA" or "GB", got {quote(code)}'
        )
    return code.upper()


def thanks_title(title: str) -> str:
    """Text that may contain {first_name}, and no other {...} placeholder."""
    others = unknown_placeholders(title)
    if others:
        raise TextError(
            f"may only contain the placeholder {FIRST_NAME_PLACEHOLDER} (the visitor's "
            f"first name), got {', '.join(others)} in {quote(title)}"
        )
    return title


TIME_ZONE_EXAMPLE = "a time zone name like America/New_York"


def time_zone(name: str) -> str:
    """An IANA time zone name that :class:`zoneinfo.ZoneInfo` can load; gives the name."""
    try:
        zoneinfo.ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError (a KeyError), ValueError, OSError...
        raise TextError(f"must be {TIME_ZONE_EXAMPLE}, got {quote(name)}") from None
    return name


_LANGUAGE_CODE = Text(LANGUAGE_CODE_EXAMPLE, language_code)


def translation_files(ctx: Context, node: Node, path: str, line: int) -> Any:
    """``code: path`` lines: each language's file, which must be there; gives a tuple of
    :class:`~.model.TranslationFile`."""
    if not isinstance(node, MappingNode):
        return ctx.report_got(
            node,
            path,
            "must be a mapping of 'code: file' lines, like es: resources/languages/es.yaml",
        )
    files: list[TranslationFile] = []
    seen: set[str] = set()
    ok = True
    for key_node, value_node in node.value:
        if isinstance(key_node, Refused) or isinstance(value_node, Refused):
            ok = False
            continue
        code = _LANGUAGE_CODE(ctx, key_node, path, line_of(key_node))
        key_path = join(path, str(getattr(key_node, "value", "")))
        raw = text_value(ctx, value_node, key_path, "the path of a language file")
        if code is INVALID or raw is INVALID:
            ok = False
            continue
        if code in seen:
            ctx.report(line_of(key_node), key_path, "appears more than once; keep only one")
            ok = False
            continue
        seen.add(code)
        full = ctx.base_dir / os.path.expanduser(raw.strip())
        if not full.is_file():
            ctx.report(
                line_of(value_node),
                key_path,
                f"the file {quote(raw.strip())} is not there (looked for {full}); "
                "check the path (relative to this file's folder)",
            )
            ok = False
            continue
        files.append(TranslationFile(code, full, line_of(key_node)))
    return tuple(files) if ok else INVALID
