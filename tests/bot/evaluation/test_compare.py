"""Comparing a run with an earlier run's JSON: metric deltas with direction, cases newly failing/passing,
cases on one side only, and clear errors for a BASE that is not an eval result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from bot.evaluation.compare import BaselineError, compare, comparison_table, comparison_text, load_baseline
from bot.evaluation.metrics import evaluate
from bot.evaluation.report import EvalRun, RunInfo, to_markdown, write_json
from bot.evaluation.report_html import to_html

from .factories import answered, article_text, case, record

DAYS_QUOTE = "Putin added, sighing deeply in response to Troupanov telling him that he was held in Gaza for 498 days."
DAYS = dict(question="How long was Sasha Troufanov held in Gaza?", expected_answers=["498 days"],
            expected_sources=["putin-hosts-ex-hostages"])


def make_run(outcomes: dict[str, bool], k: int = 5, ms: float = 40.0) -> EvalRun:
    """A run whose cases pass or fail as asked (a right or a wrong quote), answered in `ms`."""
    records = []
    for cid, passes in outcomes.items():
        c = case(id=cid, **DAYS)
        quote = DAYS_QUOTE if passes else "Heavy rain is expected in Moscow on Thursday, forecasters said."
        records.append(record(c, answered(c.question, [quote], total_ms=ms,
                                          article_id="putin-hosts-ex-hostages.txt" if passes else "weather.txt")))
    ev = evaluate(records, k=k, article_text=article_text)
    info = RunInfo(files=["x.yaml"], mode="offline", k=k, started_at="2025-01-01T00:00:00+00:00")
    return EvalRun(info=info, evaluation=ev, records=records)


@pytest.fixture
def base_json(tmp_path: Path) -> Path:
    path = tmp_path / "base.json"
    write_json(make_run({"a": True, "b": False, "c": True, "e": True}, ms=40.0), path)
    return path


def test_cases_that_newly_fail_or_pass_and_one_sided_cases(base_json: Path) -> None:
    now = make_run({"a": False, "b": True, "d": True, "e": True}, ms=30.0)
    c = compare(now.evaluation, load_baseline(base_json))
    assert (c.newly_failing, c.newly_passing, c.only_in_base, c.only_in_run) == (["a"], ["b"], ["c"], ["d"])
    changes = {m.name: m for m in c.metrics}
    assert changes["pass_rate"].base == 0.75 and changes["pass_rate"].now == 0.75 and changes["pass_rate"].verdict == "same"
    assert changes["latency_p50_ms"].delta == pytest.approx(-10.0) and changes["latency_p50_ms"].verdict == "better"
    assert changes["refusal_recall"].delta is None and changes["refusal_recall"].verdict is None  # measured nowhere


def test_direction_of_a_worse_run(base_json: Path) -> None:
    c = compare(make_run({"a": False, "b": False}, ms=90.0).evaluation, load_baseline(base_json))
    changes = {m.name: m for m in c.metrics}
    assert changes["answer_contains"].verdict == "worse" and changes["latency_p95_ms"].verdict == "worse"
    assert c.newly_failing == ["a"] and c.only_in_base == ["c", "e"]


def test_another_k_does_not_compare_k_metrics(base_json: Path) -> None:
    c = compare(make_run({"a": True}, k=3).evaluation, load_baseline(base_json))
    changes = {m.name: m for m in c.metrics}
    assert changes["hit@k"].delta is None and changes["hit@1"].delta is not None
    assert c.notes == ["BASE used k=5 and this run k=3: hit@k and mrr@k are not compared"]


def test_the_comparison_is_in_every_report(base_json: Path) -> None:
    run = make_run({"a": False, "b": True, "d": True})
    run.comparison = compare(run.evaluation, load_baseline(base_json))
    md = to_markdown(run)
    assert f"## Compared with `{base_json}`" in md
    assert "### Newly failing (1)\n\n`a`" in md and "### Newly passing (1)\n\n`b`" in md
    assert "### Only in BASE (2)\n\n`c`, `e`" in md
    assert "| pass_rate | 75.0% | 66.7% | -8.3 pp | worse |" in md
    page = to_html(run)
    assert '<section id="compare">' in page and '<ul class="ids" id="newly-failing"><li><code>a</code>' in page
    assert '<td class="worse">worse</td>' in page
    console = Console(record=True, width=120, color_system=None)
    console.print(comparison_table(run.comparison), comparison_text(run.comparison))
    text = console.export_text()
    assert "Newly failing (1): a" in text and "Only in this run (1): d" in text and "-8.3 pp" in text
    assert json.loads(json.dumps(run.model_dump(mode="json")))["comparison"]["newly_failing"] == ["a"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    ("cases:\n  - id: a\n", "not JSON"),
    ("[1, 2]", "not an eval result (no 'k', 'metrics' and 'cases')"),
    ('{"k": 5, "metrics": {}, "cases": [{"id": "a"}]}', "not an eval result ('cases.0.passed': Field required)"),
])
def test_a_base_that_is_not_an_eval_json_names_the_file(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "base.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as info:
        load_baseline(path)
    assert str(info.value).startswith(f"--compare {path}: {message}")
    assert "newsbot eval … --json" in str(info.value)
