"""The program's own words (not the clinic's content) in the visitor's language.

Qt-free: gettext catalogues (``kiosk/locale/CODE/LC_MESSAGES/kiosk.mo``), compiled from the
``.po`` files by the set-up (``make setup`` runs ``pybabel compile``; the ``.mo`` files are
never committed). A message is written in English in the code, marked for extraction with
:func:`N_` where it is defined, or looked up with ``words.tr(...)`` / ``words.tr_plural(...)``
where it is shown; ``make messages`` collects them all into ``kiosk/locale/kiosk.pot`` and
brings every language's ``.po`` up to date. README, "How a clinic adds a language".
"""

from __future__ import annotations

import gettext
import logging
from pathlib import Path
from typing import Any

from kiosk.core.record import Record, field

log = logging.getLogger(__name__)

DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
"""Where the catalogues are: ``kiosk/locale/<code>/LC_MESSAGES/kiosk.po`` (and ``.mo``)."""
SOURCE_LANGUAGE = "en"
"""The language the messages are written in, in the code."""


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues; it is translated where it is shown."""
    return message


class Words(Record):
    """The program's words in one language. Equal when the language is."""

    code: str = SOURCE_LANGUAGE
    translation: gettext.NullTranslations = field(
        default_factory=gettext.NullTranslations, compare=False, repr=False
    )

    def tr(self, message: str, /, **values: Any) -> str:
        """``message`` in this language, with ``{name}`` placeholders filled from ``values``."""
        text = self.translation.gettext(message)
        return text.format(**values) if values else text

    def tr_plural(self, singular: str, plural: str, count: int, **values: Any) -> str:
        """The singular or plural form for ``count`` (as the language counts), filled in;
        ``{count}`` is ``count``."""
        text = self.translation.ngettext(singular, plural, count)
        return text.format(count=count, **values)


ENGLISH = Words()


def has_catalogue(code: str, locale_dir: Path = LOCALE_DIR) -> bool:
    """Whether a compiled catalogue exists for ``code``."""
    return (locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()


def shipped_catalogues(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The language codes with a ``.po`` file in ``locale_dir``, sorted."""
    return sorted(p.parent.parent.name for p in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def words_for(code: str, locale_dir: Path = LOCALE_DIR) -> Words:
    """The program's words in ``code`` ("es", "zh", "ar"...); English for the source language
    or (with a warning in the log) for a language that has no compiled catalogue."""
    if code == SOURCE_LANGUAGE:
        return ENGLISH
    path = locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as stream:
            translation: gettext.NullTranslations = gettext.GNUTranslations(stream)
    except OSError:
        log.warning(
            "no compiled catalogue for %s (%s): the program's words stay English; run make setup",
            code,
            path,
        )
        translation = gettext.NullTranslations()
    return Words(code, translation)


class Language(Record):
    """Which language a text is in, and how the kiosk shows it."""

    code: str = SOURCE_LANGUAGE
    """A short code: "en", "es", "zh", "ar" (also the catalogue's folder name)."""
    name: str = "English"
    """The language's name in its own script, on the language button."""
    right_to_left: bool = False
    """Arabic, Hebrew, Persian, Urdu: the screens are mirrored."""
    keyboard: str = "en_US"
    """The on-screen keyboard's layout (a Qt Virtual Keyboard locale)."""
    reviewed: bool = True
    """Whether a clinician has reviewed the clinic's text in this language."""
    source: str = ""
    """The file the clinic's text in this language came from ("" for the content file)."""


KNOWN_LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", False, "en_US"),
        Language("es", "Español", False, "es_ES"),
        Language("zh", "中文", False, "zh_CN"),
        Language("ar", "العربية", True, "ar_AR"),
        Language("he", "עברית", True, "he_IL"),
        Language("fr", "Français", False, "fr_FR"),
        Language("vi", "Tiếng Việt", False, "vi_VN"),
        Language("ko", "한국어", False, "ko_KR"),
        Language("ru", "Русский", False, "ru_RU"),
        Language("fa", "فارسی", True, "fa_FA"),
        Language("pt", "Português", False, "pt_BR"),
    )
}
"""Languages the kiosk knows the name, direction and keyboard of; a translation file may give
others (``name:``, ``right_to_left:``, ``keyboard:``)."""
RIGHT_TO_LEFT_CODES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "ckb", "dv", "sd", "ug"})


ENGLISH_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "ar": "Arabic",
    "he": "Hebrew",
    "fr": "French",
    "vi": "Vietnamese",
    "ko": "Korean",
    "ru": "Russian",
    "fa": "Persian",
    "pt": "Portuguese",
}


def staff_language_label(code: str) -> str:
    """How staff screens and exports name the language a visitor used: "Spanish (es)"; the code
    alone for a language the kiosk has no English name for; "" when none was recorded."""
    if not code:
        return ""
    name = ENGLISH_NAMES.get(code.split("_")[0])
    return f"{name} ({code})" if name else code
