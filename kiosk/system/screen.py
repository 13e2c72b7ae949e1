"""Keeping the screen on while the clinic is open, and letting it sleep while it is closed.

A desktop session (GNOME, KDE Plasma, Xfce) blanks and locks the screen after a few minutes
without input, and a bare X server blanks it after ten; in a waiting room nobody touches the
screen for much longer. :class:`ScreenKeeper` holds it on through the first of its *ways* that
works, tried once at start, and says in the log which one that was:

* :class:`ScreenSaverInhibitor`: the freedesktop ``org.freedesktop.ScreenSaver.Inhibit`` call
  on the session bus, which GNOME, KDE and Xfce answer (released with ``UnInhibit``);
* :class:`XScreenSaver`: where no session answers (a bare X server, the kiosk's own session),
  the X server's screen saver and DPMS turned off with ``xset``, and put back as they were.

``kiosk.app`` tells the keeper when the kiosk wakes and sleeps (the opening hours); while
closed, ``opening_hours.closed_display`` chooses between keeping the dim clock lit (``dim``)
and letting the display power down (``power_off``).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import Q_ARG, QMetaObject, Qt
from PySide6.QtDBus import QDBusConnection, QDBusInterface

__all__ = [
    "SCREENSAVER_SERVICE",
    "ScreenKeeper",
    "ScreenSaverInhibitor",
    "Way",
    "XScreenSaver",
    "XSettings",
    "parse_xset_query",
]

log = logging.getLogger(__name__)

SCREENSAVER_SERVICE = "org.freedesktop.ScreenSaver"
SCREENSAVER_PATH = "/org/freedesktop/ScreenSaver"
DBUS_TIMEOUT_MS = 2000
"""A D-Bus call that takes longer is taken as failed (the watchdog allows 6 s)."""
XSET_TIMEOUT_S = 5.0


class Way(Protocol):
    """One way of keeping the screen on."""

    @property
    def name(self) -> str:
        """What the log says was used."""
        ...

    @property
    def short(self) -> str:
        """What the staff screen calls it."""
        ...

    def hold(self) -> str | None:
        """Keep the screen on (again); None if done, else why it failed."""
        ...

    def release(self) -> None:
        """Give back what :meth:`hold` took: the session's own idle rules apply again."""
        ...

    def power_down(self) -> None:
        """The clinic is closed and the display may sleep: let it, from now on."""
        ...


class ScreenSaverInhibitor:
    """``org.freedesktop.ScreenSaver.Inhibit`` on ``bus`` (the session bus)."""

    name = f"{SCREENSAVER_SERVICE}.Inhibit on the session bus"
    short = "the desktop's screen saver"

    def __init__(self, bus: QDBusConnection, application: str, reason: str) -> None:
        self._bus = bus
        self._application = application
        self._reason = reason
        self._interface: QDBusInterface | None = None
        self._cookie: int | None = None

    @property
    def cookie(self) -> int | None:
        """The cookie of the inhibitor held now, if any."""
        return self._cookie

    def _connect(self) -> QDBusInterface | str:
        if self._interface is not None:
            return self._interface
        if not self._bus.isConnected():
            return "no session D-Bus"
        registered = self._bus.interface().isServiceRegistered(SCREENSAVER_SERVICE)
        if not registered.value():
            return f"no {SCREENSAVER_SERVICE} on the session bus"
        # The interface is introspected, so that UnInhibit's cookie goes out as a D-Bus uint32
        # (a Python int would be sent as an int32, which the desktops refuse).
        interface = QDBusInterface(
            SCREENSAVER_SERVICE, SCREENSAVER_PATH, SCREENSAVER_SERVICE, self._bus
        )
        if not interface.isValid():
            error = interface.lastError()
            return f"{SCREENSAVER_SERVICE} cannot be used ({error.name()}: {error.message()})"
        interface.setTimeout(DBUS_TIMEOUT_MS)
        self._interface = interface
        return interface

    def hold(self) -> str | None:
        if self._cookie is not None:
            return None
        interface = self._connect()
        if isinstance(interface, str):
            return interface
        reply = interface.call("Inhibit", self._application, self._reason)
        arguments = reply.arguments()
        if reply.errorName() or len(arguments) != 1 or not isinstance(arguments[0], int):
            return f"Inhibit failed ({reply.errorName() or 'no cookie'}: {reply.errorMessage()})"
        self._cookie = arguments[0]
        log.debug("screen saver inhibited (cookie %d)", self._cookie)
        return None

    def release(self) -> None:
        cookie, self._cookie = self._cookie, None
        if cookie is None or self._interface is None:
            return
        called = QMetaObject.invokeMethod(
            self._interface, "UnInhibit", Qt.ConnectionType.DirectConnection, Q_ARG("uint", cookie)
        )
        error = self._interface.lastError()
        if not called or error.isValid():
            # Not fatal: the desktop drops a client's inhibitors when the kiosk exits.
            log.warning("UnInhibit failed (%s: %s)", error.name(), error.message())
        else:
            log.debug("screen saver no longer inhibited (cookie %d)", cookie)

    def power_down(self) -> None:
        # The session blanks the screen by its own idle timer (turn its lock screen off).
        self.release()


