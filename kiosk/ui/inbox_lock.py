"""The front-desk inbox's lock page: the staff PIN opens the inbox (signed in through
:func:`kiosk.ui.sign_in.sign_in`, as on the kiosk), and the page says what became of each try."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.pin import MAX_DIGITS, PinCheck, PinFileError, PinResult, PinVault
from kiosk.ui.sign_in import Audit, SignInNotRecordedError, sign_in


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class InboxLockPage(QWidget):
    """A box in the middle of the window: a heading, what to do, the PIN field, Unlock."""

    def __init__(
        self,
        vault: PinVault,
        audit: Audit,
        connection: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        """``connection``: the inbox's connection in words (said when a sign-in cannot be
        recorded)."""
        super().__init__(parent)
        self._vault = vault
        self._audit = audit
        self._connection = connection
        box = QFrame(self)
        box.setObjectName("inbox-lock")
        box.setMaximumWidth(520)
        inner = QVBoxLayout(box)
        heading = QLabel("The inbox is locked", box)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        self.lock_text = QLabel("", box)
        self.lock_text.setWordWrap(True)
        self.pin_field = QLineEdit(box)
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setPlaceholderText("Staff PIN")
        self.pin_field.setMaxLength(MAX_DIGITS)
        self.unlock_button = QPushButton("Unlock", box)
        self.pin_message = QLabel("", box)
        self.pin_message.setWordWrap(True)
        for widget in (heading, self.lock_text, self.pin_field, self.unlock_button):
            inner.addWidget(widget)
        inner.addWidget(self.pin_message)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def reset(self) -> None:
        """An empty PIN field, and what to do: enter the PIN, or set one first."""
        self.pin_field.clear()
        pin_set = self._vault.is_set()
        if pin_set:
            self.lock_text.setText(
                "Enter the staff PIN to see the requests. It locks itself again after "
                "a while without use."
            )
        else:
            self.lock_text.setText(
                "No staff PIN is set on this computer. Set one with 'kiosk set-pin' "
                "(with the same --data-dir), then start the inbox again."
            )
        self.pin_field.setEnabled(pin_set)
        self.unlock_button.setEnabled(pin_set)
        self.pin_field.setFocus()

    def try_pin(self) -> bool:
        """Sign in with the PIN typed (which leaves the field); whether the inbox may open.
        When it may not, the page says why."""
        pin = self.pin_field.text()
        self.pin_field.clear()
        try:
            result = sign_in(self._vault, self._audit, pin)
        except PinFileError as error:
            self.pin_message.setText(f"The PIN could not be checked: {error}")
            return False
        except SignInNotRecordedError:
            self.pin_message.setText(
                "The sign-in could not be recorded in the audit log, so the inbox stays "
                "locked. " + self._connection()
            )
            return False
        if result.outcome is PinCheck.NOT_SET:
            self.reset()
            return False
        self.pin_message.setText(_outcome_text(result))
        return result.outcome is PinCheck.OK


def _outcome_text(result: PinResult) -> str:
    if result.outcome is PinCheck.WRONG and result.seconds_locked:
        return f"Wrong PIN. Too many tries: wait {_minutes(result.seconds_locked)}."
    if result.outcome is PinCheck.WRONG:
        return f"Wrong PIN. {result.attempts_left} tries left."
    if result.outcome is PinCheck.LOCKED:
        return f"Too many wrong PINs: wait {_minutes(result.seconds_locked)}."
    return ""
