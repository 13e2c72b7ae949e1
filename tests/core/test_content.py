"""Parsing and validating content.yaml (kiosk.core.content).

Most tests take the shipped content.yaml, change one line with :func:`edit`, and assert the
exact message, ``FILE:LINE: key.path: message``. Line numbers are found with :func:`line_of`
so the tests keep working when comments are added to the shipped file.
"""

from __future__ import annotations

import difflib
import os
import random
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.content import (
    MAX_FILE_BYTES,
    Content,
    ContentError,
    Problem,
    Section,
    Timing,
    load_content,
    parse_content,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "content.yaml"
SEED = REPO / "tests" / "data" / "seed_article.txt"
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")

TINY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n'
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16

MINIMAL = """\
content_version: "1"
clinic:
  name: Clinic
  logo: resources/logo.svg
  colors:
    background: "#FFFFFF"
    text: "#000000"
    heading: "#000000"
    header_background: "#000000"
    header_text: "#FFFFFF"
    footer_background: "#FFFFFF"
    footer_text: "#000000"
    accent: "#000000"
notices:
  crisis_line: Call 988
  disclaimer: Not medical advice.
article:
  title: Title
  sections:
    - body: Hello.
form:
  button_label: More information
  title: Ask us
  intro: We will call you.
  emergency_notice: Not for emergencies.
  submit_label: Send
  cancel_label: Cancel
  phone_region: US
  fields:
    - key: name
      type: text
      label: Name
  thanks:
    title: Thank you.
    body: We will be in touch.
"""
"""A small valid file for structural cases: the article on lines 17..20, then the form."""
AFTER = MINIMAL.count("\n") + 1
"""The line number of the first line added to the end of MINIMAL."""

COLORS_EXPECTED = 'a colour written as "#RRGGBB" or "#RGB" in quotes, like "#1B1B1B"'
TOP_KEYS = (
    "content_version, clinic, notices, timing, form, staff, article, opening_hours, languages"
)
SECTION_KEYS = "heading, body, image, image_description, seconds"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder holding resources/logo.svg, used as base_dir; independent of the real logo."""
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "logo.svg").write_text(TINY_SVG, encoding="utf-8")
    shutil.copytree(REPO / "resources" / "languages", tmp_path / "resources" / "languages")
    return tmp_path


def edit(old: str, new: str, text: str = SHIPPED_TEXT) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} must appear exactly once in the text"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line on which ``fragment`` (which must occur once) starts."""
    assert text.count(fragment) == 1, f"{fragment!r} must appear exactly once in the text"
    return text.count("\n", 0, text.index(fragment)) + 1


def problems(text: str, base_dir: Path) -> list[str]:
    """The lines of the ContentError that parsing ``text`` must raise."""
    with pytest.raises(ContentError) as info:
        parse_content(text, "content.yaml", base_dir)
    lines = str(info.value).splitlines()
    assert lines == [str(p) for p in info.value.problems]
    return lines


def parse(text: str, base_dir: Path) -> Content:
    try:
        return parse_content(text, "content.yaml", base_dir)
    except ContentError as exc:  # show the problems, not just "raised"
        pytest.fail(f"unexpected problems:\n{exc}")


# --------------------------------------------------------------------------------------------
# The shipped file


def test_shipped_content_loads_without_problems() -> None:
    if not (REPO / "resources" / "logo.svg").exists():
        pytest.fail("resources/logo.svg is missing: the shipped content.yaml names it")
    content = load_content(SHIPPED)
    assert content.source == str(SHIPPED)
    assert content.content_version == "2026-11-27"
    assert content.clinic.name == "Bayside Wellness Clinic"
    assert content.clinic.logo == REPO / "resources" / "logo.svg"
    assert content.clinic.logo.is_absolute()
    assert content.clinic.colors.text == "#1B1B1B"
    assert content.clinic.colors.footer_background == "#FFF4D6"
    assert content.notices.crisis_line.startswith("If you are in crisis, call or text 988")
    assert content.timing == Timing(200.0, 4.0, 8.0, 60.0, 600, 45.0)
    assert isinstance(content.timing.words_per_minute, float)
    assert isinstance(content.timing.fade_ms, int)
    assert content.article.title == "How Ketamine Treatment Helps with Depression"
    assert [s.heading for s in content.article.sections] == [
        None,
        "How Does Ketamine Drug Help with Depression?",
        "How to Know if Ketamine Treatment is Right for You?",
        "To Conclude",
    ]


def _seed_sections() -> list[tuple[str | None, list[str]]]:
    """The seed article as (heading, paragraphs): the first paragraph is the introduction;
    a paragraph without a final period that is followed by another one is a heading."""
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    sections: list[tuple[str | None, list[str]]] = [(None, [paragraphs[0]])]
    for index, paragraph in enumerate(paragraphs[1:], start=1):
        is_heading = not paragraph.endswith(".") and index + 1 < len(paragraphs)
        if is_heading:
            sections.append((paragraph, []))
        else:
            sections[-1][1].append(paragraph)
    return sections


def _sentences(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p)]


def _shipped_sections() -> list[tuple[str | None, list[str]]]:
    content = parse_content(SHIPPED_TEXT, "content.yaml", REPO)
    return [(s.heading, list(s.paragraphs)) for s in content.article.sections]


@pytest.mark.skipif(
    not (REPO / "resources" / "logo.svg").exists(), reason="resources/logo.svg not there yet"
)
def test_shipped_article_has_the_seed_sections_and_paragraphs() -> None:
    seed = _seed_sections()
    shipped = _shipped_sections()
    assert len(seed) == 4  # the seed parses as expected: intro + three headed sections
    assert [h for h, _ in shipped] == [h for h, _ in seed]
    assert [len(p) for _, p in shipped] == [len(p) for _, p in seed]


