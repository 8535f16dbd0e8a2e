"""Tests for hybrid retrieval (index.retriever) and the catalogue (index.catalog) on a real index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from index.catalog import Catalog
from index.chunker import Chunker
from index.embedders import Embedder
from index.indexer import run_index
from index.language import detect_language
from index.models import Article, SearchFilters
from index.retriever import HybridRetriever, Retrieved, _where
from index.store import Store
from tests.factories import write_markdown
from tests.index.conftest import Index as IndexBase
from tests.index.conftest import TrackedEmbedder, build_index

ARTICLES = {
    "kremlin.md": ("Putin hosts ex-hostages at Kremlin", "The Times of Israel", "2025-04-30",
                   "Russian President Vladimir Putin met freed hostage Sasha Troufanov at the Kremlin in Moscow on "
                   "Wednesday, along with his mother and partner.\n\nPutin thanked the political wing of Hamas for "
                   "what he called a humanitarian act."),
    "park.md": ("Council approves riverside park", "City Times", "2025-03-01",
                "The city council voted on Tuesday to turn the old freight yard into a riverside park.\n\n"
                "Construction is expected to start next spring and to last two years, the mayor said."),
    "flood-jan.md": ("Storm floods harbour district", "Coast News", "2025-01-10",
                     "A storm flooded the harbour district on Friday night, and firefighters pumped water out of "
                     "flooded cellars.\n\nThe harbour master said the sea wall held but the drains overflowed."),
    "flood-feb.md": ("Harbour district floods again", "Coast News", "2025-02-20",
                     "The harbour district flooded again after heavy rain on Monday; the drains overflowed for the "
                     "second time this winter.\n\nResidents asked the city to repair the sea wall."),
    "rail.md": ("Night train to the coast", "National Post", "2024-12-05",
                "The national rail operator announced a new night train between the capital and the coast, "
                "starting in June.\n\nTickets go on sale in March."),
    "football.md": ("Club signs young striker", "Sports Daily", "",
                    "The local football club signed a nineteen-year-old striker from the youth academy.\n\n"
                    "The coach said the striker would play in the cup match on Saturday."),
}


def write_corpus(folder: Path, names=tuple(ARTICLES)) -> None:
    for name in names:
        title, source, date, body = ARTICLES[name]
        front = {"title": title, "source": source} | ({"published_at": date} if date else {})
        write_markdown(folder, name, body=body, front_matter=front)


class Index(IndexBase):
    def ask(self, question: str, k: int = 3, filters: SearchFilters | None = None, **overrides) -> list[Retrieved]:
        return self.retriever(**overrides).search(question, k=k, language=detect_language(question),
                                                  filters=filters).hits


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, _vector_memo: dict) -> Index:
    """One small multi-article index for the module (read-only in the tests)."""
    built = build_index(tmp_path_factory.mktemp("retrieval"), ARTICLES, TrackedEmbedder(embedder, _vector_memo))
    return Index(built.settings, built.store, built.catalog, built.embedder)


def articles_of(results: list[Retrieved]) -> list[str]:
    return [r.row.article_id for r in results]


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who did Putin meet at the Kremlin?", "kremlin.md"),
        ("When does the new night train start running?", "rail.md"),
        ("Who did the football club sign?", "football.md"),
        ("What will happen to the old freight yard?", "park.md"),
    ],
)
def test_an_english_question_finds_the_right_article_first(index: Index, question: str, expected: str) -> None:
    results = index.ask(question)

    assert articles_of(results)[0] == expected
    assert results[0].score >= results[-1].score
    top = results[0]
    assert top.row.text == index.store.article_bodies([expected])[expected][top.row.start:top.row.end]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("С кем Путин встретился в Кремле?", "kremlin.md"),
        ("Когда начнёт ходить новый ночной поезд?", "rail.md"),
        ("Wen hat der Fußballverein verpflichtet?", "football.md"),
    ],
)
def test_a_question_in_another_language_finds_the_english_article(index: Index, question: str,
                                                                  expected: str) -> None:
    assert detect_language(question) != "en"

    assert articles_of(index.ask(question))[0] == expected


def test_results_are_distinct_chunks_with_ranks(index: Index) -> None:
    results = index.ask("Which district flooded and why?", k=6)

    ids = [r.row.id for r in results]
    assert len(ids) == len(set(ids)) == 6
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert any(r.dense_rank is not None for r in results) and any(r.bm25_rank is not None for r in results)
    assert set(articles_of(results[:2])) == {"flood-jan.md", "flood-feb.md"}


# --------------------------------------------------------------------------- filters


def test_a_source_filter_restricts_results(index: Index) -> None:
    coast = SearchFilters(sources=("Coast News",))

    results = index.ask("Who did Putin meet at the Kremlin?", k=5, filters=coast)

    assert results and {r.row.source for r in results} == {"Coast News"}
    assert index.ask("Who did Putin meet at the Kremlin?", k=5, filters=SearchFilters(sources=("Nobody",))) == []


def test_a_source_filter_finds_an_article_far_down_the_ranking(index: Index) -> None:
    """Chroma's `where`: with few candidates, the filtered article is found only if the query itself is filtered."""
    question = "Which district flooded and why?"
    nearest = index.store.query(index.embedder.embed_query(question), len(ARTICLES))
    last = index.catalog.rows[index.catalog.position[nearest[-1].chunk_id]].article_id
    assert last not in ("flood-jan.md", "flood-feb.md")
    assert last not in articles_of(index.ask(question, k=5, candidates=5, bm25_weight=0.0))  # precondition

    source = ARTICLES[last][1]
    results = index.ask(question, k=5, candidates=5, bm25_weight=0.0, filters=SearchFilters(sources=(source,)))

    assert articles_of(results) == [last]


