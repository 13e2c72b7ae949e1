"""How long each page of the slideshow stays on screen."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from kiosk.core.content import Timing

_WORD = re.compile(r"\S+")
_FIRST_CJK = "\u3040"
"""Below this no character is one of :func:`_cjk`'s."""


@functools.cache
def _cjk() -> re.Pattern[str]:
    """Kana, CJK ideographs and Hangul syllables: scripts written without spaces between words.
    (Compiled when first needed: its large ranges take a few ms, which a kiosk showing an
    article in English, Spanish or Arabic never needs to spend.)"""
    return re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def word_count(texts: Iterable[str]) -> int:
    """The number of words in ``texts``: runs of non-space characters, and each Chinese,
    Japanese or Korean character as a word of its own (those scripts put no spaces between
    words, and a reader takes in about as many of them a minute as English words)."""
    count = 0
    for text in texts:
        if text and max(text) >= _FIRST_CJK:
            text = _cjk().sub(" x ", text)
        count += len(_WORD.findall(text))
    return count


def page_seconds(words: int, timing: Timing, override: float | None = None) -> float:
    """Seconds a page with ``words`` words stays up.

    Reading time at ``timing.words_per_minute`` plus ``timing.extra_seconds``, kept between
    ``timing.min_seconds`` and ``timing.max_seconds``. A section's own ``seconds`` wins.
    """
    if override is not None:
        return override
    reading = words / timing.words_per_minute * 60.0 + timing.extra_seconds
    return min(max(reading, timing.min_seconds), timing.max_seconds)
