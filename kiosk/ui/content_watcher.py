"""Hot reload: read content.yaml again when it is saved, and keep the last good version.

Editors save in different ways: some write the file in place (perhaps in several writes),
others write a new file and rename it over the old one, which ends a watch on the old file.
So the file *and* its folder are watched, the file is watched again whenever it reappears, and
a burst of changes is read once, after a short quiet spell (the debounce timer).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Signal

from kiosk.core.content import Content, ContentError
from kiosk.core.files import Signature, signature
from kiosk.core.i18n import load_localized
from kiosk.timers import TimerFactory, qt_timer

__all__ = ["DEBOUNCE_MS", "ContentWatcher"]

log = logging.getLogger(__name__)

DEBOUNCE_MS = 500
"""How long the file must stay unchanged before it is read."""


class ContentWatcher(QObject):
    """Watches a content file and reports each new good version, or what is wrong with a bad one.

    A bad file never replaces the content in force: :attr:`content` stays the last good one.

    Signals:
        content_changed(Content): the file was saved and reads as new, valid content (only
            when it differs from the last good content).
        content_invalid(list[str]): the file was saved with problems; every problem as a line
            ``FILE:LINE: key: message`` (each also logged as a warning).
    """

    content_changed = Signal(object)
    content_invalid = Signal(list)

    def __init__(
        self,
        path: Path,
        content: Content,
        timer_factory: TimerFactory = qt_timer,
        loader: Callable[[Path], Content] = load_localized,
        debounce_ms: int = DEBOUNCE_MS,
        parent: QObject | None = None,
        read_as: Signature = None,
    ) -> None:
        super().__init__(parent)
        self._path = path  # as given: it names the file in messages and in Content.source
        self._file = os.path.abspath(path)
        self._folder = os.path.dirname(self._file)
        self._content = content
        self._loader = loader
        self._debounce_ms = debounce_ms
        self._seen = signature(self._file)

        self._debounce = timer_factory(self)
        self._debounce.setObjectName("content-debounce")
        self._debounce.setSingleShot(True)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.watcher = QFileSystemWatcher(self)
        """The Qt watcher (its signals are public for tests)."""
        self.watcher.fileChanged.connect(self._on_file_changed)
        self.watcher.directoryChanged.connect(self._on_folder_changed)
        self._watch()
        if read_as is not None and read_as != self._seen:
            # Saved again between the reading of ``content`` (``read_as``) and now.
            self._debounce.start(self._debounce_ms)

    @property
    def content(self) -> Content:
        """The last good content."""
        return self._content

    @property
    def path(self) -> Path:
        return self._path

    def reload(self) -> None:
        """Read the file now (as the debounce timer does)."""
        self._debounce.stop()
        self._watch()
        self._seen = signature(self._file)
        try:
            content = self._loader(self._path)
        except ContentError as error:
            lines = [str(problem) for problem in error.problems]
            log.warning(
                "%s has %d problem(s); the content in force stays as it was (version %s)",
                self._path,
                len(lines),
                self._content.content_version,
            )
            for line in lines:
                log.warning("%s", line)
            self.content_invalid.emit(lines)
            return
        if content == self._content:
            log.info("%s was saved, but its content is the same", self._path)
            return
        self._content = content
        log.info("%s changed: now content version %s", self._path, content.content_version)
        self.content_changed.emit(content)

    # -- watching --------------------------------------------------------------------------

    def _watch(self) -> None:
        """Watch the folder, and the file when it exists (a rename-over ends the old watch)."""
        watched = set(self.watcher.files()) | set(self.watcher.directories())
        if self._folder not in watched and os.path.isdir(self._folder):
            self.watcher.addPath(self._folder)
        if self._file not in watched and os.path.isfile(self._file):
            self.watcher.addPath(self._file)

    def _on_file_changed(self, path: str) -> None:
        self._watch()
        self._debounce.start(self._debounce_ms)

    def _on_folder_changed(self, path: str) -> None:
        # Other files in the folder come and go (an editor's swap files, the logo): only a
        # change to the content file itself counts.
        self._watch()
        if signature(self._file) != self._seen:
            self._debounce.start(self._debounce_ms)

    def _on_debounce_timeout(self) -> None:
        self.reload()