def test_a_source_filter_applies_to_bm25_too(index: Index) -> None:
    """An English question whose words are all in another outlet's article: BM25 must not bring it back."""
    results = index.ask("harbour district drains overflowed sea wall", k=5,
                        filters=SearchFilters(sources=("City Times",)), bm25_weight=10.0)

    assert articles_of(results) == ["park.md"]


def test_a_date_range_restricts_results(index: Index) -> None:
    winter = SearchFilters(since="2025-02-01", until="2025-03-31")

    results = index.ask("What happened in the city?", k=6, filters=winter)

    assert set(articles_of(results)) == {"flood-feb.md", "park.md"}
    assert all("2025-02-01" <= r.row.published_at[:10] <= "2025-03-31" for r in results)


def test_open_ended_date_ranges(index: Index) -> None:
    since = index.ask("What happened?", k=6, filters=SearchFilters(since="2025-03-01"))
    until = index.ask("What happened?", k=6, filters=SearchFilters(until="2025-01-10"))

    assert set(articles_of(since)) == {"park.md", "kremlin.md"}
    assert set(articles_of(until)) == {"rail.md", "flood-jan.md"}  # the undated article is not "before" anything


def test_filters_combine(index: Index) -> None:
    results = index.ask("flooding", k=6, filters=SearchFilters(sources=("Coast News",), since="2025-02-01"))

    assert articles_of(results) == ["flood-feb.md"]


def test_catalogue_mask(index: Index) -> None:
    catalog = index.catalog

    def masked(filters: SearchFilters) -> set[str]:
        mask = catalog.mask(filters)
        return {row.article_id for row, keep in zip(catalog.rows, mask) if keep}

    assert catalog.mask(None) is None and catalog.mask(SearchFilters()) is None
    assert masked(SearchFilters(sources=("coast news",))) == {"flood-jan.md", "flood-feb.md"}  # any case
    assert masked(SearchFilters(sources=("City Times", "Sports Daily"))) == {"park.md", "football.md"}
    assert masked(SearchFilters(since="2025-02-20")) == {"flood-feb.md", "park.md", "kremlin.md"}
    assert masked(SearchFilters(until="2025-02-20")) == {"rail.md", "flood-jan.md", "flood-feb.md"}
    assert masked(SearchFilters(since="2026-01-01")) == set()


