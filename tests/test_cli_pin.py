"""``kiosk set-pin``, run as staff run it: from a script (in-process, and once in a real process
through a pipe) or on a terminal (a real process on a pseudo-terminal)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.core.pin import PinCheck, PinVault
from tests.helpers.cli import Cli, Ran, run_kiosk
from tests.helpers.terminal import Terminal

PROMPT = "New staff PIN (4 to 12 digits; 6 or more suggested): "
NOT_CHANGED = "; the PIN was not changed."
DIGITS_ONLY = "the staff PIN must be digits only (0 to 9): no letters, spaces or other signs"

SetPin = Callable[..., Ran]


@pytest.fixture
def set_pin(cli: Cli) -> SetPin:
    """``kiosk ARGS`` with ``stdin`` (default one PIN) as its standard input, not a terminal."""

    def run(*args: str, stdin: str = "1234\n", env: dict[str, str] | None = None) -> Ran:
        return cli(*args, stdin=stdin, env=env)

    return run


def pin_file(data_dir: Path) -> Path:
    return data_dir / PinVault.FILE_NAME


# --------------------------------------------------------------------------------------------
# From a script: one line on standard input


def test_set_pin_from_standard_input(tmp_path: Path) -> None:
    """In a real process, the PIN through a pipe."""
    data = tmp_path / "data"
    result = run_kiosk("--data-dir", str(data), "set-pin", stdin="1234\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Staff PIN set.\n"
    assert "1234" not in result.stdout + result.stderr
    path = pin_file(data)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert b"1234" not in path.read_bytes()
    assert PinVault(data).check("1234").outcome is PinCheck.OK
    assert PinVault(data).check("4321").outcome is PinCheck.WRONG


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("12ab\n", DIGITS_ONLY),
        ("123\n", "the staff PIN must be 4 to 12 digits long, got 3"),
        ("1234567890123\n", "the staff PIN must be 4 to 12 digits long, got 13"),
        ("12 34\n", DIGITS_ONLY),
        ("", "no PIN was given"),
        ("\n", "no PIN was given"),
    ],
    ids=["letters", "short", "long", "inner-space", "nothing", "empty-line"],
)
def test_a_bad_pin_is_refused_with_one_clear_line(
    set_pin: SetPin, tmp_path: Path, stdin: str, message: str
) -> None:
    data = tmp_path / "data"
    result = set_pin("--data-dir", str(data), "set-pin", stdin=stdin)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"kiosk set-pin: {message}{NOT_CHANGED}\n"
    assert not pin_file(data).exists()


def test_a_refused_pin_leaves_the_old_one(set_pin: SetPin, tmp_path: Path) -> None:
    PinVault(tmp_path).set_pin("2468")
    result = set_pin("--data-dir", str(tmp_path), "set-pin", stdin="12ab\n")
    assert result.returncode == 1
    assert "12ab" not in result.stdout + result.stderr
    assert PinVault(tmp_path).check("2468").outcome is PinCheck.OK


def test_only_the_first_line_is_read_and_line_ends_do_not_count(
    set_pin: SetPin, tmp_path: Path
) -> None:
    result = set_pin("--data-dir", str(tmp_path), "set-pin", stdin=" 5678\r\n9999\n")
    assert result.returncode == 0, result.stderr
    assert PinVault(tmp_path).check("5678").outcome is PinCheck.OK


def test_a_new_pin_replaces_the_old_one_and_ends_a_lockout(set_pin: SetPin, tmp_path: Path) -> None:
    vault = PinVault(tmp_path)
    vault.set_pin("2468")
    for _ in range(5):
        vault.check("1111")
    assert vault.seconds_locked() > 0
    result = set_pin("--data-dir", str(tmp_path), "set-pin", stdin="97531\n")
    assert result.returncode == 0, result.stderr
    assert vault.seconds_locked() == 0
    assert vault.check("2468").outcome is PinCheck.WRONG
    assert vault.check("97531").outcome is PinCheck.OK


def test_the_data_folder_comes_from_kiosk_data_dir(set_pin: SetPin, tmp_path: Path) -> None:
    result = set_pin("set-pin", env={"KIOSK_DATA_DIR": str(tmp_path / "env")})
    assert result.returncode == 0, result.stderr
    assert PinVault(tmp_path / "env").check("1234").outcome is PinCheck.OK


def test_a_folder_that_cannot_be_written_is_reported(set_pin: SetPin, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = set_pin("--data-dir", str(blocker / "data"), "set-pin")
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"kiosk set-pin: cannot write the staff PIN file {blocker / 'data' / PinVault.FILE_NAME}: "
    )
    assert result.stderr.endswith(f"{NOT_CHANGED}\n")
    assert "Traceback" not in result.stderr


def test_help_lists_set_pin(set_pin: SetPin) -> None:
    result = set_pin("--help", stdin="")
    assert result.returncode == 0
    assert "set-pin" in result.stdout
    assert "set the staff PIN (asked twice, not shown)" in " ".join(result.stdout.split())


def test_set_pin_help_suggests_six_digits(set_pin: SetPin) -> None:
    result = set_pin("set-pin", "--help", stdin="")
    assert result.returncode == 0
    assert "use 6 or more" in " ".join(result.stdout.split())


# --------------------------------------------------------------------------------------------
# On a terminal: asked twice, not shown


@pytest.fixture
def terminal(tmp_path: Path):
    term = Terminal(["--data-dir", str(tmp_path), "set-pin"])
    yield term
    if term.process.poll() is None:
        term.process.kill()
        term.process.wait(timeout=30)


def test_on_a_terminal_the_pin_is_asked_twice_and_not_shown(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.expect(PROMPT)
    terminal.type("8642")
    terminal.expect("Again: ")
    terminal.type("8642")
    assert terminal.finish() == 0
    assert "Staff PIN set." in terminal.text
    assert "8642" not in terminal.text  # never echoed
    assert PinVault(tmp_path).check("8642").outcome is PinCheck.OK


def test_on_a_terminal_two_different_pins_are_refused(terminal: Terminal, tmp_path: Path) -> None:
    terminal.expect(PROMPT)
    terminal.type("8642")
    terminal.expect("Again: ")
    terminal.type("8643")
    assert terminal.finish() == 1
    assert f"kiosk set-pin: the two PINs are not the same{NOT_CHANGED}" in terminal.text
    assert not pin_file(tmp_path).exists()


def test_on_a_terminal_a_bad_pin_is_refused_at_once(terminal: Terminal, tmp_path: Path) -> None:
    terminal.expect(PROMPT)
    terminal.type("12ab")
    assert terminal.finish() == 1
    assert f"kiosk set-pin: {DIGITS_ONLY}{NOT_CHANGED}" in terminal.text
    assert "Again: " not in terminal.text
    assert not pin_file(tmp_path).exists()
