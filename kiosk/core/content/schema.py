"""The schema of content.yaml: every key, how its value is checked, and what it builds.

Each mapping of the file is a :class:`~.checkers.MappingOf` whose ``build`` is the model's
record class (or a small function where the model needs more than the keys: a default that
depends on another key, the seven days of opening hours), called with the checked keys as
keyword arguments. So adding a key is one field in :mod:`.model` and one
:class:`~.checkers.Field` here; a key left out of the file gets the field's default. A key
whose field has another name says so (``attribute="paragraphs"``); a text visitors read is
``translated=True``, and language files may then give it (:mod:`kiosk.core.i18n`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from kiosk.core.content.checkers import (
    Field,
    ListOf,
    Located,
    MappingOf,
    PathText,
    Text,
)
from kiosk.core.content.file_checks import folder, image_file
from kiosk.core.content.model import (
    Article,
    Branding,
    Colors,
    LanguageSettings,
    Notices,
    Section,
    Staff,
    Timing,
)
from kiosk.core.content.rules import (
    Distinct,
    check_contrast,
    check_default_not_translated,
    check_field_options,
    check_image_description,
    check_name_field,
    check_rule_fields,
    check_timing_limits,
)
from kiosk.core.content.text import paragraphs
from kiosk.core.content.values import (
    LANGUAGE_CODE_EXAMPLE,
    REGION_EXAMPLE,
    TIME_ZONE_EXAMPLE,
    Number,
    colour,
    field_key,
    language_code,
    one_of,
    opening_times,
    region,
    thanks_title,
    time_zone,
    translation_files,
    yes_no,
)
from kiosk.core.content.yaml_nodes import INVALID, Context
from kiosk.core.form import (
    DEFAULT_MAX_LENGTH,
    FIELD_TYPES,
    MAX_CHOICES,
    MAX_FIELD_LENGTH,
    AtLeastOneOf,
    FormField,
    FormSpec,
    Thanks,
)
from kiosk.core.hours import CLOSED_DISPLAYS, DAY_NAMES, OpeningHours

_COLORS = MappingOf(
    fields={
        name: Field(colour)
        for name in (
            "background",
            "text",
            "heading",
            "header_background",
            "header_text",
            "footer_background",
            "footer_text",
            "accent",
        )
    },
    build=Colors,
    cross_checks=(check_contrast,),
)

_CLINIC = MappingOf(
    fields={
        "name": Field(Text()),
        "logo": Field(PathText("the path of an image file", image_file)),
        "colors": Field(_COLORS),
    },
    build=Branding,
)

_NOTICES = MappingOf(
    fields={
        "crisis_line": Field(Text(), translated=True),
        "disclaimer": Field(Text(), translated=True),
    },
    build=Notices,
)

_TIMING = MappingOf(
    fields={
        "words_per_minute": Field(Number(50, 1000, "words per minute"), required=False),
        "extra_seconds": Field(Number(0, 120, "seconds"), required=False),
        "min_seconds": Field(Number(1, 600, "seconds"), required=False),
        "max_seconds": Field(Number(1, 3600, "seconds"), required=False),
        "fade_ms": Field(Number(0, 5000, "milliseconds", integer=True), required=False),
        "idle_resume_seconds": Field(Number(1, 3600, "seconds"), required=False),
        "form_idle_seconds": Field(Number(10, 3600, "seconds"), required=False),
        # WCAG 2.2.1: at least 20 seconds to answer a time-out warning.
        "still_there_seconds": Field(Number(20, 300, "seconds"), required=False),
        "thanks_seconds": Field(Number(3, 120, "seconds"), required=False),
    },
    build=Timing,
    cross_checks=(check_timing_limits,),
)


def _section(*, heading: str | None = None, **values: Any) -> Section:
    """A Section (the model has no default heading: it comes before the paragraphs)."""
    return Section(heading=heading, **values)


_SECTION = MappingOf(
    fields={
        "heading": Field(Text(), required=False, translated=True),
        "body": Field(
            Text("text", paragraphs, strip=False), attribute="paragraphs", translated=True
        ),
        "image": Field(PathText("the path of an image file", image_file), required=False),
        "image_description": Field(Text(), required=False, translated=True),
        "seconds": Field(Number(1, 3600, "seconds"), required=False),
    },
    build=_section,
    cross_checks=(check_image_description,),
)

_ARTICLE = MappingOf(
    fields={
        "title": Field(Text(), translated=True),
        "sections": Field(ListOf(_SECTION, "sections")),
    },
    build=Article,
)


def _form_field(**values: Any) -> FormField:
    """A FormField; without max_length, its type's default length."""
    return FormField(**{"max_length": DEFAULT_MAX_LENGTH[values["type"]], **values})


_FORM_FIELD = MappingOf(
    fields={
        "key": Field(Text("a field key", field_key)),
        "type": Field(one_of(FIELD_TYPES, "field types")),
        "label": Field(Text(), translated=True),
        "required": Field(yes_no, required=False),
        "hint": Field(Text(), required=False, translated=True),
        "choices": Field(
            ListOf(
                Text(),
                "choices",
                most=MAX_CHOICES,
                cross_checks=(Distinct("each choice must be different", fold=True),),
            ),
            required=False,
            translated=True,
        ),
        "max_length": Field(
            Number(1, MAX_FIELD_LENGTH, "characters", integer=True), required=False
        ),
    },
    build=_form_field,
    cross_checks=(check_field_options,),
)