@pytest.mark.skipif(
    not (REPO / "resources" / "logo.svg").exists(), reason="resources/logo.svg not there yet"
)
def test_shipped_article_matches_the_seed_sentence_by_sentence() -> None:
    seed = _seed_sections()
    shipped = _shipped_sections()
    seed_lines = [f"## {h}" if h else "## (intro)" for h, _ in seed]
    shipped_lines = [f"## {h}" if h else "## (intro)" for h, _ in shipped]
    seed_lines += _sentences([p for _, ps in seed for p in ps])
    shipped_lines += _sentences([p for _, ps in shipped for p in ps])
    diff = "\n".join(
        difflib.unified_diff(seed_lines, shipped_lines, "seed", "content.yaml", n=1, lineterm="")
    )
    assert shipped_lines == seed_lines, f"the shipped article differs from the seed:\n{diff}"
    assert len(seed_lines) > 30  # the comparison really compared sentences


# --------------------------------------------------------------------------------------------
# What a valid file turns into


def test_body_becomes_paragraphs_split_at_blank_lines_and_folded(site: Path) -> None:
    body = (
        "    - body: |\n"
        "        First line\n"
        "        continues   here.\n"
        "\n"
        "           \n"
        "\n"
        "        \u201cSecond\u201d \u2013 para\tgraph.\n"
        "    - body: Hello.\n"
    )
    content = parse(edit("    - body: Hello.\n", body, MINIMAL), site)
    assert content.article.sections[0].paragraphs == (
        "First line continues here.",
        "\u201cSecond\u201d \u2013 para graph.",  # curly quotes and en dash kept
    )
    assert content.article.sections[1] == Section(heading=None, paragraphs=("Hello.",))


def test_strings_are_stripped_and_numbers_become_float_or_int(site: Path) -> None:
    text = edit("  title: Title", '  title: "  Title  "', MINIMAL)
    text = edit("    - body: Hello.", "    - body: Hello.\n      seconds: 12", text)
    text += "timing:\n  fade_ms: 0\n  min_seconds: 2.5\n"
    content = parse(text, site)
    assert content.article.title == "Title"
    assert content.article.sections[0].seconds == 12.0
    assert isinstance(content.article.sections[0].seconds, float)
    assert content.timing == Timing(min_seconds=2.5, fade_ms=0)
    assert isinstance(content.timing.fade_ms, int)


def test_windows_line_endings_read_the_same(site: Path) -> None:
    crlf = MINIMAL.replace("\n", "\r\n").replace("Hello.", "|\r\n        One\r\n\r\n        Two")
    lf = MINIMAL.replace("Hello.", "|\n        One\n\n        Two")
    assert parse(crlf, site) == parse(lf, site)
    assert parse(lf, site).article.sections[0].paragraphs == ("One", "Two")


def test_timing_is_optional_and_defaults_to_the_record(site: Path) -> None:
    assert parse(MINIMAL, site).timing == Timing()


def test_colours_are_normalised_to_upper_case_six_digits(site: Path) -> None:
    content = parse(edit('    text: "#000000"', '    text: "#123"', MINIMAL), site)
    assert content.clinic.colors.text == "#112233"


def test_explicit_standard_tags_are_allowed(site: Path) -> None:
    content = parse(edit("  name: Clinic", "  name: !!str 2026", MINIMAL), site)
    assert content.clinic.name == "2026"


def test_base_dir_defaults_to_the_current_directory(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site)
    assert parse_content(MINIMAL).clinic.logo == site / "resources" / "logo.svg"


def test_absolute_image_paths_are_allowed(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    logo = site / "resources" / "logo.svg"
    content = parse(edit("logo: resources/logo.svg", f"logo: {logo}", MINIMAL), elsewhere)
    assert content.clinic.logo == logo


def test_load_content_resolves_paths_from_the_files_folder(
    site: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "content.yaml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    content = load_content(site / "content.yaml")
    assert content.source == str(site / "content.yaml")
    assert content.clinic.logo == site / "resources" / "logo.svg"


def test_load_content_accepts_a_byte_order_mark(site: Path) -> None:
    (site / "content.yaml").write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_content(site / "content.yaml").content_version == "1"


def test_section_with_image_and_description(site: Path) -> None:
    (site / "photo.png").write_bytes(PNG_BYTES)
    text = edit(
        "    - body: Hello.",
        "    - body: Hello.\n      image: photo.png\n      image_description: A calm room.",
        MINIMAL,
    )
    section = parse(text, site).article.sections[0]
    assert section.image == site / "photo.png"
    assert section.image_description == "A calm room."


# --------------------------------------------------------------------------------------------
# 1. Invalid YAML syntax


def test_bad_indentation_is_reported_at_the_yaml_error_line(site: Path) -> None:
    text = edit("  logo: resources/logo.svg", " logo: resources/logo.svg")
    assert problems(text, site) == [
        f"content.yaml:{line_of(text, ' logo:')}: this is not valid YAML: expected <block end>, "
        "but found '<block mapping start>' (while parsing a block mapping on line "
        f"{line_of(text, 'content_version:')})"
    ]


def test_unclosed_flow_list_is_reported(site: Path) -> None:
    text = edit("  logo: resources/logo.svg", "  logo: [resources/logo.svg")
    assert problems(text, site) == [
        f"content.yaml:{line_of(text, '  colors:')}: this is not valid YAML: expected ',' or "
        f"']', but got ':' (while parsing a flow sequence on line {line_of(text, '  logo:')})"
    ]


def test_colon_in_plain_text_is_reported(site: Path) -> None:
    text = edit('  name: "Bayside Wellness Clinic"', "  name: Bayside: Wellness Clinic")
    assert problems(text, site) == [
        f"content.yaml:{line_of(text, '  name:')}: this is not valid YAML: "
        "mapping values are not allowed here"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: b\n\tc: d\n",
            "content.yaml:2: this is not valid YAML: found character '\\t' that cannot start "
            "any token (while scanning for the next token)",
        ),
        (
            "a: b\n---\nc: d\n",
            "content.yaml:2: this is not valid YAML: expected a single document in the stream "
            "on line 1, but found another document",
        ),
        (
            'a: b\nc: "bell \x07"\n',
            "content.yaml:2: this is not valid YAML: it contains the character U+0007, "
            "which YAML does not allow",
        ),
        (
            "a: " + "[" * 1500,
            "content.yaml: the file is nested too deeply to read (too many levels of indentation)",
        ),
    ],
    ids=["tab", "two-documents", "control-character", "too-deep"],
)
def test_other_yaml_errors(text: str, expected: str, site: Path) -> None:
    assert problems(text, site) == [expected]


