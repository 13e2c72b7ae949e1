"""The command line: ``kiosk`` (run), ``kiosk check``, ``kiosk screenshots``."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kiosk import APP_NAME, __version__
from kiosk.core.content import Content, ContentError
from kiosk.core.content.cache import ContentCache
from kiosk.core.files import signature
from kiosk.places import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    default_data_dir,
)
from kiosk.places import content_path as _content_path
from kiosk.places import data_dir as _data_dir

if TYPE_CHECKING:
    from typing import Protocol

    from _typeshed import SupportsWrite

    class CommandModule(Protocol):
        def register(
            self, commands: argparse._SubParsersAction[argparse.ArgumentParser]
        ) -> None: ...


log = logging.getLogger("kiosk")

_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})$")
DEFAULT_WINDOW = "1280x800"
CHECK_SIZE = (1920, 1080)


def _size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size like 1920x1080")
    width, height = int(match.group(1)), int(match.group(2))
    if not (100 <= width <= 16384 and 100 <= height <= 16384):
        raise argparse.ArgumentTypeError(f"'{text}': width and height must be 100 to 16384")
    return width, height


class _NeedsAllCommands(Exception):  # noqa: N818 - a signal, not an error
    """The quick parser met what only the full one knows (a module's command, or a mistake
    that the full parser will word)."""


class _QuickParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NeedsAllCommands(message)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        # Help, however it was asked for (-h, --he, -vh), lists every command.
        raise _NeedsAllCommands("help")


def build_parser(
    with_commands: bool = True,
    parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """The whole command line; without ``with_commands``, only what starting the kiosk, ``check``
    and ``screenshots`` need (the command modules import the store and more, which the first page
    must not wait for)."""
    parser = parser_class(
        prog="kiosk",
        description=(
            "A fullscreen touchscreen kiosk for clinic waiting rooms. With no command it starts "
            "the kiosk: the article slideshow from content.yaml."
        ),
        epilog="Run 'kiosk COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--content",
        type=Path,
        metavar="PATH",
        help=(
            "the content file to show (default: $KIOSK_CONTENT, else "
            f"~/.config/{APP_NAME}/content.yaml if it exists, else the bundled one)"
        ),
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"where requests are kept (default: $KIOSK_DATA_DIR, else {default_data_dir()})",
    )
    parser.add_argument(
        "--windowed",
        nargs="?",
        const=DEFAULT_WINDOW,
        type=_size,
        metavar="WxH",
        help=f"run in a normal window for development (default size {DEFAULT_WINDOW})",
    )
    parser.add_argument(
        "--inbox",
        dest="kiosk_inbox",
        metavar="SERVICE",
        help=(
            "also send each request to the front-desk inbox of several kiosks: a service in "
            "pg_service.conf (default: $KIOSK_INBOX; none: this kiosk keeps requests alone)"
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check a content file and list every problem in it",
        description=(
            "Check a content file. Prints 'OK: ...' and exits 0, or lists every problem as "
            "FILE:LINE: key: what is wrong, and exits 1."
        ),
    )
    check.add_argument(
        "path", nargs="?", type=Path, help="the file to check (default: the one the kiosk uses)"
    )
    check.add_argument(
        "--speech-engine",
        default="speechd",
        metavar="ENGINE",
        help="the speech engine whose voices to look for (default: speechd, the kiosk's)",
    )

    shots = commands.add_parser(
        "screenshots",
        help="save every slide page and screen as PNG files, without a screen",
        description=(
            "Render every slide page offscreen and save it as DIR/slide-WxH-NN.png, and every "
            "other screen (form, thanks, pin-pad, staff, sleep...) as DIR/NAME-WxH.png, filled "
            "with made-up data."
        ),
    )
    shots.add_argument("folder", type=Path, metavar="DIR", help="where to write the PNG files")
    shots.add_argument(
        "--language",
        metavar="CODE",
        help="show the visitor screens in this language, as after a tap on its button "
        "(a code from languages: in content.yaml, like es); default: the clinic's",
    )
    shots.add_argument(
        "--size",
        dest="sizes",
        action="append",
        type=_size,
        metavar="WxH",
        help="a screen size to render (repeatable; default 1920x1080)",
    )
    shots.add_argument(
        "--access",
        choices=("large", "extra_large", "high_contrast"),
        help="as a visitor sees them after choosing this in the accessibility panel",
    )
    if with_commands:
        for module in _command_modules():
            module.register(commands)
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line, importing the command modules only for one of their commands,
    for help, or to word a mistake."""
    try:
        return build_parser(with_commands=False, parser_class=_QuickParser).parse_args(argv)
    except _NeedsAllCommands:
        return build_parser().parse_args(argv)


def _command_modules() -> list[CommandModule]:
    """Modules under kiosk/commands that add sub-commands: each has ``register(commands)``,
    which adds its parsers and sets ``handler`` (a function of the parsed args returning the
    exit code) with ``set_defaults``."""
    from kiosk.commands import inbox, pin, requests, service, session

    return [pin, requests, service, session, inbox]


