"""The kiosk's look: ``resources/style.qss`` filled in with content.yaml's colours and sizes."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from PySide6.QtCore import QSize

from kiosk.core.colors import contrast_ratio, parse_hex_color
from kiosk.core.content import Content
from kiosk.paths import resource
from kiosk.ui.page_view import chrome_scale, form_pixel_size

ERROR_COLOR = "#A3001B"
"""Error text; replaced by the body text colour if it would not contrast with the background."""

_TOKEN = re.compile(r"\{\{(\w+)\}\}")


@lru_cache(maxsize=1)
def _template() -> str:
    return resource("style.qss").read_text(encoding="utf-8")


def error_color(content: Content) -> str:
    colors = content.clinic.colors
    background = parse_hex_color(colors.background)
    if contrast_ratio(parse_hex_color(ERROR_COLOR), background) >= 4.5:
        return ERROR_COLOR
    return colors.text


def tokens(content: Content, size: QSize, scale: float = 1.0) -> dict[str, str]:
    """Every value the style sheet refers to, for a screen of ``size`` and text ``scale``
    times the body size (the visitor's text size)."""
    body = form_pixel_size(size, scale)
    chrome = round(form_pixel_size(size) * chrome_scale(size, scale))
    colors = content.clinic.colors
    values: dict[str, str | int] = {
        "background": colors.background,
        "text": colors.text,
        "heading": colors.heading,
        "accent": colors.accent,
        "header_background": colors.header_background,
        "header_text": colors.header_text,
        "footer_background": colors.footer_background,
        "footer_text": colors.footer_text,
        "error": error_color(content),
        "body_px": body,
        "small_px": max(math.ceil(min(size.width(), size.height()) / 34), round(body * 0.85)),
        "staff_px": max(16, round(body * 0.75)),
        "chrome_px": chrome,
        "chrome_field_h": round(chrome * 1.6),
        "chrome_pad": max(4, round(chrome * 0.35)),
        "chrome_radius": max(6, round(chrome * 0.5)),
        "big_px": round(chrome * 1.2),
        "huge_px": round(chrome * 1.6),
        # What a screen says to the visitor above its text (the still-there warning): grows
        # with the visitor's text size, never below the bands' type.
        "lead_px": max(round(chrome * 1.2), round(body * 1.15)),
        "lead_button_px": max(round(chrome * 1.2), body),
        "pad": max(4, round(body * 0.35)),
        "pad2": max(8, round(body * 0.9)),
        "radius": max(6, round(body * 0.5)),
        "small_radius": max(3, round(body * 0.2)),
        "chip_radius": max(8, round(body * 0.9)),
        "border": max(2, round(body / 14)),
        "focus_border": max(3, round(body / 9)),
        "field_h": round(body * 1.6),
        "check_px": round(body * 1.5),
        "key_px": max(44, round(min(size.width(), size.height()) / 8)),
        "disabled": "#6B6B6B",
        "scrollbar_px": max(12, round(body * 0.6)),
        "check_icon": resource("check.svg").as_posix(),
        "access_px": max(round(chrome * 0.8), 14),
        "access_h": max(44, round(chrome * 1.6), math.ceil(min(size.width(), size.height()) / 14)),
        "access_min_h": max(
            44, round(chrome * 1.6), math.ceil(min(size.width(), size.height()) / 14)
        )
        - 2 * max(2, round(body / 14)),
        "target_px": max(44, round(min(size.width(), size.height()) / 1080 * 44)),
    }
    return {k: str(v) for k, v in values.items()}


def stylesheet(content: Content, size: QSize, scale: float = 1.0) -> str:
    """The style sheet for ``content`` on a screen of ``size``, text at ``scale``."""
    values = tokens(content, size, scale)
    return _TOKEN.sub(lambda m: values[m.group(1)], _template())
