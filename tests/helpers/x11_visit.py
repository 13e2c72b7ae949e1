"""A whole visit on a real X server, with the real on-screen keyboard (run by test_on_x11.py).

Usage: python -m tests.helpers.x11_visit DATA_DIR WxH [SCREENSHOT_PREFIX]
Prints one JSON line describing what happened. Waits only for conditions (bounded), never
for time to pass.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "xcb"

from PySide6.QtCore import QPoint, QPointF, QSize, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.app import Kiosk, application
from kiosk.core.content import load_content
from kiosk.core.pin import PinVault
from kiosk.paths import bundled_content
from kiosk.storage.store import RequestStore
from kiosk.ui.request_form import RequestFormScreen
from kiosk.ui.staff import ExportPlace

STAFF_PIN = "2468"


def wait_for(condition: Callable[[], bool], timeout_ms: int) -> bool:
    """Process events until ``condition`` holds (True) or ``timeout_ms`` ran out (False)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            return False
        QTest.qWait(10)
    return True


def keys(root: QQuickItem) -> dict[str, QQuickItem]:
    """Visible keyboard keys by their text."""
    found: dict[str, QQuickItem] = {}
    stack = [root]
    while stack:
        item = stack.pop()
        stack.extend(item.childItems())
        text = item.property("text")
        if (
            isinstance(text, str)
            and len(text) == 1
            and item.isVisible()
            and item.width() > 0
            and item.property("enabled") is not False
            and "Key" in type(item).__name__ + item.metaObject().className()
        ):
            found.setdefault(text.lower(), item)
    return found


def tap(widget: QWidget, pos: QPoint | None = None) -> None:
    where = pos if pos is not None else widget.rect().center()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)


def tap_keys(kiosk: Kiosk, text: str) -> None:
    keyboard = kiosk.keyboard
    assert keyboard is not None
    for char in text:
        root = keyboard.rootObject()
        assert wait_for(lambda c=char, r=root: c in keys(r), 5000), f"no key {char!r}"
        item = keys(root)[char]
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        tap(keyboard, centre)
        QTest.qWait(0)


def shot(kiosk: Kiosk, path: str) -> None:
    """A real screenshot of the X screen (grab() leaves the Qt Quick keyboard out)."""
    QTest.qWait(50)  # let the X server show the last frame before it is read back
    subprocess.run(["import", "-window", "root", path], check=True, timeout=30)


def consent_and_send(kiosk: Kiosk, form: RequestFormScreen, prefix: str) -> tuple[bool, str]:
    """Tick the consent box, tap Send, look at the thank-you (a screenshot with ``prefix``) and
    tap it away; whether the thank-you came, and its title."""
    consent = form.fields["consent"].box
    form.scroll_area.ensureWidgetVisible(consent)
    tap(consent)
    tap(form.submit_button)
    on_thanks = kiosk.window.current_screen() is kiosk.thanks
    thanks_title = kiosk.thanks.title.text()
    if prefix:
        shot(kiosk, f"{prefix}-thanks.png")
    tap(kiosk.thanks)
    return on_thanks, thanks_title


def visit_staff(kiosk: Kiosk, exports: Path, prefix: str) -> dict[str, object]:
    """Long-press the logo, sign in, mark the request contacted, export it, read it back."""
    logo = kiosk.slideshow.page_layout.logo_rect().center()
    QTest.mousePress(
        kiosk.slideshow, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, logo
    )
    opened = wait_for(lambda: kiosk.window.current_screen() is kiosk.pin_pad, 10000)
    QTest.mouseRelease(
        kiosk.slideshow, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, logo
    )
    for key in [*STAFF_PIN, "OK"]:
        tap(kiosk.pin_pad.keys[key])
    signed_in = kiosk.window.current_screen() is kiosk.staff
    staff = kiosk.staff
    first = staff.model.index(0, 2).data()
    rect = staff.table.visualRect(staff.model.index(0, 1))
    tap(staff.table.viewport(), rect.center())
    tap(staff.mark_button)
    status = kiosk.store.newest_first()[0].status
    tap(staff.export_button)
    exported: list[str] = []
    staff.export_finished.connect(exported.append)
    tap(staff.place_buttons[-1])  # this PC's export folder
    assert wait_for(lambda: bool(exported), 30_000), "the export never ended"
    if prefix:
        shot(kiosk, f"{prefix}-staff.png")
    files = sorted(exports.glob("*.csv"))
    rows: list[list[str]] = []
    if files:
        with files[-1].open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.reader(file))
    tap(staff.lock_button)
    return {
        "pin_pad_opened": opened,
        "signed_in": signed_in,
        "first_row_name": first,
        "status_after_mark": status,
        "csv_rows": rows,
        "locked_back_to_slideshow": kiosk.window.current_screen() is kiosk.slideshow,
    }


