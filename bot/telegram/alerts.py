"""Follow alerts: after an index run, tell followers about the new articles that support their topics.

`notify_followers(context, report)` runs after every index run the bot makes — a feed poll
(`bot.telegram.feeds`), /reindex and an admin's upload (`bot.telegram.admin`) — with the run's
`added` and `updated` articles (at most MAX_NEW_ARTICLES, newest first):

1. the follows whose owner or chat may still use the bot (`AccessPolicy.ids_allowed`) are matched
   against the new articles in a worker thread (`bot.follows.match_follows`: the answers' support
   judgment, offline, FOLLOW_MIN_SUPPORT);
2. each (follow, article) pair is claimed in the store before anything is sent, so an article
   reaches a follow at most once, ever;
3. per chat and forum topic: one message per article (the best-supported follow names the topic),
   in the follow's forum topic (`Follow.thread_id`; the chat itself when the topic was deleted or
   closed — once, without the thread), in the follower's language, at most FOLLOW_ALERTS_PER_HOUR messages an hour — the excess is dropped
   (and logged), never sent later;
4. sends go through the bot (PTB's rate limiter); rendering runs on the render threads. A chat that
   answers Forbidden (the user blocked the bot, or it was removed from the group) loses its follows;
   one that answers ChatMigrated (a group upgraded to a supergroup) has its follows and histories
   moved to the new chat id (`follows.migrate_chat`) and the alert is sent there, once.

One run at a time (`services.alerts_lock`); `services.alerts` counts runs for tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.follows import Match, match_follows
from bot.i18n import texts
from bot.telegram.context import NewsContext
from bot.telegram.follows import migrate_chat
from bot.telegram.fragments import OutMessage
from bot.telegram.render import render_alert
from bot.telegram.send import send_parts
from index.models import IndexReport

log = logging.getLogger(__name__)

#: new articles of one index run that are matched (a bigger run, e.g. a first fill, keeps the newest)
MAX_NEW_ARTICLES = 200


@dataclass
class AlertSummary:
    articles: int = 0  # new articles matched against
    matches: int = 0  # (follow, article) pairs newly matched
    sent: int = 0  # messages delivered
    dropped: int = 0  # over FOLLOW_ALERTS_PER_HOUR
    failed: int = 0  # other send errors (not retried)
    removed_chats: list[int] = field(default_factory=list)  # Forbidden: their follows are gone
    migrated_chats: dict[int, int] = field(default_factory=dict)  # ChatMigrated: old id → new id


async def notify_followers(context: NewsContext, report: IndexReport) -> AlertSummary | None:
    """Alert followers about `report`'s added and updated articles; None when there was nothing to do."""
    ids = list(dict.fromkeys([*report.added, *report.updated]))
    s = context.services
    if not ids or not await asyncio.to_thread(s.follows.count):
        return None
    async with s.alerts_lock:
        s.alerts.begin()
        summary = AlertSummary()
        try:
            await _notify(context, await _newest(context, ids), summary)
        except Exception:  # alerts must never break the run that triggered them
            log.exception("Follow alerts failed")
        finally:
            await s.alerts.finish(summary)
    log.info("Follow alerts: %d new article(s), %d match(es), %d sent, %d dropped over the hourly cap, "
             "%d failed, %d chat(s) removed", summary.articles, summary.matches, summary.sent, summary.dropped,
             summary.failed, len(summary.removed_chats))
    return summary


async def _newest(context: NewsContext, ids: list[str]) -> list[str]:
    if len(ids) <= MAX_NEW_ARTICLES:
        return ids
    dates = {a.id: a.published_at or "" for a in await asyncio.to_thread(context.engine.articles)}
    log.info("Follow alerts: %d new articles, matching the newest %d", len(ids), MAX_NEW_ARTICLES)
    return sorted(ids, key=lambda a: dates.get(a, ""), reverse=True)[:MAX_NEW_ARTICLES]


