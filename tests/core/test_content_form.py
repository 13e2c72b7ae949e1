"""Parsing and validating the ``form:`` section and the form's timings in content.yaml.

Like tests/core/test_content.py, whose helpers these tests use: take the shipped content.yaml,
change one thing with ``edit``, and assert the exact message, ``FILE:LINE: key.path: message``.
The shipped fields are, by index: 0 name (text), 1 phone, 2 email, 3 contact_method (choice),
4 best_time (choice), 5 question (multiline), 6 consent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.content import Timing, load_content
from kiosk.core.form import AtLeastOneOf, FormField, FormSpec, Thanks
from tests.core import test_content
from tests.core.test_content import MINIMAL, SHIPPED, SHIPPED_TEXT, edit, line_of, parse, problems

site = test_content.site
"""The parser tests' fixture: a folder with resources/logo.svg, used as base_dir."""

FIELD_KEYS = "name, phone, email, contact_method, best_time, question, consent"
FIELD_TYPES = "text, phone, email, choice, multiline, consent"
KEY_RULE = (
    "must be a short name of lower-case letters, digits and _, starting with a letter, "
    "at most 40 characters (like best_time)"
)
FORM = "form:\n  # The button"
"""Where the form section starts."""
CONSENT_LABEL = (
    '      label: "I agree that the clinic may contact me about this request and keep my '
    'details until it has."\n'
)


def at(text: str, fragment: str, key: str, message: str) -> str:
    """The message line for a problem with ``key`` on the line where ``fragment`` starts."""
    return f"content.yaml:{line_of(text, fragment)}: {key}: {message}"


def form_line(key: str) -> str:
    """The shipped line (with its newline) that sets ``key`` directly under ``form:``."""
    form = SHIPPED_TEXT[SHIPPED_TEXT.index("\nform:\n") :]
    start = form.index(f"\n  {key}:") + 1
    return form[start : form.index("\n", start) + 1]


def without(start: str, end: str, text: str = SHIPPED_TEXT) -> str:
    """``text`` without the part from ``start`` up to (not including) ``end``."""
    assert text.count(start) == 1, f"{start!r} must appear exactly once in the text"
    first = text.index(start)
    return text[:first] + text[text.index(end, first) :]


# --------------------------------------------------------------------------------------------
# What the shipped form and timings turn into


def test_shipped_form_is_parsed_into_a_form_spec() -> None:
    form = load_content(SHIPPED).form
    assert form == FormSpec(
        button_label="Request more information",
        title="Ask the clinic to contact you",
        intro="Leave your details and someone from the clinic will get in touch.",
        emergency_notice="This form is not checked for emergencies.",
        submit_label="Send my request",
        cancel_label="Cancel",
        phone_region="US",
        fields=(
            FormField("name", "text", "Your name", required=True, max_length=100),
            FormField(
                "phone",
                "phone",
                "Phone number",
                hint="With the area code, for example 202-555-0100",
                max_length=32,
            ),
            FormField("email", "email", "Email address", max_length=254),
            FormField(
                "contact_method",
                "choice",
                "How should we contact you?",
                choices=("Phone call", "Text message", "Email"),
                max_length=100,
            ),
            FormField(
                "best_time",
                "choice",
                "Best time to reach you",
                choices=("Morning", "Afternoon", "Evening"),
                max_length=100,
            ),
            FormField("question", "multiline", "Your question (optional)", max_length=500),
            FormField(
                "consent",
                "consent",
                "I agree that the clinic may contact me about this request and keep my details "
                "until it has.",
                required=True,
                max_length=0,
            ),
        ),
        rules=(
            AtLeastOneOf(
                ("phone", "email"),
                "Please give a phone number or an email address so we can reach you.",
            ),
        ),
        thanks=Thanks(
            title="Thank you, {first_name}.",
            body="We have your request. Someone from the clinic will contact you within one "
            "working day.",
            name_field="name",
        ),
    )


def test_shipped_timing_has_the_form_timings() -> None:
    timing = load_content(SHIPPED).timing
    assert (timing.form_idle_seconds, timing.still_there_seconds, timing.thanks_seconds) == (
        60.0,
        20.0,
        12.0,
    )
    assert isinstance(timing.thanks_seconds, float)


