"""The catalogue brought up to date incrementally is the catalogue a full read would make: same rows,
same BM25 scores (which are bm25s's), same sentence vectors; it reads only the articles that changed,
and stays so through many small updates (segments merged, dead rows dropped). Real embedded Chroma,
the hashing embedder (storage, not retrieval quality)."""

from __future__ import annotations

import shutil
from pathlib import Path

import bm25s
import numpy as np
import pytest

from index.catalog import Catalog
from index.indexer import run_index
from index.lexical import terms
from index.segments import MAX_MERGE_ROWS
from index.settings import IndexSettings
from index.snapshots import Snapshots, SnapshotSchedule
from index.store import Store
from tests.factories import news_body, write_article, write_news_corpus
from tests.index.conftest import HashingEmbedder
from tests.index.invariants import open_store

QUERIES = ["council park freight yard", "storm power homes", "night train coast", "report number 7-0",
           "updates about the bridge story"]


def full_read(store: Store, settings: IndexSettings) -> Catalog:
    """The catalogue read from every chunk in the store (no snapshot)."""
    state = store.state()
    return Catalog._build(store, store.article_infos(), int(state["generation"]), str(state.get("updated_at", "")),
                          epoch=str(state["epoch"]))


def record_chunk_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles whose chunks are read from the store from now on (the real reads happen)."""
    asked: list[str] = []
    original = Store.chunks_of

    def recording(self, article_ids):
        asked.extend(article_ids)
        return original(self, article_ids)

    monkeypatch.setattr(Store, "chunks_of", recording)
    return asked


def indexed_news(settings: IndexSettings, hashing: HashingEmbedder, count: int) -> Store:
    """`count` news articles written into the corpus and indexed: the store."""
    write_news_corpus(settings.corpus_dir, count)
    run_index(settings, embedder=hashing)
    return open_store(settings, hashing)


def assert_same(incremental: Catalog, full: Catalog) -> None:
    assert incremental.version == full.version
    assert incremental.articles == full.articles
    assert sorted(r.id for r in incremental.rows) == sorted(r.id for r in full.rows)
    where = {row.id: i for i, row in enumerate(full.rows)}
    for i, row in enumerate(incremental.rows):
        assert row == full.rows[where[row.id]]
        assert np.array_equal(incremental.sentence_block(i), full.sentence_block(where[row.id]))
    for query in QUERIES:
        query_terms = full.lexical.query_terms(query, "en")
        assert incremental.lexical.query_terms(query, "en") == query_terms
        mine, theirs = incremental.lexical.scores(query_terms), full.lexical.scores(query_terms)
        assert np.allclose([mine[i] for i, r in enumerate(incremental.rows)],
                           [theirs[where[r.id]] for r in incremental.rows], atol=1e-5)
    # the exact vector search (used while the store's vector index is unreadable) ranks live rows only, by the
    # chunk vector the indexer stores: the normalised mean of the row's own sentence vectors
    probe = full.sentence_block(0).astype(np.float32).mean(axis=0)
    assert [incremental.rows[i].id for i in incremental.nearest(probe, 5)] == \
        [full.rows[i].id for i in full.nearest(probe, 5)]
    means = [incremental.sentence_block(i).astype(np.float32).mean(axis=0) for i in range(len(incremental))]
    brute = [float(m @ probe) / float(np.linalg.norm(m)) for m in means]
    assert np.isclose(brute[incremental.nearest(probe, 1)[0]], max(brute), atol=1e-5)
    for term in ("council", "storm", "report", "numbe"):
        tid = full.vocab.get(term)
        mine = incremental.document_frequency(incremental.vocab[term]) if term in incremental.vocab else 0
        assert mine == (full.document_frequency(tid) if tid is not None else 0)


def test_bm25_scores_are_those_of_bm25s(settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder) -> None:
    write_news_corpus(corpus_dir, 12, paragraphs=2)
    run_index(settings, embedder=hashing)
    catalog = Catalog.load(open_store(settings, hashing), settings.cache_dir)
    texts = [f"{r.title}\n{r.text}" for r in catalog.rows]
    vocab = {"": 0}
    ids = [[vocab.setdefault(t, len(vocab)) for t in terms(text)] or [0] for text in texts]
    reference = bm25s.BM25()  # the library the scores used to come from
    reference.index((ids, vocab), show_progress=False)

    for query in QUERIES:
        query_terms = catalog.lexical.query_terms(query, "en")
        assert query_terms
        assert np.allclose(catalog.lexical.scores(query_terms), reference.get_scores(query_terms), rtol=1e-5)


def test_an_update_reads_only_what_changed_and_equals_a_full_read(settings: IndexSettings, corpus_dir: Path,
                                                                  hashing: HashingEmbedder,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write_news_corpus(corpus_dir, 10, paragraphs=2)
    run_index(settings, embedder=hashing)
    reader = open_store(settings, hashing)
    before = Catalog.load(reader, settings.cache_dir)
    write_article(corpus_dir, "news-003.txt", title="Storm report 3, updated", body=news_body(3, 3))
    (corpus_dir / "news-005.txt").unlink()
    write_article(corpus_dir, "fresh.txt", title="A fresh report", body=news_body(40, 2))
    run_index(settings, embedder=hashing)
    asked = record_chunk_reads(monkeypatch)

    after, added = before.updated(reader, with_vectors=True)

    assert sorted(asked) == ["fresh.txt", "news-003.txt"]
    assert {r.article_id for r in added.rows} == {"fresh.txt", "news-003.txt"}
    assert added.vectors.shape == (len(added.rows), hashing.dim)
    assert "news-005.txt" not in after.articles and not any(r.article_id == "news-005.txt" for r in after.rows)
    assert_same(after, full_read(reader, settings))
    assert before.updated(reader)[0] is not before and after.updated(reader)[0] is after  # nothing new: itself


def test_many_small_updates_stay_equal_to_a_full_read_and_few_segments(make_settings, corpus_dir: Path,
                                                                        hashing: HashingEmbedder) -> None:
    settings = make_settings(chunk_size=48, chunk_overlap=0)  # one chunk per paragraph
    write_news_corpus(corpus_dir, 6, paragraphs=3)
    run_index(settings, embedder=hashing)
    reader = open_store(settings, hashing)
    catalog = Catalog.load(reader, settings.cache_dir)
    for step in range(12):
        write_article(corpus_dir, f"more-{step:02d}.txt", title=f"More {step}", body=news_body(100 + step, 3))
        if step % 3 == 2:  # and an older one changes
            write_article(corpus_dir, f"news-{step // 3:03d}.txt", title=f"Changed {step}", body=news_body(step, 2))
        run_index(settings, embedder=hashing)
        catalog, _ = catalog.updated(reader)
        assert_same(catalog, full_read(reader, settings))
    assert len(catalog.parts) <= 4, "small segments are merged as they come"
    assert all(alive.sum() * 2 >= len(segment) for segment, alive in catalog.parts), "mostly dead segments rewritten"
    assert MAX_MERGE_ROWS > len(catalog)


class Interrupted(BaseException):
    """Raised in place of a store write: the run stops there, as if killed."""


def test_a_start_during_a_run_updates_the_last_snapshot_with_what_was_committed_since(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    write_news_corpus(corpus_dir, 8)
    run_index(settings, embedder=hashing)  # leaves a snapshot
    write_article(corpus_dir, "late.txt", title="Late report", body=news_body(77, 2))
    writes: list[str] = []

    def stop_before_the_run_ends(kind: str) -> None:
        writes.append(kind)
        if writes == ["set_state", "add_chunks", "put_articles", "set_state", "set_state"]:
            raise Interrupted  # late.txt is committed and published; the run never marks the index clean

    with pytest.raises(Interrupted):
        run_index(settings, embedder=hashing, store=Store.open(settings, on_write=stop_before_the_run_ends))
    store = open_store(settings, hashing)
    assert store.state()["dirty"] == 1
    asked = record_chunk_reads(monkeypatch)
    monkeypatch.setattr(Catalog, "_build", classmethod(lambda *a, **k: pytest.fail("read every chunk")))

    catalog = Catalog.load(store, settings.cache_dir)
    monkeypatch.undo()

    assert asked == ["late.txt"]
    assert_same(catalog, full_read(store, settings))
    assert Snapshots(settings.cache_dir, store).read(catalog.epoch).version == catalog.version  # left for the next start


def test_a_full_read_keeps_one_segment_in_memory_and_equals_the_store(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a snapshot every chunk is read: each segment is saved as soon as it is built and its vectors are
    served from the file from then on (a year's archive never holds all its sentence vectors in memory)."""
    write_news_corpus(corpus_dir, 8)
    run_index(settings, embedder=hashing)
    store = open_store(settings, hashing)
    shutil.rmtree(settings.cache_dir)  # no snapshot: the next load reads every chunk
    monkeypatch.setattr("index.catalog.MAX_MERGE_ROWS", 4)
    in_memory_when_built: list[bool] = []
    spill = Snapshots.spill
    monkeypatch.setattr(Snapshots, "spill", lambda self, segment: (
        in_memory_when_built.append(not isinstance(segment.vectors, np.memmap)), spill(self, segment)))

    catalog = Catalog.load(store, settings.cache_dir)
    monkeypatch.undo()

    assert len(catalog.parts) >= 2 and in_memory_when_built == [True] * len(catalog.parts)
    assert all(isinstance(segment.vectors, np.memmap) for segment, _ in catalog.parts), "served from the files"
    assert_same(catalog, full_read(store, settings))
    assert Snapshots(settings.cache_dir, store).read(catalog.epoch).version == catalog.version