def main() -> int:
    data_dir, size = Path(sys.argv[1]), sys.argv[2]
    prefix = sys.argv[3] if len(sys.argv) > 3 else ""
    width, height = (int(v) for v in size.split("x"))
    app = application()
    store = RequestStore(data_dir)
    exports = data_dir.parent / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    PinVault(data_dir).set_pin(STAFF_PIN)
    kiosk = Kiosk(
        load_content(bundled_content()),
        store,
        "x11-test",
        export_places=lambda: [ExportPlace(exports, "This PC's export folder")],
    )
    kiosk.window.present(QSize(width, height))
    assert wait_for(kiosk.window.isActiveWindow, 5000), "the kiosk window never became active"
    assert wait_for(lambda: kiosk.slideshow.pages != [], 5000), "no slide"
    no_keyboard_before_a_visitor = kiosk.keyboard is None

    button = kiosk.slideshow.findChild(QAbstractButton, "request-info")
    tap(button)
    form = kiosk.form
    assert form is not None
    assert wait_for(lambda: kiosk.keyboard is not None and kiosk.keyboard.loaded, 20000)
    name = form.fields["name"].line
    form.scroll_area.ensureWidgetVisible(name)
    tap(name)
    assert wait_for(lambda: kiosk.keyboard.shown, 5000), "keyboard did not show"
    assert wait_for(lambda: "a" in keys(kiosk.keyboard.rootObject()), 5000), "no letter keys"
    letters = sorted(keys(kiosk.keyboard.rootObject()))
    tap_keys(kiosk, "ann")
    name_visible = (
        form.scroll_area.viewport()
        .rect()
        .intersects(
            name.geometry().translated(
                name.parentWidget().mapTo(form.scroll_area.viewport(), QPoint())
            )
        )
    )
    if prefix:
        shot(kiosk, f"{prefix}-name.png")

    phone = form.fields["phone"].line
    form.scroll_area.ensureWidgetVisible(phone)
    tap(phone)
    assert wait_for(
        lambda: "5" in (found := keys(kiosk.keyboard.rootObject())) and "q" not in found, 5000
    ), "no dial pad for the phone field"
    dial = sorted(keys(kiosk.keyboard.rootObject()))
    tap_keys(kiosk, "2025550100")
    phone_top = phone.mapTo(kiosk.window, QPoint(0, phone.height())).y()
    phone_above_keyboard = phone_top <= kiosk.keyboard.geometry().top()
    # Send stays in reach above the keyboard, clear of the screen's edges, without scrolling.
    send = form.submit_button
    send_rect = send.geometry().translated(send.parentWidget().mapTo(kiosk.window, QPoint()))
    send_clear = (
        send.isVisible()
        and send_rect.bottom() <= kiosk.keyboard.geometry().top() - 24
        and send_rect.left() >= 24
        and send_rect.right() <= kiosk.window.width() - 24
    )
    if prefix:
        shot(kiosk, f"{prefix}-phone.png")

    on_thanks, thanks_title = consent_and_send(kiosk, form, prefix)
    back = kiosk.window.current_screen() is kiosk.slideshow
    saved = [r.answers for r in store.newest_first()]
    staff = visit_staff(kiosk, exports, prefix)
    store.close()
    print(
        json.dumps(
            {
                "no_keyboard_before_a_visitor": no_keyboard_before_a_visitor,
                "send_clear_of_keyboard_and_edges": send_clear,
                "letters": letters,
                "dial": dial,
                "name_visible": name_visible,
                "phone_above_keyboard": phone_above_keyboard,
                "keyboard_height": kiosk.keyboard.height(),
                "on_thanks": on_thanks,
                "thanks_title": thanks_title,
                "back_to_slideshow": back,
                "saved": saved,
                "staff": staff,
            }
        )
    )
    kiosk.window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
