"""Story groups: near-duplicate articles (syndicated copies, URL variants, live-blog updates), found at index time.

- **Signature.** A MinHash (datasketch; NUM_PERM permutations, scheme affine32, seed SEED) of the set of
  SHINGLE-word shingles of the article body, normalised (NFKC, case-folded, punctuation dropped; each CJK
  character counts as a word). It is computed once per article version by `signature()` and kept in the
  article record (`minhash`, `shingles`, `minhash_v`), so later runs never hash an unchanged article again.
- **Near-duplicates.** Two articles are near-duplicates when the estimated Jaccard similarity of their shingle
  sets is at least NEAR_DUPLICATE_THRESHOLD (copies that differ by a byline, a headline, boilerplate), or when
  the shorter one is mostly contained in the longer (an earlier version of a live blog or an updated story):
  estimated containment at least NEAR_DUPLICATE_CONTAINMENT and the shorter at least MIN_SIZE_RATIO of the
  longer's size (so a short brief quoted in a long round-up does not join it). MinHashLSH finds the candidates
  (at the lowest Jaccard either rule can accept); each candidate is then checked against the rule.
- **Groups.** A story group is a connected component of that relation. Its id is its oldest member (earliest
  publication date, undated ones last, then the smallest id): it does not depend on the order articles were
  indexed in, so an incremental run and `--rebuild` give the same groups. Each article record carries its
  group id (`story`); an article without a near-duplicate is its own group.

`StoryKeeper` maintains the groups during an index run, proportionally to what changed: it loads the stored
signatures into an in-memory LSH (no hashing), signs only the articles written in this run, and at the end
regroups only the components that touched them (rewriting the `story` of the records whose group changed).
A run that starts on a dirty index, or with other thresholds than the index's groups were made with,
regroups everything — still from the stored signatures. Articles indexed before signatures existed are
signed once, from their stored bodies.
"""

from __future__ import annotations

import base64
import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from index.chroma import published_day

log = logging.getLogger(__name__)

#: words per shingle: long enough that two different stories rarely share one, short enough that an edit
#: changes few (an edited word changes at most SHINGLE shingles)
SHINGLE = 5
NUM_PERM = 128  # estimation error of a Jaccard similarity of 0.8: about ±0.035 (one standard deviation)
SEED = 1
SCHEME = "affine32"
#: the signature format: a stored signature of another version is recomputed
VERSION = f"w{SHINGLE}-p{NUM_PERM}-{SCHEME}-s{SEED}"
#: containment counts only when the shorter article has at least this share of the longer's shingles
MIN_SIZE_RATIO = 0.5
#: bodies read per step when signing articles indexed before signatures existed
_BACKFILL_STEP = 256

_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\W_]+")


def shingles(text: str) -> set[str]:
    """The SHINGLE-word shingles of the normalised text (one shingle of all words when it has fewer)."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if not words:
        return set()
    return {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


@dataclass(frozen=True)
class Signature:
    """An article's MinHash (uint32 × NUM_PERM) and the size of its shingle set."""

    hashvalues: np.ndarray
    size: int

    def minhash(self) -> LeanMinHash:
        return LeanMinHash(seed=SEED, hashvalues=self.hashvalues, scheme=SCHEME)

    def metadata(self) -> dict[str, str | int]:
        """The fields of the article record that keep this signature."""
        raw = np.asarray(self.hashvalues, dtype="<u4").tobytes()
        return {"minhash": base64.b64encode(raw).decode("ascii"), "shingles": self.size, "minhash_v": VERSION}

    @classmethod
    def from_metadata(cls, meta: Mapping[str, object]) -> "Signature | None":
        """The signature kept in an article record; None when there is none of this VERSION."""
        if meta.get("minhash_v") != VERSION or not isinstance(meta.get("minhash"), str):
            return None
        try:
            values = np.frombuffer(base64.b64decode(str(meta["minhash"])), dtype="<u4")
        except ValueError:
            return None
        if len(values) != NUM_PERM:
            return None
        return cls(values.astype(np.uint32), int(meta.get("shingles", 0) or 0))


