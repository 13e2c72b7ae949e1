"""Saves fake requests one after another, exactly as the kiosk's form does, and acknowledges each.

    python -m tests.helpers.submit_stream DATA_DIR RUN

The kiosk calls ``RequestStore.save`` synchronously when a visitor taps "Send my request" and
shows "Thank you" only after it returned. This does the same in a loop and prints
``<id> <token>`` for each request, flushed, only after ``save`` returned: a printed line is a
"thank you" the visitor saw. ``tests/test_durability.py`` kills it with SIGKILL at random and
checks that every acknowledged request is in the database.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.storage.store import RequestStore


def fake_answers(token: str) -> dict[str, str | bool]:
    """Made-up answers (example.org, a 555 number): never a real person's."""
    return {
        "name": f"Test Visitor {token}",
        "phone": "+12025550100",
        "email": f"visitor-{token}@example.org",
        "contact_time": "Mornings",
        "question": "Fake question for the durability test. " * 5,
        "consent": True,
    }


def main(argv: list[str]) -> int:
    data_dir, run = Path(argv[1]), argv[2]
    store = RequestStore(data_dir)
    number = 0
    while True:
        number += 1
        token = f"{run}-{number}"
        request_id = store.save(fake_answers(token), "durability-test", "durability-kiosk")
        sys.stdout.write(f"{request_id} {token}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
