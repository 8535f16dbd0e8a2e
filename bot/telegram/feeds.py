"""Feeds in the bot: the admins' /feeds, /addfeed, /removefeed and the background poll.

- The bot holds ONE `FeedService` (`context.services.feeds`); every call to it runs on the one feed
  worker thread (`services.in_feed_worker`), so its crawler's per-host pacing holds and two of its
  calls never overlap (a /addfeed during a poll waits for the poll).
- `poll_job` runs on PTB's JobQueue right after start-up and then every FEED_INTERVAL. A
  tick while a poll is still running is skipped. A poll with no feeds subscribed is one SQLite
  read. Otherwise every feed is polled once, what is new is indexed with `engine.reindex(paths)`
  (which reloads the engine: the next question sees the new articles), a summary is logged, and
  followers are told about the new articles (`alerts.notify_followers`) before the poll counts as
  done (`services.polls`, which tests and benchmarks wait on).
- A `newsbot fetch` running at the same time holds the fetch lock: the poll is skipped and logged.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.telegram import replies
from bot.telegram.access import admin_only
from bot.telegram.alerts import notify_followers
from bot.telegram.chats import command_argument
from bot.telegram.context import NewsContext
from bot.telegram.send import say, say_lines, typing
from index.errors import NewsbotError
from index.feeds import FeedsBusyError, FetchReport

log = logging.getLogger(__name__)

JOB_NAME = "newsbot:feeds"


# --------------------------------------------------------------------------- the background poll


async def poll_job(context: NewsContext) -> None:
    """The JobQueue callback: start a poll in the background (a job never waits on the network)."""
    context.application.create_task(poll_feeds(context), name="newsbot:feed-poll")


async def poll_feeds(context: NewsContext) -> FetchReport | None:
    """Poll every feed once, index what is new, alert followers. None when skipped or without feeds."""
    s = context.services
    if s.polls.running:
        s.polls.skipped += 1
        log.info("Feed poll skipped: the previous one is still running")
        return None
    s.polls.begin()  # before any await: a second tick sees it
    report: FetchReport | None = None
    try:
        if not await s.in_feed_worker(s.feeds.feeds):
            return None
        report = await s.in_feed_worker(s.feeds.fetch_feeds, context.engine.reindex)
        log_summary(report)
        if report.index is not None:
            await notify_followers(context, report.index)
    except FeedsBusyError as exc:
        log.info("Feed poll skipped: %s", exc)
    except Exception:
        log.exception("Feed poll failed; the next one tries again")
    finally:
        await s.polls.finish(report)
    return report


def log_summary(report: FetchReport) -> None:
    counts = {status: len(report.with_status(status)) for status in ("new", "updated", "unchanged", "failed")}
    indexed = (f"indexed {len(report.index.added)} added, {len(report.index.updated)} updated"
               if report.index is not None else report.index_error or "nothing to index")
    failures = report.failures()
    log.log(logging.WARNING if failures else logging.INFO,
            "Feed poll: %d feed(s), %d new, %d updated, %d unchanged, %d failed; %s; %d failure(s) in %.1f s%s",
            len(report.feeds), counts["new"], counts["updated"], counts["unchanged"], counts["failed"], indexed,
            len(failures), report.seconds, "".join(f"\n  {f}" for f in failures[:20]))


# --------------------------------------------------------------------------- admin commands


@admin_only("/feeds")
async def cmd_feeds(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    s = context.services
    feeds = await s.in_feed_worker(s.feeds.feeds)
    lines = replies.feed_lines(context.tr, feeds, s.settings.feed_interval)
    await say_lines(context, message, lines, bold_first=True)


@admin_only("/addfeed")
async def cmd_addfeed(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    s, tr = context.services, context.tr
    url, *name = command_argument(message, context.bot.username).split(maxsplit=1) or [""]
    if not url:
        await say(context, message, replies.addfeed_usage(tr))
        return
    try:
        async with typing(context.bot, message.chat_id):  # the feed is fetched once to check it
            feed = await s.in_feed_worker(s.feeds.add_feed, url, " ".join(" ".join(name).split()) or None)
    except NewsbotError as exc:  # not a feed, unreachable, refused address, duplicate, bad name
        log.info("/addfeed refused: %s", exc)
        await say(context, message, replies.feed_not_added(tr, str(exc)))
        return
    log.info("Admin %s subscribed to %s as %s", update.effective_user.id if update.effective_user else None,
             feed.url, feed.name)
    await say(context, message, replies.feed_added(tr, feed, s.settings.feed_interval))


@admin_only("/removefeed")
async def cmd_removefeed(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    s, tr = context.services, context.tr
    wanted = " ".join(command_argument(message, context.bot.username).split())
    if not wanted:
        await say(context, message, replies.removefeed_usage(tr))
        return
    feed = await s.in_feed_worker(s.feeds.find_feed, wanted)
    if feed is None:
        await say(context, message, replies.feed_unknown(tr, wanted))
        return
    try:
        feed = await s.in_feed_worker(s.feeds.remove_feed, feed.url)
    except NewsbotError:  # another admin removed it meanwhile
        await say(context, message, replies.feed_unknown(tr, wanted))
        return
    log.info("Admin %s unsubscribed from %s (%s)", update.effective_user.id if update.effective_user else None,
             feed.url, feed.name)
    await say(context, message, replies.feed_removed(tr, feed))


# --------------------------------------------------------------------------- wiring


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("feeds", cmd_feeds, filters=new_messages))
    application.add_handler(CommandHandler("addfeed", cmd_addfeed, filters=new_messages))
    application.add_handler(CommandHandler("removefeed", cmd_removefeed, filters=new_messages))
    interval = application.bot_data.services.settings.feed_interval
    if application.job_queue is None:
        log.warning("No JobQueue (install python-telegram-bot[job-queue]): feeds are not polled in the background")
        return
    # a poll at start-up, then every FEED_INTERVAL. Both times are computed now, before start-up: a
    # repeating job whose first run is already past at start would wait a whole interval, and a
    # one-off run that is late must still run (no misfire grace limit)
    jobs = application.job_queue
    jobs.run_once(poll_job, when=0, name=f"{JOB_NAME}:start", job_kwargs={"misfire_grace_time": None})
    jobs.run_repeating(poll_job, interval=interval, first=interval, name=JOB_NAME,
                       job_kwargs={"misfire_grace_time": None, "coalesce": True})
