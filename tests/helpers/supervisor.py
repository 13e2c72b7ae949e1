"""Plays systemd's part for a ``Type=notify`` service with a watchdog, for tests.

The test machine has no systemd user manager, so this does what systemd does with the shipped
unit (``resources/deploy/clinic-kiosk.service``), with the settings read from the unit file:

* binds a ``NOTIFY_SOCKET`` (abstract namespace), passes it and ``WATCHDOG_USEC`` to the child,
  and accepts only messages sent by the main process (``NotifyAccess=main``: the sender's pid
  comes with each datagram as ``SCM_CREDENTIALS``);
* ``Restart=always``: when the child exits, start it again after ``RestartSec``;
* ``WatchdogSec``: armed at ``READY=1`` (as systemd does on entering the running state) and
  re-armed by each ``WATCHDOG=1``; when it runs out, send ``SIGABRT`` then ``SIGCONT`` to the
  child's process group, and ``SIGKILL`` after ``TimeoutAbortSec``; then restart;
* ``TimeoutStartSec``: no ``READY=1`` in time means ``SIGTERM``, then ``SIGKILL`` after
  ``TimeoutStopSec``.

Everything that happens is recorded as an :class:`Event` with a monotonic time;
:meth:`Supervisor.wait_for` waits for one.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import socket
import struct
import subprocess
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace  # noqa: TID251 (UnitSettings is a dataclass)
from pathlib import Path

_UNITS = {
    "us": 1e-6,
    "usec": 1e-6,
    "ms": 1e-3,
    "msec": 1e-3,
    "": 1.0,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
}
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)")


def parse_duration(text: str) -> float:
    """A systemd time span (``30``, ``30s``, ``500ms``, ``1min 30s``) in seconds."""
    text = text.strip()
    if text == "infinity":
        return float("inf")
    total, position = 0.0, 0
    while position < len(text):
        match = _DURATION_PART.match(text, position)
        if not match or match.group(2) not in _UNITS:
            raise ValueError(f"not a systemd time span: {text!r}")
        total += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return total


def read_unit(path: Path) -> dict[str, dict[str, str]]:
    """A unit file's sections and their keys (the last value of a repeated key)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        if current is None or "=" not in line:
            raise ValueError(f"{path}: cannot read line {raw!r}")
        key, value = line.split("=", 1)
        current[key.strip()] = value.strip()
    return sections


@dataclass(frozen=True)
class UnitSettings:
    """What the supervisor takes from a unit's ``[Service]`` section, in seconds."""

    watchdog_sec: float
    restart_sec: float
    timeout_start_sec: float = 90.0
    timeout_stop_sec: float = 90.0
    timeout_abort_sec: float = 90.0
    restart: str = "always"
    notify_access: str = "main"

    @classmethod
    def from_unit(cls, path: Path) -> UnitSettings:
        service = read_unit(path)["Service"]
        if service.get("Type") != "notify":
            raise ValueError(f"{path}: not a Type=notify service")
        stop = parse_duration(service.get("TimeoutStopSec", "90"))
        return cls(
            watchdog_sec=parse_duration(service.get("WatchdogSec", "0")),
            restart_sec=parse_duration(service.get("RestartSec", "0.1")),
            timeout_start_sec=parse_duration(service.get("TimeoutStartSec", "90")),
            timeout_stop_sec=stop,
            timeout_abort_sec=parse_duration(service.get("TimeoutAbortSec", str(stop))),
            restart=service.get("Restart", "no"),
            notify_access=service.get("NotifyAccess", "none"),
        )

    def scaled(
        self, *, watchdog_sec: float | None = None, timeout_abort_sec: float | None = None
    ) -> UnitSettings:
        """These settings with a test's shorter watchdog (and abort timeout)."""
        return replace(
            self,
            watchdog_sec=self.watchdog_sec if watchdog_sec is None else watchdog_sec,
            timeout_abort_sec=(
                self.timeout_abort_sec if timeout_abort_sec is None else timeout_abort_sec
            ),
        )


@dataclass(frozen=True)
class Event:
    kind: str
    """``start``, ``ready``, ``watchdog``, ``stopping``, ``status``, ``ignored`` (a message
    from another process), ``watchdog-timeout``, ``start-timeout``, ``kill``, ``exit``."""
    at: float
    """``time.monotonic()`` when it happened."""
    pid: int
    detail: str = ""