def test_chroma_where_matches_the_catalogue_mask(index: Index) -> None:
    vector = index.embedder.embed_query("news")
    for filters in (SearchFilters(sources=("Coast News",)), SearchFilters(since="2025-02-20"),
                    SearchFilters(until="2025-02-20"), SearchFilters(sources=("City Times",), until="2025-12-31")):
        hits = index.store.query(vector, 50, _where(filters))
        mask = index.catalog.mask(filters)
        expected = {row.id for row, keep in zip(index.catalog.rows, mask) if keep}
        assert {h.chunk_id for h in hits} == expected, filters


# --------------------------------------------------------------------------- recency


@dataclass(frozen=True)
class Soft:
    """A soft time scope ("latest…"), as bot.answer.time_scope resolves it: prefer newer, cut nothing."""

    start: date | None = date(2025, 3, 1)
    end: date | None = date(2025, 3, 31)
    strict: bool = False


def test_latest_prefers_the_newest_of_two_similar_articles(index: Index) -> None:
    question = "What is the latest on the flooding in the harbour district?"
    plain = index.retriever().search(question, k=2, language="en")
    latest = index.retriever().search(question, k=2, language="en", time_scope=Soft())

    assert set(articles_of(latest.hits)) == set(articles_of(plain.hits)) == {"flood-jan.md", "flood-feb.md"}
    assert articles_of(latest.hits)[0] == "flood-feb.md"

    def margin(results: list[Retrieved]) -> float:
        score = {r.row.article_id: r.score for r in results}
        return score["flood-feb.md"] - score["flood-jan.md"]

    assert margin(latest.hits) > margin(plain.hits)


def test_latest_in_russian(index: Index) -> None:
    results = index.retriever().search("Что последнее известно о наводнении в гавани?", k=2, language="ru",
                                       time_scope=Soft()).hits

    assert articles_of(results)[0] == "flood-feb.md"


# --------------------------------------------------------------------------- catalogue snapshot and staleness


