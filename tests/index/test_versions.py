"""Index versions for readers: the live epoch and generation in one small read, rebuilds that go
live at once, readers told (IndexChangedError) when the collections they read were replaced, and
indexes of an older layout told to rebuild. Real embedded Chroma; one subprocess rebuild."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from index.catalog import Catalog
from index.chroma import collection_names
from index.embedders import build_embedder
from index.errors import IndexChangedError, NewsbotError
from index.indexer import run_index
from index.models import IndexVersion
from index.settings import IndexSettings
from index.store import Store
from tests.factories import write_article, write_news_corpus
from tests.index.conftest import HashingEmbedder, clear_chroma_cache, cli_env
from tests.index.invariants import assert_complete, committed, open_store


def test_the_current_version_is_one_read_of_the_pointer(settings: IndexSettings, corpus_dir: Path,
                                                        hashing: HashingEmbedder) -> None:
    assert Store.open(settings).current_version() is None
    write_news_corpus(corpus_dir, 2)
    run_index(settings, embedder=hashing)
    reader = open_store(settings, hashing)
    catalog = Catalog.load(reader, settings.cache_dir)
    first = reader.current_version()

    assert first == catalog.version == IndexVersion(reader.epoch, 1)  # one generation per committed group
    assert run_index(settings, embedder=hashing).unchanged  # nothing changed: the same version
    assert reader.current_version() == first

    write_article(corpus_dir, "new.txt")
    run_index(settings, embedder=hashing)
    assert reader.current_version() == IndexVersion(first.epoch, 2)
    assert reader.state()["generation"] == 2  # an update keeps the epoch: the reader's collections stay valid

    run_index(settings, embedder=hashing, rebuild=True)
    rebuilt = reader.current_version()
    assert rebuilt.epoch != first.epoch and rebuilt.generation == 3  # a rebuild goes live as one generation


def test_reads_of_a_replaced_index_raise_index_changed_and_a_reopened_store_reads_the_new_one(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder) -> None:
    write_news_corpus(corpus_dir, 2)
    run_index(settings, embedder=hashing)
    reader = open_store(settings, hashing)
    old_ids = list(reader.article_infos())

    write_article(corpus_dir, "new.txt")
    run_index(settings, embedder=hashing, rebuild=True)

    for read in (lambda: reader.query(np.ones(hashing.dim, dtype=np.float32), 2),
                 lambda: reader.article_bodies(old_ids), reader.article_infos, reader.chunk_count, reader.state,
                 lambda: list(reader.all_chunks()), lambda: Catalog.load(reader, settings.cache_dir)):
        with pytest.raises(IndexChangedError, match="replaced") as caught:
            read()
        assert isinstance(caught.value, NewsbotError)
    fresh = reader.reopen()
    fresh.ensure(hashing.name, hashing.dim)
    assert "new.txt" in fresh.article_infos() and fresh.query(np.ones(hashing.dim, dtype=np.float32), 2)


def test_a_rebuild_in_another_process_is_seen_by_a_reader_here(make_settings, corpus_dir: Path) -> None:
    settings = make_settings(embed_model="all-MiniLM-L6-v2")
    write_news_corpus(corpus_dir, 2)
    env = cli_env(settings)

    run_index(settings, embedder=build_embedder(settings))  # the rebuild below is the other process
    clear_chroma_cache()
    reader = Store.open(settings)
    reader.attach()
    before = reader.current_version()
    assert reader.article_bodies(["news-000.txt"])

    write_article(corpus_dir, "new.txt")
    subprocess.run([sys.executable, "-m", "bot.cli", "index", "--rebuild", "--json"], cwd=settings.data_dir.parent,
                   env=env, capture_output=True, text=True, timeout=240, check=True)

    assert reader.current_version().epoch != before.epoch
    with pytest.raises(IndexChangedError):
        reader.article_bodies(["news-000.txt"])


def test_readers_keep_the_old_index_while_a_rebuild_writes_beside_it(settings: IndexSettings, corpus_dir: Path,
                                                                   hashing: HashingEmbedder) -> None:
    write_news_corpus(corpus_dir, 2)
    run_index(settings, embedder=hashing)
    before = committed(open_store(settings, hashing))
    seen: list[dict] = []

    def reader_during_the_rebuild(kind: str) -> None:
        if kind == "publish":  # everything of the new epoch is written; it is not live yet
            reader = open_store(settings, hashing)
            seen.append(committed(reader))

    write_article(corpus_dir, "new.txt")
    run_index(settings, embedder=hashing, rebuild=True, store=Store.open(settings, on_write=reader_during_the_rebuild))

    assert seen == [before]
    assert_complete(open_store(settings, hashing), settings)
    assert len(collection_names(Store.open(settings)._client)) == 3  # the pointer and one epoch


def test_an_index_of_the_old_layout_must_be_rebuilt(settings: IndexSettings, corpus_dir: Path,
                                                    hashing: HashingEmbedder) -> None:
    """Schema 2 stored one pair of collections (`<prefix>_chunks`, `<prefix>_articles`) and url ids."""
    client = chromadb.PersistentClient(path=str(settings.chroma_path), settings=ChromaSettings(anonymized_telemetry=False))
    for name in ("newsbot_chunks", "newsbot_articles"):
        client.create_collection(name, metadata={"schema": 2})
    write_news_corpus(corpus_dir, 1)

    for attempt in (lambda: run_index(settings, embedder=hashing), Store.open(settings).attach,
                    lambda: Store.open(settings).ensure(hashing.name, hashing.dim)):
        with pytest.raises(NewsbotError, match=r"schema 2.*Run `newsbot index --rebuild`"):
            attempt()

    report = run_index(settings, embedder=hashing, rebuild=True)

    assert report.added == ["news-000.txt"]
    assert not {"newsbot_chunks", "newsbot_articles"} & collection_names(Store.open(settings)._client)
    assert_complete(open_store(settings, hashing), settings)
