"""``kiosk install-session``: the files a display manager needs for a "Clinic kiosk" session,
written under ``--destdir`` (as a packager would; the real thing needs root)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.paths import resource

SCRIPT = "usr/local/bin/clinic-kiosk-session"
XSESSION = "usr/share/xsessions/clinic-kiosk.desktop"
TARGET = "etc/systemd/user/clinic-kiosk-session.target"
KIOSK = Path(sys.executable).with_name("kiosk")


def install(tmp_path: Path, *extra: str, before: tuple[str, ...] = ()) -> int:
    return cli.main(
        [
            *before,
            "install-session",
            "--destdir",
            str(tmp_path / "root"),
            "--exec",
            str(KIOSK),
            "--user",
            "clinic",
            *extra,
        ]
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def script_command(script: Path) -> list[str]:
    """The command the script's ``set --`` line gives, as sh reads it."""
    (line,) = [x for x in script.read_text().splitlines() if x.startswith("set -- ")]
    result = subprocess.run(
        ["sh", "-c", f"{line}\nprintf '%s\\n' \"$@\""],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout.splitlines()


def test_writes_the_start_script_the_session_entry_and_the_target(tmp_path, capsys):
    data = tmp_path / "data"
    assert install(tmp_path, before=("--data-dir", str(data))) == 0
    root = tmp_path / "root"
    script, xsession, target = root / SCRIPT, root / XSESSION, root / TARGET
    assert mode(script) == 0o755
    assert mode(xsession) == mode(target) == 0o644
    assert script_command(script) == [str(KIOSK), "--data-dir", str(data)]
    assert script.read_text().startswith("#!/bin/sh\n")
    entry = xsession.read_text().splitlines()
    assert "Name=Clinic kiosk" in entry
    assert "Exec=/usr/local/bin/clinic-kiosk-session" in entry
    assert "TryExec=/usr/local/bin/clinic-kiosk-session" in entry
    assert target.read_text() == resource("deploy", "clinic-kiosk-session.target").read_text()
    assert "BindsTo=graphical-session.target" in target.read_text()
    out = capsys.readouterr().out
    assert f"Wrote {script}" in out
    # The two lines that make it LightDM's automatic login session:
    assert "  autologin-user=clinic\n  autologin-session=clinic-kiosk\n" in out
    assert "XSession=clinic-kiosk" in out  # and GDM's way


def test_paths_with_spaces_and_quotes_reach_the_kiosk_intact(tmp_path):
    data = tmp_path / 'it\'s a "data" $folder'
    assert install(tmp_path, before=("--data-dir", str(data))) == 0
    assert script_command(tmp_path / "root" / SCRIPT) == [str(KIOSK), "--data-dir", str(data)]


def test_running_it_again_changes_nothing(tmp_path, capsys):
    assert install(tmp_path) == 0
    capsys.readouterr()
    assert install(tmp_path) == 0
    assert capsys.readouterr().out.count("Unchanged ") == 3


def test_a_changed_file_is_only_replaced_with_force(tmp_path, capsys):
    assert install(tmp_path) == 0
    script = tmp_path / "root" / SCRIPT
    script.write_text("#!/bin/sh\n# changed by the clinic's IT\n")
    capsys.readouterr()
    assert install(tmp_path) == 1
    err = capsys.readouterr().err
    assert err == (
        f"kiosk install-session: {script} already exists with other contents; nothing was "
        "written (run again with --force to replace it)\n"
    )
    assert "changed by" in script.read_text()
    assert install(tmp_path, "--force") == 0
    assert "changed by" not in script.read_text()
    assert mode(script) == 0o755


@pytest.mark.parametrize("user", ["root; rm -rf /", "Clinic Staff", ""])
def test_a_bad_user_name_is_refused(tmp_path, capsys, user):
    assert install(tmp_path, "--user", user) == 1
    assert "not a user name" in capsys.readouterr().err
    assert not (tmp_path / "root").exists()


def test_root_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)
    assert install(tmp_path, "--user", "root") == 1
    assert "not root" in capsys.readouterr().err
    assert not (tmp_path / "root").exists()


def test_the_user_defaults_to_the_one_who_ran_sudo(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SUDO_USER", "frontdesk")
    code = cli.main(["install-session", "--destdir", str(tmp_path / "root"), "--exec", str(KIOSK)])
    assert code == 0
    assert "autologin-user=frontdesk\n" in capsys.readouterr().out


def test_an_exec_that_is_not_a_program_is_refused(tmp_path, capsys):
    assert install(tmp_path, "--exec", str(tmp_path / "missing")) == 1
    assert "not an executable file" in capsys.readouterr().err
    assert not (tmp_path / "root").exists()


def test_the_shipped_start_script_is_valid_sh():
    subprocess.run(["sh", "-n", str(resource("deploy", "clinic-kiosk-session"))], check=True)
