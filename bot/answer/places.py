"""Country names as the question writes them → as an English article writes them.

A Russian question's "России" (Russia, genitive) transliterates to "rossii", a German one's "Russland" stays
"russland": neither meets "Russia" in an English article, so a name constraint the article meets was counted
unmet. CLDR's territory names (Babel's `Locale.territories`, maintained with the locales) give each country's
name in every language; a name word of the question that is, after stemming in the question's language (so
that "России" and "Россия" agree), a one-word country name is also met by its one-word English name: the
constraint's form is "russia|rossii", met by either ("Russland" stays met by a German article).
"""

from __future__ import annotations

from functools import lru_cache

import Stemmer
from babel import Locale, UnknownLocaleError

from index.language import fold

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
def _tables(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """The folded one-word country names of `language`, and their stems when no two countries share one and the
    stem is not shorter than four letters → the folded one-word English name."""
    try:
        local = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return {}, {}
    english = Locale("en").territories
    exact: dict[str, str] = {}
    stems: dict[str, set[str]] = {}
    for code, name in local.items():
        theirs = english.get(code, "")
        if code.isalpha() and " " not in name and theirs and " " not in theirs and "-" not in theirs:
            folded = fold(name)
            exact.setdefault(folded, fold(theirs))
            stems.setdefault(_stem(folded, language), set()).add(fold(theirs))
    return exact, {stem: next(iter(names)) for stem, names in stems.items() if len(names) == 1 and len(stem) >= 4}


def english_country(word: str, language: str) -> str | None:
    """The English name of the country `word` names in `language` ("России", "ru" → "russia"), if it is one: the
    name itself, or a declined form of it (at most three letters longer than the stem both share; "Чехов" is no
    "Чехия", "Libia" no "Liberia")."""
    if language == "en" or len(word) < 3:
        return None
    exact, stems = _tables(language)
    folded = fold(word)
    if folded in exact:
        return exact[folded]
    stem = _stem(folded, language)
    return stems.get(stem) if len(folded) - len(stem) <= 3 else None
