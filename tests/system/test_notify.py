"""SystemdNotifier: the exact datagrams, path and abstract sockets, and never an exception."""

from __future__ import annotations

import logging
import os
import socket
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.system.notify import SystemdNotifier


@pytest.fixture
def path_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(5)
        yield sock, str(path)


@pytest.fixture
def abstract_socket() -> Iterator[tuple[socket.socket, str]]:
    name = f"kiosk-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.settimeout(5)
        yield sock, "@" + name


@pytest.mark.parametrize("kind", ["path", "abstract"])
def test_each_message_is_one_exact_datagram(kind, path_socket, abstract_socket):
    sock, name = path_socket if kind == "path" else abstract_socket
    notifier = SystemdNotifier({"NOTIFY_SOCKET": name})
    assert notifier.enabled
    assert notifier.socket_name == name

    assert notifier.ready()
    assert notifier.watchdog()
    assert notifier.status("Showing the slideshow\nsecond line")
    assert notifier.stopping()
    assert notifier.notify("STATUS=a", "ERRNO=5")

    received = [sock.recv(4096) for _ in range(5)]
    assert received == [
        b"READY=1",
        b"WATCHDOG=1",
        b"STATUS=Showing the slideshow second line",
        b"STOPPING=1",
        b"STATUS=a\nERRNO=5",
    ]


def test_without_notify_socket_it_does_nothing(caplog):
    notifier = SystemdNotifier({})
    assert not notifier.enabled
    assert notifier.watchdog_interval_ms() is None
    with caplog.at_level(logging.DEBUG):
        assert not notifier.ready()
        assert not notifier.watchdog()
        assert not notifier.stopping()
        assert not notifier.status("x")
    assert caplog.records == []


def test_reads_os_environ_at_construction(monkeypatch, path_socket):
    sock, name = path_socket
    monkeypatch.setenv("NOTIFY_SOCKET", name)
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    notifier = SystemdNotifier()
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert notifier.ready()
    assert sock.recv(64) == b"READY=1"
    assert notifier.watchdog_interval_ms() == 15_000


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WATCHDOG_USEC": "30000000"}, 15_000),
        ({"WATCHDOG_USEC": "3000000"}, 1_500),
        ({"WATCHDOG_USEC": "1"}, 1),
        ({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "4242"}, 1_500),
        ({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "4243"}, None),
        ({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "x"}, None),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "-5"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_is_half_of_watchdog_usec_for_this_process(env, expected):
    notifier = SystemdNotifier({"NOTIFY_SOCKET": "/run/x", **env}, pid=4242)
    assert notifier.watchdog_interval_ms() == expected


def test_no_watchdog_without_a_socket():
    notifier = SystemdNotifier({"WATCHDOG_USEC": "3000000"})
    assert notifier.watchdog_interval_ms() is None


def test_a_gone_socket_never_raises_and_warns_once(tmp_path, caplog):
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})
    assert notifier.enabled
    with caplog.at_level(logging.DEBUG, logger="kiosk.system.notify"):
        for _ in range(3):
            assert not notifier.ready()
            assert not notifier.watchdog()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "gone.sock" in warnings[0].getMessage()
    assert len([r for r in caplog.records if r.levelno == logging.DEBUG]) == 5


def test_a_socket_that_comes_back_is_used_again(tmp_path):
    path = tmp_path / "later.sock"
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(path)})
    assert not notifier.watchdog()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(5)
        assert notifier.watchdog()
        assert sock.recv(64) == b"WATCHDOG=1"


def test_a_socket_that_is_no_datagram_socket_never_raises(tmp_path):
    path = tmp_path / "stream.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(path))
        notifier = SystemdNotifier({"NOTIFY_SOCKET": str(path)})
        assert not notifier.ready()


@pytest.mark.parametrize("name", ["relative/path", "vsock:2:1234", "@"])
def test_an_unusable_address_disables_it_with_a_warning(name, caplog):
    with caplog.at_level(logging.WARNING, logger="kiosk.system.notify"):
        notifier = SystemdNotifier({"NOTIFY_SOCKET": name})
    assert not notifier.enabled
    assert not notifier.ready()
    assert len(caplog.records) == 1


def test_sends_come_from_this_process(path_socket):
    sock, name = path_socket
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    SystemdNotifier({"NOTIFY_SOCKET": name}).ready()
    _data, ancillary, _flags, _addr = sock.recvmsg(64, socket.CMSG_SPACE(12))
    ((_level, _kind, creds),) = ancillary
    assert struct.unpack("3i", creds)[0] == os.getpid()
