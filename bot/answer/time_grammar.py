"""How one language's time words are read: the question's folding and the patterns compiled for each language.

Patterns come from Babel's month and weekday names (every width and context, several locales where readers use
them, inflected forms generated from the endings in the table) and from bot.answer.time_words; they are built
once per language and cached. bot.answer.time_scope finds and resolves the words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from babel.dates import get_day_names, get_month_names

from bot.answer.time_words import WORDS

RELATIVE_KINDS = ("today", "yesterday", "this_week", "last_week", "this_weekend", "last_weekend", "this_month",
                  "last_month", "this_year", "last_year", "recent", "latest", "upcoming", "yesterday_or_tomorrow")


# ---------------------------------------------------------------- folding: case, accents, script variants

WORD_CHARS = r"\w\u0900-\u097f"  # Devanagari vowel signs are not \w
_B, _E = rf"(?<![{WORD_CHARS}])", rf"(?![{WORD_CHARS}])"
QUOTES = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"}
_SPECIAL = {"ı": "i", "ς": "σ", "ى": "ي", "ة": "ه", "ـ": "", "ё": "е", "\u093c": "", **QUOTES}
_KEEP_MARKS = ("DEVANAGARI", "THAI")


@lru_cache(maxsize=4096)
def _fold_char(ch: str, keep_marks: bool) -> str:
    """One character lower-cased, its combining marks dropped unless kept (may be empty or several chars)."""
    out = []
    for c in unicodedata.normalize("NFD", ch.lower()):
        c = _SPECIAL.get(c, c)
        if c and unicodedata.combining(c) and not keep_marks and not unicodedata.name(c, "").startswith(_KEEP_MARKS):
            continue  # accents, niqqud, harakat, hamza seats; Devanagari and Thai vowel signs are letters
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def fold(text: str, language: str) -> tuple[str, list[int]]:
    """The text lower-cased without accents (Vietnamese keeps them), with each folded char's original index."""
    keep = language == "vi"
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch, keep):
            chars.append(c)
            index.append(i)
    return "".join(chars), index


def fold_pattern(pattern: str, language: str) -> str:
    """A table entry folded like the question (the regex syntax in it uses only lower-case escapes)."""
    return fold(pattern, language)[0]


# ---------------------------------------------------------------- per-language grammar, built once


@dataclass(frozen=True)
class Grammar:
    language: str
    relative: tuple[tuple[str, re.Pattern], ...]
    months: re.Pattern | None
    weekdays: re.Pattern | None
    names: dict  # ("m" | "d", folded form) -> (index, need), see _babel_names
    ago: re.Pattern | None
    past: re.Pattern | None
    units: tuple[tuple[str, re.Pattern], ...]
    numbers: tuple[tuple[int, re.Pattern], ...]
    future: re.Pattern | None
    modifiers: tuple[tuple[str, re.Pattern, re.Pattern], ...]  # (kind, before the name, after the name)
    ctx_before: re.Pattern | None
    ctx_after: re.Pattern | None
    capital: bool
    alone: bool


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _babel_names(language: str, months: bool, ambiguous: set[str], inflect: str) -> dict[str, tuple[int, int]]:
    """Folded month (1–12) or weekday (0 = Monday) names → (index, need): need 0 free, 1 a date-like context,
    2 a number next to it (abbreviations). Inflected forms: each Babel form minus an ending, plus each suffix."""
    locales = [language, *str(WORDS[language].get("locales", "")).split()]
    endings, _, suffixes = inflect.partition("|")
    forms: dict[str, tuple[int, int]] = {}

    def add(form: str, index: int, need: int) -> None:
        known = forms.get(form)
        if known is None or (known[0] == index and need < known[1]):
            forms[form] = (index, need)
        elif known[0] != index:
            forms[form] = (known[0], 3)  # two different names fold alike: unusable

    for locale in locales:
        for width in ("wide", "abbreviated"):
            if width == "abbreviated" and not months and language not in ("zh", "he", "pt", "vi"):
                continue
            for context in ("format", "stand-alone"):
                table = (get_month_names if months else get_day_names)(width, context, locale)
                for index, name in table.items():
                    form = fold_pattern(name.rstrip(".॰"), language)
                    if language == "zh" and months and form[:1].isdigit():
                        continue  # 1月…12月: the numeric pattern handles them
                    abbreviation = width == "abbreviated" and months
                    if abbreviation and len(form) < 3:
                        continue
                    need = 2 if abbreviation else (1 if form in ambiguous else 0)
                    add(form, index, need)
                    if suffixes and not abbreviation:
                        stems = {form[: -len(e)] for e in endings.split()
                                 if form.endswith(e) and len(form) > len(e) + 1}
                        stems.add(form)
                        if language == "tr" and form.endswith("k"):
                            stems.add(form[:-1] + "g")  # ocak → ocağı
                        for stem in stems:
                            for suffix in suffixes.split():
                                suffix = fold_pattern(suffix, language)
                                add(stem + suffix, index, need)
                                if language == "tr":
                                    add(stem + "'" + suffix, index, need)
    return {f: v for f, v in forms.items() if v[1] < 3}


