"""The staff side of the running kiosk: the PIN pad and the staff screen (built the first time
someone asks for them), what staff should know (the front-desk inbox's state, content.yaml's
problems, a screen nothing keeps on), the audit of their sign-ins, "Exit kiosk", and the
daily retention clean-up of contacted requests.

A part of :class:`kiosk.app.screens.Kiosk`, which builds the state declared here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from kiosk.core.content import Content
from kiosk.places import EXIT_STAFF_EXIT
from kiosk.timers import Timer, TimerFactory
from kiosk.ui.window import KioskWindow

if TYPE_CHECKING:
    # Imported where first used instead: most days nobody opens the staff screen.
    from kiosk.core.pin import PinVault
    from kiosk.storage.forwarder import ForwarderThread
    from kiosk.storage.store import RequestStore
    from kiosk.system.screen import ScreenKeeper
    from kiosk.ui.pin_pad import PinPadScreen
    from kiosk.ui.staff import ExportPlaces, StaffScreen

log = logging.getLogger("kiosk.app")

RETENTION_INTERVAL_MS = 24 * 60 * 60 * 1000
INBOX_STATUS_MS = 5000
"""How often the staff screen's line about the front-desk inbox is brought up to date."""


class StaffDesk:
    """What staff see and do on the kiosk (a part of :class:`~kiosk.app.screens.Kiosk`)."""

    # Built by Kiosk.__init__:
    content: Content
    window: KioskWindow
    screen_keeper: ScreenKeeper | None
    _timers: TimerFactory
    _vault: PinVault | None
    _export_places: ExportPlaces | None
    _pin_pad: PinPadScreen | None
    _staff: StaffScreen | None

    if TYPE_CHECKING:

        @property
        def store(self) -> RequestStore: ...

    _content_problems: list[str]
    _forwarder: ForwarderThread | None
    _inbox_line: str
    _inbox_status: Timer
    _retention: Timer
    _retention_daily: bool
    # Kiosk's: back to the slideshow, the next visitor's way.
    _show_slideshow: Callable[[], None]

    # -- the staff screens ---------------------------------------------------------------

    @property
    def pin_pad(self) -> PinPadScreen:
        if self._pin_pad is None:
            from kiosk.core.pin import PinVault
            from kiosk.ui.pin_pad import PinPadScreen

            # The staff PIN lives in the data folder, beside the requests, unless given.
            vault = self._vault or PinVault(self.store.path.parent)
            lock_after = self.content.staff.lock_after_seconds
            pad = PinPadScreen(vault, self._audit_staff, lock_after, self._timers)
            pad.unlocked.connect(self._on_staff_unlocked)
            pad.cancelled.connect(self._show_slideshow)
            self.window.add_screen(pad)
            self._pin_pad = pad
        return self._pin_pad

    @property
    def staff(self) -> StaffScreen:
        if self._staff is None:
            from kiosk.ui.staff import StaffScreen, usb_drives_and_folder

            places = self._export_places or usb_drives_and_folder(self.content.staff.export_folder)
            staff = StaffScreen(self.content, self.store, places, self._timers)
            staff.locked.connect(self._on_staff_locked)
            staff.exit_requested.connect(self._on_exit_requested)
            staff.set_notice(self._staff_notice())
            self.window.add_screen(staff)
            self._staff = staff
        return self._staff

    def _on_staff_requested(self) -> None:
        log.info("staff entry opened")
        self.window.show_screen(self.pin_pad)

    def _on_staff_unlocked(self) -> None:
        log.info("staff signed in")
        self.window.show_screen(self.staff)

    def _on_staff_locked(self) -> None:
        log.info("staff screen locked")
        self._show_slideshow()

    def _on_exit_requested(self) -> None:
        log.info("staff asked the kiosk to exit")
        self.window.allow_close()
        self.window.close()
        app = QApplication.instance()
        if app is not None:
            # A distinct exit code: the systemd unit does not restart a kiosk staff closed.
            app.exit(EXIT_STAFF_EXIT)

    def finish_staff_work(self, timeout: float = 30) -> None:
        """Before the kiosk ends: let an export under way finish writing its file."""
        if self._staff is not None and not self._staff.wait_for_export(timeout):
            log.error("an export was still being written when the kiosk stopped")

    def _audit_staff(self, event: str, count: int) -> bool:
        """Record a staff event; whether it was (the PIN pad refuses a sign-in it was not)."""
        from kiosk.storage.failures import SaveError

        try:
            self.store.audit(event, "staff", count)
        except SaveError as error:
            log.error("could not record a staff %s in the audit log: %s", event, error)
            return False
        return True

    # -- what staff should know ------------------------------------------------------------

    def on_content_invalid(self, problems: list[str]) -> None:
        """Keep the last good content; tell staff (the problems are in the log too)."""
        self._content_problems = list(problems)
        self._update_staff_notice()

    def attach_forwarder(self, forwarder: ForwarderThread) -> None:
        """Send every saved request on to the front-desk inbox through ``forwarder`` (started
        and stopped by the caller); staff see how it goes."""
        self._forwarder = forwarder
        self._inbox_status.start(INBOX_STATUS_MS)

    def _on_inbox_status_due(self) -> None:
        if self._forwarder is None:
            return
        status = self._forwarder.status()
        waiting = "" if status.waiting < 0 else f"{status.waiting} waiting to be sent"
        if status.error:
            line = (
                f"Front-desk inbox: {status.error}. Requests are kept here and sent when it "
                f"works again ({waiting or 'checking'})."
            )
        else:
            line = (
                f"Front-desk inbox: connected; {waiting or 'checking'}. Requests it has are "
                "listed here without their answers."
            )
        if line != self._inbox_line:
            self._inbox_line = line
            self._update_staff_notice()

    def _update_staff_notice(self) -> None:
        if self._staff is not None:
            self._staff.set_notice(self._staff_notice())

    def _staff_notice(self) -> str:
        """What staff should know: the inbox's state, content.yaml's problems, and a screen
        nothing keeps on."""
        screen = self.screen_keeper.problem if self.screen_keeper is not None else ""
        parts = (self._inbox_line, self._content_notice(), screen)
        return "\n\n".join(part for part in parts if part)

    def _content_notice(self) -> str:
        if not self._content_problems:
            return ""
        count = len(self._content_problems)
        lines = "\n".join(self._content_problems[:5])
        more = f"\n... and {count - 5} more (see the log)" if count > 5 else ""
        return (
            f"content.yaml was changed but has {count} problem{'s' if count != 1 else ''}; "
            f"the kiosk keeps showing the last good version. Run `kiosk check`.\n{lines}{more}"
        )

    # -- retention -------------------------------------------------------------------------

    def _on_retention_due(self) -> None:
        if not self._retention_daily:
            self._retention_daily = True
            self._retention.start(RETENTION_INTERVAL_MS)  # after the first, once a day
        if self.store.path.exists():
            self.apply_retention()

    def apply_retention(self) -> None:
        """Delete requests contacted longer ago than the retention period."""
        from kiosk.storage.failures import SaveError

        try:
            removed = self.store.apply_retention(self.content.staff.retention_days)
        except SaveError as error:
            log.error("retention clean-up failed (%s): %s", error.kind, error)
            return
        if removed:
            log.info("retention: deleted %d contacted requests", removed)
