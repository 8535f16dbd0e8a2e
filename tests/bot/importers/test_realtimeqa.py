"""RealTimeQA importer on a few invented records in its weekly format, written by the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import EXIT_OK, EXIT_USAGE, main
from bot.evaluation.testset import load_testset
from bot.importers.common import ImporterError
from bot.importers.realtimeqa import import_realtimeqa, parse_weeks, plain
from index.loaders import load_corpus

from .realtimeqa_sample import ARCHIVE, LIBRARY_URL, OTHER_WEEK, REGATTA_URL, write_sample


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_sample(tmp_path / "rtqa")


def test_archive_corpus_is_pooled_by_url_with_dates_sources_and_authors(sample: Path, tmp_path: Path) -> None:
    summary = import_realtimeqa(sample, ARCHIVE, tmp_path / "out")
    corpus = tmp_path / "out" / "corpus"
    assert sorted(p.name for p in corpus.iterdir()) == ["20250103.jsonl", "20250110.jsonl"]
    articles, failures = load_corpus([corpus], corpus, max_bytes=5_000_000)  # what `newsbot index` reads
    assert not failures
    by_url = {a.url: a for a in articles}
    assert summary.articles == len(articles) == 3  # the library story thrice in the results, once here
    library = by_url[LIBRARY_URL]
    assert library.id == f"url:{LIBRARY_URL}" and library.url == LIBRARY_URL and library.title == "Tallinn opens a floating library"
    assert (library.source, library.published_at[:10], library.author) == (
        "example-news.com", "2025-01-02", "Mari Tamm, Jaan Kask")
    assert by_url["https://news.example.net/archive/old"].published_at == ""  # no publish_date: undated
    assert by_url[REGATTA_URL].path == "20250110.jsonl" and by_url[REGATTA_URL].author == "Sports Desk"


def test_answerable_cases_carry_the_right_choice_the_date_and_tags(sample: Path, tmp_path: Path) -> None:
    summary = import_realtimeqa(sample, ARCHIVE, tmp_path / "out")
    cases = {c.id: c for c in load_testset(summary.testset).cases}
    assert list(cases) == ["rtqa-20250103_0", "rtqa-20250103_1", "rtqa-20250110_0"]
    library = cases["rtqa-20250103_0"]
    assert library.question == "Which city opened a floating library this week?"  # the link markup is gone
    assert library.expected_answers == [["Tallinn"]] and library.as_of == "2025-01-02"
    assert library.tags == ["realtimeqa", "week-20250103", "time"]
    assert cases["rtqa-20250103_1"].expected_answers == [["450"]] and "time" not in cases["rtqa-20250103_1"].tags
    assert cases["rtqa-20250110_0"].as_of == "2025-01-09" and "time" in cases["rtqa-20250110_0"].tags
    assert summary.refusals == 0 and summary.cases == 3


def test_refusal_cases_are_other_weeks_questions_whose_answer_is_nowhere(sample: Path, tmp_path: Path) -> None:
    summary = import_realtimeqa(sample, ARCHIVE, tmp_path / "out", refusal_weeks=OTHER_WEEK)
    refusals = [c for c in load_testset(summary.testset).cases if c.expect_refusal]
    # "TALLINN" is in the archive (case-insensitively): left out; the composer is nowhere
    assert [c.id for c in refusals] == ["rtqa-20250117_0"] and summary.refusals == 1
    assert refusals[0].as_of == "2025-01-11"  # the archive's last day: its newest article is after the last week
    assert refusals[0].tags == ["realtimeqa", "refusal", "week-20250117"]
    assert any("1 questions of --refusal-weeks" in n and "answer occurs in the archive" in n for n in summary.notes)


def test_malformed_lines_are_skipped_and_named(sample: Path, tmp_path: Path) -> None:
    summary = import_realtimeqa(sample, ARCHIVE, tmp_path / "out", refusal_weeks=OTHER_WEEK)
    skipped = "\n".join(n for n in summary.notes if n.startswith("skipped "))
    assert summary.skipped == 4
    assert "20250103_gcs.jsonl:2: not a JSON line" in skipped
    assert "20250103_gcs.jsonl:3: search_result[1] (https://www.example-news.com/no-text) has no text" in skipped
    assert "20250103_qa.jsonl:3: question 20250103_2: 'answer' ['7'] names none of its 2 choices" in skipped
    assert f"{OTHER_WEEK}_qa.jsonl:3: not a JSON object" in skipped


def test_weeks_are_validated_and_missing_files_named(sample: Path, tmp_path: Path) -> None:
    assert parse_weeks("20250103..20250117", "--weeks").names == ["20250103", "20250110", "20250117"]
    assert parse_weeks("20250103", "--weeks").names == ["20250103"]
    for bad, message in (("2025-01-03..2025-01-10", "YYYYMMDD..YYYYMMDD"), ("20250110..20250103", "TO is before"),
                         ("20250103..20250111", "7 days apart"), ("20250230", "not a date")):
        with pytest.raises(ImporterError, match=message):
            parse_weeks(bad, "--weeks")
    with pytest.raises(ImporterError, match=r"missing 2 week file\(s\): 20250124_qa.jsonl, 20250124_gcs.jsonl"):
        import_realtimeqa(sample, "20250103..20250124", tmp_path / "out")
    with pytest.raises(ImporterError, match="overlaps --weeks"):
        import_realtimeqa(sample, ARCHIVE, tmp_path / "out", refusal_weeks="20250110..20250117")
    assert not (tmp_path / "out").exists()  # nothing written on an error


def test_corpus_files_are_sharded_under_the_size_bound(sample: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("bot.importers.realtimeqa.SHARD_BYTES", 200)
    import_realtimeqa(sample, ARCHIVE, tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out" / "corpus").iterdir())
    assert names == ["20250103-2.jsonl", "20250103.jsonl", "20250110.jsonl"]  # one article per file here
    lines = [json.loads(x) for p in (tmp_path / "out" / "corpus").iterdir() for x in p.read_text().splitlines()]
    assert sorted(r["url"] for r in lines) == sorted({LIBRARY_URL, REGATTA_URL, "https://news.example.net/archive/old"})


def test_markup_is_stripped_from_questions() -> None:
    assert plain('A <a href="x">link</a> &amp; <b>bold</b>\n text') == "A link & bold text"
    assert plain("3 < 5 and 7 > 2") == "3 < 5 and 7 > 2"


def test_cli_import_realtimeqa(sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    argv = ["import", "realtimeqa", str(sample), "--weeks", ARCHIVE, "--refusal-weeks", OTHER_WEEK, "--out", str(out)]
    assert main(argv) == EXIT_OK
    printed = capsys.readouterr().out
    assert f"imported 3 articles into {out / 'corpus'} and 4 cases (1 refusals, 4 skipped)" in printed
    assert f"run it: newsbot eval {out / 'testset.yaml'} --corpus {out / 'corpus'}" in printed
    assert main(argv) == EXIT_USAGE  # an earlier import is kept unless --force
    assert "already holds an import" in capsys.readouterr().err
    assert main([*argv, "--force"]) == EXIT_OK
