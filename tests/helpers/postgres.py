"""A real PostgreSQL server for tests and benchmarks, started in a temporary folder.

Debian's ``postgresql`` package (``/usr/lib/postgresql/<version>/bin``); the server refuses to
run as root, so as root it runs as ``nobody``. It listens on a Unix socket in its folder and, for
the TLS and password tests, on 127.0.0.1 (loopback only) with a certificate signed by a CA made
here. ``admin`` (the cluster's superuser) connects over the socket without a password; every
other role needs its password (``scram-sha-256``), on the socket and over TCP alike.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ADMIN = "admin"


def postgres_bin() -> Path | None:
    """The folder of the newest installed server's programs, or None."""
    root = Path("/usr/lib/postgresql")
    if not root.is_dir():
        return None
    found = sorted(
        (p for p in root.iterdir() if (p / "bin" / "pg_ctl").exists()),
        key=lambda p: int(p.name) if p.name.isdigit() else 0,
    )
    return found[-1] / "bin" if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster in ``folder``; :meth:`start`, :meth:`stop`, :meth:`restart`."""

    def __init__(self, folder: Path) -> None:
        bindir = postgres_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
        self.bin = bindir
        self.folder = folder
        self.data = folder / "data"
        self.socket_dir = folder / "sock"
        self.tls_dir = folder / "tls"
        self.port = _free_port()
        self._as_user: list[str] = []
        self._env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        for key in list(self._env):
            if key.startswith("PG"):
                del self._env[key]

    # -- set-up ------------------------------------------------------------------------------

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(mode=0o755)
        self.tls_dir.mkdir(mode=0o700)
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chmod(self.folder, 0o755)
            for path in (self.folder, self.socket_dir, self.tls_dir):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            self._as_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        self._run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", ADMIN, "--auth=trust",
             "-E", "UTF8", "--no-instructions"]
        )  # fmt: skip
        self.make_tls()
        (self.data / "pg_hba.conf").write_text(
            f"local all {ADMIN} trust\n"
            "local all all scram-sha-256\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "ssl = on\n"
                f"ssl_cert_file = '{self.tls_dir / 'server.crt'}'\n"
                f"ssl_key_file = '{self.tls_dir / 'server.key'}'\n"
                "fsync = on\n"
                "max_connections = 100\n"
                "shared_buffers = 16MB\n"
            )

    def make_tls(self) -> None:
        """A CA (``ca.crt``), a server certificate for 127.0.0.1 signed by it, and a second
        CA (``other-ca.crt``) that signed nothing here."""
        tls = self.tls_dir

        def openssl(*args: str) -> None:
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tls)

        for name in ("ca", "other-ca"):
            openssl(
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", f"/CN=Example clinic test {name}", "-keyout", f"{name}.key",
                "-out", f"{name}.crt",
            )  # fmt: skip
        (tls / "san.ext").write_text("subjectAltName = IP:127.0.0.1, DNS:localhost\n")
        openssl(
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", "server.key", "-out", "server.csr",
        )  # fmt: skip
        openssl(
            "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt",
        )  # fmt: skip
        os.chmod(tls / "server.key", 0o600)
        for path in tls.iterdir():
            if os.getuid() == 0:
                nobody = pwd.getpwnam("nobody")
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            if path.suffix == ".crt":
                os.chmod(path, 0o644)
        os.chmod(tls, 0o755)

    def _run(self, argv: list[str]) -> None:
        done = subprocess.run(
            [*self._as_user, *argv], capture_output=True, text=True, env=self._env, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip()}")

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        self._run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
             str(self.socket_dir / "log"), "-w", "-t", "60", "start"]
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"]
        )

    def restart(self) -> None:
        self._run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
             str(self.socket_dir / "log"), "-m", "fast", "-w", "-t", "60", "restart"]
        )  # fmt: skip

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    # -- connecting ------------------------------------------------------------------------

    def conninfo(self, dbname: str = "postgres", user: str = ADMIN) -> str:
        return f"host={self.socket_dir} port={self.port} dbname={dbname} user={user}"

    def admin_sql(self, sql: str, dbname: str = "postgres") -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn:
            cursor = conn.execute(sql.encode())
            return list(cursor.fetchall()) if cursor.description else []

    def create_database(self, name: str) -> None:
        self.admin_sql(f'CREATE DATABASE "{name}"')

    def service_entry(
        self, name: str, dbname: str, user: str, *, tcp: bool = False, sslmode: str = ""
    ) -> str:
        """A ``pg_service.conf`` section for this server."""
        host = "127.0.0.1" if tcp else str(self.socket_dir)
        lines = [f"[{name}]", f"host={host}", f"port={self.port}", f"dbname={dbname}"]
        lines.append(f"user={user}")
        if sslmode:
            lines.append(f"sslmode={sslmode}")
        return "\n".join(lines) + "\n"

    def pgpass_line(self, user: str, password: str, *, tcp: bool = False) -> str:
        host = "127.0.0.1" if tcp else str(self.socket_dir)
        return f"{host}:{self.port}:*:{user}:{password}\n"


@contextlib.contextmanager
def running_server(folder: Path | None = None) -> Iterator[PostgresServer]:
    """A started server in ``folder`` (a new temporary one if None), stopped and removed after."""
    made = folder is None
    base = Path(tempfile.mkdtemp(prefix="kiosk-pg-")) if folder is None else folder
    os.chmod(base, 0o755)  # the server's user must reach its folder inside
    server = PostgresServer(base / "pg")
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.is_running():
            with contextlib.suppress(RuntimeError, subprocess.SubprocessError):
                server.stop("immediate")
        if made:
            shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# pytest fixtures (tests/conftest.py loads this module as a plugin)

KIOSK_ROLE = "kiosk_one"
KIOSK_PASSWORD = "kiosk-test-password-1"  # obviously fake; test-only
STAFF_ROLE = "desk_one"
STAFF_PASSWORD = "desk-test-password-1"  # obviously fake; test-only


class Inbox:
    """One test's inbox database, with services for each role in a pg_service.conf:

    ``kiosk`` (the kiosk role), ``desk`` (staff), ``admin`` (the owner), and ``kiosk-tls`` /
    ``desk-tls`` over TCP with ``sslmode=verify-full`` and the right CA."""

    def __init__(self, server: PostgresServer, dbname: str, folder: Path) -> None:
        self.server = server
        self.dbname = dbname
        self.folder = folder
        self.service_file = folder / "pg_service.conf"
        self.pgpass = folder / "pgpass"
        ca = server.tls_dir / "ca.crt"
        self.service_file.write_text(
            server.service_entry("kiosk", dbname, KIOSK_ROLE)
            + server.service_entry("desk", dbname, STAFF_ROLE)
            + server.service_entry("admin", dbname, ADMIN)
            + server.service_entry("kiosk-tls", dbname, KIOSK_ROLE, tcp=True, sslmode="verify-full")
            + f"sslrootcert={ca}\n"
            + server.service_entry("desk-tls", dbname, STAFF_ROLE, tcp=True, sslmode="verify-full")
            + f"sslrootcert={ca}\n"
        )
        self.write_pgpass(KIOSK_PASSWORD, STAFF_PASSWORD)

    def write_pgpass(self, kiosk_password: str, staff_password: str) -> None:
        s = self.server
        self.pgpass.write_text(
            s.pgpass_line(KIOSK_ROLE, kiosk_password)
            + s.pgpass_line(STAFF_ROLE, staff_password)
            + s.pgpass_line(KIOSK_ROLE, kiosk_password, tcp=True)
            + s.pgpass_line(STAFF_ROLE, staff_password, tcp=True)
        )
        os.chmod(self.pgpass, 0o600)

    def sql(self, query: str) -> list[tuple[object, ...]]:
        """Run ``query`` as the owner, in this database."""
        return self.server.admin_sql(query, self.dbname)

    def env(self) -> dict[str, str]:
        return {"PGSERVICEFILE": str(self.service_file), "PGPASSFILE": str(self.pgpass)}


_database_counter = [0]


def _pg_server_fixture():  # type: ignore[no-untyped-def]
    import pytest

    @pytest.fixture(scope="session")
    def pg_server():  # type: ignore[no-untyped-def]
        if postgres_bin() is None:
            pytest.fail("PostgreSQL is not installed: run make setup (it installs postgresql)")
        # A folder of its own under /tmp: the server's user must reach it (pytest's are 0700).
        with running_server() as server:
            for role, password in ((KIOSK_ROLE, KIOSK_PASSWORD), (STAFF_ROLE, STAFF_PASSWORD)):
                server.admin_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
            yield server

    @pytest.fixture
    def inbox_db(pg_server, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
        from kiosk.storage.inbox import init_inbox

        if not pg_server.is_running():
            pg_server.start()
        _database_counter[0] += 1
        name = f"inbox_{os.getpid()}_{_database_counter[0]}"
        pg_server.create_database(name)
        folder = tmp_path / "libpq"
        folder.mkdir()
        made = Inbox(pg_server, name, folder)
        import psycopg

        with psycopg.connect(pg_server.conninfo(name)) as conn:
            init_inbox(conn, kiosks=[KIOSK_ROLE], staff=[STAFF_ROLE])
        for key, value in made.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
        yield made
        if not pg_server.is_running():
            pg_server.start()

    return pg_server, inbox_db


pg_server, inbox_db = _pg_server_fixture()
