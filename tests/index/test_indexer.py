"""Tests for index.indexer on a real embedded Chroma: incremental runs, bad input, rebuilds, the lock.

Interrupted runs are in test_crashes.py, size limits in test_limits.py."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock

import index.indexer as indexer_module
from index.article_groups import GROUP_ARTICLES
from index.catalog import Catalog
from index.errors import EmbeddingError, IndexBusyError
from index.indexer import index_lock, run_index
from index.models import IndexReport
from index.settings import IndexSettings
from index.store import Store
from tests.factories import (
    multihop_record,
    news_body,
    news_paragraph,
    write_article,
    write_bytes,
    write_jsonl,
    write_news_corpus,
)
from testing.openai_server import FakeOpenAI, Fail
from tests.index.conftest import REPO, HashingEmbedder, TrackedEmbedder
from tests.index.invariants import (
    assert_complete,
    assert_readable,
    chunk_records,
    committed,
    open_store,
)

SMALL_CHUNKS = {"chunk_size": 48, "chunk_overlap": 0}  # one chunk per news paragraph


# --------------------------------------------------------------------------- incremental runs


def test_first_run_adds_and_a_second_run_embeds_nothing(settings: IndexSettings, corpus_dir: Path,
                                                        tracked: TrackedEmbedder) -> None:
    write_news_corpus(corpus_dir, 3)
    write_article(corpus_dir, "world/park.txt", title="Park approved", source="City Times")

    first = run_index(settings, embedder=tracked)

    assert sorted(first.added) == ["news-000.txt", "news-001.txt", "news-002.txt", "world/park.txt"]
    assert first.ok and not (first.updated or first.unchanged or first.deleted)
    assert first.chunks_added == 4 and first.chunks_embedded == 4
    assert tracked.passages, "the first run embeds"
    store = open_store(settings, tracked)
    assert_complete(store, settings)
    generation = store.state()["generation"]

    tracked.passages.clear()
    writes: list[str] = []
    second = run_index(settings, embedder=tracked, store=Store.open(settings, on_write=writes.append))

    assert sorted(second.unchanged) == sorted(first.added)
    assert not (second.added or second.updated or second.deleted or second.failed)
    assert (second.chunks_added, second.chunks_embedded, second.chunks_deleted) == (0, 0, 0)
    assert tracked.passages == []
    assert writes == ["set_state", "set_state"]  # marked dirty, then clean: no article or chunk written
    store = open_store(settings, tracked)
    assert store.state()["generation"] == generation  # nothing changed: catalogue snapshots stay valid
    assert_complete(store, settings)


def test_a_model_the_run_built_is_let_go_before_the_end_of_run_catalogue(settings: IndexSettings, corpus_dir: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The end-of-run catalogue step needs no model: the one `newsbot index` builds is freed before it, so the two
    never add up in the run's peak memory."""
    write_news_corpus(corpus_dir, 2)
    built: list[weakref.ref] = []
    alive_at_snapshot: list[bool] = []

    def build(_settings: IndexSettings) -> HashingEmbedder:
        model = HashingEmbedder()
        built.append(weakref.ref(model))
        return model

    def observed(store: Store, cache_dir: Path, snapshot=Catalog.snapshot) -> None:
        gc.collect()
        alive_at_snapshot.append(built[0]() is not None)
        snapshot(store, cache_dir)

    monkeypatch.setattr(indexer_module, "build_embedder", build)
    monkeypatch.setattr(Catalog, "snapshot", observed)
    report = run_index(settings)
    assert report.ok and report.chunks_added == 2 and len(built) == 1 and alive_at_snapshot == [False]


