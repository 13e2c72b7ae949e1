"""A visitor's accessibility choices, and the colours that give every text 7:1 (no Qt).

Every choice lasts one visit: the kiosk goes back to :data:`DEFAULT` after the thank-you,
Cancel, or nobody there.
"""

from __future__ import annotations

from kiosk.core.colors import contrast_ratio, parse_hex_color
from kiosk.core.content import Colors, Content
from kiosk.core.record import Record, replace

TEXT_SIZES: dict[str, float] = {"standard": 1.0, "large": 1.5, "extra_large": 2.0}
"""Text size choices and how many times the body size each one is."""

VOLUMES = (0.25, 0.5, 0.75, 1.0)
"""The volume steps the panel offers (a share of the loudest)."""
DEFAULT_VOLUME = 0.75

HIGH_CONTRAST = Colors(
    background="#000000",
    text="#FFFFFF",
    heading="#FFFF00",
    header_background="#000000",
    header_text="#FFFFFF",
    footer_background="#000000",
    footer_text="#FFFFFF",
    accent="#FFFF00",
)
"""White and yellow on black: every pair at least 19:1."""

HIGH_CONTRAST_TEXT = 7.0
"""WCAG's enhanced contrast (AAA) for text, which high contrast gives every text."""


class AccessSettings(Record):
    """What one visitor chose in the accessibility panel."""

    read_aloud: bool = False
    text_size: str = "standard"
    high_contrast: bool = False
    volume: float = DEFAULT_VOLUME

    @property
    def text_scale(self) -> float:
        return TEXT_SIZES[self.text_size]

    def with_(self, **changes: object) -> AccessSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT = AccessSettings()


def shown_content(content: Content, settings: AccessSettings) -> Content:
    """``content`` as this visitor sees it: in high-contrast colours if they asked for them."""
    if not settings.high_contrast:
        return content
    clinic = replace(content.clinic, colors=HIGH_CONTRAST)
    return replace(content, clinic=clinic)


def weakest_text_contrast(colors: Colors) -> float:
    """The lowest contrast of any text colour against the background it is drawn on."""
    pairs = (
        (colors.text, colors.background),
        (colors.heading, colors.background),
        (colors.accent, colors.background),
        (colors.background, colors.accent),  # the label on a filled button
        (colors.header_text, colors.header_background),
        (colors.footer_text, colors.footer_background),
    )
    return min(contrast_ratio(parse_hex_color(a), parse_hex_color(b)) for a, b in pairs)
