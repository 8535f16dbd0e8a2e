"""Tests for index.index_memo: a process's index runs start from what its last run left, and only then.

Each test runs the same steps with an IndexMemo and compares with runs that read everything (a second
corpus and index beside the first), on a real embedded Chroma. A spy counts the reads of every article
record (the cost the memo saves)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.catalog import Catalog
from index.epoch_tables import EpochTables
from index.index_memo import IndexMemo
from index.errors import IndexBusyError
from index.indexer import index_lock, run_index
from index.settings import IndexSettings
from index.store import Store
from tests.factories import write_article, write_markdown
from tests.index.conftest import HashingEmbedder
from tests.index.invariants import assert_complete, assert_stories_settled, open_store
from tests.index.test_stories import FERRY, TRAIN, ferry_front, syndicated_corpus


class Killed(BaseException):
    pass


@pytest.fixture
def record_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The location of the store each time every article record is read (a spy on the one reader)."""
    reads: list[str] = []
    real = EpochTables.article_metadata

    def spy(self):
        reads.append(str(self.location))
        return real(self)

    monkeypatch.setattr(EpochTables, "article_metadata", spy)
    return reads


@pytest.fixture
def twin(make_settings, tmp_path: Path) -> IndexSettings:
    """A second corpus and index, indexed without a memo, to compare with."""
    corpus = tmp_path / "twin-corpus"
    corpus.mkdir()
    return make_settings(corpus_dir=corpus, data_dir=tmp_path / "twin", chroma_path=tmp_path / "twin" / "chroma")


@pytest.fixture
def memo(settings: IndexSettings, hashing: HashingEmbedder) -> IndexMemo:
    """A memo left by a run that indexed the syndicated corpus."""
    memo = IndexMemo()
    syndicated_corpus(settings.corpus_dir)
    run_index(settings, embedder=hashing, memo=memo)
    return memo


def view(settings: IndexSettings, embedder: HashingEmbedder) -> dict[str, tuple[str, str, int]]:
    """What a reader gets: every article's content hash, story group and chunk count."""
    catalog = Catalog.load(open_store(settings, embedder), settings.cache_dir)
    return {a: (info.content_hash, catalog.story(a), info.chunks) for a, info in catalog.articles.items()}


def both(settings: IndexSettings, twin: IndexSettings, edit) -> None:
    """Make the same change in both corpora."""
    edit(settings.corpus_dir)
    edit(twin.corpus_dir)


def test_runs_from_the_memo_leave_the_index_that_full_runs_leave(settings: IndexSettings, twin: IndexSettings,
                                                                hashing: HashingEmbedder,
                                                                record_reads: list[str]) -> None:
    memo = IndexMemo()
    older = "archive/ferry-early.md"
    steps = [
        syndicated_corpus,
        lambda c: write_markdown(c, older, body=FERRY, front_matter=ferry_front("Island Radio", "2025-02-28")),
        lambda c: (c / older).unlink(),  # the group gets its former name back
        lambda c: write_markdown(c, "coast/ferry.md", body=TRAIN.replace("night train", "day train"),
                                 front_matter=ferry_front("Coast News", "2025-03-01")),  # leaves its group
        lambda c: write_article(c, "world/park.txt", title="Park approved", source="City Times"),
        lambda c: None,  # nothing changed
    ]
    for step in steps:
        both(settings, twin, step)
        mine = run_index(settings, embedder=hashing, memo=memo)
        full = run_index(twin, embedder=hashing)

        assert (mine.added, mine.updated, mine.deleted, sorted(mine.unchanged)) == \
            (full.added, full.updated, full.deleted, sorted(full.unchanged))
        assert mine.stories_changed == full.stories_changed
        assert view(settings, hashing) == view(twin, hashing)
        assert memo
        if step is syndicated_corpus:
            record_reads.clear()  # the first run read every record (and so did its first catalogue snapshot)

    store = open_store(settings, hashing)
    assert store.location not in record_reads, "the later runs started from the memo"
    assert_complete(store, settings)
    assert_stories_settled(store, settings)


def test_another_writer_between_runs_makes_the_next_run_read_the_records(
        settings: IndexSettings, hashing: HashingEmbedder, memo: IndexMemo, record_reads: list[str]) -> None:
    write_markdown(settings.corpus_dir, "archive/ferry-early.md", body=FERRY,
                   front_matter=ferry_front("Island Radio", "2025-02-28"))
    run_index(settings, embedder=hashing)  # another process: the generation moves past the memo's
    record_reads.clear()

    (settings.corpus_dir / "rail" / "train.md").unlink()
    report = run_index(settings, embedder=hashing, memo=memo)

    assert len(record_reads) == 1, "the memo no longer describes the index: every record is read"
    assert report.deleted == ["rail/train.md"] and report.added == [] and len(report.unchanged) == 4
    store = open_store(settings, hashing)
    groups = assert_stories_settled(store, settings)
    assert set(groups.values()) == {"archive/ferry-early.md"}, "the other writer's article keeps its group"
    assert_complete(store, settings)


