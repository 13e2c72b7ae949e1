"""install_exception_hook: an exception in a Qt slot is logged (type and frames, no message)
and the app recovers through on_error."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtCore import QTimer

from kiosk.storage.store import SaveError
from kiosk.system.errors import describe_exception, install_exception_hook
from tests.helpers.fakes import FakeClock

SECRET = "what a visitor typed: 555-0100"


class VisitorDataError(Exception):
    pass


def _raise_in_a_slot() -> None:
    raise VisitorDataError(SECRET)


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_qt_slot_is_logged_and_on_error_called(qtbot, caplog):
    recovered: list[str] = []
    hook = install_exception_hook(lambda: recovered.append("slideshow"))
    try:
        assert sys.excepthook is hook
        with caplog.at_level(logging.INFO, logger="kiosk.system.errors"):
            QTimer.singleShot(0, _raise_in_a_slot)

            def recovered_once() -> None:
                assert recovered == ["slideshow"]

            qtbot.waitUntil(recovered_once, timeout=5000)
    finally:
        hook.uninstall()
    assert sys.excepthook is not hook
    (record,) = caplog.records
    assert record.levelno == logging.CRITICAL
    text = record.getMessage()
    assert text.startswith("unhandled VisitorDataError:\nTraceback (most recent call last):")
    assert "in _raise_in_a_slot" in text
    assert "raise VisitorDataError(SECRET)" in text  # the source line: code, not values
    assert text.endswith("test_errors.VisitorDataError")
    assert SECRET not in text
    assert hook.count == 1


def test_pytest_qt_capture_still_sees_slot_exceptions_without_the_hook(qtbot):
    """pytest-qt's own capture (how every other test is protected) keeps working."""
    with qtbot.capture_exceptions() as exceptions:
        QTimer.singleShot(0, _raise_in_a_slot)

        def caught() -> None:
            assert len(exceptions) == 1

        qtbot.waitUntil(caught, timeout=5000)
    assert exceptions[0][0] is VisitorDataError


def test_chained_exceptions_are_shown_without_messages():
    try:
        try:
            int(SECRET)
        except ValueError as error:
            raise SaveError("other", "the database could not be used: /data/requests.db") from error
    except SaveError as error:
        text = describe_exception(error)
    assert SECRET not in text
    assert "invalid literal" not in text
    assert text.index("\nValueError\n") < text.index("direct cause") < text.index("SaveError")
    # SaveError's messages name a file and what failed, never an answer: they are kept.
    assert text.endswith(
        "kiosk.storage.store.SaveError: the database could not be used: /data/requests.db"
    )


def test_an_exception_raised_while_handling_another_is_shown_too():
    try:
        try:
            raise KeyError(SECRET)
        except KeyError:
            raise RuntimeError(SECRET)  # noqa: B904 - the implicit chain is what is tested
    except RuntimeError as error:
        text = describe_exception(error)
    assert "KeyError" in text
    assert "During handling of the above exception" in text
    assert SECRET not in text


def test_on_error_failing_is_logged_not_raised(caplog):
    def broken() -> None:
        raise RuntimeError(SECRET)

    hook = install_exception_hook(broken)
    try:
        error = VisitorDataError(SECRET)
        with caplog.at_level(logging.CRITICAL, logger="kiosk.system.errors"):
            hook(VisitorDataError, error, None)
    finally:
        hook.uninstall()
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("unhandled VisitorDataError")
    assert messages[1].startswith("the error handler raised RuntimeError")
    assert all(SECRET not in m for m in messages)


def test_too_many_errors_in_a_short_time_calls_on_too_many(caplog):
    clock = FakeClock()
    calls: list[str] = []
    hook = install_exception_hook(
        lambda: calls.append("error"),
        on_too_many=lambda: calls.append("too many"),
        max_errors=3,
        window_s=60.0,
        clock=clock,
    )
    try:
        error = VisitorDataError(SECRET)
        with caplog.at_level(logging.CRITICAL, logger="kiosk.system.errors"):
            hook(VisitorDataError, error, None)
            clock.advance(30)
            hook(VisitorDataError, error, None)
            clock.advance(31)  # the first one is now more than a minute old
            hook(VisitorDataError, error, None)
            clock.advance(1)
            hook(VisitorDataError, error, None)
    finally:
        hook.uninstall()
    assert calls == ["error", "error", "error", "too many"]
    assert "3 unhandled errors within 60 s" in caplog.text


def test_uninstall_puts_back_the_previous_hook():
    before = sys.excepthook
    hook = install_exception_hook(lambda: None)
    hook.uninstall()
    hook.uninstall()
    assert sys.excepthook is before
