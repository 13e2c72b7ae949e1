"""A private Xvfb for tests that change the X server's own settings (screen saver, DPMS) or
need a window manager of their own, so that they never touch the test run's shared X server."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def private_xvfb(size: str = "1024x600") -> Iterator[str]:
    """Start ``Xvfb`` on a free display (``-displayfd``) and give its name (``:N``).

    ``-noreset``: the settings a client makes stay after it disconnects, as on a real X server
    with a session running (Xvfb otherwise resets when its last client leaves).
    """
    if shutil.which("Xvfb") is None:
        raise RuntimeError("needs Xvfb (Debian: xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            f"{size}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()  # written once the server accepts clients
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def xset_query(display: str) -> str:
    """What ``xset q`` says on ``display``."""
    result = subprocess.run(
        ["xset", "-display", display, "q"], capture_output=True, text=True, timeout=30, check=True
    )
    return result.stdout
