"""The bot's own words in the reader's language: gettext catalogues read with Babel.

Every sentence newsbot writes itself (the lead, the stated answer's frame, refusals, notices,
/start, /help, errors) is an English msgid marked with `tr.gettext(...)` / `tr.ngettext(...)`
where `tr = texts(language)`. Translations live in one file per language,
`bot/locale/<lang>/LC_MESSAGES/newsbot.po`, compiled in memory on first use (no build step and no
binary files in the repository). The template `bot/locale/newsbot.pot` is extracted from the code
with `make messages`; a test keeps every catalogue complete and its placeholders intact.

Quotes are never translated: they are the article's own words.
"""

from __future__ import annotations

import gettext
import logging
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

log = logging.getLogger(__name__)

DOMAIN = "newsbot"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT = "en"
#: languages the bot speaks; for any other the bot answers in English
SUPPORTED = ("en", "ru", "uk", "he", "ar", "de", "fr", "es", "it", "pt", "tr", "zh", "hi", "vi", "el", "ro", "th")
#: old or regional codes Telegram clients send
_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "nb": "no", "nn": "no"}


def normalise_language(code: str | None) -> str | None:
    """'pt-BR' → 'pt', 'iw' → 'he', 'zh-hans' → 'zh'; None for an empty or unusable code."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    base = _ALIASES.get(base, base)
    return base if base.isalpha() and 2 <= len(base) <= 3 else None


def reply_language(question_language: str | None, user_language: str | None = None) -> str:
    """The language the bot writes in: the question's if supported, else the user's, else English.

    `question_language` is None when the question is too short or too mixed to tell (a name, a
    number); then the user's client language (Telegram's `language_code`) decides.
    """
    for code in (normalise_language(question_language), normalise_language(user_language)):
        if code in SUPPORTED:
            return code
    return DEFAULT


class Texts:
    """The bot's words in one language: `gettext`/`ngettext` plus dates and numbers in its format."""

    def __init__(self, language: str) -> None:
        code = normalise_language(language)
        self.language = code if code in SUPPORTED else DEFAULT
        self._translations = _catalogue(self.language)
        self._locale = _babel_locale(self.language)

    def gettext(self, message: str, **values: object) -> str:
        """The translation of `message`, with `{name}` placeholders filled from `values`."""
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=n, **values)

    def date(self, value: date | datetime | str) -> str:
        """'2026-01-08' → '8 Jan 2026' / '8 янв. 2026 г.' (the locale's medium date); text it can't parse unchanged."""
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value[:10])
            except ValueError:
                return value
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, format="medium", locale=self._locale)

    def period(self, start: date, end: date) -> str:
        """'Aug 8 – 14, 2025' / '8—14 авг. 2025 г.' (the locale's own interval; one day: its date)."""
        return format_interval(start, end, "yMMMd", locale=self._locale)

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self._locale)

    def join(self, items: list[str]) -> str:
        """'a, b and c' in the language's own list style."""
        from babel.lists import format_list

        return format_list(items, locale=self._locale) if items else ""


def texts(language: str | None) -> Texts:
    """The bot's words in `language` (English when unsupported)."""
    return _texts(normalise_language(language) or DEFAULT)


@lru_cache(maxsize=None)
def _texts(code: str) -> Texts:
    return Texts(code)


@lru_cache(maxsize=None)
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == DEFAULT:
        return gettext.NullTranslations()
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
    except FileNotFoundError:
        log.warning("no message catalogue for %r at %s; using English", language, path)
        return gettext.NullTranslations()
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)
