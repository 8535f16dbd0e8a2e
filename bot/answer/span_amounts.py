"""Amounts and durations written the way the languages newsbot answers in write them, as candidate answer spans.

`spans()` (bot.answer.spans) knows the English units ("498 days", "$5 million", "40 percent"). Elsewhere a
"how many" or "how long" question could only be answered with the bare number ("43" where the article says
"43 миллиона", "498" for "498 дней"). This module reads a number followed by a word for its scale (тысяч,
millones, מיליון, مليون, 万…) and/or a unit (days, years, percent, kilometres… in every plural form) as one
span: "43 миллиона", "כ-43 מיליון", "498 дней", "3,5 por ciento", "100万".

The words come from CLDR through Babel's public formatting functions (`format_unit`,
`format_compact_decimal`), for every interface language but English, so no word list is kept here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from bot.answer.span_dates import AR_PREFIX, HE_PREFIX
from bot.answer.time_words import WORDS

#: units whose spans are durations ("how long"), then the others (amounts: "how many", "how much")
DURATION_UNITS = ("duration-century", "duration-decade", "duration-year", "duration-month", "duration-week",
                  "duration-day", "duration-hour", "duration-minute", "duration-second")
AMOUNT_UNITS = ("concentr-percent", "length-kilometer", "length-meter", "length-mile", "mass-kilogram",
                "mass-tonne")
#: numbers that reach every plural category CLDR knows (one, two, few, many, other, fractions)
_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 1.5)
#: 43, 1,500, 1 500, 1.5, 3,5 (any script's digits)
_NUMBER = r"(?<![\d.,])\d+(?:[ \u00a0\u202f.,]\d{3})*(?:[.,]\d+)?(?![\d])"
#: Chinese, Japanese and Korean letters: no spaces around an amount ("人口100万", "持续了3年")
_CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
#: a number that is a year when a word for "year" follows it ("2000 года", "1938年")
_YEAR = re.compile(r"^(?:1[0-9]|20|21)\d\d$")
_INVISIBLE = "\u200e\u200f\u061c\u00a0\u202f"


def _words(text: str, number: str = "") -> str:
    """The words of one formatted amount without its number ("43 миллиона" → "миллиона"; without `number`,
    without any digits), in one case and spacing."""
    for ch in _INVISIBLE:
        text = text.replace(ch, " ")
    text = text.replace(number, " ") if number else re.sub(r"[\d.,]+", " ", text)
    return " ".join(text.split()).casefold()


def _formatted_numbers(n: float, locale: str) -> tuple[str, ...]:
    from babel.numbers import format_decimal

    return tuple({str(n), format_decimal(n, locale=locale)})


class Vocabulary(NamedTuple):
    scales: frozenset[str]  # тысяч, millones, מיליון, 万
    durations: frozenset[str]  # дней, años, ימים, 天
    years: frozenset[str]  # the durations that are years: "2000 года", "1938年" are dates, not 2000 years
    units: frozenset[str]  # процентов, por ciento, kilómetros


@lru_cache(maxsize=1)
def _vocabulary() -> Vocabulary:
    """The words of every locale but English (spans() reads English)."""
    from babel.numbers import format_compact_decimal
    from babel.units import format_unit

    words: dict[str, set[str]] = {"scales": set(), "durations": set(), "years": set(), "units": set()}
    for locale in WORDS:  # the languages time questions are read in, English aside
        if locale == "en":
            continue
        for n in _SAMPLES:
            for unit in DURATION_UNITS + AMOUNT_UNITS:
                try:
                    text = format_unit(n, unit, length="long", locale=locale)
                except (KeyError, ValueError):  # a unit this locale's data lacks
                    continue
                number = next((f for f in _formatted_numbers(n, locale) if f in text), None)
                if number is not None and "{" not in text:
                    word = _words(text, number)
                    words["durations" if unit in DURATION_UNITS else "units"].add(word)
                    if unit == "duration-year":
                        words["years"].add(word)
            for scale in (1e3, 1e4, 1e6, 1e8, 1e9):
                words["scales"].add(_words(format_compact_decimal(n * scale if n else scale, format_type="long",
                                                                  locale=locale)))
    return Vocabulary(**{k: frozenset(w for w in v if w) for k, v in words.items()})


def _alternatives(words: frozenset[str]) -> str:
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    v = _vocabulary()
    return re.compile(rf"(?<![^\W\d_{_CJK}])(?:{HE_PREFIX}|{AR_PREFIX})?(?P<number>{_NUMBER})"
                      rf"(?P<scale>\s*(?:{_alternatives(v.scales)}))?"
                      rf"(?P<unit>\s*(?:{_alternatives(v.durations | v.units)}))?(?![^\W\d_{_CJK}])", re.IGNORECASE)


def amount_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the amounts in `text`, kind "duration" or "number"; an amount that opens with a
    Hebrew or Arabic prefix ("כ-43 מיליון") also without it. A bare number is no amount here (spans() has it)."""
    v = _vocabulary()
    out: list[tuple[int, int, str]] = []
    for m in _pattern().finditer(text):
        unit = " ".join((m.group("unit") or "").split()).casefold()
        if not (m.group("scale") or unit) or (unit in v.years and not m.group("scale") and _YEAR.match(m["number"])):
            continue
        kind = "duration" if unit in v.durations else "number"
        out.append((m.start(), m.end(), kind))
        digit = next(i for i in range(m.start(), m.end()) if text[i].isdigit())
        if digit > m.start():
            out.append((digit, m.end(), kind))
    return out
