"""One passage per story: near-duplicate passages never fill the top k.

Given the scored candidates of one search (best first):
1. Articles of one story group (index/stories.py: syndicated copies, URL variants, updates) are one
   story: only one of them keeps its passages — the best-scoring one, or, when another scores within
   NEWER_DUPLICATE_MARGIN of it, the newest of those (so a question without time words still gets the
   newer of two equally good tellings).
2. Passages of different stories whose texts are near-identical by the same rule as articles (word
   shingles; Jaccard >= NEAR_DUPLICATE_THRESHOLD, or containment >= NEAR_DUPLICATE_CONTAINMENT) —
   a wire paragraph quoted by two articles — count once; again the newer within the margin wins.
The articles dropped in favour of a kept passage become its `duplicates` ("also reported by").
Several passages of one article are not duplicates of each other and may all be kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from index.catalog import Catalog
from index.stories import near_duplicates, shingles


@dataclass(frozen=True)
class Pick:
    index: int  # into the candidate list
    duplicates: tuple[str, ...]  # article ids of the duplicates dropped in its favour, newest first


def ranked(scores: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Candidate indices best first; equal scores: the newer article first."""
    return np.lexsort((-days, -scores))


def top(scores: np.ndarray, days: np.ndarray, k: int) -> list[Pick]:
    """The k best, duplicates and all (diversity off)."""
    return [Pick(int(i), ()) for i in ranked(scores, days)[:k]]


@lru_cache(maxsize=2048)
def _shingles(text: str) -> frozenset[str]:
    """A passage's shingles, kept for the next questions: the same passages come back as candidates again
    and again (measured: shingling the candidates was 40% of an answer at 10k chunks)."""
    return frozenset(shingles(text))


def diversify(catalog: Catalog, candidates: list[int], scores: np.ndarray, k: int, *, margin: float,
              threshold: float, containment: float) -> list[Pick]:
    rows = catalog.rows
    days = catalog.days[candidates]
    order = [int(i) for i in ranked(scores, days)]
    articles = [rows[pos].article_id for pos in candidates]

    # 1. one article per story group
    best: dict[str, int] = {}  # article → its best candidate (dict order: by that score)
    for i in order:
        best.setdefault(articles[i], i)
    stories: dict[str, list[str]] = {}
    for article in best:
        stories.setdefault(catalog.story(article), []).append(article)
    kept_article: dict[str, str] = {}  # story → the article that speaks for it
    dropped: dict[str, list[str]] = {}  # kept article → the other articles of its story among the candidates
    for story, members in stories.items():
        leader = scores[best[members[0]]]
        close = [a for a in members if scores[best[a]] >= leader - margin]
        kept = max(close, key=lambda a: days[best[a]])  # the newest; on a tie the better score (first)
        kept_article[story] = kept
        dropped[kept] = [a for a in members if a != kept]

    # 2. near-identical passages of different stories
    texts: dict[int, frozenset[str]] = {}

    def same_text(i: int, j: int) -> bool:
        a = texts.setdefault(i, _shingles(rows[candidates[i]].text))
        b = texts.setdefault(j, _shingles(rows[candidates[j]].text))
        if not a or not b:
            return False
        shared = len(a & b)
        return near_duplicates(shared / len(a | b), len(a), len(b), threshold, containment)

    chosen: list[int] = []
    twins: dict[int, list[str]] = {}
    for i in order:
        article = articles[i]
        if kept_article[catalog.story(article)] != article:
            continue
        twin = next((j for j in chosen if articles[j] != article and same_text(i, j)), None)
        if twin is None:
            if len(chosen) < k:
                chosen.append(i)
                twins[i] = []
        elif scores[i] >= scores[twin] - margin and days[i] > days[twin]:
            chosen[chosen.index(twin)] = i  # the newer telling of the same passage
            twins[i] = twins.pop(twin) + [articles[twin]]
        else:
            twins[twin].append(article)

    position = {i: n for n, i in enumerate(order)}
    picks = []
    for i in sorted(chosen, key=position.__getitem__):
        others = list(dict.fromkeys(dropped.get(articles[i], []) + twins[i]))
        others = [a for a in others if a != articles[i]]
        others.sort(key=lambda a: days[best[a]], reverse=True)
        picks.append(Pick(i, tuple(others)))
    return picks
