"""Dates written the way the languages newsbot answers in write them, as candidate answer spans.

`spans()` (bot.answer.spans) reads English dates token by token ("October 7, 2023", "Wednesday evening").
The other languages write the day, the month and the year in other orders and with other words around
them: "7 de octubre de 2023", "7 октября 2023 года", "ב-7 באוקטובר 2023", "7. Oktober 2023",
"2023年10月7日", "2023년 10월 7일". Without them a "when" question in those languages could only ever be
answered with a bare year ("1938" where the article says "October 1938"), or with a phrase that happens to
start with one ("1989 its official name").

The month names are the ones time questions are read with (bot.answer.time_grammar: CLDR's through Babel,
every width and context, the Levantine and Maghrebi Arabic names, the inflected forms "в марте", "у лютому",
"στον Μάιο", "ocağında"), matched on the text folded the same way (case, accents, hamza seats). A month name
is a date only next to a day or a year ("mai 2023", "5 mai"), never alone: "mai", "mars", "Ekim" and "may"
are also ordinary words in some language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.answer.time_grammar import fold, grammar
from bot.answer.time_words import WORDS

#: a year: four digits (any script's digits: "5 de mayo, 300 personas" is no year 300); a day: one or two
_YEAR = r"\d{4}(?!\d)"
_DAY = r"(?<!\d)\d{1,2}(?!\d)"
#: the one-letter words Hebrew and Arabic write joined to the next word ("ב-1938" in 1938,
#: "באוקטובר" in October, "وفي"…): they may open a date
HE_PREFIX = r"(?:[ובלמהכש]{1,3}[-־]?)"
AR_PREFIX = r"(?:[وفبل]{1,2})"
#: what may stand between a day, a month and a year: space, "de"/"del" (es, pt), a comma, a Hebrew prefix
_GAP = rf"(?:\s*,\s*|\s+(?:de(?:l)?\s+)?|\s+{HE_PREFIX})"
#: words that follow a year and belong to it ("2023 года", "2023 р.")
_YEAR_WORD = r"(?:\s+(?:года|году|г\.|року|р\.|yili|yilinda))?"
#: East Asian dates: 2023年10月7日, 10月7日, 2023年, 2023년 10월 7일
_CJK = (r"(?<!\d)\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号號])?)?|(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*[日号號]|"
        r"\d{4}\s*년(?:\s*\d{1,2}\s*월(?:\s*\d{1,2}\s*일)?)?|(?<!\d)\d{1,2}\s*월\s*\d{1,2}\s*일")
_LETTER_BEFORE = r"(?<![^\W\d_])"
_LETTER_AFTER = r"(?![^\W\d_])"
#: the folding time questions use (every language but Vietnamese folds alike)
_FOLDING = "en"
#: a date's opening prefix on its own, to offer the date without it; Vietnamese month words with their tones
_PREFIX = re.compile(rf"{HE_PREFIX}|{AR_PREFIX}")
_VIETNAMESE = re.compile(r"tháng|ngày", re.IGNORECASE)


@lru_cache(maxsize=1)
def _months() -> str:
    # English months are spans()' own (capitalised, token by token)
    forms = {form for language in WORDS if language != "en"
             for kind, form in grammar(language).names if kind == "m" and not form[:1].isdigit()}
    return trie_pattern(forms)


def trie_pattern(words: set[str]) -> str:
    """An alternation of `words` as a trie (each branch point a group): a regex engine tries one branch per
    letter instead of every word at every position — thousands of inflected month names would otherwise
    make a quote's search take tens of milliseconds. The longest word wins where one is a prefix of another."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + pattern(child)
                    for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return pattern(trie)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    month = rf"(?:{HE_PREFIX}|{AR_PREFIX})?(?:{_months()})\.?"
    day = rf"(?:{HE_PREFIX})?{_DAY}\.?"
    vietnamese = rf"(?:ngay\s+{_DAY}\s+)?thang\s+\d{{1,2}}(?:\s*(?:,\s*)?nam\s+{_YEAR})?"  # folded
    forms = (
        rf"{day}{_GAP}{month}(?:{_GAP}{_YEAR}{_YEAR_WORD})?",  # 7 October (2023), 7 de octubre de 2023
        rf"{month}(?:\s+{_DAY})?{_GAP}{_YEAR}{_YEAR_WORD}",  # October 2023, Oktober 7, 2023, באוקטובר 1938
        rf"(?<![\d/.]){HE_PREFIX}\d{{4}}(?!\d)",  # ב-1938, ב־1963 (a year alone is read anyway)
        vietnamese,  # ngày 7 tháng 10 năm 2023
    )
    return re.compile(rf"{_LETTER_BEFORE}(?:{'|'.join(forms)}){_LETTER_AFTER}|{_CJK}")  # on folded text


def date_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets of the dates in `text` (leftmost-longest, not overlapping), and for a date that
    opens with a Hebrew or Arabic prefix ("באוקטובר 1938", "ב-1986") the same date without it."""
    folded, index = fold(text, _FOLDING)
    out: list[tuple[int, int]] = []
    for m in _pattern().finditer(folded):
        start, end = m.start(), m.end()
        while end > start and folded[end - 1] in ".," and not re.search(r"\s[гр]\.$", folded[start:end]):
            end -= 1
        if folded.startswith(("thang", "ngay"), start) and not _VIETNAMESE.match(text, index[start]):
            continue  # Vietnamese tones are folded away: "thắng 3" (won 3) is no "tháng 3" (March)
        stop = index[end] if end < len(index) else len(text)  # the original text up to the next folded char
        out.append((index[start], stop))
        for cut in range(start + 1, min(start + 4, end)):  # "במאי 2023" → "מאי 2023" (the prefix is "ב", not "במ")
            if _PREFIX.fullmatch(folded, start, cut) and (folded[cut].isdigit() or _month().match(folded, cut, end)):
                out.append((index[cut], stop))
                break
    return out


@lru_cache(maxsize=1)
def _month() -> re.Pattern:
    return re.compile(rf"(?:{_months()})")
