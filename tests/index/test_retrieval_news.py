"""Retrieval over a small dated news archive (real index, e5): one passage per story, time scopes, and
the retriever as llama-index sees it (`BaseRetriever`, `RetrieverEvaluator`).

Time scopes are given as the retriever takes them (any object with start, end, strict: the bot passes
`bot.answer.time_scope.TimeScope`); resolving the question's words is tested in tests/bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from llama_index.core.evaluation import RetrieverEvaluator
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeRelationship, QueryBundle

from index.embedders import Embedder
from index.language import detect_language
from index.models import SearchFilters
from index.retriever import Search
from tests.index.conftest import Index, TrackedEmbedder, build_index
from tests.index.test_stories import FERRY, TRAIN, WIRE_COPY

QUOTE = ("\"We will not let a single child miss a school day because of the weather,\" the island's mayor, "
         "Ilse Marten, said at a meeting in the town hall, promising to hire a private boat if necessary.")
ARTICLES = {
    # one story three times: the original, a syndicated copy with edits, an identical copy three days later
    "ferry.md": ("Storm cuts Marrow Island off", "Coast News", "2025-03-01", FERRY),
    "ferry-wire.md": ("Storm cuts Marrow Island off", "Wire Service", "2025-03-02", WIRE_COPY),
    "ferry-repost.md": ("Storm cuts Marrow Island off", "Island Radio", "2025-03-04", FERRY),
    "train.md": ("Night train to the coast", "National Post", "2025-02-20", TRAIN),
    # two different stories quoting the same statement (a near-identical passage, not a near-duplicate article)
    "school.md": ("Island school stays open", "Coast News", "2025-03-05",
                  "The primary school on Marrow Island will stay open through the winter, the education office "
                  "decided on Wednesday after parents collected two thousand signatures.\n\n" + QUOTE),
    "budget.md": ("Island budget approved", "Island Radio", "2025-03-07",
                  "The island council approved next year's budget with a larger share for transport and for the "
                  "harbour, after a debate that lasted until midnight.\n\n" + QUOTE + "\n\nThe budget also pays "
                  "for two new street lights on the road to the lighthouse and a repaired roof for the library."),
    # the same question matches an old and a recent article
    "bridge-dec.md": ("Harbor Bridge closes", "Portville Post", "2025-12-20",
                      "The Harbor Bridge in Portville closed for repairs after inspectors found a cracked cable; "
                      "drivers were sent over the old river road for the holidays."),
    "bridge-jan.md": ("Harbor Bridge reopens", "Portville Post", "2026-01-06",
                      "The Harbor Bridge in Portville reopened to traffic on Tuesday after engineers replaced the "
                      "cracked cable, two days earlier than planned."),
}
FERRY_IDS = {"ferry.md", "ferry-wire.md", "ferry-repost.md"}
BRIDGE = "What happened to the Harbor Bridge in Portville?"


@dataclass(frozen=True)
class Window:
    """A time scope as the retriever takes it (bot.answer.time_scope.TimeScope has these fields)."""

    start: date | None
    end: date | None
    strict: bool = True


class Archive(Index):
    def search(self, question: str, k: int = 3, scope: Window | None = None, filters: SearchFilters | None = None,
               **overrides) -> Search:
        return self.retriever(**overrides).search(question, k=k, language=detect_language(question),
                                                  filters=filters, time_scope=scope)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, _vector_memo: dict) -> Archive:
    built = build_index(tmp_path_factory.mktemp("news"), ARTICLES, TrackedEmbedder(embedder, _vector_memo),
                        chunk_size=64, chunk_overlap=0)
    return Archive(built.settings, built.store, built.catalog, built.embedder)


def articles(search: Search) -> list[str]:
    return [hit.row.article_id for hit in search.hits]


# --------------------------------------------------------------------------- one passage per story

FERRY_QUESTION = "Why did Bluewater cancel the crossings to Marrow Island?"


def test_copies_of_a_story_fill_the_top_k_without_diversity(archive: Archive) -> None:
    """The precondition of the next tests: the three copies are the three best passages."""
    plain = archive.search(FERRY_QUESTION, k=3, diversify=False)

    assert set(articles(plain)) == FERRY_IDS
    assert all(hit.duplicates == () for hit in plain.hits)


def test_one_copy_of_a_story_is_retrieved_the_newest_of_the_equally_good(archive: Archive) -> None:
    found = archive.search(FERRY_QUESTION, k=3)

    ferry = [hit for hit in found.hits if hit.row.article_id in FERRY_IDS]
    assert {hit.row.article_id for hit in ferry} == {"ferry-repost.md"}  # identical to the original, 3 days newer
    assert ferry[0].duplicates == ("ferry-wire.md", "ferry.md")  # the others, newest first
    assert len(found.hits) == 3 and articles(found)[0] == "ferry-repost.md"
    assert [a.id for a in archive.catalog.duplicates("ferry-repost.md")] == ["ferry-wire.md", "ferry.md"]


def test_without_a_margin_the_better_passage_of_a_story_wins(archive: Archive) -> None:
    plain = archive.search(FERRY_QUESTION, k=5, diversify=False, newer_duplicate_margin=0.0)
    found = archive.search(FERRY_QUESTION, k=5, newer_duplicate_margin=0.0)

    best_copy = next(hit.row.article_id for hit in plain.hits if hit.row.article_id in FERRY_IDS)
    assert {hit.row.article_id for hit in found.hits if hit.row.article_id in FERRY_IDS} == {best_copy}
    assert best_copy != "ferry.md"  # its repost scores the same (the same text): on a tie the newer comes first


def test_a_passage_two_stories_share_is_retrieved_once(archive: Archive) -> None:
    question = "What did the mayor Ilse Marten promise about children missing school days?"
    assert archive.catalog.story("school.md") != archive.catalog.story("budget.md")  # not one story
    plain = archive.search(question, k=2, diversify=False)
    assert {hit.row.text for hit in plain.hits} == {QUOTE}  # precondition: the two quotes lead

    found = archive.search(question, k=2)

    quoted = [hit for hit in found.hits if hit.row.text == QUOTE]
    assert len(quoted) == 1 and len(found.hits) == 2
    assert quoted[0].row.article_id == "budget.md" and quoted[0].duplicates == ("school.md",)  # the newer one


# --------------------------------------------------------------------------- time scopes


def test_a_strict_scope_restricts_to_its_period(archive: Archive) -> None:
    this_week = archive.search(BRIDGE, k=3, scope=Window(date(2026, 1, 2), date(2026, 1, 8)))
    two_weeks_before = archive.search(BRIDGE, k=3, scope=Window(date(2025, 12, 19), date(2025, 12, 25)))

    assert articles(this_week) == ["bridge-jan.md"] and this_week.scope_applied
    assert articles(two_weeks_before) == ["bridge-dec.md"] and two_weeks_before.scope_applied
    assert this_week.time_scope == Window(date(2026, 1, 2), date(2026, 1, 8))


def test_a_strict_scope_over_an_empty_period_falls_back_to_preferring_it(archive: Archive) -> None:
    scope = Window(date(2025, 12, 26), date(2026, 1, 1))  # nothing was published then

    found = archive.search(BRIDGE, k=3, scope=scope)

    assert not found.scope_applied and found.time_scope == scope
    assert set(articles(found)[:2]) == {"bridge-jan.md", "bridge-dec.md"}


TRAIN_WEEK = Window(date(2025, 2, 18), date(2025, 2, 24))  # only the night train was published then


def test_a_period_with_nothing_relevant_falls_back(archive: Archive) -> None:
    assert {a.id for a in archive.catalog.articles.values()
            if "2025-02-18" <= a.published_at <= "2025-02-24"} == {"train.md"}

    found = archive.search(BRIDGE, k=3, scope=TRAIN_WEEK)
    restricted = archive.search(BRIDGE, k=3, scope=TRAIN_WEEK, scope_fallback_gap=1000.0)

    assert not found.scope_applied and set(articles(found)[:2]) == {"bridge-jan.md", "bridge-dec.md"}
    assert restricted.scope_applied and set(articles(restricted)) == {"train.md"}  # the setting decides


def test_a_period_fallen_back_on_gets_the_recency_weight(archive: Archive) -> None:
    without = archive.search(BRIDGE, k=50, scope=TRAIN_WEEK, recency_weight=0.0)
    heavy = archive.search(BRIDGE, k=50, scope=TRAIN_WEEK, recency_weight=1.0)

    before = {hit.row.article_id: hit.score for hit in without.hits}
    after = {hit.row.article_id: hit.score for hit in heavy.hits}
    assert not without.scope_applied and not heavy.scope_applied
    assert after["train.md"] == pytest.approx(before["train.md"] + 1.0, abs=1e-4)
    assert after["bridge-jan.md"] == pytest.approx(before["bridge-jan.md"], abs=1e-4)
    assert articles(heavy)[0] == "train.md" and articles(without)[0] != "train.md"


def test_a_soft_scope_prefers_the_newer_article(archive: Archive) -> None:
    latest = Window(date(2025, 12, 9), date(2026, 1, 8), strict=False)
    plain = archive.search(BRIDGE, k=2)
    found = archive.search(BRIDGE, k=2, scope=latest)

    def margin(search: Search) -> float:
        score = {hit.row.article_id: hit.score for hit in search.hits}
        return score["bridge-jan.md"] - score["bridge-dec.md"]

    assert set(articles(found)) == set(articles(plain)) == {"bridge-jan.md", "bridge-dec.md"}
    assert margin(plain) < 0 < margin(found) and not found.scope_applied  # December led; "latest": January
    decay = 0.5 ** (17 / 30)  # 17 days older than the newest candidate, half-life: the scope's 30 days
    assert margin(found) == pytest.approx(margin(plain) + archive.settings.recency_weight * (1 - decay), abs=1e-4)


def test_a_strict_scope_keeps_the_other_filters(archive: Archive) -> None:
    scope = Window(date(2025, 3, 1), date(2025, 3, 7))

    found = archive.search(FERRY_QUESTION, k=5, scope=scope, filters=SearchFilters(sources=("Island Radio",)))

    assert found.scope_applied and set(articles(found)) <= {"ferry-repost.md", "budget.md"}
    assert "ferry-repost.md" in articles(found)


# --------------------------------------------------------------------------- llama-index


def test_the_retriever_is_a_llama_index_retriever(archive: Archive) -> None:
    retriever = archive.retriever(top_k=2)
    assert isinstance(retriever, BaseRetriever)

    nodes = retriever.retrieve(FERRY_QUESTION)

    ours = archive.search(FERRY_QUESTION, k=2)
    assert [n.node.node_id for n in nodes] == [hit.row.id for hit in ours.hits]
    assert [n.score for n in nodes] == pytest.approx([hit.score for hit in ours.hits])
    first, hit = nodes[0].node, ours.hits[0]
    assert first.get_content() == hit.row.text
    assert first.metadata["article_id"] == "ferry-repost.md" and first.metadata["published_at"] == "2025-03-04"
    assert (first.metadata["start"], first.metadata["end"]) == (hit.row.start, hit.row.end)
    assert first.metadata["duplicates"] == ["ferry-wire.md", "ferry.md"]
    assert first.relationships[NodeRelationship.SOURCE].node_id == "ferry-repost.md"
    assert [n.node.node_id for n in retriever.retrieve(QueryBundle(FERRY_QUESTION))] == [
        n.node.node_id for n in nodes]


def test_llama_index_retriever_evaluator_runs_over_it(archive: Archive) -> None:
    evaluator = RetrieverEvaluator.from_metric_names(["hit_rate", "mrr"], retriever=archive.retriever(top_k=3))
    cases = {
        "When will the night train to the coast start running?": "train.md",
        "Why did the Harbor Bridge in Portville close before the holidays?": "bridge-dec.md",
        "Which school on Marrow Island stays open through the winter?": "school.md",
    }
    chunk_ids = {a: [r.id for r in archive.catalog.rows if r.article_id == a] for a in cases.values()}

    results = [evaluator.evaluate(query=q, expected_ids=chunk_ids[a]) for q, a in cases.items()]

    assert all(r.metric_vals_dict["hit_rate"] == 1.0 for r in results), [r.retrieved_ids for r in results]
    assert sum(r.metric_vals_dict["mrr"] for r in results) / len(results) >= 0.5
    wrong = evaluator.evaluate(query="When will the night train to the coast start running?",
                               expected_ids=chunk_ids["bridge-dec.md"])
    assert wrong.metric_vals_dict["hit_rate"] == 0.0


def test_a_day_scope_covers_the_reports_of_the_days_after(archive: Archive) -> None:
    """"Why was the bridge closed on Wednesday?": the event's day is 17 Dec; the report came on the 20th.
    News is published after what it reports, so the period reaches SCOPE_REPORT_DAYS past its end."""
    event_day = Window(date(2025, 12, 17), date(2025, 12, 17))

    found = archive.search(BRIDGE, k=3, scope=event_day)
    same_day_only = archive.search(BRIDGE, k=3, scope=event_day, scope_report_days=0)

    assert found.scope_applied and articles(found) == ["bridge-dec.md"]
    assert not same_day_only.scope_applied, "nothing was published on the event's day itself"


def test_the_reporting_days_never_reach_a_later_story(archive: Archive) -> None:
    week = Window(date(2025, 12, 14), date(2025, 12, 20))  # bridge-dec is of this week; bridge-jan 17 days later

    found = archive.search(BRIDGE, k=3, scope=week)

    assert found.scope_applied and articles(found) == ["bridge-dec.md"]