def signature(text: str) -> Signature | None:
    """Hash an article body (the only place newsbot computes a MinHash); None for a body without words."""
    found = shingles(text)
    if not found:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in found])
    return Signature(np.asarray(minhash.hashvalues, dtype=np.uint32), len(found))


def near_duplicates(jaccard: float, size_a: int, size_b: int, threshold: float, containment: float) -> bool:
    """The rule, from a Jaccard similarity (estimated or exact) and the two shingle-set sizes."""
    if jaccard >= threshold:
        return True
    small, large = sorted((max(size_a, 1), max(size_b, 1)))
    if small < MIN_SIZE_RATIO * large:
        return False
    shared = jaccard * (small + large) / (1.0 + jaccard)  # |A ∩ B| from J = |A ∩ B| / |A ∪ B|
    return shared / small >= containment


def candidate_threshold(threshold: float, containment: float) -> float:
    """The lowest Jaccard similarity the rule accepts: full containment needs J >= C·r / (1 + r − C·r)."""
    ratio = MIN_SIZE_RATIO
    lowest = containment * ratio / (1.0 + ratio - containment * ratio)
    return max(0.05, min(threshold, lowest))


class StoryGraph:
    """The near-duplicate relation over a set of signed articles, and its connected components."""

    def __init__(self, threshold: float, containment: float) -> None:
        self.threshold = threshold
        self.containment = containment
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=_lsh_bands(candidate_threshold(threshold, containment)))
        self._signatures: dict[str, Signature] = {}
        self._minhashes: dict[str, LeanMinHash] = {}
        self._days: dict[str, int] = {}

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._signatures

    def add(self, article_id: str, sig: Signature | None, published_at: str) -> None:
        """Add (or replace) an article; an article without a signature is its own group."""
        self.remove(article_id)
        self._days[article_id] = published_day(published_at)
        if sig is None:
            return
        minhash = sig.minhash()
        self._lsh.insert(article_id, minhash)
        self._signatures[article_id] = sig
        self._minhashes[article_id] = minhash

    def remove(self, article_id: str) -> None:
        self._days.pop(article_id, None)
        if self._signatures.pop(article_id, None) is not None:
            self._lsh.remove(article_id)
            del self._minhashes[article_id]

    def neighbours(self, article_id: str) -> list[str]:
        """The articles that are near-duplicates of this one."""
        sig = self._signatures.get(article_id)
        if sig is None:
            return []
        mine = self._minhashes[article_id]
        found = []
        for other in self._lsh.query(mine):
            if other == article_id:
                continue
            jaccard = mine.jaccard(self._minhashes[other])
            if near_duplicates(jaccard, sig.size, self._signatures[other].size, self.threshold, self.containment):
                found.append(other)
        return sorted(found)

    def component(self, article_id: str) -> set[str]:
        seen = {article_id}
        todo = [article_id]
        while todo:
            for other in self.neighbours(todo.pop()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def group_id(self, members: Iterable[str]) -> str:
        """The oldest member: earliest publication day (undated last), then the smallest id."""
        return min(members, key=lambda a: (self._days.get(a, 0) or 99_999_999, a))

    def groups(self, seeds: Iterable[str]) -> dict[str, str]:
        """article id → group id, for every article in the components of `seeds` (those in the graph)."""
        out: dict[str, str] = {}
        for seed in seeds:
            if seed in out or seed not in self._days:
                continue
            members = self.component(seed)
            story = self.group_id(members)
            out.update(dict.fromkeys(members, story))
        return out

    def all_groups(self) -> dict[str, str]:
        return self.groups(sorted(self._days))


class StoryKeeper:
    """Maintains the story groups of the index an `Indexer` run writes (see the module docstring)."""

    def __init__(self, threshold: float, containment: float) -> None:
        self.graph = StoryGraph(threshold, containment)
        #: the thresholds the groups are made with; kept in the index state (`stories`)
        self.params = f"j{threshold:.3f}-c{containment:.3f}-{VERSION}"
        self._stored: dict[str, str] = {}  # article id → the `story` its record holds
        self._seeds: set[str] = set()
        self._regroup_all = False
        self.signed = 0  # articles hashed by this run (for the report and tests)

    def load(self, records: Mapping[str, Mapping[str, object]], *, regroup_all: bool) -> list[str]:
        """Start from the live index's article records; returns the ids that have no signature of this
        VERSION yet (to be signed from their stored bodies with `backfill`)."""
        missing = []
        for article_id, meta in records.items():
            sig = Signature.from_metadata(meta)
            if sig is None and meta.get("minhash_v") != VERSION:
                missing.append(article_id)
            self.graph.add(article_id, sig, str(meta.get("published_at", "")))
            self._stored[article_id] = str(meta.get("story", ""))
        self._regroup_all = regroup_all
        return missing

    def sign(self, article_id: str, body: str, published_at: str) -> dict[str, str | int]:
        """Hash one written article and add it to the graph; returns its signature's record fields."""
        if article_id in self.graph:  # a new version: its former group-mates are regrouped too
            self._seeds.update(self.graph.component(article_id))
        sig = signature(body)
        self.signed += 1
        self.graph.add(article_id, sig, published_at)
        self._seeds.add(article_id)
        return sig.metadata() if sig is not None else {"minhash": "", "shingles": 0, "minhash_v": VERSION}

    def stories_for(self, article_ids: Iterable[str]) -> dict[str, str]:
        """The group id of each of these (just signed) articles, with everything signed so far: written in
        their commit, so most runs need no second write."""
        article_ids = list(article_ids)
        groups = self.graph.groups(article_ids)
        mine = {a: groups[a] for a in article_ids if a in groups}
        self._stored.update(mine)  # the others' records are rewritten by `finish` if their group changed
        return mine

    def deleted(self, article_id: str) -> None:
        """An article left the index: its former group-mates may split or get another id."""
        for other in self.graph.component(article_id) - {article_id}:
            self._seeds.add(other)
        self.graph.remove(article_id)
        self._stored.pop(article_id, None)
        self._seeds.discard(article_id)

    def backfill(self, store, article_ids: list[str], published: Mapping[str, str]) -> None:
        """Sign articles indexed before signatures existed, from their stored bodies (once)."""
        if article_ids:
            log.info("computing story signatures of %d articles indexed without them", len(article_ids))
        for start in range(0, len(article_ids), _BACKFILL_STEP):
            part = article_ids[start:start + _BACKFILL_STEP]
            bodies = store.article_bodies(part)
            changes = {a: self.sign(a, bodies.get(a, ""), published.get(a, "")) for a in part}
            store.update_article_metadata(changes)

    def changes(self) -> dict[str, str]:
        """article id → new group id for every record whose stored `story` is not its group now."""
        groups = self.graph.all_groups() if self._regroup_all else self.graph.groups(sorted(self._seeds))
        return {a: story for a, story in groups.items() if self._stored.get(a) != story}

    def finish(self, store, *, generation: int | None = None) -> int:
        """Write the group ids that changed (as commit `generation`); returns how many records were rewritten."""
        changed = self.changes()
        if changed:
            store.update_article_metadata({a: {"story": story} for a, story in changed.items()}, generation=generation)
            self._stored.update(changed)
        self._seeds.clear()
        self._regroup_all = False
        return len(changed)


@functools.lru_cache(maxsize=16)
def _lsh_bands(threshold: float) -> tuple[int, int]:
    """MinHashLSH's (bands, rows) for `threshold`: datasketch finds them by numerical integration (~20 ms),
    the same every time for the same threshold — once per process here, not once per index run."""
    # false negatives cost a missed duplicate, false positives one cheap check: weigh the former more
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=(0.3, 0.7))
    return lsh.b, lsh.r
