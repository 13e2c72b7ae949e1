"""The staff PIN: a salted scrypt hash on disk, and a lockout after wrong PINs.

Two small JSON files in the kiosk's data folder, both written atomically with mode 0600:

``staff-pin.json`` (written only by :meth:`PinVault.set_pin`, i.e. ``kiosk set-pin``)::

    {"format": 1, "algorithm": "scrypt", "n": 131072, "r": 8, "p": 1,
     "maxmem": 268435456, "dklen": 32, "salt": "<base64>", "hash": "<base64>"}

The parameters are OWASP's for scrypt (N=2^17, r=8, p=1: about half a second a guess here, so a
leaked file does not give up even a 4-digit PIN in minutes). They are read back from the file
when a PIN is checked, so they can be raised later without making existing PINs unusable; a
hash made with weaker ones is made again with today's the next time the right PIN is entered.

``staff-pin-lock.json`` (written by :meth:`PinVault.check`; absent means "no wrong PINs")::

    {"format": 1, "failures": 6, "lock_seconds": 120, "locked_until": 1764201234.5}

Every attempt is counted before the PIN is compared (and the count taken back when it was
right), so when attempts cannot be recorded (disk full, read-only folder) no PIN is accepted:
:meth:`PinVault.check` raises :class:`PinFileError` and the pad says staff sign-in is unavailable.

Lockout policy: the first ``MAX_FAILURES`` (5) wrong PINs in a row are counted; the fifth locks
the pad for ``FIRST_LOCK_SECONDS`` (60 s). After a lockout the count does not start again:
every further wrong PIN, until a correct one, locks the pad again for twice as long as the time
before (120 s, 240 s, ... at most ``MAX_LOCK_SECONDS``, 3600 s). While locked, :meth:`check`
answers LOCKED without hashing anything. A correct PIN, or setting a new one, clears it all.

The files are read again on every call (they are tiny), so a PIN set with ``kiosk set-pin``
while the kiosk runs counts at once, and the count of wrong PINs survives a restart. Time is
the injected wall clock; if it goes backwards, a lock never lasts longer than its own length.

A PIN file that cannot be read or makes no sense raises :class:`PinFileError`: it is never
taken as "no PIN is set". Nothing here logs a PIN or an attempt, only counts.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.files import fsync_folder, os_reason, write_atomically

__all__ = ["PinCheck", "PinFileError", "PinResult", "PinVault", "pin_problem"]

log = logging.getLogger(__name__)

MIN_DIGITS = 4
MAX_DIGITS = 12
_PIN = re.compile(rf"[0-9]{{{MIN_DIGITS},{MAX_DIGITS}}}")  # ASCII digits only

FORMAT = 1
"""The version of both files' layout."""

ALGORITHM = "scrypt"
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
"""OWASP's minimum for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1."""
SCRYPT_MAXMEM = 256 * 1024 * 1024
"""Explicit: OpenSSL's default limit (32 MiB) refuses these parameters (they need 128 MiB)."""
SCRYPT_DKLEN = 32
SALT_BYTES = 16

_LARGEST_MAXMEM = 1024 * 1024 * 1024
"""A PIN file asking for more memory than this is refused as damaged."""
_LARGEST_FILE = 64 * 1024
"""Either file larger than this is refused as damaged (both are well under 1 KiB)."""


class PinCheck(enum.Enum):
    """What became of one PIN entered on the pad."""

    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NOT_SET = "not set"


@dataclass(frozen=True)
class PinResult:
    """The outcome of :meth:`PinVault.check`.

    ``seconds_locked``: with LOCKED, how long until another try; with WRONG, non-zero when this
    wrong PIN started a lockout. ``attempts_left``: with WRONG, the tries left before one.
    """

    outcome: PinCheck
    seconds_locked: float = 0.0
    attempts_left: int = 0


