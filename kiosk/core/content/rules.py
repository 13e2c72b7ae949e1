"""Cross-key rules: what must hold between several keys of one mapping (or items of one list),
once each has passed its own check. Each is a :data:`~.checkers.CrossCheck` or
:data:`~.checkers.ListCheck` named in the schema beside the mapping or list it joins."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kiosk.core.colors import (
    WCAG_AA_LARGE_TEXT,
    WCAG_AA_NORMAL_TEXT,
    contrast_ratio,
    parse_hex_color,
)
from kiosk.core.content.checkers import Got, valid
from kiosk.core.content.model import Timing
from kiosk.core.content.text import a, did_you_mean, num, quote
from kiosk.core.content.yaml_nodes import INVALID, Context
from kiosk.core.form import MULTILINE_LIMIT, FieldType, FormField

_CONTRAST_PAIRS = (
    ("text", "background", WCAG_AA_NORMAL_TEXT, "so the text can be read"),
    ("heading", "background", WCAG_AA_LARGE_TEXT, "for large text"),
    ("accent", "background", WCAG_AA_NORMAL_TEXT, "so the text can be read"),
    ("header_text", "header_background", WCAG_AA_NORMAL_TEXT, "so the text can be read"),
    ("footer_text", "footer_background", WCAG_AA_NORMAL_TEXT, "so the text can be read"),
    # Control edges (WCAG 1.4.11): Cancel, filled in the background colour, on the header band.
    ("background", "header_background", WCAG_AA_LARGE_TEXT, "so a button's edge can be seen"),
)
"""(colour, the colour it is drawn on, the least contrast, why)."""


def _format_ratio(ratio: float) -> str:
    """The ratio cut (not rounded) to two decimals, so 4.48 never shows as 4.5."""
    text = f"{int(ratio * 100) / 100:.2f}".rstrip("0").rstrip(".")
    return text


def check_contrast(ctx: Context, path: str, got: Mapping[str, Got]) -> None:
    for fore, back, least, why in _CONTRAST_PAIRS:
        if not valid(got, fore, back):
            continue
        ratio = contrast_ratio(parse_hex_color(got[fore].value), parse_hex_color(got[back].value))
        if ratio < least:
            ctx.report(
                got[fore].line,
                f"{path}.{fore}",
                f"contrast with {path}.{back} is {_format_ratio(ratio)}:1; it must be at least "
                f"{num(least)}:1 (WCAG AA) {why}",
            )


def check_timing_limits(ctx: Context, path: str, got: Mapping[str, Got]) -> None:
    if not valid(got, "max_seconds"):
        return
    maximum = got["max_seconds"].value
    if "min_seconds" in got:
        if not valid(got, "min_seconds"):
            return
        minimum, origin = got["min_seconds"].value, ""
    else:
        minimum, origin = Timing.min_seconds, ", the default"
    if maximum < minimum:
        ctx.report(
            got["max_seconds"].line,
            f"{path}.max_seconds",
            f"must be at least min_seconds ({num(minimum)}{origin}), got {num(maximum)}",
        )


def check_image_description(ctx: Context, path: str, got: Mapping[str, Got]) -> None:
    if "image" in got and "image_description" not in got:
        ctx.report(
            got["image"].line,
            f"{path}.image_description",
            "is required when a section has an image; describe what the image shows "
            "for people who cannot see it",
        )


class Distinct:
    """A list check: no two items alike (compared by ``name``; ignoring case if ``fold``);
    each repeat is reported at its own line, with ``advice``. ``suffix`` is added to the
    item's key path in the message, e.g. ".key"."""

    __slots__ = ("advice", "fold", "name", "suffix")

    def __init__(
        self,
        advice: str,
        name: Callable[[Any], str] = str,
        suffix: str = "",
        fold: bool = False,
    ) -> None:
        self.advice = advice
        self.name = name
        self.suffix = suffix
        self.fold = fold

    def __call__(self, ctx: Context, path: str, items: Sequence[Got]) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.value is INVALID:
                continue
            name = self.name(item.value)
            first = seen.setdefault(name.casefold() if self.fold else name, index)
            if first == index:
                continue
            where = f"{path}[{first}]"
            if items[first].line != item.line:
                where += f" (line {items[first].line})"
            ctx.report(
                item.line,
                f"{path}[{index}]{self.suffix}",
                f"repeats {quote(name)} from {where}; {self.advice}",
            )


