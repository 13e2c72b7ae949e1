"""``kiosk install-service``: set the kiosk up to start at login and be restarted by systemd.

Writes, from the bundled ``resources/deploy/``:

* ``$XDG_CONFIG_HOME/systemd/user/clinic-kiosk.service`` (``~/.config`` by default), with
  ``ExecStart=`` naming this very kiosk and the ``--content``/``--data-dir`` given before the
  command; ``clinic-kiosk-recover.service`` and ``.timer`` beside it (they restart the kiosk if
  systemd gave up after repeated failures);
* ``$XDG_CONFIG_HOME/autostart/clinic-kiosk.desktop``, for desktops without a systemd session.

Each file is written atomically. A file that exists with other contents is left alone (and
nothing at all is written) unless ``--force`` is given. Then it prints the commands that enable
the service. One line on standard error and exit 1 when something cannot be done.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.files import write_atomically
from kiosk.paths import resource
from kiosk.places import EXIT_OK, EXIT_PROBLEM, config_home

UNIT_NAME = "clinic-kiosk.service"
RECOVER_SERVICE = "clinic-kiosk-recover.service"
RECOVER_TIMER = "clinic-kiosk-recover.timer"
DESKTOP_NAME = "clinic-kiosk.desktop"
PROG = "kiosk install-service"

_DESKTOP_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class InstallError(Exception):
    """Stops the command: ``str(error)`` is the one line to print."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``install-service`` to the kiosk's sub-commands."""
    parser = commands.add_parser(
        "install-service",
        help="start the kiosk at login under systemd (a user service) and XDG autostart",
        description=(
            f"Write the systemd user unit {UNIT_NAME} (with {RECOVER_SERVICE} and "
            f"{RECOVER_TIMER}) to $XDG_CONFIG_HOME/systemd/user/ and {DESKTOP_NAME} to "
            "$XDG_CONFIG_HOME/autostart/ ($XDG_CONFIG_HOME is ~/.config unless set), set up to "
            "run this kiosk with the --content and --data-dir given before the command. "
            "Then print how to enable them. Files that exist with other contents are only "
            "replaced with --force."
        ),
    )
    add_install_options(parser)
    parser.set_defaults(handler=run)


def add_install_options(parser: argparse.ArgumentParser) -> None:
    """``--exec`` and ``--force``, which install-service and install-session share."""
    parser.add_argument(
        "--exec",
        dest="exec_path",
        type=Path,
        metavar="PATH",
        help="the kiosk program to start (default: the one running this command)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace files that exist with other contents"
    )


# --------------------------------------------------------------------------------------------
# What to start


def _is_executable_file(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def kiosk_command(exec_path: Path | None) -> list[str]:
    """The command that starts this kiosk: ``exec_path``, else the program running now
    (``sys.argv[0]``), else ``kiosk`` on ``$PATH``, else ``python -m kiosk``."""
    if exec_path is not None:
        path = Path(exec_path).expanduser().absolute()
        if not _is_executable_file(path):
            raise InstallError(f"--exec {exec_path}: not an executable file")
        return [str(path)]
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.suffix != ".py" and _is_executable_file(argv0):
        return [str(argv0.resolve())]
    found = shutil.which("kiosk")
    if found:
        return [str(Path(found).resolve())]
    # The interpreter's own path, not resolved: a venv's python is a symlink to the system one.
    return [str(Path(sys.executable).absolute()), "-m", "kiosk"]


def kiosk_arguments(args: argparse.Namespace) -> list[str]:
    """The main options to pass on: ``--content`` and ``--data-dir``, as absolute paths."""
    extra: list[str] = []
    content = getattr(args, "content", None)
    if content is not None:
        path = Path(content).expanduser().absolute()
        if not path.is_file():
            raise InstallError(f"--content {content}: no such file")
        extra += ["--content", str(path)]
    data_dir = getattr(args, "data_dir", None)
    if data_dir is not None:
        extra += ["--data-dir", str(Path(data_dir).expanduser().absolute())]
    return extra


def check_printable(words: Sequence[str]) -> None:
    """Refuse a command with control characters: no unit or desktop file can hold them."""
    for word in words:
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in word):
            raise InstallError(f"cannot write a path with control characters: {word!r}")


def systemd_quote(word: str) -> str:
    """``word`` as one argument of a systemd ``ExecStart=`` line."""
    escaped = word.replace("%", "%%").replace("$", "$$")
    if escaped and not any(c in escaped for c in " \t\"'\\;"):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def desktop_quote(word: str) -> str:
    """``word`` as one argument of a ``.desktop`` file's ``Exec=`` value (quoting rules of the
    Desktop Entry Specification, then its string escapes)."""
    if word and not any(c in _DESKTOP_RESERVED for c in word):
        quoted = word
    else:
        inner = "".join("\\" + c if c in '"`$\\' else c for c in word)
        quoted = f'"{inner}"'
    return quoted.replace("%", "%%").replace("\\", "\\\\")


# --------------------------------------------------------------------------------------------
# The files