# --------------------------------------------------------------------------------------------
# 2. Empty document, or a top level that is not a mapping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            "content.yaml: the file is empty; it must be a mapping with the keys " + TOP_KEYS,
        ),
        (
            "# only a comment\n\n",
            "content.yaml: the file is empty; it must be a mapping with the keys " + TOP_KEYS,
        ),
        (
            "- clinic\n- article\n",
            "content.yaml:1: the top level must be a mapping of 'key: value' lines "
            f"(allowed keys: {TOP_KEYS}), got a list",
        ),
        (
            "# comment\n\nhello\n",
            "content.yaml:3: the top level must be a mapping of 'key: value' lines "
            f"(allowed keys: {TOP_KEYS}), got 'hello'",
        ),
    ],
    ids=["empty", "comment-only", "list", "text"],
)
def test_empty_or_not_a_mapping(text: str, expected: str, site: Path) -> None:
    assert problems(text, site) == [expected]


# --------------------------------------------------------------------------------------------
# 3. Anchors, aliases and tags


ALIAS_MESSAGE = "anchors and aliases (& and *) are not allowed; write the value out in full"


def test_anchor_and_alias_are_refused_where_they_are(site: Path) -> None:
    text = edit("  title: Title", "  title: &t Title", MINIMAL)
    text = edit("    - body: Hello.", "    - body: Hello.\n      heading: *t", text)
    assert problems(text, site) == [
        f"content.yaml:18: article.title: {ALIAS_MESSAGE}",
        f"content.yaml:21: article.sections[0].heading: {ALIAS_MESSAGE}",
    ]


BILLION_LAUGHS = """\
lol1: &lol1 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
lol2: &lol2 [*lol1, *lol1, *lol1, *lol1, *lol1, *lol1, *lol1, *lol1, *lol1]
lol3: &lol3 [*lol2, *lol2, *lol2, *lol2, *lol2, *lol2, *lol2, *lol2, *lol2]
lol4: &lol4 [*lol3, *lol3, *lol3, *lol3, *lol3, *lol3, *lol3, *lol3, *lol3]
lol5: &lol5 [*lol4, *lol4, *lol4, *lol4, *lol4, *lol4, *lol4, *lol4, *lol4]
lol6: &lol6 [*lol5, *lol5, *lol5, *lol5, *lol5, *lol5, *lol5, *lol5, *lol5]
lol7: &lol7 [*lol6, *lol6, *lol6, *lol6, *lol6, *lol6, *lol6, *lol6, *lol6]
lol8: &lol8 [*lol7, *lol7, *lol7, *lol7, *lol7, *lol7, *lol7, *lol7, *lol7]
lol9: &lol9 [*lol8, *lol8, *lol8, *lol8, *lol8, *lol8, *lol8, *lol8, *lol8]
"""


def test_billion_laughs_is_refused_quickly(site: Path) -> None:
    text = edit("article:\n", f"{BILLION_LAUGHS}article:\n  bomb: *lol9\n", MINIMAL)
    started = time.perf_counter()
    found = problems(text, site)
    assert time.perf_counter() - started < 1.0
    anchors = [p for p in found if p.endswith(ALIAS_MESSAGE)]
    # one per line: the anchor on each lolN line, and the alias under article
    assert anchors == [f"content.yaml:{16 + n}: lol{n}: {ALIAS_MESSAGE}" for n in range(1, 10)] + [
        f"content.yaml:27: article.bomb: {ALIAS_MESSAGE}"
    ]
    assert "content.yaml:17: lol1: is not a known key (allowed here: " + TOP_KEYS + ")" in found


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('!!python/object/apply:os.system ["echo hacked"]', "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!custom Clinic", "!custom"),
    ],
)
def test_non_standard_tags_are_refused(value: str, shown: str, site: Path) -> None:
    text = edit("  name: Clinic", f"  name: {value}", MINIMAL)
    assert problems(text, site) == [
        f"content.yaml:3: clinic.name: the YAML tag '{shown}' is not allowed; write plain "
        "values without a tag (nothing starting with !)"
    ]


def test_a_tagged_mapping_is_refused_once(site: Path) -> None:
    text = edit("notices:\n", "notices: !!python/object:builtins.dict\n", MINIMAL)
    assert problems(text, site) == [
        "content.yaml:14: notices: the YAML tag '!!python/object:builtins.dict' is not allowed; "
        "write plain values without a tag (nothing starting with !)"
    ]


# --------------------------------------------------------------------------------------------
# 4. Over-large files


def test_parse_content_refuses_text_over_the_limit() -> None:
    with pytest.raises(ContentError) as info:
        parse_content("#" * (MAX_FILE_BYTES + 1))
    assert str(info.value) == (
        f"content.yaml: the file is too large ({MAX_FILE_BYTES + 1} bytes); a content file "
        f"must be at most {MAX_FILE_BYTES} bytes (1024 KiB)"
    )


