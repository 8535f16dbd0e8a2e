"""Reports: Markdown lists failing cases; JSON carries everything; HTML escapes what it shows; ragas export."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.evaluation.metric_registry import METRICS
from bot.evaluation.metrics import evaluate
from bot.evaluation.ragas import REFUSAL_REFERENCE, export_ragas
from rich.console import Console

from bot.evaluation.report import EvalRun, RunInfo, failures_text, summary_table, tags_table, to_json, to_markdown
from bot.evaluation.report_html import to_html

from .factories import answered, article_text, case, record, refused

DAYS_QUOTE = "Putin added, sighing deeply in response to Troupanov telling him that he was held in Gaza for 498 days."
HOSTILE = "<script>alert('x')</script> & <b>bold</b> [red]not markup[/red]"


def sample_run() -> EvalRun:
    passing = case(id="days", question="How long was Sasha Troufanov held in Gaza?", expected_answers=["498 days"],
                   expected_sources=["putin-hosts-ex-hostages"], tags=["number"])
    failing = case(id="rabbi", question=f"Who is the Chief Rabbi? {HOSTILE}", expected_answers=["Berel Lazar"],
                   expected_sources=["putin-hosts-ex-hostages"], tags=["person", "<tag>"])
    refusal = case(id="australia", question="What is the capital of Australia?", expect_refusal=True, tags=["refusal"])
    follow = case(id="follow", tags=["followup"], turns=["Who is Maxim Herkin?", "How old was he?"], expected_answers=["35"])
    bad = answered(failing.question, [DAYS_QUOTE])
    bad.citations[0].url = "javascript:alert(1)"
    records = [
        record(passing, answered(passing.question, [DAYS_QUOTE])),
        record(failing, bad),
        record(refusal, refused(refusal.question)),
        record(follow, answered("Who is Maxim Herkin?", ["Maxim Herkin, a current Israeli hostage"]),
               answered("How old was he?", ["Herkin, who was 35 at the time of his abduction"])),
    ]
    ev = evaluate(records, k=5, article_text=article_text)
    info = RunInfo(files=["evals/x.yaml"], mode="offline", k=5, started_at="2025-01-01T00:00:00+00:00", seconds=1.5)
    return EvalRun(info=info, evaluation=ev, records=records)


def test_markdown_lists_failing_cases_with_question_expected_and_got() -> None:
    md = to_markdown(sample_run())
    assert "| Retrieval hit@5 |" not in md and "| hit@5 | 100.0% |" in md
    assert "## Failing cases (1)" in md and "### rabbi" in md and "### days" not in md
    assert "**Expected:** answer: Berel Lazar; sources: putin-hosts-ex-hostages" in md
    assert "**Got:** From the article:" in md and "498 days" in md
    assert "| refusal | 1 |" in md


def test_json_has_metrics_per_tag_and_every_turn() -> None:
    data = json.loads(json.dumps(to_json(sample_run())))
    assert data["metrics"]["pass_rate"] == 0.75 and data["per_tag"]["person"]["cases"] == 1
    by_id = {c["id"]: c for c in data["cases"]}
    assert by_id["rabbi"]["passed"] is False and by_id["rabbi"]["reasons"]
    assert len(by_id["follow"]["turns"]) == 2 and by_id["follow"]["turns"][0]["expected"] is None
    assert by_id["days"]["turns"][0]["result"]["citations"][0]["quote"] == DAYS_QUOTE


def test_html_escapes_dynamic_text_and_links_only_http() -> None:
    page = to_html(sample_run())
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;tag&gt;" in page and "javascript:" not in page
    assert page.count('<details class="case') == 4 and len(re.findall(r'class="card[ "]', page)) == len(METRICS)
    assert "<svg" in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<link" not in page and "src=" not in page  # nothing external


def test_ragas_export_has_the_four_fields(tmp_path: Path) -> None:
    out = tmp_path / "ragas.jsonl"
    assert export_ragas(sample_run(), out) == 4
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    days = rows["days"]
    assert days["user_input"] == "How long was Sasha Troufanov held in Gaza?"
    assert days["retrieved_contexts"] == [DAYS_QUOTE]
    assert "498 days" in days["response"] and days["reference"] == "498 days"
    assert rows["australia"]["reference"] == REFUSAL_REFERENCE and rows["australia"]["retrieved_contexts"] == []
    assert rows["follow"]["user_input"] == "How old was he?" and len(rows["follow"]["conversation"]) == 2


def test_console_summary_lists_failures_without_interpreting_markup() -> None:
    console = Console(record=True, width=80, color_system=None)
    run = sample_run()
    for part in (summary_table(run), tags_table(run), failures_text(run)):
        console.print(part)
    text = console.export_text()
    assert "3/4 cases passed" in text and "hit@5" in text and "100.0%" in text
    assert "Failing cases (1)" in text and "✗ rabbi: Who is the Chief Rabbi?" in text
    assert "[red]not markup[/red]" in text  # shown literally, not as rich markup
    assert "expected: answer: Berel Lazar; sources: putin-hosts-ex-hostages" in text
    assert "why:      none of the expected answers" in text
