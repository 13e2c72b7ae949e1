"""The fast export path writes byte for byte what the one-request-at-a-time path writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.core.form import FormField
from kiosk.storage.export import export_csv
from kiosk.storage.store import RequestStore

FIELDS = (
    FormField("name", "text", "Your name", True),
    FormField("phone", "phone", "Phone number"),
    FormField("email", "email", "Email address"),
    FormField("question", "multiline", "Your question", max_length=500),
    FormField("consent", "consent", "I agree", True),
)
ANSWERS = [
    {"name": "Zoë Example", "phone": "+12025550100", "consent": True},
    {"name": "مريم Example", "email": "maryam@example.com", "consent": True},
    {"name": "שרה Example 😀", "question": 'She said "hi",\nthen left.', "consent": False},
    {"name": '=HYPERLINK("http://example.com","x")', "question": "@SUM(1)", "consent": True},
    {"name": "-1", "phone": "+1", "question": "\tTAB and \rCR", "consent": True},
    {"name": "Only Name Example"},
    {"name": "\x00=1+1", "question": "\u200b@SUM(1)", "consent": True},
]
MOMENTS = [  # both sides of both 2026 clock changes in New York
    datetime(2026, 3, 8, 6, 59, 59, tzinfo=UTC),
    datetime(2026, 3, 8, 7, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 5, 59, 59, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 30, 0, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


@pytest.fixture
def store(tmp_path):
    moments = iter(MOMENTS * 3)
    store = RequestStore(tmp_path / "data", clock=lambda: next(moments))
    yield store
    store.close()


@pytest.mark.parametrize("zone", ["America/New_York", "UTC", "Asia/Kolkata"])
def test_fast_and_reference_exports_are_identical(store, tmp_path, zone, monkeypatch):
    from kiosk.storage import export

    fast_calls = []
    real_fast = export.write_fast
    monkeypatch.setattr(
        export, "write_fast", lambda *a, **k: fast_calls.append(1) or real_fast(*a, **k)
    )
    ids = [store.save(answers, "v1", "kiosk-1") for answers in ANSWERS]
    store.mark(ids[1:3], "contacted")
    fast, reference = tmp_path / "fast.csv", tmp_path / "reference.csv"
    assert export_csv(store.iter_requests(None), FIELDS, fast, zone) == len(ANSWERS)
    assert export_csv(list(store.iter_requests(None)), FIELDS, reference, zone) == len(ANSWERS)
    assert fast_calls == [1], "the store's stream did not take the fast path"
    assert fast.read_bytes() == reference.read_bytes()
    assert fast.read_bytes().startswith(b"\xef\xbb\xbf")
