"""Terminal rendering of answers and index summaries (rich), and the terminal chat loop."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.answer.result import AnswerResult, Turn
from index.models import ArticleInfo, IndexReport

HELP = "Ask a question about the indexed articles. Commands: /reset forgets the conversation, /quit leaves."


def print_answer(console: Console, result: AnswerResult) -> None:
    if result.notice:
        console.print(f"[yellow]{escape(result.notice)}[/]")
    console.print(escape(result.answer), style="bold" if not result.refused else "italic")
    for c in result.citations:
        console.print(f"  [cyan][{c.n}][/] “{escape(c.quote)}”")
    if result.citations:
        console.print("[dim]Sources:[/]")
        seen: set[int] = set()
        for c in result.citations:
            if c.n in seen:
                continue
            seen.add(c.n)
            meta = ", ".join(p for p in (c.source, c.published_at[:10]) if p)
            link = f" {c.url}" if c.url.startswith(("http://", "https://")) else ""
            console.print(f"  [cyan][{c.n}][/] {escape(c.title)}" + (f" — {escape(meta)}" if meta else "") + escape(link))


def print_report(console: Console, report: IndexReport) -> None:
    table = Table(title="Index run", show_header=True)
    for col in ("added", "updated", "unchanged", "deleted", "failed", "chunks added", "chunks deleted", "time"):
        table.add_column(col, justify="right")
    table.add_row(*(str(len(x)) for x in (report.added, report.updated, report.unchanged, report.deleted,
                                           report.failed)),
                  str(report.chunks_added), str(report.chunks_deleted), f"{report.seconds:.1f}s")
    console.print(table)
    for failure in report.failed:
        console.print(f"[red]failed:[/] {escape(str(failure))}")
    if report.failed:
        console.print(f"[red]{len(report.failed)} file(s) failed; everything else was indexed.[/]")


def print_sources(console: Console, articles: Iterable[ArticleInfo]) -> None:
    table = Table(show_header=True)
    for col in ("title", "source", "date", "chunks", "id"):
        table.add_column(col)
    for a in articles:
        table.add_row(escape(a.title), escape(a.source), a.published_at[:10], str(a.chunks), escape(a.id))
    console.print(table)


def chat_loop(engine, console: Console, stdin: TextIO = sys.stdin, *, history_turns: int = 6) -> int:
    """One question per line; `/reset`, `/quit`. Works interactively and with piped input."""
    history: list[Turn] = []
    interactive = stdin.isatty()
    if interactive:
        info = engine.index_info()
        console.print(f"[bold]newsbot[/] — {info.articles} articles, {info.answer_mode} mode. {HELP}")
    while True:
        if interactive:
            console.print("[bold green]?[/] ", end="")
        line = stdin.readline()
        if not line:
            return 0
        question = line.strip()
        if not question:
            continue
        if question in ("/quit", "/exit"):
            return 0
        if question == "/reset":
            history.clear()
            console.print("[dim]Conversation forgotten.[/]")
            continue
        if question in ("/help", "/start"):
            console.print(HELP)
            continue
        if not interactive:
            console.print(f"[bold green]?[/] {escape(question)}")
        result = engine.ask(question, history)
        print_answer(console, result)
        console.print()
        history.append(Turn.from_result(result))
        del history[:-max(history_turns, 1)]
