"""SIGTERM and SIGINT are handled inside the Qt event loop: the app stops cleanly, exit 0."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from kiosk.system.signals import install_signal_handlers

TINY_APP = Path(__file__).resolve().parent / "tiny_app.py"


def test_sigterm_calls_on_stop_from_the_event_loop(qtbot, caplog):
    stops: list[str] = []
    before = signal.getsignal(signal.SIGTERM)
    watcher = install_signal_handlers(lambda: stops.append("stop"))
    try:
        with caplog.at_level(logging.INFO, logger="kiosk.system.signals"):
            os.kill(os.getpid(), signal.SIGTERM)

            def stopped() -> None:
                assert stops == ["stop"]

            qtbot.waitUntil(stopped, timeout=5000)
            os.kill(os.getpid(), signal.SIGTERM)

            def received_twice() -> None:
                assert len(watcher.received) == 2

            qtbot.waitUntil(received_twice, timeout=5000)
    finally:
        watcher.uninstall()
    assert stops == ["stop"]  # once only
    assert watcher.received == [signal.SIGTERM, signal.SIGTERM]
    assert [r.getMessage() for r in caplog.records] == [
        "SIGTERM received: stopping",
        "SIGTERM received again; already stopping",
    ]
    assert signal.getsignal(signal.SIGTERM) == before
    assert signal.set_wakeup_fd(-1) == -1  # no wakeup fd left behind


def test_on_stop_failing_is_logged(qtbot, caplog):
    def broken() -> None:
        raise RuntimeError("cannot stop")

    watcher = install_signal_handlers(broken)
    try:
        with caplog.at_level(logging.INFO, logger="kiosk.system.signals"):
            os.kill(os.getpid(), signal.SIGTERM)

            def logged() -> None:
                assert "stopping after SIGTERM failed" in caplog.text

            qtbot.waitUntil(logged, timeout=5000)
    finally:
        watcher.uninstall()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_qt_app_stops_cleanly_on_a_signal(sig, tmp_path):
    name = f"kiosk-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(b"\0" + name.encode())
        notify.settimeout(30)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NOTIFY_SOCKET": "@" + name}
        process = subprocess.Popen(
            [sys.executable, str(TINY_APP)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert process.stdout is not None
            assert process.stdout.readline() == "ready\n"
            assert notify.recv(64) == b"READY=1"
            process.send_signal(sig)
            _out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
        assert process.returncode == 0, err
        assert f"{sig.name} received: stopping" in err
        assert "tiny_app INFO: clean shutdown" in err
        assert notify.recv(64) == b"STOPPING=1"
