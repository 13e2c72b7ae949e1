"""The kiosk on a real X server (Xvfb): it starts fullscreen and shows the first slide."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from tests.helpers.processes import start_kiosk, stop, wait_for_line

REPO = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X server (xvfb-run)"),
]


@pytest.mark.skipif(shutil.which("import") is None, reason="needs imagemagick's import")
def test_kiosk_starts_fullscreen_and_paints_the_first_slide(tmp_path):
    process = start_kiosk("--data-dir", str(tmp_path / "data"), platform="xcb")
    try:
        line = wait_for_line(process, "first page shown", timeout=60)
        shot = tmp_path / "shot.png"
        subprocess.run(["import", "-window", "root", str(shot)], check=True, timeout=30)
    finally:
        stop(process)
    image = QImage(str(shot))
    assert f"at {image.width()}x{image.height()}" in line, "the window is not fullscreen"
    header = QColor("#0B4F6C").rgb() & 0xFFFFFF
    footer = QColor("#FFF4D6").rgb() & 0xFFFFFF
    assert image.pixel(image.width() // 2, 3) & 0xFFFFFF == header
    assert image.pixel(image.width() // 2, image.height() - 3) & 0xFFFFFF == footer


@pytest.mark.parametrize("size", ["1024x600", "1080x1920"])
def test_a_visitor_taps_through_with_the_on_screen_keyboard(tmp_path, size):
    """Slide, button, name typed on the on-screen keys, phone on the dial pad, consent,
    submit, thank you, back to the slideshow; and the row is in the database."""
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.helpers.x11_visit", str(tmp_path / "data"), size],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    visit = json.loads(result.stdout.strip().splitlines()[-1])
    assert visit["no_keyboard_before_a_visitor"], "the keyboard loaded before it was needed"
    assert {"a", "n", "q", "z"} <= set(visit["letters"])
    assert set("0123456789") <= set(visit["dial"])
    assert "q" not in visit["dial"], "the phone field must get the dial pad"
    assert visit["name_visible"]
    assert visit["phone_above_keyboard"], "the focused field is hidden by the keyboard"
    assert visit["send_clear_of_keyboard_and_edges"], "Send is not in reach above the keyboard"
    assert visit["on_thanks"]
    assert visit["thanks_title"] == "Thank you, Ann."
    assert visit["back_to_slideshow"]
    assert visit["keyboard_height"] == 0, "the keyboard must be put away after the visit"
    staff = visit["staff"]
    assert staff["pin_pad_opened"], "a long press on the logo did not open the PIN pad"
    assert staff["signed_in"]
    assert staff["first_row_name"] == "Ann"
    assert staff["status_after_mark"] == "contacted"
    header, *rows = staff["csv_rows"]
    assert len(rows) == 1
    assert rows[0][header.index("Your name")] == "Ann"
    assert rows[0][header.index("Phone number")] == "'+12025550100"
    assert rows[0][header.index("Status")] == "contacted"
    assert staff["locked_back_to_slideshow"]
    assert visit["saved"] == [
        {
            "name": "Ann",
            "phone": "+12025550100",
            "email": "",
            "contact_method": "",
            "best_time": "",
            "question": "",
            "consent": True,
        }
    ]


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="needs xdotool")
def test_no_key_or_touch_takes_a_visitor_out(qapp, tmp_path):
    """Real X key presses and clicks at the fullscreen kiosk: it stays up and fullscreen."""
    from PySide6.QtCore import QSize

    from kiosk.core.content import load_content
    from kiosk.paths import bundled_content
    from kiosk.ui.page_view import PageLayout

    screen = QSize(1920, 1080)
    button = PageLayout(load_content(bundled_content()), screen).button_rect.center()
    keys = ("Escape", "ctrl+q", "ctrl+w", "F11", "alt+F4", "super", "ctrl+alt+BackSpace")
    process = start_kiosk("--data-dir", str(tmp_path / "data"), platform="xcb")
    try:
        wait_for_line(process, "first page shown", timeout=60)
        # Kiosk mode starts once the first page is up, before content.yaml is watched.
        wait_for_line(process, "watching the content file for changes", timeout=60)
        for key in keys:
            subprocess.run(["xdotool", "key", key], check=True, timeout=10)
        for mouse_button in ("3", "2"):  # right and middle click
            subprocess.run(
                ["xdotool", "mousemove", "500", "500", "click", mouse_button], check=True
            )
        # Open the form, then try the same keys and clicks there.
        x, y = str(button.x()), str(button.y())
        subprocess.run(["xdotool", "mousemove", x, y, "click", "1"], check=True, timeout=10)
        for key in keys:
            subprocess.run(["xdotool", "key", key], check=True, timeout=10)
        subprocess.run(["xdotool", "mousemove", "300", "300", "click", "3"], check=True)
        assert process.poll() is None, "the kiosk exited"
        geometry = subprocess.run(
            ["xdotool", "search", "--name", "Bayside Wellness Clinic", "getwindowgeometry"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
        shot = tmp_path / "after.png"
        subprocess.run(["import", "-window", "root", str(shot)], check=True, timeout=30)
    finally:
        stop(process)
    image = QImage(str(shot))
    header = QColor("#0B4F6C").rgb() & 0xFFFFFF
    assert image.pixel(image.width() // 2, 3) & 0xFFFFFF == header, "the kiosk is not on screen"
    assert "Geometry: 1920x1080" in geometry, f"the kiosk no longer fills the screen: {geometry}"
