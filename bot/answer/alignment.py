"""Claim–evidence alignment: a claim of an LLM answer is shown only with article text that supports it.

For every claim (bot.answer.citations.split_claims) the candidates are
- the model's quotes, found in the article bodies (bot.answer.quotes; a quote that joins sentences or
  skips text with an ellipsis is found part by part; `n` out of range: searched in every passage), and
- every sentence of the retrieved passages, and every pair of neighbouring sentences (re-anchoring).
A candidate supports the claim when it contains the claim's facts (numbers, months, names, quoted
phrases: bot.answer.claims.missing; a name it holds in part must have its other words somewhere in the
article: claims.unplaced), when in the same script at least MIN_COVERAGE of the claim's content
words (stems, weighted by their IDF over the passages' sentences) — across scripts, where no words can be
compared, at least one of the claim's numbers, months or names (claims.anchored) —, AND the claim is
semantically close to it: cosine similarity of the engine's embedder (claim embedded as a query, article
text as passages; sentence vectors come from the catalogue, so only the claim and the model's quotes are
embedded) at least the calibrated threshold (a little more across scripts).
Among the supporting candidates the closest wins (similarity, plus a little for the share of the claim's
words; the model's own quote and the passages the claim cites win near ties): when a sentence of the passages supports the claim better than the model's
quote, that sentence is shown (re-anchored). A claim nothing supports is dropped, with the reason.

The thresholds per embedder were calibrated on supported and unsupported (claim, sentence) pairs built
from XQuAD, the SQuAD 2.0 slice and the first-article set (`python -m benchmarks.claims_calibration`;
docs/answers.md has the figures).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot.answer.citations import ClaimText, split_claims
from bot.answer.claims import EvidenceText, anchored, apart, facts, missing, script_of, unplaced
from bot.answer.evidence import word_keys
from bot.answer.quotes import locate_quote
from bot.answer.reply import Reply, quote_parts
from bot.answer.result import DroppedClaim
from index.catalog import Catalog
from index.embedders import Embedder
from index.language import detect_language
from index.retriever import Retrieved

log = logging.getLogger(__name__)
#: a capitalised word (a name, or a sentence's first word): names are facts, checked apart
_NAME = re.compile(r"\b[^\W\d_a-zß-ÿа-яё][\w'’-]*")

#: calibrated minimum claim–evidence cosine similarity per embedder (see benchmarks.claims_calibration); a
#: claim in another script than its evidence (a Russian claim, an English article) needs CROSS_SCRIPT more and
#: one of its facts there (claims.anchored)
MIN_SIMILARITY = {"local:multilingual-e5-small": 0.83}
#: for embedders nobody calibrated (MiniLM, OpenAI-compatible endpoints): e5's value; set CLAIM_MIN_SIMILARITY
DEFAULT_MIN_SIMILARITY = 0.83
CROSS_SCRIPT = 0.02
#: share of a claim's content words (stems, weighted by their IDF over the passages' sentences) its evidence must
#: hold when both are in the same script
MIN_COVERAGE = 0.5
#: in choosing among supporting units, holding more of the claim's words counts (a sentence that holds all of
#: "Sapir Cohen is his partner" beats the model's quote that names both but not the partnership)
COVERAGE_WEIGHT = 0.05
QUOTE_BONUS = 0.01  # the model's own quote wins a near tie
CITED_BONUS = 0.005  # so does a sentence of a passage the claim cites
PAIR_PENALTY = 0.005  # two sentences only when one is not enough


@dataclass
class Unit:
    """Article text that may support a claim: the model's quote or a sentence (pair) of a passage."""

    passage: int  # 0-based rank of its passage
    start: int  # offsets in the article body
    end: int
    text: str
    kind: str  # quote | sentence | pair
    evidence: EvidenceText
    vector: np.ndarray | None = None
    n: int | None = None  # the passage number the model gave a quote
    keys: set[str] = field(default_factory=set)  # content-word keys (bot.answer.evidence.word_keys)

    def __post_init__(self) -> None:
        self.keys = word_keys(self.text)


@dataclass
class Supported:
    claim: ClaimText
    unit: Unit
    similarity: float


@dataclass
class Alignment:
    claims: list[ClaimText]
    supported: list[Supported]
    dropped: list[DroppedClaim]
    unverified_quotes: int = 0


