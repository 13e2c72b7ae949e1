"""Unhandled exceptions: log them without visitor data, then let the kiosk recover.

PySide6 hands an exception raised in a slot or a virtual method (which Qt's C++ event loop
cannot propagate) to :data:`sys.excepthook`, then carries on with the event loop. The hook
installed here logs the exception's *type name* and its traceback's frames (file, line,
function and source line: code, never values) and then calls ``on_error``: the kiosk goes back
to the slideshow and never shows a "thank you" for something that may not have been saved.

The exception's *message* is not logged, except for types known to hold no visitor data
(``SaveError`` by default, whose messages name a file and what failed): a ``ValueError`` from a
parser, say, may quote what a visitor typed. Chained exceptions (``raise ... from``, or one
raised while handling another) are logged the same way.

If errors keep coming (``max_errors`` within ``window_s`` seconds), ``on_too_many`` is called
instead, so the app can exit and let systemd start a fresh kiosk.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable
from types import TracebackType

_log = logging.getLogger(__name__)


def safe_message_types() -> tuple[type[BaseException], ...]:
    """Exception types whose message holds no visitor data and is worth logging. (Imported
    when an exception is described: the storage modules are not needed for the first page.)"""
    from kiosk.storage.store import SaveError

    return (SaveError,)


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


def _exception_name(exc: BaseException, safe_types: tuple[type[BaseException], ...]) -> str:
    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ("builtins", "__main__"):
        name = f"{module}.{name}"
    if isinstance(exc, safe_types):
        name = f"{name}: {exc}"
    return name


def describe_exception(
    exc: BaseException, safe_types: tuple[type[BaseException], ...] | None = None
) -> str:
    """``exc``'s traceback as Python prints it (with chained exceptions), but each exception
    shown by its type name only; the message only for ``safe_types`` (by default
    :func:`safe_message_types`)."""
    if safe_types is None:
        safe_types = safe_message_types()
    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    blocks: list[str] = []
    for item, link_to_next in reversed(chain):
        frames = "".join(traceback.format_tb(item.__traceback__))
        blocks.append(
            f"Traceback (most recent call last):\n{frames}{_exception_name(item, safe_types)}"
        )
        if link_to_next is not None:
            blocks.append(f"\n{link_to_next}\n")
    return "\n".join(blocks)


class ExceptionHook:
    """The installed :data:`sys.excepthook` (see :func:`install_exception_hook`)."""

    def __init__(
        self,
        on_error: Callable[[], None],
        on_too_many: Callable[[], None] | None = None,
        max_errors: int = 10,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_error = on_error
        self._on_too_many = on_too_many
        self._max_errors = max_errors
        self._window_s = window_s
        self._clock = clock
        self._recent: deque[float] = deque()
        self._previous: ExceptHook | None = None
        self._handling = False
        self.count = 0
        """Unhandled exceptions seen so far."""

    def install(self) -> None:
        if self._previous is None:
            self._previous = sys.excepthook
            sys.excepthook = self

    def uninstall(self) -> None:
        """Put back the hook that was there before (if this one is still installed)."""
        if self._previous is not None:
            if sys.excepthook is self:
                sys.excepthook = self._previous
            self._previous = None

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        self.count += 1
        try:
            if exc.__traceback__ is None and tb is not None:
                exc = exc.with_traceback(tb)
            _log.critical("unhandled %s:\n%s", exc_type.__name__, describe_exception(exc))
        except Exception:  # never let logging break the hook
            _log.critical("unhandled %s (its traceback could not be logged)", exc_type.__name__)
        if self._handling:
            _log.critical("the error handler itself failed; not calling it again")
            return
        now = self._clock()
        self._recent.append(now)
        while self._recent and now - self._recent[0] > self._window_s:
            self._recent.popleft()
        too_many = self._on_too_many is not None and len(self._recent) >= self._max_errors
        action = self._on_too_many if too_many and self._on_too_many else self._on_error
        if too_many:
            _log.critical(
                "%d unhandled errors within %g s: stopping so a fresh kiosk can start",
                len(self._recent),
                self._window_s,
            )
        self._handling = True
        try:
            action()
        except Exception as error:
            _log.critical(
                "the error handler raised %s:\n%s", type(error).__name__, describe_exception(error)
            )
        finally:
            self._handling = False


def install_exception_hook(
    on_error: Callable[[], None],
    *,
    on_too_many: Callable[[], None] | None = None,
    max_errors: int = 10,
    window_s: float = 60.0,
    clock: Callable[[], float] = time.monotonic,
) -> ExceptionHook:
    """Make unhandled exceptions (in Qt slots, or anywhere in the GUI thread) be logged without
    visitor data and then call ``on_error()``.

    With ``on_too_many``, the ``max_errors``-th error within ``window_s`` seconds calls it
    instead of ``on_error``. Returns the hook; ``hook.uninstall()`` puts back the previous one.
    """
    hook = ExceptionHook(on_error, on_too_many, max_errors, window_s, clock)
    hook.install()
    return hook
