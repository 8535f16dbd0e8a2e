"""BM25 over the chunks (bm25s, the library under llama-index's BM25Retriever) with
language-aware query terms: English stemming for the articles, and for questions in
other scripts, names and numbers matched to the article vocabulary by transliteration
and fuzzy matching (rapidfuzz), so "Труфанов" finds "Troufanov"."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from rapidfuzz import fuzz, process

from index.language import transliterate

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import

#: bump when tokenisation changes: catalogue snapshots made with another version are rebuilt
TOKENIZER_VERSION = 3

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


class LexicalIndex:
    """BM25 scores for every chunk of the catalogue, in catalogue order."""

    def __init__(self, model: bm25s.BM25 | None) -> None:
        self.model = model  # None for an empty index
        self.vocab: dict[str, int] = model.vocab_dict if model is not None else {}
        by_initial: dict[str, list[str]] = defaultdict(list)
        for term in self.vocab:
            if len(term) >= 3 and not term.isdigit():
                by_initial[term[0]].append(term)
        self._by_initial = dict(by_initial)

    @classmethod
    def build(cls, texts: Iterable[str]) -> "LexicalIndex":
        texts = list(texts)
        if not texts:
            return cls(None)
        # term ids as compact arrays, one text at a time: lists of token strings for 100k chunks
        # would take gigabytes
        vocab: dict[str, int] = {"": 0}
        ids = [np.array([vocab.setdefault(t, len(vocab)) for t in terms(text)] or [0], dtype=np.int32)
               for text in texts]
        model = bm25s.BM25()
        model.index((ids, vocab), show_progress=False)
        return cls(model)

    def save(self, folder: Path) -> None:
        if self.model is None:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "EMPTY").touch()
        else:
            self.model.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        return cls(None if (folder / "EMPTY").exists() else bm25s.BM25.load(str(folder)))

    def document_frequencies(self) -> np.ndarray:
        """Chunks containing each vocabulary term, by term id."""
        if self.model is None:
            return np.zeros(0, dtype=np.int64)
        return np.diff(np.asarray(self.model.scores["indptr"]))

    def query_terms(self, question: str, language: str) -> list[str]:
        if language == "en":
            return [t for t in terms(question) if t in self.vocab]
        found: list[str] = []
        for word in words(question):
            latin = transliterate(word)
            if not _LATIN_OR_DIGIT.match(latin) or latin in _STOP:
                continue
            stem = _stemmer().stemWord(latin)
            if stem in self.vocab:
                found.append(stem)
            elif len(latin) >= 4 and not latin.isdigit():
                match = self._fuzzy(latin)
                if match:
                    found.append(match)
        return found

    def _fuzzy(self, word: str) -> str | None:
        candidates = self._by_initial.get(word[0], ())
        if not candidates:
            return None
        best = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=80)
        return best[0] if best else None

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        if self.model is None:
            return np.zeros(0, dtype=np.float32)
        if not query_terms:
            return np.zeros(self.model.scores["num_docs"], dtype=np.float32)
        return self.model.get_scores(list(query_terms))
