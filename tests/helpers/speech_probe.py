"""Speak with the real speechd engine and say how it went (one JSON line).

Run inside a session bus with a sound server (see tests/ui/test_speech_real.py):
``python -m tests.helpers.speech_probe "Text to say."``
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer

from kiosk.ui.speech import Speaker

READY_WITHIN_S = 10.0
"""How long after the last part the engine may take to say it is Ready."""


def main(argv: list[str]) -> int:
    app = QCoreApplication(argv[:1])
    speaker = Speaker("speechd")
    result: dict[str, object] = {"available": speaker.available, "started": [], "finished": False}
    start = time.monotonic()

    def on_part(utterance: int, part: int) -> None:
        result["started"].append(part)  # type: ignore[union-attr]
        result.setdefault("first_part_s", round(time.monotonic() - start, 3))

    def quit_once_ready(finished_at: float) -> None:
        # speech-dispatcher is sometimes Ready for a moment between two parts, and the
        # Speaker's finished can come then while the engine goes on (a fault of its own, not
        # this test's): wait for the engine to be back to Ready, as the test checks, for 10 s
        # at most.
        waited = time.monotonic() - finished_at
        if speaker.state.name == "Ready" or waited > READY_WITHIN_S:
            result["ready_after_finished_s"] = round(waited, 3)
            app.quit()
        else:
            QTimer.singleShot(50, lambda: quit_once_ready(finished_at))

    def on_finished(utterance: int) -> None:
        finished_at = time.monotonic()
        result["finished"] = True
        result["seconds"] = round(finished_at - start, 3)
        # After what is already queued: a part the engine began while speak() was still
        # enqueuing is announced from a zero timer, which may still be pending here.
        QTimer.singleShot(0, lambda: quit_once_ready(finished_at))

    speaker.part_started.connect(on_part)
    speaker.finished.connect(on_finished)
    speaker.set_language("en")
    QTimer.singleShot(0, lambda: speaker.speak(argv[1:] or ["Hello from the clinic kiosk."]))
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    result["state"] = speaker.state.name
    print(json.dumps(result))
    return 0 if result["finished"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
