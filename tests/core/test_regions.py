"""The table of phone regions matches the phone number library's own list."""

from __future__ import annotations

import phonenumbers

from kiosk.core.regions import PHONE_REGIONS


def test_the_region_table_is_the_phone_librarys_list():
    assert set(phonenumbers.SUPPORTED_REGIONS) == PHONE_REGIONS
