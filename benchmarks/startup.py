"""Startup, memory and idle-CPU benchmark: the kiosk against a bare PySide6 window.

What it measures
----------------
Three programs, each started as a fresh process with the same interpreter on a real X server
(``QT_QPA_PLATFORM=xcb``), are measured the same way:

``bare``
    A ``QApplication`` with one ``QLabel``, shown at the same size and in the same way as the
    kiosk. Its ``paintEvent`` writes ``first page shown`` to stderr after the label has painted.
    It is the floor: what any PySide6 program costs on this machine.
``kiosk``
    ``python -m kiosk --content content.yaml --data-dir TMP`` with the shipped content and
    pacing. It logs ``first page shown`` once the first slide has been painted.
``kiosk_8s``
    The same, with a copy of the shipped content whose ``timing.min_seconds`` and
    ``timing.max_seconds`` (and any section ``seconds``) are 8, so the page changes (with its
    cross-fade) every 8 seconds: the busiest pacing a clinic can set.

Each kiosk keeps its data folder from one run to the next, as a clinic's kiosk does from one
morning to the next: its content then comes from the cache of the checked content that its
first start (the unrecorded warm-up) wrote. ``kiosk_first_start`` is also timed in every run
(first paint only): the kiosk with an empty data folder, as on its first start or the first
after content.yaml was changed, when the content is read and checked in full.

For every run:

* ``first_paint_ms``: wall time from just before ``Popen`` to reading the ``first page shown``
  line from the child's stderr (``time.perf_counter``; a reader thread drains the pipe).
* ``pss_mib`` / ``rss_mib``: from ``/proc/PID/smaps_rollup`` about 2 s after the first paint.
  PSS (shared pages divided among the processes sharing them) is the honest per-process figure;
  RSS counts every shared library in full. PSS falls when other processes (another Qt program,
  a test run) map the same libraries, so ``anon_mib`` (anonymous memory: heaps, Python objects,
  pixmaps, which no other process shares) is reported too as the figure that does not move with
  whatever else runs. ``pss_end_mib`` is read again after the CPU window
  and shows any growth.
* ``cpu_percent``: ``utime + stime`` (all threads, from ``/proc/PID/stat``) over a window of
  ``--seconds`` that starts after the 2 s settle, as a percentage of one core.
* ``wakeups_per_s``: context switches of all the process's threads
  (``/proc/PID/task/*/status``) per second over the same window; ``busy_seconds_pct`` is the
  share of the window's 1-second slices in which any thread ran at all. Between page changes
  nothing should run, so for the kiosk it should be about the fade time over the page time and
  for the bare window about 0.

The kiosk's own modules are compiled to bytecode first, as ``make setup`` leaves them (pip
does the same for PySide6), so no run pays for compiling them.

Runs are sequential (never two programs at once) and interleaved kiosk_first_start / kiosk /
bare / kiosk_8s so drift in the machine's load hits all alike; one unrecorded warm-up start of
each program first puts the Python and Qt files in the page cache so run 1 of the kiosk is not
the only cold start (a kiosk's is its first start, which writes its content cache). The JSON
line on stdout has the medians (``statistics.median``), the kiosk/bare ratios, the issue's
targets as booleans and every raw sample; a human summary goes to stderr.

Targets (from the issues): first paint <= 1.5x the bare window's; PSS <= 100 MiB; CPU <= 1 % of
one core with the shipped pacing and <= 1.3 % with a page change every 8 s.

Fullscreen or windowed
----------------------
Fullscreen is the default because it is what a clinic runs: ``kiosk`` with no ``--windowed``
goes through ``KioskWindow.present(None)`` (frameless, blank cursor, geometry of the primary
screen, ``showFullScreen``), so the benchmark times the production code path. The bare window is
shown the same way. The screen size then comes from the X server: when ``$DISPLAY`` is unset
this script re-runs itself under ``xvfb-run`` with a screen of ``--size``; ``make bench``
already provides a 1920x1080 Xvfb. The size each program actually painted is checked against
``--size`` and a mismatch is reported. ``--windowed`` instead runs ``kiosk --windowed WxH`` and a
``WxH`` bare window, which gives exactly ``--size`` on any display (on Xvfb without a window
manager it paints the same pixels as fullscreen).

How to run
----------
::

    make bench                                   # python benchmarks/startup.py under Xvfb
    .venv/bin/python benchmarks/startup.py       # re-runs itself under xvfb-run if no $DISPLAY
    .venv/bin/python benchmarks/startup.py --runs 1 --seconds 10   # a quick check

The defaults (5 runs of each, a 60 s CPU window) take about 16 minutes. Ctrl-C stops it and
terminates the child that is running.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import yaml
from _support import reexec_under_xvfb, xvfb_mark

FIRST_PAINT = "first page shown"
FIRST_PAINT_TIMEOUT_S = 60.0
SETTLE_S = 2.0
STOP_TIMEOUT_S = 10.0
PAGE_SECONDS_8S = 8
CONFIGS = ("kiosk", "bare", "kiosk_8s")
FIRST_START = "kiosk_first_start"
METRICS = (
    "first_paint_ms",
    "pss_mib",
    "rss_mib",
    "anon_mib",
    "pss_end_mib",
    "cpu_percent",
    "wakeups_per_s",
    "busy_seconds_pct",
)
CACHE_LINE = "content cache"
CACHE_WRITTEN = "content cache written"
TARGET_FIRST_PAINT_RATIO = 1.5
TARGET_PSS_MIB = 100.0
TARGET_CPU_PCT = 1.0
TARGET_CPU_8S_PCT = 1.3

# The bare window, run with ``python -c BARE_WINDOW MODE WIDTH HEIGHT [exit]``: with ``exit`` it
# ends right after its first paint (benchmarks/startup_work.py).
BARE_WINDOW = """\
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel


