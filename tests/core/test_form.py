"""Checking and normalising a visitor's answers (kiosk.core.form), against the shipped form.

The spec comes from the shipped content.yaml, so these tests exercise the real configuration:
fields name (text, required), phone, email, contact_method and best_time (choices), question
(multiline, 500 characters), consent (required); rule: a phone number or an email address.
Every phone number and address here is fictional (555-01XX numbers, Ofcom's drama range,
example.com).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.content import load_content
from kiosk.core.form import (
    MULTILINE_LIMIT,
    Answer,
    FormSpec,
    Thanks,
    Validation,
    first_name,
    normalise_text,
    thanks_title,
    validate,
)
from kiosk.core.record import replace

SHIPPED = Path(__file__).resolve().parents[2] / "content.yaml"

FILL_IN = "Please fill this in."
BAD_PHONE_US = (
    "This doesn't look like a phone number. Please include the area code, for example 202-555-0100."
)
BAD_EMAIL = "This doesn't look like an email address. It should look like name@example.com."
CHOOSE_ONE = "Please choose one."
TICK_CONSENT = "Please tick this box so the clinic may contact you."
REACH_YOU = "Please give a phone number or an email address so we can reach you."

FIELD_KEYS = ["name", "phone", "email", "contact_method", "best_time", "question", "consent"]


@pytest.fixture(scope="module")
def spec() -> FormSpec:
    return load_content(SHIPPED).form


def answers(**changes: Answer) -> dict[str, Answer]:
    """A complete, valid set of answers, with ``changes``."""
    valid: dict[str, Answer] = {
        "name": "Sarah Example",
        "phone": "202-555-0100",
        "email": "",
        "contact_method": "Phone call",
        "best_time": "",
        "question": "",
        "consent": True,
    }
    return {**valid, **changes}


def check(spec: FormSpec, **changes: Answer) -> Validation:
    return validate(spec, answers(**changes))


def with_field(spec: FormSpec, key: str, **changes: object) -> FormSpec:
    """``spec`` with the field ``key`` changed."""
    fields = tuple(replace(f, **changes) if f.key == key else f for f in spec.fields)  # type: ignore[arg-type]
    return replace(spec, fields=fields)


# --------------------------------------------------------------------------------------------
# A valid form


def test_the_shipped_spec_is_the_one_these_tests_expect(spec: FormSpec) -> None:
    assert [(f.key, f.type, f.required) for f in spec.fields] == [
        ("name", "text", True),
        ("phone", "phone", False),
        ("email", "email", False),
        ("contact_method", "choice", False),
        ("best_time", "choice", False),
        ("question", "multiline", False),
        ("consent", "consent", True),
    ]
    assert spec.phone_region == "US"


def test_valid_answers_give_every_field_a_value(spec: FormSpec) -> None:
    result = check(spec)
    assert result.ok
    assert result.errors == {}
    assert result.values == {
        "name": "Sarah Example",
        "phone": "+12025550100",
        "email": "",
        "contact_method": "Phone call",
        "best_time": "",
        "question": "",
        "consent": True,
    }
    assert list(result.values) == FIELD_KEYS


def test_fields_not_answered_are_empty(spec: FormSpec) -> None:
    result = validate(spec, {"name": "Sarah", "email": "sarah@example.com", "consent": True})
    assert result.ok
    assert result.values == {
        "name": "Sarah",
        "phone": "",
        "email": "sarah@example.com",
        "contact_method": "",
        "best_time": "",
        "question": "",
        "consent": True,
    }


def test_answers_for_unknown_keys_are_ignored(spec: FormSpec) -> None:
    result = check(spec, admin="yes", notes="x" * 10_000, is_staff=True)
    assert result.ok
    assert list(result.values) == FIELD_KEYS


def test_nothing_answered_gives_every_message_in_field_order(spec: FormSpec) -> None:
    result = validate(spec, {})
    assert not result.ok
    assert result.values == {
        "email": "",
        "contact_method": "",
        "best_time": "",
        "question": "",
    }
    assert result.errors == {"name": FILL_IN, "phone": REACH_YOU, "consent": TICK_CONSENT}
    assert list(result.errors) == ["name", "phone", "consent"]


# --------------------------------------------------------------------------------------------
# Text


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "\u202e\u200b", "\x00\x07"])
def test_required_text_left_empty(name: str, spec: FormSpec) -> None:
    result = check(spec, name=name)
    assert result.errors == {"name": FILL_IN}
    assert "name" not in result.values


def test_text_is_normalised(spec: FormSpec) -> None:
    result = check(spec, name="  Zoe\u0308\t\tvan\n\n Example\u202e ")
    assert result.values["name"] == "Zo\u00eb van Example"


def test_text_is_cut_to_its_max_length(spec: FormSpec) -> None:
    assert check(spec, name="A" * 150).values["name"] == "A" * 100


def test_optional_text_may_be_empty(spec: FormSpec) -> None:
    optional = with_field(spec, "name", required=False)
    assert validate(optional, answers(name="")).values["name"] == ""


# --------------------------------------------------------------------------------------------
# Phone


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("202-555-0100", "+12025550100"),
        ("(202) 555-0123", "+12025550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("  202.555.0100  ", "+12025550100"),
        ("+1 202 555 0100", "+12025550100"),
        ("\u202d202-555-0100\u202c", "+12025550100"),
        ("202-555-0100 ext. 12", "+12025550100;ext=12"),
    ],
)
def test_phone_is_stored_in_international_form(phone: str, stored: str, spec: FormSpec) -> None:
    result = check(spec, phone=phone)
    assert result.errors == {}
    assert result.values["phone"] == stored


@pytest.mark.parametrize(
    "phone", ["555-0100", "12", "not a number", "202-555-010", "+999 1234 5678", "1" * 40]
)
def test_phone_that_is_not_a_number(phone: str, spec: FormSpec) -> None:
    result = check(spec, phone=phone)
    assert result.errors == {"phone": BAD_PHONE_US}
    assert "phone" not in result.values


def test_phone_longer_than_its_max_length_is_not_cut_into_another_number(spec: FormSpec) -> None:
    short = with_field(spec, "phone", max_length=12)
    assert validate(short, answers(phone="202-555-0100")).values["phone"] == "+12025550100"
    assert validate(short, answers(phone="(202) 555-0100")).errors == {"phone": BAD_PHONE_US}


def test_phone_numbers_are_read_in_the_spec_region(spec: FormSpec) -> None:
    british = replace(spec, phone_region="GB")
    assert validate(british, answers(phone="020 7946 0958")).values["phone"] == "+442079460958"
    assert validate(british, answers(phone="(202) 555-0123")).errors == {
        "phone": "This doesn't look like a phone number. Please include the area code, "
        "for example 0121 234 5678."
    }


def test_phone_message_falls_back_to_the_us_example(spec: FormSpec) -> None:
    nowhere = replace(spec, phone_region="ZZ")
    assert validate(nowhere, answers(phone="202-555-0100")).errors == {"phone": BAD_PHONE_US}


# --------------------------------------------------------------------------------------------
# Email


@pytest.mark.parametrize(
    ("email", "stored"),
    [
        ("sarah@example.com", "sarah@example.com"),
        ("Sarah.Example@EXAMPLE.COM", "Sarah.Example@example.com"),
        ("  sarah+kiosk@Example.Com\u200b ", "sarah+kiosk@example.com"),
        ("zoe\u0308@example.com", "zo\u00eb@example.com"),
    ],
)
def test_email_is_normalised(email: str, stored: str, spec: FormSpec) -> None:
    result = check(spec, phone="", email=email)
    assert result.errors == {}
    assert result.values["email"] == stored


@pytest.mark.parametrize(
    "email",
    [
        "sarah",
        "sarah@",
        "@example.com",
        "sarah@example",
        "sarah example@example.com",
        "sarah@@example.com",
        "Sarah <sarah@example.com>",
        "sarah@example..com",
    ],
)
def test_email_that_is_not_an_address(email: str, spec: FormSpec) -> None:
    result = check(spec, email=email)
    assert result.errors == {"email": BAD_EMAIL}
    assert "email" not in result.values


def test_email_longer_than_its_max_length_is_not_cut(spec: FormSpec) -> None:
    short = with_field(spec, "email", max_length=17)
    assert validate(short, answers(email="sarah@example.com")).ok
    assert validate(short, answers(email="sarah@example.com.au")).errors == {"email": BAD_EMAIL}


# --------------------------------------------------------------------------------------------
# Choices


@pytest.mark.parametrize("choice", ["Morning", "Afternoon", "Evening"])
def test_each_choice_is_accepted(choice: str, spec: FormSpec) -> None:
    assert check(spec, best_time=choice).values["best_time"] == choice


@pytest.mark.parametrize("choice", ["Midnight", "morning", "Morning, Evening"])
def test_an_answer_that_is_not_a_choice(choice: str, spec: FormSpec) -> None:
    result = check(spec, best_time=choice)
    assert result.errors == {"best_time": CHOOSE_ONE}


def test_required_choice_not_chosen(spec: FormSpec) -> None:
    required = with_field(spec, "best_time", required=True)
    assert validate(required, answers(best_time="")).errors == {"best_time": CHOOSE_ONE}
    assert validate(required, answers(best_time="Evening")).ok


# --------------------------------------------------------------------------------------------
# Consent


@pytest.mark.parametrize("changes", [{"consent": False}, {}])
def test_required_consent_not_ticked(changes: dict[str, Answer], spec: FormSpec) -> None:
    given = answers(**changes)
    if not changes:
        del given["consent"]
    result = validate(spec, given)
    assert result.errors == {"consent": TICK_CONSENT}
    assert "consent" not in result.values


def test_optional_consent_may_be_left(spec: FormSpec) -> None:
    optional = with_field(spec, "consent", required=False)
    assert validate(optional, answers(consent=False)).values["consent"] is False
    assert validate(optional, {"name": "Sarah", "phone": "202-555-0100"}).values["consent"] is False


def test_wrong_kind_of_answer_is_a_programming_error(spec: FormSpec) -> None:
    with pytest.raises(TypeError, match="'consent' must be True or False"):
        check(spec, consent="yes")
    with pytest.raises(TypeError, match="'name' must be text"):
        check(spec, name=True)


# --------------------------------------------------------------------------------------------
# Multiline


def test_multiline_keeps_line_breaks(spec: FormSpec) -> None:
    question = "First line.\r\nSecond\t\tline.  \n\n\n\n  Third line.\rFourth.\n"
    result = check(spec, question=question)
    assert result.values["question"] == "First line.\nSecond line.\n\nThird line.\nFourth."


def test_multiline_is_cut_at_500(spec: FormSpec) -> None:
    assert check(spec, question="x" * 600).values["question"] == "x" * 500


def test_multiline_limit_holds_whatever_the_spec_says(spec: FormSpec) -> None:
    loose = with_field(spec, "question", max_length=800)
    assert validate(loose, answers(question="y" * 900)).values["question"] == "y" * MULTILINE_LIMIT


# --------------------------------------------------------------------------------------------
# At least one of phone and email


def test_neither_phone_nor_email_puts_the_message_on_phone(spec: FormSpec) -> None:
    result = check(spec, phone="", email="")
    assert result.errors == {"phone": REACH_YOU}
    assert "phone" not in result.values
    assert result.values["email"] == ""


def test_blank_answers_count_as_not_given(spec: FormSpec) -> None:
    result = check(spec, phone="   ", email="\u200b")
    assert result.errors == {"phone": REACH_YOU}


@pytest.mark.parametrize(
    ("phone", "email"),
    [("", "sarah@example.com"), ("202-555-0100", ""), ("202-555-0100", "sarah@example.com")],
)
def test_one_of_phone_and_email_is_enough(phone: str, email: str, spec: FormSpec) -> None:
    assert check(spec, phone=phone, email=email).ok


def test_a_bad_phone_is_not_also_told_the_rule(spec: FormSpec) -> None:
    result = check(spec, phone="12", email="")
    assert result.errors == {"phone": BAD_PHONE_US}


def test_a_bad_email_is_not_also_told_the_rule(spec: FormSpec) -> None:
    result = check(spec, phone="", email="sarah@")
    assert result.errors == {"email": BAD_EMAIL}


# --------------------------------------------------------------------------------------------
# normalise_text


def test_nfc_composes_a_decomposed_name() -> None:
    decomposed = "Zoe\u0308"
    assert len(decomposed) == 4
    assert normalise_text(decomposed, 100) == "Zo\u00eb"
    assert len(normalise_text(decomposed, 100)) == 3


BIDI_AND_MARKS = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c",
]  # fmt: skip


@pytest.mark.parametrize("char", BIDI_AND_MARKS, ids=[f"U+{ord(c):04X}" for c in BIDI_AND_MARKS])
def test_bidi_controls_are_removed(char: str) -> None:
    assert normalise_text(f"{char}Sarah{char} Example{char}", 100) == "Sarah Example"
    assert normalise_text(f"a{char}b", 100, multiline=True) == "ab"


def test_right_to_left_override_cannot_disguise_text() -> None:
    # "\u202e" shows the rest backwards: "Sarah gpj.exe" would display as "Sarah exe.jpg"
    assert normalise_text("Sarah \u202egpj.exe", 100) == "Sarah gpj.exe"


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u200b", "\u2060", "\ufeff", "\u00ad", "\U000e0041"],
    ids=["NUL", "BEL", "ESC", "DEL", "CSI", "ZWSP", "WJ", "BOM", "SHY", "TAG-A"],
)
def test_control_and_invisible_characters_are_removed(char: str) -> None:
    assert normalise_text(f"Sa{char}rah", 100) == "Sarah"
    assert normalise_text(f"Sa{char}rah", 100, multiline=True) == "Sarah"


def test_a_lone_surrogate_is_removed() -> None:
    assert normalise_text("Sarah\ud800", 100) == "Sarah"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sarah\tExample", "Sarah Example"),
        ("Sarah \t \t Example", "Sarah Example"),
        ("Sarah\nExample", "Sarah Example"),
        ("Sarah\r\n\r\nExample", "Sarah Example"),
        ("Sarah\u00a0\u2003Example", "Sarah Example"),
        ("Sarah\u2028Example", "Sarah Example"),
        ("  \n Sarah Example \t\n", "Sarah Example"),
    ],
)
def test_spaces_tabs_and_line_breaks_in_a_text_field_become_one_space(
    text: str, expected: str
) -> None:
    assert normalise_text(text, 100) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one\ntwo", "one\ntwo"),
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("one\n\ntwo", "one\n\ntwo"),
        ("one\n\n\n\n\ntwo", "one\n\ntwo"),
        ("one \n \n \n two", "one\n\ntwo"),
        ("one\t\t two", "one two"),
        ("\n\n one \n\n", "one"),
        ("one\u2029two", "one\ntwo"),
    ],
)
def test_multiline_keeps_up_to_one_blank_line(text: str, expected: str) -> None:
    assert normalise_text(text, 500, multiline=True) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sam \U0001f469\U0001f3fd\u200d\u2695\ufe0f Example",  # woman health worker, skin tone
        "\U0001f468\u200d\U0001f469\u200d\U0001f467 family",  # a ZWJ sequence
        "\U0001f1fa\U0001f1f8 \u2764\ufe0f",  # a flag and a red heart
        "\u05e9\u05e8\u05d4 Example",  # Hebrew: שרה Example
        "\u0645\u0631\u064a\u0645 Example",  # Arabic: مريم Example
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, with a ZWNJ
        "\u5f20\u4f1f",  # Chinese
        "Zo\u00eb O\u2019Brien-M\u00fcller",
    ],
)
def test_emoji_and_other_scripts_survive_unchanged(text: str) -> None:
    assert normalise_text(text, 100) == text
    assert normalise_text(text, 500, multiline=True) == text


@pytest.mark.parametrize("max_length", [0, 1, 2, 5, 12, 13])
@pytest.mark.parametrize(
    "text",
    ["Sarah Example Jones", "\U0001f469\U0001f3fd\u200d\u2695\ufe0f" * 5, "word " * 10],
)
def test_never_longer_than_max_length(text: str, max_length: int) -> None:
    result = normalise_text(text, max_length)
    assert len(result) <= max_length
    assert text.startswith(result)
    assert result == result.strip()


def test_cut_after_normalising() -> None:
    assert normalise_text("   \t" + "a" * 10, 5) == "aaaaa"
    assert normalise_text("Zoe\u0308" + "x" * 10, 4) == "Zo\u00ebx"


# --------------------------------------------------------------------------------------------
# First name and the thank-you title


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Sarah Example", "Sarah"),
        ("  Sarah   Jane Example ", "Sarah"),
        ("Sarah", "Sarah"),
        ("Zoe\u0308 Example", "Zo\u00eb"),
        ("\u202eSarah\u202c Example", "Sarah"),
        ("\u05e9\u05e8\u05d4 Example", "\u05e9\u05e8\u05d4"),
        ("\u0645\u0631\u064a\u0645 Example", "\u0645\u0631\u064a\u0645"),
        ("{0} Example", "{0}"),
        ("", ""),
        ("  \t ", ""),
    ],
)
def test_first_name(full_name: str, expected: str) -> None:
    assert first_name(full_name) == expected


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Sarah Example", "Thank you, Sarah."),
        ("Zoe\u0308", "Thank you, Zo\u00eb."),
        ("\u0645\u0631\u064a\u0645 Example", "Thank you, \u0645\u0631\u064a\u0645."),
        ("{0} Example", "Thank you, {0}."),
        ("{first_name}", "Thank you, {first_name}."),
        ("{first_name}{first_name}", "Thank you, {first_name}{first_name}."),
        ("{name.__class__} x", "Thank you, {name.__class__}."),
        ("%s", "Thank you, %s."),
        ("", "Thank you."),
        ("   ", "Thank you."),
    ],
)
def test_thanks_title(name: str, title: str, spec: FormSpec) -> None:
    assert spec.thanks.title == "Thank you, {first_name}."
    assert thanks_title(spec, {"name": name}) == title


def test_thanks_title_without_the_name_answer(spec: FormSpec) -> None:
    assert thanks_title(spec, {}) == "Thank you."
    assert thanks_title(spec, {"name": True}) == "Thank you."


def test_thanks_title_from_validated_answers(spec: FormSpec) -> None:
    result = check(spec, name="  {0}\u202e Example ")
    assert result.ok
    assert thanks_title(spec, result.values) == "Thank you, {0}."


@pytest.mark.parametrize(
    ("template", "name", "title"),
    [
        ("Thanks!", "Sarah", "Thanks!"),
        ("Hello {first_name}, welcome", "Sarah", "Hello Sarah, welcome"),
        ("Hello {first_name}, welcome", "", "Hello, welcome"),
        ("Thank you {first_name}!", "", "Thank you!"),
        ("{first_name}", "", ""),
    ],
)
def test_thanks_title_with_other_templates(
    template: str, name: str, title: str, spec: FormSpec
) -> None:
    other = replace(spec, thanks=Thanks(title=template, body="Bye.", name_field="name"))
    assert thanks_title(other, {"name": name}) == title


def test_thanks_title_without_a_name_field(spec: FormSpec) -> None:
    nameless = replace(spec, thanks=replace(spec.thanks, name_field=None))
    assert thanks_title(nameless, {"name": "Sarah"}) == "Thank you."