def test_a_few_articles_are_embedded_written_and_committed_together(settings: IndexSettings,
                                                                    corpus_dir: Path) -> None:
    """One call for several short articles (the embedder sorts their sentences by length: little padding), one
    write of their chunks and one commit of their records (each record its article's commit point)."""
    write_news_corpus(corpus_dir, 3)

    class Counting(HashingEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[list[str]] = []

        def _embed(self, texts: list[str], is_query: bool):
            self.calls.append(list(texts))
            return super()._embed(texts, is_query)

    model = Counting()
    writes: list[str] = []
    report = run_index(settings, embedder=model, store=Store.open(settings, on_write=writes.append))
    assert report.chunks_added == 3 and len(model.calls) == 1 and len(model.calls[0]) == 6  # two sentences each
    assert (writes.count("add_chunks"), writes.count("put_articles")) == (1, 1)  # a group, a commit
    assert_complete(open_store(settings, model), settings)


class Stopped(BaseException):
    """Raised in place of a store write: the run stops there, as if killed."""


def test_groups_are_committed_one_after_another_and_a_stop_loses_at_most_the_group_being_written(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder) -> None:
    """Stopped between the second group's chunks and its commit: the first group is committed and readable, the
    second is not there at all; the next run adds it and leaves nothing behind."""
    names = [p.name for p in write_news_corpus(corpus_dir, GROUP_ARTICLES + 2)]
    writes: list[str] = []

    def stop_at_the_second_commit(kind: str) -> None:
        writes.append(kind)
        if kind == "put_articles" and writes.count(kind) == 2:
            raise Stopped

    with pytest.raises(Stopped):
        run_index(settings, embedder=hashing, store=Store.open(settings, on_write=stop_at_the_second_commit))
    assert writes.count("add_chunks") == 2, "the second group's chunks were written"
    store = open_store(settings, hashing)
    assert sorted(committed(store)) == names[:GROUP_ARTICLES]
    assert store.state()["generation"] == 1 and store.state()["dirty"] == 1
    assert_readable(store, settings)

    report = run_index(settings, embedder=hashing)
    assert sorted(report.added) == names[GROUP_ARTICLES:] and report.chunks_deleted == 2  # the uncommitted chunks
    assert_complete(open_store(settings, hashing), settings)


def test_a_group_s_chunks_are_written_within_the_client_s_limit_per_write(make_settings, corpus_dir: Path,
                                                                          hashing: HashingEmbedder) -> None:
    settings = make_settings(**SMALL_CHUNKS)
    write_news_corpus(corpus_dir, 4, paragraphs=3)  # one group of 12 chunks
    writes: list[str] = []
    store = Store.open(settings, on_write=writes.append)
    store.max_batch = 5  # the client's limit, as a server could report it

    report = run_index(settings, embedder=hashing, store=store)

    assert report.chunks_added == 12
    assert (writes.count("add_chunks"), writes.count("put_articles")) == (3, 1)  # 5 + 5 + 2 chunks, one commit
    assert_complete(open_store(settings, hashing), settings)


def test_a_changed_article_replaces_its_chunks_reusing_unchanged_vectors(make_settings, corpus_dir: Path,
                                                                         tracked: TrackedEmbedder) -> None:
    settings = make_settings(**SMALL_CHUNKS)
    write_article(corpus_dir, "story.txt", title="Storm", body=news_body(1, 4))
    write_article(corpus_dir, "other.txt", title="Other", body=news_body(2, 1))
    run_index(settings, embedder=tracked)
    store = open_store(settings, tracked)
    old = store.chunks.get(where={"article_id": "story.txt"}, include=["documents", "embeddings"])
    old_vectors = dict(zip(old["documents"], np.asarray(old["embeddings"])))
    assert len(old_vectors) == 4

    changed = news_paragraph(99, 0)
    write_article(corpus_dir, "story.txt", title="Storm",
                  body="\n\n".join([news_paragraph(1, 0), changed, news_paragraph(1, 2), news_paragraph(1, 3)]))
    tracked.passages.clear()
    report = run_index(settings, embedder=tracked)

    assert report.updated == ["story.txt"] and report.unchanged == ["other.txt"]
    assert report.chunks_added == 4 and report.chunks_deleted == 4
    assert report.chunks_embedded == 1 < report.chunks_added
    assert tracked.passages and all(text in changed for text in tracked.passages), \
        f"only the new paragraph is embedded, not {tracked.passages}"
    store = open_store(settings, tracked)
    new = store.chunks.get(where={"article_id": "story.txt"}, include=["documents", "embeddings", "metadatas"])
    assert len(new["ids"]) == 4
    assert not set(old["ids"]) & set(new["ids"]), "stale chunks of the old version remain"
    assert {m["article_hash"] for m in new["metadatas"]} == {store.article_infos()["story.txt"].content_hash}
    assert news_paragraph(1, 1) not in new["documents"] and changed in new["documents"]
    for text, vector in zip(new["documents"], np.asarray(new["embeddings"])):
        if text in old_vectors:  # an unchanged chunk keeps its vector
            np.testing.assert_allclose(vector, old_vectors[text], atol=1e-3)
        else:
            assert text == changed
            assert all(float(vector @ v) < 0.999 for v in old_vectors.values())
    assert_complete(store, settings)


def test_a_metadata_only_change_updates_without_embedding(corpus_dir: Path, settings: IndexSettings,
                                                          tracked: TrackedEmbedder) -> None:
    write_article(corpus_dir, "a.txt", title="Park approved", source="City Times")
    run_index(settings, embedder=tracked)
    write_article(corpus_dir, "a.txt", title="Park approved", source="The City Times")
    tracked.passages.clear()

    report = run_index(settings, embedder=tracked)

    assert report.updated == ["a.txt"] and report.chunks_embedded == 0 and tracked.passages == []
    store = open_store(settings, tracked)
    assert store.article_infos()["a.txt"].source == "The City Times"
    assert {m["source"] for _, m, _ in chunk_records(store)} == {"The City Times"}
    assert_complete(store, settings)


def test_a_deleted_file_takes_its_chunks_with_it(settings: IndexSettings, corpus_dir: Path,
                                                 tracked: TrackedEmbedder) -> None:
    paths = write_news_corpus(corpus_dir, 3)
    run_index(settings, embedder=tracked)

    paths[1].unlink()
    report = run_index(settings, embedder=tracked)

    assert report.deleted == ["news-001.txt"] and report.chunks_deleted == 1
    assert sorted(report.unchanged) == ["news-000.txt", "news-002.txt"]
    store = open_store(settings, tracked)
    assert "news-001.txt" not in store.article_infos()
    assert all(m["article_id"] != "news-001.txt" for _, m, _ in chunk_records(store))
    assert_complete(store, settings)


def test_a_record_removed_from_a_jsonl_file_is_deleted(settings: IndexSettings, corpus_dir: Path,
                                                       tracked: TrackedEmbedder) -> None:
    records = [multihop_record(n) for n in (1, 2, 3)]
    write_jsonl(corpus_dir, "feed.jsonl", records)
    first = run_index(settings, embedder=tracked)
    assert len(first.added) == 3

    write_jsonl(corpus_dir, "feed.jsonl", [records[0], records[2]])
    report = run_index(settings, embedder=tracked)

    assert report.deleted == ["url:https://news.example.com/articles/2"]
    assert len(report.unchanged) == 2
    assert_complete(open_store(settings, tracked), settings)


def test_indexing_a_subfolder_leaves_the_rest_alone(settings: IndexSettings, corpus_dir: Path,
                                                    tracked: TrackedEmbedder) -> None:
    write_article(corpus_dir, "top.txt", title="Top")
    write_news_corpus(corpus_dir / "world", 2)
    run_index(settings, embedder=tracked)
    (corpus_dir / "top.txt").unlink()
    write_article(corpus_dir / "world", "new.txt", title="New", body=news_body(5))

    report = run_index(settings, [corpus_dir / "world"], embedder=tracked)

    assert report.added == ["world/new.txt"] and not report.deleted  # top.txt is out of scope
    assert "top.txt" in open_store(settings, tracked).article_infos()
    assert run_index(settings, embedder=tracked).deleted == ["top.txt"]


# --------------------------------------------------------------------------- bad input


def test_bad_files_are_reported_and_the_rest_is_indexed(settings: IndexSettings, corpus_dir: Path,
                                                        tracked: TrackedEmbedder) -> None:
    write_news_corpus(corpus_dir, 2)
    write_bytes(corpus_dir, "broken.txt", b"Title\n\n\xff\xfe not UTF-8 \xc3\x28")
    write_bytes(corpus_dir, "empty.md", b"")
    write_bytes(corpus_dir, "bad.json", b'{"title": "x", "body": ')

    report = run_index(settings, embedder=tracked)

    assert not report.ok
    failed = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failed) == {"broken.txt", "empty.md", "bad.json"}
    assert all(reason for reason in failed.values())
    assert sorted(report.added) == ["news-000.txt", "news-001.txt"]
    assert report.to_dict()["failed"][0]["path"].endswith(tuple(failed))
    assert_readable(open_store(settings, tracked), settings)