def test_an_index_run_from_empty_leaves_its_snapshot_holding_one_segment_at_a_time(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's end writes the snapshot for the next start without keeping a catalogue: each segment is saved
    and dropped before the next is built (a year's end-of-run peak is one segment, not the archive's rows)."""
    import gc
    import weakref

    write_news_corpus(corpus_dir, 8)
    monkeypatch.setattr("index.catalog.MAX_MERGE_ROWS", 4)
    spilled: list[weakref.ref] = []
    alive_at_spill: list[int] = []
    spill = Snapshots.spill

    def recording(self, segment):
        gc.collect()
        alive_at_spill.append(sum(ref() is not None for ref in spilled))
        spilled.append(weakref.ref(segment))
        return spill(self, segment)

    monkeypatch.setattr(Snapshots, "spill", recording)
    run_index(settings, embedder=hashing)
    monkeypatch.undo()

    assert len(spilled) >= 2 and alive_at_spill == [0] * len(spilled), "earlier segments were still in memory"
    store = open_store(settings, hashing)
    snapshot = Snapshots(settings.cache_dir, store).read(str(store.state()["epoch"]))
    assert snapshot is not None and len(snapshot.parts) == len(spilled)
    assert_same(snapshot, full_read(store, settings))


def test_a_process_that_indexes_itself_saves_its_catalogue_at_most_every_so_often(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder) -> None:
    store = indexed_news(settings, hashing, 4)
    now = [1000.0]
    schedule = SnapshotSchedule(settings.cache_dir, 600, clock=lambda: now[0])
    catalog = Catalog.load(store, settings.cache_dir)
    schedule.loaded(catalog)
    snapshots = Snapshots(settings.cache_dir, store)
    at_start = snapshots.read(catalog.epoch).generation

    write_article(corpus_dir, "late.txt", title="Late report", body=news_body(77, 2))
    run_index(settings, embedder=hashing, store=store, snapshot=False)
    catalog, _ = catalog.updated(store)
    now[0] += 599

    assert not schedule.maybe_save(store, catalog) and snapshots.read(catalog.epoch).generation == at_start
    now[0] += 1
    assert schedule.maybe_save(store, catalog)
    assert snapshots.read(catalog.epoch).version == catalog.version
    assert_same(snapshots.read(catalog.epoch), full_read(store, settings))
    now[0] += 600
    assert not schedule.maybe_save(store, catalog) and not schedule.save(store, catalog), "nothing new to save"


def test_the_archive_s_language_is_sampled_again_only_after_a_tenth_of_it_changed(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.language

    write_news_corpus(corpus_dir, 20)
    run_index(settings, embedder=hashing)
    store = open_store(settings, hashing)
    catalog = Catalog.load(store, settings.cache_dir)
    assert catalog.main_language() == "en"
    samples: list[str] = []
    real = index.language.guess_language
    monkeypatch.setattr(index.language, "guess_language", lambda text: samples.append(text) or real(text))

    write_news_corpus(corpus_dir, 1, prefix="brief")  # a poll's article: 1 row more than 20
    run_index(settings, embedder=hashing)
    catalog, _ = catalog.updated(store)
    assert catalog.main_language() == "en" and samples == []

    write_article(corpus_dir, "news-001.txt", title="Rewritten", body=news_body(51))  # 21 rows still, but 1 + 2
    run_index(settings, embedder=hashing)  # changed since the sample (one added, one replaced): over a tenth of 20
    catalog, _ = catalog.updated(store)
    assert len(catalog) == 21 and catalog.main_language() == "en" and samples, "sampled again"


def test_a_reader_gets_a_commit_a_killed_run_never_published_once_another_run_recovers_the_index(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder) -> None:
    store = indexed_news(settings, hashing, 4)
    reader = Catalog.load(store, settings.cache_dir)  # a bot that does not look while the index is dirty
    write_article(corpus_dir, "late.txt", title="Late report", body=news_body(77, 2))
    sets: list[str] = []

    def kill_before_publishing(kind: str) -> None:
        sets.append(kind)
        if sets.count("set_state") == 2:
            raise Interrupted  # late.txt's record is committed, its generation not published

    with pytest.raises(Interrupted):
        run_index(settings, embedder=hashing, store=Store.open(settings, on_write=kill_before_publishing))
    assert run_index(settings, embedder=hashing).unchanged  # nothing to write: it sweeps and ends clean

    updated, _ = reader.updated(store)

    assert "late.txt" in updated.articles
    assert_same(updated, full_read(store, settings))


def test_an_older_catalogue_never_replaces_a_newer_snapshot_and_an_unsaved_load_is_saved_later(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder) -> None:
    store = indexed_news(settings, hashing, 4)
    snapshots = Snapshots(settings.cache_dir, store)
    write_article(corpus_dir, "late.txt", title="Late report", body=news_body(77, 2))
    run_index(settings, embedder=hashing, store=store, snapshot=False)
    schedule = SnapshotSchedule(settings.cache_dir, 0)
    with snapshots.building():  # another process is writing a snapshot: the load cannot leave one
        catalog = Catalog.load(store, settings.cache_dir)
    schedule.loaded(catalog)
    assert not catalog.saved and schedule.behind(catalog)

    write_article(corpus_dir, "later.txt", title="Later report", body=news_body(78, 2))
    run_index(settings, embedder=hashing)  # another process goes further and leaves its snapshot
    newer = snapshots.read(catalog.epoch).version
    assert newer.generation > catalog.generation

    assert not schedule.save(store, catalog)
    assert snapshots.read(catalog.epoch).version == newer
    catalog, _ = catalog.updated(store)  # the live version now: saved (the same as the other's)
    assert schedule.save(store, catalog) and not schedule.behind(catalog)
    assert snapshots.read(catalog.epoch).version == catalog.version == newer


def test_a_snapshot_far_behind_is_brought_up_to_date_one_segment_s_vectors_at_a_time(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bot that started early leaves a snapshot of a small index; a long run's end brings that snapshot up to
    date with every article the run wrote: their rows are read a segment at a time, each saved (its vectors then
    served from the file) before the next is read — the year's end-of-run peak fell from 1.8 to 1.0 GB."""
    store = indexed_news(settings, hashing, 2)
    write_news_corpus(corpus_dir, 12, prefix="late")
    run_index(settings, embedder=hashing, store=store, snapshot=False)
    monkeypatch.setattr("index.catalog.MAX_MERGE_ROWS", 4)
    monkeypatch.setattr("index.segments.MAX_MERGE_ROWS", 4)
    events: list[str] = []
    spilled: list = []
    spill, chunks_of = Snapshots.spill, Store.chunks_of

    def recording_spill(self, segment):
        events.append("save")
        spilled.append(segment)
        return spill(self, segment)

    def recording_read(self, article_ids):
        events.append("read")
        return chunks_of(self, article_ids)

    monkeypatch.setattr(Snapshots, "spill", recording_spill)
    monkeypatch.setattr(Store, "chunks_of", recording_read)
    Catalog.snapshot(store, settings.cache_dir)
    monkeypatch.undo()

    assert events == ["read", "save"] * 3, "each slice saved before the next is read"
    snapshot = Snapshots(settings.cache_dir, store).read(str(store.state()["epoch"]))
    names = {segment.name for segment, _ in snapshot.parts}
    assert {segment.name for segment in spilled} <= names, "the saved segments are the snapshot's"
    assert all(isinstance(segment.vectors, np.memmap) for segment in spilled)
    assert_same(snapshot, full_read(store, settings))
