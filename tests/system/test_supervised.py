"""The kiosk under the shipped systemd unit, with tests/helpers/supervisor.py playing systemd
(this machine has no systemd user manager to run the real thing).

(a) ``kill -9``: restarted after RestartSec, READY=1 again within 10 s.
(b) frozen (SIGSTOP, or a slot that never returns): the WATCHDOG=1 pings stop, the supervisor
    sends SIGABRT, restarts it, READY=1 again within 10 s, with the shipped unit's own
    WatchdogSec and RestartSec.

Each runs against ``tests/system/tiny_app.py`` (wired like the kiosk) and against the real
kiosk (``python -m kiosk`` offscreen with a temporary data folder).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from kiosk.paths import resource
from kiosk.places import EXIT_ALREADY_RUNNING
from tests.helpers.supervisor import Supervisor, UnitSettings, parse_duration, read_unit

REPO = Path(__file__).resolve().parents[2]
UNIT = resource("deploy", "clinic-kiosk.service")
TINY_APP = Path(__file__).resolve().parent / "tiny_app.py"
TEST_WATCHDOG_S = 3.0
"""WatchdogSec for the stuck-slot test on the tiny app (which only checks the ping timing)."""
TEST_ABORT_S = 5.0
LIMIT_S = 10.0


def _command(target: str, tmp_path: Path, *extra: str) -> list[str]:
    if target == "tiny":
        return [sys.executable, str(TINY_APP), *extra]
    return [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "data")]


@pytest.fixture(params=["tiny", "kiosk"])
def target(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "share"),
    }
    for name in ("KIOSK_CONTENT", "KIOSK_DATA_DIR", "NOTIFY_SOCKET", "WATCHDOG_USEC"):
        env.pop(name, None)
    return env


@pytest.fixture
def output(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "child-output.txt"
    yield path
    if path.exists():
        # Shown by pytest when the test fails.
        sys.stdout.write(path.read_text(errors="replace")[-4000:])


def _run(argv, settings, env, output: Path) -> Supervisor:
    return Supervisor(argv, settings, env=env, cwd=REPO, output=output)


def test_the_shipped_unit_says_what_the_supervisor_plays():
    service = read_unit(UNIT)["Service"]
    assert service["Type"] == "notify"
    assert service["NotifyAccess"] == "main"
    assert service["Restart"] == "always"
    settings = UnitSettings.from_unit(UNIT)
    assert settings.watchdog_sec == 6
    assert settings.restart_sec == 1
    assert settings.timeout_start_sec == 60
    assert settings.timeout_abort_sec == 3


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30", 30), ("30s", 30), ("500ms", 0.5), ("1min 30s", 90), ("2.5s", 2.5), ("5min", 300)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.slow
def test_killed_kiosk_is_restarted_and_ready_within_10_s(target, tmp_path, environment, output):
    settings = UnitSettings.from_unit(UNIT)
    with _run(_command(target, tmp_path), settings, environment, output) as supervisor:
        index, first = supervisor.wait_for("ready", timeout=settings.timeout_start_sec)
        os.kill(first.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        index, again = supervisor.wait_for("ready", after=index + 1, timeout=LIMIT_S + 5)
        _, exit_event = supervisor.wait_for("exit")
    elapsed = again.at - killed_at
    print(f"\n{target}: kill -9 -> READY=1 again in {elapsed:.2f} s")
    assert exit_event.detail == str(-signal.SIGKILL)
    assert again.pid != first.pid
    assert settings.restart_sec <= elapsed < LIMIT_S
    assert [e for e in supervisor.events if e.kind == "ignored"] == []


@pytest.mark.slow
def test_frozen_kiosk_is_killed_by_the_watchdog_and_restarted(
    target, tmp_path, environment, output
):
    settings = UnitSettings.from_unit(UNIT)  # exactly what the shipped unit says
    with _run(_command(target, tmp_path), settings, environment, output) as supervisor:
        index, first = supervisor.wait_for("ready", timeout=settings.timeout_start_sec)
        start_time = first.at - supervisor.events[0].at
        index, _ping = supervisor.wait_for(
            "watchdog", after=index + 1, timeout=settings.watchdog_sec
        )
        os.kill(first.pid, signal.SIGSTOP)
        frozen_at = time.monotonic()
        _, timeout = supervisor.wait_for("watchdog-timeout", after=index, timeout=LIMIT_S)
        _, exited = supervisor.wait_for("exit", after=index, timeout=LIMIT_S)
        _, again = supervisor.wait_for("ready", after=index, timeout=LIMIT_S)
    total = again.at - frozen_at
    print(
        f"\n{target}: frozen -> watchdog timeout after {timeout.at - frozen_at:.2f} s, "
        f"READY=1 again after {total:.2f} s (start-up {start_time:.2f} s)"
    )
    assert timeout.pid == first.pid
    assert exited.detail == str(-signal.SIGABRT)  # SIGCONT let it take the SIGABRT
    assert again.pid != first.pid
    assert timeout.at - frozen_at <= settings.watchdog_sec + 1.0
    assert total < settings.watchdog_sec + settings.restart_sec + start_time + 2.0
    assert total < LIMIT_S
    if target == "kiosk":
        crash = (tmp_path / "data" / "logs" / "crash.log").read_text()
        assert "Fatal Python error: Aborted" in crash


@pytest.mark.slow
def test_a_slot_that_never_returns_stops_the_pings(tmp_path, environment, output):
    """Not SIGSTOP: the process runs, but its GUI thread is stuck in a slot."""
    settings = UnitSettings.from_unit(UNIT).scaled(
        watchdog_sec=TEST_WATCHDOG_S, timeout_abort_sec=TEST_ABORT_S
    )
    argv = _command("tiny", tmp_path, "--freeze-after", "1.0")
    with _run(argv, settings, environment, output) as supervisor:
        index, first = supervisor.wait_for("ready", timeout=settings.timeout_start_sec)
        _, timeout = supervisor.wait_for("watchdog-timeout", after=index, timeout=LIMIT_S)
        last_ping = max(
            e.at
            for e in supervisor.events[: supervisor.events.index(timeout)]
            if e.kind == "watchdog"
        )
        _, again = supervisor.wait_for("ready", after=index + 1, timeout=LIMIT_S)
    assert first.pid != again.pid
    assert TEST_WATCHDOG_S - 0.1 <= timeout.at - last_ping <= TEST_WATCHDOG_S + 1.0


def _closed_now_content(folder: Path) -> Path:
    """The shipped content with opening hours that are closed now: open one hour a day, twelve
    hours from now (in the content's time zone)."""
    shipped = REPO / "content.yaml"
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    data["clinic"]["logo"] = str(REPO / data["clinic"]["logo"])
    for section in data["article"]["sections"]:
        if "image" in section:
            section["image"] = str(REPO / section["image"])
    translations = data["languages"]["translations"]
    for code, relative in translations.items():
        translations[code] = str(REPO / relative)
    zone = ZoneInfo(data["staff"]["time_zone"])
    start = (datetime.now(zone).hour + 12) % 24
    window = f"{start:02d}:00-{start:02d}:30"
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    data["opening_hours"] = {**dict.fromkeys(days, window), "wake_minutes": 5}
    path = folder / "content.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_kiosk_started_while_the_clinic_is_closed_is_ready_and_pinging(
    tmp_path, environment, output
):
    """The sleep screen is its first screen: READY=1 comes (systemd would otherwise stop it at
    TimeoutStartSec and start it again, all night), then the watchdog's pings."""
    settings = UnitSettings.from_unit(UNIT)
    content = _closed_now_content(tmp_path)
    argv = [*_command("kiosk", tmp_path), "--content", str(content)]
    with _run(argv, settings, environment, output) as supervisor:
        index, ready = supervisor.wait_for("ready", timeout=settings.timeout_start_sec)
        _, status = supervisor.wait_for("status", after=index, timeout=LIMIT_S)
        _, ping = supervisor.wait_for("watchdog", after=index, timeout=settings.watchdog_sec)
    assert ping.pid == ready.pid
    assert status.detail == "asleep outside opening hours"  # systemctl status says so
    assert "outside opening hours: sleeping" in output.read_text()


