"""The staff PIN (kiosk.core.pin): a salted hash on disk, and the lockout after wrong PINs.

Time never passes by sleeping: each vault is given a clock that the test moves by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from kiosk.core import pin as pin_module
from kiosk.core.pin import PinCheck, PinFileError, PinResult, PinVault, pin_problem
from tests.helpers.clock import FakeClock

FAST_N = 2**10
"""A cheap scrypt cost for the tests that only need some hash (the real one takes ~0.5 s)."""

START = 1_764_000_000.0
"""A wall-clock time (late 2025) the fake clock starts at."""


@pytest.fixture
def clock() -> FakeClock[float]:
    """A wall clock moved by hand."""
    return FakeClock(START)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def vault(data_dir: Path, clock: FakeClock) -> PinVault:
    return PinVault(data_dir, clock, scrypt_n=FAST_N)


@pytest.fixture
def set_vault(vault: PinVault) -> PinVault:
    """A vault whose PIN is 2468."""
    vault.set_pin("2468")
    return vault


def stored(vault: PinVault) -> dict[str, object]:
    return json.loads(vault.path.read_text(encoding="utf-8"))


def wrong(vault: PinVault, times: int) -> list[PinResult]:
    return [vault.check("1111") for _ in range(times)]


def lock_out(vault: PinVault, clock: FakeClock) -> None:
    """Five wrong PINs, then wait for the 60 s lock to end."""
    wrong(vault, 5)
    clock.advance(60)


# --------------------------------------------------------------------------------------------
# What is kept on disk


def test_only_a_salted_hash_is_stored(data_dir: Path) -> None:
    real = PinVault(data_dir)
    real.set_pin("2468")
    raw = real.path.read_bytes()
    assert b"2468" not in raw
    record = stored(real)
    salt = base64.b64decode(str(record["salt"]))
    digest = base64.b64decode(str(record["hash"]))
    assert len(salt) == 16
    assert len(digest) == 32
    expected = hashlib.scrypt(b"2468", salt=salt, n=2**17, r=8, p=1, maxmem=256 << 20, dklen=32)
    assert digest == expected


def test_the_file_records_the_algorithm_and_owasps_parameters(data_dir: Path) -> None:
    """At least OWASP's scrypt parameters (N=2^17, r=8, p=1), so that a leaked file does not
    give up a PIN in minutes."""
    real = PinVault(data_dir)
    real.set_pin("2468")
    record = stored(real)
    assert set(record) == {"format", "algorithm", "n", "r", "p", "maxmem", "dklen", "salt", "hash"}
    assert record["format"] == 1
    assert record["algorithm"] == "scrypt"
    assert (record["n"], record["r"], record["p"]) == (2**17, 8, 1)
    assert record["maxmem"] == 256 * 1024 * 1024
    assert record["dklen"] == 32
    assert real.check("2468").outcome is PinCheck.OK


def test_a_weak_hash_is_made_strong_when_the_right_pin_is_entered(
    data_dir: Path, clock: FakeClock
) -> None:
    PinVault(data_dir, clock, scrypt_n=2**14).set_pin("2468")  # as earlier versions kept it
    old = stored(PinVault(data_dir, clock))
    vault = PinVault(data_dir, clock)
    assert vault.check("1111").outcome is PinCheck.WRONG
    assert stored(vault) == old  # a wrong PIN changes nothing
    assert vault.check("2468").outcome is PinCheck.OK
    record = stored(vault)
    assert record["n"] == 2**17
    assert record["salt"] != old["salt"]
    assert vault.check("2468").outcome is PinCheck.OK
    assert vault.check("1111").outcome is PinCheck.WRONG


def test_the_parameters_are_read_from_the_file(set_vault: PinVault) -> None:
    """A PIN hashed with other parameters (say, by a later version) still checks out."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(b"2468", salt=salt, n=2**10, r=4, p=2, maxmem=64 << 20, dklen=24)
    record = stored(set_vault) | {
        "n": 2**10,
        "r": 4,
        "p": 2,
        "dklen": 24,
        "salt": base64.b64encode(salt).decode(),
        "hash": base64.b64encode(digest).decode(),
    }
    set_vault.path.write_text(json.dumps(record), encoding="utf-8")
    assert set_vault.check("2468").outcome is PinCheck.OK
    assert set_vault.check("2469").outcome is PinCheck.WRONG


