"""The model: what a content file says, as frozen records (:mod:`kiosk.core.record`: declared
as dataclasses are, and made without compiling anything at start-up), and the problems found
in one.

Every key of content.yaml is a field here; the schema (:mod:`.schema`) checks the key and
builds these from what it found.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.core.form import FormSpec
from kiosk.core.hours import OpeningHours
from kiosk.core.record import Record, field
from kiosk.core.words import ENGLISH, KNOWN_LANGUAGES, RIGHT_TO_LEFT_CODES, Language, Words


class Problem(Record):
    """One thing wrong with a content file."""

    source: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:" if self.line > 0 else f"{self.source}:"
        key = f" {self.key}:" if self.key else ""
        return f"{where}{key} {self.message}"


class ContentError(Exception):
    """Every problem found in one content file, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Colors(Record):
    """``clinic.colors``: the colours of the screens, each "#RRGGBB"."""

    background: str
    text: str
    heading: str
    header_background: str
    header_text: str
    footer_background: str
    footer_text: str
    accent: str


class Branding(Record):
    """``clinic``: the clinic's name, logo and colours."""

    name: str
    logo: Path
    colors: Colors


class Notices(Record):
    """``notices``: the crisis line and the disclaimer, shown on every slide."""

    crisis_line: str
    disclaimer: str


class Timing(Record):
    """``timing``: how long pages stay and when the kiosk goes back to the slideshow."""

    words_per_minute: float = 200.0
    extra_seconds: float = 4.0
    min_seconds: float = 8.0
    max_seconds: float = 60.0
    fade_ms: int = 600
    idle_resume_seconds: float = 45.0
    form_idle_seconds: float = 60.0
    still_there_seconds: float = 20.0
    thanks_seconds: float = 12.0


class Section(Record):
    """One of ``article.sections``: ``body`` is read into ``paragraphs``."""

    heading: str | None
    paragraphs: tuple[str, ...]
    image: Path | None = None
    image_description: str | None = None
    seconds: float | None = None


class Article(Record):
    """``article``: the health article the slideshow shows, a section at a time."""

    title: str
    sections: tuple[Section, ...]


class Staff(Record):
    """How the staff side behaves (all optional in content.yaml)."""

    long_press_seconds: float = 3.0
    lock_after_seconds: float = 60.0
    retention_days: int = 90
    time_zone: str = "UTC"
    export_folder: Path = Path("~/clinic-kiosk-exports")


class TranslationFile(Record):
    """A file with the clinic's text in another language (``languages.translations``)."""

    code: str
    path: Path
    line: int
    """The line of content.yaml that names it."""


class LanguageSettings(Record):
    """``languages:``: the language content.yaml is written in, and the other languages' files."""

    default: str = "en"
    translations: tuple[TranslationFile, ...] = ()


class Content(Record):
    """A whole content file, checked: one field per top-level key, and its language."""

    source: str
    content_version: str
    clinic: Branding
    notices: Notices
    timing: Timing
    article: Article
    form: FormSpec
    staff: Staff = Staff()
    opening_hours: OpeningHours | None = None
    """When the kiosk is awake; None (no ``opening_hours:`` in the file) is always."""
    languages: LanguageSettings = LanguageSettings()
    language: Language = field(default_factory=Language)
    """The language this content is in (content.yaml's own: ``languages.default``)."""
    words: Words = ENGLISH
    """The program's own words in :attr:`language` (set by :mod:`kiosk.core.i18n`)."""
    language_names: tuple[tuple[str, str], ...] = ()
    """Every language a visitor can choose, as (code, name in its own script), the default
    first (set by :mod:`kiosk.core.i18n`; empty: no language buttons)."""
    translations: tuple[Content, ...] = ()
    """The same content in each other language, filled in by
    :func:`kiosk.core.i18n.load_localized` (the default's text where a translation lacks it)."""


def language_named(code: str) -> Language:
    """The kiosk's knowledge of language ``code`` (its name in its own script, direction and
    keyboard), or a plain entry named by its code."""
    known = KNOWN_LANGUAGES.get(code)
    if known is not None:
        return known
    base = code.split("_")[0]
    return Language(code, code, base in RIGHT_TO_LEFT_CODES, code if "_" in code else "en_US")