class Label(QLabel):
    shown = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.shown:
            self.shown = True
            sys.stderr.write(f"bare: first page shown at {self.width()}x{self.height()}\\n")
            sys.stderr.flush()
            if sys.argv[4:] == ["exit"]:  # benchmarks/startup_work.py: count up to here
                import os

                os._exit(0)


app = QApplication(sys.argv[:1])
label = Label("bare")
label.setAlignment(Qt.AlignmentFlag.AlignCenter)
if sys.argv[1] == "windowed":
    label.resize(int(sys.argv[2]), int(sys.argv[3]))
    label.show()
else:
    label.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        label.setGeometry(screen.geometry())
    label.showFullScreen()
sys.exit(app.exec())
"""

_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})$")
_PAINTED_AT = re.compile(r"\bat (\d+)x(\d+)\b")


class BenchmarkError(RuntimeError):
    """A child failed to start, paint or stay up."""


@dataclass
class RunResult:
    """One process's measurements."""

    first_paint_ms: float
    pss_mib: float
    rss_mib: float
    anon_mib: float
    pss_end_mib: float
    cpu_percent: float
    wakeups_per_s: float
    busy_seconds_pct: float
    painted: str
    extra_stderr: list[str] = field(default_factory=list)

    def metric(self, name: str) -> float:
        value = getattr(self, name)
        assert isinstance(value, float)
        return value


# -- /proc readers ---------------------------------------------------------------------------


def read_memory_mib(pid: int) -> tuple[float, float, float]:
    """PSS, RSS and anonymous memory of ``pid`` in MiB, from ``/proc/PID/smaps_rollup``."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            key, _, rest = line.partition(":")
            if key in ("Pss", "Rss", "Anonymous"):
                values[key] = int(rest.split()[0]) / 1024  # kB -> MiB
    return values["Pss"], values["Rss"], values["Anonymous"]


def read_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of all of ``pid``'s threads so far, from ``/proc/PID/stat``."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        text = stat.read()
    # The command name (field 2) is in parentheses and may hold spaces; count from after it.
    fields = text[text.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def read_context_switches(pid: int) -> int:
    """Voluntary plus involuntary context switches of ``pid``'s live threads."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "status").read_text(encoding="ascii")
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended meanwhile
        for line in text.splitlines():
            if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                total += int(line.split()[1])
    return total


