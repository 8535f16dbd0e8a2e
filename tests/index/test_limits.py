"""Sizes the store must survive: an article of more chunks than Chroma takes in one write, and the
per-article chunk cap (MAX_CHUNKS_PER_ARTICLE). Real files, a real embedded Chroma."""

from __future__ import annotations

from pathlib import Path

from index.indexer import run_index
from index.store import Store
from tests.factories import news_body, write_article, write_news_corpus
from tests.index.conftest import HashingEmbedder
from tests.index.invariants import assert_complete, committed, open_store

ONE_CHUNK_EACH = {"chunk_size": 32, "chunk_overlap": 0}


def long_report(paragraphs: int) -> str:
    """`paragraphs` paragraphs of about 25 tokens: one chunk each at CHUNK_SIZE 32."""
    return "\n\n".join(f"Paragraph {n}: the harbour authority said that ships waited "
                       "for hours before the storm passed over the bay." for n in range(paragraphs))


def test_an_article_of_more_chunks_than_one_chroma_write_takes_is_indexed_and_deleted(
        make_settings, corpus_dir: Path, hashing: HashingEmbedder) -> None:
    settings = make_settings(max_chunks_per_article=20_000, **ONE_CHUNK_EACH)
    limit = Store.open(settings)._client.get_max_batch_size()
    write_article(corpus_dir, "long.txt", title="Long report", body=long_report(limit + 50))
    write_news_corpus(corpus_dir, 2)

    first = run_index(settings, embedder=hashing)

    assert first.ok, first.failed
    assert sorted(first.added) == ["long.txt", "news-000.txt", "news-001.txt"]
    assert first.chunks_added > limit
    assert_complete(open_store(settings, hashing), settings)

    (corpus_dir / "long.txt").unlink()  # an update deletes the old chunks the same way
    second = run_index(settings, embedder=hashing)

    assert second.deleted == ["long.txt"] and second.chunks_deleted > limit
    assert_complete(open_store(settings, hashing), settings)


def test_an_article_over_the_chunk_cap_fails_alone_and_reruns_report_it_again(
        make_settings, corpus_dir: Path, hashing: HashingEmbedder) -> None:
    settings = make_settings(max_chunks_per_article=5, **ONE_CHUNK_EACH)
    write_article(corpus_dir, "grows.txt", title="Grows", body=news_body(1, 2))
    write_news_corpus(corpus_dir, 2)
    run_index(settings, embedder=hashing)
    indexed = committed(open_store(settings, hashing))["grows.txt"]

    write_article(corpus_dir, "grows.txt", title="Grows", body=long_report(9))
    write_article(corpus_dir, "huge.txt", title="Huge", body=long_report(12))
    write_article(corpus_dir, "fits.txt", title="Fits", body=long_report(5))
    for _ in range(2):
        report = run_index(settings, embedder=hashing)

        assert [Path(f.path).name for f in report.failed] == ["grows.txt", "huge.txt"]
        assert not report.ok
        for failure, chunks in zip(report.failed, (9, 12)):
            assert f"{chunks} chunks" in failure.reason and "over the limit of 5" in failure.reason
            assert "MAX_CHUNKS_PER_ARTICLE" in failure.reason and "split" in failure.reason
        store = open_store(settings, hashing)
        state = committed(store)
        assert state["grows.txt"] == indexed, "the indexed version of a file that now fails is kept"
        assert "huge.txt" not in state and "fits.txt" in state
        assert store.state()["dirty"] == 0


def test_a_run_whose_only_change_fails_keeps_the_generation(make_settings, corpus_dir: Path,
                                                             hashing: HashingEmbedder) -> None:
    settings = make_settings(max_chunks_per_article=5, **ONE_CHUNK_EACH)
    write_news_corpus(corpus_dir, 2)
    run_index(settings, embedder=hashing)
    before = open_store(settings, hashing).current_version()

    write_article(corpus_dir, "huge.txt", title="Huge", body=long_report(12))
    report = run_index(settings, embedder=hashing)

    assert [Path(f.path).name for f in report.failed] == ["huge.txt"]
    assert open_store(settings, hashing).current_version() == before  # catalogue snapshots stay valid


def test_an_article_the_chunker_fails_on_fails_alone_and_names_its_file(
        make_settings, corpus_dir: Path, hashing: HashingEmbedder, monkeypatch) -> None:
    """A bug met by one article (here the chunker raising) is that article's failure, not the run's."""
    from index.chunker import Chunker

    settings = make_settings()
    write_news_corpus(corpus_dir, 3)
    write_article(corpus_dir, "odd.txt", title="Odd", body=news_body(9, 2))
    chunk = Chunker.chunk

    def failing(self, article):
        if article.id == "odd.txt":
            raise ValueError("an offset past the end of the text")
        return chunk(self, article)

    monkeypatch.setattr(Chunker, "chunk", failing)
    report = run_index(settings, embedder=hashing)

    assert [Path(f.path).name for f in report.failed] == ["odd.txt"]
    assert "could not be split into passages (ValueError: an offset past the end" in report.failed[0].reason
    store = open_store(settings, hashing)
    assert len(report.added) == 3 and "odd.txt" not in committed(store) and store.state()["dirty"] == 0
