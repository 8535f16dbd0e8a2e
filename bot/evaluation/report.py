"""A finished run: its records and scores, as JSON, Markdown, a rich summary, or HTML (report_html)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from rich.table import Table
from rich.text import Text

from bot.evaluation.metrics import LOWER_IS_BETTER, METRIC_NAMES, CaseScore, Evaluation, metric_label
from bot.evaluation.records import CaseRecord, TurnRecord
from bot.evaluation.testset import Expectation

METRIC_TITLES: dict[str, str] = {
    "pass_rate": "Cases passed",
    "hit@k": "Retrieval hit@k",
    "mrr@k": "Retrieval MRR@k",
    "answer_contains": "Answer contains expected",
    "answer_f1": "Answer token F1",
    "quote_fidelity": "Quote fidelity",
    "citation_precision": "Citation precision",
    "refusal_precision": "Refusal precision",
    "refusal_recall": "Refusal recall",
    "latency_p50_ms": "Latency p50",
    "latency_p95_ms": "Latency p95",
}


class RunInfo(BaseModel):
    files: list[str]
    mode: str
    k: int
    started_at: str
    seconds: float = 0.0
    corpus: str | None = None
    notes: list[str] = Field(default_factory=list)


class EvalRun(BaseModel):
    info: RunInfo
    evaluation: Evaluation
    records: list[CaseRecord]

    def pairs(self) -> list[tuple[CaseRecord, CaseScore]]:
        return list(zip(self.records, self.evaluation.cases, strict=True))


def fmt_metric(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if name in LOWER_IS_BETTER:
        return f"{value:.0f} ms"
    return f"{value * 100:.1f}%"


def expected_text(exp: Expectation | None) -> str:
    if exp is None:
        return "(no check: sets up the conversation)"
    parts: list[str] = []
    if exp.expect_refusal:
        parts.append("a refusal")
    if exp.expected_answers:
        parts.append("answer: " + " | ".join(" / ".join(g) for g in exp.expected_answers))
    if exp.expected_sources:
        parts.append("sources: " + ", ".join(exp.expected_sources))
    return "; ".join(parts)


def got_text(turn: TurnRecord, quote_chars: int = 160) -> str:
    """The answer as the user saw it: text, then each quote (shortened) with its [n]."""
    if turn.result is None:
        return f"error: {turn.error}"
    r = turn.result
    parts = [("REFUSED: " if r.refused else "") + " ".join(r.answer.split())]
    for c in r.citations:
        quote = " ".join(c.quote.split())
        if len(quote) > quote_chars:
            quote = quote[: quote_chars - 1] + "…"
        parts.append(f"[{c.n}] “{quote}” ({c.article_id})")
    return " ".join(parts)


# --- JSON ------------------------------------------------------------------------------


def _turn_json(turn: TurnRecord, score: Any) -> dict[str, Any]:
    r = turn.result
    return {
        "question": turn.question,
        "expected": turn.expectation.model_dump() if turn.expectation else None,
        "error": turn.error,
        "latency_ms": round(turn.latency_ms, 2),
        "result": r.model_dump(mode="json") if r else None,
        "score": score.model_dump(mode="json"),
    }


def to_json(run: EvalRun) -> dict[str, Any]:
    ev = run.evaluation
    return {
        "info": run.info.model_dump(mode="json"),
        "k": ev.k,
        "quotes_checked": ev.quotes_checked,
        "metrics": ev.metrics,
        "per_tag": {tag: {"cases": ev.tag_counts[tag], **m} for tag, m in ev.per_tag.items()},
        "cases": [
            {
                "id": rec.case.id,
                "tags": rec.case.tags,
                "origin": rec.case.origin,
                "passed": score.passed,
                "reasons": score.reasons,
                "turns": [_turn_json(t, s) for t, s in zip(rec.turns, score.turns, strict=True)],
            }
            for rec, score in run.pairs()
        ],
    }


def write_json(run: EvalRun, path: str | Path) -> None:
    Path(path).write_text(json.dumps(to_json(run), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- Markdown ------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell or list item."""
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(run: EvalRun) -> str:
    ev, info = run.evaluation, run.info
    k = ev.k
    passed = sum(c.passed for c in ev.cases)
    lines = [
        "# newsbot evaluation",
        "",
        f"- Test sets: {', '.join(f'`{f}`' for f in info.files)}",
        f"- Mode: {info.mode}; k = {k}; started {info.started_at}; {info.seconds:.1f} s",
        f"- Cases: {len(ev.cases)}, passed {passed}, failed {len(ev.cases) - passed}",
    ]
    if info.corpus:
        lines.append(f"- Corpus: `{info.corpus}` (indexed into a temporary index)")
    lines += [f"- Note: {_md(n)}" for n in info.notes]
    lines += ["", "## Metrics", "", "| Metric | Value |", "|---|---|"]
    lines += [f"| {metric_label(n, k)} | {fmt_metric(n, ev.metrics.get(n))} |" for n in METRIC_NAMES]
    if ev.per_tag:
        cols = [n for n in METRIC_NAMES if n not in LOWER_IS_BETTER]
        lines += ["", "## Per tag", "", "| Tag | Cases | " + " | ".join(metric_label(c, k) for c in cols) + " |"]
        lines.append("|---|---|" + "---|" * len(cols))
        for tag, m in ev.per_tag.items():
            lines.append(f"| {_md(tag)} | {ev.tag_counts[tag]} | " + " | ".join(fmt_metric(c, m[c]) for c in cols) + " |")
    failed = [(r, s) for r, s in run.pairs() if not s.passed]
    lines += ["", f"## Failing cases ({len(failed)})", ""]
    if not failed:
        lines.append("None.")
    for rec, score in failed:
        tags = f" ({', '.join(rec.case.tags)})" if rec.case.tags else ""
        lines += [f"### {_md(rec.case.id)}{tags}", ""]
        for i, (turn, ts) in enumerate(zip(rec.turns, score.turns, strict=True), start=1):
            prefix = f"Turn {i} — " if len(rec.turns) > 1 else ""
            lines.append(f"- {prefix}**Question:** {_md(turn.question)}")
            lines.append(f"  - **Expected:** {_md(expected_text(turn.expectation))}")
            lines.append(f"  - **Got:** {_md(got_text(turn))}")
            lines += [f"  - ✗ {_md(r)}" for r in ts.reasons]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(run: EvalRun, path: str | Path) -> None:
    Path(path).write_text(to_markdown(run), encoding="utf-8")


