"""BM25 over the chunks (the Lucene variant that bm25s, the library under llama-index's
BM25Retriever, computes; scored from term counts kept per catalogue segment, so adding
articles never re-indexes the others) with language-aware query terms: English stemming for the articles, and for questions in
other scripts, names and numbers matched to the article vocabulary by transliteration
and fuzzy matching (rapidfuzz), so "Труфанов" finds "Troufanov"."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from rapidfuzz import fuzz, process

from index.language import transliterate

#: bump when tokenisation changes: catalogue snapshots made with another version are rebuilt
TOKENIZER_VERSION = 4

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(STOPWORDS_EN) | {
    "s", "t", "did", "does", "many", "much", "who", "whose", "whom", "what", "when", "where", "why", "which", "how",
}
_LATIN_OR_DIGIT = re.compile(r"^[a-z0-9]+$")


#: irregular English verb forms Snowball leaves apart ("met" ≠ "meet"): mapped to the base form first
IRREGULAR = {
    "met": "meet", "held": "hold", "won": "win", "began": "begin", "begun": "begin", "born": "bear",
    "bought": "buy", "brought": "bring", "built": "build", "caught": "catch", "chose": "choose",
    "chosen": "choose", "came": "come", "did": "do", "done": "do", "drew": "draw", "drawn": "draw",
    "drove": "drive", "driven": "drive", "fell": "fall", "fallen": "fall", "felt": "feel", "fought": "fight",
    "found": "find", "flew": "fly", "flown": "fly", "gave": "give", "given": "give", "went": "go",
    "gone": "go", "grew": "grow", "grown": "grow", "had": "have", "heard": "hear", "hid": "hide", "kept": "keep",
    "knew": "know", "known": "know", "led": "lead", "lost": "lose", "made": "make",
    "meant": "mean", "paid": "pay", "ran": "run", "risen": "rise", "said": "say", "saw": "see",
    "seen": "see", "sold": "sell", "sent": "send", "shot": "shoot", "sang": "sing", "sung": "sing",
    "sat": "sit", "spoke": "speak", "spoken": "speak", "spent": "spend", "stood": "stand", "stole": "steal",
    "stolen": "steal", "struck": "strike", "swore": "swear", "sworn": "swear", "taught": "teach",
    "told": "tell", "took": "take", "taken": "take", "thought": "think", "threw": "throw", "thrown": "throw",
    "understood": "understand", "wrote": "write", "written": "write", "woke": "wake", "wore": "wear",
    "worn": "wear", "freed": "free", "fled": "flee", "sought": "seek", "slain": "slay", "slew": "slay",
}


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def terms(text: str) -> list[str]:
    """Index terms of English text: lower-cased words, stop words removed, Snowball-stemmed."""
    kept = [IRREGULAR.get(w, w) for w in words(text) if w not in _STOP]
    return _stemmer().stemWords(kept)


#: words of any script, Devanagari and Thai vowel signs included (they are not \w)
_ANY_WORD = re.compile(r"[\w\u0900-\u0963\u0966-\u097f\u0e00-\u0e7f]+", re.UNICODE)  # not the danda ।
#: the Snowball stemmer of a script's main language (Ukrainian and Bulgarian words get Russian's: close enough
#: to join a word's cases, which is all BM25 needs)
_SCRIPT_STEMMERS = (("\u0400", "\u04ff", "russian"), ("\u0370", "\u03ff", "greek"), ("\u1f00", "\u1fff", "greek"),
                    ("\u0600", "\u06ff", "arabic"), ("\u0900", "\u097f", "hindi"))
_HEBREW = re.compile(r"^[\u0590-\u05ff]")
#: the one-letter words Hebrew joins to the next (ו ה ב ל מ ש כ): "בעיר", "העיר" are both also "עיר"
_HEBREW_CLITICS = re.compile(r"^(?:[וש]?[הבלמכ]|[וש])(?=[\u05d0-\u05ea]{3,})")  # two only as "and/that" + one
#: Chinese, Japanese and Korean runs have no spaces between words: they are read as overlapping character pairs
#: (Lucene's CJKBigramFilter), a lone character as itself
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


@lru_cache(maxsize=8)
def _script_stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def index_terms(text: str) -> list[str]:
    """BM25 terms of an article or a question in any language: English words as `terms` does; Cyrillic, Greek,
    Arabic and Devanagari words stemmed by their script's Snowball stemmer; Hebrew words with and without the
    letters joined to them; Chinese, Japanese and Korean as character pairs. (Before version 4 every word went
    through the English stemmer, so a Russian article's "кибуца" and a question's "кибуце" never met.)"""
    out: list[str] = []
    latin: list[str] = []
    for word in _ANY_WORD.findall(text.lower()):
        if max(word) < "\u0370":  # Latin letters and digits: the English pipeline
            if word not in _STOP:
                latin.append(IRREGULAR.get(word, word))
            continue
        for part in _CJK.split(word):  # the letters and digits around a CJK run ("iPhone手机", "2023年")
            if part:
                out.extend(_script_terms(part))
        for run in _CJK.findall(word):
            out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    return _stemmer().stemWords(latin) + out


def _script_terms(word: str) -> list[str]:
    if word[0] < "\u0370":
        return [] if word in _STOP else [_stemmer().stemWord(IRREGULAR.get(word, word))]
    if len(word) == 1:
        return []  # "и", "в", "و": one-letter words are function words in these scripts
    for low, high, language in _SCRIPT_STEMMERS:
        if low <= word[0] <= high:
            return [_script_stemmer(language).stemWord(word)]
    if _HEBREW.match(word):
        bare = _HEBREW_CLITICS.sub("", word)
        return [word, bare] if bare != word else [word]
    return [word]


def term_ids(text: str, vocabulary: dict[str, int]) -> np.ndarray:
    """The index terms of `text` as ids of `vocabulary`, adding new terms to it. A text without terms counts
    one empty term (as bm25s does), so every row has a length."""
    return np.array([vocabulary.setdefault(t, len(vocabulary)) for t in index_terms(text)] or
                    [vocabulary.setdefault("", len(vocabulary))], dtype=np.int32)


class LexicalIndex:
    """BM25 scores for every row of a catalogue, in catalogue order.

    Okapi BM25 with Lucene's idf, log(1 + (N - df + 0.5) / (df + 0.5)), and k1 = 1.5, b = 0.75: the
    formula and defaults of bm25s (which llama-index's BM25Retriever uses). bm25s precomputes every
    (row, term) score, which fixes N, df and the average length at build time, so one added article
    means rebuilding all of it (bm25s issues #5, #98: no incremental index). Here the segments keep
    raw term counts and the scores are computed at query time from the catalogue's live statistics,
    so an update only counts the terms of the new rows.
    """

    K1 = 1.5
    B = 0.75

    def __init__(self, vocab: dict[str, int], parts: list, slots: np.ndarray) -> None:
        self.vocab = vocab
        self._parts = parts  # [(Segment, alive mask)]
        self._slots = slots  # catalogue row → position among all rows of all segments (dead ones included)
        self._bases = np.cumsum([0] + [len(s) for s, _ in parts])
        df = np.zeros(len(vocab), dtype=np.int64)
        live, total_length = 0, 0.0
        for segment, alive in parts:
            df[:segment.terms] += segment.document_frequencies
            dead = np.flatnonzero(~alive)
            if len(dead):
                df[:segment.terms] -= np.bincount(segment.counts[dead].indices, minlength=segment.terms)
            live += int(alive.sum())
            total_length += float(segment.lengths[alive].sum())
        self.df = df
        self.rows = live
        self.average_length = total_length / live if live else 1.0
        self._norms: list[np.ndarray] | None = None
        self._by_initial: dict[str, list[str]] | None = None

    def document_frequencies(self) -> np.ndarray:
        """Live rows containing each vocabulary term, by term id."""
        return self.df

    def known(self, term: str) -> bool:
        tid = self.vocab.get(term)
        return tid is not None and self.df[tid] > 0

    def query_terms(self, question: str, language: str, *, own: bool = True, across: bool = True) -> list[str]:
        """The question's terms the archive has. A question in another language than English: its `own` words in
        the archive's forms (a Russian question in a Russian archive: "кибуце" → "кибуц"), and `across` scripts,
        for the words the archive lacks, Latin words, names and numbers matched by transliteration and fuzzy
        matching (a Russian question in an English archive: "Труфанов" → "troufanov")."""
        if language == "en":
            return [t for t in index_terms(question) if self.known(t)]
        found: list[str] = []
        for word in _ANY_WORD.findall(question.lower()):
            mine = [t for t in index_terms(word) if self.known(t)] if own else []
            if mine or not across:
                found.extend(mine)
                continue
            latin = transliterate(word)
            if not _LATIN_OR_DIGIT.match(latin) or latin in _STOP:
                continue
            stem = _stemmer().stemWord(latin)
            if self.known(stem):
                found.append(stem)
            elif len(latin) >= 4 and not latin.isdigit():
                match = self._fuzzy(latin)
                if match:
                    found.append(match)
        return found

    def _fuzzy(self, word: str) -> str | None:
        if self._by_initial is None:
            by_initial: dict[str, list[str]] = defaultdict(list)
            for term, tid in self.vocab.items():
                if len(term) >= 3 and not term.isdigit() and self.df[tid] > 0:
                    by_initial[term[0]].append(term)
            self._by_initial = dict(by_initial)
        candidates = self._by_initial.get(word[0], ())
        if not candidates:
            return None
        best = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=80)
        return best[0] if best else None

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """One score per catalogue row (0 where no query term occurs); repeated terms count again."""
        out = np.zeros(int(self._bases[-1]), dtype=np.float32)
        ids = [self.vocab[t] for t in query_terms if self.known(t)]
        if ids and self.rows:
            if self._norms is None:  # k1 * (1 - b + b * length / average length), per row
                self._norms = [self.K1 * (1 - self.B + self.B * s.lengths / self.average_length)
                               for s, _ in self._parts]
            for tid in ids:
                df = float(self.df[tid])
                idf = np.float32(np.log(1 + (self.rows - df + 0.5) / (df + 0.5)))
                for (segment, _), base, norm in zip(self._parts, self._bases, self._norms):
                    if tid >= segment.terms:
                        continue
                    lo, hi = segment.by_term.indptr[tid], segment.by_term.indptr[tid + 1]
                    if lo == hi:
                        continue
                    rows = segment.by_term.indices[lo:hi]
                    tf = segment.by_term.data[lo:hi]
                    out[base + rows] += idf * tf / (tf + norm[rows])
        return out[self._slots]
