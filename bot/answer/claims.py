"""The facts an LLM answer's claim states that its evidence must contain (the claims themselves:
bot.answer.citations).

`facts(claim, language)` are what the claim asserts in language-independent tokens:
- numbers and years (digits; "1,000" = "1 000" = "1000"; the number words two to twelve and the tens in
  English and Russian: "four cases" needs a 4 or a "four" in the evidence),
- months (read with the month names of the claim's language, Babel's via bot.answer.time_grammar, and
  compared as month numbers: "в марте" is March),
- names: capitalised words outside the sentence's first word (that one counts when it is capitalised
  elsewhere too, or starts a multi-word name), transliterated to Latin letters (Cyrillic, Greek),
- phrases the claim puts in quotation marks.
`missing(facts, evidence)` lists what the evidence does not contain; `apart(facts, evidence)` the names of
several words that the evidence has only in pieces ("Central Valley … Sierra Freeway" is no "Central Valley
Freeway"); `unplaced(facts, evidence, article)` the names the evidence holds in part with a word that the
whole article lacks ("Alpha Prize Problems" for "Millennium Prize Problems"); `anchored(facts, evidence)`
whether one of the claim's numbers, months or names is in it (what a claim in another script than its
evidence must have, since no other words can be compared). Numbers, months and phrases must be
there exactly; a name in the evidence's own script must be there (fuzzily: ≥ 80, the same first letter,
as bot.answer.evidence matches names); a name the model transliterated from another script is matched
against the article's spelling after transliteration (inflection endings stripped, fuzzy ≥ 75 or a shared
stem of ≥ 4 letters), and, since exonyms differ (Москва/Moscow), half of such names suffice.
Hebrew and Arabic have no capital letters: their names are not checked (numbers, months and similarity are).
German capitalises every noun, so German claims have no name facts either.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.answer.question import fold, number_forms
from bot.answer.spans import STOPWORDS
from bot.answer.time_grammar import fold as time_fold, grammar
from bot.answer.time_words import WORDS
from index.language import transliterate

#: words that may stand between two words of one name in the evidence ("President Vladimir Putin" for
#: "President Putin")
MAX_NAME_GAP = 1
#: a range inside a marker expands to at most this many passages (a bigger one names no real passages)
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:\.\d+)?(?!\w)|(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
_DIGITS = re.compile(r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
#: number words that count as numbers ("one" is left out: it is as often a pronoun); English and Russian
_NUMBER_WORDS = {w: n for n, words in enumerate((
    "", "", "two|два|две", "three|три", "four|четыре", "five|пять", "six|шесть", "seven|семь", "eight|восемь",
    "nine|девять", "ten|десять", "eleven|одиннадцать", "twelve|двенадцать")) for w in words.split("|") if w}
_NUMBER_WORDS.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                      "eighty": 80, "ninety": 90, "двадцать": 20, "тридцать": 30})
_NUMBER_WORD = re.compile(r"(?<![^\W\d_])(" + "|".join(_NUMBER_WORDS) + r")(?![^\W\d_])", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]+")
PASSAGE_REF = re.compile(r"\b(?:passages?|отрыв\w*|пассаж\w*|фрагмент\w*)\s+\[?\d{1,3}\]?"
                          r"(?:\s*(?:,|and|и)\s*\[?\d{1,3}\]?)*", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“«„]([^\"”»“]{3,80})[\"”»“]")
_LATIN = re.compile(r"[a-zA-Z]")
#: a Latin-script word, also inside text without spaces ("照明系统是Tesla设计的")
_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+")
#: inflection endings stripped from a transliterated name before matching (Russian/Ukrainian cases)
_ENDINGS = re.compile(r"(?:ykh|ikh|ogo|ego|omu|emu|ami|yami|oy|ey|om|em|ym|im|ov|ev|a|u|e|y|i|yu|ya)$")
#: words that start sentences without being names (beyond the English stopwords)
_COMMON = frozenset(
    "according after although as at before but during however in on since so the then there this these those "
    "when while yes no он она оно они его её ее их это этот эта эти в во на по после до согласно да нет также "
    "однако когда где кто что как так тогда там всего более около ещё еще уже".split())
NO_NAMES = frozenset({"de", "lb", "he", "ar", "fa", "ur", "yi", "zh", "ja", "ko", "th", "hi"})


@dataclass(frozen=True)
class Name:
    text: str
    forms: tuple[str, ...]  # one per word: folded, transliterated
    script: str  # latin | other

    @classmethod
    def of(cls, text: str) -> "Name":
        return cls(text, tuple(f for w in text.split() for f in _forms(w) if len(f) >= 3), script_of(text))


@dataclass
class Facts:
    numbers: list[str] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    words: frozenset[str] = frozenset()  # the claim's words, folded (to find the evidence's sentence it restates)
    latin_words: frozenset[str] = frozenset()  # its Latin-script words, folded, when it is in another script


def script_of(text: str) -> str:
    """latin, or other when most letters are not Latin."""
    letters = "".join(_LETTERS.findall(text))
    return "latin" if len(_LATIN.findall(letters)) * 2 >= len(letters) else "other"


# --- facts -------------------------------------------------------------------------------------

def facts(claim: str, language: str, context: str = "") -> Facts:
    """What `claim` asserts that evidence must hold; `context` (the whole answer and the question) tells a
    sentence-initial name from a capitalised first word. The model's references to the prompt's passages
    ("according to passage 1") are not facts."""
    claim = PASSAGE_REF.sub(" ", claim)
    out = Facts()
    for m in _NUMBER.finditer(claim):
        out.numbers.append(m.group(0))
    out.numbers += spelled_numbers(claim).values()
    out.months = months_in(claim, language)
    out.phrases = [m.group(1).strip() for m in _QUOTED.finditer(claim)]
    out.words = frozenset(fold(w) for w in _LETTERS.findall(claim))
    if script_of(claim) == "other":
        out.latin_words = frozenset(fold(w) for w in _LATIN_WORD.findall(claim))
    if language not in NO_NAMES:
        out.names = _names(claim, context)
    return out


def spelled_numbers(text: str) -> dict[str, str]:
    """The numbers `text` spells out, as written → value ("three" → "3"; English and Russian, "one" left out)."""
    return {m.group(1): str(_NUMBER_WORDS[m.group(1).lower()]) for m in _NUMBER_WORD.finditer(text)}


def months_in(text: str, language: str) -> list[int]:
    """Month numbers named in `text` (ambiguous names such as "May", "March" only when capitalised or
    next to a number)."""
    code = language if language in WORDS else "en"
    g = grammar(code)
    if g.months is None:
        return []
    folded, index = time_fold(text, code)
    found: list[int] = []
    for m in g.months.finditer(folded):
        month, need = g.names[("m", m.group("name"))]
        numbered = any(m.groupdict().get(k) for k in ("d1", "d2", "y"))
        if need == 0 or numbered or (need == 1 and text[index[m.start("name")]].isupper()):
            found.append(month)
    return found


def _names(claim: str, context: str) -> list[Name]:
    words = list(_WORD.finditer(claim))
    names: list[Name] = []
    run: list[str] = []

    def close() -> None:
        if run:
            forms = tuple(f for w in run for f in _forms(w) if len(f) >= 3)
            if forms:
                script = "latin" if all(_LATIN.search(w) for w in run) else "other"
                names.append(Name(" ".join(run), forms, script))
            run.clear()

    for i, m in enumerate(words):
        word = m.group(0)
        gap = claim[words[i - 1].end():m.start()] if i else ""
        if run and (gap.strip() or not word[:1].isupper()):
            close()
        if not word[:1].isupper() or word.casefold() in STOPWORDS or word.casefold() in _COMMON:
            continue
        first = i == 0 or re.search(r"[.!?:]\s*$", claim[:m.start()])
        if first and not run:
            following = i + 1 < len(words) and words[i + 1].group(0)[:1].isupper() and \
                not claim[m.end():words[i + 1].start()].strip()
            if not following and not _capitalised_in(word, context):
                continue
        if len(word) < 3 and not word.isupper():
            continue
        run.append(word)
    close()
    return names


def _capitalised_in(word: str, context: str) -> bool:
    """`word` occurs capitalised in `context` not at the start of a sentence."""
    for m in re.finditer(rf"(?<![\w]){re.escape(word)}(?![\w])", context):
        if m.start() and not re.search(r"(?:^|[.!?:]\s*)$", context[:m.start()]):
            return True
    return False


def _forms(word: str) -> list[str]:
    return [fold(transliterate(p)) for p in re.split(r"[-'’]", word) if p]


# --- checking evidence ------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceText:
    """A quote or sentence with what claims are checked against, computed once."""

    text: str
    numbers: frozenset[str]
    months: frozenset[int]
    words: frozenset[str]  # folded, transliterated
    folded: str
    script: str

    @classmethod
    def of(cls, text: str, language: str) -> "EvidenceText":
        numbers = frozenset([f for m in _DIGITS.finditer(text) for f in number_forms(m.group(0))]
                            + list(spelled_numbers(text).values()))
        words = frozenset(fold(transliterate(w)) for w in _LETTERS.findall(text))
        return cls(text, numbers, frozenset(months_in(text, language)), words, fold(text), script_of(text))


def missing(claim: Facts, evidence: EvidenceText) -> list[str]:
    """The claim's facts that the evidence lacks, as "number 41", "month 3", "name Putin", "phrase …"."""
    out = [f"number {n}" for n in claim.numbers if not any(f in evidence.numbers for f in number_forms(n))]
    out += [f"month {m}" for m in claim.months if m not in evidence.months]
    out += [f"phrase {p}" for p in claim.phrases if _same_script(p, evidence) and fold(p) not in evidence.folded]
    same = [n for n in claim.names if n.script == evidence.script]
    other = [n for n in claim.names if n.script != evidence.script]
    out += [f"name {n.text}" for n in same if not _name_in(n, evidence.words, cross=False)]
    out += [f"name {n.text} (the evidence's is {namesake})" for n in same
            if (namesake := _namesake(n, _restated(claim, evidence)))]
    unmatched = [n for n in other if not _name_in(n, evidence.words, cross=True)]
    if len(unmatched) * 2 > len(other):
        out += [f"name {n.text}" for n in unmatched]
    return out


