"""`newsbot`: the one command-line entry point. It parses arguments, calls the packages, and prints
(through bot.console).

One convention for every command:

- errors are `NewsbotError`s (index/errors.py) carrying the user's message: printed as
  "error: <message>" on stderr, no traceback;
- exit status: 0 done; 1 the command ran but failed or found failures (files that failed to index,
  eval thresholds or regressions, a service such as the Chroma server or Telegram that did not
  answer, another index run holding the lock: the same command may work later); 2 unusable input
  or configuration (bad arguments, invalid settings or test set, an empty index…: fix what the
  message names); 130 interrupted;
- settings are read and logging is configured once, here, before the command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from rich.console import Console

from bot.console import check_question, print_error
from bot.engine_api import EngineAPI
from bot.logs import configure_logging
from bot.settings import Settings, load_settings
from index.errors import NewsbotError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
T = TypeVar("T")


class UsageError(NewsbotError):
    """Arguments that can't be used together; the message says which and why."""


def _print_result(as_json: bool, result: T, to_json: Callable[[T], str], show: Callable[[Console, T], None]) -> None:
    """A command's result on stdout: with --json the JSON text tools read, else the rich view for people."""
    if as_json:
        print(to_json(result))
    else:
        show(Console(), result)


@contextmanager
def _engine(settings: Settings) -> Iterator[EngineAPI]:
    """The engine, closed however the command ends; a clear error when there is nothing to answer from."""
    from bot.engine import build_engine  # imported here: it pulls in the whole stack
    from index.errors import EmptyIndexError

    engine = build_engine(settings)
    try:
        info = engine.index_info()
        if not info.articles:
            raise EmptyIndexError(info.location)
        yield engine
    finally:
        engine.close()


# --- commands: each takes the parsed arguments and the settings, returns the exit status ----------


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import print_report
    from index.indexer import lower_priority, run_index

    lower_priority(settings.index_nice)  # a bot answering on the same cores comes first
    report = run_index(settings, [Path(p) for p in args.paths] or None, rebuild=args.rebuild,
                       progress=not args.json and sys.stderr.isatty())
    _print_result(args.json, report, lambda r: json.dumps(r.to_dict(), indent=2), print_report)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from bot.console import print_sources
    from index.store import indexed_articles

    _print_result(args.json, indexed_articles(settings),
                  lambda articles: json.dumps([asdict(a) for a in articles], indent=2, ensure_ascii=False),
                  print_sources)
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import print_answer
    from index.models import SearchFilters

    check_question(args.question, settings.max_question_chars)
    with _engine(settings) as engine:
        result = engine.ask(args.question, k=args.k, as_of=args.as_of,
                            filters=SearchFilters(sources=tuple(args.source or ()), since=args.since, until=args.until))
    _print_result(args.json, result, lambda r: r.model_dump_json(indent=2), print_answer)
    return EXIT_OK


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import chat_loop

    with _engine(settings) as engine:
        return chat_loop(engine, Console(), history_turns=settings.history_turns,
                         max_question_chars=settings.max_question_chars, as_of=args.as_of)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.telegram.app import serve

    serve(settings, webhook_url=args.webhook)
    return EXIT_OK


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """`make run`: the Telegram bot when a token is set, the terminal chat otherwise."""
    if settings.telegram_bot_token:
        return cmd_serve(args, settings)
    Console(stderr=True).print("[dim]No TELEGRAM_BOT_TOKEN set: running the same conversation in the terminal.[/]")
    return cmd_chat(args, settings)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import print_eval
    from bot.evaluation.compare import load_baseline
    from bot.evaluation.outputs import planned_outputs
    from bot.evaluation.session import run_evaluation
    from bot.evaluation.thresholds import check_thresholds, parse_thresholds

    out, err = Console(), Console(stderr=True)
    outputs = planned_outputs(json=args.json, markdown=args.report, html=args.html, ragas=args.export_ragas)
    if args.no_regressions and not args.compare:
        raise UsageError("--no-regressions needs --compare BASE.json (the run to compare with)")
    k = args.k or settings.top_k
    thresholds = parse_thresholds(args.min, args.max, k)
    baseline = load_baseline(args.compare) if args.compare else None
    run = run_evaluation(args.files, settings=settings, k=k, mode=args.mode, corpus=args.corpus, as_of=args.as_of,
                         baseline=baseline, progress=not args.no_progress, console=err)
    print_eval(out, err, run)
    for path, write in outputs:
        write(run, path)
        out.print(f"wrote {path}", markup=False, highlight=False)

    failed = check_thresholds(thresholds, run.evaluation.metrics, k)
    for msg in failed:
        print_error(err, f"threshold failed: {msg}")
    regressions = run.comparison.newly_failing if args.no_regressions and run.comparison else []
    if regressions:
        print_error(err, f"{len(regressions)} case(s) passed in {args.compare} and fail now: {', '.join(regressions)}")
    if failed or regressions:
        return EXIT_FAILED
    if thresholds:
        out.print(f"[green]all {len(thresholds)} thresholds met[/]")
    return EXIT_OK


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import print_import

    if args.kind == "squad":
        from bot.importers.squad import import_squad

        summary = import_squad(args.file, args.out, questions=args.questions, limit=args.limit, force=args.force)
    elif args.kind == "multihop":
        from bot.importers.multihop import import_multihop

        summary = import_multihop(args.corpus, args.queries, args.out, limit=args.limit, force=args.force)
    else:
        from bot.importers.realtimeqa import import_realtimeqa

        summary = import_realtimeqa(args.dir, args.weeks, args.out, refusal_weeks=args.refusal_weeks,
                                    force=args.force)
    print_import(Console(), summary)
    return EXIT_OK