# -- children ----------------------------------------------------------------------------------


class StderrReader(threading.Thread):
    """Drains a child's stderr so the pipe never fills, timestamping each line as it is read."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        assert process.stderr is not None
        self._stream = process.stderr
        self.lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self.seen: list[str] = []

    def run(self) -> None:
        for line in self._stream:
            now = time.perf_counter()
            self.seen.append(line.rstrip("\n"))
            self.lines.put((now, line))
        self.lines.put(None)  # end of file: the child closed stderr or exited


def spawn(command: Sequence[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """Start ``command`` with its stderr on a pipe (text) and nothing on stdin or stdout."""
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=cwd,
        start_new_session=True,  # Ctrl-C reaches only the benchmark, which stops the child
    )


def stop(process: subprocess.Popen[str]) -> None:
    """Terminate ``process`` and wait for it; kill it if it does not go in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


def wait_for_first_paint(
    process: subprocess.Popen[str], reader: StderrReader, start: float, text: str = FIRST_PAINT
) -> tuple[float, str]:
    """Seconds from ``start`` until the ``first page shown`` line (or one with ``text``), and
    that line."""
    deadline = start + FIRST_PAINT_TIMEOUT_S
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise BenchmarkError(f"no {text!r} within {FIRST_PAINT_TIMEOUT_S:.0f} s")
        try:
            item = reader.lines.get(timeout=left)
        except queue.Empty:
            continue
        if item is None:
            raise BenchmarkError(f"exited with code {process.wait()} before {text!r}")
        when, line = item
        if text in line:
            return when - start, line


def measure(
    name: str, command: Sequence[str], env: dict[str, str], cwd: Path, seconds: float
) -> RunResult:
    """Start ``command``, measure it as the module docstring says, and stop it."""
    start = time.perf_counter()
    process = spawn(command, env, cwd)
    try:
        reader = StderrReader(process)
        reader.start()
        try:
            startup, line = wait_for_first_paint(process, reader, start)
            painted_at = _PAINTED_AT.search(line)
            painted = f"{painted_at[1]}x{painted_at[2]}" if painted_at else "?"
            lines_before = len(reader.seen)
            time.sleep(SETTLE_S)
            _check_alive(process)
            pss, rss, anon = read_memory_mib(process.pid)
            cpu, wakeups, busy = _cpu_window(process, seconds)
            pss_end, _, _ = read_memory_mib(process.pid)
        except (BenchmarkError, OSError) as error:
            stop(process)
            reader.join(timeout=STOP_TIMEOUT_S)
            tail = "\n".join(f"    {seen}" for seen in reader.seen[-20:])
            raise BenchmarkError(f"{name}: {error}; its stderr ended:\n{tail}") from error
        extra = reader.seen[lines_before:]
    finally:
        stop(process)
    return RunResult(
        first_paint_ms=startup * 1000,
        pss_mib=pss,
        rss_mib=rss,
        anon_mib=anon,
        pss_end_mib=pss_end,
        cpu_percent=cpu,
        wakeups_per_s=wakeups,
        busy_seconds_pct=busy,
        painted=painted,
        extra_stderr=extra,
    )


def first_paint_only(
    command: Sequence[str], env: dict[str, str], cwd: Path, then: str | None = None
) -> tuple[float, str]:
    """Start ``command`` until its first paint (and then, with ``then``, until a line that
    has it) and stop it: milliseconds to the first paint, and the last line waited for."""
    start = time.perf_counter()
    process = spawn(command, env, cwd)
    try:
        reader = StderrReader(process)
        reader.start()
        seconds, line = wait_for_first_paint(process, reader, start)
        if then is not None:
            line = wait_for_first_paint(process, reader, time.perf_counter(), then)[1]
        return seconds * 1000, line
    finally:
        stop(process)