def test_the_limit_counts_utf8_bytes_not_characters() -> None:
    text = "#" + "é" * (MAX_FILE_BYTES // 2)  # fewer characters than the limit, more bytes
    with pytest.raises(ContentError, match=r"^content\.yaml: the file is too large"):
        parse_content(text)


def test_text_at_the_limit_is_parsed() -> None:
    with pytest.raises(ContentError) as info:
        parse_content("#" * MAX_FILE_BYTES)
    assert str(info.value).startswith("content.yaml: the file is empty")


def test_load_content_refuses_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "content.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 10))
    with pytest.raises(ContentError) as info:
        load_content(path)
    assert str(info.value) == (
        f"{path}: the file is too large ({MAX_FILE_BYTES + 10} bytes); a content file "
        f"must be at most {MAX_FILE_BYTES} bytes (1024 KiB)"
    )


def test_load_content_names_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ContentError) as info:
        load_content(path)
    assert str(info.value) == f"{path}: cannot read the file: No such file or directory"
    assert info.value.problems == [
        Problem(str(path), 0, "", "cannot read the file: No such file or directory")
    ]


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_load_content_refuses_what_is_not_a_regular_file_at_once(tmp_path: Path, kind: str) -> None:
    """A FIFO used to make `kiosk check` hang until something wrote to it."""
    if kind == "fifo":
        path = tmp_path / "content.yaml"
        os.mkfifo(path)
        expected = "it is a FIFO (named pipe), not a regular file"
    else:
        path = Path("/dev/zero")
        expected = "it is a device or socket, not a regular file"
    with pytest.raises(ContentError) as info:
        load_content(path)  # returns at once: nothing here waits for a writer
    assert str(info.value) == f"{path}: cannot read the file: {expected}"


def test_an_image_that_is_a_fifo_is_refused(site: Path) -> None:
    (site / "resources" / "logo.svg").unlink()
    os.mkfifo(site / "resources" / "logo.svg")
    assert problems(MINIMAL, site) == [
        "content.yaml:4: clinic.logo: is not a regular file: resources/logo.svg "
        f"({site / 'resources' / 'logo.svg'})"
    ]


def test_load_content_names_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as info:
        load_content(tmp_path)
    assert str(info.value) == f"{tmp_path}: cannot read the file: Is a directory"


def test_load_content_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "content.yaml"
    path.write_bytes(b'content_version: "1"\nclinic:\n  name: Caf\xe9\n')
    with pytest.raises(ContentError) as info:
        load_content(path)
    assert str(info.value) == (
        f"{path}: cannot read the file: it is not UTF-8 text (line 3 has the byte 0xE9); "
        "save it with the UTF-8 encoding"
    )


# --------------------------------------------------------------------------------------------
# 5. Unknown keys


def test_unknown_key_suggests_the_closest_allowed_key(site: Path) -> None:
    text = edit('    - heading: "To Conclude"', '    - haeding: "To Conclude"')
    assert problems(text, site) == [
        f"content.yaml:{line_of(text, 'haeding')}: article.sections[3].haeding: is not a known "
        f"key; did you mean 'heading'? (allowed here: {SECTION_KEYS})"
    ]


def test_unknown_top_level_key_without_a_close_match(site: Path) -> None:
    text = MINIMAL + "extras:\n  fields: []\n"
    assert problems(text, site) == [
        f"content.yaml:{AFTER}: extras: is not a known key (allowed here: {TOP_KEYS})"
    ]


def test_misspelt_required_key_is_unknown_and_the_real_one_missing(site: Path) -> None:
    text = edit('    text: "#1B1B1B"', '    txt: "#1B1B1B"')
    colors_line = line_of(text, "  colors:")
    assert problems(text, site) == [
        f"content.yaml:{colors_line}: clinic.colors.text: is required but missing; add 'text:' "
        "under 'clinic.colors'",
        f"content.yaml:{line_of(text, 'txt:')}: clinic.colors.txt: is not a known key; did you "
        "mean 'text'? (allowed here: background, text, heading, header_background, header_text, "
        "footer_background, footer_text, accent)",
    ]


def test_a_key_given_twice_is_reported(site: Path) -> None:
    text = edit("  name: Clinic\n", "  name: Clinic\n  name: Other\n", MINIMAL)
    assert problems(text, site) == [
        "content.yaml:4: clinic.name: appears more than once (first on line 3); keep only one"
    ]


def test_a_key_that_is_not_a_word(site: Path) -> None:
    text = MINIMAL + "[a, b]: c\n"
    assert problems(text, site) == [
        f"content.yaml:{AFTER}: a key must be a single word, got a list"
    ]


# --------------------------------------------------------------------------------------------
# 6. Missing required keys


def test_missing_key_is_reported_at_its_mapping(site: Path) -> None:
    text = edit(
        '  disclaimer: "This is general information, not medical advice. '
        'Please talk with your care team."\n',
        "",
    )
    assert problems(text, site) == [
        f"content.yaml:{line_of(text, 'notices:')}: notices.disclaimer: is required but "
        "missing; add 'disclaimer:' under 'notices'"
    ]


def test_missing_top_level_keys(site: Path) -> None:
    text = MINIMAL.split("notices:")[0]
    assert problems(text, site) == [
        "content.yaml:1: notices: is required but missing; add 'notices:' at the top level",
        "content.yaml:1: form: is required but missing; add 'form:' at the top level",
        "content.yaml:1: article: is required but missing; add 'article:' at the top level",
    ]


def test_missing_section_body(site: Path) -> None:
    start = SHIPPED_TEXT.index('    - heading: "To Conclude"')
    text = SHIPPED_TEXT[:start] + '    - heading: "To Conclude"\n'
    assert problems(text, site) == [
        f"content.yaml:{line_of(text, 'To Conclude')}: article.sections[3].body: is required "
        "but missing; add 'body:' under 'article.sections[3]'"
    ]


# --------------------------------------------------------------------------------------------
# 7. Wrong types