# --------------------------------------------------------------------------------------------
# The X server's own screen saver and DPMS


@dataclass(frozen=True)
class XSettings:
    """What ``xset q`` says about blanking: the screen saver's ``timeout`` and ``cycle`` (s),
    whether the server has DPMS, whether it is enabled, and its standby/suspend/off times."""

    timeout: int
    cycle: int
    has_dpms: bool
    dpms_enabled: bool = False
    dpms_times: tuple[int, int, int] = (0, 0, 0)


_SAVER = re.compile(r"timeout:\s*(-?\d+)\s+cycle:\s*(-?\d+)")
_DPMS_TIMES = re.compile(r"Standby:\s*(\d+)\s+Suspend:\s*(\d+)\s+Off:\s*(\d+)")


def parse_xset_query(text: str) -> XSettings | None:
    """The blanking settings in the output of ``xset q``; None if it has none."""
    saver = _SAVER.search(text)
    if saver is None:
        return None
    has_dpms = "DPMS (Energy Star)" in text and "does not have the DPMS" not in text
    times = _DPMS_TIMES.search(text)
    return XSettings(
        timeout=int(saver.group(1)),
        cycle=int(saver.group(2)),
        has_dpms=has_dpms,
        dpms_enabled=has_dpms and "DPMS is Enabled" in text,
        dpms_times=(
            (int(times.group(1)), int(times.group(2)), int(times.group(3))) if times else (0, 0, 0)
        ),
    )


Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=XSET_TIMEOUT_S, check=False, stdin=None
    )