class ClaimAligner:
    def __init__(self, embedder: Embedder, catalog: Catalog, article_text: Callable[[str], str],
                 min_similarity: float | None = None) -> None:
        self.embedder = embedder
        self.catalog = catalog
        self.article_text = article_text
        self.min_similarity = min_similarity if min_similarity is not None else \
            MIN_SIMILARITY.get(embedder.name, DEFAULT_MIN_SIMILARITY)

    def align(self, reply: Reply, retrieved: list[Retrieved], language: str, context: str = "") -> Alignment:
        claims = split_claims(reply.answer)
        quotes, unverified = self._quote_units(reply, retrieved)
        units = quotes + self._sentence_units(retrieved)
        if not claims or not units:
            return Alignment(claims, [], [DroppedClaim(text=c.text, reason="evidence: none retrieved or quoted")
                                          for c in claims], unverified)
        vectors = self.embedder.embed_passages([u.text for u in quotes]) if quotes else []
        for unit, vector in zip(quotes, vectors):
            unit.vector = vector
        matrix = np.vstack([u.vector for u in units]).astype(np.float32)
        sentence_keys = [u.keys for u in units if u.kind == "sentence"]
        weigh = _local_idf(sentence_keys)
        # the question's own words (not its names) that the passages use: a claim repeating one needs it in its
        # evidence — "Sapir Cohen is Troufanov's partner" is not proven by a sentence that never says "partner"
        asked = word_keys(_NAME.sub(" ", context)) & set().union(*sentence_keys) if sentence_keys else set()
        supported: list[Supported] = []
        dropped: list[DroppedClaim] = []
        articles: dict[str, EvidenceText] = {}  # by article id: passages often share one

        def article_of(passage: int) -> EvidenceText:
            row = retrieved[passage].row
            if row.article_id not in articles:
                text = f"{row.title}\n{self.article_text(row.article_id)}"
                articles[row.article_id] = EvidenceText.of(text, _language(text))
            return articles[row.article_id]

        for claim in claims:
            sims = matrix @ self.embedder.embed_query(claim.text)
            found = self._support(claim, units, sims, weigh, retrieved, language, f"{context}\n{reply.answer}",
                                  asked, article_of)
            if isinstance(found, Supported):
                supported.append(found)
            else:
                dropped.append(DroppedClaim(text=claim.text, reason=found))
                log.info("dropped an LLM claim (%s)", found)
        return Alignment(claims, supported, dropped, unverified)

    def _support(self, claim: ClaimText, units: list[Unit], sims: np.ndarray, weigh: Callable[[str], float],
                 retrieved: list[Retrieved], language: str, context: str, asked: set[str],
                 article_of: Callable[[int], EvidenceText]) -> Supported | str:
        """The unit that supports the claim best, or why none does; `article_of(passage)` is the whole article
        of a passage (a name the unit holds in part must have its other words there)."""
        claim_facts = facts(claim.text, language, context)
        claim_keys = word_keys(re.sub(r"\d", " ", claim.text))
        repeated = claim_keys & asked  # the question's words the claim repeats and the passages use
        weights = {k: weigh(k) for k in claim_keys}
        total = sum(weights.values()) or 1.0
        script = script_of(claim.text)
        best: tuple[float, int] | None = None
        near_miss: tuple[float, list[str]] | None = None
        closest = (-math.inf, 0.0, self.min_similarity)  # (similarity - needed, similarity, needed)
        for i, unit in enumerate(units):
            sim = float(sims[i])
            same = unit.evidence.script == script
            needed = self.min_similarity + (0.0 if same else CROSS_SCRIPT)
            closest = max(closest, (sim - needed, sim, needed))
            lacking = missing(claim_facts, unit.evidence) + apart(claim_facts, unit.evidence)
            if not same and not lacking and not anchored(claim_facts, unit.evidence):
                lacking.append("anchor (no number, month or name of the claim in this evidence of another script)")
            if not lacking and sim >= needed:
                lacking = unplaced(claim_facts, unit.evidence, article_of(unit.passage))
            coverage = sum(weights[k] for k in claim_keys & unit.keys) / total if same and claim_keys else 0.0
            if same and claim_keys and coverage < MIN_COVERAGE:
                lacking.append(f"words ({coverage:.0%} of the claim's)")
            if same and repeated - unit.keys:
                lacking.append("relation " + ", ".join(sorted(repeated - unit.keys)[:3]) + " (the question's word)")
            if lacking:
                if sim >= needed and (near_miss is None or sim > near_miss[0]):
                    near_miss = (sim, lacking)
            elif sim >= needed:
                score = sim + COVERAGE_WEIGHT * coverage + self._bonus(unit, claim, retrieved)
                if best is None or score > best[0]:
                    best = (score, i)
        if best is not None:
            return Supported(claim, units[best[1]], float(sims[best[1]]))
        if near_miss is not None:
            return "facts: " + ", ".join(near_miss[1][:3]) + " not in the closest evidence"
        return f"similarity: {closest[1]:.3f} < {closest[2]:.3f} to any evidence"

    @staticmethod
    def _bonus(unit: Unit, claim: ClaimText, retrieved: list[Retrieved]) -> float:
        cited = {m - 1 for m in claim.markers if 0 < m <= len(retrieved)}
        bonus = QUOTE_BONUS if unit.kind == "quote" else 0.0
        if unit.passage in cited:
            bonus += CITED_BONUS
        if unit.kind == "pair":
            bonus -= PAIR_PENALTY
        return bonus

    # --- candidates -------------------------------------------------------------------------
    def _quote_units(self, reply: Reply, retrieved: list[Retrieved]) -> tuple[list[Unit], int]:
        units: list[Unit] = []
        unverified = 0
        for q in reply.quotes:
            passages = [q.n - 1] if q.n is not None and 0 < q.n <= len(retrieved) else list(range(len(retrieved)))
            found = self._locate(q.quote, passages, retrieved)
            if not found:
                unverified += 1
                log.info("an LLM quote is not in the cited article(s)")
            units += [Unit(p, s, e, text, "quote", EvidenceText.of(text, _language(text)), n=q.n)
                      for p, s, e, text in found]
        return _dedupe(units), unverified

    def _locate(self, quote: str, passages: list[int], retrieved: list[Retrieved]) -> list[tuple[int, int, int, str]]:
        seen: set[str] = set()
        for p in passages:
            article = retrieved[p].row.article_id
            if article in seen:
                continue
            seen.add(article)
            body = self.article_text(article)
            span = locate_quote(quote, body)
            if span is not None:
                return [(p, span[0], span[1], body[span[0]:span[1]])]
            parts = quote_parts(quote)
            if len(parts) > 1:
                spans = [s for part in parts if (s := locate_quote(part, body)) is not None]
                if spans:
                    return [(p, s, e, body[s:e]) for s, e in spans]
        return []

    def _sentence_units(self, retrieved: list[Retrieved]) -> list[Unit]:
        units: list[Unit] = []
        for p, hit in enumerate(retrieved):
            row = hit.row
            spans = list(row.sentences) or [(0, len(row.text))]
            vectors = self._sentence_vectors(row, spans)
            language = _language(row.text)
            for j, ((s, e), v) in enumerate(zip(spans, vectors)):
                text = row.text[s:e]
                units.append(Unit(p, row.start + s, row.start + e, text, "sentence",
                                  EvidenceText.of(text, language), v))
                if j + 1 < len(spans):
                    s2, e2 = spans[j + 1]
                    pair = row.text[s:e2]
                    mean = (v + vectors[j + 1]) / 2
                    units.append(Unit(p, row.start + s, row.start + e2, pair, "pair", EvidenceText.of(pair, language),
                                      mean / max(float(np.linalg.norm(mean)), 1e-12)))
        return units

    def _sentence_vectors(self, row, spans: list[tuple[int, int]]) -> np.ndarray:
        position = self.catalog.position.get(row.id)
        if position is not None:
            block = np.asarray(self.catalog.sentence_block(position), dtype=np.float32)
            if len(block) == len(spans):
                return block
        return self.embedder.embed_passages([row.text[s:e] for s, e in spans])


def _local_idf(sentences: list[set[str]]) -> Callable[[str], float]:
    """A word's weight in the coverage: its IDF over the sentences of the retrieved passages. The topic's
    words (in many of them: "Putin", "hostages") weigh little; a word in few weighs much, and a word in none
    ("gift") most: a claim built on it is not what the passages say."""
    df: dict[str, int] = {}
    for keys in sentences:
        for k in keys:
            df[k] = df.get(k, 0) + 1
    n = len(sentences)
    return lambda key: math.log(1 + n / (1 + df.get(key, 0)))


def _language(text: str) -> str:
    return detect_language(text[:400])


def _dedupe(units: list[Unit]) -> list[Unit]:
    seen: set[tuple[int, int]] = set()
    out = []
    for u in units:
        key = (u.start, u.end)
        if key not in seen:
            seen.add(key)
            out.append(u)
    return out