def test_form_timings_are_read(site: Path) -> None:
    text = edit("  form_idle_seconds: 60", "  form_idle_seconds: 90")
    text = edit("  still_there_seconds: 20", "  still_there_seconds: 20.5", text)
    text = edit("  thanks_seconds: 12", "  thanks_seconds: 7", text)
    timing = parse(text, site).timing
    assert (timing.form_idle_seconds, timing.still_there_seconds, timing.thanks_seconds) == (
        90.0,
        20.5,
        7.0,
    )
    assert (timing.words_per_minute, timing.idle_resume_seconds) == (200.0, 45.0)  # kept


def test_form_timings_default_when_not_given(site: Path) -> None:
    assert "form_idle_seconds" not in MINIMAL
    timing = parse(MINIMAL, site).timing
    assert timing == Timing()
    assert (timing.form_idle_seconds, timing.still_there_seconds, timing.thanks_seconds) == (
        60.0,
        20.0,
        12.0,
    )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("form_idle_seconds", "9", "must be between 10 and 3600 seconds, got 9"),
        ("form_idle_seconds", "3601", "must be between 10 and 3600 seconds, got 3601"),
        # WCAG 2.2.1: at least 20 seconds to answer the warning
        ("still_there_seconds", "19.5", "must be between 20 and 300 seconds, got 19.5"),
        ("still_there_seconds", "15", "must be between 20 and 300 seconds, got 15"),
        ("still_there_seconds", "301", "must be between 20 and 300 seconds, got 301"),
        ("thanks_seconds", "2", "must be between 3 and 120 seconds, got 2"),
        ("thanks_seconds", "121", "must be between 3 and 120 seconds, got 121"),
        ("thanks_seconds", "ten", "must be a number of seconds, got 'ten'"),
    ],
)
def test_form_timings_out_of_range(key: str, value: str, message: str, site: Path) -> None:
    old = next(line for line in SHIPPED_TEXT.splitlines() if line.startswith(f"  {key}:"))
    text = edit(old, f"  {key}: {value}")
    assert problems(text, site) == [at(text, f"  {key}:", f"timing.{key}", message)]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("form_idle_seconds", 10),
        ("form_idle_seconds", 3600),
        ("still_there_seconds", 20),
        ("still_there_seconds", 300),
        ("thanks_seconds", 3),
        ("thanks_seconds", 120),
    ],
)
def test_form_timing_limits_are_inclusive(key: str, value: int, site: Path) -> None:
    old = next(line for line in SHIPPED_TEXT.splitlines() if line.startswith(f"  {key}:"))
    assert getattr(parse(edit(old, f"  {key}: {value}"), site).timing, key) == value


# --------------------------------------------------------------------------------------------
# The form section and its keys


def test_form_is_required(site: Path) -> None:
    text = without("form:\n", "article:\n")
    assert problems(text, site) == [
        at(
            text,
            "content_version:",
            "form",
            "is required but missing; add 'form:' at the top level",
        )
    ]


def test_form_must_be_a_mapping(site: Path) -> None:
    text = without("form:\n", "article:\n").replace("article:\n", "form: yes\narticle:\n")
    assert problems(text, site) == [
        at(
            text,
            "form: yes",
            "form",
            "must be a mapping of 'key: value' lines (allowed keys: button_label, title, "
            "intro, emergency_notice, submit_label, cancel_label, phone_region, fields, rules, "
            "thanks), got the yes/no value 'yes'",
        )
    ]


TEXT_KEYS = ["button_label", "title", "intro", "emergency_notice", "submit_label", "cancel_label"]


@pytest.mark.parametrize("key", TEXT_KEYS)
def test_form_text_is_required(key: str, site: Path) -> None:
    text = edit(form_line(key), "")
    assert problems(text, site) == [
        at(text, FORM, f"form.{key}", f"is required but missing; add '{key}:' under 'form'")
    ]


@pytest.mark.parametrize("key", TEXT_KEYS)
def test_form_text_must_not_be_empty(key: str, site: Path) -> None:
    text = edit(form_line(key), f'  {key}: " "\n')
    assert problems(text, site) == [
        at(text, f'  {key}: " "', f"form.{key}", "must not be empty; expected text, got ' '")
    ]


