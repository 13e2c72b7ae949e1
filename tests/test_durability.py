"""A kiosk killed at any moment never loses a request it said "thank you" for.

tests/helpers/submit_stream.py saves fake requests as the kiosk does (synchronously, then
"thank you") and prints each id once save() returned. It is killed with SIGKILL after a random
number of acknowledgements, over a hundred times against the same database; after each kill
every acknowledged request must be in the database, with its own answers, and
``PRAGMA integrity_check`` must say "ok". (SIGKILL tests a crash of the process, not a power
cut: that is what synchronous=FULL is for, and what no test here can pull the plug on.)
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.storage.store import RequestStore

REPO = Path(__file__).resolve().parent.parent
KILLS = 120
MAX_ACKS_PER_RUN = 12


def _acknowledged_then_killed(data_dir: Path, run: int, acks: int) -> list[tuple[int, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.submit_stream", str(data_dir), str(run)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    seen: list[tuple[int, str]] = []
    try:
        assert process.stdout is not None
        while len(seen) < acks:
            line = process.stdout.readline()
            if not line:
                process.wait(timeout=30)
                assert process.stderr is not None
                raise AssertionError(f"the writer died: {process.stderr.read().decode()[-2000:]}")
            request_id, token = line.decode().split()
            seen.append((int(request_id), token))
    finally:
        process.send_signal(signal.SIGKILL)  # in the middle of the next save, or between two
        process.wait(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    assert process.returncode == -signal.SIGKILL
    return seen


def _stored(db: Path) -> dict[int, str]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {
            row_id: json.loads(answers)["name"]
            for row_id, answers in conn.execute("SELECT id, answers FROM requests")
        }
    finally:
        conn.close()


@pytest.mark.slow
def test_acknowledged_requests_survive_sigkill(tmp_path):
    seed = int(os.environ.get("DURABILITY_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    data = tmp_path / "data"
    db = data / RequestStore.DB_NAME
    acknowledged: dict[int, str] = {}
    started = time.monotonic()
    for run in range(1, KILLS + 1):
        acks = rng.randint(1, MAX_ACKS_PER_RUN)
        for request_id, token in _acknowledged_then_killed(data, run, acks):
            assert request_id not in acknowledged, f"id {request_id} reused (seed {seed})"
            acknowledged[request_id] = f"Test Visitor {token}"
        stored = _stored(db)
        missing = {i: name for i, name in acknowledged.items() if stored.get(i) != name}
        assert not missing, f"run {run}: lost acknowledged requests {missing} (seed {seed})"
    assert not list(data.glob("*.corrupt-*"))
    assert len(acknowledged) >= KILLS
    elapsed = time.monotonic() - started
    print(
        f"\n{KILLS} kills, {len(acknowledged)} acknowledged requests, all kept "
        f"({elapsed:.1f} s, seed {seed}; DURABILITY_SEED={seed} repeats this run)"
    )