def anchored(claim: Facts, evidence: EvidenceText) -> bool:
    """The claim states a number, month or name that the evidence holds — across scripts the only words of a
    claim that can be compared with its evidence (call it on a claim whose facts `missing` found there). A
    Latin-script word of a claim in another script (Cyrillic, Greek, Chinese, Arabic…) found in the evidence
    counts as a name: "Tesla" in a Chinese sentence, where no names are read."""
    return bool(claim.numbers or claim.months) or any(
        _name_in(n, evidence.words, cross=n.script != evidence.script) for n in claim.names) or any(
        len(w) >= 4 and w not in STOPWORDS and w in evidence.words for w in claim.latin_words)


def apart(claim: Facts, evidence: EvidenceText) -> list[str]:
    """The claim's names of several words whose words the evidence has, but not together: "the Central Valley
    Freeway" is not one name in "…the California Central Valley. State Route 168, the Sierra Freeway…".
    Two neighbouring words of a name that the evidence both has (capitalised) must stand there in that order,
    at most MAX_NAME_GAP words apart; a two-word name may stand reversed ("Иванов Андрей" for "Андрей
    Иванов"). A lower-case word of the evidence is no piece of a name ("the city council" is not the "City"
    of "New York City"), and a title the evidence puts elsewhere is no conflict ("Hamas Leader Yahya Sinwar"
    against "Yahya Sinwar, the Hamas leader")."""
    out = []
    sequence: list[str] | None = None
    for name in claim.names:
        if len(name.forms) < 2 or name.script != evidence.script:
            continue
        if sequence is None:
            sequence = [fold(transliterate(w)) if not w.islower() else "" for w in _LETTERS.findall(evidence.text)]
        spots = [[i for i, w in enumerate(sequence) if w and _same_form(form, w)] for form in name.forms]
        reversible = len(spots) == 2
        for first, second in zip(spots, spots[1:]):
            if first and second and not _next_to(first, second) and not (reversible and _next_to(second, first)):
                out.append(f"name {name.text} (its words stand apart in the evidence)")
                break
    return out