def test_phone_region_is_required(site: Path) -> None:
    text = edit(form_line("phone_region"), "")
    assert problems(text, site) == [
        at(
            text,
            FORM,
            "form.phone_region",
            "is required but missing; add 'phone_region:' under 'form'",
        )
    ]


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ('"USA"', "got 'USA'"),
        ('"U"', "got 'U'"),
        ('"U5"', "got 'U5'"),
        ("44", "got the number 44; put it in quotes if it is meant as text"),
        ("NO", "got the yes/no value 'NO'; put it in quotes if it is meant as text"),
    ],
    ids=["three-letters", "one-letter", "digit", "number", "yes-no"],
)
def test_phone_region_must_be_two_letters(value: str, got: str, site: Path) -> None:
    text = edit(form_line("phone_region"), f"  phone_region: {value}\n")
    assert problems(text, site) == [
        at(
            text,
            "  phone_region:",
            "form.phone_region",
            f'must be a two-letter country code, like "US", "CA" or "GB", {got}',
        )
    ]


def test_phone_region_must_be_known_to_the_phone_library(site: Path) -> None:
    text = edit(form_line("phone_region"), '  phone_region: "XX"\n')
    assert problems(text, site) == [
        at(
            text,
            "  phone_region:",
            "form.phone_region",
            "must be a two-letter country code that the phone number check knows, "
            'like "US", "CA" or "GB", got \'XX\'',
        )
    ]


@pytest.mark.parametrize(("value", "region"), [('"gb"', "GB"), ("Ca", "CA"), ('"NO"', "NO")])
def test_phone_region_is_upper_cased(value: str, region: str, site: Path) -> None:
    text = edit(form_line("phone_region"), f"  phone_region: {value}\n")
    assert parse(text, site).form.phone_region == region


def test_fields_are_required(site: Path) -> None:
    text = without("  fields:\n", "  # Rules across fields.")
    assert problems(text, site) == [
        at(text, FORM, "form.fields", "is required but missing; add 'fields:' under 'form'")
    ]


def test_fields_must_not_be_empty(site: Path) -> None:
    text = without("  fields:\n", "  # Rules across fields.")
    text = edit("  # Rules across fields.", "  fields: []\n  # Rules across fields.", text)
    assert problems(text, site) == [
        at(text, "  fields: []", "form.fields", "must list at least one of the fields, got none")
    ]


def test_fields_must_be_a_list(site: Path) -> None:
    text = without("  fields:\n", "  # Rules across fields.")
    text = edit("  # Rules across fields.", "  fields: name\n  # Rules across fields.", text)
    assert problems(text, site) == [
        at(
            text,
            "  fields: name",
            "form.fields",
            "must be a list of fields, each starting with '- ', got 'name'",
        )
    ]


def test_rules_are_optional(site: Path) -> None:
    text = without("  rules:\n", "  # The screen after")
    assert parse(text, site).form.rules == ()


def test_rules_may_be_an_empty_list(site: Path) -> None:
    text = without("  rules:\n", "  # The screen after")
    text = edit("  # The screen after", "  rules: []\n  # The screen after", text)
    assert parse(text, site).form.rules == ()


def test_thanks_is_required(site: Path) -> None:
    text = without("  thanks:\n", "\narticle:\n")
    assert problems(text, site) == [
        at(text, FORM, "form.thanks", "is required but missing; add 'thanks:' under 'form'")
    ]


@pytest.mark.parametrize("key", ["title", "body"])
def test_thanks_title_and_body_are_required(key: str, site: Path) -> None:
    thanks = SHIPPED_TEXT[SHIPPED_TEXT.index("  thanks:\n") :]
    old = thanks[thanks.index(f"    {key}:") : thanks.index("\n", thanks.index(f"    {key}:")) + 1]
    text = edit(old, "")
    assert problems(text, site) == [
        at(
            text,
            "  thanks:",
            f"form.thanks.{key}",
            f"is required but missing; add '{key}:' under 'form.thanks'",
        )
    ]


def test_thanks_name_field_is_optional(site: Path) -> None:
    text = edit("    name_field: name\n", "")
    assert parse(text, site).form.thanks.name_field is None


def test_thanks_has_a_fixed_set_of_keys(site: Path) -> None:
    text = edit("    name_field: name\n", "    name_feild: name\n")
    assert problems(text, site) == [
        at(
            text,
            "    name_feild:",
            "form.thanks.name_feild",
            "is not a known key; did you mean 'name_field'? (allowed here: title, body, "
            "name_field)",
        )
    ]


# --------------------------------------------------------------------------------------------
# Each field


def test_field_key_is_required(site: Path) -> None:
    text = edit("    - key: email\n      type: email\n", "    - type: email\n")
    assert problems(text, site) == [
        at(
            text,
            "    - type: email",
            "form.fields[2].key",
            "is required but missing; add 'key:' under 'form.fields[2]'",
        )
    ]