def test_bad_file_makes_the_cli_exit_with_status_1(corpus_dir: Path, cli, settings: IndexSettings) -> None:
    write_article(corpus_dir, "good.txt", title="Good", body=news_body(3))
    write_bytes(corpus_dir, "binary.txt", bytes(range(256)) * 4)

    result = cli("index", "--json")

    assert result.status == 1
    summary = result.json()
    assert summary["added"] == ["good.txt"]
    assert [Path(f["path"]).name for f in summary["failed"]] == ["binary.txt"]

    table = cli("index")
    assert table.status == 1
    assert "binary.txt" in table.out and "1 file(s) failed" in table.out


def test_a_file_that_becomes_invalid_keeps_its_indexed_version(settings: IndexSettings, corpus_dir: Path,
                                                               tracked: TrackedEmbedder) -> None:
    path = write_article(corpus_dir, "a.txt", title="Park approved")
    write_article(corpus_dir, "b.txt", title="Other", body=news_body(4))
    run_index(settings, embedder=tracked)
    before = open_store(settings, tracked).article_infos()["a.txt"]

    path.write_bytes(b"\x00\x01\x02 binary garbage \xff" * 50)
    report = run_index(settings, embedder=tracked)

    assert [Path(f.path).name for f in report.failed] == ["a.txt"]
    assert not report.deleted and report.unchanged == ["b.txt"]
    store = open_store(settings, tracked)
    after = store.article_infos()["a.txt"]
    assert (after.content_hash, after.chunks) == (before.content_hash, before.chunks)
    assert sum(1 for _, m, _ in chunk_records(store) if m["article_id"] == "a.txt") == before.chunks
    assert_readable(store, settings)