def unplaced(claim: Facts, evidence: EvidenceText, article: EvidenceText) -> list[str]:
    """The claim's names (in the evidence's script) that the evidence holds in part, with a word their article
    has nowhere: "the Alpha Prize Problems" beside "…the Millennium Prize Problems" is no name of the article.
    A name the evidence gives by the surname alone passes when the article has the rest ("Sasha Troufanov"
    beside "Troufanov was freed", the article naming him in full elsewhere)."""
    out = []
    for name in claim.names:
        if name.script != evidence.script or name.script != article.script:
            continue
        absent = [f for f in name.forms if not _word_in(f, evidence.words, cross=False)]
        if not absent or len(absent) == len(name.forms):
            continue  # all there, or `missing` reports the name
        capitalised = {f for w in name.text.split() for p in re.split(r"[-'’]", w) if p[:1].isupper()
                       for f in _forms(p)}  # "run" of "Hamas-run" is no word of a name
        nowhere = [f for f in absent if f in capitalised and not _word_in(f, article.words, cross=False)]
        if nowhere:
            out.append(f"name {name.text} ({', '.join(nowhere)} nowhere in its article)")
    return out


def _same_form(form: str, word: str) -> bool:
    """One word of a name in the evidence's own script, misspelt at most: fuzzy ≥ 80, the same first letter."""
    return form == word or (len(form) >= 4 and word[:1] == form[:1] and abs(len(word) - len(form)) <= 4
                            and fuzz.ratio(form, word) >= 80)