def first_start(command: Sequence[str], env: dict[str, str], cwd: Path) -> None:
    """A kiosk's unrecorded first start, which reads its content in full and, once up, writes
    the content's cache for the next; once more if the content file was too new to cache."""
    from kiosk.core.content.cache import QUIET_SECONDS

    for _ in range(3):
        line = first_paint_only(command, env, cwd, then=CACHE_LINE)[1]
        if CACHE_WRITTEN in line:
            return
        time.sleep(QUIET_SECONDS)  # "changed while it was read": the file was written just now
    raise BenchmarkError(f"the kiosk did not cache its content: {line.strip()}")


def _check_alive(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        raise BenchmarkError(f"exited with code {process.returncode} after the first paint")


def _cpu_window(process: subprocess.Popen[str], seconds: float) -> tuple[float, float, float]:
    """CPU % of one core, context switches per second and % of 1 s slices with any switch."""
    pid = process.pid
    cpu_start = read_cpu_seconds(pid)
    switches_start = switches = read_context_switches(pid)
    started_at = time.perf_counter()
    slices = busy = 0
    while (left := started_at + seconds - time.perf_counter()) > 0:
        time.sleep(min(1.0, left))
        _check_alive(process)
        now = read_context_switches(pid)
        slices += 1
        busy += now > switches
        switches = now
    cpu_end = read_cpu_seconds(pid)
    elapsed = time.perf_counter() - started_at
    return (
        (cpu_end - cpu_start) / elapsed * 100,
        max(switches - switches_start, 0) / elapsed,  # a thread that ended takes its count
        busy / max(slices, 1) * 100,
    )


# -- set-up ------------------------------------------------------------------------------------


def _size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size like 1920x1080")
    return int(match[1]), int(match[2])


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Compare the kiosk's first paint, memory and idle CPU with a bare "
        "PySide6 window; prints one JSON line.",
    )
    parser.add_argument(
        "--runs", type=_positive(int), default=5, help="runs of each program (default 5)"
    )
    parser.add_argument(
        "--seconds",
        type=_positive(float),
        default=60.0,
        help="the CPU window after the first paint, in seconds (default 60)",
    )
    parser.add_argument(
        "--size",
        type=_size,
        default=(1920, 1080),
        metavar="WxH",
        help="window size, and the Xvfb screen when no $DISPLAY (default 1920x1080)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--fullscreen",
        dest="windowed",
        action="store_false",
        help="show fullscreen on the X screen, as a clinic runs it (the default)",
    )
    mode.add_argument(
        "--windowed",
        dest="windowed",
        action="store_true",
        help="show a normal window of --size (kiosk --windowed WxH)",
    )
    parser.set_defaults(windowed=False)
    parser.add_argument(
        "--no-warmup",
        dest="warmup",
        action="store_false",
        help="skip the bare window's unrecorded warm-up start (each kiosk still starts once "
        "first, to cache its content)",
    )
    return parser


def write_8s_content(folder: Path) -> Path:
    """A copy of the shipped content.yaml whose pages all stay up for 8 s."""
    from kiosk.paths import bundled_content

    shipped = bundled_content()
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    base = shipped.parent
    clinic = data["clinic"]
    clinic["logo"] = str((base / clinic["logo"]).resolve())
    timing = data.setdefault("timing", {})
    timing["min_seconds"] = PAGE_SECONDS_8S
    timing["max_seconds"] = PAGE_SECONDS_8S
    for section in data["article"]["sections"]:
        if "seconds" in section:
            section["seconds"] = PAGE_SECONDS_8S
        if "image" in section:
            section["image"] = str((base / section["image"]).resolve())
    translations = data.get("languages", {}).get("translations", {})
    for code, relative in translations.items():
        translations[code] = str((base / relative).resolve())
    path = folder / "content-8s.yaml"
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )
    return path