def test_catalogue_snapshot_is_made_by_the_index_run_and_reused(make_settings, corpus_dir: Path,
                                                                    tracked: TrackedEmbedder,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings()
    write_corpus(corpus_dir, ("park.md", "rail.md"))
    run_index(settings, embedder=tracked)
    builds: list[int] = []
    read_articles: list[str] = []
    original = Catalog._build.__func__
    original_chunks_of = Store.chunks_of

    def counting(cls, *args, **kwargs):
        builds.append(1)
        return original(cls, *args, **kwargs)

    def recording(self, article_ids):
        read_articles.extend(article_ids)
        return original_chunks_of(self, article_ids)

    monkeypatch.setattr(Catalog, "_build", classmethod(counting))
    monkeypatch.setattr(Store, "chunks_of", recording)
    store = Store.open(settings)
    store.ensure(tracked.name, tracked.dim)

    first = Catalog.load(store, settings.cache_dir)
    second = Catalog.load(store, settings.cache_dir)

    assert len(builds) == 0 and read_articles == [], "the index run did not leave a snapshot for the loads"
    assert [r.id for r in second.rows] == [r.id for r in first.rows]
    assert second.lexical.query_terms("night train", "en") == first.lexical.query_terms("night train", "en")
    (snapshot,) = [p for p in settings.cache_dir.iterdir() if p.is_dir()]
    segments = sorted(p.name for p in snapshot.iterdir() if p.is_dir())

    write_markdown(corpus_dir, "rail.md", body="The night train now also stops in the mountains.",
                   front_matter={"title": "Night train extended", "source": "National Post"})
    run_index(settings, embedder=tracked)
    assert len(builds) == 0 and read_articles == ["rail.md"], \
        "the index run brings the snapshot up to date by reading the changed article only"
    third = Catalog.load(store, settings.cache_dir)
    fourth = Catalog.load(store, settings.cache_dir)

    assert len(builds) == 0 and read_articles == ["rail.md"]
    assert third.generation == first.generation + 1
    rail = [r for r in third.rows if r.article_id == "rail.md"]
    assert [r.text for r in rail] == ["The night train now also stops in the mountains."]
    assert [r.id for r in fourth.rows] == [r.id for r in third.rows]
    assert third.lexical.query_terms("mountains", "en") == ["mountain"]
    assert [p for p in settings.cache_dir.iterdir() if p.is_dir()] == [snapshot]
    now = sorted(p.name for p in snapshot.iterdir() if p.is_dir())
    assert now and now != segments, "the new rows are in a new segment (here merged with the small old one)"
    assert not list(snapshot.glob("*.tmp")), "no half-written files left"


def test_a_damaged_snapshot_is_rebuilt(make_settings, corpus_dir: Path, tracked: TrackedEmbedder) -> None:
    settings = make_settings()
    write_corpus(corpus_dir, ("park.md",))
    run_index(settings, embedder=tracked)
    store = Store.open(settings)
    store.ensure(tracked.name, tracked.dim)
    first = Catalog.load(store, settings.cache_dir)
    (snapshot,) = [p for p in settings.cache_dir.iterdir() if p.is_dir()]
    damaged = list(snapshot.rglob("*.pkl"))
    for f in damaged:
        f.write_bytes(b"not a pickle")

    again = Catalog.load(store, settings.cache_dir)

    assert damaged and [r.id for r in again.rows] == [r.id for r in first.rows]
    assert [r.id for r in Catalog.load(store, settings.cache_dir).rows] == [r.id for r in first.rows]


def test_chunks_of_an_uncommitted_version_are_never_retrieved(make_settings, corpus_dir: Path,
                                                              tracked: TrackedEmbedder) -> None:
    """What an interrupted run leaves behind (new chunks, no commit) stays invisible to readers."""
    settings = make_settings()
    write_corpus(corpus_dir, ("park.md", "rail.md"))
    run_index(settings, embedder=tracked)
    store = Store.open(settings)
    store.ensure(tracked.name, tracked.dim)
    question = "Where will the new stadium be built?"
    ghost = Article(id="park.md", title="Council approves stadium", body="A new stadium will be built downtown.",
                    source="City Times", path="park.md")
    chunks = Chunker().chunk(ghost)
    store.add_chunks(ghost, chunks, tracked.embed_query(question)[None, :])  # as close to the question as can be
    store.set_state(dirty=1)

    catalog = Catalog.load(store, settings.cache_dir)
    results = HybridRetriever(settings, store, tracked, catalog).search(question, k=5, language="en").hits

    assert store.query(tracked.embed_query(question), 1)[0].chunk_id == chunks[0].id  # Chroma has it...
    assert chunks[0].id not in {r.row.id for r in results}  # ...readers do not
    assert "stadium" not in " ".join(r.row.text for r in results)


def test_an_empty_index_retrieves_nothing(make_settings, tracked: TrackedEmbedder) -> None:
    settings = make_settings()
    store = Store.open(settings)
    store.ensure(tracked.name, tracked.dim)
    catalog = Catalog.load(store, settings.cache_dir)

    assert len(catalog) == 0
    assert HybridRetriever(settings, store, tracked, catalog).search("anything?", k=3, language="en").hits == []
    assert np.asarray(catalog.mask(SearchFilters(sources=("x",)))).size == 0


def test_article_bodies_come_from_the_searched_index_once_each_and_bounded(index: Index,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Quotes are checked in the bodies the retriever reads from the store it searches: each article read
    once, a missing one is "", and the cache is bounded."""
    reads: list[list[str]] = []
    original = Store.article_bodies

    def recording(self, ids):
        reads.append(list(ids))
        return original(self, ids)

    monkeypatch.setattr(Store, "article_bodies", recording)
    monkeypatch.setattr("index.retriever.MAX_BODIES", 2)
    retriever = index.retriever()
    park = retriever.article_body("park.md")

    assert park and park == original(index.store, ["park.md"])["park.md"]
    assert retriever.article_body("park.md") == park and reads == [["park.md"]]
    assert retriever.article_body("no-such-article") == ""
    retriever.article_body("rail.md")  # a third article: the cache (2) starts again
    retriever.article_body("park.md")
    assert reads == [["park.md"], ["no-such-article"], ["rail.md"], ["park.md"]]
