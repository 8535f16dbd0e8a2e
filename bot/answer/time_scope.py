"""The time words of a question, resolved against its reference date ("this week" asked on 8 Jan 2026 → 2–8 Jan).

`resolve_time_scope(question, reference, language)` returns a `TimeScope` (a period of article dates, strict or
a soft recency preference) or None; `time_sensitive(question)` tells whether the answer depends on when it is
asked (then it says "As of <date>, …"). Works in the 17 languages of bot.i18n.SUPPORTED; month and weekday
names come from Babel's locale data, the relative words from bot.answer.time_words.

Semantics, and why (news readers ask about what happened lately, usually in the past tense):
- "this week" is the 7 days ending on the reference date, [ref-6, ref], not the calendar week: a quiz asked on
  a Friday about "this week" means the past seven days (RealTimeQA: most time words are "this week"), and on a
  Monday the calendar week would hold one day. "last week" is the 7 days before that, [ref-13, ref-7];
  "N weeks ago" the 7 days ending N weeks ago. Chinese 上周一 / Vietnamese "thứ Hai tuần trước" name a day of
  the previous *calendar* week and are resolved so.
- "today" = ref; "yesterday" = ref-1; "on Monday" = the most recent Monday ≤ ref (today's weekday = today),
  "last Monday" = the most recent one before ref, "this Monday" = the one of ref's calendar week.
- "this month" = [1st of ref's month, ref]; "last month" = the previous calendar month; "this/last year" alike.
- "in January" (no year) = the most recent January that has started on or before ref (asked in January: this
  January up to ref; "in December" asked in January: the previous December) — unless it has not started this
  year and the question is in the future tense, or it starts within NEAR_FUTURE_DAYS: "the Super Bowl in
  February" asked on 31 January is the coming February, not the one eleven months ago. A date without a year
  ("January 5") likewise. "January 2025", "5 января 2025 г.", "2025-01-05", "in 2024" are that month, day, year.
- Anything in the future ("tomorrow", "next week", "on Sunday" with a future verb, "the 2030 World Cup") is a
  soft scope of kind "upcoming": articles about it are recent ones; no period can be restricted to, and the end
  of a scope is never after ref.
- "recently", "lately" (kind "recent") and "latest", "newest", "now", "currently", "still" (kind "latest") are
  soft: strict=False over [ref-SOFT_DAYS, ref]; the caller prefers newer articles without cutting.
- Strict scopes ask the caller to restrict to the period (falling back to preferring it when nothing matches).
  When a question has several time words the narrowest strict one wins ("on Wednesday … this week" →
  Wednesday); a month next to "this/last year" takes that year ("去年3月", "in March last year").
- Ambiguous names need a date-like context: English "may/march/june/april/august", Romanian "mai" (more),
  Turkish "ocak" (stove), Greek "τρίτη" (third)… count only with a day number or year next to them, a modifier
  ("last May"), a context word ("in May", "ocak ayında") or, in Greek, a capital letter. Abbreviations
  ("Jan", "févr.") need a number next to them.
- `time_sensitive` is True for words whose meaning depends on the date they are asked at (relative words,
  names without a year, "current/now/latest/still"); a question about "2018" or "5 May 2024" alone is not.
A question is read up to MAX_QUESTION_CHARS; nothing here raises on odd input.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from bot.answer.time_grammar import QUOTES, Grammar, fold, grammar
from bot.answer.time_words import WORDS
from bot.i18n import normalise_language
from index.language import detect_language

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 4000
#: the window of a soft scope ("recently", "latest", "upcoming"): a preference for the last month's articles
SOFT_DAYS = 30
#: a month or date that has not started yet this year but starts within this many days is the coming one
NEAR_FUTURE_DAYS = 62
#: a year up to this far ahead is an upcoming event ("the 2030 World Cup"); further, a number
FUTURE_YEARS = 10


@dataclass(frozen=True)
class TimeScope:
    start: date | None  # inclusive; None = open
    end: date | None  # inclusive; None = open (never after the reference date)
    strict: bool  # True: restrict to the period; False: prefer newer articles (recency), no hard cut
    phrase: str  # the matched words, as written in the question
    kind: str  # today, yesterday, this_week, last_week, weekend, this_month, last_month, month, this_year,
    # last_year, year, weekday, date, ago, past, recent, latest, upcoming


@dataclass
class _Mention:
    start: int  # offsets in the folded question
    end: int
    kind: str
    order: int
    absolute: bool = False  # names its period fully (a year, a date with its year): not time-sensitive
    data: dict = field(default_factory=dict)


# ---------------------------------------------------------------- finding the time words of a question

_ISO = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?!\d)")
_CJK_DATE = re.compile(r"(?<!\d)(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号號])?")
_YEAR = re.compile(r"(?<![\d.,$€£¥#\-/])(\d{4})(?![\d%]|[.,]\d|\s?percent|s\b)")  # not 1,500 / 2000% / 1980s
_UKRAINIAN = re.compile(r"[іїєґ]", re.IGNORECASE)
_VIETNAMESE = re.compile(r"[ăđơư\u1ea0-\u1ef9]", re.IGNORECASE)  # letters no other Latin-script language has
_SENTENCE_END = re.compile(r"[.?!;:]")


def _year(text: str, language: str) -> int | None:
    year = int(text)
    if language == "th" and 2443 <= year <= 2742:
        year -= 543  # Buddhist era
    return year if 1900 <= year <= 2199 else None


def _languages(question: str, language: str | None) -> list[str]:
    """The tables to read the question with, in order: its language's (English when it has none); a detected
    Russian also tries Ukrainian (the detector reads every Cyrillic text as Russian); Vietnamese letters in a
    text detected as English mean Vietnamese."""
    code = normalise_language(language) or detect_language(question)
    if code == "ru" and _UKRAINIAN.search(question):
        return ["uk"]
    if code == "ru" and not language:
        return ["ru", "uk"]
    if code == "en" and not language and _VIETNAMESE.search(question):
        return ["vi", "en"]  # the detector has no Vietnamese (issue 9)
    return [code if code in WORDS else "en"]


def _read(question: str, language: str | None) -> tuple[list[_Mention], list[int], bool]:
    for code in _languages(question, language):
        found = _find(question, code)
        if found[0]:
            break
    return found


def _modifier(g: Grammar, folded: str, start: int, end: int) -> tuple[str | None, int, int]:
    before, after = folded[max(0, start - 40):start], folded[end:end + 40]
    for kind, pre, post in g.modifiers:
        if m := pre.search(before):
            return kind, start - (len(before) - m.start()), end
        if m := post.match(after):
            return kind, start, end + m.end()
    return None, start, end


def _dated(g: Grammar, folded: str, original: str, index: list[int], s: int, e: int, need: int) -> bool:
    """Whether an ambiguous name (need 1) stands in a date-like context."""
    if need == 0:
        return True
    if need > 1 or (g.alone and re.match(r"[\s\-]*[^\W\d_]", folded[e:e + 2])):
        return False  # an abbreviation without a number; "segunda posição"
    if g.ctx_before and g.ctx_before.search(folded[max(0, s - 30):s]):
        return True
    if g.ctx_after and g.ctx_after.match(folded[e:e + 30]):
        return True
    return g.capital and original[index[s]].isupper()


def _count(g: Grammar, text: str) -> tuple[int, bool, str]:
    """The number and unit of an "ago"/"past" phrase ("two weeks ago" → 2, "week"), and whether the number
    was left out ("a week ago", "неделю назад": 1)."""
    at, unit = min((m.start(), u) for u, rx in g.units if (m := rx.search(text)))  # the templates hold a unit
    if digits := re.search(r"\d{1,3}", text[:at]):
        return int(digits.group()), False, unit
    for part in (text[:at], text[at:]):  # a number word before the unit, else a dual (שבועיים, أسبوعين)
        if words := [(m.start(), -len(m.group()), n) for n, rx in g.numbers if (m := rx.search(part))]:
            return min(words)[2], False, unit
    return 1, True, unit


def _find(question: str, language: str) -> tuple[list[_Mention], list[int], bool]:
    """The time words of the question (non-overlapping, in order), the folded→original index, future tense."""
    g = grammar(language)
    folded, index = fold(question, language)
    found: list[_Mention] = []

    def add(s: int, e: int, kind: str, absolute: bool = False, **data: object) -> None:
        found.append(_Mention(s, e, kind, len(found), absolute, dict(data)))

    for kind, rx in g.relative:
        for m in rx.finditer(folded):
            add(m.start(), m.end(), kind)
    for kind, rx in (("ago", g.ago), ("past", g.past)):
        for m in rx.finditer(folded) if rx else ():
            count = _count(g, m.group())
            if count[1] and re.search(r"\d", folded[max(0, m.start() - 20):m.start()]):
                continue  # "66 million years ago": the number is not ours
            if count[0] > 0:
                add(m.start(), m.end(), kind, n=count[0], unit=count[2])
    for m in g.months.finditer(folded) if g.months else ():
        month, need = g.names[("m", m.group("name"))]
        groups = m.groupdict()
        numbered = any(groups.get(k) for k in ("d1", "d2", "y"))
        ns, ne = m.span("name")
        mod, s, e = _modifier(g, folded, m.start(), m.end())
        if not (numbered or (mod and need < 2) or _dated(g, folded, question, index, ns, ne, need)):
            continue
        day = groups.get("d1") or groups.get("d2")
        year = _year(m.group("y"), language) if m.group("y") else None
        if m.group("y") and year is None:
            continue
        add(s, e, "month", year is not None, month=month, day=int(day) if day else None, year=year, mod=mod)
    for m in g.weekdays.finditer(folded) if g.weekdays else ():
        weekday, need = g.names[("d", m.group("name"))]
        mod, s, e = _modifier(g, folded, m.start(), m.end())
        if mod or _dated(g, folded, question, index, *m.span("name"), need):
            add(s, e, "weekday", weekday=weekday, mod=mod)
    for m in _ISO.finditer(folded):
        add(m.start(), m.end(), "month", True, year=_year(m.group(1), language), month=int(m.group(3)),
            day=int(m.group(4)), mod=None)
    for m in _DMY.finditer(folded):
        a, b = int(m.group(1)), int(m.group(3))
        month_first = a <= 12 and (b > 12 or (language == "en" and m.group(2) == "/"))  # 12/31/2025; else 31.12.
        add(m.start(), m.end(), "month", True, year=_year(m.group(4), language), month=a if month_first else b,
            day=b if month_first else a, mod=None)
    for m in _CJK_DATE.finditer(folded):
        year = _year(m.group(1), language) if m.group(1) else None
        add(m.start(), m.end(), "month", year is not None, year=year, month=int(m.group(2)),
            day=int(m.group(3)) if m.group(3) else None, mod=None)
    for m in _YEAR.finditer(folded):
        if (year := _year(m.group(1), language)) is not None:
            add(m.start(), m.end(), "year", True, year=year)

    found.sort(key=lambda x: (x.start - x.end, x.order))  # longest first, then the table's order
    kept: list[_Mention] = []
    for x in found:
        if x.kind == "month" and x.data.get("year", 0) is None and x.absolute:
            continue  # a numeric date with an impossible year
        if all(x.end <= k.start or x.start >= k.end for k in kept):
            kept.append(x)
    kept.sort(key=lambda x: x.start)
    _join_month_and_year(kept, folded)
    years = {x.data["year"] for x in kept if x.kind == "year"}
    for x in kept:
        if x.kind == "month" and len(years) == 1:
            x.data["year_hint"] = next(iter(years))  # "the 2025 Emmys in September"
    lowered = question.lower().translate(str.maketrans(QUOTES))  # accents kept: "tendrá" is future, "tendra" not
    future = bool(g.future and g.future.search(lowered))
    return kept, index, future


def _join_month_and_year(mentions: list[_Mention], folded: str) -> None:
    """"in March last year", "去年3月": the month takes the year of the relative word next to it."""
    for month in [m for m in mentions if m.kind == "month" and m.data["year"] is None and not m.data["mod"]]:
        for other in mentions:
            if other.kind not in ("this_year", "last_year"):
                continue
            gap = folded[min(month.end, other.end):max(month.start, other.start)]
            if len(gap) <= 12 and not _SENTENCE_END.search(gap):
                month.data["year_of"] = other.kind
                month.start, month.end = min(month.start, other.start), max(month.end, other.end)
                mentions.remove(other)
                break


# ---------------------------------------------------------------- resolving them against the reference date

_Resolved = tuple[date, date, bool, str]


def _soft(ref: date, kind: str) -> _Resolved:
    return ref - timedelta(days=SOFT_DAYS), ref, False, kind


def _month_end(first: date) -> date:
    return first + relativedelta(months=1) - timedelta(days=1)


def _month(ref: date, data: dict, future: bool) -> _Resolved:
    month, day, year, mod = data["month"], data["day"], data["year"], data["mod"]
    if year is None and data.get("year_of"):
        year = ref.year if data["year_of"] == "this_year" else ref.year - 1
    if year is None and not mod:
        year = data.get("year_hint")
    if year is None:
        if mod == "next":
            return _soft(ref, "upcoming")
        year = ref.year
        if mod in ("last", "prev_week"):
            year = ref.year if month < ref.month else ref.year - 1
        elif mod != "this" and date(ref.year, month, day or 1) > ref:
            ahead = (date(ref.year, month, day or 1) - ref).days
            if future or ahead <= NEAR_FUTURE_DAYS:
                return _soft(ref, "upcoming")
            year -= 1
    start = date(year, month, day or 1)
    if start > ref:
        return _soft(ref, "upcoming")
    return start, min(start if day else _month_end(start), ref), True, "date" if day else "month"


def _weekday(ref: date, data: dict, future: bool) -> _Resolved:
    weekday, mod, today = data["weekday"], data["mod"], ref.weekday()
    if mod == "prev_week":
        day = ref - timedelta(days=today + 7 - weekday)
    elif mod == "this":
        day = ref + timedelta(days=weekday - today)
    elif mod == "last":
        day = ref - timedelta(days=(today - weekday) % 7 or 7)
    elif mod == "next" or future:
        return _soft(ref, "upcoming")
    else:
        day = ref - timedelta(days=(today - weekday) % 7)
    return (day, day, True, "weekday") if day <= ref else _soft(ref, "upcoming")


def _counted(ref: date, kind: str, n: int, unit: str) -> _Resolved:
    if kind == "past":  # the last n units up to ref
        back = {"day": timedelta(days=n), "week": timedelta(days=7 * n), "month": relativedelta(months=n),
                "year": relativedelta(years=n)}[unit]
        return ref - back + timedelta(days=1), ref, True, "past"
    if unit == "day":
        return ref - timedelta(days=n), ref - timedelta(days=n), True, "ago"
    if unit == "week":  # the 7 days ending n weeks ago: "a week ago" = "last week"
        return ref - timedelta(days=7 * n + 6), ref - timedelta(days=7 * n), True, "ago"
    if unit == "month":
        first = ref.replace(day=1) - relativedelta(months=n)
        return first, _month_end(first), True, "ago"
    return date(ref.year - n, 1, 1), date(ref.year - n, 12, 31), True, "ago"


def _resolve(m: _Mention, ref: date, future: bool) -> _Resolved | None:
    kind, data, weekday = m.kind, m.data, ref.weekday()
    try:
        if kind == "month":
            return _month(ref, data, future)
        if kind == "weekday":
            return _weekday(ref, data, future)
        if kind in ("ago", "past"):
            return _counted(ref, kind, data["n"], data["unit"])
        if kind == "year":
            year = data["year"]
            if year > ref.year:  # "the 2030 World Cup"; "2100" is no date of the news
                return _soft(ref, "upcoming") if year <= ref.year + FUTURE_YEARS else None
            return date(year, 1, 1), min(date(year, 12, 31), ref), True, "year"
    except (ValueError, OverflowError, KeyError):
        return None  # 30 February, a year out of range
    if kind == "yesterday_or_tomorrow":
        kind = "upcoming" if future else "yesterday"
    if kind in ("recent", "latest", "upcoming"):
        return _soft(ref, kind)
    if kind in ("this_weekend", "last_weekend"):
        if kind == "this_weekend" and future and weekday < 5:
            return _soft(ref, "upcoming")
        saturday = ref - timedelta(days=(weekday - 5) % 7 + (7 if kind == "last_weekend" and weekday >= 5 else 0))
        return saturday, min(saturday + timedelta(days=1), ref), True, "weekend"
    first = ref.replace(day=1)
    periods = {
        "today": (ref, ref), "yesterday": (ref - timedelta(days=1),) * 2,
        "this_week": (ref - timedelta(days=6), ref), "last_week": (ref - timedelta(days=13), ref - timedelta(days=7)),
        "this_month": (first, ref), "last_month": (first - relativedelta(months=1), first - timedelta(days=1)),
        "this_year": (date(ref.year, 1, 1), ref), "last_year": (date(ref.year - 1, 1, 1), date(ref.year - 1, 12, 31)),
    }
    start, end = periods[kind]
    return start, end, True, kind


# ---------------------------------------------------------------- the API


def _clean(question: object) -> str:
    if not isinstance(question, str):
        return ""
    return unicodedata.normalize("NFC", question[:MAX_QUESTION_CHARS])


#: "since" in the supported languages (years in the patterns where the word alone is ambiguous)
_SINCE = re.compile(
    r"\bsince\b|\bseit\b|\bdepuis\b|\bdesde\b|\bначиная с\b|\bс (?:19|20)\d\d\b|\bпочинаючи з\b|\bз (?:19|20)\d\d\b|"
    r"\bdal(?:l')? ?(?:19|20)\d\d\b|\ba partire da\b|\bdin (?:19|20)\d\d\b|\b[iî]ncep[aâ]nd cu\b|\bberi\b|"
    r"\bitibaren\b|\bαπό το (?:19|20)\d\d\b|מאז|منذ|以来|自从|के बाद से|से अब तक|\bkể từ\b|ตั้งแต่", re.IGNORECASE)


def resolve_time_scope(question: str, reference: date, language: str | None = None) -> TimeScope | None:
    """The period the question's time words refer to, relative to `reference`; None when it has none.

    `language` is the question's ISO code (detected when None). When several time words resolve, the
    narrowest strict period wins; soft ones (recent/latest/upcoming) only when there is no strict one.
    """
    text = _clean(question)
    if not text.strip():
        return None
    ref = reference.date() if isinstance(reference, datetime) else reference
    mentions, index, future = _read(text, language)
    resolved = [(m, r) for m in mentions if (r := _resolve(m, ref, future))]
    if not resolved:
        return None
    strict = [(m, r) for m, r in resolved if r[2]]
    if strict:
        m, (start, end, is_strict, kind) = min(strict, key=lambda mr: ((mr[1][1] - mr[1][0]).days, mr[0].start))
    else:
        m, (start, end, is_strict, kind) = resolved[0]
    last = index[m.end - 1] + 1
    while last < len(text) and unicodedata.combining(text[last]):
        last += 1  # the marks of the last letter (مؤخراً) belong to the phrase
    if is_strict and kind in ("year", "month", "date", "weekday") and _SINCE.search(text):
        # "since 2022", "seit Januar": from then until the reference, the present mattering most
        end, is_strict, kind = ref, False, "since"
    log.debug("time scope of %r: %s %s..%s (%s)", text[index[m.start]:last], kind, start, end, is_strict)
    return TimeScope(start, end, is_strict, text[index[m.start]:last], kind)


def time_word_spans(question: str, language: str | None = None) -> list[tuple[int, int]]:
    """Where the question's time words are ("in February", "on Monday", "this week"), as offsets in `question`
    (NFC, as the engine cleans it): what the time scope reads, so that question analysis does not take a
    capitalised month or weekday for a name the evidence must hold."""
    text = _clean(question)
    if not text.strip():
        return []
    mentions, index, _ = _read(text, language)
    return [(index[m.start], index[m.end - 1] + 1) for m in mentions]


def time_sensitive(question: str, language: str | None = None) -> bool:
    """Whether the answer depends on when the question is asked: any relative time word ("this week", "in
    May", "on Monday", "two days ago") or "current/now/latest/still"; a year or a full date alone is not."""
    text = _clean(question)
    if not text.strip():
        return False
    mentions, _, _ = _read(text, language)
    return any(not m.absolute for m in mentions)