def test_the_salt_differs_each_time_a_pin_is_set(vault: PinVault) -> None:
    vault.set_pin("2468")
    first = stored(vault)
    vault.set_pin("2468")
    second = stored(vault)
    assert first["salt"] != second["salt"]
    assert first["hash"] != second["hash"]


def test_files_are_private_to_the_kiosks_user(vault: PinVault, data_dir: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        vault.set_pin("2468")
        vault.check("1111")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(vault.lock_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert sorted(p.name for p in data_dir.iterdir()) == [
        "staff-pin-lock.json",
        "staff-pin.json",
    ]  # no temporary files left behind


def test_writes_replace_the_file_atomically(
    vault: PinVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.set_pin("2468")
    before = vault.path.read_bytes()
    calls: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    def replace(src: str, dst: object) -> None:
        calls.append("replace")
        assert Path(src).parent == vault.path.parent  # a temporary file in the same folder
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pin_module.os, "fsync", fsync)
    monkeypatch.setattr(pin_module.os, "replace", replace)
    with pytest.raises(PinFileError, match="No space left on device") as info:
        vault.set_pin("1357")
    assert str(vault.path) in str(info.value)
    assert calls == ["fsync", "replace"]  # the data reached the disk before the rename
    assert vault.path.read_bytes() == before  # the old PIN is untouched
    assert [p.name for p in vault.path.parent.iterdir()] == ["staff-pin.json"]


def test_the_folder_is_synced_after_the_rename(
    vault: PinVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(pin_module.os, "fsync", fsync)
    vault.set_pin("2468")
    assert synced[:2] == ["file", "dir"]


# --------------------------------------------------------------------------------------------
# Setting and checking


def test_no_pin_is_set_at_first(vault: PinVault, data_dir: Path) -> None:
    assert not vault.is_set()
    assert vault.check("2468") == PinResult(PinCheck.NOT_SET)
    assert vault.seconds_locked() == 0
    assert not data_dir.exists()  # checking creates nothing


def test_the_right_pin_is_ok_and_a_wrong_one_is_not(set_vault: PinVault) -> None:
    assert set_vault.is_set()
    assert set_vault.check("2468") == PinResult(PinCheck.OK)
    assert set_vault.check("2469") == PinResult(PinCheck.WRONG, attempts_left=4)
    assert set_vault.check("24680") == PinResult(PinCheck.WRONG, attempts_left=3)
    assert set_vault.check("") == PinResult(PinCheck.WRONG, attempts_left=2)
    assert set_vault.check("2468") == PinResult(PinCheck.OK)


def test_a_new_pin_replaces_the_old_one(set_vault: PinVault) -> None:
    set_vault.set_pin("13579")
    assert set_vault.check("2468").outcome is PinCheck.WRONG
    assert set_vault.check("13579").outcome is PinCheck.OK


def test_a_pin_set_by_another_process_counts_at_once(set_vault: PinVault, data_dir: Path) -> None:
    """`kiosk set-pin` while the kiosk runs: the running vault reads the new PIN."""
    PinVault(data_dir).set_pin("9753")
    assert set_vault.check("9753").outcome is PinCheck.OK


@pytest.mark.parametrize("good", ["0000", "1234", "000000000000", "987654321012"])
def test_four_to_twelve_digits_are_accepted(good: str, vault: PinVault) -> None:
    vault.set_pin(good)
    assert vault.check(good).outcome is PinCheck.OK


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "no PIN was given"),
        ("123", "the staff PIN must be 4 to 12 digits long, got 3"),
        ("1234567890123", "the staff PIN must be 4 to 12 digits long, got 13"),
        ("12ab", "the staff PIN must be digits only (0 to 9): no letters, spaces or other signs"),
        (" 1234", "the staff PIN must be digits only (0 to 9): no letters, spaces or other signs"),
        ("-1234", "the staff PIN must be digits only (0 to 9): no letters, spaces or other signs"),
        (
            "\u0661\u0662\u0663\u0664",
            "the staff PIN must be digits only (0 to 9): no letters, spaces or other signs",
        ),
        (
            "\uff11\uff12\uff13\uff14",
            "the staff PIN must be digits only (0 to 9): no letters, spaces or other signs",
        ),
    ],
    ids=["empty", "short", "long", "letters", "space", "sign", "arabic-digits", "wide-digits"],
)
def test_bad_pins_are_refused_with_a_reason(bad: str, message: str, vault: PinVault) -> None:
    assert pin_problem(bad) == message
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        vault.set_pin(bad)
    assert not vault.is_set()


