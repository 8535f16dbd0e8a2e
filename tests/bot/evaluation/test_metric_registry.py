"""One metric registry: formatting, direction, and "–" (JSON null) for a metric no case measured, in
every report; docs/evaluation.md shows the registry's table."""

from __future__ import annotations

import json
import re

import pytest
from rich.console import Console

from bot.evaluation.metric_registry import METRICS, markdown_table, metric
from bot.evaluation.metrics import evaluate
from bot.evaluation.report import EvalRun, RunInfo, summary_table, tags_table, to_json, to_markdown
from bot.evaluation.report_html import to_html
from bot.evaluation.thresholds import parse_threshold

from .factories import ROOT, article_text, case, record, refused


def test_formatting_and_direction() -> None:
    share, ms = metric("answer_stated"), metric("latency_p95_ms")
    assert (share.format(0.875), share.format(0.875, digits=0), share.format(None)) == ("87.5%", "88%", "–")
    assert (ms.format(1234.4), ms.format(None)) == ("1234 ms", "–")
    assert (share.format_delta(0.05), share.format_delta(-0.125), ms.format_delta(-12.2)) == ("+5.0 pp", "-12.5 pp",
                                                                                            "-12 ms")
    assert (share.verdict(0.05), share.verdict(-0.05), share.verdict(0.0), share.verdict(None)) == (
        "better", "worse", "same", None)
    assert (ms.verdict(10.0), ms.verdict(-10.0), ms.verdict(0.2)) == ("worse", "better", "same")
    assert metric("hit@k").label(3) == "hit@3" and metric("hit@k").heading(3) == "Retrieval hit@3"
    assert [m.name for m in METRICS if m.lower_is_better] == ["latency_p50_ms", "latency_p95_ms"]


def test_gates_know_every_registry_metric() -> None:
    for m in METRICS:
        kind = "max" if m.lower_is_better else "min"
        assert parse_threshold(f"{m.label(5)}=0.5", kind, k=5).metric == m.name
    assert parse_threshold("hit@1=0.8", "min", k=5).metric == "hit@1"  # its own metric at any k


def unmeasured_run() -> EvalRun:
    """Only a refusal case: retrieval and answer metrics have no case to measure them."""
    c = case(id="australia", question="What is the capital of Australia?", expect_refusal=True, tags=["refusal"])
    ev = evaluate([record(c, refused(c.question))], k=5, article_text=article_text)
    info = RunInfo(files=["x.yaml"], mode="offline", k=5, started_at="2025-01-01T00:00:00+00:00")
    return EvalRun(info=info, evaluation=ev, records=[record(c, refused(c.question))])


@pytest.mark.parametrize("name", ["hit@1", "hit@k", "answer_stated", "answer_contains", "citation_precision"])
def test_a_metric_with_no_cases_is_a_dash_never_zero(name: str) -> None:
    run = unmeasured_run()
    m = metric(name)
    assert run.evaluation.metrics[name] is None
    assert json.loads(json.dumps(to_json(run)))["metrics"][name] is None

    console = Console(record=True, width=120, color_system=None)
    console.print(summary_table(run), tags_table(run))
    text = console.export_text()
    assert re.search(rf"{re.escape(m.label(5))}\s+│\s+–", text), text
    assert f"| {m.label(5)} | – |" in to_markdown(run)
    card = re.search(rf'<div class="card" data-metric="{re.escape(name)}">.*?<div class="value">(.*?)</div>', to_html(run))
    assert card and card.group(1) == "–"


def test_docs_show_the_registry_table() -> None:
    doc = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    assert markdown_table() in doc