QUOTE_HINT = "; put it in quotes if it is meant as text"
LATER_TIMING_KEYS = "idle_resume_seconds, form_idle_seconds, still_there_seconds, thanks_seconds"


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            '  name: "Bayside Wellness Clinic"',
            "  name: yes",
            "clinic.name",
            f"must be text, got the yes/no value 'yes'{QUOTE_HINT}",
        ),
        (
            'content_version: "2026-11-27"',
            "content_version: 2026",
            "content_version",
            f"must be text, got the number 2026{QUOTE_HINT}",
        ),
        (
            'content_version: "2026-11-27"',
            "content_version: 2026-11-27",
            "content_version",
            f"must be text, got the date 2026-11-27{QUOTE_HINT}",
        ),
        (
            'content_version: "2026-11-27"',
            "content_version: 2026-13-45",
            "content_version",
            "cannot read the value '2026-13-45' (month must be in 1..12); if it is meant as "
            "text, put it in quotes",
        ),
        (
            '  crisis_line: "If you are in crisis',
            '  crisis_line: ["a", "b"]\n  old: "If you are in crisis',
            "notices.crisis_line",
            "must be text, got a list",
        ),
        (
            "  words_per_minute: 200",
            "  words_per_minute: fast",
            "timing.words_per_minute",
            "must be a number of words per minute, got 'fast'",
        ),
        (
            "  extra_seconds: 4",
            "  extra_seconds: true",
            "timing.extra_seconds",
            "must be a number of seconds, got the yes/no value 'true'",
        ),
        (
            "  fade_ms: 600",
            "  fade_ms: 600.5",
            "timing.fade_ms",
            "must be a whole number of milliseconds, got the number 600.5",
        ),
        (
            "  fade_ms: 600",
            '  fade_ms: "600"',
            "timing.fade_ms",
            "must be a whole number of milliseconds, got '600'; write the number without quotes",
        ),
        (
            '    - heading: "How to Know',
            '    - seconds: ten\n      heading: "How to Know',
            "article.sections[2].seconds",
            "must be a number of seconds, got 'ten'",
        ),
    ],
    ids=[
        "bool-for-text",
        "number-for-text",
        "date-for-text",
        "impossible-date",
        "list-for-text",
        "text-for-number",
        "bool-for-number",
        "float-for-integer",
        "quoted-number",
        "section-seconds",
    ],
)
def test_wrong_types(old: str, new: str, key: str, message: str, site: Path) -> None:
    text = edit(old, new)
    line = line_of(text, new.split("\n")[0])
    found = problems(text, site)
    assert found[0] == f"content.yaml:{line}: {key}: {message}"
    # the list case leaves an unknown key behind on purpose: that is the only other problem
    assert found[1:] == [] or found[1:] == [
        f"content.yaml:{line + 1}: notices.old: is not a known key (allowed here: "
        "crisis_line, disclaimer)"
    ]


@pytest.mark.parametrize(
    ("addition", "line", "key", "message"),
    [
        (
            "timing: 5\n",
            AFTER,
            "timing",
            "must be a mapping of 'key: value' lines (allowed keys: words_per_minute, "
            f"extra_seconds, min_seconds, max_seconds, fade_ms, {LATER_TIMING_KEYS}), "
            "got the number 5",
        ),
        (
            "timing:\n",
            AFTER,
            "timing",
            "must be a mapping of 'key: value' lines (allowed keys: words_per_minute, "
            f"extra_seconds, min_seconds, max_seconds, fade_ms, {LATER_TIMING_KEYS}), got nothing",
        ),
        (
            "timing:\n  - 5\n",
            AFTER + 1,
            "timing",
            "must be a mapping of 'key: value' lines (allowed keys: words_per_minute, "
            f"extra_seconds, min_seconds, max_seconds, fade_ms, {LATER_TIMING_KEYS}), got a list",
        ),
    ],
)
def test_mapping_expected(addition: str, line: int, key: str, message: str, site: Path) -> None:
    assert problems(MINIMAL + addition, site) == [f"content.yaml:{line}: {key}: {message}"]


def test_clinic_given_as_text(site: Path) -> None:
    text = "content_version: '1'\nclinic: Bayside\n" + MINIMAL.split("\n", 13)[13]
    assert problems(text, site) == [
        "content.yaml:2: clinic: must be a mapping of 'key: value' lines (allowed keys: name, "
        "logo, colors), got 'Bayside'"
    ]


# --------------------------------------------------------------------------------------------
# 8. Empty text


@pytest.mark.parametrize(
    ("old", "new", "key", "got"),
    [
        ("  name: Clinic", '  name: "   "', "clinic.name", "'   '"),
        ("  name: Clinic", "  name:", "clinic.name", "nothing"),
        ("  name: Clinic", "  name: ~", "clinic.name", "'~', which YAML reads as nothing"),
        ("  crisis_line: Call 988", '  crisis_line: ""', "notices.crisis_line", "''"),
        ("  disclaimer: Not medical advice.", "  disclaimer: ''", "notices.disclaimer", "''"),
        ("  title: Title", '  title: " "', "article.title", "' '"),
        (
            "    - body: Hello.",
            '    - body: "  \\n\\n  "',
            "article.sections[0].body",
            "'  \\n\\n  '",
        ),
        (
            "    - body: Hello.",
            '    - body: Hello.\n      heading: ""',
            "article.sections[0].heading",
            "''",
        ),
    ],
    ids=["spaces", "null", "tilde", "crisis", "disclaimer", "title", "body", "heading"],
)
def test_empty_text(old: str, new: str, key: str, got: str, site: Path) -> None:
    text = edit(old, new, MINIMAL)
    line = line_of(text, new.split("\n")[-1])
    assert problems(text, site) == [
        f"content.yaml:{line}: {key}: must not be empty; expected text, got {got}"
    ]


def test_empty_image_description_and_logo(site: Path) -> None:
    text = edit("  logo: resources/logo.svg", "  logo: ''", MINIMAL)
    text = edit(
        "    - body: Hello.",
        "    - body: Hello.\n      image: resources/logo.svg\n      image_description: ' '",
        text,
    )
    assert problems(text, site) == [
        "content.yaml:4: clinic.logo: must not be empty; expected the path of an image file, "
        "got ''",
        "content.yaml:22: article.sections[0].image_description: must not be empty; "
        "expected text, got ' '",
    ]