def test_the_comparison_takes_constant_time(
    set_vault: PinVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert set_vault.check("2468").outcome is PinCheck.OK
    assert set_vault.check("1111").outcome is PinCheck.WRONG
    assert len(compared) == 2
    digest = base64.b64decode(str(stored(set_vault)["hash"]))
    assert all(b == digest and len(a) == 32 for a, b in compared)


# --------------------------------------------------------------------------------------------
# Lockout


def test_five_wrong_pins_lock_the_pad_for_a_minute(set_vault: PinVault, clock: FakeClock) -> None:
    results = wrong(set_vault, 5)
    assert [r.attempts_left for r in results[:4]] == [4, 3, 2, 1]
    assert all(r.outcome is PinCheck.WRONG and r.seconds_locked == 0 for r in results[:4])
    assert results[4] == PinResult(PinCheck.WRONG, seconds_locked=60, attempts_left=0)
    assert set_vault.seconds_locked() == 60
    clock.advance(20)
    assert set_vault.check("2468") == PinResult(PinCheck.LOCKED, seconds_locked=40)
    assert set_vault.check("1111") == PinResult(PinCheck.LOCKED, seconds_locked=40)
    assert set_vault.seconds_locked() == 40
    clock.advance(40)
    assert set_vault.seconds_locked() == 0
    assert set_vault.check("2468") == PinResult(PinCheck.OK)


def test_a_locked_pad_does_not_even_hash(
    set_vault: PinVault, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong(set_vault, 5)

    def no_hashing(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("hashed a PIN while locked")

    monkeypatch.setattr(pin_module.hashlib, "scrypt", no_hashing)
    assert set_vault.check("2468").outcome is PinCheck.LOCKED


def test_locked_attempts_do_not_lengthen_the_lock(set_vault: PinVault, clock: FakeClock) -> None:
    wrong(set_vault, 5)
    for _ in range(20):
        clock.advance(1)
        assert set_vault.check("1111").outcome is PinCheck.LOCKED
    clock.advance(40)
    assert set_vault.seconds_locked() == 0


def test_each_wrong_pin_after_a_lockout_locks_again_for_twice_as_long(
    set_vault: PinVault, clock: FakeClock
) -> None:
    lock_out(set_vault, clock)
    lengths = []
    for _ in range(8):
        result = set_vault.check("1111")
        assert result.outcome is PinCheck.WRONG
        assert result.attempts_left == 0
        lengths.append(result.seconds_locked)
        assert set_vault.seconds_locked() == result.seconds_locked
        clock.advance(result.seconds_locked - 1)
        assert set_vault.check("2468").outcome is PinCheck.LOCKED
        clock.advance(1)
    assert lengths == [120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_the_right_pin_resets_the_count(set_vault: PinVault, clock: FakeClock) -> None:
    wrong(set_vault, 4)
    assert set_vault.check("2468").outcome is PinCheck.OK
    assert not set_vault.lock_path.exists()
    assert wrong(set_vault, 1)[0] == PinResult(PinCheck.WRONG, attempts_left=4)


def test_the_right_pin_after_a_lockout_resets_everything(
    set_vault: PinVault, clock: FakeClock
) -> None:
    lock_out(set_vault, clock)
    set_vault.check("1111")  # 120 s
    clock.advance(120)
    assert set_vault.check("2468").outcome is PinCheck.OK
    results = wrong(set_vault, 5)
    assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
    assert results[4].seconds_locked == 60  # back to the first lock's length


def test_setting_a_pin_ends_a_lockout(set_vault: PinVault) -> None:
    wrong(set_vault, 5)
    set_vault.set_pin("8642")
    assert set_vault.seconds_locked() == 0
    assert set_vault.check("8642").outcome is PinCheck.OK


def test_the_lockout_survives_a_restart(
    set_vault: PinVault, data_dir: Path, clock: FakeClock
) -> None:
    wrong(set_vault, 3)
    restarted = PinVault(data_dir, clock)
    assert restarted.check("1111").attempts_left == 1
    assert PinVault(data_dir, clock).check("1111").seconds_locked == 60
    clock.advance(30)
    again = PinVault(data_dir, clock)
    assert again.seconds_locked() == 30
    assert again.check("2468") == PinResult(PinCheck.LOCKED, seconds_locked=30)
    clock.advance(30)
    assert PinVault(data_dir, clock).check("1111").seconds_locked == 120


def test_the_lock_file_records_the_state(set_vault: PinVault, clock: FakeClock) -> None:
    wrong(set_vault, 5)
    state = json.loads(set_vault.lock_path.read_text(encoding="utf-8"))
    assert state == {"format": 1, "failures": 5, "lock_seconds": 60, "locked_until": START + 60}


def test_a_clock_that_goes_back_does_not_stretch_the_lock(
    set_vault: PinVault, clock: FakeClock
) -> None:
    wrong(set_vault, 5)
    clock.advance(-86_400)  # the clock was set back a day
    assert set_vault.seconds_locked() == 60  # not a day and a minute
    clock.advance(60)
    assert set_vault.check("2468").outcome is PinCheck.OK


def test_a_wrong_pin_that_cannot_be_counted_is_an_error(
    set_vault: PinVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: if the count cannot be saved, the pad must not allow endless tries."""

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pin_module.os, "replace", full)
    with pytest.raises(PinFileError, match=r"staff-pin-lock\.json: No space left on device"):
        set_vault.check("1111")


def test_while_attempts_cannot_be_recorded_not_even_the_right_pin_is_accepted(
    set_vault: PinVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk must not turn the lockout off: the attempt is counted before the PIN is
    compared, so nothing is compared (or accepted) while counting fails."""

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    def compared(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("compared a PIN whose attempt was not recorded")

    monkeypatch.setattr(pin_module.os, "replace", full)
    monkeypatch.setattr(pin_module, "_scrypt", compared)
    for _ in range(20):
        with pytest.raises(PinFileError, match=r"attempts cannot be recorded.*No space left"):
            set_vault.check("2468")
    monkeypatch.undo()
    assert set_vault.check("2468").outcome is PinCheck.OK  # once the disk has room again


def test_an_attempt_is_on_disk_before_the_pin_is_compared(
    set_vault: PinVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A power cut while hashing leaves the attempt counted (as wrong)."""
    seen: list[int] = []
    real = pin_module._scrypt

    def hashing(*args: Any) -> bytes:
        seen.append(json.loads(set_vault.lock_path.read_text(encoding="utf-8"))["failures"])
        return real(*args)

    monkeypatch.setattr(pin_module, "_scrypt", hashing)
    set_vault.check("1111")
    set_vault.check("2468")
    assert seen == [1, 2]
    assert not set_vault.lock_path.exists()  # the right PIN cleared the count


def test_logs_say_what_happened_without_the_pin(
    set_vault: PinVault, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kiosk")
    set_vault.set_pin("2468")
    wrong(set_vault, 5)
    set_vault.check("1111")  # locked
    clock.advance(60)
    set_vault.check("3333")
    clock.advance(120)
    set_vault.check("2468")
    messages = [r.getMessage() for r in caplog.records]
    assert "wrong staff PIN (1 of 5)" in messages
    assert "wrong staff PIN (5 of 5)" in messages
    assert "staff PIN locked for 60 s" in messages
    assert "staff PIN locked for 120 s" in messages
    text = "\n".join(messages + [str(r.args) for r in caplog.records])
    for pin in ("2468", "1111", "3333"):
        assert pin not in text


# --------------------------------------------------------------------------------------------
# Damaged files are errors, never "no PIN"


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "it is not valid JSON"),
        (b"{not json", "it is not valid JSON"),
        (b"\xff\xfe", "it is not valid JSON"),
        (b"[]", "it does not hold a JSON object"),
        (b'{"format": 2}', "its format is 2; this kiosk reads format 1"),
        (b'{"format": 1}', "'algorithm' is missing"),
        (b'{"format": 1, "algorithm": "md5"}', "unknown algorithm 'md5'"),
    ],
    ids=["empty", "not-json", "not-utf8", "list", "newer-format", "no-algorithm", "md5"],
)
def test_a_damaged_pin_file_is_an_error(
    content: bytes, why: str, set_vault: PinVault, data_dir: Path
) -> None:
    set_vault.path.write_bytes(content)
    vault = PinVault(data_dir)
    for call in (vault.is_set, lambda: vault.check("2468"), vault.seconds_locked):
        with pytest.raises(PinFileError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"the staff PIN file {vault.path} is damaged (")
        assert why in message
        assert message.endswith("; set the PIN again with: kiosk set-pin")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"n": 1000}, "n must be a power of 2"),
        ({"n": "16384"}, "n must be a whole number"),
        ({"r": True}, "r must be a whole number"),
        ({"n": 2**30}, "need too much memory"),
        ({"salt": "not base64!"}, "salt is not base64 text"),
        ({"hash": "AAAA"}, "wrong length"),
        ({"dklen": 31}, "wrong length"),
    ],
)
def test_bad_parameters_are_an_error(
    change: dict[str, object], why: str, set_vault: PinVault
) -> None:
    set_vault.path.write_text(json.dumps(stored(set_vault) | change), encoding="utf-8")
    with pytest.raises(PinFileError, match="is damaged") as info:
        set_vault.check("2468")
    assert why in str(info.value)


def test_parameters_scrypt_refuses_are_an_error(set_vault: PinVault) -> None:
    set_vault.path.write_text(
        json.dumps(stored(set_vault) | {"maxmem": 128 * FAST_N * 8}), encoding="utf-8"
    )  # just enough by the file's own count, too little for OpenSSL
    with pytest.raises(PinFileError, match="scrypt refused its parameters"):
        set_vault.check("2468")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"format": 1, "failures": -1, "lock_seconds": 0, "locked_until": 0}',
        b'{"format": 1, "failures": 5, "lock_seconds": 99999, "locked_until": 0}',
        b'{"format": 1, "failures": 5, "lock_seconds": 60, "locked_until": NaN}',
        b'{"format": 1, "failures": 5, "lock_seconds": 60}',
    ],
    ids=["empty", "negative", "too-long", "nan", "missing"],
)
def test_a_damaged_lock_file_is_an_error(content: bytes, set_vault: PinVault) -> None:
    set_vault.lock_path.write_bytes(content)
    with pytest.raises(PinFileError, match=r"staff-pin-lock\.json is damaged"):
        set_vault.check("2468")
    set_vault.set_pin("2468")  # the way out the message names
    assert set_vault.check("2468").outcome is PinCheck.OK


def test_an_unreadable_pin_file_is_an_error(set_vault: PinVault) -> None:
    set_vault.path.unlink()
    set_vault.path.mkdir()  # reading a folder fails with an OSError other than "not found"
    with pytest.raises(PinFileError, match=f"cannot read the staff PIN file {set_vault.path}: "):
        set_vault.is_set()


def test_a_data_folder_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    vault = PinVault(tmp_path / "data")
    with pytest.raises(PinFileError, match="cannot write the staff PIN file"):
        vault.set_pin("2468")
