"""How the front-desk inbox hears of new requests: LISTEN/NOTIFY on a socket the event loop
watches (no polling), and, when the server is lost, another try after a second and then every
five seconds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from kiosk.storage.inbox import InboxError, InboxListener, InboxStore
from kiosk.storage.store import SaveError
from kiosk.timers import TimerFactory
from kiosk.ui.widgets import named_timer

RECONNECT_MS = 5000
FIRST_RECONNECT_MS = 1000
"""The first try after losing the server is sooner: a restart takes a second or two."""

ListenerFactory = Callable[[], InboxListener]


class InboxFeed(QObject):
    """Listens for the server's announcements, and listens again after losing it.

    Signals:
        connected(): listening (again): whatever arrived meanwhile should be read.
        failed(object): the listener failed with this :class:`SaveError`.
        kiosks_announced(): a kiosk sent a heartbeat.
        requests_announced(list): the ids of requests the server announced.
    """

    connected = Signal()
    failed = Signal(object)
    kiosks_announced = Signal()
    requests_announced = Signal(list)

    def __init__(
        self,
        store: InboxStore,
        listener_factory: ListenerFactory,
        timer_factory: TimerFactory,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._listener_factory = listener_factory
        self._listener: InboxListener | None = None
        self._socket: QSocketNotifier | None = None
        self._retrying = False
        self._reconnect = named_timer(timer_factory, self, "reconnect", self._on_reconnect_due)

    def listen(self) -> None:
        """Start listening (again)."""
        self.stop()
        try:
            listener = self._listener_factory()
        except SaveError as error:
            self.failed.emit(error)
            return
        self._listener = listener
        self._socket = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read, self)
        self._socket.activated.connect(self._on_socket_readable)
        self._retrying = False
        self.connected.emit()

    def lost(self, error: SaveError) -> None:
        """The server failed (``error``): stop listening, and when it is the inbox's server
        that is lost (not a single query), try again soon."""
        self.stop()
        if isinstance(error, InboxError) and not self._reconnect.isActive():
            self._reconnect.start(RECONNECT_MS if self._retrying else FIRST_RECONNECT_MS)
            self._retrying = True

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.setEnabled(False)
            self._socket.deleteLater()
            self._socket = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _on_socket_readable(self) -> None:
        if self._listener is None:
            return
        try:
            ids, kiosks = self._listener.drain()
        except SaveError as error:
            self.failed.emit(error)
            return
        if kiosks:
            self.kiosks_announced.emit()
        if ids:
            self.requests_announced.emit(ids)

    def _on_reconnect_due(self) -> None:
        self._store.close()  # a connection from before the failure may be dead too
        self.listen()