# --------------------------------------------------------------------------------------------
# 9. Image files


def _with_logo(path: str) -> str:
    return edit("  logo: resources/logo.svg", f"  logo: {path}", MINIMAL)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.png", PNG_BYTES),
        ("logo.jpg", JPEG_BYTES),
        ("logo.svg", TINY_SVG.encode()),
        (
            "decl.svg",
            b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n'
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>\n',
        ),
        ("subset.svg", b'<!doctype svg [ <!ENTITY a "b"> ]>\n<SVG/>'),
        ("named.png", JPEG_BYTES),  # judged by its bytes, not by its name
    ],
)
def test_images_judged_by_their_first_bytes(name: str, data: bytes, site: Path) -> None:
    (site / name).write_bytes(data)
    assert parse(_with_logo(name), site).clinic.logo == site / name


def test_image_file_not_found(site: Path) -> None:
    assert problems(_with_logo("resources/nope.png"), site) == [
        "content.yaml:4: clinic.logo: file not found: resources/nope.png "
        f"(looked for {site / 'resources' / 'nope.png'})"
    ]


def test_image_path_is_a_folder(site: Path) -> None:
    assert problems(_with_logo("resources"), site) == [
        f"content.yaml:4: clinic.logo: is a folder, not an image file: resources "
        f"({site / 'resources'})"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_image_path_is_not_a_regular_file(site: Path) -> None:
    os.mkfifo(site / "pipe.png")
    assert problems(_with_logo("pipe.png"), site) == [
        f"content.yaml:4: clinic.logo: is not a regular file: pipe.png ({site / 'pipe.png'})"
    ]


def test_image_file_that_cannot_be_read(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, where chmod 000 still reads; so make opening fail instead.
    real_open = os.open

    def refusing_open(path: object, *args: Any, **kwargs: Any) -> int:
        if Path(str(path)).name == "logo.svg":
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    assert problems(MINIMAL, site) == [
        "content.yaml:4: clinic.logo: cannot read the file: resources/logo.svg (Permission denied)"
    ]


NOT_AN_IMAGE = "its first bytes are not those of any of these formats"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.txt", b"just some words\n"),
        ("page.svg", b"<html><body><svg></svg></body></html>"),
        ("late.svg", b"<!-- " + b"x" * 5000 + b" -->\n<svg></svg>"),
        ("gif.png", b"GIF89a\x01\x00\x01\x00"),
        ("open.svg", b"<!--" * 2000 + b"<svg>"),
        ("svgz.svg", b"<svgz></svgz>"),
    ],
    ids=["text", "html-with-svg", "svg-after-4KiB", "gif", "unclosed-comment", "not-svg-element"],
)
def test_file_that_is_not_an_image(name: str, data: bytes, site: Path) -> None:
    (site / name).write_bytes(data)
    assert problems(_with_logo(name), site) == [
        f"content.yaml:4: clinic.logo: is not a PNG, JPEG or SVG image: {name} "
        f"({site / name}); {NOT_AN_IMAGE}"
    ]


def test_empty_image_file(site: Path) -> None:
    (site / "empty.png").write_bytes(b"")
    assert problems(_with_logo("empty.png"), site) == [
        f"content.yaml:4: clinic.logo: the image file is empty: empty.png ({site / 'empty.png'})"
    ]


def test_section_image_is_checked_too(site: Path) -> None:
    text = edit(
        "    - body: Hello.",
        "    - body: Hello.\n      image: photos/one.jpg\n      image_description: A room.",
        MINIMAL,
    )
    assert problems(text, site) == [
        "content.yaml:21: article.sections[0].image: file not found: photos/one.jpg "
        f"(looked for {site / 'photos' / 'one.jpg'})"
    ]


# --------------------------------------------------------------------------------------------
# 10. Bad colours


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ('"1B1B1B"', "'1B1B1B'"),
        ('"#12345"', "'#12345'"),
        ('"#GGGGGG"', "'#GGGGGG'"),
        ("black", "'black'"),
        ("123456", "the number 123456"),
        ('["#000000"]', "a list"),
        (
            "#1B1B1B",
            "nothing (a # outside quotes starts a comment, so put the colour in quotes)",
        ),
    ],
)
def test_bad_colours(value: str, got: str, site: Path) -> None:
    text = edit('    text: "#000000"', f"    text: {value}", MINIMAL)
    assert problems(text, site) == [
        f"content.yaml:7: clinic.colors.text: must be {COLORS_EXPECTED}, got {got}"
    ]


def test_a_bad_background_skips_the_contrast_checks_that_need_it(site: Path) -> None:
    text = edit('    background: "#FFFFFF"', '    background: "#FFFFF"', MINIMAL)
    assert problems(text, site) == [
        f"content.yaml:6: clinic.colors.background: must be {COLORS_EXPECTED}, got '#FFFFF'"
    ]


# --------------------------------------------------------------------------------------------
# 11. Contrast


def test_low_contrast_text_is_reported_with_its_ratio(site: Path) -> None:
    text = edit('    text: "#1B1B1B"', '    text: "#AAAAAA"')
    assert problems(text, site) == [
        f"content.yaml:{line_of(text, '#AAAAAA')}: clinic.colors.text: contrast with "
        "clinic.colors.background is 2.32:1; it must be at least 4.5:1 (WCAG AA) so the text "
        "can be read"
    ]


def test_ratio_is_cut_not_rounded_up_to_the_limit(site: Path) -> None:
    text = edit('    text: "#000000"', '    text: "#777777"', MINIMAL)
    assert problems(text, site) == [
        "content.yaml:7: clinic.colors.text: contrast with clinic.colors.background is "
        "4.47:1; it must be at least 4.5:1 (WCAG AA) so the text can be read"
    ]


TEXT = "it must be at least 4.5:1 (WCAG AA) so the text can be read"


