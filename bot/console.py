"""The terminal side of `newsbot`: rendering (rich) of answers, index runs, sources, feeds and fetch
reports, imports and eval runs; the terminal chat loop; and the one way errors are shown ("error: …" on
stderr)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.answer.result import AnswerResult, Turn
from bot.engine_api import EngineAPI
from index.errors import NewsbotError
from index.models import ArticleInfo, IndexReport
from index.textclean import clean_text

if TYPE_CHECKING:
    from bot.evaluation.report import EvalRun
    from bot.importers.common import ImportSummary
    from index.feeds import Feed, FetchReport

HELP = "Ask a question about the indexed articles. Commands: /reset forgets the conversation, /quit leaves."


class QuestionTooLongError(NewsbotError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"the question is {length:,} characters long; newsbot takes up to {limit:,} "
                         "(MAX_QUESTION_CHARS). Ask it more briefly.")


def check_question(question: str, limit: int) -> None:
    """The same bound the Telegram bot applies (MAX_QUESTION_CHARS)."""
    if len(question) > limit:
        raise QuestionTooLongError(len(question), limit)


def safe(text: object) -> str:
    """`text` fit for the terminal: no control characters (ESC, C1), no bidi overrides or isolates, no
    invisible characters (`clean_text`), and its square brackets escaped for rich markup.

    Every string from outside (paths, ids, titles, sources, URLs, feed names, failure reasons, answers)
    goes through this before it is printed: rich's `escape` alone leaves terminal escape sequences in.
    """
    return escape(clean_text(str(text)))


def print_error(console: Console, message: str) -> None:
    console.print(f"[bold red]error:[/] {safe(message)}", highlight=False, soft_wrap=True)


def print_note(console: Console, message: str) -> None:
    console.print(f"[yellow]note:[/] {safe(message)}", highlight=False, soft_wrap=True)


def print_answer(console: Console, result: AnswerResult) -> None:
    if result.notice:
        console.print(f"[yellow]{safe(result.notice)}[/]")
    console.print(safe(result.answer), style="bold" if not result.refused else "italic")
    for c in result.citations:
        console.print(f"  [cyan][{c.n}][/] “{_emphasised(c.quote, c.highlights)}”", highlight=False,
                      emoji=False)
    if result.citations:
        console.print("[dim]Sources:[/]")
        seen: set[int] = set()
        for c in result.citations:
            if c.n in seen:
                continue
            seen.add(c.n)
            meta = ", ".join(p for p in (c.source, c.published_at[:10]) if p)
            link = f" {c.url}" if c.url.startswith(("http://", "https://")) else ""
            console.print(f"  [cyan][{c.n}][/] {safe(c.title)}" + (f" — {safe(meta)}" if meta else "") + safe(link))


def _emphasised(quote: str, highlights: list[tuple[int, int]]) -> str:
    """The quote as safe markup with the stated answer (its `highlights`) in bold and underlined."""
    out, at = [], 0
    for start, end in sorted(h for h in highlights if 0 <= h[0] < h[1] <= len(quote)):
        if start < at:
            continue
        out += [safe(quote[at:start]), f"[bold underline]{safe(quote[start:end])}[/]"]
        at = end
    return "".join(out + [safe(quote[at:])])


def print_report(console: Console, report: IndexReport) -> None:
    table = Table(title="Index run", show_header=True)
    for col in ("added", "updated", "unchanged", "deleted", "failed", "chunks added", "chunks deleted", "time"):
        table.add_column(col, justify="right")
    table.add_row(*(str(len(x)) for x in (report.added, report.updated, report.unchanged, report.deleted,
                                           report.failed)),
                  str(report.chunks_added), str(report.chunks_deleted), f"{report.seconds:.1f}s")
    console.print(table)
    for failure in report.failed:
        console.print(f"[red]failed:[/] {safe(str(failure))}")
    if report.failed:
        console.print(f"[red]{len(report.failed)} file(s) failed; everything else was indexed.[/]")


def print_sources(console: Console, articles: Iterable[ArticleInfo]) -> None:
    table = Table(show_header=True)
    for col in ("title", "source", "date", "chunks", "id"):
        table.add_column(col)
    for a in articles:
        table.add_row(safe(a.title), safe(a.source), safe(a.published_at[:10]), str(a.chunks), safe(a.id))
    console.print(table)


def print_feeds(console: Console, feeds: Sequence["Feed"]) -> None:
    """`newsbot feeds list`: each feed with its articles, last success and last error (with its reason)."""
    if not feeds:
        console.print("No feeds are subscribed; add one with `newsbot feeds add URL`.", markup=False, highlight=False)
        return
    table = Table(show_header=True)
    for col in ("name", "url", "items", "last success", "last error"):
        table.add_column(col, overflow="fold")
    for f in feeds:
        table.add_row(safe(f.name), safe(f.url), str(f.items), safe(f.last_success or "never"),
                      f"[red]{safe(f.last_error)}[/]" if f.last_error else "—")
    console.print(table)


def print_feed_change(console: Console, action: str, feed: "Feed", interval: float) -> None:
    """What `newsbot feeds add` / `remove` did."""
    if action == "add":
        text = (f"subscribed to {safe(feed.url)} as “{safe(feed.name)}”; `newsbot fetch` (or the bot, every "
                f"{interval:g} s) fetches its articles")
    else:
        text = (f"unsubscribed from “{safe(feed.name)}” ({safe(feed.url)}); its {feed.items} article(s) stay in "
                "the corpus and the index")
    console.print(text, highlight=False, soft_wrap=True)


def print_fetch(console: Console, report: "FetchReport") -> None:
    """`newsbot fetch` / `newsbot add`: per feed new/updated/unchanged/failed, every failure, the index run."""
    table = Table(title="Fetch", show_header=True)
    for col in ("feed", "status", "new", "updated", "unchanged", "failed"):
        table.add_column(col, justify="left" if col in ("feed", "status") else "right")
    rows = [(f.name, f.status, f.items) for f in report.feeds]
    if report.pages:
        rows.append(("(page)", "fetched", report.pages))
    for name, status, items in rows:
        counts = [sum(1 for i in items if i.status == s) for s in ("new", "updated", "unchanged", "failed")]
        table.add_row(safe(name), status, *map(str, counts))
    console.print(table)
    if report.index is not None:
        idx = report.index
        console.print(f"indexed {len(idx.added)} added, {len(idx.updated)} updated article(s) "
                      f"({idx.chunks_embedded} chunks embedded) in {report.seconds:.1f}s", highlight=False)
    failures = report.failures()
    for failure in failures:
        console.print(f"[red]failed:[/] {safe(str(failure))}", soft_wrap=True)
    if failures:
        console.print(f"[red]{len(failures)} failure(s); everything else was fetched and indexed "
                      "(failed feeds and pages are retried on the next fetch).[/]")


def print_import(console: Console, summary: "ImportSummary") -> None:
    console.print(
        f"imported {summary.articles} articles into {safe(summary.corpus_dir)} and {summary.cases} cases "
        f"({summary.refusals} refusals, {summary.skipped} skipped) into {safe(summary.testset)}",
        highlight=False, soft_wrap=True,
    )
    for note in summary.notes:
        console.print(f"note: {safe(note)}", highlight=False, soft_wrap=True)
    console.print(f"run it: {safe(summary.eval_command())}", highlight=False, soft_wrap=True)


def print_eval(out: Console, err: Console, run: "EvalRun") -> None:
    """The summary, per-tag table, comparison with BASE, failing cases; the run's notes on stderr."""
    from bot.evaluation.compare import comparison_table, comparison_text
    from bot.evaluation.report import failures_text, summary_table, tags_table

    out.print(summary_table(run))
    parts = [tags_table(run)]
    if run.comparison is not None:
        parts += [comparison_table(run.comparison), comparison_text(run.comparison)]
    parts.append(failures_text(run))
    for part in parts:
        if part is not None:
            out.print(part)
    for note in run.info.notes:
        print_note(err, note)


def chat_loop(engine: EngineAPI, console: Console, stdin: TextIO | None = None, *, history_turns: int = 6,
              max_question_chars: int = 1000, as_of: date | None = None) -> int:
    """One question per line; `/reset`, `/quit`. Works interactively and with piped input.

    Every question is asked as of `as_of` (default: now); a question over `max_question_chars`
    gets a notice instead of an answer, and the conversation goes on.
    """
    stdin = stdin or sys.stdin
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
            console.print(f"[bold green]?[/] {safe(question[:max_question_chars])}")
        try:
            check_question(question, max_question_chars)
        except QuestionTooLongError as exc:
            console.print(f"[yellow]{safe(str(exc))}[/]")
            continue
        result = engine.ask(question, history, as_of=as_of)
        print_answer(console, result)
        console.print()
        history.append(Turn.from_result(result))
        del history[:-max(history_turns, 1)]
