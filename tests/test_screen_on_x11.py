"""The screen kept on by the X server itself when no session answers on D-Bus, and the kiosk's
own X session: checked on private Xvfb servers with the real kiosk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from kiosk.system.screen import parse_xset_query
from tests.helpers.processes import REPO, wait_for_line
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
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "DBUS_SESSION_BUS_ADDRESS": NO_SESSION_BUS,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "data")],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        try:
            line = wait_for_line(process, "keeping the screen on with", timeout=60)
            assert "screen saver and DPMS turned off (xset)" in line
            wait_for_line(process, "first page shown", timeout=60)
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