@pytest.mark.parametrize(
    "key", ["Email", "e-mail", "1email", "_email", "best time", "e" * 41, "émail"]
)
def test_field_key_must_be_a_short_lower_case_name(key: str, site: Path) -> None:
    text = edit("    - key: email\n", f'    - key: "{key}"\n')
    assert problems(text, site) == [
        at(text, f'    - key: "{key}"', "form.fields[2].key", f"{KEY_RULE}, got {key!r}")
    ]


@pytest.mark.parametrize("key", ["e", "e" * 40, "best_time_2"])
def test_field_key_limits(key: str, site: Path) -> None:
    text = edit("    - key: best_time\n", f"    - key: {key}\n")
    assert parse(text, site).form.fields[4].key == key


def test_field_keys_must_differ_and_the_repeat_is_reported(site: Path) -> None:
    text = edit("    - key: best_time\n", "    - key: contact_method\n")
    first = line_of(text, '    - key: contact_method\n      type: choice\n      label: "How')
    repeat = line_of(text, '    - key: contact_method\n      type: choice\n      label: "Best')
    assert problems(text, site) == [
        f"content.yaml:{repeat}: form.fields[4].key: repeats 'contact_method' from "
        f"form.fields[3] (line {first}); each field needs its own key"
    ]


def test_field_type_is_required(site: Path) -> None:
    text = edit("    - key: email\n      type: email\n", "    - key: email\n")
    assert problems(text, site) == [
        at(
            text,
            "    - key: email",
            "form.fields[2].type",
            "is required but missing; add 'type:' under 'form.fields[2]'",
        )
    ]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("number", ""),
        ("telephone", "; did you mean 'phone'?"),
        ("Email", "; did you mean 'email'?"),
    ],
)
def test_field_type_must_be_one_of_the_types(value: str, hint: str, site: Path) -> None:
    text = edit("      type: email\n", f"      type: {value}\n")
    assert problems(text, site) == [
        at(
            text,
            f"      type: {value}",
            "form.fields[2].type",
            f"must be one of the field types ({FIELD_TYPES}), got {value!r}{hint}",
        )
    ]


def test_field_label_is_required(site: Path) -> None:
    text = edit('      label: "Email address"\n', "")
    assert problems(text, site) == [
        at(
            text,
            "    - key: email",
            "form.fields[2].label",
            "is required but missing; add 'label:' under 'form.fields[2]'",
        )
    ]


def test_field_label_must_be_text(site: Path) -> None:
    text = edit('      label: "Email address"\n', "      label: 42\n")
    assert problems(text, site) == [
        at(
            text,
            "      label: 42",
            "form.fields[2].label",
            "must be text, got the number 42; put it in quotes if it is meant as text",
        )
    ]


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ("maybe", "'maybe'"),
        ('"true"', "'true'; write it without quotes"),
        ("1", "the number 1"),
        ("", "nothing"),
    ],
    ids=["word", "quoted", "number", "nothing"],
)
def test_field_required_must_be_true_or_false(value: str, got: str, site: Path) -> None:
    text = edit(
        '      label: "Email address"\n', f'      label: "Email address"\n      required: {value}\n'
    )
    assert problems(text, site) == [
        at(
            text,
            f"      required: {value}\n",
            "form.fields[2].required",
            f"must be true or false, got {got}",
        )
    ]


@pytest.mark.parametrize(("value", "required"), [("true", True), ("no", False), ("false", False)])
def test_field_required_is_read(value: str, required: bool, site: Path) -> None:
    text = edit(
        '      label: "Email address"\n', f'      label: "Email address"\n      required: {value}\n'
    )
    assert parse(text, site).form.fields[2].required is required


def test_a_consent_box_without_required_is_not_required(site: Path) -> None:
    text = edit(CONSENT_LABEL + "      required: true\n", CONSENT_LABEL)
    consent = parse(text, site).form.fields[6]
    assert (consent.type, consent.required) == ("consent", False)


def test_field_hint_must_not_be_empty(site: Path) -> None:
    text = edit('      label: "Email address"\n', '      label: "Email address"\n      hint: ""\n')
    assert problems(text, site) == [
        at(
            text,
            '      hint: ""',
            "form.fields[2].hint",
            "must not be empty; expected text, got ''",
        )
    ]


