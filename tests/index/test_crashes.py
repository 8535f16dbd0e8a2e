"""Runs interrupted at every store write leave an index that answers, and the next run completes.

Crash points are deterministic, never timed: in-process, the store's `on_write` hook raises before
the Nth write; in a subprocess, `NEWSBOT_TEST_CRASH_AT` makes `newsbot index` SIGKILL itself there.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from index.chroma import collection_names
from index.crashpoints import ENV, CrashAt
from index.embedders import build_embedder
from index.indexer import run_index
from index.settings import IndexSettings
from index.store import Store
from tests.factories import news_body, news_paragraph, write_article
from tests.index.conftest import TrackedEmbedder, clear_chroma_cache, cli_env
from tests.index.invariants import assert_complete, assert_readable, committed, corpus_hashes, open_store

SMALL_CHUNKS = {"chunk_size": 48, "chunk_overlap": 0}  # one chunk per news paragraph


class SimulatedCrash(BaseException):
    """Raised in place of a write: like kill -9 at that point, nothing after it is written."""


class CrashBefore:
    """A store `on_write` hook: records each write's kind and raises SimulatedCrash before write `crash_at`."""

    def __init__(self, crash_at: int) -> None:
        self.crash_at = crash_at
        self.writes: list[str] = []

    def __call__(self, kind: str) -> None:
        self.writes.append(kind)
        if len(self.writes) == self.crash_at:
            raise SimulatedCrash(kind)


def three_articles(corpus: Path, settings: IndexSettings, embedder: TrackedEmbedder) -> dict[str, str]:
    write_article(corpus, "a.txt", title="A", body=news_body(1, 3))
    write_article(corpus, "b.txt", title="B", body=news_body(2, 2))
    write_article(corpus, "c.txt", title="C", body=news_body(3, 1))
    run_index(settings, embedder=embedder)
    return committed(open_store(settings, embedder))


def change_three(corpus: Path) -> None:
    """Update a, delete b, add d."""
    write_article(corpus, "a.txt", title="A", body=news_body(1, 2) + "\n\n" + news_paragraph(50, 0))
    (corpus / "b.txt").unlink()
    write_article(corpus, "d.txt", title="D", body=news_body(4, 2))


# dirty; a and d (one group): add their chunks, commit them, publish the generation, delete a's stale chunks;
# b: delete (the commit), publish, delete its chunks; clean
WRITES_OF_THE_CHANGE = ["set_state", "add_chunks", "put_articles", "set_state", "delete_chunks",
                        "delete_articles", "set_state", "delete_chunks", "set_state"]


@pytest.mark.parametrize("crash_at", range(1, len(WRITES_OF_THE_CHANGE) + 1))
def test_a_run_interrupted_at_any_write_leaves_a_whole_index(crash_at: int, tmp_path: Path, make_settings,
                                                             tracked: TrackedEmbedder) -> None:
    corpus = tmp_path / "crash-corpus"
    settings = make_settings(corpus_dir=corpus, **SMALL_CHUNKS)
    before = three_articles(corpus, settings, tracked)
    change_three(corpus)
    after = corpus_hashes(settings)

    hook = CrashBefore(crash_at)
    with pytest.raises(SimulatedCrash):
        run_index(settings, embedder=tracked, store=Store.open(settings, on_write=hook))
    assert len(hook.writes) == crash_at

    store = open_store(settings, tracked)
    state = committed(store)
    assert state["c.txt"] == before["c.txt"]
    assert state["a.txt"] in (before["a.txt"], after["a.txt"])
    assert state.get("b.txt") in (before["b.txt"], None)
    assert state.get("d.txt") in (None, after["d.txt"])
    assert_readable(store, settings)

    report = run_index(settings, embedder=tracked)

    assert report.ok
    assert_complete(open_store(settings, tracked), settings)


def test_the_crash_scenario_has_the_expected_writes(tmp_path: Path, make_settings, tracked: TrackedEmbedder) -> None:
    """Guards the parametrisation above: one more crash point than there are writes completes the run."""
    corpus = tmp_path / "crash-corpus"
    settings = make_settings(corpus_dir=corpus, **SMALL_CHUNKS)
    three_articles(corpus, settings, tracked)
    change_three(corpus)

    hook = CrashBefore(len(WRITES_OF_THE_CHANGE) + 1)
    report = run_index(settings, embedder=tracked, store=Store.open(settings, on_write=hook))

    assert hook.writes == WRITES_OF_THE_CHANGE
    assert (report.updated, report.added, report.deleted) == (["a.txt"], ["d.txt"], ["b.txt"])


# the new epoch: create, then the group's chunks and its commit; the flip; drop the old epoch's two collections
WRITES_OF_A_REBUILD = ["create_collections", "add_chunks", "put_articles", "publish", "drop_collections",
                       "drop_collections"]


