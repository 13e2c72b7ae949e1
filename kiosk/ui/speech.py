"""Read aloud through Qt's own speech (QtTextToSpeech): the speechd engine on the kiosk
(speech-dispatcher with espeak-ng), the mock engine in tests.

A :class:`Speaker` reads a list of parts (sentences) one after another and says which part it
is on, so a slide can highlight the sentence being read and hold the page until it is done.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, QObject, QTimer, Signal
from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)

DEFAULT_ENGINE = "speechd"


def speech_locale(language: str = "en") -> QLocale:
    """The locale to speak for a visitor's language code ("en", "es", "ar", "zh"...)."""
    return QLocale(language)


def voice_locales(engine: str = DEFAULT_ENGINE) -> list[str] | None:
    """The locales (``"es_ES"``...) ``engine`` has a voice for; None if the engine cannot be
    loaded (its Qt plug-in or the speech server is missing). For ``kiosk check``."""
    if engine not in QTextToSpeech.availableEngines():
        return None
    tts = QTextToSpeech(engine)
    try:
        if tts.state() == QTextToSpeech.State.Error:
            return None
        return [locale.name() for locale in tts.availableLocales()]
    finally:
        tts.deleteLater()


class Speaker(QObject):
    """Speaks parts of text in order.

    Each :meth:`speak` returns a number for that utterance; the signals carry it, so a screen
    knows whether it is its own reading that moved on (another :meth:`speak` interrupts).

    Signals:
        part_started(int, int): utterance, index of the part the engine began.
        finished(int): every part of that utterance was spoken (never after :meth:`stop`).
    """

    part_started = Signal(int, int)
    finished = Signal(int)

    def __init__(
        self,
        engine: str = DEFAULT_ENGINE,
        parent: QObject | None = None,
        tts: QTextToSpeech | None = None,
    ) -> None:
        """``tts``: the engine itself, already made (tests give one whose timing they set)."""
        super().__init__(parent)
        self._tts = QTextToSpeech(engine, self) if tts is None else tts
        self.engine = engine
        self.language = ""
        """The visitor's language code last asked for (:meth:`set_language`)."""
        self.spoken: list[str] = []
        """Every part handed to the engine, in order (what tests and logs-for-tests read)."""
        self._ids: list[int] = []
        self._part = -1
        self._active = False
        self._paused = False
        self._stopped = False
        self._utterance = 0
        self._enqueuing = -1
        self._announcing = 0  # parts begun inside enqueue() and not yet announced
        self._tts.aboutToSynthesize.connect(self._on_about_to_synthesize)
        self._tts.stateChanged.connect(self._on_state_changed)
        if self._tts.state() == QTextToSpeech.State.Error:
            log.warning("speech engine %s is not available: %s", engine, self._tts.errorString())

    # -- public ----------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return self._tts.state() != QTextToSpeech.State.Error

    @property
    def speaking(self) -> bool:
        return self._active

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def state(self) -> QTextToSpeech.State:
        return self._tts.state()

    def set_language(self, language: str = "en") -> bool:
        """Speak ``language`` from now on; False if the engine has no voice for it (the voice
        stays as it was)."""
        self.language = language
        locale = speech_locale(language)
        wanted = locale.language()
        for available in self._tts.availableLocales():
            if available.language() == wanted:
                self._tts.setLocale(available)
                return True
        return False

    def set_volume(self, volume: float) -> None:
        self._tts.setVolume(min(max(volume, 0.0), 1.0))

    def set_rate(self, rate: float) -> None:
        """Speaking rate from -1.0 (slowest) through 0.0 (the voice's own) to 1.0 (fastest)."""
        self._tts.setRate(min(max(rate, -1.0), 1.0))

    def volume(self) -> float:
        return float(self._tts.volume())

    @property
    def utterance(self) -> int:
        """The number of the last :meth:`speak`."""
        return self._utterance

    def speak(self, parts: list[str] | str) -> int:
        """Stop whatever is being said and say ``parts`` in order; the utterance's number."""
        items = [parts] if isinstance(parts, str) else list(parts)
        items = [p for p in items if p.strip()]
        self.stop()
        self._utterance += 1
        if not items:
            return self._utterance
        self._stopped = False
        self._active = True
        self._part = -1
        self._ids = []
        for part in items:
            self.spoken.append(part.strip())
            self._enqueuing = len(self._ids)
            self._ids.append(self._tts.enqueue(part.strip()))
        self._enqueuing = -1
        return self._utterance

    def stop(self) -> None:
        """Stop at once; nothing more of the last :meth:`speak` is said (no ``finished``)."""
        self._stopped = True
        self._active = False
        self._paused = False
        self._ids = []
        self._part = -1
        if self._tts.state() in (QTextToSpeech.State.Speaking, QTextToSpeech.State.Paused):
            self._tts.stop()

    def pause(self) -> None:
        if self._active and not self._paused:
            self._paused = True
            self._tts.pause()

    def resume(self) -> None:
        if self._active and self._paused:
            self._paused = False
            self._tts.resume()

    # -- slots -----------------------------------------------------------------------------

    def _on_about_to_synthesize(self, part_id: int) -> None:
        # Parts are counted rather than looked up by id: the engines number them differently
        # (the mock engine repeats an id once the queue moves on), but each says every part.
        if not self._active or self._part + 1 >= max(len(self._ids), self._enqueuing + 1):
            return
        self._part += 1
        utterance, part = self._utterance, self._part
        if self._enqueuing >= 0:
            # Some engines start a part inside enqueue(): say so once speak() has returned the
            # utterance's number.
            self._announcing += 1
            QTimer.singleShot(0, self, lambda: self._announce(utterance, part))
        else:
            self.part_started.emit(utterance, part)

    def _announce(self, utterance: int, part: int) -> None:
        self._announcing -= 1
        if utterance == self._utterance and not self._stopped:
            self.part_started.emit(utterance, part)

    def _finish(self, utterance: int) -> None:
        if utterance == self._utterance and not self._stopped:
            self.finished.emit(utterance)

    def _on_state_changed(self, state: QTextToSpeech.State) -> None:
        if state == QTextToSpeech.State.Paused and self._active and not self._paused:
            # A pause takes effect at the next word; resumed before that, it must not stick.
            self._tts.resume()
            return
        if state == QTextToSpeech.State.Error:
            log.warning("speech engine error: %s", self._tts.errorString())
        if (
            state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error)
            and self._active
            and self._enqueuing < 0  # not between two parts still being queued
            and self._part == len(self._ids) - 1
        ):
            self._active = False
            if self._announcing:
                # The engine got through the last parts while they were being queued (a fast
                # engine, a busy machine): their part_started come first, then finished.
                utterance = self._utterance
                QTimer.singleShot(0, self, lambda: self._finish(utterance))
            else:
                self.finished.emit(self._utterance)
