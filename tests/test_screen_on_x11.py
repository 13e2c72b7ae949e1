"""The screen kept on by the X server itself when no session answers on D-Bus, and the kiosk's
own X session: checked on private Xvfb servers with the real kiosk."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from kiosk.system.screen import parse_xset_query
from tests.helpers.processes import REPO, start_kiosk, wait_for_line
from tests.helpers.xserver import private_xvfb, xset_query

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        shutil.which("Xvfb") is None or shutil.which("xset") is None,
        reason="needs Xvfb and xset (Debian: xvfb, x11-xserver-utils)",
    ),
]

NO_SESSION_BUS = "unix:path=/nonexistent/clinic-kiosk-test-bus"


def test_without_a_screensaver_service_x_blanking_is_off_while_open_and_put_back(tmp_path):
    with private_xvfb() as display:
        before = parse_xset_query(xset_query(display))
        assert before is not None
        assert before.timeout > 0  # the X server would blank after a while (600 s by default)
        process = start_kiosk(
            "--data-dir",
            str(tmp_path / "data"),
            platform="xcb",
            env={"DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": NO_SESSION_BUS},
        )
        try:
            wait_for_line(process, "first page shown", timeout=60)
            line = wait_for_line(process, "keeping the screen on with", timeout=60)
            assert "screen saver and DPMS turned off (xset)" in line
            text = xset_query(display)
            held = parse_xset_query(text)
        finally:
            process.terminate()
            _, rest = process.communicate(timeout=30)
        assert process.returncode == 0, rest
        after = parse_xset_query(xset_query(display))
    assert held is not None
    assert held.timeout == 0, text  # the screen saver is off
    # DPMS is off: disabled, or (as on Xvfb) not there at all.
    assert not held.dpms_enabled, text
    assert ("DPMS is Disabled" in text) or ("does not have the DPMS Extension" in text)
    assert after == before  # and put back as it was when the kiosk stopped


# --------------------------------------------------------------------------------------------
# The kiosk's own X session (kiosk install-session), its start script run as a display manager
# would, on a private Xvfb


def install_session(tmp_path: Path, *before: str) -> Path:
    """``kiosk [BEFORE] install-session --destdir ROOT --exec <venv kiosk>``; the script."""
    kiosk = Path(sys.executable).with_name("kiosk")
    root = tmp_path / "root"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            *before,
            "install-session",
            "--destdir",
            str(root),
            "--exec",
            str(kiosk),
            "--user",
            "clinic",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return root / "usr/local/bin/clinic-kiosk-session"


def fake_systemctl(tmp_path: Path, exit_code: int) -> Path:
    """A folder with a ``systemctl`` that notes its arguments and exits with ``exit_code``."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    tool = folder / "systemctl"
    tool.write_text(f'#!/bin/sh\necho "$*" >> "{folder}/calls"\nexit {exit_code}\n')
    tool.chmod(0o755)
    return folder


def session_env(display: str, fake_bin: Path) -> dict[str, str]:
    """What a display manager gives a session (no Qt platform forced, no ScreenSaver)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    return {
        **env,
        "DISPLAY": display,
        "PATH": f"{fake_bin}:{env.get('PATH', '/usr/bin:/bin')}",
        "DBUS_SESSION_BUS_ADDRESS": NO_SESSION_BUS,
    }


def start_session(script: Path, display: str, fake_bin: Path, cwd: Path) -> subprocess.Popen[str]:
    """The installed session script, started as a display manager starts a session."""
    return subprocess.Popen(
        [str(script)],
        stderr=subprocess.PIPE,
        text=True,
        env=session_env(display, fake_bin),
        cwd=cwd,
        start_new_session=True,
    )


def xprop(display: str, *args: str) -> str:
    return subprocess.run(
        ["xprop", "-display", display, *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout


def window_id(text: str) -> str:
    """The last window id in an xprop line such as ``_NET_CLIENT_LIST(WINDOW): window id # 0x1``."""
    return text.strip().split()[-1].rstrip(",")


