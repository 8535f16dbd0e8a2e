"""Run test cases through an engine (the same one the bot uses), conversation by conversation."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.answer.result import Turn
from bot.engine_api import EngineAPI
from bot.evaluation.cases import Case
from bot.evaluation.records import CaseRecord, TurnRecord


def run_case(engine: EngineAPI, case: Case, k: int | None = None, as_of: date | None = None) -> CaseRecord:
    """Ask each turn of the case with the conversation so far as history.

    The reference date is the case's own `as_of`, else `as_of` (the run's --as-of), else now.
    """
    history: list[Turn] = []
    turns: list[TurnRecord] = []
    filters = case.search_filters()
    reference = case.reference_date() or as_of
    for question, expectation in zip(case.questions(), case.expectations(), strict=True):
        record = TurnRecord(question=question, expectation=expectation)
        t0 = time.perf_counter()
        try:
            result = engine.ask(question, tuple(history), filters=filters, k=k, as_of=reference)
        except Exception as exc:  # recorded as a failing turn; the run goes on
            record.error = f"{type(exc).__name__}: {exc}"
        else:
            record.result = result
            history.append(Turn.from_result(result))
        record.latency_ms = (time.perf_counter() - t0) * 1000
        turns.append(record)
    return CaseRecord(case=case, turns=turns)


def run_cases(
    engine: EngineAPI,
    cases: Sequence[Case],
    *,
    k: int | None = None,
    as_of: date | None = None,
    progress: bool = True,
    console: Console | None = None,
) -> list[CaseRecord]:
    """Run every case in order, with a progress bar on the console when `progress` is true."""
    records: list[CaseRecord] = []
    if not progress:
        for case in cases:
            records.append(run_case(engine, case, k, as_of))
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
            records.append(run_case(engine, case, k, as_of))
            bar.advance(task)
        bar.update(task, description="done")
    return records