@pytest.mark.slow
def test_sigterm_stops_the_kiosk_cleanly(tmp_path, environment, output):
    settings = UnitSettings.from_unit(UNIT)
    with _run(_command("kiosk", tmp_path), settings, environment, output) as supervisor:
        index, first = supervisor.wait_for("ready", timeout=settings.timeout_start_sec)
        os.kill(first.pid, signal.SIGTERM)
        _, stopping = supervisor.wait_for("stopping", after=index, timeout=LIMIT_S)
        _, exited = supervisor.wait_for("exit", after=index, timeout=LIMIT_S)
    assert stopping.pid == first.pid
    assert exited.detail == "0"
    assert "SIGTERM received: stopping" in output.read_text()


@pytest.mark.slow
def test_a_second_kiosk_on_the_same_data_folder_is_refused(tmp_path, environment, output):
    settings = UnitSettings.from_unit(UNIT)
    with _run(_command("kiosk", tmp_path), settings, environment, output) as supervisor:
        _, first = supervisor.wait_for("ready", timeout=settings.timeout_start_sec)
        second = subprocess.run(
            _command("kiosk", tmp_path),
            capture_output=True,
            text=True,
            env=environment,
            cwd=REPO,
            timeout=60,
        )
    assert second.returncode == EXIT_ALREADY_RUNNING
    assert f"another kiosk is already running (process {first.pid}); " in second.stderr