def test_a_file_over_the_size_cap_is_skipped(make_settings, corpus_dir: Path, tracked: TrackedEmbedder) -> None:
    settings = make_settings(max_file_bytes=2_000)
    write_article(corpus_dir, "small.txt", title="Small")
    write_article(corpus_dir, "big.txt", title="Big", body=news_body(0, 30))

    report = run_index(settings, embedder=tracked)

    assert report.added == ["small.txt"]
    assert [Path(f.path).name for f in report.failed] == ["big.txt"]
    assert "MAX_FILE_BYTES" in report.failed[0].reason


def test_a_record_cannot_take_over_an_indexed_article(settings: IndexSettings, corpus_dir: Path,
                                                     tracked: TrackedEmbedder) -> None:
    write_article(corpus_dir, "park.txt", title="Park approved", source="City Times")
    write_jsonl(corpus_dir, "zz.jsonl", [multihop_record(1, title="The original record")])
    run_index(settings, embedder=tracked)
    before = committed(open_store(settings, tracked))

    write_jsonl(corpus_dir, "a.jsonl", [multihop_record(2, url="park.txt", title="Impostor",
                                                        body="The park was cancelled, officials said."),
                                        multihop_record(1, title="A copy of the original record")])
    report = run_index(settings, embedder=tracked)

    assert report.added == ["url:park.txt"] and sorted(report.unchanged) == sorted(before)
    assert [Path(f.path).name for f in report.failed] == ["a.jsonl"]
    assert "duplicate article id" in report.failed[0].reason and "zz.jsonl" in report.failed[0].reason
    infos = open_store(settings, tracked).article_infos()
    assert infos["park.txt"].title == "Park approved" and infos["park.txt"].content_hash == before["park.txt"]
    assert infos["url:https://news.example.com/articles/1"].path == "zz.jsonl"