def test_a_run_that_fails_leaves_no_memo_and_the_next_run_sweeps_what_it_left(
        settings: IndexSettings, hashing: HashingEmbedder, memo: IndexMemo, record_reads: list[str]) -> None:
    write_article(settings.corpus_dir, "world/park.txt", title="Park approved", source="City Times")

    def kill_at_the_commit(kind: str) -> None:
        if kind == "put_articles":
            raise Killed(kind)

    with pytest.raises(Killed):
        run_index(settings, embedder=hashing, store=Store.open(settings, on_write=kill_at_the_commit), memo=memo)
    assert not memo
    record_reads.clear()

    report = run_index(settings, embedder=hashing, memo=memo)

    assert len(record_reads) == 1 and report.added == ["world/park.txt"] and report.chunks_deleted >= 1
    assert memo
    assert_complete(open_store(settings, hashing), settings)


def test_a_rebuild_or_other_thresholds_are_not_served_from_the_memo(
        make_settings, settings: IndexSettings, hashing: HashingEmbedder, memo: IndexMemo,
        record_reads: list[str]) -> None:
    run_index(settings, embedder=hashing, memo=memo, rebuild=True)
    assert not memo, "a rebuild writes a new epoch: the old one's records don't apply"
    run_index(settings, embedder=hashing, memo=memo)
    record_reads.clear()

    strict = make_settings(near_duplicate_threshold=1.0, near_duplicate_containment=1.0)
    report = run_index(strict, embedder=hashing, memo=memo)

    assert len(record_reads) == 1 and report.stories_changed >= 1  # regrouped from the stored signatures
    store = open_store(strict, hashing)
    assert assert_stories_settled(store, strict)["wire/ferry-copy.md"] == "wire/ferry-copy.md"
    assert_complete(store, strict)


def test_a_memo_is_for_its_own_index(settings: IndexSettings, twin: IndexSettings, hashing: HashingEmbedder,
                                     memo: IndexMemo, record_reads: list[str]) -> None:
    shutil.copytree(settings.corpus_dir, twin.corpus_dir, dirs_exist_ok=True)
    run_index(twin, embedder=hashing)  # the same generation, another store
    record_reads.clear()

    report = run_index(twin, embedder=hashing, memo=memo)

    assert len(record_reads) == 1 and len(report.unchanged) == 4


def test_a_run_killed_before_it_published_its_commit_is_not_hidden_from_the_memo(
        settings: IndexSettings, hashing: HashingEmbedder, memo: IndexMemo) -> None:
    """Killed between committing a record and publishing its generation, then recovered by a run that changes
    nothing (another process): the index is clean at the memo's generation but holds a record it never saw."""
    write_article(settings.corpus_dir, "world/park.txt", title="Park approved", source="City Times")
    sets: list[str] = []

    def kill_before_publishing(kind: str) -> None:
        sets.append(kind)
        if sets.count("set_state") == 2:  # dirty, then the commit's generation: killed before it
            raise Killed(kind)

    start = open_store(settings, hashing).state()["generation"]
    with pytest.raises(Killed):
        run_index(settings, embedder=hashing, store=Store.open(settings, on_write=kill_before_publishing))
    recovery = run_index(settings, embedder=hashing)  # another process: park.txt is there, unchanged
    assert recovery.unchanged and not recovery.added
    assert open_store(settings, hashing).state()["generation"] == start + 1, "the recovery publishes it"

    (settings.corpus_dir / "world" / "park.txt").unlink()
    report = run_index(settings, embedder=hashing, memo=memo)

    assert report.deleted == ["world/park.txt"]
    assert_complete(open_store(settings, hashing), settings)


def test_a_run_refused_because_another_holds_the_lock_keeps_the_memo(settings: IndexSettings,
                                                                     hashing: HashingEmbedder,
                                                                     memo: IndexMemo) -> None:
    with index_lock(settings), pytest.raises(IndexBusyError):
        run_index(settings, embedder=hashing, memo=memo)
    assert memo


def test_any_other_run_even_one_that_changed_nothing_makes_the_next_read_the_records(
        settings: IndexSettings, hashing: HashingEmbedder, memo: IndexMemo, record_reads: list[str]) -> None:
    generation = open_store(settings, hashing).state()["generation"]
    run_index(settings, embedder=hashing)  # another process, nothing to do
    assert open_store(settings, hashing).state()["generation"] == generation
    record_reads.clear()

    run_index(settings, embedder=hashing, memo=memo)

    assert len(record_reads) == 1, "the memo is for the index exactly as its own run left it"
