"""A finished run: its records and scores, as JSON, Markdown and a rich summary (HTML: report_html)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from rich.table import Table
from rich.text import Text

from bot.evaluation.cases import Expectation
from bot.evaluation.compare import Comparison, comparison_markdown
from bot.evaluation.metric_registry import METRICS, metric
from bot.evaluation.metrics import CaseScore, Evaluation
from bot.evaluation.records import CaseRecord, TurnRecord

#: the metrics of the per-tag table in the terminal (narrow enough for 80 columns)
TAG_COLUMNS: tuple[str, ...] = ("pass_rate", "hit@k", "answer_contains", "answer_stated", "quote_fidelity",
                                "refusal_recall")


class RunInfo(BaseModel):
    files: list[str]
    mode: str
    k: int
    started_at: str
    seconds: float = 0.0
    corpus: str | None = None
    as_of: str | None = Field(None, description="--as-of: the reference date of cases without their own as_of.")
    notes: list[str] = Field(default_factory=list)


class EvalRun(BaseModel):
    info: RunInfo
    evaluation: Evaluation
    records: list[CaseRecord]
    comparison: Comparison | None = None  # with --compare BASE.json

    def pairs(self) -> list[tuple[CaseRecord, CaseScore]]:
        return list(zip(self.records, self.evaluation.cases, strict=True))


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
        "comparison": run.comparison.model_dump(mode="json") if run.comparison else None,
        "cases": [
            {
                "id": rec.case.id,
                "tags": rec.case.tags,
                "origin": rec.case.origin,
                "as_of": rec.case.as_of,
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
    if info.as_of:
        lines.append(f"- As of: {info.as_of} (cases without their own `as_of`)")
    lines += [f"- Note: {_md(n)}" for n in info.notes]
    lines += ["", "## Metrics", "", "| Metric | Value |", "|---|---|"]
    lines += [f"| {m.label(k)} | {m.format(ev.metrics.get(m.name))} |" for m in METRICS]
    if run.comparison is not None:
        lines += comparison_markdown(run.comparison, _md)
    if ev.per_tag:
        cols = [m for m in METRICS if not m.lower_is_better]
        lines += ["", "## Per tag", "", "| Tag | Cases | " + " | ".join(m.label(k) for m in cols) + " |"]
        lines.append("|---|---|" + "---|" * len(cols))
        for tag, values in ev.per_tag.items():
            lines.append(f"| {_md(tag)} | {ev.tag_counts[tag]} | "
                         + " | ".join(m.format(values.get(m.name)) for m in cols) + " |")
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

def summary_table(run: EvalRun) -> Table:
    """Every metric, overall."""
    ev = run.evaluation
    passed = sum(c.passed for c in ev.cases)
    table = Table(title=f"newsbot eval — {passed}/{len(ev.cases)} cases passed (mode {run.info.mode}, k={ev.k})")
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    for m in METRICS:
        table.add_row(m.label(ev.k), m.format(ev.metrics.get(m.name)))
    return table


def tags_table(run: EvalRun) -> Table | None:
    """The key metrics per tag, narrow enough for an 80-column terminal."""
    ev = run.evaluation
    if not ev.per_tag:
        return None
    table = Table(title="Per tag")
    table.add_column("Tag")
    table.add_column("cases", justify="right")
    columns = [metric(name) for name in TAG_COLUMNS]
    for m in columns:
        table.add_column(m.column(ev.k), justify="right")
    for tag, values in ev.per_tag.items():
        table.add_row(Text(tag), str(ev.tag_counts[tag]), *(m.format(values.get(m.name), digits=0) for m in columns))
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
