"""The request form: its fields (from content.yaml), and checking a visitor's answers.

Qt-free. ``validate(spec, answers)`` normalises every answer (Unicode NFC, trimmed, control
and bidi-override characters removed, length-limited) and says, per field, what is wrong in
plain words.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Mapping
from typing import Literal

from kiosk.core.record import Record
from kiosk.core.words import ENGLISH, N_, RIGHT_TO_LEFT_CODES, Words

FieldType = Literal["text", "phone", "email", "choice", "multiline", "consent"]
FIELD_TYPES: tuple[FieldType, ...] = ("text", "phone", "email", "choice", "multiline", "consent")

DEFAULT_MAX_LENGTH: dict[FieldType, int] = {
    "text": 100,
    "phone": 32,
    "email": 254,
    "choice": 100,
    "multiline": 500,
    "consent": 0,
}
"""Characters kept of an answer when the field sets no max_length."""
MULTILINE_LIMIT = 500
"""No multiline answer may be longer than this, whatever content.yaml says."""
MAX_FIELD_LENGTH = 1000
"""The largest max_length content.yaml may give a text, phone or email field."""
MAX_CHOICES = 8
"""A choice field shows its choices as large buttons; more than this do not fit."""
FIRST_NAME_PLACEHOLDER = "{first_name}"
"""The one placeholder the thank-you title may contain."""


class FormField(Record):
    """One of ``form.fields``: what the visitor is asked, and how the answer is checked."""

    key: str
    type: FieldType
    label: str
    required: bool = False
    hint: str | None = None
    choices: tuple[str, ...] = ()
    max_length: int = 100


class AtLeastOneOf(Record):
    """The visitor must answer at least one of ``fields``; ``message`` goes by the first."""

    fields: tuple[str, ...]
    message: str


class Thanks(Record):
    """``form.thanks``: the screen after Send."""

    title: str
    body: str
    name_field: str | None = None


class FormSpec(Record):
    """``form``: the request form's words, fields and rules."""

    button_label: str
    title: str
    intro: str
    emergency_notice: str
    submit_label: str
    cancel_label: str
    phone_region: str
    fields: tuple[FormField, ...]
    rules: tuple[AtLeastOneOf, ...]
    thanks: Thanks


Answer = str | bool


class Validation:
    """The normalised answers and, per field key, what is wrong (in field order).

    A plain class, made once per check of a form: a dataclass costs about a millisecond at
    import, and this module is imported before the first page (the content's form is in it)."""

    __slots__ = ("errors", "values")

    def __init__(
        self, values: dict[str, Answer] | None = None, errors: dict[str, str] | None = None
    ) -> None:
        self.values: dict[str, Answer] = {} if values is None else values
        self.errors: dict[str, str] = {} if errors is None else errors

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------------------------
# What a visitor is told (short and kind: shown in large type beside the field)

FILL_IN = N_("Please fill this in.")
CHOOSE_ONE = N_("Please choose one.")
TICK_CONSENT = N_("Please tick this box so the clinic may contact you.")
BAD_EMAIL = N_("This doesn't look like an email address. It should look like name@example.com.")
_BAD_PHONE = N_(
    "This doesn't look like a phone number. Please include the area code, for example {example}."
)
_EXAMPLE_PHONE = {"US": "202-555-0100"}
"""Example numbers shown in the message, where a fictional one is known (555-01XX is
reserved for fiction in North America); other regions use the phone library's example."""


def load_checkers() -> None:
    """Import the phone and e-mail libraries now (about 50 ms), so the first visitor's Send is
    as quick as the next one's: the app calls this once a form is on screen, not at start-up."""
    import email_validator  # noqa: F401
    import phonenumbers  # noqa: F401


@functools.lru_cache(maxsize=8)
def phone_message(region: str, words: Words = ENGLISH) -> str:
    """What a visitor is told when a phone number does not check out, with an example number
    written the way people in ``region`` write it, in the language of ``words``."""
    return words.tr(_BAD_PHONE, example=_isolated(_example(region), words))