def commands(
    size: tuple[int, int], windowed: bool, content_8s: Path, scratch: Path
) -> dict[str, Callable[[str], list[str]]]:
    """For each configuration, its command line for a run: each kiosk keeps one data folder
    for every run; ``kiosk_first_start`` gets an empty one each time."""
    from kiosk.paths import bundled_content

    python = sys.executable
    width, height = size
    window = ["--windowed", f"{width}x{height}"] if windowed else []

    def kiosk(content: Path, config: str) -> Callable[[str], list[str]]:
        def command(run: str) -> list[str]:
            data_dir = scratch / (f"data-{config}-{run}" if config == FIRST_START else config)
            data_dir.mkdir(exist_ok=True)
            files = ["--content", str(content), "--data-dir", str(data_dir)]
            return [python, "-m", "kiosk", *window, *files]

        return command

    def bare(run: str) -> list[str]:
        mode = "windowed" if windowed else "fullscreen"
        return [python, "-c", BARE_WINDOW, mode, str(width), str(height)]

    return {
        "kiosk": kiosk(bundled_content(), "kiosk"),
        "bare": bare,
        "kiosk_8s": kiosk(content_8s, "kiosk_8s"),
        FIRST_START: kiosk(bundled_content(), FIRST_START),
    }


# -- report ------------------------------------------------------------------------------------


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator > 0 else None


def report(
    args: argparse.Namespace,
    results: dict[str, list[RunResult]],
    first_starts: list[float],
    elapsed: float,
) -> dict[str, Any]:
    """The JSON-ready summary: medians, ratios, targets and raw samples."""
    import PySide6

    decimals = {"first_paint_ms": 1, "cpu_percent": 3, "wakeups_per_s": 2}
    medians: dict[str, dict[str, float]] = {}
    samples: dict[str, dict[str, list[float] | list[str]]] = {}
    for config, runs in results.items():
        medians[config] = {
            name: round(statistics.median(run.metric(name) for run in runs), decimals.get(name, 2))
            for name in METRICS
        }
        samples[config] = {
            name: [round(run.metric(name), decimals.get(name, 2)) for run in runs]
            for name in METRICS
        }
        samples[config]["painted"] = [run.painted for run in runs]
    kiosk, bare, fast = medians["kiosk"], medians["bare"], medians["kiosk_8s"]
    first_paint_ratio = _ratio(kiosk["first_paint_ms"], bare["first_paint_ms"])
    first_start = round(statistics.median(first_starts), 1)
    width, height = args.size
    return {
        "benchmark": "startup",
        "runs": args.runs,
        "cpu_window_s": int(args.seconds) if args.seconds.is_integer() else args.seconds,
        "size": f"{width}x{height}",
        "mode": "windowed" if args.windowed else "fullscreen",
        **{config: medians[config] for config in CONFIGS},
        FIRST_START: {"first_paint_ms": first_start},
        "ratios": {
            "first_paint": first_paint_ratio,
            "first_paint_first_start": _ratio(first_start, bare["first_paint_ms"]),
            "pss": _ratio(kiosk["pss_mib"], bare["pss_mib"]),
            "rss": _ratio(kiosk["rss_mib"], bare["rss_mib"]),
            "anon": _ratio(kiosk["anon_mib"], bare["anon_mib"]),
        },
        "targets": {
            "first_paint_ratio_le_1_5": first_paint_ratio is not None
            and first_paint_ratio <= TARGET_FIRST_PAINT_RATIO,
            "pss_le_100mib": kiosk["pss_mib"] <= TARGET_PSS_MIB,
            "cpu_le_1pct": kiosk["cpu_percent"] <= TARGET_CPU_PCT,
            "cpu_8s_le_1_3pct": fast["cpu_percent"] <= TARGET_CPU_8S_PCT,
        },
        "samples": {
            **{config: samples[config] for config in CONFIGS},
            FIRST_START: {"first_paint_ms": [round(ms, 1) for ms in first_starts]},
        },
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "cpus": os.cpu_count(),
        "loadavg": [round(load, 2) for load in os.getloadavg()],
        "elapsed_s": round(elapsed, 1),
    }


