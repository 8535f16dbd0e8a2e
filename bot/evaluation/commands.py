"""The `newsbot eval` and `newsbot import` sub-commands: parse arguments, call the package, print.

`bot/cli.py` calls `register(subparsers)`; each sub-command sets `func(args) -> int` (the exit status).
Exit status of `eval`: 0 all thresholds met, 1 a `--min`/`--max` threshold failed, 2 unusable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

EXIT_OK, EXIT_THRESHOLD, EXIT_INPUT = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    ev = subparsers.add_parser(
        "eval",
        help="run test sets through the engine and score the answers",
        description="Run scripted Q&A test sets (YAML/JSONL) through the engine the bot uses and score them.",
    )
    ev.add_argument("files", nargs="+", metavar="FILE", help="test-set files (.yaml, .yml, .json, .jsonl)")
    ev.add_argument("--k", type=int, default=None, help="passages retrieved per question (default: TOP_K)")
    ev.add_argument("--mode", choices=("offline", "llm"), default=None, help="answer mode (default: ANSWER_MODE)")
    ev.add_argument("--json", metavar="OUT.json", help="write the full results as JSON")
    ev.add_argument("--report", metavar="OUT.md", help="write a Markdown report")
    ev.add_argument("--html", metavar="OUT.html", help="write a self-contained HTML report")
    ev.add_argument(
        "--min", action="append", default=[], metavar="METRIC=VALUE",
        help="fail (exit 1) when METRIC is below VALUE (0..1 or N%%), e.g. --min quote_fidelity=1 --min hit@5=0.9",
    )
    ev.add_argument(
        "--max", action="append", default=[], metavar="METRIC=VALUE",
        help="fail (exit 1) when METRIC is above VALUE, e.g. --max latency_p95_ms=2000",
    )
    ev.add_argument("--corpus", metavar="DIR", help="index DIR into a temporary index and evaluate against it")
    ev.add_argument("--export-ragas", metavar="OUT.jsonl", help="write user_input/retrieved_contexts/response/reference")
    ev.add_argument("--no-progress", action="store_true", help="no progress bar")
    ev.set_defaults(func=cmd_eval)

    imp = subparsers.add_parser(
        "import",
        help="turn a QA data set into a corpus folder and a test set",
        description="Import a public QA data set as OUT/corpus/ (articles) and OUT/testset.yaml.",
    )
    kinds = imp.add_subparsers(dest="kind", metavar="KIND", required=True)
    sq = kinds.add_parser("squad", help="a SQuAD-format file (SQuAD, XQuAD, …)")
    sq.add_argument("file", metavar="FILE.json")
    sq.add_argument("--out", required=True, metavar="DIR")
    sq.add_argument("--questions", metavar="OTHER.json", help="take the questions from this file (same ids)")
    sq.add_argument("--limit", type=int, default=None, metavar="N", help="import only the first N questions")
    sq.add_argument("--force", action="store_true", help="replace an earlier import in DIR")
    sq.set_defaults(func=cmd_import_squad)
    mh = kinds.add_parser("multihop", help="MultiHop-RAG's corpus.json and queries file")
    mh.add_argument("corpus", metavar="CORPUS.json")
    mh.add_argument("queries", metavar="QUERIES.json")
    mh.add_argument("--out", required=True, metavar="DIR")
    mh.add_argument("--limit", type=int, default=None, metavar="N", help="import only the first N queries")
    mh.add_argument("--force", action="store_true", help="replace an earlier import in DIR")
    mh.set_defaults(func=cmd_import_multihop)


def _err(console: Console, message: str) -> None:
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluation.ragas import export_ragas
    from bot.evaluation.report import failures_text, summary_table, tags_table, write_html, write_json, write_markdown
    from bot.evaluation.session import EvalError, run_evaluation
    from bot.evaluation.testset import TestSetError
    from bot.evaluation.thresholds import ThresholdError, check_thresholds, parse_thresholds
    from pydantic import ValidationError

    from bot.settings import Settings

    out, err = Console(), Console(stderr=True)
    if args.k is not None and args.k < 1:
        _err(err, "--k must be at least 1")
        return EXIT_INPUT
    try:
        settings = Settings()
    except ValidationError as exc:
        _err(err, f"invalid settings (environment or .env): {exc}")
        return EXIT_INPUT
    k = args.k or settings.top_k
    try:
        thresholds = parse_thresholds(args.min, args.max, k)
        run = run_evaluation(
            args.files, settings=settings, k=k, mode=args.mode, corpus=args.corpus,
            progress=not args.no_progress, console=err,
        )
    except (ThresholdError, TestSetError, EvalError) as exc:
        _err(err, str(exc))
        return EXIT_INPUT

    out.print(summary_table(run))
    for part in (tags_table(run), failures_text(run)):
        if part is not None:
            out.print(part)
    for note in run.info.notes:
        err.print(f"[yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)
    if not run.evaluation.quotes_checked:
        err.print("[yellow]note:[/] the engine offers no article_text(); quote fidelity was not measured")
    outputs = ((args.json, write_json), (args.report, write_markdown), (args.html, write_html),
               (args.export_ragas, export_ragas))
    written = []
    for path, write in outputs:
        if path:
            write(run, path)
            written.append(path)
    for path in written:
        out.print(f"wrote {escape(str(path))}", highlight=False)

    failed = check_thresholds(thresholds, run.evaluation.metrics, k)
    for msg in failed:
        _err(err, f"threshold failed: {msg}")
    if failed:
        return EXIT_THRESHOLD
    if thresholds:
        out.print(f"[green]all {len(thresholds)} thresholds met[/]")
    return EXIT_OK


def _print_import(summary) -> None:  # ImportSummary
    out = Console(markup=False, highlight=False, soft_wrap=True)
    out.print(
        f"imported {summary.articles} articles into {summary.corpus_dir} and {summary.cases} cases "
        f"({summary.refusals} refusals, {summary.skipped} skipped) into {summary.testset}",
        highlight=False,
    )
    for note in summary.notes:
        out.print(f"note: {note}", highlight=False)
    out.print(f"run it: {summary.eval_command()}", highlight=False)


def cmd_import_squad(args: argparse.Namespace) -> int:
    from bot.importers.common import ImporterError
    from bot.importers.squad import import_squad

    try:
        summary = import_squad(args.file, args.out, questions=args.questions, limit=args.limit, force=args.force)
    except ImporterError as exc:
        _err(Console(stderr=True), str(exc))
        return EXIT_INPUT
    _print_import(summary)
    return EXIT_OK


def cmd_import_multihop(args: argparse.Namespace) -> int:
    from bot.importers.common import ImporterError
    from bot.importers.multihop import import_multihop

    try:
        summary = import_multihop(args.corpus, args.queries, args.out, limit=args.limit, force=args.force)
    except ImporterError as exc:
        _err(Console(stderr=True), str(exc))
        return EXIT_INPUT
    _print_import(summary)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.evaluation eval|import …` (the same commands without the rest of the CLI)."""
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