def check_field_options(ctx: Context, path: str, got: Mapping[str, Got]) -> None:
    """choices only on a choice field (and required there); max_length only where it limits."""
    if not valid(got, "type"):
        return
    kind = got["type"].value
    if kind == "choice" and "choices" not in got:
        ctx.report(
            got["type"].line,
            f"{path}.choices",
            "is required for a choice field but missing; add 'choices:' with the answers to "
            'pick from, like ["Morning", "Afternoon"]',
        )
    if kind != "choice" and "choices" in got:
        ctx.report(
            got["choices"].line,
            f"{path}.choices",
            f"is only allowed on a choice field, and this is {a(kind)} field; remove it "
            "or change the type to choice",
        )
    if "max_length" not in got:
        return
    if kind in ("choice", "consent"):
        ctx.report(
            got["max_length"].line,
            f"{path}.max_length",
            f"is not allowed on {a(kind)} field (the visitor types nothing there); remove it",
        )
    elif kind == "multiline" and valid(got, "max_length"):
        length = got["max_length"].value
        if length > MULTILINE_LIMIT:
            ctx.report(
                got["max_length"].line,
                f"{path}.max_length",
                f"must be at most {MULTILINE_LIMIT} characters for a multiline field, got {length}",
            )


def _unknown_field_message(name: str, keys: Sequence[str], listed: str) -> str:
    shown = ", ".join(keys) if keys else "none"
    return (
        f"{quote(name)} is not the key of any field{did_you_mean(name, keys)} ({listed}: {shown})"
    )


_REACHABLE_TYPES: tuple[FieldType, ...] = ("text", "phone", "email")
"""The field types an at_least_one_of rule may name."""


def check_rule_fields(ctx: Context, path: str, got: Mapping[str, Got]) -> None:
    """Each rule names fields that exist and that a visitor types into."""
    if not valid(got, "fields", "rules"):
        return
    fields: dict[str, FormField] = {}
    for form_field in got["fields"].value:
        fields.setdefault(form_field.key, form_field)
    for index, rule in enumerate(got["rules"].value):
        where = f"{path}.rules[{index}].at_least_one_of"
        for name in rule.value.fields:
            form_field = fields.get(name)
            if form_field is None:
                ctx.report(
                    rule.line, where, _unknown_field_message(name, list(fields), "field keys")
                )
            elif form_field.type not in _REACHABLE_TYPES:
                ctx.report(
                    rule.line,
                    where,
                    f"may only name text, phone and email fields, got {quote(name)}, "
                    f"which is {a(form_field.type)} field",
                )


def check_name_field(ctx: Context, path: str, got: Mapping[str, Got]) -> None:
    """thanks.name_field names a text field."""
    if not valid(got, "fields", "thanks") or "name_field" not in got["thanks"].value:
        return
    located: Got = got["thanks"].value["name_field"]
    name = located.value
    fields = {f.key: f for f in reversed(got["fields"].value)}  # the first of a repeated key
    text_keys = [f.key for f in got["fields"].value if f.type == "text"]
    where = f"{path}.thanks.name_field"
    if name not in fields:
        ctx.report(located.line, where, _unknown_field_message(name, text_keys, "text fields"))
    elif fields[name].type != "text":
        shown = ", ".join(text_keys) if text_keys else "none"
        ctx.report(
            located.line,
            where,
            f"must name a text field, got {quote(name)}, which is "
            f"{a(fields[name].type)} field (text fields: {shown})",
        )


def check_default_not_translated(ctx: Context, path: str, got: Mapping[str, Got]) -> None:
    if not valid(got, "default", "translations"):
        return
    default = got["default"].value
    for file in got["translations"].value:
        if file.code == default:
            ctx.report(
                file.line,
                f"{path}.translations.{file.code}",
                f"is the default language ({default}), which is this file's own text; remove it",
            )
