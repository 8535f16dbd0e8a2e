"""benchmarks.stories on a tiny archive: a story told twice fills the top k without diversity, not with it."""

from __future__ import annotations

from pathlib import Path

import yaml

from benchmarks import stories
from bot.settings import Settings
from index.embedders import build_embedder
from index.indexer import run_index
from tests.factories import write_markdown
from tests.index.test_stories import FERRY, TRAIN


def test_the_benchmark_counts_repeated_stories_before_and_after(tmp_path: Path) -> None:
    for name, source, day, body in (("ferry.md", "Coast News", "2025-03-01", FERRY),
                                    ("ferry-copy.md", "Wire Service", "2025-03-02", FERRY),
                                    ("train.md", "National Post", "2025-02-20", TRAIN)):
        write_markdown(tmp_path / "corpus", name, body=body,
                       front_matter={"title": name, "source": source, "published_at": day})
    settings = Settings(_env_file=None, corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data",
                        chroma_path=tmp_path / "data" / "chroma", embed_backend="local",
                        embed_model="all-MiniLM-L6-v2", chunk_size=64, chunk_overlap=0)
    embedder = build_embedder(settings)
    assert run_index(settings, embedder=embedder).ok
    testset = tmp_path / "testset.yaml"
    testset.write_text(yaml.safe_dump({"cases": [
        {"id": "ferry", "question": "Why did Bluewater cancel the crossings to Marrow Island?",
         "expected_answers": ["tore two mooring posts"], "as_of": "2025-03-05"},
        {"id": "train-this-week", "question": "Which night train was announced this week?",
         "expected_answers": ["between the capital and the coast"], "as_of": "2025-02-21"},
    ]}))

    result = stories.measure(testset, 4, settings, embedder)

    assert result["groups"]["multi_member_groups"] == 1 and result["groups"]["articles_in_multi_member_groups"] == 2
    assert result["plain"]["repeat_share"] > 0 and result["diverse"]["repeat_share"] == 0
    assert result["diverse"]["answer_recall"] == 1.0
    assert result["scoped"]["questions"] == 1 and result["scoped"]["strict_kept"] == 1
    assert result["scoped"]["in_period_share"] == 1.0
    text = stories.report(result)
    assert "with more than one member: 1 (2 articles" in text and "ferry.md" in text
