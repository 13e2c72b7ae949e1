"""Several kiosks, one inbox: 20 kiosk processes x 500 requests into one PostgreSQL server,
restarted once mid-run.

What it measures
----------------
A real PostgreSQL server (Debian's, started by this script in a temporary folder as
``tests/helpers/postgres.py`` starts it for the tests: Unix socket only, ``fsync = on``), set up
with ``init_inbox`` and one kiosk role and one staff role (passwords in a ``.pgpass``, services
in a ``pg_service.conf``, exactly as a clinic would).

``--kiosks`` worker processes (this file with ``--worker``), each a kiosk without its window:
a :class:`RequestStore` in its own data folder and a real :class:`ForwarderThread`. Each saves
``--requests`` requests, one every ``--interval`` seconds (``RequestStore.save``: a durable
local COMMIT), nudging the forwarder after each save as the kiosk does, then waits until its
forwarder reports nothing waiting, then idles until told to stop.

This process is the front desk: the real :class:`InboxWindow` (offscreen, unlocked, filter
"All") with its real listener. A request counts as *visible* when it first appears in the
window's model (a row inserted, or present after a model reset such as the reload after a
reconnection). ``save -> visible`` is that moment minus the request's ``created_at`` (the
kiosk's clock when it saved; same machine, same clock).

When half the requests have been saved, the server is restarted (``pg_ctl restart -m fast``:
every connection is cut). ``restart`` records when it began and when the server was accepting
connections again. Requests saved from ``restart.began`` until ``RECOVERY_S`` seconds after the
server was back are "near the restart" (they wait for their forwarder's backoff, 1-2-4-8 s, and
the window's reconnection, every 5 s); the target applies to the others ("outside").

At the end: every local request's UUID must be in the inbox exactly once (``stored``,
``distinct``, ``missing``, ``duplicates``). Then, with every kiosk idle (nothing to send), the
CPU time (``/proc/PID/stat`` utime + stime) of each worker over ``--idle-seconds`` gives
``idle_forwarder_cpu_percent`` (of one core; max and mean over the workers).

Targets: stored exactly once = kiosks x requests; p95 save -> visible outside the restart
<= 2 s; an idle forwarder <= 0.5 % of a core. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

RECOVERY_S = 10.0
TARGET_P95_S = 2.0
TARGET_IDLE_CPU_PERCENT = 0.5


# ---------------------------------------------------------------------------------------------
# A kiosk (worker process)


def worker(data: Path, count: int, interval: float, name: str) -> int:
    from kiosk.storage.forwarder import Forwarder, ForwarderThread
    from kiosk.storage.store import RequestStore

    store = RequestStore(data)
    thread = ForwarderThread(Forwarder(lambda: RequestStore(data), "kiosk", name, lambda: "bench"))
    thread.start()
    print("ready", flush=True)
    sys.stdin.readline()  # go
    start = time.monotonic()
    for n in range(count):
        answers: dict[str, str | bool] = {
            "name": f"Example Visitor {name} {n}",
            "phone": f"+1202555{n % 10000:04d}",
            "email": f"visitor{n}@example.com",
            "consent": True,
        }
        store.save(answers, "bench", name)
        thread.nudge()
        next_at = start + (n + 1) * interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    print("saved", flush=True)
    while thread.status().waiting != 0:
        time.sleep(0.2)
    print("sent", flush=True)
    sys.stdin.readline()  # stop
    thread.stop()
    store.close()
    return 0


# ---------------------------------------------------------------------------------------------
# The front desk (this process)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def bench(kiosks: int, requests: int, interval: float, idle_seconds: float) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import psycopg
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kiosk.core.content import load_content
    from kiosk.core.pin import PinVault
    from kiosk.paths import bundled_content
    from kiosk.storage.inbox import InboxListener, InboxStore, init_inbox
    from tests.helpers.postgres import (
        KIOSK_PASSWORD,
        KIOSK_ROLE,
        STAFF_PASSWORD,
        STAFF_ROLE,
        Inbox,
        running_server,
    )

    app = QApplication.instance() or QApplication([])
    content = load_content(bundled_content())
    total = kiosks * requests
    with running_server() as server, tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        for role, password in ((KIOSK_ROLE, KIOSK_PASSWORD), (STAFF_ROLE, STAFF_PASSWORD)):
            server.admin_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        server.create_database("bench")
        with psycopg.connect(server.conninfo("bench")) as conn:
            init_inbox(conn, [KIOSK_ROLE], [STAFF_ROLE])
        inbox = Inbox(server, "bench", tmp)
        os.environ.update(inbox.env())

        vault = PinVault(tmp / "desk")
        vault.set_pin("0000")
        from kiosk.ui.inbox import InboxWindow

        window = InboxWindow(
            content, InboxStore("desk"), lambda: InboxListener("desk"), vault,
            notify=lambda title, body: None, lock_after_seconds=3600,
        )  # fmt: skip
        window.show()
        window.start()
        window.pin_field.setText("0000")
        window._on_unlock()
        window.set_filter("All")
        model = window.model
        visible_at: dict[int, float] = {}
        created: dict[int, float] = {}

        def note_rows(first: int, last: int) -> None:
            now = time.time()
            for row in range(first, last + 1):
                request = model.request(row)
                if request.id not in visible_at:
                    visible_at[request.id] = now
                    created[request.id] = request.created_at.timestamp()

        model.rowsInserted.connect(lambda _parent, first, last: note_rows(first, last))
        model.modelReset.connect(lambda: note_rows(0, model.rowCount() - 1))

        def pump(seconds: float) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
                time.sleep(0.005)

        env = {**os.environ}
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    str(tmp / f"kiosk-{k}"),
                    str(requests),
                    str(interval),
                    f"kiosk-{k:02d}",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
                cwd=REPO,
            )
            for k in range(kiosks)
        ]
        for proc in procs:
            assert proc.stdout is not None
            if proc.stdout.readline() != "ready\n":
                raise RuntimeError("a kiosk worker did not start")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        began = time.time()
        restart_at = began + requests * interval / 2
        pump(max(0.0, restart_at - time.time()))
        restart_began = time.time()
        server.restart()
        restart_ended = time.time()
        # Every kiosk says "saved", then "sent" once its forwarder has nothing waiting.
        import selectors

        selector = selectors.DefaultSelector()
        for proc in procs:
            assert proc.stdout is not None
            os.set_blocking(proc.stdout.fileno(), False)
            selector.register(proc.stdout, selectors.EVENT_READ, proc)
        sent = 0
        buffers: dict[int, str] = {}
        deadline = time.monotonic() + requests * interval * 4 + 300
        while sent < kiosks and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.05):
                proc = key.data
                chunk = proc.stdout.read() or ""
                buffers[proc.pid] = buffers.get(proc.pid, "") + chunk
                if "sent\n" in buffers[proc.pid] and not buffers[proc.pid].endswith("counted"):
                    buffers[proc.pid] += "counted"
                    sent += 1
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        all_sent = time.time()
        # Let the desk catch up (a reconnection reloads), then stop looking.
        while len(visible_at) < total and time.time() < all_sent + 30:
            pump(0.2)

        # Idle kiosks: CPU over idle_seconds.
        before = {p.pid: _cpu_seconds(p.pid) for p in procs}
        time.sleep(idle_seconds)
        after = {p.pid: _cpu_seconds(p.pid) for p in procs}
        idle = [100 * (after[pid] - before[pid]) / idle_seconds for pid in before]

        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("stop\n")
            proc.stdin.flush()
        for proc in procs:
            proc.wait(timeout=60)
        window.close()

        stored = inbox.sql("SELECT count(*), count(DISTINCT uuid) FROM inbox.requests")[0]
        import sqlite3

        local: set[str] = set()
        for k in range(kiosks):
            db = sqlite3.connect(tmp / f"kiosk-{k}" / "requests.db")
            local.update(r[0] for r in db.execute("SELECT uuid FROM requests"))
            db.close()
        remote = {str(r[0]) for r in inbox.sql("SELECT uuid FROM inbox.requests")}

    recovery_end = restart_ended + RECOVERY_S
    outside: list[float] = []
    near: list[float] = []
    for request_id, seen in visible_at.items():
        saved = created[request_id]
        (near if restart_began <= saved <= recovery_end else outside).append(seen - saved)
    everything = outside + near
    p95_outside = _percentile(outside, 95)
    idle_max = max(idle) if idle else None
    stored_count, distinct = int(stored[0]), int(stored[1])  # type: ignore[call-overload]
    result: dict[str, Any] = {
        "benchmark": "inbox",
        "kiosks": kiosks,
        "requests_per_kiosk": requests,
        "interval_s": interval,
        "saved": len(local),
        "stored": stored_count,
        "distinct": distinct,
        "missing": len(local - remote),
        "duplicates": stored_count - distinct,
        "restart": {
            "at_s": round(restart_began - began, 2),
            "took_s": round(restart_ended - restart_began, 2),
        },
        "visible_in_model": len(visible_at),
        "save_to_visible_s": {
            "outside_restart": {
                "n": len(outside),
                "p50": _round(_percentile(outside, 50)),
                "p95": _round(p95_outside),
                "max": _round(max(outside) if outside else None),
            },
            "near_restart": {
                "n": len(near),
                "p95": _round(_percentile(near, 95)),
                "max": _round(max(near) if near else None),
            },
            "all_p95": _round(_percentile(everything, 95)),
        },
        "idle_forwarder_cpu_percent": {
            "seconds": idle_seconds,
            "max": _round(idle_max),
            "mean": _round(sum(idle) / len(idle) if idle else None),
        },
        "targets": {
            "stored_exactly_once": total,
            "p95_s": TARGET_P95_S,
            "idle_cpu_percent": TARGET_IDLE_CPU_PERCENT,
        },
    }
    result["met"] = bool(
        stored_count == distinct == total
        and not (local - remote)
        and len(visible_at) == total
        and p95_outside is not None
        and p95_outside <= TARGET_P95_S
        and idle_max is not None
        and idle_max <= TARGET_IDLE_CPU_PERCENT
    )
    print(
        f"inbox benchmark: {total} requests from {kiosks} kiosks; started "
        f"{datetime.fromtimestamp(began, UTC):%H:%M:%S} UTC",
        file=sys.stderr,
    )
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--requests", type=int, default=500, help="per kiosk")
    parser.add_argument(
        "--interval", type=float, default=0.1, help="seconds between a kiosk's saves"
    )
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--worker", nargs=4, metavar=("DATA", "COUNT", "INTERVAL", "NAME"))
    args = parser.parse_args(argv)
    if args.worker:
        data, count, interval, name = args.worker
        return worker(Path(data), int(count), float(interval), name)
    result = bench(args.kiosks, args.requests, args.interval, args.idle_seconds)
    print(json.dumps(result), flush=True)
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
