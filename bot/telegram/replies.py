"""The bot's own wording in Telegram, in the reader's language: short replies, /help, /stats and
index reports (plain lines; `render` escapes them).

Every sentence is an English msgid passed to `tr.gettext`/`tr.ngettext` (`tr = bot.i18n.texts(…)`),
whole sentences with `{placeholders}` so translators never glue fragments; `make messages`
extracts them into bot/locale/newsbot.pot. Untrusted names (titles, outlets, failure reasons)
are capped here so a report stays a few messages long.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from babel.dates import format_timedelta

from bot.engine_api import IndexInfo
from bot.i18n import Texts
from bot.telegram.fragments import clip
from bot.telegram.menu import MENU
from bot.telegram.services import BotStats
from index.feeds import Feed
from index.models import ArticleInfo, IndexReport

#: how many outlets /help names, and how long a name or a reported failure may be
HELP_OUTLETS = 3
MAX_NAME_CHARS = 60
MAX_TITLE_CHARS = 120
MAX_REASON_CHARS = 300
#: report lines per kind (added, updated, failed) before "… and N more"
REPORT_LINES = 10


# --------------------------------------------------------------------------- short replies


def generic_error(tr: Texts) -> str:
    return tr.gettext("Sorry — something went wrong while handling your message. Please try again in a moment.")


def non_text_hint(tr: Texts) -> str:
    return tr.gettext("I can only read text. Send me your question as a message.")


def unknown_command(tr: Texts) -> str:
    # TRANSLATORS: keep "/help" as it is
    return tr.gettext("I don't know that command. /help lists what I can do.")


def reset_done(tr: Texts) -> str:
    return tr.gettext("Done — I've forgotten our conversation. Your next question starts fresh.")


def ask_usage(tr: Texts) -> str:
    # TRANSLATORS: keep "/ask" as it is; the example question may be translated
    return tr.gettext("Ask me a question about the news, e.g. /ask What did Putin say about Hamas?")


def too_long(tr: Texts, limit: int, got: int) -> str:
    return tr.ngettext(
        "That question is {n} character long; I can take up to {limit}. Could you ask it more briefly?",
        "That question is {n} characters long; I can take up to {limit}. Could you ask it more briefly?",
        got, limit=limit,
    )


def rate_limited(tr: Texts, wait_seconds: float, limit: int) -> str:
    wait = max(1, round(wait_seconds))
    return " ".join((
        tr.ngettext("You're asking faster than I can read — the limit is {n} question a minute.",
                    "You're asking faster than I can read — the limit is {n} questions a minute.", limit),
        tr.ngettext("Please try again in {n} second.", "Please try again in {n} seconds.", wait),
    ))


def previous_page(tr: Texts) -> str:
    return tr.gettext("◀ Previous")


def next_page(tr: Texts) -> str:
    return tr.gettext("Next ▶")


# --------------------------------------------------------------------------- /help


def _outlets(tr: Texts, sources: Sequence[str]) -> str:
    names = [clip(s.strip(), MAX_NAME_CHARS) for s in sources if s and s.strip()]
    shown = names[:HELP_OUTLETS]
    if len(names) > len(shown):
        # TRANSLATORS: the last item of "They come from CNN, BBC, AP and {n} more outlets."
        shown.append(tr.ngettext("{n} more outlet", "{n} more outlets", len(names) - len(shown)))
    return tr.join(shown)


def help_lines(tr: Texts, info: IndexInfo, bot_username: str | None, in_group: bool) -> list[str]:
    about = [tr.ngettext("I answer questions about {n} news article.",
                         "I answer questions about {n} news articles.", info.articles)]
    if any(s.strip() for s in info.sources):
        # TRANSLATORS: {outlets} is a list of news outlets, e.g. "CNN, BBC and 2 more outlets"
        about.append(tr.gettext("They come from {outlets}.", outlets=_outlets(tr, info.sources)))
    first, last = (info.first_date or "")[:10], (info.last_date or "")[:10]
    if first and last and first != last:
        about.append(tr.gettext("Published from {first} to {last}.", first=tr.date(first), last=tr.date(last)))
    elif first or last:
        about.append(tr.gettext("Published on {date}.", date=tr.date(first or last)))
    if in_group:
        mention = f"@{bot_username}" if bot_username else "@bot"
        # TRANSLATORS: {mention} is the bot's @username; keep "/ask" as it is
        how = tr.gettext("In a group, mention me ({mention} your question), reply to one of my messages, "
                         "or use /ask your question.", mention=mention)
    else:
        how = tr.gettext("Just send me a question, e.g. “What happened at the Kremlin meeting?” — "
                         "follow-up questions work too.")
    return [
        tr.gettext("newsbot — answers from the news, with evidence"),
        " ".join(about),
        tr.gettext("Every answer quotes the passages it relies on and links the articles; "
                   "when the articles don't say, I tell you so."),
        "",
        how,
        "",
        *(f"/{e.command} — {e.describe(tr)}" for e in MENU if not e.admin),
    ]


# --------------------------------------------------------------------------- /stats


def ago(tr: Texts, iso: str, now: float | None = None) -> str:
    """'16 Apr 2025 (3 hours ago)', or the raw text when it can't be parsed."""
    if not iso:
        # TRANSLATORS: /stats, when the index was never updated
        return tr.gettext("unknown")
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return clip(iso, MAX_NAME_CHARS)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (now if now is not None else time.time()) - when.timestamp()
    relative = format_timedelta(timedelta(seconds=-max(0.0, seconds)), add_direction=True, locale=tr.language)
    return f"{tr.date(when)} {when:%H:%M} ({relative})"