class XScreenSaver:
    """The X server's screen saver and DPMS, through ``xset`` (Debian: x11-xserver-utils).

    :meth:`hold` turns both off; :meth:`power_down` lets DPMS switch the display off now and
    again ``off_seconds`` after a touch (where the server has no DPMS, the screen saver blanks
    it instead); :meth:`release` puts back the settings found the first time.
    """

    name = "the X server's screen saver and DPMS turned off (xset)"
    short = "the X server's screen saver"

    def __init__(
        self,
        display: str | None,
        off_seconds: int = 300,
        xset: str | None = None,
        run: Runner = _run,
    ) -> None:
        self._display = display
        self._off_seconds = off_seconds
        self._xset = xset or shutil.which("xset")
        self._run = run
        self._original: XSettings | None = None
        self._changed = False

    @property
    def original(self) -> XSettings | None:
        return self._original

    def _call(self, *args: str) -> str | None:
        """Run ``xset`` with ``args``; None if it worked, else why not."""
        if self._xset is None or not self._display:
            return "not on an X server with xset"
        argv = [self._xset, "-display", self._display, *args]
        try:
            result = self._run(argv)
        except (OSError, subprocess.SubprocessError) as error:
            return f"xset {' '.join(args)} failed ({type(error).__name__})"
        if result.returncode != 0 or "does not have" in result.stderr:
            return f"xset {' '.join(args)} failed: {result.stderr.strip()[:200]}"
        return None

    def _settings(self) -> XSettings | str:
        if self._original is not None:
            return self._original
        if not self._display:
            return "not on an X server"
        if self._xset is None:
            return "xset is not installed (Debian: x11-xserver-utils)"
        try:
            result = self._run([self._xset, "-display", self._display, "q"])
        except (OSError, subprocess.SubprocessError) as error:
            return f"xset q failed ({type(error).__name__})"
        settings = parse_xset_query(result.stdout) if result.returncode == 0 else None
        if settings is None:
            return f"xset q failed: {result.stderr.strip()[:200]}"
        self._original = settings
        return settings

    def hold(self) -> str | None:
        settings = self._settings()
        if isinstance(settings, str):
            return settings
        problems = [self._call("s", "off"), self._call("s", "reset")]  # and end any blanking
        if settings.has_dpms:
            problems.append(self._call("-dpms"))
        self._changed = True
        failed = [p for p in problems if p]
        return "; ".join(failed) if failed else None

    def release(self) -> None:
        original = self._original
        if original is None or not self._changed:
            return
        self._changed = False
        calls: list[tuple[str, ...]] = [("s", str(original.timeout), str(original.cycle))]
        if original.has_dpms:
            calls.append(("dpms", *map(str, original.dpms_times)))
            calls.append(("+dpms",) if original.dpms_enabled else ("-dpms",))
        for args in calls:
            problem = self._call(*args)
            if problem:
                log.warning("could not restore the X screen saver settings: %s", problem)

    def power_down(self) -> None:
        settings = self._settings()
        if isinstance(settings, str):
            return
        self._changed = True
        seconds = str(self._off_seconds)
        if settings.has_dpms:
            calls: list[tuple[str, ...]] = [("s", "off"), ("+dpms",), ("dpms", "0", "0", seconds)]
            calls.append(("dpms", "force", "off"))
        else:
            calls = [("s", seconds, seconds), ("s", "blank"), ("s", "activate")]
        for args in calls:
            problem = self._call(*args)
            if problem:
                log.warning("could not let the display sleep: %s", problem)
                return


# --------------------------------------------------------------------------------------------
# The policy


class ScreenKeeper:
    """Keeps the screen on through the first of ``ways`` that works.

    :meth:`start` tries them in order and logs which one is used (or that none worked:
    :attr:`problem` then says so for the staff screen). :meth:`awake` and :meth:`asleep`
    follow the opening hours; :meth:`stop` gives everything back (at exit).
    """

    def __init__(self, ways: Sequence[Way]) -> None:
        self._ways = list(ways)
        self._way: Way | None = None
        self._problem = ""
        self._started = False

    @property
    def way(self) -> Way | None:
        """The way in use, once started (None if none worked)."""
        return self._way

    @property
    def problem(self) -> str:
        """Why the screen may go blank, for staff; empty when it is kept on."""
        return self._problem

    def start(self) -> None:
        """Keep the screen on (the kiosk starts awake); say how, once."""
        if self._started:
            return
        self._started = True
        failures: list[tuple[Way, str]] = []
        for way in self._ways:
            failed = way.hold()
            if failed is None:
                self._way = way
                log.info("keeping the screen on with %s", way.name)
                return
            failures.append((way, failed))
        tried = "; ".join(f"{way.name}: {why}" for way, why in failures) or "nothing to try"
        log.warning("nothing keeps the screen on: the session may blank or lock it (%s)", tried)
        shown = "; ".join(f"{way.short}: {why}" for way, why in failures) or "nothing to try"
        self._problem = (
            "This screen may go blank or lock itself after a few minutes without a touch: the "
            f"kiosk could not keep it on (tried {shown}). Please tell your IT person (README, "
            "'Keeping the screen on')."
        )

    def awake(self) -> None:
        """Open (or woken by a touch): keep the screen on."""
        if self._way is not None:
            failed = self._way.hold()
            if failed:
                log.warning("could not keep the screen on with %s: %s", self._way.name, failed)

    def asleep(self, closed_display: str) -> None:
        """Closed: keep the dim clock lit (``dim``) or let the display sleep (``power_off``)."""
        if self._way is None:
            return
        if closed_display == "power_off":
            log.info("closed: the display may power down")
            self._way.power_down()
        else:
            self.awake()

    def stop(self) -> None:
        """Give back what was held (at exit): nothing stays inhibited."""
        if self._way is not None:
            self._way.release()
