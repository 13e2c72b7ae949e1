"""Connecting to the inbox the way libpq does, and telling its failures apart for staff.

Connections follow libpq's own conventions: a service name from ``pg_service.conf``
(``~/.pg_service.conf`` or ``$PGSERVICEFILE``), the password in ``~/.pgpass`` (mode 0600),
``$PGPASSFILE`` or a systemd credential named ``inbox-pgpass``, and ``sslmode`` /
``sslrootcert`` for TLS with the clinic's CA. No password is ever taken from content.yaml or a
command line, and no error message here holds a password or a visitor's answer: failures become
an :class:`InboxError` whose message is one sentence for staff (:func:`describe`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg

from kiosk.storage.store import SaveError

CREDENTIAL_NAME = "inbox-pgpass"
"""A systemd credential (``LoadCredential=inbox-pgpass:...``) used as the password file."""
CONNECT_TIMEOUT_S = 10
DEAD_SERVER_S = 60
"""How long an open connection waits on a server that stopped answering (a cable pulled, a
server gone) before it fails: TCP keepalives and a user timeout, so no thread (the forwarder, an
export) waits for ever."""


class InboxError(SaveError):
    """The inbox could not be used; ``str(error)`` is one sentence for staff."""

    def __init__(self, message: str) -> None:
        super().__init__("other", message)


def connection_kwargs(service: str) -> dict[str, Any]:
    """libpq parameters for ``service``: the service itself, a timeout, and the systemd
    credential as the password file when there is one (and ``$PGPASSFILE`` is not set)."""
    if isinstance(service, str) and "=" in service:
        # Never repeated back: a connection string may hold a password.
        raise InboxError(
            "a connection string is not accepted here: give a service name from "
            "pg_service.conf (its password goes in ~/.pgpass)"
        )
    if not service or not isinstance(service, str) or any(c.isspace() for c in service):
        raise InboxError(f"{service!r} is not a service name from pg_service.conf")
    kwargs: dict[str, Any] = {
        "service": service,
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "clinic-kiosk",
        "keepalives": 1,
        "keepalives_idle": DEAD_SERVER_S // 3,
        "keepalives_interval": DEAD_SERVER_S // 6,
        "keepalives_count": 3,
        "tcp_user_timeout": DEAD_SERVER_S * 1000,
    }
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    if credentials and not os.environ.get("PGPASSFILE"):
        passfile = Path(credentials) / CREDENTIAL_NAME
        if passfile.is_file():
            kwargs["passfile"] = str(passfile)
    return kwargs


def connect(service: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A new connection to the inbox of ``service``; :class:`InboxError` if it cannot be made."""
    try:
        return psycopg.connect(autocommit=autocommit, **connection_kwargs(service))
    except psycopg.Error as exc:
        raise InboxError(describe(exc, service)) from None


def describe(exc: BaseException, service: str) -> str:
    """One sentence for staff about a failure of the inbox ``service``: what to check.

    Built from libpq's message and the SQLSTATE, never including the server's detail text
    (which can quote a row, and so a visitor's answer).
    """
    text = str(exc).lower() if isinstance(exc, psycopg.OperationalError) else ""
    state = getattr(exc, "sqlstate", None) or ""
    where = f"the inbox (service {service!r})"
    if "definition of service" in text or "service file" in text:
        return (
            f"there is no service {service!r} in pg_service.conf "
            "(~/.pg_service.conf, $PGSERVICEFILE or /etc/postgresql-common/pg_service.conf)"
        )
    if state == "28P01" or "password authentication failed" in text:
        return (
            f"{where} refused the password: check the line for it in ~/.pgpass "
            "(mode 0600) or the systemd credential inbox-pgpass"
        )
    if "no password supplied" in text or "fe_sendauth" in text:
        return (
            f"{where} asks for a password and none was found: add a line for it to ~/.pgpass "
            "(mode 0600) or the systemd credential inbox-pgpass"
        )
    if "could not translate host name" in text or "name or service not known" in text:
        return f"the inbox server's host name in service {service!r} is unknown (check DNS)"
    if "server does not support ssl" in text:
        return (
            f"{where} does not offer TLS, which sslmode in pg_service.conf requires: "
            "turn on ssl on the server"
        )
    if "certificate" in text or "does not match host name" in text:
        return (
            f"{where} presented a certificate that was refused: check sslmode and sslrootcert "
            "(the clinic's CA) in pg_service.conf"
        )
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return f"{where} has no such database: check dbname in pg_service.conf"
    if state in ("28000",) or ("role" in text and "does not exist" in text):
        return f"{where} does not know this role: ask IT to run kiosk inbox init for it"
    if state == "42501":
        return f"{where} does not allow this role to do that (least privilege)"
    if state in ("42P01", "3F000"):
        return f"{where} has no inbox tables yet: run kiosk inbox init as the database owner"
    if (
        isinstance(exc, psycopg.OperationalError)
        or state.startswith(("08", "57P"))
        or "connection" in text
    ):
        return f"{where} cannot be reached: the server may be stopped or the network down"
    name = type(exc).__name__
    return f"{where} could not be used ({name}{f' {state}' if state else ''})"
