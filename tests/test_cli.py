"""The command line: ``kiosk check``, ``kiosk screenshots`` and ``--help`` run in-process
(``kiosk.cli.main``), reading their output and exit code; a real process where only one shows it
(no display, a FIFO that must not hang)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.helpers.cli import Cli, Ran, run_kiosk

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content.yaml"

Kiosk = Callable[..., Ran]


@pytest.fixture
def kiosk(cli: Cli) -> Kiosk:
    def run(*args: str, env: dict[str, str] | None = None) -> Ran:
        return cli(*args, env=env)

    return run


def test_check_the_shipped_content(kiosk: Kiosk):
    # Qt's mock speech engine (English voices only), so that the voices are the same everywhere.
    result = kiosk("check", str(CONTENT), "--speech-engine", "mock")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("OK: 4 sections, ")
    assert lines[0].endswith(" pages at 1920x1080")
    # Pages and line lengths at every shape of screen, the languages; nothing to warn about
    # but the sample translations, which no clinician has reviewed yet.
    shapes = ["1024x600", "1280x800", "1920x1080", "3840x2160", "1080x1920", "languages"]
    assert [line.split(":")[0].strip() for line in lines[1:7]] == shapes
    assert lines[6] == "  languages: English (en), Español (es), 中文 (zh), العربية (ar)"
    warnings = [line for line in lines if line.startswith("warning:")]
    assert warnings == [
        f"warning: {REPO / 'resources' / 'languages' / f'{code}.yaml'}:8: reviewed: this {name} "
        "translation has not been reviewed by a clinician yet; have one check it, then set "
        "reviewed: true"
        for code, name in (("es", "Español"), ("zh", "中文"), ("ar", "العربية"))
    ] + [
        "warning: read aloud: no mock voice installed for Español (es), 中文 (zh), العربية (ar); "
        "read aloud reads that text with another language's voice, which a listener may not "
        "understand"
    ]


def test_check_a_broken_copy_lists_file_line_and_key(kiosk: Kiosk, tmp_path):
    text = CONTENT.read_text(encoding="utf-8")
    text = text.replace('text: "#1B1B1B"', 'text: "dark grey"')
    text = text.replace("  fade_ms: 600", "  fade_ms: fast")
    broken = tmp_path / "content.yaml"
    broken.write_text(text, encoding="utf-8")
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "logo.svg").write_bytes((REPO / "resources/logo.svg").read_bytes())
    shutil.copytree(REPO / "resources" / "languages", tmp_path / "resources" / "languages")

    result = kiosk("check", str(broken))
    assert result.returncode == 1
    lines = text.splitlines()
    color_line = next(i for i, line in enumerate(lines, 1) if "dark grey" in line)
    fade_line = next(i for i, line in enumerate(lines, 1) if "fade_ms: fast" in line)
    assert f"{broken}:{color_line}: clinic.colors.text:" in result.stdout
    assert f"{broken}:{fade_line}: timing.fade_ms:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_a_missing_file_says_so(kiosk: Kiosk):
    result = kiosk("check", "/nonexistent/content.yaml")
    assert result.returncode == 1
    assert "/nonexistent/content.yaml" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_refuses_a_fifo_at_once(tmp_path):
    """`kiosk check` on a FIFO used to hang until something wrote to it."""
    fifo = tmp_path / "content.yaml"
    os.mkfifo(fifo)
    result = run_kiosk("check", str(fifo), timeout=60)  # a real process: a hang is caught
    assert result.returncode == 1
    assert f"{fifo}: cannot read the file: it is a FIFO (named pipe), not a regular file" in (
        result.stdout
    )


def test_kiosk_content_env_is_used_by_check(kiosk: Kiosk, tmp_path):
    result = kiosk("check", env={"KIOSK_CONTENT": str(tmp_path / "missing.yaml")})
    assert result.returncode == 1
    assert "missing.yaml" in result.stdout


def test_without_a_display_it_says_what_to_do():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--content", str(CONTENT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no display" in result.stderr
    assert "xvfb-run" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert "Traceback" not in result.stderr


def test_screenshots_writes_every_page(kiosk: Kiosk, tmp_path):
    result = kiosk("screenshots", str(tmp_path), "--size", "1024x600", "--size", "1080x1920")
    assert result.returncode == 0, result.stderr
    small = sorted(tmp_path.glob("slide-1024x600-*.png"))
    tall = sorted(tmp_path.glob("slide-1080x1920-*.png"))
    assert small
    assert tall
    image = QImage(str(tall[0]))
    assert (image.width(), image.height()) == (1080, 1920)


def test_a_bad_size_is_refused_clearly(kiosk: Kiosk, tmp_path):
    result = kiosk("screenshots", str(tmp_path), "--size", "big")
    assert result.returncode == 2
    assert "'big' is not a size like 1920x1080" in result.stderr


@pytest.mark.parametrize("command", [[], ["check"], ["screenshots"]])
def test_help_explains_each_command(kiosk: Kiosk, command):
    result = kiosk(*command, "--help")
    assert result.returncode == 0
    assert "usage: kiosk" in result.stdout
    if not command:
        for name in ("check", "screenshots", "--content", "--data-dir", "--windowed"):
            assert name in result.stdout


def test_screenshots_include_every_other_screen(kiosk: Kiosk, tmp_path):
    result = kiosk("screenshots", str(tmp_path), "--size", "1024x600")
    assert result.returncode == 0, result.stderr
    names = {p.name for p in tmp_path.glob("*.png") if not p.name.startswith("slide-")}
    assert names == {
        f"{screen}-1024x600.png"
        for screen in (
            "form",
            "form-errors",
            "form-still-there",
            "thanks",
            "access-panel",
            "pin-pad",
            "staff",
            "sleep",
        )
    }


def test_screenshots_as_a_visitor_who_chose_extra_large_text(kiosk: Kiosk, tmp_path):
    result = kiosk("screenshots", str(tmp_path), "--size", "1024x600", "--access", "extra_large")
    assert result.returncode == 0, result.stderr
    slides = sorted(tmp_path.glob("slide-1024x600-*-extra-large.png"))
    assert len(slides) > 8  # the shipped article takes 8 pages at the standard size
    assert (tmp_path / "form-still-there-1024x600-extra-large.png").exists()


@pytest.mark.parametrize(
    ("args", "stdin", "code"),
    [
        (("--version",), "", 0),  # through argparse's SystemExit
        (("set-pin",), "12ab\n", 1),  # one line on standard error
        (("requests", "list", "--since", "yesterday"), "", 2),  # a usage mistake
    ],
    ids=["version", "refused", "usage"],
)
def test_in_process_a_command_says_what_a_real_process_says(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], stdin: str, code: int
):
    """tests/helpers/cli.py against ``python -m kiosk``: the same exit code, output and errors."""
    full = ("--data-dir", str(tmp_path / "data"), *args)
    real = run_kiosk(*full, stdin=stdin)
    assert real.returncode == code, real.stderr
    assert real.stdout + real.stderr  # each says something
    ran = cli(*full, stdin=stdin)
    assert (ran.returncode, ran.stdout, ran.stderr) == (real.returncode, real.stdout, real.stderr)


def test_the_console_script_runs(tmp_path: Path):
    """The ``kiosk`` entry point pyproject.toml installs, in a real process."""
    script = Path(sys.executable).with_name("kiosk")
    if not script.exists():
        pytest.skip("no kiosk script next to this Python (not installed with pip install -e)")
    result = run_kiosk("--data-dir", str(tmp_path), "set-pin", stdin="", program=[str(script)])
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "kiosk set-pin: no PIN was given; the PIN was not changed.\n"


def test_the_garbage_collector_is_off_only_while_the_kiosk_starts(
    kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """The entry point turns it off before the kiosk's modules are imported; any other command
    turns it on at once (the kiosk does once its first screen is up: tests/system/test_screen.py).
    """
    import gc

    from kiosk import __main__ as entry_point
    from kiosk import cli

    seen: dict[str, bool] = {}

    def recorder(name: str) -> Callable[..., int]:
        def handler(*args: object) -> int:
            seen[name] = gc.isenabled()
            return 0

        return handler

    was_on = gc.isenabled()
    try:
        with monkeypatch.context() as patch:
            patch.setattr(cli, "main", recorder("command line"))
            gc.enable()
            assert entry_point.main() == 0
        assert seen == {"command line": False}

        monkeypatch.setattr(cli, "_cmd_run", recorder("starting the kiosk"))
        monkeypatch.setattr(cli, "_cmd_inbox", recorder("the front-desk inbox"))
        gc.disable()
        assert kiosk("--windowed").returncode == 0
        assert seen["starting the kiosk"] is False

        gc.disable()
        assert kiosk("inbox", "--service", "clinic-inbox").returncode == 0
        assert seen["the front-desk inbox"] is True

        gc.disable()
        assert kiosk("check", str(tmp_path / "missing.yaml")).returncode == 1
        assert gc.isenabled()
    finally:
        (gc.enable if was_on else gc.disable)()


@pytest.mark.parametrize("asked", [["--help"], ["--hel"], ["-vh"], ["check", "--he"]])
def test_help_however_it_is_asked_for_lists_every_command(kiosk: Kiosk, asked: list[str]):
    """Starting the kiosk parses without the command modules; help must still name them all."""
    result = kiosk(*asked)
    assert result.returncode == 0, result.stderr
    if asked[0] == "check":
        assert "--speech-engine" in result.stdout
    else:
        for command in ("check", "screenshots", "set-pin", "requests", "install-service"):
            assert command in result.stdout
