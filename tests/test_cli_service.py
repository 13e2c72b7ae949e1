"""``kiosk install-service``, run as an installer would, with HOME and XDG_CONFIG_HOME pointed
at a temporary folder: in-process as ``python -m kiosk``, and from the console script in a real
process."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.paths import bundled_content, resource
from tests.helpers.cli import Cli, Ran, run_kiosk

UNIT = "clinic-kiosk.service"
RECOVER = ("clinic-kiosk-recover.service", "clinic-kiosk-recover.timer")
DESKTOP = "clinic-kiosk.desktop"
ENABLE = "systemctl --user daemon-reload && systemctl --user enable --now clinic-kiosk.service"

Install = Callable[..., Ran | subprocess.CompletedProcess[str]]


@pytest.fixture
def install(cli: Cli) -> Install:
    """``kiosk ARGS`` with HOME (and XDG_CONFIG_HOME, unless ``config_home`` is false) in
    ``tmp_path``, run there: in-process, or in a real process when ``program`` names one."""

    def run(
        tmp_path: Path,
        *args: str,
        config_home: bool = True,
        program: list[str] | None = None,
        path: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> Ran | subprocess.CompletedProcess[str]:
        env = {
            "HOME": str(tmp_path / "home"),
            "PATH": path if path is not None else "/usr/bin:/bin",
        }
        if config_home:
            env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
        env.update(extra_env or {})
        unset = [
            name
            for name in ("XDG_CONFIG_HOME", "KIOSK_DATA_DIR", "KIOSK_CONTENT")
            if name not in env
        ]
        if program is not None:
            return run_kiosk(*args, env=env, unset=unset, cwd=tmp_path, program=program, timeout=60)
        return cli(*args, env=env, unset=unset, cwd=tmp_path)

    return run


def fake_kiosk(folder: Path, name: str = "kiosk") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    return program


def written(tmp_path: Path, config: str = "config") -> dict[str, Path]:
    base = tmp_path / config
    return {
        UNIT: base / "systemd" / "user" / UNIT,
        RECOVER[0]: base / "systemd" / "user" / RECOVER[0],
        RECOVER[1]: base / "systemd" / "user" / RECOVER[1],
        DESKTOP: base / "autostart" / DESKTOP,
    }


def key(path: Path, name: str) -> str:
    (value,) = [
        line.split("=", 1)[1]
        for line in path.read_text().splitlines()
        if line.startswith(f"{name}=")
    ]
    return value


def systemd_words(value: str) -> list[str]:
    """An ExecStart= value split as systemd does (for the quoting used here)."""
    return [w.replace("%%", "%").replace("$$", "$") for w in shlex.split(value)]


def desktop_words(value: str) -> list[str]:
    """An Exec= value split as the Desktop Entry Specification says: string escapes first,
    then words, quoted with "..." in which \\ escapes ", `, $ and \\; then %% is %."""
    text = value.replace("\\\\", "\\")
    words: list[str] = []
    word: str | None = None
    quoted = escaped = False
    for char in text:
        if quoted:
            if escaped:
                assert char in '"`$\\', f"bad escape in {value!r}"
                word = (word or "") + char
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            else:
                word = (word or "") + char
        elif char == " ":
            if word is not None:
                words.append(word)
            word = None
        elif char == '"':
            quoted = True
            word = word or ""
        else:
            word = (word or "") + char
    assert not quoted, f"unterminated quote in {value!r}"
    if word is not None:
        words.append(word)
    return [w.replace("%%", "%") for w in words]


def test_writes_the_unit_and_autostart_entry(install: Install, tmp_path):
    program = fake_kiosk(tmp_path / "bin")
    content = tmp_path / "content.yaml"
    shutil.copy(bundled_content(), content)
    result = install(
        tmp_path,
        "--content",
        "content.yaml",
        "--data-dir",
        "data",
        "install-service",
        "--exec",
        str(program),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    files = written(tmp_path)
    expected = [str(program), "--content", str(content), "--data-dir", str(tmp_path / "data")]

    unit = files[UNIT].read_text()
    template = resource("deploy", UNIT).read_text()
    assert systemd_words(key(files[UNIT], "ExecStart")) == expected
    assert [x for x in unit.splitlines() if not x.startswith("ExecStart=")] == [
        x for x in template.splitlines() if not x.startswith("ExecStart=")
    ]
    for name in RECOVER:
        assert files[name].read_text() == resource("deploy", name).read_text()
    assert desktop_words(key(files[DESKTOP], "Exec")) == expected
    assert key(files[DESKTOP], "X-GNOME-HiddenUnderSystemd") == "true"
    for path in files.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    leftovers = [p.name for p in (tmp_path / "config").rglob(".*")]
    assert leftovers == []

    out = result.stdout
    for path in files.values():
        assert f"Wrote {path}\n" in out
    assert ENABLE in out
    assert "loginctl enable-linger" in out
    assert not (tmp_path / "home" / ".config").exists()


def test_without_xdg_config_home_it_uses_home_dot_config(install: Install, tmp_path):
    program = fake_kiosk(tmp_path / "bin")
    result = install(tmp_path, "install-service", "--exec", str(program), config_home=False)
    assert result.returncode == 0, result.stderr
    for path in written(tmp_path / "home", ".config").values():
        assert path.is_file()


def test_running_it_again_changes_nothing(install: Install, tmp_path):
    program = fake_kiosk(tmp_path / "bin")
    assert install(tmp_path, "install-service", "--exec", str(program)).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in written(tmp_path).values()}
    again = install(tmp_path, "install-service", "--exec", str(program))
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("Unchanged ") == 4
    assert {p: p.stat().st_mtime_ns for p in written(tmp_path).values()} == before


