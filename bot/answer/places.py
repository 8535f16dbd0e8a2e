"""Country names as the question writes them → as an English article writes them.

Two uses: a capitalised name word that is a country gets the English name as its match form
(`english_country`), and in scripts without capitals, where no name is a constraint otherwise, the countries
a question names become constraints (`countries_in`: "俄罗斯的首席拉比是谁？" must be met by "Russia").

A Russian question's "России" (Russia, genitive) transliterates to "rossii", a German one's "Russland" stays
"russland": neither meets "Russia" in an English article, so a name constraint the article meets was counted
unmet. CLDR's territory names (Babel's `Locale.territories`, maintained with the locales) give each country's
name in every language; a name word of the question that is, after stemming in the question's language (so
that "России" and "Россия" agree), a one-word country name is matched by its one-word English name.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from babel import Locale, UnknownLocaleError

from bot.answer import question  # its `fold`; imported as a module: question.py imports this one

#: Snowball stemmers for the languages that decline country names (others are compared as written)
_STEMMERS = {"ru": "russian", "uk": "russian", "de": "german", "es": "spanish", "fr": "french", "it": "italian",
             "pt": "portuguese", "ro": "romanian", "tr": "turkish", "el": "greek"}


def _stem(word: str, language: str) -> str:
    name = _STEMMERS.get(language)
    return _stemmer(name).stemWord(word) if name else word


@lru_cache(maxsize=16)
def _stemmer(name: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(name)


@lru_cache(maxsize=32)
def _table(language: str) -> dict[str, str]:
    """Stemmed, folded one-word country names of `language` → the folded one-word English name."""
    try:
        local = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return {}
    english = Locale("en").territories
    table: dict[str, str] = {}
    for code, name in local.items():
        theirs = english.get(code, "")
        if code.isalpha() and " " not in name and theirs and " " not in theirs and "-" not in theirs:
            table.setdefault(_stem(question.fold(name), language), question.fold(theirs))
    return table


def english_country(word: str, language: str) -> str | None:
    """The English name of the country `word` names in `language` ("России", "ru" → "russia"), if it is one."""
    if language == "en" or len(word) < 3:
        return None
    return _table(language).get(_stem(question.fold(word), language))


#: scripts without capitals: the country names a question holds, as its attached prefixes allow
_UNCASED_PREFIX = {"he": "[והבלמשכ]{0,2}", "ar": "[وبلفك]{0,2}", "fa": "", "hi": "", "zh": "", "ja": ""}
_LETTERS = {"he": "\u0591-\u05c7\u05d0-\u05ea", "ar": "\u0620-\u065f\u066e-\u06d3\u06fa-\u06ff",
            "fa": "\u0620-\u065f\u066e-\u06d3\u06fa-\u06ff", "hi": "\u0900-\u0963\u0966-\u097f"}  # letters, not ?


@lru_cache(maxsize=16)
def _uncased_pattern(language: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    try:
        local = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return None
    english = Locale("en").territories
    names: dict[str, str] = {}
    for code, name in local.items():
        theirs = english.get(code, "")
        if code.isalpha() and theirs and " " not in theirs and "-" not in theirs and " " not in name and len(name) >= 2:
            names.setdefault(name, question.fold(theirs))
            if language == "ar" and name.startswith("ال"):
                names.setdefault(name[2:], question.fold(theirs))  # "للصين": "to China", the article merged
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    letters = _LETTERS.get(language)
    prefix = _UNCASED_PREFIX[language]
    core = f"{prefix}(?P<name>{alternatives})"
    if letters:
        pattern = f"(?<![{letters}]){core}(?![{letters}])"
    else:  # not its people or language ("波兰人", "法语"): English writes those "Polish", "French"
        pattern = f"(?P<name>{alternatives})(?![人语文话族裔])"
    return re.compile(pattern), names


def countries_in(text: str, language: str) -> list[tuple[str, str]]:
    """(as written, English name) of each country a question in a script without capitals names."""
    if language not in _UNCASED_PREFIX:
        return []
    compiled = _uncased_pattern(language)
    if compiled is None:
        return []
    pattern, names = compiled
    found: dict[str, str] = {}
    for m in pattern.finditer(text):
        found.setdefault(m.group("name"), names[m.group("name")])
    return list(found.items())
