"""Where the kiosk's things are (its content file, its data folder) and what its exit codes
mean: one Qt-free module that the command line, its sub-commands and the app all ask.

Which content file: ``--content``, else ``$KIOSK_CONTENT``, else the clinic's own
``~/.config/clinic-kiosk/content.yaml`` if there is one, else the bundled one. Where data lives:
``--data-dir``, else ``$KIOSK_DATA_DIR``, else ``~/.local/share/clinic-kiosk/clinic-kiosk/``
(what ``QStandardPaths.AppDataLocation`` gives on Linux, worked out without Qt).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from kiosk import APP_NAME
from kiosk.paths import bundled_content

EXIT_OK = 0
EXIT_PROBLEM = 1
"""A command could not do what it was asked (it says why in one line)."""
EXIT_USAGE = 2
"""A mistake in the command line."""

# Exit codes the shipped systemd unit (``resources/deploy/clinic-kiosk.service``) knows about:

EXIT_ALREADY_RUNNING = 3
"""Another kiosk holds the data folder's lock. The unit does not restart on it
(``RestartPreventExitStatus=``): restarting cannot help while the other kiosk runs."""

EXIT_STAFF_EXIT = 4
"""Staff chose "Exit kiosk". The unit counts it as success and does not restart
(``SuccessExitStatus=``, ``RestartPreventExitStatus=``); any other exit, even 0, is restarted."""

EXIT_REPEATED_ERRORS = 70
"""Unhandled errors kept coming (see :func:`kiosk.system.errors.install_exception_hook`): the
kiosk stops so that systemd starts a fresh one (``EX_SOFTWARE`` from sysexits.h)."""


def config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def default_content_path() -> Path:
    """The clinic's own content.yaml in the app-config folder if there is one, else the bundled."""
    clinic = config_home() / APP_NAME / "content.yaml"
    return clinic if clinic.is_file() else bundled_content()


def default_data_dir() -> Path:
    """The platform's app-data folder (what ``QStandardPaths.AppDataLocation`` gives on Linux)."""
    return data_home() / APP_NAME / APP_NAME


def content_path(args: argparse.Namespace) -> Path:
    """The content file the command line names (a command's own ``path``, else ``--content``),
    else the environment's, else :func:`default_content_path`."""
    if getattr(args, "path", None) is not None:
        return Path(args.path)
    if getattr(args, "content", None) is not None:
        return Path(args.content)
    env = os.environ.get("KIOSK_CONTENT")
    return Path(env) if env else default_content_path()


def data_dir(args: argparse.Namespace) -> Path:
    """The data folder the command line names (``--data-dir``), else the environment's, else
    :func:`default_data_dir`."""
    if getattr(args, "data_dir", None) is not None:
        return Path(args.data_dir)
    env = os.environ.get("KIOSK_DATA_DIR")
    return Path(env) if env else default_data_dir()