def stats_lines(tr: Texts, info: IndexInfo, stats: BotStats, conversations: int, now: float | None = None) -> list[str]:
    now = now if now is not None else time.time()
    up = format_timedelta(timedelta(seconds=max(0.0, now - stats.started_at)), locale=tr.language)
    unknown = "?"
    return [
        tr.gettext("newsbot stats"),
        tr.gettext("Articles: {articles} · chunks: {chunks} · outlets: {outlets}",
                   articles=info.articles, chunks=info.chunks, outlets=len(info.sources)),
        tr.gettext("Published: {first} to {last}", first=tr.date(info.first_date[:10]) if info.first_date else unknown,
                   last=tr.date(info.last_date[:10]) if info.last_date else unknown),
        tr.gettext("Index updated: {when}", when=ago(tr, info.updated_at, now)),
        tr.gettext("Index: {location} · embedder: {model}", location=clip(info.location, MAX_REASON_CHARS) or unknown,
                   model=clip(info.embed_model, MAX_NAME_CHARS) or unknown),
        tr.gettext("Answer mode: {mode}", mode=info.answer_mode),
        # TRANSLATORS: /stats (admins); {uptime} is a duration like "3 hours"
        tr.gettext("Questions answered since the start {uptime} ago: {questions} (no support in the articles: "
                   "{refused}; errors: {failed}; over the rate limit: {limited})", uptime=up,
                   questions=stats.questions, refused=stats.refused, failed=stats.failed, limited=stats.rate_limited),
        tr.gettext("Conversations with history: {n}", n=conversations),
    ]


# --------------------------------------------------------------------------- index reports


def _names(tr: Texts, ids: Sequence[str], known: dict[str, ArticleInfo]) -> list[str]:
    out = []
    for article_id in ids:
        art = known.get(article_id)
        if art is None:
            out.append(clip(str(article_id), MAX_TITLE_CHARS))
            continue
        title = clip(art.title.strip(), MAX_TITLE_CHARS)
        by = ", ".join(p for p in (clip(art.source, MAX_NAME_CHARS), tr.date(art.published_at) if art.published_at
                                   else "") if p)
        # TRANSLATORS: an article in an index report; {byline} is "outlet, date"; use your language's quotation marks
        out.append(tr.gettext("“{title}” ({byline})", title=title, byline=by) if by
                   else tr.gettext("“{title}”", title=title))
    return out


def _listed(tr: Texts, label: str, ids: Sequence[str], known: dict[str, ArticleInfo]) -> list[str]:
    lines = [f"{label} {name}" for name in _names(tr, ids[:REPORT_LINES], known)]
    if len(ids) > REPORT_LINES:
        lines.append(f"{label} " + tr.ngettext("… and {n} more", "… and {n} more", len(ids) - REPORT_LINES))
    return lines


def _failures(tr: Texts, failures: Sequence[object]) -> list[str]:
    # TRANSLATORS: index reports: a label before a file that could not be read and the reason
    label = tr.gettext("Failed:")
    lines = [f"{label} {clip(str(f), MAX_REASON_CHARS)}" for f in failures[:REPORT_LINES]]
    if len(failures) > REPORT_LINES:
        lines.append(f"{label} " + tr.ngettext("… and {n} more", "… and {n} more", len(failures) - REPORT_LINES))
    return lines


