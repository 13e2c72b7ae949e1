"""The Speaker's order of signals with an engine that speaks inside enqueue() (speech-dispatcher
on a busy machine can get through parts while the rest are still being queued)."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtTextToSpeech import QTextToSpeech

from kiosk.ui.speech import Speaker

State = QTextToSpeech.State


class EagerEngine(QObject):
    """Says each part the moment it is queued, and is done with it at once."""

    aboutToSynthesize = Signal(int)  # noqa: N815 - QTextToSpeech's names
    stateChanged = Signal(object)  # noqa: N815

    def __init__(self) -> None:
        super().__init__()
        self._state = State.Ready
        self._next_id = 0

    def state(self) -> QTextToSpeech.State:
        return self._state

    def enqueue(self, text: str) -> int:
        part_id = self._next_id
        self._next_id += 1
        self._set(State.Speaking)
        self.aboutToSynthesize.emit(part_id)
        return part_id

    def finish(self) -> None:
        self._set(State.Ready)

    def stop(self) -> None:
        self._set(State.Ready)

    def errorString(self) -> str:
        return ""

    def _set(self, state: QTextToSpeech.State) -> None:
        self._state = state
        self.stateChanged.emit(state)


def test_parts_spoken_while_queued_are_all_announced_before_finished(qtbot):
    engine = EagerEngine()
    speaker = Speaker("eager", tts=cast(QTextToSpeech, engine))
    heard: list[tuple[str, int]] = []
    speaker.part_started.connect(lambda utterance, part: heard.append(("part", part)))
    speaker.finished.connect(lambda utterance: heard.append(("finished", utterance)))

    utterance = speaker.speak(["Sleep well.", "Page 1 of 2.", "Rest when you can."])
    engine.finish()  # done with the last part before the event loop ran again

    def all_heard() -> None:
        assert heard == [("part", 0), ("part", 1), ("part", 2), ("finished", utterance)]

    qtbot.waitUntil(all_heard, timeout=2000)


def test_a_stop_drops_the_parts_not_yet_announced(qtbot):
    engine = EagerEngine()
    speaker = Speaker("eager", tts=cast(QTextToSpeech, engine))
    heard: list[object] = []
    speaker.part_started.connect(lambda utterance, part: heard.append(part))
    speaker.finished.connect(lambda utterance: heard.append("finished"))

    speaker.speak(["Sleep well.", "Rest when you can."])
    speaker.stop()
    second = speaker.speak(["Welcome."])
    engine.finish()

    def only_the_second() -> None:
        assert heard == [0, "finished"]
        assert speaker.utterance == second

    qtbot.waitUntil(only_the_second, timeout=2000)