# --- console -----------------------------------------------------------------------------------

TAG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("pass_rate", "pass"),
    ("hit@k", "hit@k"),
    ("answer_contains", "contains"),
    ("quote_fidelity", "quotes"),
    ("refusal_recall", "refusal R"),
)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def summary_table(run: EvalRun) -> Table:
    """Every metric, overall."""
    ev = run.evaluation
    passed = sum(c.passed for c in ev.cases)
    table = Table(title=f"newsbot eval — {passed}/{len(ev.cases)} cases passed (mode {run.info.mode}, k={ev.k})")
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    for name in METRIC_NAMES:
        table.add_row(metric_label(name, ev.k), fmt_metric(name, ev.metrics.get(name)))
    return table


def tags_table(run: EvalRun) -> Table | None:
    """The key metrics per tag, narrow enough for an 80-column terminal."""
    ev = run.evaluation
    if not ev.per_tag:
        return None
    table = Table(title="Per tag")
    table.add_column("Tag")
    table.add_column("cases", justify="right")
    for _, header in TAG_COLUMNS:
        table.add_column(header.replace("@k", f"@{ev.k}"), justify="right")
    for tag, m in ev.per_tag.items():
        table.add_row(Text(tag), str(ev.tag_counts[tag]), *(_pct(m.get(name)) for name, _ in TAG_COLUMNS))
    return table


def failures_text(run: EvalRun, limit: int = 50) -> Text | None:
    """Each failing case: the failing turn's question, what was expected, what came back, and why."""
    failed = [(r, s) for r, s in run.pairs() if not s.passed]
    if not failed:
        return None
    out = Text()
    out.append(f"Failing cases ({len(failed)})\n", style="bold")
    for rec, score in failed[:limit]:
        i = next((n for n, t in enumerate(score.turns) if not t.passed), len(rec.turns) - 1)
        turn = rec.turns[i]
        where = f" (turn {i + 1}/{len(rec.turns)})" if len(rec.turns) > 1 else ""
        out.append("✗ ", style="bold red")
        out.append(f"{rec.case.id}{where}: ", style="bold")
        out.append(turn.question + "\n")
        out.append("    expected: ", style="dim")
        out.append(expected_text(turn.expectation) + "\n")
        out.append("    got:      ", style="dim")
        out.append(got_text(turn) + "\n")
        for reason in score.reasons:
            out.append("    why:      ", style="dim")
            out.append(reason + "\n", style="red")
    if len(failed) > limit:
        out.append(f"… and {len(failed) - limit} more (see --report / --html / --json)\n", style="dim")
    return out


def write_html(run: EvalRun, path: str | Path) -> None:
    from bot.evaluation.report_html import to_html

    Path(path).write_text(to_html(run), encoding="utf-8")
