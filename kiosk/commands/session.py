"""``kiosk install-session``: a "Clinic kiosk" login session that runs only the kiosk.

For a machine that does nothing else: instead of a desktop session (with its screen lock,
notifications and update pop-ups), the display manager starts an X session with a minimal
window manager and the kiosk. Three files, written as root (or under ``--destdir``):

* ``/usr/local/bin/clinic-kiosk-session``: the session's start script (from
  ``resources/deploy/clinic-kiosk-session``, set up to run this kiosk);
* ``/usr/share/xsessions/clinic-kiosk.desktop``: what display managers list as sessions;
* ``/etc/systemd/user/clinic-kiosk-session.target``: started by the script so that the
  user's systemd brings up ``graphical-session.target`` and with it ``clinic-kiosk.service``.

Then it prints the two lines that make it LightDM's automatic login session (and GDM's).
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shlex
import shutil
import sys
from pathlib import Path

from kiosk.commands.service import (
    InstallError,
    Planned,
    add_install_options,
    check_printable,
    desktop_quote,
    install,
    replace_line,
    template,
)
from kiosk.places import EXIT_OK, EXIT_PROBLEM

PROG = "kiosk install-session"
SESSION_NAME = "clinic-kiosk"
"""The session's name for display managers (``autologin-session=``, ``XSession=``)."""
SCRIPT = Path("usr/local/bin/clinic-kiosk-session")
XSESSION = Path(f"usr/share/xsessions/{SESSION_NAME}.desktop")
TARGET = Path("etc/systemd/user/clinic-kiosk-session.target")
NEEDS = ("matchbox-window-manager", "x11-xserver-utils")
"""What the session needs from Debian: the window manager, and xset (the kiosk keeps the
screen on with it where no desktop answers org.freedesktop.ScreenSaver)."""

_USER = re.compile(r"[a-z_][a-z0-9_.-]{0,31}\$?")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``install-session`` to the kiosk's sub-commands."""
    parser = commands.add_parser(
        "install-session",
        help="offer a 'Clinic kiosk' login session that runs only the kiosk (run with sudo)",
        description=(
            f"Write /{SCRIPT} (the session's start script: matchbox-window-manager and this "
            f"kiosk, with the --content and --data-dir given before the command), /{XSESSION} "
            f"(so display managers offer a 'Clinic kiosk' session) and /{TARGET} (so the "
            "user's systemd starts clinic-kiosk.service in it, see install-service). Then "
            "print how to make it the automatic login session. Needs root, unless --destdir "
            "is given. Files that exist with other contents are only replaced with --force."
        ),
    )
    add_install_options(parser)
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="the user who logs in automatically (default: $SUDO_USER, else you)",
    )
    parser.add_argument(
        "--destdir",
        type=Path,
        metavar="DIR",
        help="write under DIR instead of / (for packaging, or to look at the files first)",
    )
    parser.set_defaults(handler=run)


def planned_files(root: Path, command: list[str]) -> list[Planned]:
    """The files to write under ``root`` and their contents, to run ``command``."""
    check_printable(command)
    script_path = "/" + str(SCRIPT)
    script = replace_line(
        template("clinic-kiosk-session"), "set -- ", f"set -- {shlex.join(command)}", "script"
    )
    desktop = template("clinic-kiosk-xsession.desktop")
    for key in ("Exec", "TryExec"):
        desktop = replace_line(
            desktop, f"{key}=", f"{key}={desktop_quote(script_path)}", "session entry"
        )
    return [
        Planned(root / SCRIPT, script, 0o755),
        Planned(root / XSESSION, desktop, 0o644),
        Planned(root / TARGET, template("clinic-kiosk-session.target"), 0o644),
    ]


def _user(args: argparse.Namespace) -> str:
    given = args.user is not None
    name = args.user if given else (os.environ.get("SUDO_USER") or getpass.getuser())
    if not _USER.fullmatch(name):
        raise InstallError(f"--user {name!r}: not a user name")
    if name == "root":
        how = "" if given else " (run it with sudo from that user's account, or give --user NAME)"
        raise InstallError(
            f"the kiosk session is for an ordinary user who logs in automatically, not root{how}"
        )
    return str(name)


def _instructions(user: str) -> str:
    missing = [
        p
        for p, tool in zip(NEEDS, ("matchbox-window-manager", "xset"), strict=True)
        if shutil.which(tool) is None
    ]
    lines = [
        "",
        'Display managers now offer a "Clinic kiosk" session at login. To make it the',
        "automatic login session with LightDM, put these two lines in the [Seat:*] section",
        "of /etc/lightdm/lightdm.conf, then reboot:",
        f"  autologin-user={user}",
        f"  autologin-session={SESSION_NAME}",
        f"With GDM: AutomaticLoginEnable=true and AutomaticLogin={user} in",
        f"/etc/gdm3/daemon.conf, and XSession={SESSION_NAME} in the [User] section of",
        f"/var/lib/AccountsService/users/{user}.",
        f"So that systemd starts, watches and restarts the kiosk there, run as {user}:",
        "  kiosk install-service && systemctl --user daemon-reload",
        "  systemctl --user enable clinic-kiosk.service clinic-kiosk-recover.timer",
        "(without it the session's script runs the kiosk itself, again if it stops).",
    ]
    if missing:
        lines.append(f"Missing here: sudo apt-get install {' '.join(missing)}")
    lines.append(f"To undo: delete /{SCRIPT}, /{XSESSION},")
    lines.append(f"  /{TARGET} and the autologin lines.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Write the session's files; 0 when done, 1 if not."""
    root = Path(args.destdir).absolute() if args.destdir is not None else Path("/")
    try:
        user = _user(args)
    except InstallError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    hint = '; run it as root: sudo "$(command -v kiosk)" install-session'
    done = install(
        PROG,
        args,
        lambda command: planned_files(root, command),
        hint if args.destdir is None else "",
    )
    if done is None:
        return EXIT_PROBLEM
    command, _planned = done
    print(f"The session will run: {shlex.join(command)}")
    print(_instructions(user))
    return EXIT_OK