def replace_line(text: str, prefix: str, line: str, source: str) -> str:
    """``text`` (the bundled file ``source``) with its one line that starts with ``prefix``
    replaced by ``line``."""
    lines = text.splitlines(keepends=True)
    hits = [i for i, old in enumerate(lines) if old.startswith(prefix)]
    if len(hits) != 1:
        raise InstallError(f"the bundled {source} has no single {prefix.strip()} line")
    lines[hits[0]] = line + "\n"
    return "".join(lines)


def template(name: str) -> str:
    path = resource("deploy", name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InstallError(f"cannot read the bundled {path}: {error.strerror}") from None


@dataclass(frozen=True)
class Planned:
    """A file an install command writes: where, what, and its mode."""

    path: Path
    text: str
    mode: int = 0o644


def planned_files(config_home: Path, command: list[str]) -> list[Planned]:
    """The files to write and their contents, for a kiosk started by ``command``."""
    check_printable(command)
    exec_start = "ExecStart=" + " ".join(systemd_quote(w) for w in command)
    unit = replace_line(template(UNIT_NAME), "ExecStart=", exec_start, UNIT_NAME)
    exec_line = "Exec=" + " ".join(desktop_quote(w) for w in command)
    desktop = replace_line(template(DESKTOP_NAME), "Exec=", exec_line, DESKTOP_NAME)
    units = config_home / "systemd" / "user"
    return [
        Planned(units / UNIT_NAME, unit),
        Planned(units / RECOVER_SERVICE, template(RECOVER_SERVICE)),
        Planned(units / RECOVER_TIMER, template(RECOVER_TIMER)),
        Planned(config_home / "autostart" / DESKTOP_NAME, desktop),
    ]


def _existing(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise InstallError(f"cannot read {path}: {error}") from None


def write_planned(planned: list[Planned], force: bool, permission_hint: str = "") -> list[Path]:
    """Write the planned files whose contents differ, each atomically with its mode; the paths
    written. Without ``force`` an existing file with other contents stops it before anything is
    written; a failure says what was already written (``permission_hint`` follows a refusal)."""
    changed = [p for p in planned if _existing(p.path) != p.text]
    clashes = [str(p.path) for p in changed if p.path.exists()]
    if clashes and not force:
        one = len(clashes) == 1
        raise InstallError(
            f"{', '.join(clashes)} already exist{'s' if one else ''} with other contents; "
            f"nothing was written (run again with --force to replace {'it' if one else 'them'})"
        )
    written: list[Path] = []
    for item in changed:
        try:
            item.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(item.path, item.text.encode("utf-8"), item.mode)
        except OSError as error:
            done = f" (already written: {', '.join(map(str, written))})" if written else ""
            hint = permission_hint if isinstance(error, PermissionError) else ""
            raise InstallError(f"cannot write {item.path}: {error.strerror}{hint}{done}") from None
        written.append(item.path)
    return written


def _home_relative(path: Path) -> str:
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _instructions(unit_dir: Path) -> str:
    units = f"{UNIT_NAME} {RECOVER_TIMER}"
    return f"""
To start the kiosk now and at every login (desktops that run graphical-session.target, such as
GNOME and KDE Plasma):
  systemctl --user daemon-reload && systemctl --user enable --now {units}
To start this user's systemd at boot, before anyone logs in (the recover timer then runs all the
time; the kiosk itself needs the desktop session: turn on automatic login too):
  sudo loginctl enable-linger $USER
To see how it is doing:
  systemctl --user status {UNIT_NAME}
  journalctl --user -u {UNIT_NAME} -e
Desktops without a systemd session (LXDE, Xfce...) start it from the autostart entry instead.
To undo: systemctl --user disable --now {units}
  and delete {_home_relative(unit_dir)}/clinic-kiosk* and the autostart entry.""".rstrip()


_ENVIRONMENT_OPTIONS = {
    "KIOSK_CONTENT": ("content", "--content"),
    "KIOSK_DATA_DIR": ("data_dir", "--data-dir"),
}


def install(
    prog: str,
    args: argparse.Namespace,
    plan: Callable[[list[str]], list[Planned]],
    permission_hint: str = "",
) -> tuple[list[str], list[Planned]] | None:
    """Write the files ``plan`` makes for the command that starts this kiosk (see
    :func:`kiosk_command`), a line for each saying whether it was written; that command and
    the files, or None after one line on stderr (from ``prog``) saying why not."""
    try:
        command = kiosk_command(args.exec_path) + kiosk_arguments(args)
        planned = plan(command)
        written = write_planned(planned, args.force, permission_hint)
    except InstallError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return None
    for item in planned:
        print(f"{'Wrote' if item.path in written else 'Unchanged'} {item.path}")
    return command, planned


def run(args: argparse.Namespace) -> int:
    """Write the unit files and the autostart entry; 0 when done, 1 if not."""
    done = install(PROG, args, lambda command: planned_files(config_home(), command))
    if done is None:
        return EXIT_PROBLEM
    command, planned = done
    print(f"The kiosk will run: {shlex.join(command)}")
    for name, (attribute, option) in _ENVIRONMENT_OPTIONS.items():
        if os.environ.get(name) and getattr(args, attribute, None) is None:
            print(
                f"Note: ${name} is set here but the service will not see it; to use it, run "
                f"'kiosk {option} ... install-service --force'."
            )
    print(_instructions(planned[0].path.parent))
    return EXIT_OK