def _next_to(first: list[int], second: list[int]) -> bool:
    """Some position of the second word follows one of the first, at most MAX_NAME_GAP words between."""
    return any(0 < q - p <= 1 + MAX_NAME_GAP for p in first for q in second)


def _restated(claim: Facts, evidence: EvidenceText) -> EvidenceText:
    """The sentence of the evidence that shares most words with the claim (the evidence itself when it is one
    sentence): a pair of sentences must not lend one sentence's name to the other's predicate."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", evidence.text) if s.strip()]
    if len(sentences) < 2:
        return evidence
    best = max(sentences, key=lambda s: len(claim.words & {fold(w) for w in _LETTERS.findall(s)}))
    return EvidenceText(best, evidence.numbers, evidence.months,
                        frozenset(fold(transliterate(w)) for w in _LETTERS.findall(best)), fold(best), evidence.script)


def _namesake(name: Name, evidence: EvidenceText) -> str | None:
    """Another person of the same surname in the evidence: "Sasha Troufanov" against "…Sasha's mother…, while
    his father Vitaly Troufanov was murdered" — the given name is there, but another one stands before the
    surname, and the two never stand together. A title before the other given name ("President Vladimir
    Putin" for "President Putin") is no conflict."""
    words = name.text.split()
    if len(words) != 2 or not _LATIN.search(name.text):
        return None
    given, surname = words
    if fold(f"{given} {surname}") in evidence.folded or fold(given) not in evidence.words:
        return None
    for m in re.finditer(rf"(\S+\s+)?\b([A-Z][\w'’-]+)\s+{re.escape(surname)}\b", evidence.text):
        before, other = (m.group(1) or "").strip(), m.group(2)
        if fold(other) != fold(given) and fold(before) != fold(given):
            return f"{other} {surname}"
    return None


def _same_script(text: str, evidence: EvidenceText) -> bool:
    return ("latin" if _LATIN.search(text) else "other") == evidence.script


def _name_in(name: Name, words: frozenset[str], *, cross: bool) -> bool:
    hits = sum(1 for f in name.forms if _word_in(f, words, cross))
    return hits >= max(1, math.ceil(len(name.forms) / 2))


def _word_in(form: str, words: frozenset[str], cross: bool) -> bool:
    if form in words:
        return True
    if not cross:
        return any(_same_form(form, w) for w in words)
    if len(form) < 4:
        return False
    stem = _ENDINGS.sub("", form)
    for w in words:
        if w[:1] != form[:1] or abs(len(w) - len(form)) > 4:
            continue
        if fuzz.ratio(form, w) >= 75:
            return True
        if len(stem) >= 4 and (w.startswith(stem) or fuzz.ratio(stem, _ENDINGS.sub("", w)) >= 80):
            return True
    return False