async def _notify(context: NewsContext, ids: list[str], summary: AlertSummary) -> None:
    s = context.services
    summary.articles = len(ids)
    follows = [f for f in await asyncio.to_thread(s.follows.all) if s.access.ids_allowed(f.user_id, f.chat_id)]
    if not follows:
        return
    already = await asyncio.to_thread(s.follows.alerted, [f.id for f in follows])
    matches = await asyncio.to_thread(match_follows, context.engine, follows, ids,
                                      min_support=s.settings.follow_min_support, already=already)
    fresh = await asyncio.to_thread(s.follows.claim, [(m.follow.id, m.article_id) for m in matches])
    matches = [m for m in matches if (m.follow.id, m.article_id) in fresh]
    summary.matches = len(matches)
    by_chat: dict[int, dict[tuple[int | None, str], Match]] = {}
    for m in matches:  # best support first: the first follow of a chat (topic) to match an article names it
        by_chat.setdefault(m.follow.chat_id, {}).setdefault((m.follow.thread_id, m.article_id), m)
    done: set[tuple[int, int | None, str]] = set()  # (chat, topic, article) sent: once, also after a migration
    for chat_id, alerts in by_chat.items():
        await _deliver(context, chat_id, list(alerts.values()), summary, done)


async def _deliver(context: NewsContext, chat_id: int, alerts: Sequence[Match], summary: AlertSummary,
                   done: set[tuple[int, int | None, str]]) -> None:
    s = context.services
    budget = s.settings.follow_alerts_per_hour - await asyncio.to_thread(s.follows.delivered_last_hour, chat_id)
    budget = max(0, budget)
    if len(alerts) > budget:
        summary.dropped += len(alerts) - budget
        log.info("Chat %s: %d follow alert(s) dropped (FOLLOW_ALERTS_PER_HOUR=%d)", chat_id, len(alerts) - budget,
                 s.settings.follow_alerts_per_hour)
    chat = _Chat(chat_id)
    for alert in alerts[:budget]:
        parts = await context.render(render_alert, alert.follow.topic, alert.citation, texts(alert.follow.language))
        try:
            if not await _send_alert(context, chat, alert, parts, summary, done):
                continue
        except Forbidden as exc:
            removed = await asyncio.to_thread(s.follows.remove_chat, chat.id)
            summary.removed_chats.append(chat.id)
            log.info("Chat %s refused an alert (%s): its %d follow(s) are removed", chat.id, exc, removed)
            return
        except TelegramError as exc:
            summary.failed += 1
            log.warning("Could not send a follow alert to chat %s: %s", chat.id, exc)
            continue
        summary.sent += 1
        await asyncio.to_thread(s.follows.delivered, chat.id)


@dataclass
class _Chat:
    id: int  # where the chat's alerts go: the new id once Telegram said the group became a supergroup
    migrated: bool = False


async def _send_alert(context: NewsContext, chat: _Chat, alert: Match, parts: Sequence[OutMessage],
                      summary: AlertSummary, done: set[tuple[int, int | None, str]]) -> bool:
    """Send one alert (False: the chat had it already in this run); a group that became a supergroup
    moves to its new id and is sent to there, once."""
    thread_id = alert.follow.thread_id
    if (chat.id, thread_id, alert.article_id) in done:
        return False
    try:
        await _send(context.bot, chat.id, thread_id, parts)
    except ChatMigrated as exc:
        if chat.migrated:
            raise
        old, chat.id, chat.migrated = chat.id, int(exc.new_chat_id), True
        summary.migrated_chats[old] = chat.id
        await migrate_chat(context, old, chat.id)
        if (chat.id, thread_id, alert.article_id) in done:  # the supergroup's own follow announced it
            return False
        await _send(context.bot, chat.id, thread_id, parts)
    done.add((chat.id, thread_id, alert.article_id))
    return True


async def _send(bot: Bot, chat_id: int, thread_id: int | None, parts: Sequence[OutMessage]) -> None:
    """Send into the forum topic; when the topic is gone (deleted or closed), into the chat, once."""
    try:
        await send_parts(bot, chat_id, parts, thread_id=thread_id)
    except BadRequest as exc:
        if thread_id is None or not _topic_gone(exc):
            raise
        log.info("Chat %s: the forum topic of a follow is gone (%s); alerting the chat", chat_id, exc)
        await send_parts(bot, chat_id, parts)


def _topic_gone(exc: BadRequest) -> bool:
    text = str(exc).lower()
    return "thread not found" in text or "topic_closed" in text or "topic_deleted" in text