def test_a_changed_file_is_only_replaced_with_force(install: Install, tmp_path):
    program = fake_kiosk(tmp_path / "bin")
    assert install(tmp_path, "install-service", "--exec", str(program)).returncode == 0
    files = written(tmp_path)
    files[UNIT].write_text("[Service]\n# edited by the clinic's IT person\n")
    files[RECOVER[1]].unlink()
    other = fake_kiosk(tmp_path / "other")

    refused = install(tmp_path, "install-service", "--exec", str(other))
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith(f"kiosk install-service: {files[UNIT]}, {files[DESKTOP]} ")
    assert "--force" in refused.stderr
    assert "edited by" in files[UNIT].read_text()
    assert not files[RECOVER[1]].exists()  # nothing at all was written
    assert desktop_words(key(files[DESKTOP], "Exec")) == [str(program)]

    forced = install(tmp_path, "install-service", "--exec", str(other), "--force")
    assert forced.returncode == 0, forced.stderr
    assert systemd_words(key(files[UNIT], "ExecStart")) == [str(other)]
    assert desktop_words(key(files[DESKTOP], "Exec")) == [str(other)]
    assert files[RECOVER[1]].is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["install-service", "--exec", "/nonexistent/kiosk"], "not an executable file"),
        (["--content", "missing.yaml", "install-service"], "--content missing.yaml: no such file"),
    ],
)
def test_bad_paths_fail_with_one_line(install: Install, tmp_path, args, message):
    result = install(tmp_path, *args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("kiosk install-service: ")
    assert message in result.stderr
    assert not (tmp_path / "config").exists()


def test_a_config_folder_that_cannot_be_written_fails_with_one_line(install: Install, tmp_path):
    (tmp_path / "config").write_text("a file where a folder should be")
    program = fake_kiosk(tmp_path / "bin")
    result = install(tmp_path, "install-service", "--exec", str(program))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("kiosk install-service: cannot ")


def test_the_kiosk_script_it_runs_from_is_the_default(install: Install, tmp_path):
    script = Path(sys.executable).with_name("kiosk")  # the script of the tests' own venv
    if not script.exists():
        pytest.skip(f"no {script} here")
    result = install(tmp_path, "install-service", program=[str(script)])
    assert result.returncode == 0, result.stderr
    assert systemd_words(key(written(tmp_path)[UNIT], "ExecStart")) == [str(script.resolve())]


def test_from_python_m_kiosk_it_uses_kiosk_on_path(install: Install, tmp_path):
    program = fake_kiosk(tmp_path / "bin")
    result = install(tmp_path, "install-service", path=f"{tmp_path / 'bin'}:/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    assert systemd_words(key(written(tmp_path)[UNIT], "ExecStart")) == [str(program)]


def test_from_python_m_kiosk_without_kiosk_on_path_it_runs_python_m_kiosk(
    install: Install, tmp_path
):
    result = install(tmp_path, "install-service")
    assert result.returncode == 0, result.stderr
    words = systemd_words(key(written(tmp_path)[UNIT], "ExecStart"))
    assert words == [sys.executable, "-m", "kiosk"]


def test_spaces_percent_signs_and_quotes_are_quoted(install: Install, tmp_path):
    odd = tmp_path / 'bin with space/100% "kiosk"$'
    program = fake_kiosk(odd, "kiosk app")
    result = install(
        tmp_path, "--data-dir", "my data\\dir", "install-service", "--exec", str(program)
    )
    assert result.returncode == 0, result.stderr
    files = written(tmp_path)
    expected = [str(program), "--data-dir", str(tmp_path / "my data\\dir")]
    assert systemd_words(key(files[UNIT], "ExecStart")) == expected
    assert desktop_words(key(files[DESKTOP], "Exec")) == expected


def test_systemd_accepts_the_written_units(install: Install, tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    program = fake_kiosk(tmp_path / "bin with space")
    result = install(tmp_path, "--data-dir", "data 100%", "install-service", "--exec", str(program))
    assert result.returncode == 0, result.stderr
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    files = written(tmp_path)
    verify = subprocess.run(
        [analyze, "--user", "verify", str(files[UNIT]), *(str(files[n]) for n in RECOVER)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path / "home")},
        timeout=60,
    )
    assert verify.returncode == 0, verify.stderr
    assert verify.stderr == ""


def test_help_describes_it(install: Install, tmp_path):
    result = install(tmp_path, "install-service", "--help")
    assert result.returncode == 0
    assert "--exec PATH" in result.stdout
    assert "--force" in result.stdout
    listed = install(tmp_path, "--help")
    assert "install-service" in listed.stdout


def test_environment_settings_the_service_would_not_see_are_pointed_out(install: Install, tmp_path):
    program = fake_kiosk(tmp_path / "bin")
    data = str(tmp_path / "elsewhere")
    result = install(
        tmp_path, "install-service", "--exec", str(program), extra_env={"KIOSK_DATA_DIR": data}
    )
    assert result.returncode == 0, result.stderr
    assert "Note: $KIOSK_DATA_DIR is set here but the service will not see it" in result.stdout
    assert systemd_words(key(written(tmp_path)[UNIT], "ExecStart")) == [str(program)]
