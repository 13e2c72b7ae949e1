"""The command line run in the test's own process: ``kiosk.cli.main(argv)``, as
``python -m kiosk ARGS`` runs it (but with the garbage collector left on, which only
``kiosk/__main__.py`` turns off), with its exit code, standard output and standard error.

A subprocess per command cost each test a second of Python and Qt start-up; the few tests that
need a real process (the console script, a terminal, dropped privileges, a hang guarded by a
timeout) still start one with :func:`run_kiosk`.

In the process, what a command changes for itself is undone afterwards: the environment,
the working folder, ``sys.argv`` and ``sys.stdin``, the logging set-up (``main`` configures it
as it would in a fresh process, so log lines reach standard error as they would there) and any
logger's level (commands quieten ``kiosk.storage``).
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

import kiosk
from kiosk.cli import main

REPO = Path(__file__).resolve().parents[2]
ENTRY_POINT = Path(kiosk.__file__ or "").with_name("__main__.py")
"""What ``sys.argv[0]`` is under ``python -m kiosk`` (``install-service`` looks at it)."""


@dataclass(frozen=True)
class Ran:
    """What a command did: read like :class:`subprocess.CompletedProcess`."""

    returncode: int
    stdout: str
    stderr: str


class Cli:
    """Runs ``kiosk ARGS`` in-process; a test gets one from the ``cli`` fixture."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(
        self,
        *args: str,
        stdin: str = "",
        env: Mapping[str, str] | None = None,
        unset: Sequence[str] = (),
        cwd: Path = REPO,
    ) -> Ran:
        """Run ``kiosk *args`` with ``stdin`` as its standard input (not a terminal), ``env``
        added to the environment and ``unset`` removed from it, in the folder ``cwd``."""
        self._capsys.readouterr()  # what came before is not this command's
        with self._monkeypatch.context() as patch:
            patch.setattr(sys, "argv", [str(ENTRY_POINT), *args])
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            patch.setenv("QT_QPA_PLATFORM", "offscreen")
            for name in unset:
                patch.delenv(name, raising=False)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            patch.chdir(cwd)
            with _environment_kept(), _logging_as_in_a_fresh_process():
                try:
                    code = main(list(args))
                except SystemExit as stop:  # argparse: --help, usage mistakes
                    code = _exit_status(stop.code)
        out, err = self._capsys.readouterr()
        return Ran(code, out, err)


def _exit_status(code: object) -> int:
    """The exit status Python gives ``sys.exit(code)``: None is 0; a message is printed, 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


@contextmanager
def _environment_kept() -> Iterator[None]:
    """Undo what the command sets in ``os.environ`` itself (``QT_LOGGING_RULES``...)."""
    before = dict(os.environ)
    try:
        yield
    finally:
        for name in set(os.environ) - set(before):
            del os.environ[name]
        for name, value in before.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


@contextmanager
def _logging_as_in_a_fresh_process() -> Iterator[None]:
    """The root logger without pytest's handlers, so ``main``'s ``logging.basicConfig`` sets
    it up as in a fresh process (to standard error, at INFO); all as before afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = logging.Logger.manager.loggerDict
    levels = {name: lg.level for name, lg in loggers.items() if isinstance(lg, logging.Logger)}
    root.handlers = []
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.flush()
        root.handlers = handlers
        root.setLevel(level)
        for name, logger in loggers.items():
            if isinstance(logger, logging.Logger):
                logger.setLevel(levels.get(name, logging.NOTSET))


def run_kiosk(
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    unset: Sequence[str] = (),
    cwd: Path = REPO,
    program: Sequence[str] = (sys.executable, "-m", "kiosk"),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``kiosk ARGS`` in a real process (``python -m kiosk`` unless ``program`` says which),
    offscreen, for the smoke tests that need one."""
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    for name in unset:
        full_env.pop(name, None)
    return subprocess.run(
        [*program, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )
