"""Which newly indexed articles support which followed topics.

The judgment is the answers' own: each distinct topic is asked as a question of the engine,
restricted to the new articles (`SearchFilters(article_ids=…)`), offline (`ask(offline=True)`:
extractive, no LLM call, whatever ANSWER_MODE says). An article matches a topic when the answer
is neither refused nor partial, its support is at least `min_support` (FOLLOW_MIN_SUPPORT), and
it quotes that article; the article's first quote is the alert's quote.

Bounded: one question per distinct topic (case-insensitive) per batch of at most
ARTICLES_PER_QUESTION new articles; a topic whose follows were all told about every new article
already is not asked at all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answer.result import Citation
from bot.engine_api import EngineAPI
from bot.follows.store import Follow, topic_key
from index.errors import NewsbotError
from index.models import SearchFilters

log = logging.getLogger(__name__)

#: new articles one question is restricted to (more are asked in further batches)
ARTICLES_PER_QUESTION = 50


@dataclass(frozen=True)
class Match:
    follow: Follow
    article_id: str
    citation: Citation  # the article's best quote, with its title, outlet, date and link
    support: float


def match_follows(engine: EngineAPI, follows: Sequence[Follow], article_ids: Sequence[str], *,
                  min_support: float, already: set[tuple[int, str]] = frozenset()) -> list[Match]:
    """Every (follow, new article) pair whose article supports the follow's topic, best support first.

    `already` holds (follow id, article id) pairs alerted before: they are not asked about again.
    """
    ids = list(dict.fromkeys(article_ids))
    groups: dict[str, list[Follow]] = {}
    for follow in follows:
        groups.setdefault(topic_key(follow.topic), []).append(follow)
    matches: list[Match] = []
    for members in groups.values():
        wanted = [a for a in ids if any((f.id, a) not in already for f in members)]
        for start in range(0, len(wanted), ARTICLES_PER_QUESTION):
            batch = wanted[start:start + ARTICLES_PER_QUESTION]
            for article_id, citation, support in _supported(engine, members[0], batch, min_support):
                matches += [Match(f, article_id, citation, support) for f in members
                            if (f.id, article_id) not in already]
    matches.sort(key=lambda m: -m.support)
    return matches


def _supported(engine: EngineAPI, follow: Follow, batch: list[str],
               min_support: float) -> list[tuple[str, Citation, float]]:
    try:
        result = engine.ask(follow.topic, filters=SearchFilters(article_ids=tuple(batch)),
                            user_language=follow.language, offline=True)
    except NewsbotError as exc:  # e.g. the index was rebuilt under us: the next run asks again
        log.warning("Could not match the topic of follow %s: %s", follow.id, exc)
        return []
    if result.refused or result.partial or result.support < min_support:
        log.debug("follow %s: no new article supports it (support %.2f%s)", follow.id, result.support,
                  ", refused" if result.refused else ", partial" if result.partial else "")
        return []
    found: dict[str, Citation] = {}
    for citation in result.citations:
        if citation.article_id in batch and citation.article_id not in found:
            found[citation.article_id] = citation
    return [(article_id, citation, result.support) for article_id, citation in found.items()]