def cmd_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """`newsbot feeds add|list|remove`: the subscriptions (index/feeds, DATA_DIR/feeds.sqlite3)."""
    from bot.console import print_feed_change, print_feeds
    from index.feeds import FeedService

    with FeedService(settings) as feeds:
        if args.action in ("add", "remove"):
            feed = feeds.add_feed(args.url, args.name) if args.action == "add" else feeds.remove_feed(args.feed)
            print_feed_change(Console(), args.action, feed, settings.feed_interval)
        else:
            _print_result(args.json, feeds.feeds(),
                          lambda listed: json.dumps([f.to_dict() for f in listed], indent=2, ensure_ascii=False),
                          print_feeds)
    return EXIT_OK


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    """`newsbot fetch`: poll every feed once; what is new is indexed. Exit 1 if anything failed."""
    return _fetch(args, settings, None)


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """`newsbot add URL`: fetch one article page into the corpus and index it."""
    from index.feeds.urls import check_url

    return _fetch(args, settings, check_url(args.url))


def _fetch(args: argparse.Namespace, settings: Settings, page: str | None) -> int:
    from functools import partial

    from bot.console import print_fetch, print_note
    from index.feeds import FeedService
    from index.indexer import run_index

    index_paths = partial(run_index, settings)  # the indexer `newsbot index` runs, incremental
    with FeedService(settings) as feeds:
        if page is not None:
            report = feeds.add_page(page, index_paths)
        elif not feeds.feeds():
            print_note(Console(stderr=True), "no feeds are subscribed; add one with `newsbot feeds add URL`")
            return EXIT_OK
        else:
            report = feeds.fetch_feeds(index_paths)
    _print_result(args.json, report, lambda r: json.dumps(r.to_dict(), indent=2, ensure_ascii=False), print_fetch)
    return EXIT_OK if report.ok else EXIT_FAILED


# --- parsing --------------------------------------------------------------------------------


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-04-30, got {value!r}") from None


def _iso_day(value: str) -> str:
    return _day(value).isoformat()


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


AS_OF_HELP = "answer as of the end of DATE (YYYY-MM-DD): later articles don't exist, 'this week' is that week"


def _add_eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="run test sets through the engine and score the answers",
                       description="Run scripted Q&A test sets (YAML/JSONL) through the engine the bot uses and "
                                   "score them (docs/evaluation.md).")
    p.add_argument("files", nargs="+", metavar="FILE", help="test-set files (.yaml, .yml, .json, .jsonl)")
    p.add_argument("--k", type=_positive, default=None, help="passages retrieved per question (default: TOP_K)")
    p.add_argument("--mode", choices=("offline", "llm"), default=None, help="answer mode (default: ANSWER_MODE)")
    p.add_argument("--json", metavar="OUT.json", help="write the full results as JSON")
    p.add_argument("--report", metavar="OUT.md", help="write a Markdown report")
    p.add_argument("--html", metavar="OUT.html", help="write a self-contained HTML report")
    p.add_argument("--min", action="append", default=[], metavar="METRIC=VALUE",
                   help="fail (exit 1) when METRIC is below VALUE (0..1 or N%%), e.g. --min quote_fidelity=1")
    p.add_argument("--max", action="append", default=[], metavar="METRIC=VALUE",
                   help="fail (exit 1) when METRIC is above VALUE, e.g. --max latency_p95_ms=2000")
    p.add_argument("--corpus", metavar="DIR", help="index DIR into a temporary index and evaluate against it")
    p.add_argument("--as-of", type=_day, metavar="DATE", help=AS_OF_HELP + " (cases with their own as_of keep it)")
    p.add_argument("--compare", metavar="BASE.json", help="compare with an earlier run's --json output")
    p.add_argument("--no-regressions", action="store_true",
                   help="fail (exit 1) when a case that passed in BASE fails now (needs --compare)")
    p.add_argument("--export-ragas", metavar="OUT.jsonl", help="write user_input/retrieved_contexts/response/reference")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_eval)


