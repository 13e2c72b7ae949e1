"""A visitor in each shipped language, on a real X server with the real on-screen keyboard:
switch, open the form, type in that language's layout, send, and find the request saved with
its language; then the kiosk is back in the clinic's language."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from kiosk.core.i18n import load_localized
from kiosk.paths import bundled_content

REPO = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X server (xvfb-run)"),
]


def visit(tmp_path: Path, size: str, code: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.helpers.x11_language_visit",
            str(tmp_path / "data"),
            size,
            code,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
@pytest.mark.parametrize(
    ("code", "size", "letter", "name_is"),
    [
        ("es", "1920x1080", "ñ", lambda name: name == "Peña"),
        ("ar", "1080x1920", "م", lambda name: name == "مريم"),
        (
            "zh",
            "1920x1080",
            "a",
            lambda name: len(name) == 1 and unicodedata.name(name).startswith("CJK UNIFIED"),
        ),
    ],
)
def test_a_visitor_in_each_language_is_saved_with_it(tmp_path, code, size, letter, name_is):
    content = load_localized(bundled_content())
    translated = next(t for t in content.translations if t.language.code == code)
    seen = visit(tmp_path, size, code)

    assert seen["slideshow"] == {
        "language": code,
        "index": 0,  # the article starts again, in the new language
        "text_in_language": True,
        "direction_rtl": code == "ar",
    }
    assert seen["form_title"] == translated.form.title
    assert seen["submit_label"] == translated.form.submit_label
    assert seen["errors"]["name"] == translated.words.tr("Please fill this in.")
    assert seen["errors"]["name"] != "Please fill this in."
    assert seen["errors"]["phone"] == translated.form.rules[0].message
    assert letter in seen["letters"], "not that language's keyboard layout"
    assert name_is(seen["typed"]), seen["typed"]
    assert seen["phone_ltr"], "phone numbers stay left to right"
    assert seen["on_thanks"]
    assert seen["thanks_title"] == translated.form.thanks.title.replace(
        "{first_name}", seen["typed"]
    )
    # Gone: the clinic's language, direction and keyboard again.
    assert seen["back"] == {
        "slideshow": True,
        "language": "en",
        "direction_rtl": False,
        "keyboard_locale": "en_US",
    }
    [saved] = seen["saved"]
    assert saved["language"] == code
    assert saved["answers"]["name"] == seen["typed"]
    assert saved["answers"]["phone"] == "+12025550100"
    # A choice is saved in the clinic's words, whatever language it was picked in.
    assert saved["answers"]["contact_method"] == content.form.fields[3].choices[0]