def report_lines(tr: Texts, report: IndexReport, known: dict[str, ArticleInfo], what: str) -> list[str]:
    """Summary of an index run; `what` names what was indexed ('corpus/' or a file name)."""
    # TRANSLATORS: {what} is a folder like "corpus/"; {seconds} a number
    lines = [tr.gettext(
        "Indexed {what} in {seconds} s: {added} added, {updated} updated, {unchanged} unchanged, "
        "{deleted} deleted; {chunks} chunks embedded.",
        what=what, seconds=tr.number(round(report.seconds, 1)), added=len(report.added),
        updated=len(report.updated), unchanged=len(report.unchanged), deleted=len(report.deleted),
        chunks=report.chunks_embedded,
    )]
    # TRANSLATORS: index reports: labels before the articles that were added / updated
    lines += _listed(tr, tr.gettext("Added:"), report.added, known)
    lines += _listed(tr, tr.gettext("Updated:"), report.updated, known)
    return lines + _failures(tr, report.failed)


def reindex_started(tr: Texts, folder: str) -> str:
    return tr.gettext("Re-indexing {folder} … I'll post the summary here when it's done.", folder=folder)


def already_reindexing(tr: Texts) -> str:
    return tr.gettext("A re-index is already running; I'll post the summary here when it's done.")


def reindex_failed(tr: Texts) -> str:
    return tr.gettext("The re-index failed; the previous index is still in use. The logs have the details.")


def upload_while_indexing(tr: Texts) -> str:
    return tr.gettext("An index run is in progress; please send the file again when it's done.")


def upload_indexed(report: IndexReport) -> bool:
    """Whether an upload's index run took it (added, updated, or already indexed as it is)."""
    return bool(report.added or report.updated or (report.unchanged and not report.failed))


def upload_lines(tr: Texts, file_name: str, replaced: bool, report: IndexReport,
                 known: dict[str, ArticleInfo]) -> list[str]:
    """The reply to an upload that was indexed (see `upload_not_kept` for one that was not)."""
    saved = (tr.gettext("Saved {name} to the corpus, replacing the previous file.", name=file_name) if replaced
             else tr.gettext("Saved {name} to the corpus.", name=file_name))
    if not (report.added or report.updated):
        return [saved, tr.gettext("It was already indexed and hasn't changed.")]
    lines = [saved]
    lines += _listed(tr, tr.gettext("Added:"), report.added, known)
    lines += _listed(tr, tr.gettext("Updated:"), report.updated, known)
    lines.append(tr.ngettext("{n} passage embedded in {seconds} s. You can ask about it now.",
                             "{n} passages embedded in {seconds} s. You can ask about it now.",
                             report.chunks_embedded, seconds=tr.number(round(report.seconds, 1))))
    return lines + _failures(tr, report.failed)


def upload_not_kept(tr: Texts, file_name: str, replaced: bool, reasons: Sequence[str]) -> list[str]:
    """An upload that could not be indexed was removed again (and the file it replaced restored)."""
    head = (tr.gettext("I couldn't index {name}, so I kept the previous version of it.", name=file_name)
            if replaced else tr.gettext("I couldn't index {name}, so I didn't add it to the corpus.", name=file_name))
    reasons = [clip(r, MAX_REASON_CHARS) for r in reasons if r][:5] or [tr.gettext("I found no article in it.")]
    return [head, *(tr.gettext("Reason: {reason}", reason=r) for r in reasons)]


# --------------------------------------------------------------------------- feeds (admins)

#: feeds listed by /feeds before "… and N more"
FEED_LINES = 30
MAX_URL_CHARS = 200


def feed_lines(tr: Texts, feeds: Sequence[Feed], interval: float, now: float | None = None) -> list[str]:
    """/feeds: each feed with its articles, last success and last error (with its reason)."""
    if not feeds:
        # TRANSLATORS: keep "/addfeed" as it is
        return [tr.gettext("No feeds are subscribed. Add one with /addfeed URL [NAME].")]
    lines = [tr.ngettext("{n} feed, polled every {seconds} s:", "{n} feeds, polled every {seconds} s:", len(feeds),
                         seconds=tr.number(round(interval)))]
    for i, feed in enumerate(feeds[:FEED_LINES], start=1):
        lines.append("")
        lines.append(f"{i}. {clip(feed.name, MAX_NAME_CHARS)} — {clip(feed.url, MAX_URL_CHARS)}")
        success = ago(tr, feed.last_success, now) if feed.last_success else tr.gettext("never")
        lines.append(tr.ngettext("{n} article · last success: {when}", "{n} articles · last success: {when}",
                                 feed.items, when=success))
        if feed.last_error:
            lines.append(tr.gettext("Last error: {reason}", reason=clip(feed.last_error, MAX_REASON_CHARS)))
    if len(feeds) > FEED_LINES:
        lines.append(tr.ngettext("… and {n} more", "… and {n} more", len(feeds) - FEED_LINES))
    return lines


