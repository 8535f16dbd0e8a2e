"""`newsbot`: the one command-line entry point. Argument parsing and printing only."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from rich.console import Console

from bot.logs import configure_logging
from index.errors import NewsbotError

log = logging.getLogger(__name__)


def _settings():
    from bot.settings import Settings

    return Settings()


def cmd_index(args: argparse.Namespace) -> int:
    from bot.console import print_report
    from index.indexer import run_index

    settings = _settings()
    report = run_index(settings, [Path(p) for p in args.paths] or None, rebuild=args.rebuild,
                       progress=not args.json and sys.stderr.isatty())
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print_report(Console(), report)
    return 0 if report.ok else 1


def cmd_sources(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from bot.console import print_sources
    from index.embedders import embedder_name
    from index.errors import EmbedderMismatchError
    from index.store import Store

    settings = _settings()
    store = Store.open(settings)
    store.attach()  # reading the article table needs no embedding model, only the right one's name
    stored, configured = store.embedder_of_index(), embedder_name(settings)
    if stored and stored[0] != configured:
        raise EmbedderMismatchError(stored[0], configured)
    articles = sorted(store.article_infos().values(), key=lambda a: (a.published_at, a.title), reverse=True)
    if args.json:
        print(json.dumps([asdict(a) for a in articles], indent=2, ensure_ascii=False))
    else:
        print_sources(Console(), articles)
    return 0


def _engine(settings):
    """The engine, or a clear error when there is nothing to answer from."""
    from bot.engine import build_engine
    from index.errors import EmptyIndexError

    engine = build_engine(settings)
    if not engine.index_info().articles:
        raise EmptyIndexError(engine.store.location)
    return engine


def _filters(args: argparse.Namespace):
    from index.models import SearchFilters

    return SearchFilters(sources=tuple(args.source or ()), since=args.since, until=args.until)


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.console import print_answer

    engine = _engine(_settings())
    result = engine.ask(args.question, filters=_filters(args), k=args.k)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        print_answer(Console(), result)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.console import chat_loop

    settings = _settings()
    return chat_loop(_engine(settings), Console(), history_turns=settings.history_turns)


def cmd_run(args: argparse.Namespace) -> int:
    """`make run`: the Telegram bot when a token is set, the terminal chat otherwise."""
    settings = _settings()
    if settings.telegram_bot_token:
        from bot.telegram.commands import serve

        return serve(argparse.Namespace(webhook=None))
    Console(stderr=True).print("[dim]No TELEGRAM_BOT_TOKEN set: running the same conversation in the terminal.[/]")
    return cmd_chat(args)


def _date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-04-30, got {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description="Answers questions about news articles, "
                                     "quoting and citing them.")
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
    p.add_argument("--k", type=int, default=None, help="passages to retrieve (default: TOP_K)")
    p.add_argument("--source", action="append", metavar="S", help="only articles from this outlet (repeatable)")
    p.add_argument("--since", type=_date, metavar="DATE", help="only articles published on or after DATE")
    p.add_argument("--until", type=_date, metavar="DATE", help="only articles published on or before DATE")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal (one question per line on stdin)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("run", help="the bot if TELEGRAM_BOT_TOKEN is set, else the terminal chat")
    p.set_defaults(func=cmd_run)

    from bot.evaluation.commands import register as register_eval
    from bot.telegram.commands import register as register_serve

    register_serve(sub)
    register_eval(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.settings import Settings

    try:
        configure_logging(Settings().log_level)
    except Exception:  # invalid settings are reported by the command itself
        configure_logging()
    try:
        return int(args.func(args) or 0)
    except NewsbotError as exc:
        Console(stderr=True).print(f"[red]error:[/] {exc}", highlight=False)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
