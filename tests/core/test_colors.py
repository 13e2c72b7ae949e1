"""WCAG 2.x colour arithmetic in kiosk.core.colors."""

from __future__ import annotations

import pytest

from kiosk.core.colors import (
    WCAG_AA_NORMAL_TEXT,
    contrast_ratio,
    parse_hex_color,
    relative_luminance,
)

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)


@pytest.mark.parametrize(
    ("text", "rgb"),
    [
        ("#FFFFFF", (255, 255, 255)),
        ("#000000", (0, 0, 0)),
        ("#0B4F6C", (11, 79, 108)),
        ("#0b4f6c", (11, 79, 108)),
        ("#fff", (255, 255, 255)),
        ("#F0a", (255, 0, 170)),
    ],
)
def test_parse_hex_color_accepts_six_and_three_digits(text: str, rgb: tuple[int, int, int]) -> None:
    assert parse_hex_color(text) == rgb


@pytest.mark.parametrize(
    "text",
    ["FFFFFF", "#FFFF", "#FFFFFFF", "#GGGGGG", " #FFFFFF", "#FFFFFF ", "", "#", "white", "#12345"],
)
def test_parse_hex_color_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match=r"must be written as '#RRGGBB' or '#RGB', got "):
        parse_hex_color(text)


def test_relative_luminance_of_black_white_and_a_grey() -> None:
    assert relative_luminance(BLACK) == 0.0
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    # sRGB 0x77 = 119 -> ((119/255 + 0.055) / 1.055) ** 2.4
    assert relative_luminance((119, 119, 119)) == pytest.approx(0.1845, abs=1e-4)


def test_black_on_white_is_21_to_1_in_either_order() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)


def test_same_colour_is_1_to_1() -> None:
    assert contrast_ratio((11, 79, 108), (11, 79, 108)) == pytest.approx(1.0)


def test_777777_on_white_just_fails_aa_and_767676_just_passes() -> None:
    grey_777 = contrast_ratio(parse_hex_color("#777777"), WHITE)
    grey_767 = contrast_ratio(parse_hex_color("#767676"), WHITE)
    assert grey_777 == pytest.approx(4.48, abs=0.005)
    assert grey_777 < WCAG_AA_NORMAL_TEXT
    assert grey_767 == pytest.approx(4.54, abs=0.005)
    assert grey_767 >= WCAG_AA_NORMAL_TEXT
