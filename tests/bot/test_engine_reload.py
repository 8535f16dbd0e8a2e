"""A running engine follows the index: another process's `newsbot index` (new generation) and
`--rebuild` (new epoch) are picked up without a restart, a question never fails because the
collections were replaced under it, articles become answerable while a long run goes on, and a run
killed at a commit leaves every article committed before it answerable.

Real engine, real embedded Chroma, real subprocesses (`python -m bot.cli index`); every step is
driven in order (subprocesses that finish or kill themselves at a chosen write, an indexer thread
held at a chosen write by an event), never by sleeping.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import bot.engine as engine_module
from bot.engine import build_engine
from index.crashpoints import ENV as CRASH_ENV
from index.epoch_tables import EpochTables
from index.indexer import run_index
from index.snapshots import Snapshots
from index.store import Store
from tests.bot.conftest import TEST_EMBED_MODEL
from index.article_groups import GROUP_ARTICLES
from tests.factories import write_article, write_news_corpus
from tests.index.conftest import clear_chroma_cache, cli_env

FIRST = "putin-hosts-ex-hostages.txt"
#: articles added while the engine runs: (file, title, body, a question only that article answers)
MUSEUM = ("museum.txt", "Harbour museum reopens its lighthouse gallery",
          "The harbour museum in Saltcombe reopened its lighthouse gallery on Thursday after eleven years of repairs. "
          "The gallery shows the lenses of the old Saltcombe lighthouse.",
          "When did the harbour museum in Saltcombe reopen its lighthouse gallery?")
FERRY = ("ferry.txt", "Island ferry gets an electric engine",
         "The island ferry between Wexmoor and Tallis Point now runs on an electric engine. "
         "The crossing takes forty minutes, the operator said.",
         "How long does the ferry crossing between Wexmoor and Tallis Point take?")
ORCHARD = ("orchard.txt", "Cider orchard plants rare apple trees",
           "A cider orchard near Brambleford planted three hundred rare apple trees of the Kingston Black variety. "
           "The first harvest is expected in four years.",
           "How many Kingston Black apple trees did the orchard near Brambleford plant?")


def fillers(corpus: Path, count: int) -> set[str]:
    """`count` short articles whose files sort before the ones above: with them, those fall into the group
    (index/article_groups.py) the test needs."""
    return {p.name for p in write_news_corpus(corpus, count, prefix="a-filler")}


def add(corpus: Path, article: tuple[str, str, str, str]) -> None:
    name, title, body, _ = article
    write_article(corpus, name, title=title, body=body, source="Coast Courier")


def top_article(engine: Any, question: str) -> str | None:
    """The article of the first passage the engine retrieved for `question` (None: nothing)."""
    result = engine.ask(question)
    return result.passages[0].article_id if result.passages else None


def newsbot_index(settings: Any, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    """`newsbot index` in another process, killed by itself at `crash_at` when given."""
    env = cli_env(settings, EMBED_MODEL=TEST_EMBED_MODEL, **({CRASH_ENV: crash_at} if crash_at else {}))
    return subprocess.run([sys.executable, "-m", "bot.cli", "index", "--json", *args], cwd=settings.data_dir.parent,
                          env=env, capture_output=True, text=True, timeout=240)


@pytest.fixture
def engine_settings(make_settings, shared_embedder):
    """Settings whose index holds the first corpus article (built here), checked before every question."""
    settings = make_settings(index_check_seconds=0)
    assert run_index(settings, embedder=shared_embedder).added == [FIRST]
    clear_chroma_cache()
    return settings


def test_index_runs_of_another_process_are_picked_up_without_a_restart(make_settings, engine_settings,
                                                                        shared_embedder) -> None:
    """A plain run (new generation: the engine loads what changed) then a rebuild (new epoch: it opens the
    new index). A second engine never checks the version (a long interval): the rebuild drops the
    collections it reads, its search raises IndexChangedError, and the question is asked again, not failed."""
    engine = build_engine(engine_settings, embedder=shared_embedder)
    unaware = build_engine(make_settings(index_check_seconds=3600), embedder=shared_embedder)
    assert top_article(engine, MUSEUM[3]) == top_article(unaware, MUSEUM[3]) == FIRST  # the only article there is
    add(engine_settings.corpus_dir, MUSEUM)

    done = newsbot_index(engine_settings)
    assert done.returncode == 0, done.stderr[-2000:]

    result = engine.ask(MUSEUM[3])
    assert result.passages[0].article_id == "museum.txt"
    assert result.passages[0].dense_rank is not None, "found by the vector search, not only by BM25"
    assert engine.reloads[-1][0] == "update" and engine.index_info().articles == 2

    add(engine_settings.corpus_dir, FERRY)
    done = newsbot_index(engine_settings, "--rebuild")
    assert done.returncode == 0, done.stderr[-2000:]

    assert top_article(engine, FERRY[3]) == "ferry.txt"
    assert engine.reloads[-1][0] == "reopen" and engine.index_info().articles == 3
    assert top_article(engine, "How long was Sasha Troufanov held in Gaza?") == FIRST
    assert top_article(unaware, FERRY[3]) == "ferry.txt"
    assert unaware.reloads[-1][0] == "reopen"


def test_articles_become_answerable_while_a_run_goes_on(engine_settings, shared_embedder) -> None:
    """An indexer thread is held before it writes its second group of new articles: the first is answered
    already (the ferry closes the first group; the museum and the orchard are the second)."""
    engine = build_engine(engine_settings, embedder=shared_embedder)
    first_group = fillers(engine_settings.corpus_dir, GROUP_ARTICLES - 1) | {"ferry.txt"}
    for article in (FERRY, MUSEUM, ORCHARD):  # indexed in this order (file names), after the fillers
        add(engine_settings.corpus_dir, article)
    held, resume = threading.Event(), threading.Event()
    adds: list[str] = []

    def hold_at_the_second_group(kind: str) -> None:
        if kind == "add_chunks":
            adds.append(kind)
            if len(adds) == 2:
                held.set()
                assert resume.wait(120), "the test never resumed the run"

    errors: list[BaseException] = []

    def index() -> None:
        try:
            run_index(engine_settings, embedder=shared_embedder,
                      store=Store.open(engine_settings, on_write=hold_at_the_second_group))
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
            held.set()

    runner = threading.Thread(target=index)
    runner.start()
    try:
        assert held.wait(120) and not errors, errors
        assert top_article(engine, FERRY[3]) == "ferry.txt"  # committed, the run still going
        assert first_group | {FIRST} == {a.id for a in engine.articles()}
    finally:
        resume.set()
        runner.join(120)
    assert not errors, errors
    assert top_article(engine, ORCHARD[3]) == "orchard.txt"
    assert top_article(engine, MUSEUM[3]) == "museum.txt"


def test_the_engine_s_own_runs_start_from_its_last_one_and_leave_the_snapshot_to_it(
        engine_settings, shared_embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """A poll's run does not read every article record again (index/index_memo.py) nor rewrite the catalogue
    snapshot (the engine saves it every so often and when it closes)."""
    reads: list[str] = []
    real = EpochTables.article_metadata
    monkeypatch.setattr(EpochTables, "article_metadata", lambda self: reads.append("all records") or real(self))
    monkeypatch.setattr(engine_module, "CATALOG_SNAPSHOT_SECONDS", float("inf"))  # never due: not the clock's say
    engine = build_engine(engine_settings, embedder=shared_embedder)
    snapshots = Snapshots(engine_settings.cache_dir, engine.store)
    at_start = snapshots.read(engine.catalog.epoch).version

    for article in (FERRY, MUSEUM):
        add(engine_settings.corpus_dir, article)
        assert engine.reindex().added == [article[0]]
        assert top_article(engine, article[3]) == article[0]

    assert reads == ["all records"], "the engine's first run read the records, the second started from its memo"
    assert snapshots.read(engine.catalog.epoch).version == at_start
    engine.close()
    assert snapshots.read(engine.catalog.epoch).version == engine.catalog.version
    assert engine.catalog.generation == at_start.generation + 2  # one commit per run


def test_a_run_killed_at_a_commit_leaves_every_article_committed_before_it_answerable(make_settings,
                                                                                     shared_embedder) -> None:
    """The bot starts before the first index (and answers from nothing: its client caches an empty vector
    index); `newsbot index` in another process is killed before its second commit (the ferry and the museum
    close the first group, the orchard is the second); the articles committed before are answered, by this
    engine and after a restart; the next run adds the orchard."""
    settings = make_settings(index_check_seconds=0)
    for path in settings.corpus_dir.iterdir():
        path.unlink()
    engine = build_engine(settings, embedder=shared_embedder)
    assert engine.ask(FERRY[3]).passages == []
    first_group = fillers(settings.corpus_dir, GROUP_ARTICLES - 2) | {"ferry.txt", "museum.txt"}
    for article in (FERRY, MUSEUM, ORCHARD):  # indexed in this order (file names), after the fillers
        add(settings.corpus_dir, article)

    killed = newsbot_index(settings, crash_at="put_articles:2")

    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    for running in (engine, build_engine(settings, embedder=shared_embedder)):  # and after a restart
        assert top_article(running, FERRY[3]) == "ferry.txt"
        assert top_article(running, MUSEUM[3]) == "museum.txt"
        assert {a.id for a in running.articles()} == first_group

    done = newsbot_index(settings)  # the next run adds what the kill lost
    assert done.returncode == 0, done.stderr[-2000:]
    assert top_article(engine, ORCHARD[3]) == "orchard.txt"


def test_a_rebuild_in_this_process_while_questions_run_never_fails_one(engine_settings, shared_embedder) -> None:
    """Held at each point of a rebuild (new epoch written, pointer flipped, old collections dropped), the
    engine answers every question, from the old index before the flip and from the new one after."""
    engine = build_engine(engine_settings, embedder=shared_embedder)
    add(engine_settings.corpus_dir, MUSEUM)
    seen: list[tuple[str, str | None]] = []

    def ask_at_every_write(kind: str) -> None:
        if kind in ("publish", "drop_collections"):
            seen.append((kind, top_article(engine, MUSEUM[3])))

    report = run_index(engine_settings, embedder=shared_embedder, rebuild=True,
                       store=Store.open(engine_settings, on_write=ask_at_every_write))

    assert report.ok
    assert seen[0] == ("publish", FIRST)  # not live yet: the old index answers
    assert seen[1:] == [("drop_collections", "museum.txt")] * 2  # live: the new one, old collections going
    assert top_article(engine, MUSEUM[3]) == "museum.txt"


class BeingWritten(Store):
    """A store whose vector index can never be read (chroma-core/chroma#3792: another process keeps writing the
    collection after this client cached it), even reopened; everything else is the real store."""

    def query(self, vector, n, where=None):
        from index.errors import StaleVectorIndexError

        raise StaleVectorIndexError(self.location, "Error executing plan: Internal error: Error finding id")


def test_a_question_is_answered_while_the_vector_index_cannot_be_read(engine_settings, shared_embedder) -> None:
    """Found by the year-long scale benchmark: questions failed while `newsbot index` wrote article after
    article, and reopening the store does not help while it writes (it cost 1.7 s a question at 50k chunks).
    The question is answered at once by an exact search over the catalogue's own vectors, with the same
    first passage as the vector index gives; once the index is no longer being written, the next question
    reopens the store."""
    from bot.answer.model import AnswerModel
    from bot.answer.prompts import Prompts
    from bot.engine import Engine

    add(engine_settings.corpus_dir, MUSEUM)
    run_index(engine_settings, embedder=shared_embedder)
    normal = build_engine(engine_settings, embedder=shared_embedder)
    store = BeingWritten.open(engine_settings)
    store.ensure(shared_embedder.name, shared_embedder.dim)
    stale = Engine(engine_settings, shared_embedder, store, Prompts.load(engine_settings.prompts_dir),
                   AnswerModel.load(engine_settings.answer_model), None)

    reopened = []
    for question, run_going_on in ((MUSEUM[3], True), ("How long was Sasha Troufanov held in Gaza?", True),
                                   (MUSEUM[3], False)):
        store.set_state(dirty=int(run_going_on))
        expected = normal.ask(question)
        result = stale.ask(question)
        assert result.passages[0].chunk_id == expected.passages[0].chunk_id
        assert [c.quote for c in result.citations] == [c.quote for c in expected.citations]
        reopened.append([kind for kind, _ in stale.reloads].count("reopen"))
    assert reopened == [0, 0, 1], "no reopen while it is written; one by the next question once the run is done"
