"""The staff screen's CSV export: where it may go (each USB drive with its label and size, and
this PC's folder), asked each time and never picked for staff, and the export itself, written on
a thread of its own while the screen says how far it has got."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QStorageInfo, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.core.form import FormField
from kiosk.storage.store import RequestStore
from kiosk.ui.export_job import ExportJob
from kiosk.ui.staff_words import breakable
from kiosk.ui.widgets import named_button

log = logging.getLogger(__name__)

USB_ROOTS = ("/media/", "/run/media/")


@dataclass(frozen=True)
class ExportPlace:
    """A place staff may send an export to."""

    folder: Path
    label: str
    """How the choice reads on its button: the drive's label and size, or this PC's folder."""
    removable: bool = False


ExportPlaces = Callable[[], list[ExportPlace]]
"""The places an export may go now; staff choose one (never picked for them)."""


def usb_drives_and_folder(default: Path) -> ExportPlaces:
    """:data:`ExportPlaces`: every writable drive mounted under /media or /run/media (with its
    label and size, so staff can tell the clinic's stick from one a visitor left in the port),
    and always ``default``, this PC's export folder (made when an export goes there)."""

    def places() -> list[ExportPlace]:
        found = []
        for volume in QStorageInfo.mountedVolumes():
            root = volume.rootPath()
            if (
                volume.isValid()
                and volume.isReady()
                and not volume.isReadOnly()
                and root.startswith(USB_ROOTS)
            ):
                size = _size_text(volume.bytesTotal())
                found.append(
                    ExportPlace(Path(root), f"USB drive “{volume.displayName()}” ({size})", True)
                )
        found.append(ExportPlace(default, f"This PC's export folder\n{default}"))
        return found

    return places


def _size_text(size: int) -> str:
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{max(size, 0) // 1000} kB"


class ExportChooser(QFrame):
    """Asks where the export goes (one button a place, and Cancel), then runs it.

    Signals:
        closed(): the question is gone (a place was chosen, or Cancel).
        said(str): what staff should read now (how far it has got, or how it ended).
        running(bool): an export started (True) or ended (False).
        exported(int, str): rows written and the file, before ``said`` tells staff.
        finished(str): an export ended: the file written, or "" when it failed.
    """

    closed = Signal()
    said = Signal(str)
    running = Signal(bool)
    exported = Signal(int, str)
    finished = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        fields: Sequence[FormField],
        time_zone: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("staff-export-choices")
        self._data_dir = data_dir
        self._fields = fields
        self._time_zone = time_zone
        choices = QVBoxLayout(self)
        self.question = QLabel("", self)
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        choices.addWidget(self.question)
        self._place_buttons = QVBoxLayout()  # one a row: a drive's label and size, in full
        choices.addLayout(self._place_buttons)
        self.place_buttons: list[QPushButton] = []
        self.cancel_button = named_button("Cancel export", "export-cancel", self, choices)
        self.cancel_button.clicked.connect(self.close_choices)
        choices.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.hide()
        self._job: ExportJob | None = None
        self._place: ExportPlace | None = None
        self._total = 0

    def ask(self, places: Sequence[ExportPlace], total: int) -> None:
        """Ask to which of ``places`` the ``total`` requests (as the "All" chip counts them)
        go: each drive with its label and size, and this PC."""
        for button in self.place_buttons:
            self._place_buttons.removeWidget(button)
            button.deleteLater()
        self.place_buttons = []
        drives = sum(place.removable for place in places)
        self.question.setText(
            "Export every request (names, phone numbers, answers) to:"
            + (
                "\nOnly choose a USB drive you know is the clinic's."
                if drives
                else "\nNo USB drive is plugged in."
            )
        )
        for place in places:
            button = QPushButton(place.label, self)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            button.setObjectName("export-place")
            button.setAccessibleName(f"Export to {place.label}")
            button.clicked.connect(lambda _=False, p=place: self._on_place_chosen(p))
            self._place_buttons.addWidget(button)
            self.place_buttons.append(button)
        self._total = total
        self.show()

    def close_choices(self) -> None:
        self.hide()
        self.closed.emit()

    def _on_place_chosen(self, place: ExportPlace) -> None:
        self.close_choices()
        folder = place.folder
        if not place.removable:
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as error:
                why = f"the export folder {folder} cannot be created ({error.strerror})"
                self._failed(folder, why)
                self.finished.emit("")
                return
        stamp = datetime.now(ZoneInfo(self._time_zone)).strftime("%Y%m%d-%H%M%S")
        path = folder / f"clinic-requests-{stamp}.csv"
        suffix = 2
        while path.exists():
            path = folder / f"clinic-requests-{stamp}-{suffix}.csv"
            suffix += 1
        # Written on a thread of its own: the screen (and the watchdog) carry on meanwhile.
        data_dir = self._data_dir
        job = ExportJob(
            lambda: RequestStore(data_dir),
            self._fields,
            path,
            self._time_zone,
            parent=self,
            data_dir=data_dir,
        )
        # Slots of this panel, not lambdas: emitted on the export's thread, a signal is
        # queued to the GUI thread only when its receiver is a QObject living there.
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._job = job
        self._place = place
        self.running.emit(True)
        self.said.emit(f"Exporting {self._total} requests to {place.label}…")
        job.start()

    def _on_progress(self, written: int) -> None:
        if self._job is not None:
            self.said.emit(f"Exporting… {written} of {self._total} requests written.")

    def _on_done(self, count: int, damaged: list[int]) -> None:
        job, place = self._ended()
        if job is None or place is None:
            return
        self.exported.emit(count, str(job.path))
        text = f"Exported {count} requests to {place.label}: {breakable(str(job.path))}"
        if damaged:
            ids = ", ".join(map(str, damaged))
            text += f"\nNot exported (damaged in the database, cannot be read): request {ids}."
        self.said.emit(text)
        self.finished.emit(str(job.path))

    def _on_failed(self, why: str) -> None:
        job, place = self._ended()
        if job is None or place is None:
            return
        self._failed(place.folder, why)
        self.finished.emit("")

    def _ended(self) -> tuple[ExportJob | None, ExportPlace | None]:
        job, place = self._job, self._place
        self._job = self._place = None
        if job is not None:
            job.wait()  # its last signal is in: the thread is ending, if not ended already
            job.deleteLater()
        self.running.emit(False)
        return job, place

    def wait(self, timeout: float | None = None) -> bool:
        """For shutting down: wait for an export under way to end; whether none is left."""
        job = self._job
        return job is None or job.wait(timeout)

    def _failed(self, folder: Path, why: str) -> None:
        log.error("CSV export to %s failed: %s", folder, why)
        self.said.emit(f"The export failed: {why}. Nothing was written.")