class PinFileError(Exception):
    """A staff PIN file cannot be read, written or understood; the message names the file."""


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a staff PIN (a sentence that never repeats it), or None."""
    if _PIN.fullmatch(pin):
        return None
    if not pin:
        return "no PIN was given"
    if not all("0" <= char <= "9" for char in pin):
        return "the staff PIN must be digits only (0 to 9): no letters, spaces or other signs"
    return f"the staff PIN must be {MIN_DIGITS} to {MAX_DIGITS} digits long, got {len(pin)}"


@dataclass(frozen=True)
class _Hash:
    """A stored PIN hash with the scrypt parameters it was made with."""

    n: int
    r: int
    p: int
    maxmem: int
    salt: bytes
    digest: bytes

    def matches(self, pin: str) -> bool:
        candidate = _scrypt(pin, self.salt, self.n, self.r, self.p, self.maxmem, len(self.digest))
        return hmac.compare_digest(candidate, self.digest)


@dataclass(frozen=True)
class _Lock:
    """The lockout state: wrong PINs in a row, and the current lock (if any)."""

    failures: int = 0
    lock_seconds: float = 0.0
    locked_until: float = 0.0


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, maxmem: int, dklen: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)


class PinVault:
    """The staff PIN kept in ``data_dir``: set it, check it, and how long the pad is locked.

    ``clock`` gives the wall-clock time in seconds (``time.time``); tests pass a fake one.
    ``scrypt_n`` is the cost of new hashes (tests pass a small one to run quickly); a stored
    hash of a lower cost is made again at this cost when its PIN is entered.
    """

    FILE_NAME = "staff-pin.json"
    LOCK_FILE_NAME = "staff-pin-lock.json"
    MAX_FAILURES = 5
    FIRST_LOCK_SECONDS = 60
    MAX_LOCK_SECONDS = 3600

    def __init__(
        self, data_dir: Path, clock: Callable[[], float] = time.time, scrypt_n: int = SCRYPT_N
    ) -> None:
        self._dir = Path(data_dir)
        self._clock = clock
        self._scrypt_n = scrypt_n
        self.path = self._dir / self.FILE_NAME
        self.lock_path = self._dir / self.LOCK_FILE_NAME

    # -- the public interface ----------------------------------------------------------------

    def is_set(self) -> bool:
        """Whether a PIN has been set. Raises PinFileError if the PIN file is unusable."""
        return self._read_hash() is not None

    def set_pin(self, pin: str) -> None:
        """Keep a new salted hash of ``pin`` and clear any lockout.

        Raises ValueError (with a sentence for people) unless ``pin`` is 4 to 12 digits, and
        PinFileError if the files cannot be written.
        """
        problem = pin_problem(pin)
        if problem is not None:
            raise ValueError(problem)
        self._write_hash(pin)
        self._clear_lock()
        log.debug("staff PIN set")

    def _write_hash(self, pin: str) -> None:
        salt = secrets.token_bytes(SALT_BYTES)
        n = self._scrypt_n
        digest = _scrypt(pin, salt, n, SCRYPT_R, SCRYPT_P, SCRYPT_MAXMEM, SCRYPT_DKLEN)
        record = {
            "format": FORMAT,
            "algorithm": ALGORITHM,
            "n": n,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "maxmem": SCRYPT_MAXMEM,
            "dklen": SCRYPT_DKLEN,
            "salt": base64.b64encode(salt).decode("ascii"),
            "hash": base64.b64encode(digest).decode("ascii"),
        }
        self._write(self.path, record)

    def check(self, pin: str) -> PinResult:
        """Check a PIN entered on the pad, counting wrong ones towards a lockout.

        The attempt is counted as wrong on disk *before* the PIN is compared, and the count
        put back when it was right. So when attempts cannot be recorded (disk full, read-only
        folder) this raises PinFileError before comparing anything: no PIN, not even the right
        one, is accepted while wrong ones would go uncounted. Also raises PinFileError if a
        file is unusable.
        """
        stored = self._read_hash()
        if stored is None:
            return PinResult(PinCheck.NOT_SET)
        now = self._clock()
        lock = self._current_lock(now)
        remaining = lock.locked_until - now
        if remaining > 0:
            return PinResult(PinCheck.LOCKED, seconds_locked=remaining)
        counted = self._wrong_lock(lock, now)
        try:
            self._write_lock(counted)
        except PinFileError as error:
            raise PinFileError(f"staff PIN attempts cannot be recorded: {error}") from error
        if _PIN.fullmatch(pin) is not None and self._matches(stored, pin):
            self._right_pin(stored, pin)
            return PinResult(PinCheck.OK)
        return self._report_wrong(counted)

    def _right_pin(self, stored: _Hash, pin: str) -> None:
        """Clear the count (this attempt's, counted in advance, with any before it), and make a
        weak hash strong."""
        try:
            self._clear_lock()
        except PinFileError as error:  # counted, so the lockout still holds: let staff in
            log.error("could not reset the count of wrong staff PINs: %s", error)
        if stored.n < self._scrypt_n:
            try:
                self._write_hash(pin)
            except PinFileError as error:
                log.error("could not strengthen the staff PIN's hash: %s", error)
            else:
                log.info(
                    "staff PIN hash strengthened (scrypt N %d -> %d)", stored.n, self._scrypt_n
                )

    def _matches(self, stored: _Hash, pin: str) -> bool:
        try:
            return stored.matches(pin)
        except ValueError as error:  # parameters hashlib refuses (e.g. more memory than maxmem)
            raise self._damaged(self.path, f"scrypt refused its parameters: {error}") from error

    def seconds_locked(self) -> float:
        """How long until the pad takes another PIN; 0 when it is not locked (or not set)."""
        if self._read_hash() is None:
            return 0.0
        now = self._clock()
        return max(0.0, self._current_lock(now).locked_until - now)

    # -- lockout -------------------------------------------------------------------------------

    def _lock_length(self, failures: int) -> float:
        """The lock that the ``failures``-th wrong PIN in a row starts (0 for none)."""
        doublings = failures - self.MAX_FAILURES
        if doublings < 0:
            return 0.0
        seconds = self.FIRST_LOCK_SECONDS * 2 ** min(doublings, 32)
        return float(min(seconds, self.MAX_LOCK_SECONDS))

    def _wrong_lock(self, lock: _Lock, now: float) -> _Lock:
        """The lock state after one more wrong PIN at ``now``."""
        failures = lock.failures + 1
        length = self._lock_length(failures)
        if length > 0:
            return _Lock(failures, length, now + length)
        return _Lock(failures)

    def _report_wrong(self, lock: _Lock) -> PinResult:
        """Log a wrong PIN already counted in ``lock``; what the pad shows."""
        failures = lock.failures
        if failures <= self.MAX_FAILURES:
            log.warning("wrong staff PIN (%d of %d)", failures, self.MAX_FAILURES)
        else:
            log.warning("wrong staff PIN (again after a lockout)")
        if lock.lock_seconds > 0:
            log.warning("staff PIN locked for %d s", lock.lock_seconds)
            return PinResult(PinCheck.WRONG, seconds_locked=lock.lock_seconds)
        return PinResult(PinCheck.WRONG, attempts_left=self.MAX_FAILURES - failures)

    def _current_lock(self, now: float) -> _Lock:
        """The lock state at ``now``; a lock that would last longer than its own length (the
        clock went backwards) is shortened to that length and saved so."""
        lock = self._read_lock()
        if lock.locked_until - now > lock.lock_seconds:
            lock = _Lock(lock.failures, lock.lock_seconds, now + lock.lock_seconds)
            log.warning("the clock went backwards during a staff PIN lock; restarting the lock")
            self._write_lock(lock)
        return lock

    def _write_lock(self, lock: _Lock) -> None:
        self._write(
            self.lock_path,
            {
                "format": FORMAT,
                "failures": lock.failures,
                "lock_seconds": lock.lock_seconds,
                "locked_until": lock.locked_until,
            },
        )

    def _clear_lock(self) -> None:
        try:
            self.lock_path.unlink(missing_ok=True)
            fsync_folder(self._dir)
        except OSError as error:
            raise PinFileError(
                f"cannot remove the staff PIN lock file {self.lock_path}: {os_reason(error)}"
            ) from error

    # -- reading -------------------------------------------------------------------------------

    def _read_hash(self) -> _Hash | None:
        data = self._read_json(self.path)
        if data is None:
            return None
        try:
            return _parse_hash(data)
        except KeyError as error:
            raise self._damaged(self.path, f"{error} is missing") from error
        except (TypeError, ValueError) as error:
            raise self._damaged(self.path, str(error)) from error

    def _read_lock(self) -> _Lock:
        data = self._read_json(self.lock_path)
        if data is None:
            return _Lock()
        try:
            return _parse_lock(data, self.MAX_LOCK_SECONDS)
        except KeyError as error:
            raise self._damaged(self.lock_path, f"{error} is missing") from error
        except (TypeError, ValueError) as error:
            raise self._damaged(self.lock_path, str(error)) from error

    def _read_json(self, path: Path) -> Mapping[str, Any] | None:
        """The JSON object in ``path``, or None if there is no such file."""
        try:
            with open(path, "rb") as stream:
                raw = stream.read(_LARGEST_FILE + 1)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise PinFileError(
                f"cannot read the staff PIN file {path}: {os_reason(error)}"
            ) from error
        if len(raw) > _LARGEST_FILE:
            raise self._damaged(path, "it is far too large")
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError) as error:
            raise self._damaged(path, f"it is not valid JSON: {error}") from error
        if not isinstance(data, dict):
            raise self._damaged(path, "it does not hold a JSON object")
        if data.get("format") != FORMAT:
            raise self._damaged(
                path, f"its format is {data.get('format')!r}; this kiosk reads format {FORMAT}"
            )
        return data

    @staticmethod
    def _damaged(path: Path, why: str) -> PinFileError:
        return PinFileError(
            f"the staff PIN file {path} is damaged ({why}); set the PIN again with: kiosk set-pin"
        )

    # -- writing -------------------------------------------------------------------------------

    def _write(self, path: Path, record: Mapping[str, Any]) -> None:
        data = (json.dumps(record, indent=2) + "\n").encode("utf-8")
        try:
            _write_atomically(path, data)
        except OSError as error:
            raise PinFileError(
                f"cannot write the staff PIN file {path}: {os_reason(error)}"
            ) from error


# ------------------------------------------------------------------------------------------------
# Parsing the files: each raises KeyError, TypeError or ValueError for anything unexpected


def _parse_hash(data: Mapping[str, Any]) -> _Hash:
    if data["algorithm"] != ALGORITHM:
        raise ValueError(f"unknown algorithm {data['algorithm']!r}")
    n, r, p, maxmem, dklen = (_whole(data, name) for name in ("n", "r", "p", "maxmem", "dklen"))
    if n < 2 or n & (n - 1):
        raise ValueError("n must be a power of 2")
    if 128 * n * r * p > min(maxmem, _LARGEST_MAXMEM):
        raise ValueError("the scrypt parameters need too much memory")
    salt = _base64(data, "salt")
    digest = _base64(data, "hash")
    if len(salt) < 8 or len(digest) != dklen or dklen < 16:
        raise ValueError("the salt or hash has the wrong length")
    return _Hash(n, r, p, maxmem, salt, digest)


def _parse_lock(data: Mapping[str, Any], longest: float) -> _Lock:
    failures = _whole(data, "failures", least=0)
    lock_seconds = _number(data, "lock_seconds")
    locked_until = _number(data, "locked_until")
    if not 0 <= lock_seconds <= longest:
        raise ValueError(f"lock_seconds must be 0 to {longest}")
    return _Lock(failures, lock_seconds, locked_until)


def _whole(data: Mapping[str, Any], name: str, least: int = 1) -> int:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}")
    return value


def _number(data: Mapping[str, Any], name: str) -> float:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number")
    return float(value)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    return value


def _base64(data: Mapping[str, Any], name: str) -> bytes:
    try:
        return base64.b64decode(_text(data, name), validate=True)
    except binascii.Error as error:
        raise ValueError(f"{name} is not base64 text") from error


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


# ------------------------------------------------------------------------------------------------
# Files


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600) atomically, making its folder (0700) if need be."""
    folder = path.parent
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask
    write_atomically(path, data, 0o600)