@cache
def grammar(language: str) -> Grammar:
    """The compiled patterns of one language of bot.answer.time_words.WORDS (built on first use, ~20 ms)."""
    w = WORDS[language]
    spaced = bool(w.get("spaced", True))
    b, e = (_B, _E) if spaced else ("", "")
    prefix = str(w.get("prefix", ""))

    def words(key: str) -> str:
        return fold_pattern(str(w.get(key, "")), language)

    def wrap(alternation: str) -> str:
        return f"{b}{prefix}(?:{alternation}){e}"

    relative = tuple((k, re.compile(wrap(words(k)))) for k in RELATIVE_KINDS if w.get(k))
    ambiguous = {fold_pattern(a, language) for a in str(w.get("ambiguous", "")).split("|") if a}
    inflect = str(w.get("inflect", ""))
    names: dict = {}
    months = _babel_names(language, True, ambiguous, inflect)
    days = _babel_names(language, False, ambiguous, inflect)
    names.update({("m", f): v for f, v in months.items()})
    names.update({("d", f): v for f, v in days.items()})
    no_numeral = r"(?<![一二三四五六七八九十两\d])" if language == "zh" else ""
    day_before = (r"(?:(?<!\d)(?P<d1>\d{1,2})(?:st|nd|rd|th|er|e|\.|º|ª|η|ης|-?го|-?е)?[\s\-]*"
                  r"(?:of\s+|de\s+|du\s+|di\s+|del\s+|του\s+)?)?") if language != "zh" else ""
    after = (r"(?:\.?,?\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?!\d))?(?:[\s,.]*(?:of\s+|de\s+|del\s+|năm\s+|του\s+)?"
             r"(?P<y>\d{4})(?!\d)(?:\s?(?:г\.|года|году|р\.|року|yili\w*)(?!\w))?)?")
    month_re = (re.compile(f"{b}{day_before}{prefix}{no_numeral}(?P<name>{_alt(list(months))}){e}{after}")
                if months else None)
    day_re = re.compile(f"{b}{prefix}(?P<name>{_alt(list(days))}){e}") if days else None

    units = tuple((u, re.compile(f"{b}(?:{words(u)}){e}")) for u in ("day", "week", "month", "year") if w.get(u))
    number_words = [s.strip() for s in str(w.get("numbers", "")).split(",")]
    numbers = tuple((i + 1, re.compile(f"{b}(?:{fold_pattern(s, language)}){e}")) for i, s in enumerate(number_words)
                    if s)
    n_words = "".join(f"|{fold_pattern(s, language)}" for s in number_words if s)
    n_alt = r"(?:(?<![\d,.])\d{1,3}(?!\d|[,.]\d)" + n_words + ")"
    u_alt = "(?:" + "|".join(words(u) for u, _ in units) + ")"

    def template(key: str) -> re.Pattern | None:
        text = words(key)
        text = text.replace("{n}", n_alt).replace("{u}", u_alt)  # not followed by a year: "منذ عام 2005" = since 2005
        return re.compile(wrap(text) + r"(?!\s*\d)") if text and units else None

    future = re.compile(f"{b}(?:{str(w['future']).lower()}){e}") if w.get("future") else None
    modifiers = []
    sides = str(w.get("modifiers", "both"))
    for kind in ("prev_week", "last", "this", "next"):
        if w.get(kind):
            alt, side = words(kind), sides
            if alt[:1] in "<>":
                alt, side = alt[1:], {"<": "before", ">": "after"}[alt[0]]
            before = re.compile(f"{b}(?:{alt})[\\s\\-]*$" if side != "after" else r"(?!)")
            after = re.compile(f"^[\\s\\-]*(?:{alt}){e}" if side != "before" else r"(?!)")
            modifiers.append((kind, before, after))
    ctx_before = re.compile(f"{b}(?:{words('ctx')})[\\s\\-]*$") if w.get("ctx") else None
    ctx_after = re.compile(f"^[\\s,]*(?:{words('ctx_after')}){e}") if w.get("ctx_after") else None
    return Grammar(language, relative, month_re, day_re, names, template("ago"), template("past"), units,
                    numbers, future, tuple(modifiers), ctx_before, ctx_after, bool(w.get("capital")),
                    bool(w.get("alone")))
