"""One staff sign-in, the same on the kiosk's PIN pad and the front-desk inbox: check the PIN
(wrong ones count towards a lockout) and write what happened to the audit log, failing closed.

A PIN whose attempts cannot be counted is refused (it could be guessed without end), and so is
a right PIN whose sign-in cannot be written to the audit log. The screens only word the outcome.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.core.pin import PinCheck, PinResult, PinVault

Audit = Callable[[str, int], bool]
"""Records a staff event ("login", "failed_pin", "locked") with a count, never the PIN;
whether it was recorded. A sign-in that cannot be recorded is refused."""


class SignInNotRecordedError(Exception):
    """The PIN was right, but the sign-in could not be written to the audit log: refused."""


def sign_in(vault: PinVault, audit: Audit, pin: str) -> PinResult:
    """Check ``pin``, and record the sign-in, a wrong PIN, or a lockout that it started.

    Raises PinFileError when the PIN file cannot be used (no PIN is accepted then), and
    SignInNotRecordedError when a right PIN's sign-in cannot be recorded.
    """
    result = vault.check(pin)
    if result.outcome is PinCheck.OK:
        if not audit("login", 0):
            raise SignInNotRecordedError
    elif result.outcome is PinCheck.WRONG:
        audit("failed_pin", 1)
        if result.seconds_locked > 0:
            audit("locked", round(result.seconds_locked))
    return result