def test_a_choice_field_needs_choices(site: Path) -> None:
    text = edit('      choices: ["Morning", "Afternoon", "Evening"]\n', "")
    line = line_of(text, "    - key: best_time") + 1  # the line saying type: choice
    assert problems(text, site) == [
        f"content.yaml:{line}: form.fields[4].choices: is required for a choice field but "
        'missing; add \'choices:\' with the answers to pick from, like ["Morning", "Afternoon"]'
    ]


@pytest.mark.parametrize(
    ("old", "index", "kind"),
    [
        ("      type: phone\n", 1, "a phone field"),
        ("      type: email\n", 2, "an email field"),
        ("      type: multiline\n", 5, "a multiline field"),
    ],
)
def test_choices_are_only_allowed_on_a_choice_field(
    old: str, index: int, kind: str, site: Path
) -> None:
    text = edit(old, old + '      choices: ["A", "B"]\n')
    assert problems(text, site) == [
        at(
            text,
            '      choices: ["A", "B"]',
            f"form.fields[{index}].choices",
            f"is only allowed on a choice field, and this is {kind}; remove it or change the "
            "type to choice",
        )
    ]


BEST_TIMES = '      choices: ["Morning", "Afternoon", "Evening"]'


def test_choices_must_not_be_empty(site: Path) -> None:
    text = edit(BEST_TIMES, "      choices: []")
    assert problems(text, site) == [
        at(
            text,
            "      choices: []",
            "form.fields[4].choices",
            "must list at least one of the choices, got none",
        )
    ]


def test_choices_must_be_a_list(site: Path) -> None:
    text = edit(BEST_TIMES, "      choices: Morning")
    assert problems(text, site) == [
        at(
            text,
            "      choices: Morning",
            "form.fields[4].choices",
            "must be a list of choices, each starting with '- ', got 'Morning'",
        )
    ]


@pytest.mark.parametrize(
    ("value", "index", "message"),
    [
        ('""', 1, "must not be empty; expected text, got ''"),
        ("  ", 1, "must not be empty; expected text, got nothing"),
        ("12", 1, "must be text, got the number 12; put it in quotes if it is meant as text"),
    ],
    ids=["empty", "nothing", "number"],
)
def test_each_choice_must_be_text(value: str, index: int, message: str, site: Path) -> None:
    new = f'      choices:\n        - "Morning"\n        - {value}\n'
    text = edit(BEST_TIMES + "\n", new)
    item = line_of(text, '        - "Morning"') + 1
    assert problems(text, site) == [
        f"content.yaml:{item}: form.fields[4].choices[{index}]: {message}"
    ]


def test_choices_must_differ(site: Path) -> None:
    text = edit(BEST_TIMES, '      choices: ["Morning", "Evening", "morning "]')
    assert problems(text, site) == [
        at(
            text,
            '      choices: ["Morning", "Evening"',
            "form.fields[4].choices[2]",
            "repeats 'morning' from form.fields[4].choices[0]; each choice must be different",
        )
    ]


def test_at_most_eight_choices(site: Path) -> None:
    eight = ", ".join(f'"{n}"' for n in range(1, 9))
    assert parse(edit(BEST_TIMES, f"      choices: [{eight}]"), site).form.fields[4].choices == (
        tuple(str(n) for n in range(1, 9))
    )
    text = edit(BEST_TIMES, f'      choices: [{eight}, "9"]')
    assert problems(text, site) == [
        at(
            text,
            '      choices: ["1"',
            "form.fields[4].choices",
            "must list at most 8 choices, got 9",
        )
    ]


@pytest.mark.parametrize(
    ("old", "index", "length"),
    [
        ('      label: "Your name"\n', 0, 40),
        ('      label: "Phone number"\n', 1, 20),
        ('      label: "Email address"\n', 2, 1000),
        ('      label: "Your question (optional)"\n      max_length: 500\n', 5, 1),
    ],
)
def test_max_length_is_read(old: str, index: int, length: int, site: Path) -> None:
    text = edit(old, old.split("\n")[0] + f"\n      max_length: {length}\n")
    assert parse(text, site).form.fields[index].max_length == length


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be between 1 and 1000 characters, got 0"),
        ("1001", "must be between 1 and 1000 characters, got 1001"),
        ("10.5", "must be a whole number of characters, got the number 10.5"),
        ("long", "must be a whole number of characters, got 'long'"),
    ],
)
def test_max_length_must_be_a_whole_number_from_1(value: str, message: str, site: Path) -> None:
    old = '      label: "Your name"\n'
    text = edit(old, old + f"      max_length: {value}\n")
    assert problems(text, site) == [
        at(text, "      max_length: " + value, "form.fields[0].max_length", message)
    ]