@pytest.mark.parametrize(
    ("fore", "back", "value", "line", "why"),
    [
        ("text", "background", "#FFFFFF", 7, TEXT),
        ("heading", "background", "#FFFFFF", 8, "it must be at least 3:1 (WCAG AA) for large text"),
        ("accent", "background", "#FFF", 13, TEXT),
        ("header_text", "header_background", "#000000", 10, TEXT),
        ("footer_text", "footer_background", "#FFFFFF", 12, TEXT),
    ],
)
def test_every_pair_is_checked(
    fore: str, back: str, value: str, line: int, why: str, site: Path
) -> None:
    old = next(x for x in MINIMAL.splitlines() if x.startswith(f"    {fore}:"))
    text = edit(old, f'    {fore}: "{value}"', MINIMAL)
    assert problems(text, site) == [
        f"content.yaml:{line}: clinic.colors.{fore}: contrast with clinic.colors.{back} is 1:1; "
        + why
    ]


def test_large_text_needs_3_to_1_and_a_control_edge_is_named(site: Path) -> None:
    # A mid grey heading is large text: 3.95:1 passes where body text would not.
    text = edit('    heading: "#000000"', '    heading: "#7F7F7F"', MINIMAL)
    assert parse(text, site).clinic.colors.heading == "#7F7F7F"
    # A header band as light as the page hides the edge of the Cancel button on it.
    text = edit('    header_background: "#000000"', '    header_background: "#EEEEEE"', MINIMAL)
    text = edit('    header_text: "#FFFFFF"', '    header_text: "#000000"', text)
    assert problems(text, site) == [
        "content.yaml:6: clinic.colors.background: contrast with clinic.colors.header_background "
        "is 1.16:1; it must be at least 3:1 (WCAG AA) so a button's edge can be seen"
    ]


# --------------------------------------------------------------------------------------------
# 12. Ranges, and rules joining two keys


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("words_per_minute", "49", "must be between 50 and 1000 words per minute, got 49"),
        ("words_per_minute", "1000.5", "must be between 50 and 1000 words per minute, got 1000.5"),
        ("extra_seconds", "-1", "must be between 0 and 120 seconds, got -1"),
        ("extra_seconds", "121", "must be between 0 and 120 seconds, got 121"),
        ("min_seconds", "0", "must be between 1 and 600 seconds, got 0"),
        ("min_seconds", "601", "must be between 1 and 600 seconds, got 601"),
        ("max_seconds", "0.5", "must be between 1 and 3600 seconds, got 0.5"),
        ("max_seconds", "3601", "must be between 1 and 3600 seconds, got 3601"),
        ("max_seconds", ".nan", "must be between 1 and 3600 seconds, got .nan"),
        ("fade_ms", "-1", "must be between 0 and 5000 milliseconds, got -1"),
        ("fade_ms", "5001", "must be between 0 and 5000 milliseconds, got 5001"),
        ("idle_resume_seconds", "0", "must be between 1 and 3600 seconds, got 0"),
        ("idle_resume_seconds", "1e9999", "must be a number of seconds, got '1e9999'"),
        ("idle_resume_seconds", "1.0e+400", "must be between 1 and 3600 seconds, got 1.0e+400"),
    ],
)
def test_timing_out_of_range(key: str, value: str, message: str, site: Path) -> None:
    text = MINIMAL + f"timing:\n  {key}: {value}\n"
    assert problems(text, site) == [f"content.yaml:{AFTER + 1}: timing.{key}: {message}"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("words_per_minute", "50"),
        ("words_per_minute", "1000"),
        ("extra_seconds", "0"),
        ("extra_seconds", "120"),
        ("min_seconds", "1"),
        ("max_seconds", "3600"),
        ("fade_ms", "0"),
        ("fade_ms", "5000"),
        ("idle_resume_seconds", "1"),
        ("idle_resume_seconds", "3600"),
    ],
)
def test_timing_limits_are_inclusive(key: str, value: str, site: Path) -> None:
    timing = parse(MINIMAL + f"timing:\n  {key}: {value}\n", site).timing
    assert getattr(timing, key) == float(value)


def test_max_seconds_below_min_seconds(site: Path) -> None:
    text = MINIMAL + "timing:\n  min_seconds: 30\n  max_seconds: 20\n"
    assert problems(text, site) == [
        f"content.yaml:{AFTER + 2}: timing.max_seconds: must be at least min_seconds (30), got 20"
    ]


def test_max_seconds_below_the_default_min_seconds(site: Path) -> None:
    text = MINIMAL + "timing:\n  max_seconds: 5\n"
    assert problems(text, site) == [
        f"content.yaml:{AFTER + 1}: timing.max_seconds: must be at least min_seconds "
        "(8, the default), got 5"
    ]


@pytest.mark.parametrize("value", ["0", "3601", "-5"])
def test_section_seconds_out_of_range(value: str, site: Path) -> None:
    text = edit("    - body: Hello.", f"    - body: Hello.\n      seconds: {value}", MINIMAL)
    assert problems(text, site) == [
        f"content.yaml:21: article.sections[0].seconds: must be between 1 and 3600 seconds, "
        f"got {value}"
    ]


def test_image_needs_a_description(site: Path) -> None:
    text = edit(
        '    - heading: "To Conclude"',
        '    - heading: "To Conclude"\n      image: resources/logo.svg',
    )
    assert problems(text, site) == [
        f"content.yaml:{line_of(text, '      image:')}: article.sections[3].image_description: "
        "is required when a section has an image; describe what the image shows for people "
        "who cannot see it"
    ]


# --------------------------------------------------------------------------------------------
# 13. Sections


def test_sections_must_not_be_empty(site: Path) -> None:
    text = edit("  sections:\n    - body: Hello.\n", "  sections: []\n", MINIMAL)
    assert problems(text, site) == [
        "content.yaml:19: article.sections: must list at least one of the sections, got none"
    ]