def summarize(summary: dict[str, Any], results: dict[str, list[RunResult]]) -> str:
    """A few lines for people, for stderr."""
    lines = [f"startup benchmark: {summary['runs']} runs, {summary['cpu_window_s']:g} s CPU window"]
    for config in CONFIGS:
        m = summary[config]
        lines.append(
            f"  {config:9} first paint {m['first_paint_ms']:7.1f} ms"
            f"  PSS {m['pss_mib']:6.1f}  RSS {m['rss_mib']:6.1f}  anon {m['anon_mib']:6.1f} MiB"
            f"  CPU {m['cpu_percent']:6.3f} %"
            f"  wakeups {m['wakeups_per_s']:6.2f}/s  busy {m['busy_seconds_pct']:5.1f} % of s"
        )
    ratios = summary["ratios"]
    lines.append(
        f"  {FIRST_START} (content read in full): first paint "
        f"{summary[FIRST_START]['first_paint_ms']:7.1f} ms, {ratios['first_paint_first_start']}x"
    )
    lines.append(
        f"  kiosk/bare: first paint {ratios['first_paint']}x, PSS {ratios['pss']}x, "
        f"RSS {ratios['rss']}x, anon {ratios['anon']}x"
    )
    for target, met in summary["targets"].items():
        lines.append(f"  {'ok  ' if met else 'MISS'} {target}")
    expected = summary["size"]
    for config, runs in results.items():
        sizes = {run.painted for run in runs}
        if sizes != {expected}:
            lines.append(f"  note: {config} painted at {', '.join(sorted(sizes))}, not {expected}")
        extra = sorted({line for run in runs for line in run.extra_stderr})
        if extra:
            lines.append(f"  note: {config} wrote to stderr after its first paint:")
            lines.extend(f"    {line}" for line in extra[:10])
    lines.append(f"  took {summary['elapsed_s']:.0f} s")
    return "\n".join(lines)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not os.environ.get("DISPLAY"):
        reexec_under_xvfb(__file__, args.size)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # stop the children on SIGTERM too
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop(xvfb_mark(__file__), None)
    cwd = Path(__file__).resolve().parent.parent
    # As installed (make setup): the kiosk's bytecode compiled ahead, as PySide6's is by pip.
    compileall.compile_dir(cwd / "kiosk", quiet=1)
    began = time.perf_counter()
    results: dict[str, list[RunResult]] = {config: [] for config in CONFIGS}
    first_starts: list[float] = []
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as scratch_name:
            scratch = Path(scratch_name)
            content_8s = write_8s_content(scratch)
            make = commands(args.size, args.windowed, content_8s, scratch)
            for config in ("kiosk", "kiosk_8s"):
                first_start(make[config]("first"), env, cwd)
            if args.warmup:
                first_paint_only(make["bare"]("warmup"), env, cwd)
            for run in range(args.runs):
                first_ms = first_paint_only(make[FIRST_START](str(run + 1)), env, cwd)[0]
                first_starts.append(first_ms)
                print(
                    f"run {run + 1}/{args.runs} {FIRST_START}: {first_ms:.0f} ms",
                    file=sys.stderr,
                    flush=True,
                )
                for config in CONFIGS:
                    result = measure(config, make[config](str(run + 1)), env, cwd, args.seconds)
                    results[config].append(result)
                    print(
                        f"run {run + 1}/{args.runs} {config}: {result.first_paint_ms:.0f} ms, "
                        f"PSS {result.pss_mib:.1f} MiB, CPU {result.cpu_percent:.3f} %",
                        file=sys.stderr,
                        flush=True,
                    )
    except KeyboardInterrupt:
        print("startup.py: interrupted", file=sys.stderr)
        return 130
    except BenchmarkError as error:
        print(f"startup.py: {error}", file=sys.stderr)
        return 1
    summary = report(args, results, first_starts, time.perf_counter() - began)
    print(summarize(summary, results), file=sys.stderr)
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