def addfeed_usage(tr: Texts) -> str:
    # TRANSLATORS: keep "/addfeed" as it is
    return tr.gettext("Send the feed's address, and a name if you like: /addfeed https://example.com/rss.xml "
                      "Example News")


def feed_added(tr: Texts, feed: Feed, interval: float) -> str:
    return tr.gettext("Subscribed to “{name}” ({url}). Its new articles are fetched and indexed at the next poll "
                      "(every {seconds} s).", name=clip(feed.name, MAX_NAME_CHARS), url=clip(feed.url, MAX_URL_CHARS),
                      seconds=tr.number(round(interval)))


def feed_not_added(tr: Texts, reason: str) -> str:
    return tr.gettext("I couldn't subscribe to that feed: {reason}", reason=clip(reason, MAX_REASON_CHARS))


def removefeed_usage(tr: Texts) -> str:
    # TRANSLATORS: keep "/removefeed" and "/feeds" as they are
    return tr.gettext("Which feed? /removefeed NAME or /removefeed URL (/feeds lists them).")


def feed_unknown(tr: Texts, wanted: str) -> str:
    # TRANSLATORS: keep "/feeds" as it is
    return tr.gettext("No feed has the name or address “{wanted}”. /feeds lists them.",
                      wanted=clip(wanted, MAX_NAME_CHARS))


def feed_removed(tr: Texts, feed: Feed) -> str:
    return tr.ngettext("Unsubscribed from “{name}”. Its {n} article stays in the archive.",
                       "Unsubscribed from “{name}”. Its {n} articles stay in the archive.", feed.items,
                       name=clip(feed.name, MAX_NAME_CHARS))


# --------------------------------------------------------------------------- follows


def follow_usage(tr: Texts) -> str:
    # TRANSLATORS: keep "/follow" as it is; the example topic may be translated
    return tr.gettext("Tell me what to follow, in a few words or as a question, e.g. /follow airport tram line")


def follow_too_long(tr: Texts, limit: int, got: int) -> str:
    return tr.ngettext("A topic can be at most {limit} characters; this one has {n}. Try a few words.",
                       "A topic can be at most {limit} characters; this one has {n}. Try a few words.", got,
                       limit=limit)


def follow_added(tr: Texts, topic: str, number: int) -> str:
    # TRANSLATORS: keep "/following" as it is
    return tr.gettext("Following “{topic}” (number {number}). When a new article is about it, I'll send you its "
                      "headline and the passage; /following lists your topics.", topic=topic, number=number)


def follow_exists(tr: Texts, number: int) -> str:
    return tr.gettext("You already follow that (number {number}).", number=number)


def follow_full(tr: Texts, limit: int) -> str:
    # TRANSLATORS: keep "/unfollow" as it is
    return tr.ngettext("You follow {n} topic already, the most I keep. /unfollow one first.",
                       "You follow {n} topics already, the most I keep. /unfollow one first.", limit)


def following_lines(tr: Texts, topics: Sequence[str]) -> list[str]:
    if not topics:
        # TRANSLATORS: keep "/follow" as it is
        return [tr.gettext("You don't follow any topic yet. /follow TOPIC, and I'll tell you about new articles "
                           "on it.")]
    return [tr.gettext("Your topics:"), *(f"{n}. {topic}" for n, topic in enumerate(topics, start=1)), "",
            # TRANSLATORS: keep "/unfollow" as it is
            tr.gettext("/unfollow N stops following number N.")]


def unfollow_usage(tr: Texts) -> str:
    # TRANSLATORS: keep "/unfollow" and "/following" as they are
    return tr.gettext("Which one? /unfollow N, with N from /following.")


def unfollow_unknown(tr: Texts, number: int) -> str:
    # TRANSLATORS: keep "/following" as it is
    return tr.gettext("You have no topic number {number}. /following lists yours.", number=number)


def unfollowed(tr: Texts, topic: str) -> str:
    return tr.gettext("Stopped following “{topic}”.", topic=topic)
