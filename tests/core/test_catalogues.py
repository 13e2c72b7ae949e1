"""The program's own words (gettext catalogues, kiosk/locale): every message in the code is
translated in every shipped language, and the compiled catalogues match their .po files."""

from __future__ import annotations

import gettext
import itertools
import re
import shlex
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from kiosk.core.words import DOMAIN, LOCALE_DIR, shipped_catalogues

REPO = Path(__file__).resolve().parents[2]
SHIPPED = ("ar", "es", "zh")


def keywords() -> dict[str, tuple[int, ...] | None]:
    """The keywords the Makefile's ``make messages`` extracts with."""
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("BABEL_KEYWORDS :="))
    found: dict[str, tuple[int, ...] | None] = {}
    words = shlex.split(line.split(":=", 1)[1])
    for flag, value in itertools.pairwise(words):
        if flag == "-k":
            name, _, spec = value.partition(":")
            found[name] = tuple(int(i) for i in spec.split(",")) if spec else None
    return found


def messages_in_the_code() -> dict[str, str | None]:
    """Every message the code marks: its msgid, and its plural (or None)."""
    found: dict[str, str | None] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO / "kiosk"), keywords=keywords()
    ):
        if isinstance(message, tuple):
            found[message[0]] = message[1]
        else:
            found[message] = None
    return found


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[a-z_]+\}", text))


def untranslated(catalog: Catalog, messages: dict[str, str | None]) -> list[str]:
    """Messages of the code the catalogue lacks, leaves empty or fuzzy, or whose translation
    drops or invents a placeholder."""
    problems = []
    for msgid, plural in messages.items():
        entry = catalog.get(msgid)
        if entry is None or entry.fuzzy:
            problems.append(f"{msgid!r}: {'fuzzy' if entry else 'missing'}")
            continue
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(forms) or (plural is not None and len(forms) != catalog.num_plurals):
            problems.append(f"{msgid!r}: not translated")
            continue
        wanted = placeholders(msgid) | placeholders(plural or "")
        for form in forms:
            extra = placeholders(form) - wanted
            if extra or (plural is None and placeholders(form) != wanted):
                problems.append(f"{msgid!r}: placeholders {sorted(placeholders(form))}")
    return problems


def read(code: str) -> Catalog:
    with (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as stream:
        return read_po(stream, locale=code)


def test_the_shipped_languages_have_catalogues():
    assert shipped_catalogues() == list(SHIPPED)


def test_the_code_marks_the_visitor_facing_words():
    messages = messages_in_the_code()
    for expected in (
        "Paused",
        "Are you still there?",
        "Yes, continue",
        "We couldn't save your request. Please let the front desk know.",
        "Please fill this in.",
        "Touch the screen to return to the start.",
        "{heading} (continued)",
        # The accessibility words (kiosk/ui/access_text.py), shown and spoken.
        "Accessibility",
        "Read aloud",
        "Extra large",
        "Page {number} of {total}.",
        "Are you still there? {countdown} Choose Yes, continue, or More time.",
        "More time",
        "Your answer: {answer}.",
    ):
        assert expected in messages
    assert messages["{count} second left."] == "{count} seconds left."


def test_every_message_is_translated_in_every_shipped_language():
    messages = messages_in_the_code()
    problems = {code: untranslated(read(code), messages) for code in shipped_catalogues()}
    assert problems == {code: [] for code in SHIPPED}, (
        "run `make messages`, translate what it added, then `make setup`"
    )


def test_a_language_that_lacks_a_string_is_found(tmp_path):
    catalog = read("es")
    catalog.delete("Paused")
    catalog["Yes, continue"].flags.add("fuzzy")
    catalog["{heading} (continued)"].string = "{encabezado} (continuación)"
    path = tmp_path / "kiosk.po"
    with path.open("wb") as stream:
        write_po(stream, catalog)
    with path.open("rb") as stream:
        broken = read_po(stream, locale="es")
    assert sorted(untranslated(broken, messages_in_the_code())) == [
        "'Paused': missing",
        "'Yes, continue': fuzzy",
        "'{heading} (continued)': placeholders ['{encabezado}']",
    ]


def test_the_compiled_catalogues_match_their_po_files():
    """The .mo files are built by the set-up (make setup), never committed: stale or missing,
    a visitor would see English."""
    for code in shipped_catalogues():
        mo = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
        assert mo.is_file(), f"{mo} is missing: run make setup"
        with mo.open("rb") as stream:
            compiled = gettext.GNUTranslations(stream)
        for entry in read(code):
            if not entry.id:
                continue
            if isinstance(entry.id, tuple):
                assert compiled.ngettext(entry.id[0], entry.id[1], 1) in entry.string
            else:
                assert compiled.gettext(entry.id) == entry.string, (code, entry.id)
