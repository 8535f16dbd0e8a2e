"""Candidate answer spans in a quote, and the features that score them.

A stated answer is a short span taken verbatim from the quoted text: a number with its unit, a
duration, a date (also the news kind: "Wednesday evening", "yesterday", "last month"), a name
(capitalised words, lists of them), a quoted phrase, or a short phrase of content words. `spans(text)`
lists the candidates with their character offsets; `span_features` describes each against the question (kind × question type, overlap with the question's words, how far
it sits from the words the quote shares with the question, its length and shape). A learned model
(`bot.answer.model`) turns the features into a score; nothing here decides on its own.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.answer.question import Question, fold
from bot.answer.span_amounts import amount_spans
from bot.answer.span_dates import date_spans
from index.language import detect_language

MAX_SPAN_TOKENS = 8
MAX_CANDIDATES = 400

KINDS = ("number", "duration", "date", "name", "quote", "phrase")
QTYPES = ("person", "place", "date", "duration", "number", "which", "definition", "reason", "yesno", "other")

#: what English news writes onto a number, kept in its token: ordinals ("7th"), decades ("1990s"), amounts
#: ("$1.2bn", "$1.2B", "3.5m", "20K", "£4tn") — "1.2" alone would state a thousandth of "1.2bn"
_NUMBER_SUFFIX = r"(?:st|nd|rd|th|s|bn|Bn|BN|mn|m|M|tn|Tn|TN|trn|k|K|b|B)"
#: a day of the month: "7", "7th", "21st" (a pattern: bot.answer.wording reads full dates with it too)
DAY_OF_MONTH = r"\d{1,2}(?:st|nd|rd|th)?"
_DAY = re.compile(rf"^{DAY_OF_MONTH}$")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
#: one token each: a title before a name ("Dr. Smith"), a middle initial ("John F. Kennedy"; not a letter
#: that ends a sentence before "The…"), initials ("U.S."), "No." before its number ("Red No. 3"), numbers, words
_TOKEN = re.compile(r"(?:St|Mt|Ft|Dr|Mr|Mrs|Ms|Gen|Col|Lt|Gov|Sen|Rep|Rev|Prof)\.(?=\s+[A-Z])|(?:Jr|Sr)\.|"
                    r"(?<=[^\W\d_]\s)[A-Z]\.(?=\s+(?!(?:The|A|An|In|On|At|It|He|She|They|We|I|This|That|But|And|"
                    r"Or|So|As|If|For|To|By)\b)[A-Z][^\W\d_])|"
                    rf"(?:[A-Z]\.){{2,}}|No\.(?=\s?\d)|\d+(?:[.,:/]\d+)*(?:%|{_NUMBER_SUFFIX}(?![^\W_]))?|"
                    r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]", re.UNICODE)
_UNITS = ("days|day|weeks|week|months|month|years|year|hours|hour|minutes|minute|seconds|decades|decade|centuries|"
          "century|nights|percent|per cent|%|million|billion|trillion|thousand|hundred|people|persons|men|women|"
          "children|km|kilometres|kilometers|miles|metres|meters|feet|kg|tons|tonnes|dollars|euros|pounds|points|"
          "times|members|seats|votes|hostages|soldiers|troops|deaths|casualties")
_TIME_UNITS = re.compile(r"^(?:days?|weeks?|months?|years?|hours?|minutes?|seconds?|decades?|centur(?:y|ies)|nights?)$",
                         re.IGNORECASE)
_UNIT = re.compile(rf"^(?:{_UNITS})$", re.IGNORECASE)
_NUMBER_WORD = re.compile(
    r"^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|"
    r"dozen|dozens|hundreds|thousands|millions|half|several)$", re.IGNORECASE)
#: English month names (a pattern: bot.answer.wording reads full dates with it too)
MONTH_NAMES = "(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_MONTH = re.compile(rf"^(?:{MONTH_NAMES}|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?$", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)$", re.IGNORECASE)
_PART_OF_DAY = re.compile(r"^(?:morning|afternoon|evening|night)$", re.IGNORECASE)
_RELATIVE_DAY = re.compile(r"^(?:yesterday|today|tonight)$", re.IGNORECASE)
_RELATIVE_PERIOD = re.compile(r"^(?:week|month|year|weekend)$", re.IGNORECASE)
#: a year, or a decade of years ("the 1990s"; not "in her 20s", "1000s of people")
_YEARISH = re.compile(r"^(?:1[0-9]\d\d|20\d\d|21\d\d)$|^(?:1[1-9]|20)\d0s$")
_CURRENCY = re.compile(r"^[$€£¥₪₽]$")
#: a part of a name never starts or ends with a middle initial or "No." ("John F.", "F. Kennedy")
_PART_EDGE = re.compile(r"^(?:[A-Z]\.|No\.)$")
_CONNECTORS = frozenset({"of", "de", "del", "da", "di", "du", "la", "le", "van", "von", "al", "bin", "and", "the", "&"})
_PREPOSITIONS = frozenset({"in", "on", "at", "from", "by", "since", "during", "for", "to", "until", "near", "after",
                           "before", "into", "across", "within", "around", "between"})
STOPWORDS = frozenset((
    "a an the and or but of to in on at for with by from as is are was were be been being has have had do does did "
    "it its this that these those he she they them his her their we our you your i me my not no so than then there "
    "which who whom whose what when where why how also into over under about after before while said says say "
    "will would can could may might should must shall such only other some any each all both more most very just "
    "if because though although however up out off again further once here").split())


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the text the spans were taken from
    end: int
    kind: str
    tokens: int


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def word(self) -> bool:
        return self.text[0].isalnum()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _is_capital(tok: Token) -> bool:
    return tok.text[:1].isupper() and tok.word


def _name_end(toks: list[Token], i: int) -> int:
    """The last token of the name starting at token i ("Red No. 3" takes its number)."""
    j = i
    while j + 1 < len(toks) and (_is_capital(toks[j + 1]) or (toks[j + 1].text in _CONNECTORS - {"and", "&"}
                                                              and j + 2 < len(toks) and _is_capital(toks[j + 2]))):
        j += 2 if toks[j + 1].text in _CONNECTORS else 1
    if toks[j].text == "No." and j + 1 < len(toks) and toks[j + 1].text[:1].isdigit():
        j += 1
    return j


def _is_number(tok: Token) -> bool:
    return tok.text[:1].isdigit() or bool(_NUMBER_WORD.match(tok.text))


def spans(text: str) -> list[Span]:
    """Every candidate span of `text` (deduplicated by offsets and kind), bounded in number."""
    toks = tokenize(text)
    found: dict[tuple[int, int, str], Span] = {}

    def add(i: int, j: int, kind: str) -> None:  # tokens i..j inclusive
        if 0 <= i <= j < len(toks) and j - i < MAX_SPAN_TOKENS + 2:
            key = (toks[i].start, toks[j].end, kind)
            found.setdefault(key, Span(toks[i].start, toks[j].end, kind, j - i + 1))

    n = len(toks)
    for i, tok in enumerate(toks):
        # numbers with units and durations; "$5 million"; "11-year-old"; "40%"
        if _is_number(tok) or (_CURRENCY.match(tok.text) and i + 1 < n and _is_number(toks[i + 1])):
            j = i + 1 if _CURRENCY.match(tok.text) else i
            while j + 1 < n and (_is_number(toks[j + 1]) or toks[j + 1].text in ("-", "to", "and")) \
                    and _is_number(toks[min(j + 2, n - 1)]) and j - i < 4:
                j += 2 if not _is_number(toks[j + 1]) else 1
            if _YEARISH.match(toks[j].text):
                add(i, j, "date")
            add(i, j, "number")
            k = j
            while k + 1 < n and k - j < 2 and (_UNIT.match(toks[k + 1].text) or toks[k + 1].text == "-"
                                                  or toks[k + 1].text.lower() in ("of", "per", "cent", "old")):
                k += 1
                if _UNIT.match(toks[k].text) or toks[k].text.lower() == "old":
                    # "19th century", "the 5th day" are a time, not a length of time
                    timed = "date" if _ORDINAL.match(toks[j].text) else "duration"
                    add(i, k, timed if _TIME_UNITS.match(toks[k].text) else "number")
            if "year-old" in tok.text.lower() or "-old" in tok.text.lower():
                add(i, i, "number")
        # dates: "October 7, 2023", "7 October 2023", "February", "March 2025", "the 1990s"
        if _MONTH.match(tok.text) and tok.text[:1].isupper():
            j = i
            if j + 1 < n and _DAY.match(toks[j + 1].text):
                j += 1
            if j + 2 < n and toks[j + 1].text == "," and _YEARISH.match(toks[j + 2].text):
                j += 2
            elif j + 1 < n and _YEARISH.match(toks[j + 1].text):
                j += 1
            add(i, j, "date")
            day_after = j > i and _DAY.match(toks[i + 1].text)  # one day to a date: "1 March 7 2024" is none
            if i > 0 and _DAY.match(toks[i - 1].text) and not day_after:
                add(i - 1, j, "date")  # "7 October 2023", "7th October"
            elif i > 1 and toks[i - 1].text == "of" and _ORDINAL.match(toks[i - 2].text) and not day_after:
                add(i - 2, j, "date")  # "the 21st of June"
        news_date_end = _news_date(toks, i)
        if news_date_end is not None:
            add(i, news_date_end, "date")
        # names: runs of capitalised words (with "of", "de", "al"… inside); lists "A, B and C"
        if _is_capital(tok) and (i == 0 or not _is_capital(toks[i - 1])):
            j = _name_end(toks, i)
            if not (j == i and tok.text.lower() in STOPWORDS):
                add(i, j, "name")
                k = j
                while k + 2 < n and toks[k + 1].text in (",", "and", "or", "&") and _is_capital(toks[k + 2]) \
                        and k - i < MAX_SPAN_TOKENS:
                    last_joiner = toks[k + 1].text
                    k = _name_end(toks, k + 2)
                    if last_joiner in ("and", "or", "&"):
                        add(i, k, "name")
                        break
    # every part of a run of capitalised words ("Russia Alexander Boroda" → "Alexander Boroda")
    i = 0
    while i < n:
        if not _is_capital(toks[i]):
            i += 1
            continue
        j = i
        while j + 1 < n and _is_capital(toks[j + 1]):
            j += 1
        if j > i:
            for a in range(i, j + 1):
                for b in range(a, min(j, a + 3) + 1):
                    if (a, b) != (i, j) and not (a == b and toks[a].text.lower() in STOPWORDS) \
                            and not _PART_EDGE.match(toks[a].text) and not _PART_EDGE.match(toks[b].text):
                        add(a, b, "name")
        i = j + 1
    # dates as the other languages write them ("7 de octubre de 2023", "באוקטובר 1938", "2023年10月7日")
    # and their amounts and durations ("43 миллиона", "498 дней", "כ-43 מיליון", "100万")
    # (not in English text: "7 out of 10", "3 may", "$15 an hour" are no dates or durations)
    others = [] if detect_language(text) == "en" else \
        [(a, b, "date") for a, b in date_spans(text)] + amount_spans(text)
    for start, end, kind in others:
        found.setdefault((start, end, kind), Span(start, end, kind, max(1, sum(start <= t.start < end for t in toks))))
    # quoted phrases
    for m in re.finditer(r"[\"“«]([^\"”»“]{2,80})[\"”»]", text):
        inner = [t for t in toks if m.start(1) <= t.start and t.end <= m.end(1)]
        if inner:
            key = (inner[0].start, inner[-1].end, "quote")
            found.setdefault(key, Span(inner[0].start, inner[-1].end, "quote", len(inner)))
    # short phrases of content words that don't cross punctuation or start/end with a function word
    for i in range(n):
        if not toks[i].word or toks[i].text.lower() in STOPWORDS:
            continue
        for j in range(i, min(i + MAX_SPAN_TOKENS, n)):
            if not toks[j].word:
                break
            if toks[j].text.lower() not in STOPWORDS and not (i == j and toks[i].text[:1].isdigit()):
                add(i, j, "phrase")
        if len(found) > MAX_CANDIDATES:
            break
    return list(found.values())[:MAX_CANDIDATES]


def _news_date(toks: list[Token], i: int) -> int | None:
    """The last token of a date news writes relative to its own day that starts at token i: "Wednesday",
    "Wednesday evening", "yesterday", "last month", "earlier this week" — not a day inside a name ("Good
    Friday", "NBC's Today", "the Sunday Times", "Monday Night Football")."""
    n = len(toks)
    if _is_day(toks, i):
        after = toks[i + 1].text if i + 1 < n else ""
        return i + 1 if _PART_OF_DAY.match(after) and after.islower() else i
    word = toks[i].text.lower()
    if word == "this" and i > 0 and toks[i - 1].text.lower() in ("earlier", "later"):
        return None  # "earlier this week" is taken whole, from "earlier"
    first = i + 1 if word in ("earlier", "later") and i + 1 < n and toks[i + 1].text.lower() == "this" else i
    if toks[first].text.lower() in ("last", "next", "this") and first + 1 < n \
            and _RELATIVE_PERIOD.match(toks[first + 1].text):
        return first + 1
    return None


def _is_day(toks: list[Token], i: int) -> bool:
    """Token i is a weekday (capitalised) or "yesterday", "today", "tonight", and no part of a name: no
    capitalised word right before it (other than a sentence's first little word: "On Wednesday") or right
    after it, and "Today" capitalised only where a sentence starts."""
    text = toks[i].text
    if not ((_WEEKDAY.match(text) and text[:1].isupper()) or _RELATIVE_DAY.match(text)):
        return False
    before = toks[i - 1] if i > 0 else None
    after = toks[i + 1] if i + 1 < len(toks) else None
    starts_sentence = before is None or before.text in ".!?\"“"
    if _RELATIVE_DAY.match(text) and text[:1].isupper() and not starts_sentence:
        return False
    if before is not None and _is_capital(before) and before.text.lower() not in STOPWORDS:
        return False
    return not (after is not None and _is_capital(after))


def relative_date(text: str) -> bool:
    """The span is a date only its article's own day makes definite ("Wednesday evening", "last month"): the
    whole of it is one of `spans`' news dates."""
    toks = tokenize(text)
    return bool(toks) and _news_date(toks, 0) == len(toks) - 1


def compatible(qtype: str | None, kind: str) -> bool:
    table = {"person": {"name"}, "place": {"name"}, "date": {"date"}, "duration": {"duration"},
             "number": {"number", "duration"}, "which": {"name", "phrase", "quote"}}
    return kind in table.get(qtype or "other", {"phrase", "name", "quote"})


#: names of the features `span_features` returns, in order (the model file lists them too)
SPAN_FEATURES: tuple[str, ...] = (
    *(f"{q}*{k}" for q in QTYPES for k in KINDS),
    "compatible", "overlap", "any_overlap", "distance", "has_anchor", "after_anchor", "log_tokens",
    "capital_ratio", "has_digit", "after_preposition", "before_punct", "stopword_ratio", "in_best_sentence",
    "sentence_score", "maximal", "left_context", "right_context", "left_window", "right_window",
    "head_in_span", "head_next_to_span", "list_for_plural", "is_list",
)

#: English question words that open the asked-for phrase ("which river", "how many points")
_WH = re.compile(r"^(?:what|which|who|whom|whose|when|where|why|how)$", re.IGNORECASE)
_WH_PHRASE = re.compile(r"^(?:many|much|long|old|far|often|big|large|tall|high|kind|type|sort|year|kinds|types)$",
                        re.IGNORECASE)


_ADJECTIVE = re.compile(r"(?:al|ic|ive|ous|ful|ern|est|ish|ian|ese|ary|ing)$|^(?:major|main|big|small|first|last|new|old|"
                        r"other|same|top|key|chief|former|current)$", re.IGNORECASE)


@dataclass(frozen=True)
class Frame:
    """The English question around its question word: the words before it, the head noun it asks for
    ("which *river*", "how many *points*") and the words after — matched against the words around a span."""

    left: frozenset[str] = frozenset()
    right: frozenset[str] = frozenset()
    head: str = ""
    plural: bool = False


def question_frame(question: Question) -> Frame:
    if question.language != "en":
        return Frame()
    words = re.findall(r"[^\W_]+(?:['’][^\W_]+)?", question.text)
    at = next((i for i, w in enumerate(words) if _WH.match(w)), None)
    if at is None:
        return Frame()
    j = at + 1
    while j < len(words) and (_WH_PHRASE.match(words[j]) or words[j].lower() in ("of", "the", "a", "an")):
        j += 1
    head = ""
    if words[at].lower() in ("what", "which", "how") and j < len(words) and words[j].lower() not in STOPWORDS:
        head = words[j]
        j += 1
        if j < len(words) and words[j].lower() not in STOPWORDS and (
                _ADJECTIVE.search(head) or (words[j].lower().endswith("s") and not head.lower().endswith("s"))):
            head = words[j]  # "which major cities" → cities
            j += 1
    left = {_stem(fold(w)) for w in words[max(0, at - 4):at] if fold(w) not in STOPWORDS}
    right = {_stem(fold(w)) for w in words[j:j + 4] if fold(w) not in STOPWORDS}
    return Frame(frozenset(left), frozenset(right), _stem(fold(head)) if head else "",
                 bool(head) and head.lower().endswith("s") and not head.lower().endswith("ss"))


def span_features(text: str, candidates: list[Span], question: Question, anchors: list[tuple[int, int]],
                  best_sentence: tuple[int, int], sentence_score: float,
                  question_keys: set[str], frame: Frame | None = None) -> np.ndarray:
    """Features (len(candidates) × len(SPAN_FEATURES)) of the candidate spans of one quote.

    `anchors`: offsets in `text` of the words the quote shares with the question;
    `question_keys`: folded words and stems of the question (for the overlap features).
    """
    qtype = question.qtype if question.qtype in QTYPES else "other"
    out = np.zeros((len(candidates), len(SPAN_FEATURES)), dtype=np.float32)
    base = len(QTYPES) * len(KINDS)
    qi = QTYPES.index(qtype)
    contained = _contained(candidates)
    frame = frame or question_frame(question)
    toks = tokenize(text)
    starts = [t.start for t in toks]
    keys = [_stem(fold(t.text)) if t.word else "" for t in toks]
    for row, s in enumerate(candidates):
        words = [w for w in re.findall(r"[^\W_]+", text[s.start:s.end])]
        folded = [fold(w) for w in words]
        out[row, qi * len(KINDS) + KINDS.index(s.kind)] = 1.0
        f = out[row, base:]
        f[0] = float(compatible(qtype, s.kind))
        shared = [w for w in folded if w in question_keys or _stem(w) in question_keys]
        f[1] = len(shared) / max(len(folded), 1)
        f[2] = float(bool(shared))
        if anchors:
            gaps = [max(a0 - s.end, s.start - a1, 0) for a0, a1 in anchors if not (s.start <= a0 and a1 <= s.end)]
            f[3] = math.log1p(min(gaps) / 10) if gaps else 0.0
            f[4] = 1.0
            f[5] = float(s.start >= min(a1 for _, a1 in anchors))
        else:
            f[3] = math.log1p(5.0)
        f[6] = math.log(s.tokens)
        f[7] = sum(1 for w in words if w[:1].isupper()) / max(len(words), 1)
        f[8] = float(any(ch.isdigit() for ch in text[s.start:s.end]))
        before = re.findall(r"[^\W_]+", text[max(0, s.start - 12):s.start])
        f[9] = float(bool(before) and before[-1].lower() in _PREPOSITIONS)
        after = text[s.end:s.end + 2].strip()
        f[10] = float(not after or after[0] in ",.;:)!?")
        f[11] = sum(1 for w in folded if w in STOPWORDS) / max(len(folded), 1)
        f[12] = float(best_sentence[0] <= s.start and s.end <= best_sentence[1])
        f[13] = sentence_score
        f[14] = float(not contained[row])
        first = bisect_left(starts, s.start)
        last = bisect_left(starts, s.end)  # tokens [first, last) are the span's
        left = {k for k in keys[max(0, first - 6):first] if k}
        right = {k for k in keys[last:last + 6] if k}
        inside = set(keys[first:last])
        f[15] = len(frame.left & left) / len(frame.left) if frame.left else 0.0
        f[16] = len(frame.right & right) / len(frame.right) if frame.right else 0.0
        f[17] = len(question_keys & left) / max(len(left), 1)
        f[18] = len(question_keys & right) / max(len(right), 1)
        f[19] = float(bool(frame.head) and frame.head in inside)
        f[20] = float(bool(frame.head) and frame.head in set(keys[last:last + 2]) | set(keys[max(0, first - 2):first]))
        is_list = bool(re.search(r",|\band\b|&", text[s.start:s.end]))
        f[21] = float(is_list and frame.plural)
        f[22] = float(is_list)
    return out


def _contained(candidates: list[Span]) -> list[bool]:
    """Per span: another span of its kind strictly contains it."""
    out = [False] * len(candidates)
    by_kind: dict[str, list[int]] = {}
    for i, s in enumerate(candidates):
        by_kind.setdefault(s.kind, []).append(i)
    for rows in by_kind.values():
        rows.sort(key=lambda i: (candidates[i].start, -candidates[i].end))
        reach = -1  # the furthest end of the spans that start earlier (or at the same start, longer)
        for i in rows:
            s = candidates[i]
            out[i] = reach >= s.end
            reach = max(reach, s.end)
    return out


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    from index.lexical import terms

    stems = terms(word)
    return stems[0] if stems else word