def _add_feeds(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("feeds", help="subscribe to RSS/Atom feeds, list or remove them (docs/feeds.md)",
                       description="The feeds newsbot polls (`newsbot fetch`; `newsbot serve` every FEED_INTERVAL).")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="subscribe to a feed (it is fetched once to check it)")
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", metavar="NAME", help="the feed's name, also the articles' outlet (default: its title)")
    listing = actions.add_parser("list", help="the feeds with their items, last success and last error")
    listing.add_argument("--json", action="store_true", help="JSON for tools")
    remove = actions.add_parser("remove", help="unsubscribe (its articles stay in the corpus and the index)")
    remove.add_argument("feed", metavar="URL|NAME")
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("fetch", help="poll every feed once and index what is new (exit 1 if anything failed)")
    p.add_argument("--json", action="store_true", help="print the fetch report as JSON")
    p.set_defaults(func=cmd_fetch)
    p = sub.add_parser("add", help="fetch one article page into the corpus and index it")
    p.add_argument("url", metavar="URL")
    p.add_argument("--json", action="store_true", help="print the fetch report as JSON")
    p.set_defaults(func=cmd_add)


def _add_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="turn a QA data set into a corpus folder and a test set",
                       description="Import a public QA data set as OUT/corpus/ (articles) and OUT/testset.yaml.")
    p.set_defaults(func=cmd_import)
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    sq = kinds.add_parser("squad", help="a SQuAD-format file (SQuAD, XQuAD, …)")
    sq.add_argument("file", metavar="FILE.json")
    sq.add_argument("--questions", metavar="OTHER.json", help="take the questions from this file (same ids)")
    mh = kinds.add_parser("multihop", help="MultiHop-RAG's corpus.json and queries file")
    mh.add_argument("corpus", metavar="CORPUS.json")
    mh.add_argument("queries", metavar="QUERIES.json")
    rt = kinds.add_parser("realtimeqa", help="RealTimeQA week files: pooled articles and free-text questions")
    rt.add_argument("dir", metavar="DIR", help="folder of YYYYMMDD_qa.jsonl and YYYYMMDD_gcs.jsonl files")
    rt.add_argument("--weeks", required=True, metavar="FROM..TO", help="archive weeks, YYYYMMDD..YYYYMMDD, inclusive")
    rt.add_argument("--refusal-weeks", metavar="FROM..TO",
                    help="refusal cases: these weeks' questions whose answer is nowhere in the archive")
    for kind in (sq, mh, rt):
        kind.add_argument("--out", required=True, metavar="DIR")
        if kind is not rt:
            kind.add_argument("--limit", type=_positive, default=None, metavar="N", help="import only the first N")
        kind.add_argument("--force", action="store_true", help="replace an earlier import in DIR")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot", description="Answers questions about news articles, quoting and citing them.",
        epilog="Exit status: 0 done, 1 the work ran but failed or found failures, 2 unusable input or "
               "configuration, 130 interrupted.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("index", help="index articles (default: corpus/) into the Chroma index")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: CORPUS_DIR)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and re-embed everything")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("sources", help="list the indexed articles")
    p.add_argument("--json", action="store_true", help="JSON for tools")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the full answer object as JSON")
    p.add_argument("--k", type=_positive, default=None, help="passages to retrieve (default: TOP_K)")
    p.add_argument("--source", action="append", metavar="S", help="only articles from this outlet (repeatable)")
    p.add_argument("--since", type=_iso_day, metavar="DATE", help="only articles published on or after DATE")
    p.add_argument("--until", type=_iso_day, metavar="DATE", help="only articles published on or before DATE")
    p.add_argument("--as-of", type=_day, metavar="DATE", help=AS_OF_HELP)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal (one question per line on stdin)")
    p.add_argument("--as-of", type=_day, metavar="DATE", help=AS_OF_HELP)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("serve", help="run the Telegram bot (long polling, or a webhook with --webhook)",
                       description="Run the Telegram bot with TELEGRAM_BOT_TOKEN. Without --webhook it uses long "
                                   "polling; with --webhook URL Telegram posts updates to URL, checked against "
                                   "WEBHOOK_SECRET, and the bot listens on WEBHOOK_LISTEN:WEBHOOK_PORT (put a TLS "
                                   "proxy in front).")
    p.add_argument("--webhook", metavar="URL", default=None, help="public https URL Telegram should post to")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("run", help="the bot if TELEGRAM_BOT_TOKEN is set, else the terminal chat")
    p.set_defaults(func=cmd_run, webhook=None, as_of=None)

    _add_feeds(sub)
    _add_eval(sub)
    _add_import(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    err = Console(stderr=True)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        return int(args.func(args, settings))
    except NewsbotError as exc:
        print_error(err, str(exc))
        return exc.exit_status
    except KeyboardInterrupt:
        print_error(err, "interrupted")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
