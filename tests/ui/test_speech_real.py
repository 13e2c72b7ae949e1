"""The real speechd engine (speech-dispatcher with espeak-ng) speaks a slide on this machine.

Every other test uses Qt's mock engine. This one runs the kiosk's :class:`Speaker` in a child
process, on a private session bus, with a PulseAudio that plays into a null sink
(tests/helpers/with_null_sound.sh), and checks that each part was started and the engine came
back to Ready.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NEEDED = ("dbus-run-session", "pulseaudio", "speech-dispatcher")


@pytest.mark.slow
@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in NEEDED),
    reason="needs dbus-run-session, pulseaudio and speech-dispatcher (.ci/system-packages)",
)
def test_the_real_speechd_engine_reads_a_page_aloud(tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), QT_QPA_PLATFORM="offscreen")
    parts = ["Sleep well.", "Page 1 of 2.", "Sleep helps the body heal.", "Rest when you can."]
    result = subprocess.run(
        [
            "dbus-run-session",
            "--",
            str(REPO / "tests/helpers/with_null_sound.sh"),
            sys.executable,
            "-m",
            "tests.helpers.speech_probe",
            *parts,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no result; stderr:\n{result.stderr[-2000:]}"
    spoken = json.loads(lines[-1])
    assert spoken["available"], result.stderr[-2000:]
    assert spoken["started"] == [0, 1, 2, 3], spoken
    assert spoken["finished"], spoken
    assert spoken["state"] == "Ready"
    assert result.returncode == 0
