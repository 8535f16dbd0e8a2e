"""MultiHop-RAG importer on small files of the same schema, written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.evaluation.testset import load_testset
from bot.importers.common import ImporterError
from bot.importers.multihop import import_multihop

CORPUS = [
    {"title": "Rain returns to Moscow", "body": "Heavy rain is expected in Moscow on Thursday, forecasters said.",
     "source": "Example Weather", "url": "https://weather.example/rain", "published_at": "2023-10-02T09:00:00+00:00",
     "author": "A. Writer", "category": "weather"},
    {"title": "Rain returns to Moscow", "body": "A second story with the same title: the rain stopped on Friday.",
     "source": "Other Daily", "url": "https://other.example/rain", "published_at": "2023-10-03", "author": "", "category": "weather"},
    {"title": "Council approves park", "body": "The city council approved a riverside park on Tuesday.",
     "source": "City News", "url": "https://city.example/park", "published_at": "2023-09-30", "author": None, "category": "local"},
]
QUERIES = [
    {"query": "Which outlet reported rain in Moscow on Thursday and what did the council approve?",
     "answer": "riverside park", "question_type": "inference_query",
     "evidence_list": [{"title": "Rain returns to Moscow", "url": "https://weather.example/rain", "source": "Example Weather",
                        "fact": "Heavy rain is expected in Moscow on Thursday"},
                       {"title": "Council approves park", "url": "https://city.example/park", "source": "City News",
                        "fact": "approved a riverside park"}]},
    {"query": "Did it rain on Mars according to City News?", "answer": "Insufficient information.",
     "question_type": "null_query", "evidence_list": []},
    {"query": "Did the rain stop on Friday?", "answer": "Yes", "question_type": "temporal_query",
     "evidence_list": [{"title": "Rain returns to Moscow", "url": "https://missing.example/x", "source": "Other Daily", "fact": "…"}]},
]


def write(tmp_path: Path, corpus: object = CORPUS, queries: object = QUERIES) -> tuple[Path, Path]:
    c, q = tmp_path / "corpus.json", tmp_path / "MultiHop-RAG.json"
    c.write_text(json.dumps(corpus), encoding="utf-8")
    q.write_text(json.dumps(queries), encoding="utf-8")
    return c, q


def test_multihop_becomes_articles_and_cases(tmp_path: Path) -> None:
    c, q = write(tmp_path)
    summary = import_multihop(c, q, tmp_path / "out")
    assert (summary.articles, summary.cases, summary.refusals) == (3, 3, 1)
    files = sorted(p.name for p in (tmp_path / "out" / "corpus").glob("*.json"))
    assert files == ["council-approves-park.json", "rain-returns-to-moscow-2.json", "rain-returns-to-moscow.json"]
    first = json.loads((tmp_path / "out" / "corpus" / "rain-returns-to-moscow.json").read_text(encoding="utf-8"))
    assert first == CORPUS[0]  # every field kept as given
    park = json.loads((tmp_path / "out" / "corpus" / "council-approves-park.json").read_text(encoding="utf-8"))
    assert "author" not in park  # empty fields are left out
    cases = load_testset(summary.testset).cases
    inference, null, temporal = cases
    assert inference.id == "mh-0001" and inference.expected_answers == [["riverside park"]]
    assert inference.expected_sources == ["https://weather.example/rain", "https://city.example/park"]
    assert inference.tags == ["multihop", "inference_query"]
    assert null.expect_refusal and not null.expected_answers and null.tags == ["multihop", "null_query"]
    assert temporal.expected_answers == [["Yes"]]
    assert summary.notes == ["1 evidence references name no article of corpus.json"]


@pytest.mark.parametrize(
    ("corpus", "queries", "message"),
    [
        ({"title": "x"}, QUERIES, "expected a JSON list of articles"),
        ([{"title": "x", "body": "  "}], QUERIES, r"record \[0\] has no 'body' text"),
        (CORPUS, [{"answer": "x"}], r"query \[0\] has no 'query' text"),
        (CORPUS, [{"query": "q?", "answer": ""}], r"query \[0\] has no 'answer'"),
    ],
)
def test_bad_multihop_input_is_explained(tmp_path: Path, corpus: object, queries: object, message: str) -> None:
    c, q = write(tmp_path, corpus, queries)
    with pytest.raises(ImporterError, match=message):
        import_multihop(c, q, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_cli_import_multihop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c, q = write(tmp_path)
    assert main(["import", "multihop", str(c), str(q), "--out", str(tmp_path / "out"), "--limit", "2"]) == 0
    assert "2 cases (1 refusals" in capsys.readouterr().out
    assert len(load_testset(tmp_path / "out" / "testset.yaml").cases) == 2