def test_a_symlink_loop_is_one_named_failure_and_the_run_completes(settings: IndexSettings, corpus_dir: Path,
                                                                   tracked: TrackedEmbedder, cli) -> None:
    write_news_corpus(corpus_dir, 2)
    run_index(settings, embedder=tracked)
    (corpus_dir / "news-001.txt").unlink()  # a deletion the run must still apply
    write_article(corpus_dir, "new.txt", title="Park approved")
    (corpus_dir / "loop.txt").symlink_to("loop.txt")
    (corpus_dir / "ring-a").symlink_to("ring-b")
    (corpus_dir / "ring-b").symlink_to("ring-a")

    report = run_index(settings, embedder=tracked)

    assert (report.added, report.deleted, report.unchanged) == (["new.txt"], ["news-001.txt"], ["news-000.txt"])
    assert [Path(f.path).name for f in report.failed] == ["loop.txt", "ring-a", "ring-b"]
    assert all("symlink loop" in f.reason for f in report.failed)
    assert_complete(open_store(settings, tracked), settings)

    rerun = cli("index")
    assert rerun.status == 1 and "Traceback" not in rerun.err + rerun.out
    assert "loop.txt" in rerun.out and "symlink loop" in rerun.out
    assert_complete(open_store(settings, tracked), settings)


# --------------------------------------------------------------------------- rebuild


def test_rebuild_starts_over_with_the_same_chunk_ids(settings: IndexSettings, corpus_dir: Path,
                                                     tracked: TrackedEmbedder) -> None:
    write_news_corpus(corpus_dir, 3)
    run_index(settings, embedder=tracked)
    store = open_store(settings, tracked)
    ids_before = sorted(i for i, _, _ in chunk_records(store))
    epoch = store.state()["epoch"]

    tracked.passages.clear()
    report = run_index(settings, embedder=tracked, rebuild=True)

    assert len(report.added) == 3 and not (report.unchanged or report.updated or report.deleted)
    assert report.chunks_embedded == 3 and tracked.passages  # re-embedded from scratch
    store = open_store(settings, tracked)
    assert sorted(i for i, _, _ in chunk_records(store)) == ids_before
    assert store.state()["epoch"] != epoch
    assert_complete(store, settings)


def test_rebuild_with_new_chunking_does_not_reuse_the_old_catalogue_snapshot(make_settings, corpus_dir: Path,
                                                                             tracked: TrackedEmbedder) -> None:
    """Generations restart after a rebuild: a snapshot of the dropped index must not pass for the new one."""
    write_article(corpus_dir, "story.txt", title="Storm", body=news_body(1, 4))
    big = make_settings(chunk_size=256, chunk_overlap=0)
    run_index(big, embedder=tracked)
    assert len(Catalog.load(open_store(big, tracked), big.cache_dir)) == 1  # snapshot written

    small = make_settings(**SMALL_CHUNKS)
    run_index(small, embedder=tracked, rebuild=True)
    store = open_store(small, tracked)
    catalog = Catalog.load(store, small.cache_dir)

    assert len(catalog) == store.chunk_count() == 4
    assert {row.id for row in catalog.rows} == {i for i, _, _ in chunk_records(store)}


