"""The same story told twice (a syndicated copy): one quote, and the other outlet as "also reported by"."""

from __future__ import annotations

from pathlib import Path

from bot.engine import build_engine
from index.indexer import run_index
from tests.bot.answer.conftest import _settings

STORY = ("The city council of Riverton approved a plan on Tuesday to build a new bridge over the Elm River. "
         "The bridge will cost 45 million dollars and should open in 2028, the mayor said.\n\n"
         "Residents have asked for a second crossing for more than a decade, since floods closed the old one.\n")


def _article(folder: Path, name: str, source: str, day: str) -> None:
    (folder / name).write_text(f"---\ntitle: Riverton approves a new bridge\nsource: {source}\n"
                               f"published_at: {day}\n---\n{STORY}", encoding="utf-8")


def test_a_syndicated_copy_is_quoted_once_and_named_as_also_reporting(tmp_path: Path, answer_embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _article(corpus, "wire.md", "Wire Service", "2026-01-06")
    _article(corpus, "local.md", "Riverton Gazette", "2026-01-07")
    (corpus / "other.md").write_text("---\ntitle: Weather\nsource: Riverton Gazette\npublished_at: 2026-01-07\n---\n"
                                     "Snow is expected in the hills on Friday, and the ski lifts will open.\n",
                                     encoding="utf-8")
    settings = _settings(tmp_path)
    assert run_index(settings, embedder=answer_embedder).ok
    engine = build_engine(settings, embedder=answer_embedder)
    try:
        result = engine.ask("How much will the new bridge over the Elm River cost?")
        assert not result.refused
        cited = {c.article_id for c in result.citations}
        assert len(cited) == 1  # one of the copies is quoted…
        first = result.citations[0]
        assert first.source == "Riverton Gazette"  # …the newer one, as they are equally good
        assert [r.source for r in first.also_reported_by] == ["Wire Service"]  # …and the other named
        assert all(p.source != "Wire Service" for p in result.passages)  # the copy never fills the top k
    finally:
        engine.close()
