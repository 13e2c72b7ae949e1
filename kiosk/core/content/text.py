"""Small helpers for text: a value quoted in a message, a number as written, a body's
paragraphs, and :class:`TextError`, which a check of one text raises to say what is wrong."""

from __future__ import annotations

import re
from collections.abc import Sequence


class TextError(ValueError):
    """What is wrong with a text, as a sentence for the message (``must be ..., got ...``)."""


def quote(text: str, limit: int = 60) -> str:
    """``text`` in quotes for a message, cut to ``limit`` characters."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def num(value: float) -> str:
    """A number as a person writes it: 8, not 8.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def a(word: str) -> str:
    """``word`` with "a" or "an" before it."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def did_you_mean(word: str, options: Sequence[str]) -> str:
    """ "; did you mean 'x'?" when one of ``options`` is close to ``word``, else ""."""
    import difflib  # only a file with a mistake needs it

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


_NUMBER_TEXT = r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*"


def looks_like_number(text: str) -> bool:
    return re.fullmatch(_NUMBER_TEXT, text) is not None


_BLANK_LINES = re.compile(r"\n[ \t\r]*\n")
_LINE_SPACE = re.compile(r"[ \t\r\n]+")


def paragraphs(body: str) -> tuple[str, ...]:
    """Split ``body`` into paragraphs at blank lines, folding line breaks and runs of spaces."""
    folded = (_LINE_SPACE.sub(" ", chunk).strip(" ") for chunk in _BLANK_LINES.split(body))
    return tuple(p for p in folded if p)
