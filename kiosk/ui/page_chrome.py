"""What the screens drawn on the slides' page (the slideshow, the thank-you) share around their
content: the visitor's look, and the language buttons in the header."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from kiosk.core.content import Content
from kiosk.ui.language import LanguageBar

Recolor = Callable[[Content], Content]
"""The content as the visitor sees it (high contrast swaps its colours)."""


def same_colors(content: Content) -> Content:
    """The content's own colours (high contrast off)."""
    return content


def language_bar_for(
    content: Content,
    screen: QWidget,
    bar: LanguageBar | None,
    on_chosen: Callable[[str], None],
) -> LanguageBar:
    """``bar`` marking ``content``'s language, or a new bar on ``screen`` in its place when
    ``content`` offers other languages (the old bar is deleted)."""
    names = [name for _code, name in content.language_names]
    if bar is not None and [b.text() for b in bar.buttons.values()] == names:
        bar.set_current(content.language.code)
        return bar
    if bar is not None:
        bar.deleteLater()
    bar = LanguageBar(content.language_names, content.language.code, screen)
    bar.language_chosen.connect(on_chosen)
    return bar
