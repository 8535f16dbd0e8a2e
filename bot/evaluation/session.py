"""One evaluation run end to end: settings → (temporary index) → engine → cases → scores.

`evaluate_engine` runs and scores cases on any `EngineAPI` (the real engine or a stand-in);
`run_evaluation` builds the real engine from settings, indexing `--corpus` into a temporary
index first when given, and compares with a baseline run when one is given.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from bot.engine_api import EngineAPI
from bot.evaluation.cases import Case
from bot.evaluation.compare import Baseline, compare
from bot.evaluation.metrics import evaluate
from bot.evaluation.report import EvalRun, RunInfo
from bot.evaluation.runner import run_cases
from bot.evaluation.testset import load_cases
from bot.settings import Settings
from index.embedders import Embedder
from index.errors import NewsbotError


class EvalError(NewsbotError):
    """The run can't go on (no corpus, nothing indexed, …); the message is for the user."""


def evaluate_engine(
    engine: EngineAPI,
    cases: Sequence[Case],
    *,
    k: int,
    as_of: dt.date | None = None,
    files: Sequence[str] = (),
    mode: str = "offline",
    corpus: str | None = None,
    progress: bool = False,
    console: Console | None = None,
    notes: Sequence[str] = (),
) -> EvalRun:
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    records = run_cases(engine, cases, k=k, as_of=as_of, progress=progress, console=console)
    seconds = time.perf_counter() - t0
    evaluation = evaluate(records, k, engine.article_text)
    info = RunInfo(
        files=[str(f) for f in files], mode=mode, k=k, started_at=started, seconds=seconds, corpus=corpus,
        as_of=as_of.isoformat() if as_of else None, notes=list(notes),
    )
    return EvalRun(info=info, evaluation=evaluation, records=records)


def temporary_settings(base: Settings, corpus: Path, workdir: Path) -> Settings:
    """Settings that index `corpus` into `workdir` and leave the project's own index alone."""
    return base.model_copy(
        update={
            "corpus_dir": corpus,
            "data_dir": workdir,
            "chroma_path": workdir / "chroma",
            "chroma_host": None,
            "history_db": workdir / "history.sqlite3",
            "follows_db": workdir / "follows.sqlite3",
        }
    )


def index_corpus(settings: Settings, corpus: Path, progress: bool, embedder: Embedder | None = None) -> list[str]:
    """Index `corpus` with the real indexer; returns notes on files that failed."""
    from index.indexer import run_index  # imported late: the indexer pulls in the embedders

    report = run_index(settings, [corpus], rebuild=True, progress=progress, embedder=embedder)
    if not (report.added or report.updated or report.unchanged):
        reasons = "; ".join(str(f) for f in report.failed[:5]) or "no articles found"
        raise EvalError(f"nothing in --corpus {corpus} could be indexed ({reasons})")
    return [f"not indexed: {f}" for f in report.failed]


def _require_articles(engine: EngineAPI, corpus: Path | None) -> None:
    if engine.index_info().articles == 0:
        hint = f"no article of {corpus} was indexed" if corpus else "run `newsbot index` first, or pass --corpus DIR"
        raise EvalError(f"the index is empty: {hint}")


def run_evaluation(
    files: Sequence[str | Path],
    *,
    settings: Settings | None = None,
    k: int | None = None,
    mode: str | None = None,
    corpus: str | Path | None = None,
    as_of: dt.date | None = None,
    baseline: Baseline | None = None,
    progress: bool = True,
    console: Console | None = None,
) -> EvalRun:
    """Load the test sets, build the engine the bot uses, run every case, score it, compare with `baseline`."""
    cases = load_cases(files)  # fail fast on a bad file, before any indexing
    base = settings or Settings()
    if mode is not None:
        base = base.model_copy(update={"answer_mode": mode})
    k = k or base.top_k
    from bot.engine import build_engine  # imported late: building pulls in the whole stack

    with tempfile.TemporaryDirectory(prefix="newsbot-eval-") as tmp:
        notes: list[str] = []
        cfg = base
        corpus_path: Path | None = None
        embedder = None
        if corpus is not None:
            corpus_path = Path(corpus)
            if not corpus_path.is_dir():
                raise EvalError(f"--corpus {corpus}: no such folder")
            from index.embedders import build_embedder

            cfg = temporary_settings(base, corpus_path, Path(tmp))
            embedder = build_embedder(cfg)  # built once, for indexing and for the engine
            notes += index_corpus(cfg, corpus_path, progress, embedder)
        engine = build_engine(cfg, embedder=embedder)
        try:
            _require_articles(engine, corpus_path)
            run = evaluate_engine(
                engine,
                cases,
                k=k,
                as_of=as_of,
                files=[str(f) for f in files],
                mode=cfg.effective_mode,
                corpus=str(corpus_path) if corpus_path else None,
                progress=progress,
                console=console,
                notes=notes,
            )
        finally:
            engine.close()
    if baseline is not None:
        run.comparison = compare(run.evaluation, baseline)
    return run
