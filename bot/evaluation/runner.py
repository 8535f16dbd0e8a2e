"""Run test cases through an engine (the same one the bot uses), conversation by conversation."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.answer.result import AnswerResult, Turn
from bot.evaluation.metrics import ArticleText
from bot.evaluation.records import CaseRecord, TurnRecord
from bot.evaluation.testset import Case
from index.models import SearchFilters


class AskingEngine(Protocol):
    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        *,
        filters: SearchFilters | None = None,
        k: int | None = None,
    ) -> AnswerResult: ...


def article_text_of(engine: Any) -> ArticleText | None:
    """The engine's `article_text(article_id) -> str`, or None when it has none (quotes go unchecked)."""
    fn = getattr(engine, "article_text", None)
    return fn if callable(fn) else None


def run_case(engine: AskingEngine, case: Case, k: int | None = None) -> CaseRecord:
    """Ask each turn of the case with the conversation so far as history."""
    history: list[Turn] = []
    turns: list[TurnRecord] = []
    filters = case.search_filters()
    for question, expectation in zip(case.questions(), case.expectations(), strict=True):
        record = TurnRecord(question=question, expectation=expectation)
        t0 = time.perf_counter()
        try:
            result = engine.ask(question, tuple(history), filters=filters, k=k)
        except Exception as exc:  # recorded as a failing turn; the run goes on
            record.error = f"{type(exc).__name__}: {exc}"
        else:
            record.result = result
            history.append(Turn.from_result(result))
        record.latency_ms = (time.perf_counter() - t0) * 1000
        turns.append(record)
    return CaseRecord(case=case, turns=turns)


def run_cases(
    engine: AskingEngine,
    cases: Sequence[Case],
    *,
    k: int | None = None,
    progress: bool = True,
    console: Console | None = None,
    on_case: Callable[[CaseRecord], None] | None = None,
) -> list[CaseRecord]:
    """Run every case in order, with a progress bar on the console when `progress` is true."""
    records: list[CaseRecord] = []
    if not progress:
        for case in cases:
            records.append(run_case(engine, case, k))
            if on_case:
                on_case(records[-1])
        return records
    with Progress(
        TextColumn("[bold]eval[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
        console=console or Console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task("", total=len(cases))
        for case in cases:
            bar.update(task, description=case.id)
            records.append(run_case(engine, case, k))
            if on_case:
                on_case(records[-1])
            bar.advance(task)
        bar.update(task, description="done")
    return records