def _load(path: Path, cache: ContentCache | None = None) -> Content | None:
    """The content of ``path`` in every language (from ``cache`` when it may), or None after
    saying what is wrong with it."""
    try:
        if cache is not None:
            return cache.load(path)
        from kiosk.core.i18n import load_localized

        return load_localized(path)
    except ContentError as error:
        print(f"{path}: the content file has problems:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def _has_display() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return True  # offscreen, eglfs, linuxfb, vnc: no X or Wayland display needed
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _cmd_check(args: argparse.Namespace) -> int:
    from kiosk.core.content import load_content
    from kiosk.core.i18n import localize

    path = _content_path(args)
    try:
        content, language_warnings = localize(load_content(path))
    except ContentError as error:
        for problem in error.problems:
            print(problem)
        count = len(error.problems)
        print(f"{path}: {count} problem{'s' if count != 1 else ''}; the kiosk will not use it.")
        return EXIT_PROBLEM
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Qt notes every script DejaVu Sans lacks while it falls back to Noto; glyphs are checked
    # below instead.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.text.font.db=false")
    from kiosk.app import application
    from kiosk.core.source_lines import SourceLines
    from kiosk.ui.content_check import lay_out

    application()
    reports, warnings = lay_out(content, SourceLines(path))
    width, height = CHECK_SIZE
    pages = next(r.pages for r in reports if (r.width, r.height) == (width, height))
    sections = len(content.article.sections)
    print(f"OK: {sections} sections, {pages} pages at {width}x{height}")
    for report in reports:
        print(f"  {report.summary()}")
    for translation in content.translations:
        # Each language laid out too: a translation may need more pages, or other fonts.
        lines = SourceLines(Path(translation.language.source))
        shown = lay_out(translation, lines)[1]
        warnings.extend(w for w in shown if ": clinic.name: " not in w)  # said once above
    names = ", ".join(f"{t.language.name} ({t.language.code})" for t in content.translations)
    if names:
        print(f"  languages: {content.language.name} ({content.language.code}), {names}")
    # Read aloud speaks each language with a voice for it: say which have none.
    from kiosk.ui.content_check import voice_warnings
    from kiosk.ui.speech import voice_locales

    languages = [content.language, *(t.language for t in content.translations)]
    engine = args.speech_engine
    warnings.extend(voice_warnings(languages, voice_locales(engine), engine))
    for warning in [*language_warnings, *warnings]:
        print(f"warning: {warning}")
    return EXIT_OK


def _cmd_screenshots(args: argparse.Namespace) -> int:
    content = _load(_content_path(args))
    if content is None:
        return EXIT_PROBLEM
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize

    from kiosk.app.screenshots import render_screenshots

    sizes = [QSize(w, h) for w, h in (args.sizes or [CHECK_SIZE])]
    codes = [content.language.code, *(t.language.code for t in content.translations)]
    if args.language is not None and args.language not in codes:
        print(
            f"kiosk screenshots: no language {args.language!r} in the content file "
            f"(it has {', '.join(codes)})",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        written = render_screenshots(content, args.folder, sizes, args.language, args.access)
    except OSError as error:
        print(f"kiosk screenshots: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"Wrote {len(written)} screenshots to {args.folder}")
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    path = _content_path(args)
    read_as = signature(path)  # a save from now on is seen by the kiosk, however early
    data_dir = _data_dir(args)
    cache = ContentCache(data_dir)  # written once the kiosk is up, after a full read
    content = _load(path, cache)
    if content is None:
        return EXIT_PROBLEM
    if not _has_display():
        print(
            "kiosk: no display found. Start it from the desktop session, under xvfb-run, "
            "or with QT_QPA_PLATFORM=offscreen.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    # kiosk.app before PySide6: it imports the Qt-free modules start-up needs first (see its
    # imports), and PySide6's import hook then reads the source of 15 fewer modules (3-5 ms).
    from kiosk.app import run

    # isort: split
    from PySide6.QtCore import QSize

    windowed = QSize(*args.windowed) if args.windowed else None
    inbox = args.kiosk_inbox or os.environ.get("KIOSK_INBOX") or None
    if inbox:
        from kiosk.storage.inbox import InboxError, connection_kwargs

        try:
            connection_kwargs(inbox)
        except InboxError as error:
            print(f"kiosk: --inbox: {error}", file=sys.stderr)
            return EXIT_USAGE
    return run(content, windowed, data_dir, args.verbose, inbox=inbox, read_as=read_as, cache=cache)


def _cmd_inbox(args: argparse.Namespace) -> int:
    from kiosk.commands.inbox import service_of

    service = service_of(args)
    if service is None:
        return EXIT_USAGE
    content = _load(_content_path(args))
    if content is None:
        return EXIT_PROBLEM
    if not _has_display():
        print("kiosk inbox: no display found; start it from the desktop session.", file=sys.stderr)
        return EXIT_USAGE
    from kiosk.inbox_app import run_inbox

    return run_inbox(content, service, _data_dir(args), args.lock_after)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else list(argv))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s kiosk %(levelname)s %(name)s: %(message)s",
    )
    commands = {"check": _cmd_check, "screenshots": _cmd_screenshots, None: _cmd_run}
    if getattr(args, "inbox_window", False):
        handler = _cmd_inbox
    else:
        handler = getattr(args, "handler", None) or commands[args.command]
    if handler is not _cmd_run:
        # kiosk/__main__.py turns the garbage collector off for the kiosk's start-up only;
        # the kiosk turns it on once its first screen is up.
        gc.enable()
    if handler is _cmd_inbox:
        # The front-desk window is not wrapped in the Ctrl-C catch below: it never was, and
        # only the kiosk's own commands turn an interrupt into exit code 130.
        return _cmd_inbox(args)
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        return 130
