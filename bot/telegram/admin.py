"""Admin-only actions: /reindex, /stats and document uploads into the corpus.

Each is wrapped in `@admin_only(...)`: non-admins (including anonymous group admins) get a
refusal in their language and the attempt is logged. Index runs go to a worker thread; only one
runs at a time (a second /reindex or upload is told that one is running; another *process*
holding the index lock surfaces as `IndexBusyError`, whose message is shown as is).

An upload is indexed at once; if it can't be indexed (binary, unparsable, no article…) it is
removed from the corpus again and a file it replaced is restored (`uploads.SavedUpload`).
After an index run, followers hear about its new articles (`alerts.notify_followers`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.i18n import Texts
from bot.telegram import replies
from bot.telegram.access import admin_only
from bot.telegram.alerts import notify_followers
from bot.telegram.context import NewsContext
from bot.telegram.send import say, say_lines, typing
from bot.telegram.uploads import UploadRejected, check_upload, save_upload
from index.errors import NewsbotError
from index.models import ArticleInfo

log = logging.getLogger(__name__)


async def _known_articles(context: NewsContext) -> dict[str, ArticleInfo]:
    try:
        return {a.id: a for a in await asyncio.to_thread(context.engine.articles)}
    except Exception:  # only used to show titles; the report is still useful without them
        log.exception("Could not list articles for an index report")
        return {}


@admin_only("/stats")
async def cmd_stats(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    s = context.services
    info = await asyncio.to_thread(context.engine.index_info)
    conversations = await asyncio.to_thread(s.history.conversations)
    await say_lines(context, message, replies.stats_lines(context.tr, info, s.stats, conversations), bold_first=True)


@admin_only("/reindex")
async def cmd_reindex(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    s, tr = context.services, context.tr
    if s.reindex_running:
        await say(context, message, replies.already_reindexing(tr))
        return
    s.reindex_running = True  # set before any await: a second /reindex sees it
    try:
        await say(context, message, replies.reindex_started(tr, f"{s.settings.corpus_dir}/"))
    except BaseException:
        s.reindex_running = False
        raise
    context.application.create_task(_reindex_job(message, context, tr), update=update, name="newsbot:reindex")


async def _reindex_job(message: Message, context: NewsContext, tr: Texts) -> None:
    s = context.services
    try:
        report = await asyncio.to_thread(context.engine.reindex)
    except NewsbotError as exc:
        log.warning("Re-index refused or failed: %s", exc)
        await say(context, message, str(exc))
        return
    except Exception:
        log.exception("Re-index failed")
        await say(context, message, replies.reindex_failed(tr))
        return
    finally:
        s.reindex_running = False
    log.info("Re-index done: %s", report.to_dict())
    lines = replies.report_lines(tr, report, await _known_articles(context), f"{s.settings.corpus_dir}/")
    await say_lines(context, message, lines)
    await notify_followers(context, report)


@admin_only("document upload")
async def on_document(update: Update, context: NewsContext) -> None:
    """An admin's document in a private chat: save it into the corpus and index it (or take it back)."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    s, tr = context.services, context.tr
    doc = message.document
    try:
        check_upload(doc.file_name, doc.file_size, s.settings.upload_max_bytes, tr)
    except UploadRejected as exc:
        await say(context, message, str(exc))
        return
    if s.reindex_running:
        await say(context, message, replies.upload_while_indexing(tr))
        return
    s.reindex_running = True
    try:
        async with typing(context.bot, message.chat_id):
            tg_file = await context.bot.get_file(doc.file_id)
            data = bytes(await tg_file.download_as_bytearray())
            try:
                saved = await asyncio.to_thread(
                    save_upload, s.settings.corpus_dir, doc.file_name or "", data, s.settings.upload_max_bytes, tr)
            except UploadRejected as exc:
                await say(context, message, str(exc))
                return
            user = update.effective_user
            log.info("Admin %s uploaded %s (%d bytes)", user.id if user else None, saved.path.name, len(data))
            try:
                report = await asyncio.to_thread(context.engine.reindex, [saved.path])
            except BaseException as exc:
                await asyncio.to_thread(saved.rollback)
                if not isinstance(exc, NewsbotError):
                    raise  # the error handler logs it and tells the admin
                log.warning("Indexing the upload %s failed: %s", saved.path.name, exc)
                lines = replies.upload_not_kept(tr, saved.path.name, saved.replaced, [str(exc)])
                await say_lines(context, message, lines)
                return
            if not replies.upload_indexed(report):
                await asyncio.to_thread(saved.rollback)
                log.warning("The upload %s could not be indexed: %s", saved.path.name,
                            "; ".join(str(f) for f in report.failed[:5]) or "no article")
                lines = replies.upload_not_kept(tr, saved.path.name, saved.replaced,
                                                [f.reason for f in report.failed])
                await say_lines(context, message, lines)
                return
            await asyncio.to_thread(saved.commit)
    finally:
        s.reindex_running = False
    lines = replies.upload_lines(tr, saved.path.name, saved.replaced, report, await _known_articles(context))
    await say_lines(context, message, lines)
    # the followers' alerts run in the background: the admin's conversation goes on meanwhile
    context.application.create_task(notify_followers(context, report), update=update, name="newsbot:alerts")


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("reindex", cmd_reindex, filters=new_messages))
    application.add_handler(CommandHandler("stats", cmd_stats, filters=new_messages))
    application.add_handler(
        MessageHandler(new_messages & filters.ChatType.PRIVATE & filters.Document.ALL, on_document))
