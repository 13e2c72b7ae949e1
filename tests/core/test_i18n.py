"""The clinic's text in several languages (kiosk/core/i18n.py): one file per language,
fallback to the default language, and what `kiosk check` is told about each file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.core.content import ContentError, load_content
from kiosk.core.i18n import load_localized, localize, template_keys
from kiosk.core.words import ENGLISH, words_for

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "data" / "seed_article.txt"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the shipped content.yaml, logo and language files."""
    shutil.copy(REPO / "content.yaml", tmp_path / "content.yaml")
    shutil.copytree(REPO / "resources", tmp_path / "resources")
    return tmp_path


def language_file(site: Path, code: str) -> Path:
    return site / "resources" / "languages" / f"{code}.yaml"


def line_of(path: Path, fragment: str) -> int:
    """The first line of ``path`` that starts with ``fragment`` (after its indentation)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(fragment.strip()))


def test_the_shipped_content_comes_in_four_languages():
    content = load_localized(REPO / "content.yaml")
    assert content.language.code == "en"
    assert content.language_names == (
        ("en", "English"),
        ("es", "Español"),
        ("zh", "中文"),
        ("ar", "العربية"),
    )
    by_code = {t.language.code: t for t in content.translations}
    assert by_code["ar"].language.right_to_left
    assert not by_code["es"].language.right_to_left
    assert {code: t.language.keyboard for code, t in by_code.items()} == {
        "es": "es_ES",
        "zh": "zh_CN",
        "ar": "ar_AR",
    }
    assert all(not t.language.reviewed for t in by_code.values())
    assert by_code["es"].form.title == "Pida a la clínica que le contacte"
    assert by_code["es"].form.fields[3].choices == (
        "Llamada",
        "Mensaje de texto",
        "Correo electrónico",
    )
    assert "988" in by_code["zh"].notices.crisis_line
    assert "marque 2" in by_code["es"].notices.crisis_line  # 988 answers in Spanish
    assert by_code["zh"].article.sections[1].heading.startswith("氯胺酮如何帮助缓解抑郁症")
    # What is not text stays the clinic's: the same questions, rules, branding and timing.
    for translated in by_code.values():
        assert [f.key for f in translated.form.fields] == [f.key for f in content.form.fields]
        assert translated.clinic == content.clinic
        assert translated.timing == content.timing
        assert translated.content_version == content.content_version


def test_the_english_article_is_still_the_seed_word_for_word():
    content = load_localized(REPO / "content.yaml")
    expected = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    shown = []
    for section in content.article.sections:
        if section.heading:
            shown.append(section.heading)
        shown.extend(section.paragraphs)
    assert shown == [p.strip() for p in expected]


def test_every_text_of_the_shipped_content_is_translated(site):
    content, warnings = localize(load_content(site / "content.yaml"))
    # Only the reminders that no clinician has reviewed the samples yet.
    assert [w.split(": ", 2)[1] for w in warnings] == ["reviewed"] * 3
    for code in ("es", "zh", "ar"):
        path = language_file(site, code)
        line = line_of(path, "reviewed: false")
        assert f"{path}:{line}: reviewed: this " in "\n".join(warnings)
    assert len(template_keys(content)) == 29


def test_a_missing_text_falls_back_to_the_default_and_is_listed_with_file_and_line(site):
    es = language_file(site, "es")
    text = es.read_text(encoding="utf-8")
    es.write_text(
        text.replace('    email:\n      label: "Correo electrónico"\n', "").replace(
            '  disclaimer: "Esta es información general, no un consejo médico. Hable con su '
            'equipo de atención médica."\n',
            "",
        ),
        encoding="utf-8",
    )
    content, warnings = localize(load_content(site / "content.yaml"))
    spanish = content.translations[0]
    assert spanish.notices.disclaimer == content.notices.disclaimer
    assert spanish.form.fields[2].label == "Email address"
    assert spanish.form.fields[1].label == "Número de teléfono"
    yaml_file = site / "content.yaml"
    assert (
        f"{es}:{line_of(es, 'notices:')}: notices.disclaimer: missing; the default language's "
        f"text is shown ({yaml_file}:{line_of(yaml_file, '  disclaimer:')}: notices.disclaimer)"
    ) in warnings
    assert any(
        w.startswith(f"{es}:{line_of(es, '  fields:')}: form.fields.email.label: missing")
        for w in warnings
    ), warnings


def test_an_extra_key_is_listed_with_its_line_and_not_shown(site):
    zh = language_file(site, "zh")
    text = zh.read_text(encoding="utf-8")
    zh.write_text(
        text.replace("  cancel_label:", '  cancle_label: "取消"\n  cancel_label:'), encoding="utf-8"
    )
    _content, warnings = localize(load_content(site / "content.yaml"))
    assert (
        f"{zh}:{line_of(zh, 'cancle_label')}: form.cancle_label: is not a text of content.yaml "
        "(an extra key, perhaps misspelt); it is not shown"
    ) in warnings


def test_a_reviewed_translation_is_not_warned_about(site):
    ar = language_file(site, "ar")
    ar.write_text(ar.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"))
    content, warnings = localize(load_content(site / "content.yaml"))
    assert not any(str(ar) in w for w in warnings)
    assert next(t for t in content.translations if t.language.code == "ar").language.reviewed


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            'choices: ["Mañana", "Tarde", "Noche"]',
            'choices: ["Mañana", "Tarde"]',
            "form.fields.best_time.choices",
            "must list 3 choices, in the order of content.yaml's (Morning, Afternoon, Evening), "
            "got 2",
        ),
        (
            'title: "Gracias, {first_name}."',
            'title: "Gracias, {nombre}."',
            "form.thanks.title",
            "may only contain the placeholder {first_name}, got {nombre}",
        ),
        ("reviewed: false", "reviewed: maybe", "reviewed", "must be true or false"),
        (
            '  submit_label: "Enviar mi solicitud"',
            "  submit_label: yes",
            "form.submit_label",
            "must be text (in quotes if it looks like a number or yes/no); leave the key out "
            "to show the default language's text",
        ),
    ],
)
def test_a_wrong_value_is_a_problem_with_file_and_line(site, old, new, key, message):
    es = language_file(site, "es")
    es.write_text(es.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        localize(load_content(site / "content.yaml"))
    line = line_of(es, new.strip())
    assert [str(p) for p in caught.value.problems] == [f"{es}:{line}: {key}: {message}"]


def test_a_language_file_that_is_not_there_is_a_problem_of_content_yaml(site):
    (language_file(site, "zh")).unlink()
    with pytest.raises(ContentError) as caught:
        load_content(site / "content.yaml")
    line = line_of(site / "content.yaml", "zh: resources/languages/zh.yaml")
    [problem] = caught.value.problems
    assert str(problem).startswith(
        f"{site / 'content.yaml'}:{line}: languages.translations.zh: the file "
        "'resources/languages/zh.yaml' is not there"
    )


def test_broken_yaml_in_a_language_file_is_a_problem_too(site):
    ar = language_file(site, "ar")
    ar.write_text("notices: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        localize(load_content(site / "content.yaml"))
    assert str(caught.value.problems[0]).startswith(f"{ar}:")


def test_content_without_languages_has_no_buttons(site):
    path = site / "content.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("languages:\n  default: en")
    end = text.index("\narticle:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    content = load_localized(path)
    assert content.translations == ()
    assert content.language_names == ()


def test_the_program_words_come_from_the_compiled_catalogues():
    assert ENGLISH.tr("Paused") == "Paused"
    assert words_for("es").tr("Paused") == "En pausa"
    assert words_for("zh").tr("Paused") == "已暂停"
    assert words_for("ar").tr("Paused") == "متوقف مؤقتًا"
    seconds = "To keep your answers private, this form will be cleared in {count} second."
    plural = "To keep your answers private, this form will be cleared in {count} seconds."
    assert words_for("es").tr_plural(seconds, plural, 1).endswith("en 1 segundo.")
    assert words_for("es").tr_plural(seconds, plural, 15).endswith("en 15 segundos.")
    assert words_for("ar").tr_plural(seconds, plural, 2).endswith("خلال ثانيتين.")


def test_a_language_without_a_catalogue_keeps_the_english_words(tmp_path, caplog):
    words = words_for("fr", tmp_path)
    assert words.code == "fr"
    assert words.tr("Paused") == "Paused"
    assert "no compiled catalogue for fr" in caplog.text