def end_session(process: subprocess.Popen[str]) -> str:
    """SIGTERM to the session's process group, as a display manager ends a session."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        _, rest = process.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # nothing of it may outlive the test
    return rest


@pytest.mark.skipif(
    shutil.which("matchbox-window-manager") is None or shutil.which("xprop") is None,
    reason="needs matchbox-window-manager and xprop (Debian: x11-utils)",
)
@pytest.mark.parametrize("size", ["1024x600", "1080x1920"])
def test_the_session_script_brings_up_the_window_manager_and_a_fullscreen_kiosk(tmp_path, size):
    script = install_session(tmp_path, "--data-dir", str(tmp_path / "data"))
    fake_bin = fake_systemctl(tmp_path, exit_code=1)  # no systemd user manager here
    width, height = (int(n) for n in size.split("x"))
    with private_xvfb(size) as display:
        process = start_session(script, display, fake_bin, tmp_path)
        try:
            wait_for_line(process, "running the kiosk directly", timeout=60)
            shown = wait_for_line(process, "first page shown", timeout=60)
            kept_on = wait_for_line(process, "keeping the screen on with", timeout=60)
            check = window_id(xprop(display, "-root", "_NET_SUPPORTING_WM_CHECK"))
            wm_name = xprop(display, "-id", check, "_NET_WM_NAME")
            clients = xprop(display, "-root", "_NET_CLIENT_LIST")
            kiosk_window = window_id(clients)
            kiosk_class = xprop(display, "-id", kiosk_window, "WM_CLASS")
            geometry = subprocess.run(
                ["xwininfo", "-display", display, "-id", kiosk_window],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout
            shot = tmp_path / f"session-{size}.png"
            subprocess.run(
                ["import", "-display", display, "-window", "root", str(shot)],
                check=True,
                timeout=60,
            )
            saver = parse_xset_query(xset_query(display))
        finally:
            rest = end_session(process)
    assert '"matchbox"' in wm_name, wm_name  # the window manager is up...
    assert clients.count("0x") == 1, clients  # ...managing one window, the kiosk's
    assert '"clinic-kiosk"' in kiosk_class
    assert f"Width: {width}\n" in geometry, geometry
    assert f"Height: {height}\n" in geometry, geometry
    assert "Absolute upper-left X:  0\n" in geometry
    assert "Absolute upper-left Y:  0\n" in geometry
    assert f"at {width}x{height}" in shown, shown  # the kiosk laid out for the whole screen
    assert "xset" in kept_on
    assert saver is not None
    assert saver.timeout == 0
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (width, height)
    header = QColor("#0B4F6C").rgb() & 0xFFFFFF
    footer = QColor("#FFF4D6").rgb() & 0xFFFFFF
    assert image.pixel(width // 2, 3) & 0xFFFFFF == header, "no title bar above the kiosk"
    assert image.pixel(width // 2, height - 3) & 0xFFFFFF == footer
    assert (tmp_path / "fake-bin/calls").read_text() == (
        "--user --quiet is-enabled clinic-kiosk.service\n"
    )
    assert "Traceback" not in rest


def wm_pid(session: subprocess.Popen[str]) -> int:
    """The window manager's process: a child of the session script."""
    children = Path(f"/proc/{session.pid}/task/{session.pid}/children").read_text().split()
    for child in children:
        if Path(f"/proc/{child}/comm").read_text().strip().startswith("matchbox"):
            return int(child)
    raise AssertionError(f"no window manager among {children}")


@pytest.mark.skipif(
    shutil.which("matchbox-window-manager") is None or shutil.which("xprop") is None,
    reason="needs matchbox-window-manager and xprop (Debian: x11-utils)",
)
def test_with_the_systemd_service_the_session_hands_the_kiosk_to_systemd(tmp_path):
    """Where clinic-kiosk.service is enabled, the script gives systemd the display and starts
    the session target (systemd then runs the kiosk); when the window manager ends, it stops
    the target. systemctl is a stand-in here: the test machine has no user manager."""
    script = install_session(tmp_path)
    fake_bin = fake_systemctl(tmp_path, exit_code=0)
    with private_xvfb() as display:
        process = start_session(script, display, fake_bin, tmp_path)
        try:
            calls = fake_bin / "calls"
            deadline = time.monotonic() + 60
            while "start clinic-kiosk-session.target" not in (
                calls.read_text() if calls.exists() else ""
            ):
                assert time.monotonic() < deadline, "the session target was never started"
                assert process.poll() is None, process.communicate()[1]
                time.sleep(0.05)
            assert process.poll() is None  # the session waits for its window manager
            os.kill(wm_pid(process), signal.SIGTERM)
            code = process.wait(timeout=30)
        finally:
            rest = end_session(process)
    assert code == 0, rest
    assert calls.read_text().splitlines() == [
        "--user --quiet is-enabled clinic-kiosk.service",
        "--user import-environment DISPLAY XAUTHORITY",
        "--user start clinic-kiosk-session.target",
        "--user stop clinic-kiosk-session.target",
        "--user unset-environment DISPLAY XAUTHORITY",
    ]
