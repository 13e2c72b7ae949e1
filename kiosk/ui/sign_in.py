"""One staff sign-in, the same on the kiosk's PIN pad and the front-desk inbox: check the PIN
(wrong ones count towards a lockout) and write what happened to the audit log, failing closed.

A PIN whose attempts cannot be counted is refused (it could be guessed without end), and so is
a right PIN whose sign-in cannot be written to the audit log. The screens only word the outcome.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.pin import PinCheck, PinFileError, PinVault

Audit = Callable[[str, int], bool]
"""Records a staff event ("login", "failed_pin", "locked") with a count, never the PIN;
whether it was recorded. A sign-in that cannot be recorded is refused."""


class SignIn(enum.Enum):
    """What became of one sign-in."""

    OPENED = "opened"
    WRONG = "wrong"
    LOCKED = "locked"
    """Tried while locked out: nothing was compared."""
    NOT_SET = "not set"
    UNAVAILABLE = "unavailable"
    """The PIN file cannot be used, so no PIN is accepted (``why`` says what failed)."""
    UNRECORDED = "unrecorded"
    """The PIN was right, but the sign-in could not be written to the audit log: refused."""


@dataclass(frozen=True)
class Attempt:
    """The outcome of :func:`sign_in`.

    ``seconds_locked``: with LOCKED, how long until another try; with WRONG, non-zero when this
    wrong PIN started a lockout. ``attempts_left``: with WRONG, the tries left before one.
    """

    outcome: SignIn
    seconds_locked: float = 0.0
    attempts_left: int = 0
    why: str = ""


def sign_in(vault: PinVault, audit: Audit, pin: str) -> Attempt:
    """Check ``pin`` and record the sign-in, a wrong PIN, or a lockout that it started."""
    try:
        result = vault.check(pin)
    except PinFileError as error:
        return Attempt(SignIn.UNAVAILABLE, why=str(error))
    if result.outcome is PinCheck.OK:
        return Attempt(SignIn.OPENED if audit("login", 0) else SignIn.UNRECORDED)
    if result.outcome is PinCheck.WRONG:
        audit("failed_pin", 1)
        if result.seconds_locked > 0:
            audit("locked", round(result.seconds_locked))
    outcome = {PinCheck.WRONG: SignIn.WRONG, PinCheck.LOCKED: SignIn.LOCKED}.get(
        result.outcome, SignIn.NOT_SET
    )
    return Attempt(outcome, result.seconds_locked, result.attempts_left)