def test_multiline_max_length_is_at_most_500(site: Path) -> None:
    text = edit("      max_length: 500\n", "      max_length: 501\n")
    assert problems(text, site) == [
        at(
            text,
            "      max_length: 501",
            "form.fields[5].max_length",
            "must be at most 500 characters for a multiline field, got 501",
        )
    ]


@pytest.mark.parametrize(
    ("old", "index", "kind"),
    [(CONSENT_LABEL, 6, "a consent field"), (BEST_TIMES + "\n", 4, "a choice field")],
    ids=["consent", "choice"],
)
def test_max_length_is_not_allowed_where_nothing_is_typed(
    old: str, index: int, kind: str, site: Path
) -> None:
    text = edit(old, old + "      max_length: 10\n")
    assert problems(text, site) == [
        at(
            text,
            "      max_length: 10",
            f"form.fields[{index}].max_length",
            f"is not allowed on {kind} (the visitor types nothing there); remove it",
        )
    ]


def test_field_has_a_fixed_set_of_keys(site: Path) -> None:
    text = edit('      label: "Email address"\n', '      label: "Email address"\n      lable: x\n')
    assert problems(text, site) == [
        at(
            text,
            "      lable: x",
            "form.fields[2].lable",
            "is not a known key; did you mean 'label'? (allowed here: key, type, label, "
            "required, hint, choices, max_length)",
        )
    ]


# --------------------------------------------------------------------------------------------
# Rules


RULE = "    - at_least_one_of: [phone, email]\n"


def test_rule_is_read(site: Path) -> None:
    text = edit(RULE, "    - at_least_one_of: [name, phone, email]\n")
    assert parse(text, site).form.rules[0].fields == ("name", "phone", "email")


def test_rule_allows_only_at_least_one_of_and_message(site: Path) -> None:
    text = edit(RULE, RULE + "      when: always\n")
    assert problems(text, site) == [
        at(
            text,
            "      when: always",
            "form.rules[0].when",
            "is not a known key (allowed here: at_least_one_of, message)",
        )
    ]


RULE_MESSAGE = "Please give a phone number or an email address so we can reach you."


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("at_least_one_of", f'    - message: "{RULE_MESSAGE}"\n'),
        ("message", "    - at_least_one_of: [phone, email]\n"),
    ],
)
def test_rule_needs_both_keys(key: str, rule: str, site: Path) -> None:
    text = edit(f'{RULE}      message: "{RULE_MESSAGE}"\n', rule)
    assert problems(text, site) == [
        at(
            text,
            rule,
            f"form.rules[0].{key}",
            f"is required but missing; add '{key}:' under 'form.rules[0]'",
        )
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[phone]", "must list at least 2 field keys, got 1"),
        ("[]", "must list at least 2 field keys, got none"),
        ("phone", "must be a list of field keys, each starting with '- ', got 'phone'"),
    ],
)
def test_rule_names_two_or_more_fields(value: str, message: str, site: Path) -> None:
    text = edit(RULE, f"    - at_least_one_of: {value}\n")
    assert problems(text, site) == [
        at(text, "    - at_least_one_of:", "form.rules[0].at_least_one_of", message)
    ]


def test_rule_names_each_field_once(site: Path) -> None:
    text = edit(RULE, "    - at_least_one_of: [phone, email, phone]\n")
    assert problems(text, site) == [
        at(
            text,
            "    - at_least_one_of:",
            "form.rules[0].at_least_one_of[2]",
            "repeats 'phone' from form.rules[0].at_least_one_of[0]; name each field once",
        )
    ]