@pytest.mark.parametrize("crash_at", range(1, len(WRITES_OF_A_REBUILD) + 2))
def test_a_rebuild_interrupted_at_any_write_leaves_the_old_or_the_new_index_whole(
        crash_at: int, tmp_path: Path, make_settings, tracked: TrackedEmbedder) -> None:
    corpus = tmp_path / "crash-corpus"
    settings = make_settings(corpus_dir=corpus, **SMALL_CHUNKS)
    before = three_articles(corpus, settings, tracked)
    reader = open_store(settings, tracked)
    change_three(corpus)
    after = corpus_hashes(settings)

    hook = CrashBefore(crash_at)
    if crash_at <= len(WRITES_OF_A_REBUILD):
        with pytest.raises(SimulatedCrash):
            run_index(settings, embedder=tracked, store=Store.open(settings, on_write=hook), rebuild=True)
    else:
        run_index(settings, embedder=tracked, store=Store.open(settings, on_write=hook), rebuild=True)
    assert hook.writes == WRITES_OF_A_REBUILD[:crash_at]

    live = open_store(settings, tracked)
    flipped = crash_at > WRITES_OF_A_REBUILD.index("publish") + 1
    assert committed(live) == (after if flipped else before)
    assert_readable(live, settings)
    if not flipped:
        assert committed(reader) == before, "readers keep the old index until the new one goes live"

    report = run_index(settings, embedder=tracked)

    assert report.ok
    assert_complete(open_store(settings, tracked), settings)
    assert len(collection_names(Store.open(settings)._client)) == 3, "leftover epochs were dropped"


def test_the_crash_hook_is_inert_without_the_variable(monkeypatch: pytest.MonkeyPatch, settings: IndexSettings) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert Store.open(settings)._on_write is None
    monkeypatch.setenv(ENV, "put_articles:2")
    assert isinstance(Store.open(settings)._on_write, CrashAt)
    for wrong in ("nonsense", "put_articles:x", "3:4"):
        with pytest.raises(ValueError, match=ENV):
            CrashAt(wrong)


# --------------------------------------------------------------------------- kill -9, for real

MINILM = ("local:all-MiniLM-L6-v2", 384)


def write_version(corpus: Path, version: int, ids: list[int], new_text_for: set[int] = frozenset()) -> None:
    """Every title changes (chunks keep their texts: vectors are reused, the run is mostly writes);
    the articles in `new_text_for` also get a new closing paragraph (embedded anew)."""
    for n in ids:
        tail = news_paragraph(n + version, 9) if n in new_text_for else news_paragraph(n, 9)
        write_article(corpus, f"news-{n:03d}.txt", title=f"Report {n}, version {version}",
                      body=f"{news_body(n, 2)}\n\n{tail}")


def change_corpus(corpus: Path, version: int) -> None:
    """Two articles go, two arrive, every other one changes."""
    gone = {2 * version, 2 * version + 1}
    for n in gone:
        (corpus / f"news-{n:03d}.txt").unlink(missing_ok=True)
    ids = [n for n in range(30 + 2 * version) if n not in gone]
    write_version(corpus, version, ids, new_text_for=set(ids[::5]))


def newsbot_index(settings: IndexSettings, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    """`newsbot index` in a subprocess (MiniLM), killed by itself at `crash_at` when given."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    env = cli_env(settings, EMBED_MODEL="all-MiniLM-L6-v2", **({ENV: crash_at} if crash_at else {}))
    done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "--json", *args], cwd=settings.data_dir.parent,
                          env=env, capture_output=True, text=True, timeout=240)
    clear_chroma_cache()
    return done


def test_kill_9_at_chosen_writes_leaves_an_index_that_answers_and_the_next_run_completes(make_settings) -> None:
    settings = make_settings(embed_model="all-MiniLM-L6-v2", chunk_size=64, chunk_overlap=0)
    minilm = build_embedder(settings)  # the runs that must finish run in-process: the same code, faster
    corpus = settings.corpus_dir
    write_version(corpus, 0, list(range(30)))
    assert run_index(settings, embedder=minilm).ok
    previous = committed(open_store(settings, MINILM))
    clear_chroma_cache()

    # before any commit (chunks written, none committed); among the stale-chunk deletes after the commits
    for version, crash_at in ((1, "put_articles"), (2, "delete_chunks:3")):
        change_corpus(corpus, version)
        target = corpus_hashes(settings)

        killed = newsbot_index(settings, crash_at=crash_at)

        assert killed.returncode == -signal.SIGKILL, (crash_at, killed.returncode, killed.stderr[-2000:])
        store = open_store(settings, MINILM)
        now = committed(store)
        for article_id in set(previous) | set(target):
            assert now.get(article_id) in (previous.get(article_id), target.get(article_id)), \
                f"killed at {crash_at}: {article_id} is neither its old nor its new version"
        assert store.state()["dirty"] == 1
        assert store.orphan_chunk_ids(now), f"killed at {crash_at}: the run had written chunks"
        assert_readable(store, settings)
        previous = now

    killed = newsbot_index(settings, "--rebuild", crash_at="publish")  # the new index is complete, not live

    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    store = open_store(settings, MINILM)
    assert committed(store) == previous and store.article_infos(), "the old index still answers"
    assert_readable(store, settings)

    assert run_index(settings, embedder=minilm).ok
    assert_complete(open_store(settings, MINILM), settings)