def _no_core_dumps() -> None:
    """In the child before exec: like the unit's ``LimitCORE=0``."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Supervisor:
    """Runs ``argv`` as systemd would run the unit described by ``settings``."""

    POLL_S = 0.02

    def __init__(
        self,
        argv: Sequence[str],
        settings: UnitSettings,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        output: Path | None = None,
    ) -> None:
        self.argv = list(argv)
        self.settings = settings
        self.socket_name = f"@kiosk-test-{uuid.uuid4().hex}"
        self._env = dict(os.environ if env is None else env)
        self._cwd = cwd
        self._output = output
        self.events: list[Event] = []
        self._changed = threading.Condition()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self._sock.bind(b"\0" + self.socket_name[1:].encode())
        self._sock.settimeout(self.POLL_S)
        self._child: subprocess.Popen[bytes] | None = None
        self._started_at = 0.0
        self._ready = False
        self._watchdog_deadline: float | None = None
        self._kill_deadline: float | None = None
        self._restart_at: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)

    # -- the test's side ---------------------------------------------------------------------

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.pid if child is not None else None

    def wait_for(self, kind: str, after: int = 0, timeout: float = 30.0) -> tuple[int, Event]:
        """The first event of ``kind`` at index ``after`` or later, and its index."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for index in range(after, len(self.events)):
                    if self.events[index].kind == kind:
                        return index, self.events[index]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    kinds = [e.kind for e in self.events]
                    raise TimeoutError(f"no {kind!r} event in {timeout} s; events: {kinds}")
                self._changed.wait(remaining)

    def close(self) -> None:
        """Stop supervising: SIGTERM the child (SIGKILL after a few seconds), close the socket."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        child = self._child
        if child is not None and child.poll() is None:
            self._signal_group(child, signal.SIGTERM)
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._signal_group(child, signal.SIGKILL)
                child.wait(timeout=5)
        self._sock.close()

    def __enter__(self) -> Supervisor:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- systemd's side ----------------------------------------------------------------------

    def _record(self, kind: str, pid: int, detail: str = "") -> None:
        with self._changed:
            self.events.append(Event(kind, time.monotonic(), pid, detail))
            self._changed.notify_all()

    def _spawn(self) -> None:
        env = {**self._env, "NOTIFY_SOCKET": self.socket_name}
        env.pop("WATCHDOG_PID", None)
        if self.settings.watchdog_sec > 0:
            env["WATCHDOG_USEC"] = str(int(self.settings.watchdog_sec * 1_000_000))
        else:
            env.pop("WATCHDOG_USEC", None)
        with open(self._output or os.devnull, "ab") as output:
            self._child = subprocess.Popen(
                self.argv,
                env=env,
                cwd=self._cwd,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_no_core_dumps,
            )
        self._started_at = time.monotonic()
        self._ready = False
        self._watchdog_deadline = None
        self._kill_deadline = None
        self._restart_at = None
        self._record("start", self._child.pid)

    @staticmethod
    def _signal_group(child: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, sig)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._receive()
            self._tick(time.monotonic())

    def _tick(self, now: float) -> None:
        child = self._child
        settings = self.settings
        if child is not None:
            code = child.poll()
            if code is not None:
                self._record("exit", child.pid, str(code))
                # Like the control group: nothing of it may stay behind.
                self._signal_group(child, signal.SIGKILL)
                self._child = None
                if settings.restart == "always":
                    self._restart_at = now + settings.restart_sec
                return
            if self._kill_deadline is not None:
                if now >= self._kill_deadline:
                    self._record("kill", child.pid, "SIGKILL")
                    self._signal_group(child, signal.SIGKILL)
                    self._kill_deadline = float("inf")
                return
            if self._watchdog_deadline is not None and now >= self._watchdog_deadline:
                self._record("watchdog-timeout", child.pid, f"limit {settings.watchdog_sec} s")
                self._signal_group(child, signal.SIGABRT)
                self._signal_group(child, signal.SIGCONT)
                self._kill_deadline = now + settings.timeout_abort_sec
                return
            if not self._ready and now - self._started_at > settings.timeout_start_sec:
                self._record("start-timeout", child.pid)
                self._signal_group(child, signal.SIGTERM)
                self._signal_group(child, signal.SIGCONT)
                self._kill_deadline = now + settings.timeout_stop_sec
        elif self._restart_at is not None and now >= self._restart_at:
            self._spawn()

    def _receive(self) -> None:
        creds_size = struct.calcsize("3i")
        try:
            data, ancillary, _flags, _address = self._sock.recvmsg(
                4096, socket.CMSG_SPACE(creds_size)
            )
        except (TimeoutError, BlockingIOError):
            return
        except OSError:
            if self._stop.is_set():
                return
            raise
        sender = 0
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                sender = struct.unpack("3i", payload[:creds_size])[0]
        child = self._child
        text = data.decode("utf-8", "replace")
        if child is None or (self.settings.notify_access == "main" and sender != child.pid):
            self._record("ignored", sender, text)
            return
        now = time.monotonic()
        for line in text.splitlines():
            if line == "READY=1":
                self._ready = True
                self._arm_watchdog(now)
                self._record("ready", sender)
            elif line == "WATCHDOG=1":
                self._arm_watchdog(now)
                self._record("watchdog", sender)
            elif line == "STOPPING=1":
                self._watchdog_deadline = None
                self._record("stopping", sender)
            elif line.startswith("STATUS="):
                self._record("status", sender, line[len("STATUS=") :])

    def _arm_watchdog(self, now: float) -> None:
        if self.settings.watchdog_sec > 0 and self._kill_deadline is None:
            self._watchdog_deadline = now + self.settings.watchdog_sec
