"""Start-up work, counted: the instructions the kiosk and startup.py's bare window execute
before their first paint, each run under Valgrind's callgrind.

Why
---
``benchmarks/startup.py`` times the first paint by the wall clock. On a shared machine those
times move by 10-20 % from one minute to the next, the bare window's as much as the kiosk's, so
a change of a few milliseconds does not show in them and their ratio moves with the machine's
load. The instructions a start executes before its first paint hardly depend on that load: two
runs of the same code agree to within about 0.5 % (the kiosk's, from one session to the next,
to within 0.05 %). They do not count what a start waits for (the disk, the X server) or memory
stalls (the first touch of new pages), so they complement startup.py's times and do not replace
them: the first-paint target stays a target on time.

How
---
Each program runs under ``valgrind --tool=callgrind`` on the same X server, fullscreen at
``--size``, until it says that it has painted its first page, as startup.py's times end, and
then ends at once (``os._exit``), so nothing after is counted. For the kiosk that is the
slideshow's own paint: its buttons are painted just after it, in the same frame.

``kiosk``
    the kiosk as the ``kiosk`` command starts it (``kiosk.__main__.main``) with the shipped
    content, from the cache of its checked content that an unrecorded first start wrote (as in
    startup.py); a logging handler ends it at its ``first page shown`` line.
``kiosk_first_start``
    the same with an empty data folder: the content read and checked in full.
``bare``
    startup.py's bare window, which ends itself after its first paint when given ``exit``.

``PYTHONHASHSEED=0`` makes the runs repeatable. The count is the main process's: a child that
the D-Bus library forks to look for a session bus (there is none under Xvfb) is left out.

Run ``.venv/bin/python benchmarks/startup_work.py`` (it needs ``valgrind``, and re-runs itself
under ``xvfb-run`` when there is no ``$DISPLAY``). One run of each takes about a minute; the JSON
line on stdout has the counts (millions of instructions) and the kiosk/bare ratios.
"""

from __future__ import annotations

import compileall
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from _support import benchmark_parser, reexec_under_xvfb, xvfb_mark
from startup import (
    BARE_WINDOW,
    FIRST_PAINT,
    BenchmarkError,
    first_start,
    spawn,
    stop,
)

# The kiosk as the `kiosk` command starts it, ended by its own "first page shown" log line.
KIOSK_TO_FIRST_PAINT = f"""\
import logging, os, sys


class EndAtFirstPaint(logging.Handler):
    def emit(self, record):
        if record.getMessage().startswith({FIRST_PAINT!r}):
            sys.stderr.write({FIRST_PAINT!r} + "\\n")
            sys.stderr.flush()
            os._exit(0)


logging.getLogger("kiosk.app").addHandler(EndAtFirstPaint())
sys.argv[0] = "kiosk"
from kiosk.__main__ import main

sys.exit(main())
"""
RUN_TIMEOUT_S = 600.0
LATE_START = "the first screen was not painted within"
"""kiosk/app/__init__.py's warning when it starts what waits for the first screen anyway."""
_COLLECTED = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def count_instructions(
    command: Sequence[str], env: dict[str, str], cwd: Path, scratch: Path, name: str
) -> int:
    """Instructions ``command``'s main process executed under callgrind before it ended."""
    valgrind = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={scratch / f'callgrind.{name}.%p'}",
        "--quiet",
    ]
    process = spawn([*valgrind, *command], env, cwd)
    try:
        _, stderr = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        stop(process)
        raise BenchmarkError(f"{name}: no first paint within {RUN_TIMEOUT_S:.0f} s") from None
    if LATE_START in stderr:
        # What the kiosk starts after its first screen then ran first, and would be counted.
        raise BenchmarkError(f"{name}: the first screen came too late under valgrind")
    if process.returncode != 0 or FIRST_PAINT not in stderr:
        tail = "\n".join(f"    {line}" for line in stderr.splitlines()[-20:])
        raise BenchmarkError(f"{name}: exited with code {process.returncode}:\n{tail}")
    # valgrind runs the program in the process it was started as: its file has that pid.
    return _collected(scratch / f"callgrind.{name}.{process.pid}")


def _collected(path: Path) -> int:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise BenchmarkError(f"cannot read callgrind's {path}: {error.strerror}") from None
    match = _COLLECTED.search(text)
    if match is None:
        raise BenchmarkError(f"no instruction count in {path}")
    return int(match[1])


def main(argv: Sequence[str] | None = None) -> int:
    args = benchmark_parser(
        "Count the instructions the kiosk and a bare PySide6 window execute before their first "
        "paint (under valgrind's callgrind); prints one JSON line. The window is fullscreen: "
        "--size is the Xvfb screen's when there is no $DISPLAY.",
        runs=(1, "runs of each program"),
    ).parse_args(argv)
    if shutil.which("valgrind") is None:
        print("startup_work.py: needs valgrind (apt install valgrind)", file=sys.stderr)
        return 1
    if not os.environ.get("DISPLAY"):
        reexec_under_xvfb(__file__, args.size)
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONHASHSEED": "0"}
    env.pop(xvfb_mark(__file__), None)
    cwd = Path(__file__).resolve().parent.parent
    # As installed (make setup): the kiosk's bytecode compiled ahead, as PySide6's is by pip.
    compileall.compile_dir(cwd / "kiosk", quiet=1)
    python = sys.executable
    from kiosk.paths import bundled_content

    content = str(bundled_content())
    size = [str(side) for side in args.size]
    began = time.perf_counter()
    counts: dict[str, list[int]] = {"kiosk": [], "kiosk_first_start": [], "bare": []}
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-work-") as scratch_name:
            scratch = Path(scratch_name)
            cached = scratch / "data"
            cached.mkdir()
            files = ["--content", content]
            first_start([python, "-m", "kiosk", *files, "--data-dir", str(cached)], env, cwd)
            for run in range(1, args.runs + 1):
                empty = scratch / f"empty-{run}"
                empty.mkdir()
                commands = {
                    "kiosk": [
                        python,
                        "-c",
                        KIOSK_TO_FIRST_PAINT,
                        *files,
                        "--data-dir",
                        str(cached),
                    ],
                    "kiosk_first_start": [
                        python,
                        "-c",
                        KIOSK_TO_FIRST_PAINT,
                        *files,
                        "--data-dir",
                        str(empty),
                    ],
                    "bare": [python, "-c", BARE_WINDOW, "fullscreen", *size, "exit"],
                }
                for name, command in commands.items():
                    count = count_instructions(command, env, cwd, scratch, f"{name}-{run}")
                    counts[name].append(count)
                    print(f"run {run}/{args.runs} {name}: {count / 1e6:,.1f} M", file=sys.stderr)
    except KeyboardInterrupt:
        print("startup_work.py: interrupted", file=sys.stderr)
        return 130
    except (BenchmarkError, subprocess.TimeoutExpired) as error:
        print(f"startup_work.py: {error}", file=sys.stderr)
        return 1
    low = {name: min(values) for name, values in counts.items()}
    summary = {
        "benchmark": "startup_work",
        "runs": args.runs,
        "million_instructions": {name: round(value / 1e6, 1) for name, value in low.items()},
        "ratios": {
            "kiosk": round(low["kiosk"] / low["bare"], 3),
            "kiosk_first_start": round(low["kiosk_first_start"] / low["bare"], 3),
        },
        "samples": counts,
        "python": sys.version.split()[0],
        "elapsed_s": round(time.perf_counter() - began, 1),
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