def test_sections_must_be_a_list(site: Path) -> None:
    text = edit("  sections:\n    - body: Hello.\n", "  sections:\n    body: Hello.\n", MINIMAL)
    assert problems(text, site) == [
        "content.yaml:20: article.sections: must be a list of sections, each starting with "
        "'- ', got a mapping of 'key: value' lines"
    ]


def test_each_section_must_be_a_mapping(site: Path) -> None:
    text = edit("    - body: Hello.\n", "    - body: Hello.\n    - Just a sentence.\n", MINIMAL)
    assert problems(text, site) == [
        f"content.yaml:21: article.sections[1]: must be a mapping of 'key: value' lines "
        f"(allowed keys: {SECTION_KEYS}), got 'Just a sentence.'"
    ]


# --------------------------------------------------------------------------------------------
# Several problems at once


def test_every_problem_is_reported_in_line_order(site: Path) -> None:
    text = edit('  name: "Bayside Wellness Clinic"', "  name: yes")
    text = edit('    footer_text: "#3D2A00"', '    footer_text: "#FFF4D6"', text)
    text = edit('  disclaimer: "This is general', '  disclaimr: "This is general', text)
    text = edit("  fade_ms: 600", "  fade_ms: 9999", text)
    text = edit('    - heading: "To Conclude"', '    - heading: ""', text)
    text += "extras:\n  fields: []\n"  # a problem at the end, found first
    found = problems(text, site)
    empty_heading = line_of(text, 'heading: ""')
    assert found == [
        f"content.yaml:{line_of(text, 'name: yes')}: clinic.name: must be text, got the yes/no "
        f"value 'yes'{QUOTE_HINT}",
        f"content.yaml:{line_of(text, 'footer_text')}: clinic.colors.footer_text: contrast with "
        "clinic.colors.footer_background is 1:1; it must be at least 4.5:1 (WCAG AA) so the "
        "text can be read",
        f"content.yaml:{line_of(text, 'notices:')}: notices.disclaimer: is required but "
        "missing; add 'disclaimer:' under 'notices'",
        f"content.yaml:{line_of(text, 'disclaimr')}: notices.disclaimr: is not a known key; "
        "did you mean 'disclaimer'? (allowed here: crisis_line, disclaimer)",
        f"content.yaml:{line_of(text, 'fade_ms')}: timing.fade_ms: must be between 0 and 5000 "
        "milliseconds, got 9999",
        f"content.yaml:{empty_heading}: article.sections[3].heading: must not "
        "be empty; expected text, got ''",
        f"content.yaml:{line_of(text, 'extras:')}: extras: is not a known key (allowed here: "
        f"{TOP_KEYS})",
    ]


# --------------------------------------------------------------------------------------------
# Garbage in: only ContentError out


def _mutations(rng: random.Random, text: str) -> str:
    pieces = [*":-[]{}&*!|>#'\"\n \t?,%@`", "!!python/object:x", "*a", "yes", "1e400", "~"]
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        index = rng.randrange(len(chars) + 1)
        roll = rng.random()
        if roll < 0.4:
            chars.insert(index, rng.choice(pieces))
        elif chars and roll < 0.7:
            del chars[min(index, len(chars) - 1)]
        elif chars:
            chars[min(index, len(chars) - 1)] = rng.choice(pieces)
    return "".join(chars)


def _garbage(seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(60):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(300)))
        texts.append(raw.decode("utf-8", errors="replace"))
        texts.append(raw.decode("latin-1"))
    texts += [SHIPPED_TEXT[: rng.randrange(len(SHIPPED_TEXT))] for _ in range(60)]
    texts += [_mutations(rng, SHIPPED_TEXT) for _ in range(100)]
    texts += ["\ud800", "\x00", "\ufeff", "---", "...", "? ", "- - -", "!!set {a, b}", "{a: 1}"]
    return texts


def _problems_or_none(text: str, base_dir: Path) -> list[Problem]:
    """The problems parsing ``text`` finds; any exception but ContentError fails the test."""
    try:
        parse_content(text, "content.yaml", base_dir)
    except ContentError as exc:
        return exc.problems
    return []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_garbage_raises_only_content_error(seed: int, site: Path) -> None:
    for text in _garbage(seed):
        found = _problems_or_none(text, site)
        assert [p.line for p in found] == sorted(p.line for p in found), repr(text)
        for problem in found:
            assert problem.source == "content.yaml"
            assert problem.line >= 0
            assert "\n" not in str(problem), repr(text)


def test_a_good_file_is_read_by_libyaml_and_composes_as_pythons_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Start-up reads content.yaml before the first page: libyaml's parser does it (Python's
    is about ten times slower), and it must give the very same tree, refusals included."""
    import yaml

    from kiosk.core.content import yaml_nodes as module
    from kiosk.paths import bundled_content

    assert yaml.__with_libyaml__, "PyYAML without libyaml: start-up reads content.yaml slowly"
    text = bundled_content().read_text(encoding="utf-8")
    text += "\nextra: &anchor [1]\nmore: *anchor\ntagged: !python/name:os.system x\n"

    def shape(node: object) -> object:
        value = getattr(node, "value", None)
        if isinstance(value, list):
            value = [shape(item) for item in value]
        start = node.start_mark.line if getattr(node, "start_mark", None) else None
        return (type(node).__name__, getattr(node, "tag", None), value, start)

    fast_loader = module.FAST(text)
    slow_loader = module.Loader(text)
    try:
        assert shape(fast_loader.get_single_node()) == shape(slow_loader.get_single_node())
        assert [(n.start_mark.line, m) for n, m in fast_loader.refusals] == [
            (n.start_mark.line, m) for n, m in slow_loader.refusals
        ]
    finally:
        fast_loader.dispose()
        slow_loader.dispose()

    def no_python_loader(*args: object) -> None:
        raise AssertionError("a good file was read by the slow Python loader")

    monkeypatch.setattr(module, "Loader", no_python_loader)
    load_content(bundled_content())