# --------------------------------------------------------------------------- the lock


def test_a_second_run_while_the_lock_is_held_is_refused(settings: IndexSettings, corpus_dir: Path,
                                                        tracked: TrackedEmbedder) -> None:
    write_article(corpus_dir, "a.txt")
    holder = FileLock(str(settings.lock_path))  # another writer (a separate lock object, as in another process)
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    with holder:
        with pytest.raises(IndexBusyError, match="already running") as caught:
            run_index(settings, embedder=tracked)
        assert str(settings.lock_path) in str(caught.value)
        assert not Store.open(settings).exists()  # nothing was touched

    assert run_index(settings, embedder=tracked).added == ["a.txt"]


def test_the_cli_says_already_running_while_another_process_indexes(settings: IndexSettings, corpus_dir: Path,
                                                                    cli) -> None:
    write_article(corpus_dir, "a.txt")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(  # holds the lock until its stdin closes: no timer to outrun on a busy machine
        [sys.executable, "-c",
         "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
         "print('locked', flush=True); sys.stdin.read()", str(settings.lock_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = cli("index")
    finally:
        holder.kill()
        holder.wait()

    assert result.status != 0
    assert "already running" in result.err
    assert cli("index", "--json").status == 0  # the lock died with its process


def test_the_lock_is_released_when_a_run_fails(settings: IndexSettings, corpus_dir: Path,
                                               tracked: TrackedEmbedder) -> None:
    from index.embedders import OpenAIEmbedder

    write_news_corpus(corpus_dir, 2)
    with FakeOpenAI() as fake:
        failing = OpenAIEmbedder("fake-embedding", fake.base_url, "k")
        failing._client = failing._client.with_options(max_retries=0)
        fake.enqueue_embeddings(Fail(500))
        with pytest.raises(EmbeddingError):
            run_index(settings, embedder=failing)

    lock = index_lock(settings)
    lock.acquire()  # free again (timeout 0: raises if still held)
    lock.release()
    store = open_store(settings, ("openai:fake-embedding", 384))
    assert store.article_infos() == {} and store.chunk_count() == 0  # nothing committed by the failed run
    assert store.state()["dirty"] == 1  # the next run will sweep
    run_index(settings, embedder=tracked, rebuild=True)
    assert_complete(open_store(settings, tracked), settings)


# --------------------------------------------------------------------------- the repository corpus


def test_progress_bar_runs(settings: IndexSettings, corpus_dir: Path, tracked: TrackedEmbedder) -> None:
    write_news_corpus(corpus_dir, 2)

    report = run_index(settings, embedder=tracked, progress=True)

    assert isinstance(report, IndexReport) and len(report.added) == 2


def test_the_repository_corpus_indexes_cleanly(make_settings, tracked: TrackedEmbedder) -> None:
    settings = make_settings(corpus_dir=REPO / "corpus")

    report = run_index(settings, embedder=tracked)

    assert report.ok and "putin-hosts-ex-hostages.txt" in report.added
    assert_complete(open_store(settings, tracked), settings)


def test_an_index_run_lowers_its_cpu_priority_and_never_raises_it() -> None:
    """`newsbot index` calls lower_priority(INDEX_NICE) first; a process already nicer stays as nice."""
    code = ("import os; from index.indexer import lower_priority; "
            "print(lower_priority(7), os.getpriority(os.PRIO_PROCESS, 0))")
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env=dict(os.environ, PYTHONPATH=str(REPO)))
    nicer = subprocess.run(["nice", "-n", "12", sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))

    base = os.getpriority(os.PRIO_PROCESS, 0)  # the test may itself run niced (a busy CI)
    lowered = str(max(base, 7))
    already = str(min(19, base + 12))
    assert plain.stdout.split() == [lowered, lowered]
    assert nicer.stdout.split() == [already, already]
