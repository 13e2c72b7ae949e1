"""Where the bundled content and resources are, from a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundle_root() -> Path:
    """The folder holding the bundled ``content.yaml`` and ``resources/``.

    An installed wheel carries them in ``kiosk/_bundled``; a checkout has them beside ``kiosk/``.
    """
    bundled = _PACKAGE / "_bundled"
    if (bundled / "content.yaml").is_file():
        return bundled
    return _PACKAGE.parent


def bundled_content() -> Path:
    """The ``content.yaml`` shipped with the kiosk."""
    return bundle_root() / "content.yaml"


def resource(*parts: str) -> Path:
    """A file under the bundled ``resources/`` folder."""
    return bundle_root().joinpath("resources", *parts)
