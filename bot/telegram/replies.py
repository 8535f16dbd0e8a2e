"""The bot's own wording: help, stats and index reports (plain lines; `render` escapes them)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timezone

from bot.engine import IndexInfo
from bot.telegram.services import BotStats
from index.models import ArticleInfo, IndexReport

GENERIC_ERROR = "Sorry — something went wrong while handling your message. Please try again in a moment."
ALREADY_REINDEXING = "A re-index is already running; I'll post the summary here when it's done."
NON_TEXT_HINT = "I can only read text. Send me your question as a message."
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."
RESET_DONE = "Done — I've forgotten our conversation. Your next question starts fresh."
ASK_USAGE = "Ask me a question about the news, e.g. /ask What did Putin say about Hamas?"


def too_long(limit: int, got: int) -> str:
    return (
        f"That question is {got} characters long; I can take up to {limit}. "
        "Could you ask it more briefly?"
    )


def _sources_phrase(sources: Sequence[str]) -> str:
    names = [s for s in sources if s]
    if not names:
        return ""
    if len(names) <= 4:
        listed = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    else:
        listed = ", ".join(names[:3]) + f" and {len(names) - 3} more outlets"
    return f" from {listed}"


def _dates_phrase(first: str, last: str) -> str:
    first, last = (first or "")[:10], (last or "")[:10]
    if first and last and first != last:
        return f", published {first} to {last}"
    if first or last:
        return f", published {first or last}"
    return ""


def help_lines(info: IndexInfo, bot_username: str | None, in_group: bool) -> list[str]:
    n = info.articles
    about = (
        f"I answer questions about {n} news article{'s' if n != 1 else ''}"
        f"{_sources_phrase(info.sources)}{_dates_phrase(info.first_date, info.last_date)}."
    )
    if in_group:
        mention = f"@{bot_username}" if bot_username else "me"
        how = (
            f"In a group, mention me ({mention} your question), reply to one of my messages, "
            "or use /ask your question."
        )
    else:
        how = "Just send me a question, e.g. “What happened at the Kremlin meeting?” — follow-up questions work too."
    return [
        "newsbot — answers from the news, with evidence",
        about,
        "Every answer quotes the passages it relies on and links the articles; "
        "when the articles don't say, I tell you so.",
        "",
        how,
        "",
        "/ask QUESTION — ask a question",
        "/sources — list the articles I know",
        "/reset — forget our conversation",
        "/help — this message",
    ]


def age(iso: str, now: float | None = None) -> str:
    """'2025-04-16T10:00:00+00:00' → '3 h ago' (or the raw text when it can't be parsed)."""
    if not iso:
        return "unknown"
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = max(0.0, (now if now is not None else time.time()) - when.timestamp())
    return f"{iso[:19].replace('T', ' ')} ({duration(seconds)} ago)"


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{int(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def stats_lines(info: IndexInfo, stats: BotStats, conversations: int) -> list[str]:
    up = duration(time.time() - stats.started_at)
    return [
        "newsbot stats",
        f"Articles: {info.articles} · chunks: {info.chunks} · outlets: {len(info.sources)}",
        f"Published: {info.first_date[:10] or '?'} to {info.last_date[:10] or '?'}",
        f"Index updated: {age(info.updated_at)}",
        f"Index: {info.location or '?'} · embedder: {info.embed_model or '?'}",
        f"Answer mode: {info.answer_mode}",
        f"Questions answered since start ({up} ago): {stats.questions} "
        f"(no support in the articles: {stats.refused}; errors: {stats.failed}; over the rate limit: {stats.rate_limited})",
        f"Conversations with history: {conversations}",
    ]


def _names(ids: Sequence[str], known: dict[str, ArticleInfo]) -> list[str]:
    out = []
    for article_id in ids:
        art = known.get(article_id)
        if art is None:
            out.append(str(article_id))
            continue
        byline = ", ".join(p for p in (art.source, art.published_at[:10]) if p)
        out.append(f"“{art.title}”" + (f" ({byline})" if byline else ""))
    return out


def report_lines(report: IndexReport, known: dict[str, ArticleInfo], what: str) -> list[str]:
    """Summary of an index run; `what` names what was indexed ('corpus/' or a file name)."""
    lines = [
        f"Indexed {what} in {report.seconds:.1f} s: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.deleted)} deleted; "
        f"{report.chunks_embedded} chunks embedded."
    ]
    limit = 10
    for label, ids in (("Added", report.added), ("Updated", report.updated)):
        names = _names(ids[:limit], known)
        lines += [f"{label}: {name}" for name in names]
        if len(ids) > limit:
            lines.append(f"{label}: … and {len(ids) - limit} more")
    for failure in report.failed[:limit]:
        lines.append(f"Failed: {failure}")
    if len(report.failed) > limit:
        lines.append(f"Failed: … and {len(report.failed) - limit} more")
    return lines


def upload_lines(file_name: str, replaced: bool, report: IndexReport, known: dict[str, ArticleInfo]) -> list[str]:
    saved = f"Saved {file_name} to the corpus" + (" (replacing the previous file)" if replaced else "") + "."
    if report.failed and not (report.added or report.updated):
        return [saved, *(f"But I couldn't index it: {f.reason}" for f in report.failed[:5])]
    if not (report.added or report.updated):
        if report.unchanged:
            return [saved, "It was already indexed and hasn't changed."]
        return [saved, "I found no article in it."]
    lines = [saved]
    lines += [f"Added: {name}" for name in _names(report.added, known)]
    lines += [f"Updated: {name}" for name in _names(report.updated, known)]
    lines.append(f"{report.chunks_embedded} passages embedded in {report.seconds:.1f} s. You can ask about it now.")
    lines += [f"Failed: {f}" for f in report.failed[:5]]
    return lines
