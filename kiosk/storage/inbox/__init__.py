"""The front-desk inbox: requests from every kiosk in one PostgreSQL database.

A kiosk with an inbox keeps saving each request locally first (:class:`RequestStore`); the
forwarder (:mod:`kiosk.storage.forwarder`) then sends it here with the UUID made at save time,
so a request sent twice is stored once. The front desk (``kiosk inbox``) and ``kiosk requests
--inbox`` read, mark, export and delete here through :class:`InboxStore`.

Its parts: :mod:`~kiosk.storage.inbox.connection` (connecting as libpq does; failures as one
sentence for staff), :mod:`~kiosk.storage.inbox.schema` (tables, roles, grants:
:func:`init_inbox`), :mod:`~kiosk.storage.inbox.sending` (what a kiosk sends),
:mod:`~kiosk.storage.inbox.front_desk` (:class:`InboxStore`) and
:mod:`~kiosk.storage.inbox.listener` (:class:`InboxListener`). The names below are the
inbox's public face: import them from here.

Least privilege, made by :func:`init_inbox` (``kiosk inbox init``, run once by IT as the
database's owner):

* ``clinic_kiosk`` (a kiosk's login role is a member) may INSERT requests (never read them, its
  own or others') and report its heartbeat through ``inbox.heartbeat()``;
* ``clinic_staff`` may read, mark, export and delete requests, read heartbeats, and add to and
  read the audit table (never change or delete it);
* every staff action writes an audit row in the same transaction (no row, no action).
"""

from kiosk.storage.inbox.connection import InboxError, connect, connection_kwargs, describe
from kiosk.storage.inbox.front_desk import InboxStore, KioskStatus
from kiosk.storage.inbox.listener import InboxListener
from kiosk.storage.inbox.schema import check_role_name, init_inbox
from kiosk.storage.inbox.sending import MAX_BATCH, send_heartbeat, send_requests

__all__ = [
    "MAX_BATCH",
    "InboxError",
    "InboxListener",
    "InboxStore",
    "KioskStatus",
    "check_role_name",
    "connect",
    "connection_kwargs",
    "describe",
    "init_inbox",
    "send_heartbeat",
    "send_requests",
]