# --------------------------------------------------------------------------------------------
# Normalising text

_KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
"""Format characters kept: zero-width non-joiner and joiner, which Persian and Indic names and
emoji sequences need. Every other format character (bidi embeddings, overrides and isolates,
marks, zero-width spaces, soft hyphens, tag characters) is removed: it is invisible and can
make text read differently from what it stores."""
# Patterns, compiled (and cached by re) when a visitor's answer is first normalised: the kiosk
# imports this module before its first page, which needs none of them.
_LINE_BREAKS = "\r\n|[\r\x0b\x0c\x85\u2028\u2029]"
_SPACES = r"[^\S\n]+"
_SPACED_LINE_BREAK = r" ?\n ?"
_BLANK_LINES = r"\n{3,}"


def _kept(char: str, multiline: bool) -> bool:
    """Whether ``char`` stays in normalised text (line breaks are already "\n")."""
    if char == "\n":
        return multiline
    category = unicodedata.category(char)
    if category == "Cc":
        return char == "\t"  # a space, for now; folded into one below
    if category == "Cf":
        return char in _KEPT_FORMAT
    return category != "Cs"  # a lone surrogate cannot be stored as UTF-8


def normalise_text(text: str, max_length: int, multiline: bool = False) -> str:
    """``text`` as it is stored: Unicode NFC, without control characters (but line breaks in
    ``multiline`` text) or invisible format characters (but ZWNJ and ZWJ), runs of spaces and
    tabs made one space, at most one blank line in a row, stripped, and cut to at most
    ``max_length`` characters. In single-line text a line break becomes a space."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(_LINE_BREAKS, "\n", text)
    if not multiline:
        text = text.replace("\n", " ")
    text = "".join(char for char in text if _kept(char, multiline))
    text = re.sub(_SPACES, " ", text)
    if multiline:
        text = re.sub(_BLANK_LINES, "\n\n", re.sub(_SPACED_LINE_BREAK, "\n", text))
    return text.strip()[: max(max_length, 0)].rstrip()


# --------------------------------------------------------------------------------------------
# Checking a visitor's answers


def validate(spec: FormSpec, answers: Mapping[str, Answer], words: Words = ENGLISH) -> Validation:
    """Check and normalise ``answers`` (by field key) against ``spec``.

    Every field of ``spec`` without a problem gets a value (an empty string, or False for a
    consent box, when it was not answered); every field with one gets a message instead.
    Answers for keys that are not fields are ignored. A text answer for a consent box, or a
    yes/no answer for any other field, is a programming error (TypeError). The program's own
    messages are in the language of ``words`` (the rules' messages come from ``spec``).
    """
    values: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    for form_field in spec.fields:
        answer = answers.get(form_field.key)
        if form_field.type == "consent":
            if answer is not None and not isinstance(answer, bool):
                raise TypeError(f"the answer for {form_field.key!r} must be True or False")
            if form_field.required and answer is not True:
                errors[form_field.key] = words.tr(TICK_CONSENT)
            else:
                values[form_field.key] = answer is True
            continue
        if answer is not None and not isinstance(answer, str):
            raise TypeError(f"the answer for {form_field.key!r} must be text")
        value, error = _check_text(spec, form_field, answer or "")
        if error:
            errors[form_field.key] = words.tr(
                error, example=_isolated(_example(spec.phone_region), words)
            )
        else:
            values[form_field.key] = value
    for rule in spec.rules:
        if any(key in errors for key in rule.fields):
            continue
        if not any(values.get(key) for key in rule.fields):
            first = rule.fields[0]
            values.pop(first, None)
            errors[first] = rule.message
    order = {form_field.key: index for index, form_field in enumerate(spec.fields)}
    errors = dict(sorted(errors.items(), key=lambda item: order.get(item[0], len(order))))
    return Validation(values=values, errors=errors)


def _isolated(text: str, words: Words) -> str:
    """``text`` kept left to right inside a right-to-left language's sentence (a left-to-right
    isolate: "202-555-0100" would otherwise read "0100-555-202" in an Arabic sentence)."""
    if words.code.split("_")[0] in RIGHT_TO_LEFT_CODES:
        return f"\u2066{text}\u2069"
    return text


def _example(region: str) -> str:
    """The example number in the phone message for ``region``."""
    example = _EXAMPLE_PHONE.get(region)
    if example is None:
        import phonenumbers  # loaded with the first visitor's number, not at start-up

        number = phonenumbers.example_number(region)
        if number is None:
            return _EXAMPLE_PHONE["US"]
        example = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return example


def _check_text(spec: FormSpec, form_field: FormField, answer: str) -> tuple[str, str | None]:
    """The normalised answer to a field a visitor types into or picks from, and its problem."""
    multiline = form_field.type == "multiline"
    limit = min(form_field.max_length, MULTILINE_LIMIT) if multiline else form_field.max_length
    if form_field.type == "choice":
        limit = max((len(choice) for choice in form_field.choices), default=0)
    if form_field.type in ("phone", "email"):
        limit = sys.maxsize  # never cut an address: a cut one may still look right
    text = normalise_text(answer, limit, multiline)
    if not text:
        if not form_field.required:
            return "", None
        return "", CHOOSE_ONE if form_field.type == "choice" else FILL_IN
    if form_field.type == "phone":
        if len(text) > form_field.max_length:
            return "", _BAD_PHONE
        return _check_phone(text, spec.phone_region)
    if form_field.type == "email":
        if len(text) > form_field.max_length:
            return "", BAD_EMAIL
        return _check_email(text)
    if form_field.type == "choice" and text not in form_field.choices:
        return "", CHOOSE_ONE
    return text, None


def _check_email(text: str) -> tuple[str, str | None]:
    """The address, normalised (the domain lower-cased), or a problem. Syntax only: no network."""
    # Imported on first use: loading it takes longer than showing the first slide needs.
    import email_validator

    try:
        return email_validator.validate_email(text, check_deliverability=False).normalized, None
    except email_validator.EmailNotValidError:
        return "", BAD_EMAIL


def _check_phone(text: str, region: str) -> tuple[str, str | None]:
    """The number in E.164 form (+12025550100; an extension kept as ";ext=5"), or a problem."""
    import phonenumbers  # loaded with the first visitor's number, not at start-up

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return "", _BAD_PHONE
    if not phonenumbers.is_valid_number(number):
        return "", _BAD_PHONE
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return (f"{e164};ext={number.extension}" if number.extension else e164), None


# --------------------------------------------------------------------------------------------
# The thank-you screen

_FIRST_NAME_WITH_SPACE_BEFORE = r"(?:,\s*|\s+)?" + re.escape(FIRST_NAME_PLACEHOLDER)
_PLACEHOLDER = r"\{[^{}]*\}"


def unknown_placeholders(title: str) -> list[str]:
    """Every {...} placeholder in a thank-you title other than {first_name}, in order."""
    return [p for p in re.findall(_PLACEHOLDER, title) if p != FIRST_NAME_PLACEHOLDER]


def first_name(full_name: str) -> str:
    """The first word of the normalised ``full_name`` ("" when there is none)."""
    words = normalise_text(full_name, sys.maxsize).split()
    return words[0] if words else ""


def thanks_title(spec: FormSpec, values: Mapping[str, Answer]) -> str:
    """The thank-you title with {first_name} filled in from ``spec.thanks.name_field``.

    Without a name, the placeholder goes together with the ", " or space before it
    ("Thank you, {first_name}." becomes "Thank you."). The name is inserted literally: it is
    never read as a format string.
    """
    title = spec.thanks.title
    name_field = spec.thanks.name_field
    answer = values.get(name_field, "") if name_field else ""
    name = first_name(answer) if isinstance(answer, str) else ""
    if name:
        return title.replace(FIRST_NAME_PLACEHOLDER, name)
    return re.sub(_FIRST_NAME_WITH_SPACE_BEFORE, "", title).strip()