_RULE = MappingOf(
    fields={
        "at_least_one_of": Field(
            ListOf(
                Text(),
                "field keys",
                least=2,
                cross_checks=(Distinct("name each field once"),),
            ),
            attribute="fields",
        ),
        "message": Field(Text(), translated=True),
    },
    build=AtLeastOneOf,
)

_THANKS = MappingOf(
    fields={
        "title": Field(Text("text", thanks_title), translated=True),
        "body": Field(Text(), translated=True),
        "name_field": Field(Located(Text()), required=False),
    },
    build=dict,  # made into Thanks by _form, once name_field has been checked
)


def _form(*, rules: tuple[Any, ...], thanks: dict[str, Any], **values: Any) -> FormSpec:
    """A FormSpec: ``rules`` and ``thanks.name_field`` come with their lines (for the rules
    that join them with the fields), which are dropped here."""
    if "name_field" in thanks:
        thanks = {**thanks, "name_field": thanks["name_field"].value}
    return FormSpec(rules=tuple(rule.value for rule in rules), thanks=Thanks(**thanks), **values)


_FORM = MappingOf(
    fields={
        "button_label": Field(Text(), translated=True),
        "title": Field(Text(), translated=True),
        "intro": Field(Text(), translated=True),
        "emergency_notice": Field(Text(), translated=True),
        "submit_label": Field(Text(), translated=True),
        "cancel_label": Field(Text(), translated=True),
        "phone_region": Field(Text(REGION_EXAMPLE, region)),
        "fields": Field(
            ListOf(
                _FORM_FIELD,
                "fields",
                cross_checks=(
                    Distinct("each field needs its own key", lambda f: f.key, suffix=".key"),
                ),
                keyed_by="key",
            )
        ),
        "rules": Field(ListOf(Located(_RULE), "rules", least=0), required=False, default=tuple),
        "thanks": Field(_THANKS),
    },
    build=_form,
    cross_checks=(check_rule_fields, check_name_field),
)


def _staff(**values: Any) -> Staff:
    """A Staff from the keys given; export_folder is always absolute, even the default."""
    values.setdefault(
        "export_folder", Path(os.path.abspath(os.path.expanduser(Staff.export_folder)))
    )
    return Staff(**values)


_STAFF = MappingOf(
    fields={
        "long_press_seconds": Field(Number(1, 30, "seconds"), required=False),
        "lock_after_seconds": Field(Number(10, 3600, "seconds"), required=False),
        "retention_days": Field(Number(1, 3650, "days", integer=True), required=False),
        "time_zone": Field(Text(TIME_ZONE_EXAMPLE, time_zone), required=False),
        "export_folder": Field(PathText("the path of a folder", folder), required=False),
    },
    build=_staff,
)


def _opening_hours(**values: Any) -> OpeningHours:
    """OpeningHours: the days, Monday first, go in one tuple (a day left out is closed). A
    time_zone left out is None: staff.time_zone or local time (see parse_content)."""
    days = tuple(values.pop(name, ()) for name in DAY_NAMES)
    return OpeningHours(days=days, **values)


class _Hours:
    """The opening_hours mapping, which must open on at least one day."""

    __slots__ = ("mapping",)

    def __init__(self, mapping: MappingOf) -> None:
        self.mapping = mapping

    def __call__(self, ctx: Context, node: Node, path: str, line: int) -> Any:
        hours = self.mapping(ctx, node, path, line)
        if hours is not INVALID and hours.never_open:
            ctx.report(
                line,
                path,
                "gives no opening times, so the kiosk would always sleep; add the hours of at "
                'least one day, like monday: "08:00-18:00", or remove opening_hours to keep '
                "the kiosk awake all the time",
            )
            return INVALID
        return hours


_OPENING_HOURS = _Hours(
    MappingOf(
        fields={
            **{name: Field(opening_times, required=False) for name in DAY_NAMES},
            "time_zone": Field(Text(TIME_ZONE_EXAMPLE, time_zone), required=False),
            "wake_minutes": Field(Number(1, 120, "minutes", integer=True), required=False),
            "closed_display": Field(one_of(CLOSED_DISPLAYS, "choices"), required=False),
        },
        build=_opening_hours,
    )
)

_LANGUAGES = MappingOf(
    fields={
        "default": Field(Text(LANGUAGE_CODE_EXAMPLE, language_code), required=False),
        "translations": Field(translation_files, required=False),
    },
    build=LanguageSettings,
    cross_checks=(check_default_not_translated,),
)

CONTENT = MappingOf(
    fields={
        "content_version": Field(Text()),
        "clinic": Field(_CLINIC),
        "notices": Field(_NOTICES),
        "timing": Field(_TIMING, required=False, default=Timing),
        "form": Field(_FORM),
        "staff": Field(_STAFF, required=False, default=_staff),
        "article": Field(_ARTICLE),
        "opening_hours": Field(_OPENING_HOURS, required=False),
        "languages": Field(_LANGUAGES, required=False, default=LanguageSettings),
    },
    build=dict,  # made into Content by parse_content
)
"""The whole file: its top-level keys, each a field of :class:`~.model.Content`."""