@pytest.mark.parametrize(
    ("value", "unknown", "hint"),
    [
        ("[phone, e_mail]", "e_mail", "; did you mean 'email'?"),
        ("[fax, email]", "fax", ""),
    ],
)
def test_rule_unknown_field_is_reported_at_the_rule(
    value: str, unknown: str, hint: str, site: Path
) -> None:
    text = edit(RULE, f"      # comment\n    - at_least_one_of:\n        {value}\n")
    assert problems(text, site) == [
        at(
            text,
            "    - at_least_one_of:",
            "form.rules[0].at_least_one_of",
            f"{unknown!r} is not the key of any field{hint} (field keys: {FIELD_KEYS})",
        )
    ]


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("contact_method", "a choice field"),
        ("question", "a multiline field"),
        ("consent", "a consent field"),
    ],
)
def test_rule_names_only_text_phone_and_email_fields(key: str, kind: str, site: Path) -> None:
    text = edit(RULE, f"    - at_least_one_of: [phone, {key}]\n")
    assert problems(text, site) == [
        at(
            text,
            "    - at_least_one_of:",
            "form.rules[0].at_least_one_of",
            f"may only name text, phone and email fields, got {key!r}, which is {kind}",
        )
    ]


# --------------------------------------------------------------------------------------------
# The thank-you screen


def test_name_field_must_name_a_field(site: Path) -> None:
    text = edit("    name_field: name\n", "    name_field: nam\n")
    assert problems(text, site) == [
        at(
            text,
            "    name_field:",
            "form.thanks.name_field",
            "'nam' is not the key of any field; did you mean 'name'? (text fields: name)",
        )
    ]


@pytest.mark.parametrize(
    ("key", "kind"), [("email", "an email field"), ("question", "a multiline field")]
)
def test_name_field_must_name_a_text_field(key: str, kind: str, site: Path) -> None:
    text = edit("    name_field: name\n", f"    name_field: {key}\n")
    assert problems(text, site) == [
        at(
            text,
            "    name_field:",
            "form.thanks.name_field",
            f"must name a text field, got {key!r}, which is {kind} (text fields: name)",
        )
    ]


@pytest.mark.parametrize(
    ("title", "others"),
    [
        ("Thank you, {name}.", "{name}"),
        ("Thank you, {first_name} {0}{}.", "{0}, {}"),
        ("Thank you, { first_name }.", "{ first_name }"),
    ],
)
def test_thanks_title_may_only_hold_first_name(title: str, others: str, site: Path) -> None:
    text = edit('    title: "Thank you, {first_name}."', f'    title: "{title}"')
    assert problems(text, site) == [
        at(
            text,
            "    title: ",
            "form.thanks.title",
            "may only contain the placeholder {first_name} (the visitor's first name), "
            f"got {others} in {title!r}",
        )
    ]


@pytest.mark.parametrize("title", ["Thank you.", "{first_name}, thank you!", "Thanks {first_name"])
def test_thanks_title_with_or_without_first_name(title: str, site: Path) -> None:
    text = edit('    title: "Thank you, {first_name}."', f'    title: "{title}"')
    assert parse(text, site).form.thanks.title == title


def test_form_problems_are_all_reported_in_line_order(site: Path) -> None:
    text = edit("  thanks_seconds: 12", "  thanks_seconds: 1")
    text = edit(form_line("phone_region"), '  phone_region: "XX"\n', text)
    text = edit("    - key: best_time\n", "    - key: contact_method\n", text)
    text = edit("      type: email\n", "      type: mail\n", text)
    text = edit("    name_field: name\n", "    name_field: nam\n", text)
    first = line_of(text, '    - key: contact_method\n      type: choice\n      label: "How')
    assert problems(text, site) == [
        at(
            text,
            "  thanks_seconds:",
            "timing.thanks_seconds",
            "must be between 3 and 120 seconds, got 1",
        ),
        at(
            text,
            "  phone_region:",
            "form.phone_region",
            "must be a two-letter country code that the phone number check knows, "
            'like "US", "CA" or "GB", got \'XX\'',
        ),
        at(
            text,
            "      type: mail",
            "form.fields[2].type",
            f"must be one of the field types ({FIELD_TYPES}), got 'mail'; did you mean 'email'?",
        ),
        at(
            text,
            '    - key: contact_method\n      type: choice\n      label: "Best',
            "form.fields[4].key",
            f"repeats 'contact_method' from form.fields[3] (line {first}); each field needs "
            "its own key",
        ),
        # name_field and the rules are checked against the fields once every field is right,
        # so a broken field is not reported a second time as missing
    ]


def test_a_rule_naming_a_broken_field_is_not_reported_again(site: Path) -> None:
    text = edit("      type: email\n", "      type: mail\n")
    assert problems(text, site) == [
        at(
            text,
            "      type: mail",
            "form.fields[2].type",
            f"must be one of the field types ({FIELD_TYPES}), got 'mail'; did you mean 'email'?",
        ),
    ]
