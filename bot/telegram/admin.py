"""Admin-only actions: /reindex, /stats and document uploads into the corpus.

Non-admins (including anonymous group admins) get a refusal and the attempt is logged.
Index runs go to a worker thread; only one runs at a time (a second /reindex or upload
is told that one is running; another *process* holding the index lock surfaces as
`IndexBusyError`, whose message is shown as is).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.telegram import texts
from bot.telegram.access import ADMIN_ONLY_TEXT, log_refusal
from bot.telegram.render import render_lines, render_text
from bot.telegram.send import reply_parts, typing
from bot.telegram.services import BotServices, engine_of, services_of
from bot.telegram.uploads import UploadRejected, check_upload, save_upload
from index.errors import NewsbotError

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


def _quote(message: Message) -> bool:
    return message.chat.type != message.chat.PRIVATE


async def _say(message: Message, text: str) -> None:
    await reply_parts(message, render_text(text), quote=_quote(message))


async def _require_admin(update: Update, context: Context, action: str) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    if services_of(context).access.update_is_admin(update):
        return message
    log_refusal(update, action)
    await _say(message, ADMIN_ONLY_TEXT)
    return None


async def _known_articles(context: Context) -> dict:
    try:
        return {a.id: a for a in await asyncio.to_thread(engine_of(context).articles)}
    except Exception:  # only used to show titles; the report is still useful without them
        log.exception("Could not list articles for an index report")
        return {}


async def cmd_stats(update: Update, context: Context) -> None:
    message = await _require_admin(update, context, "/stats")
    if message is None:
        return
    s = services_of(context)
    info = await asyncio.to_thread(engine_of(context).index_info)
    conversations = await asyncio.to_thread(s.history.conversations)
    await reply_parts(
        message, render_lines(texts.stats_lines(info, s.stats, conversations), bold_first=True), quote=_quote(message)
    )


async def cmd_reindex(update: Update, context: Context) -> None:
    message = await _require_admin(update, context, "/reindex")
    if message is None:
        return
    s = services_of(context)
    if s.reindex_running:
        await _say(message, texts.ALREADY_REINDEXING)
        return
    s.reindex_running = True  # set before any await: a second /reindex sees it
    try:
        await _say(message, f"Re-indexing {s.settings.corpus_dir}/ … I'll post the summary here when it's done.")
    except BaseException:
        s.reindex_running = False
        raise
    context.application.create_task(_reindex_job(message, context, s), update=update, name="newsbot:reindex")


async def _reindex_job(message: Message, context: Context, s: BotServices) -> None:
    try:
        report = await asyncio.to_thread(engine_of(context).reindex)
    except NewsbotError as exc:
        log.warning("Re-index refused or failed: %s", exc)
        await _say(message, str(exc))
        return
    except Exception:
        log.exception("Re-index failed")
        await _say(message, "The re-index failed; the previous index is still in use. The logs have the details.")
        return
    finally:
        s.reindex_running = False
    log.info("Re-index done: %s", report.to_dict())
    lines = texts.report_lines(report, await _known_articles(context), f"{s.settings.corpus_dir}/")
    await reply_parts(message, render_lines(lines), quote=_quote(message))


async def on_document(update: Update, context: Context) -> None:
    """An admin's document in a private chat: save it into the corpus and index it."""
    message = await _require_admin(update, context, "document upload")
    if message is None or message.document is None:
        return
    s = services_of(context)
    doc = message.document
    try:
        check_upload(doc.file_name, doc.file_size, s.settings.upload_max_bytes)
    except UploadRejected as exc:
        await _say(message, str(exc))
        return
    if s.reindex_running:
        await _say(message, "An index run is in progress; please send the file again when it's done.")
        return
    s.reindex_running = True
    try:
        async with typing(context.bot, message.chat_id):
            tg_file = await context.bot.get_file(doc.file_id)
            data = bytes(await tg_file.download_as_bytearray())
            try:
                path, replaced = await asyncio.to_thread(
                    save_upload, s.settings.corpus_dir, doc.file_name or "", data, s.settings.upload_max_bytes
                )
            except UploadRejected as exc:
                await _say(message, str(exc))
                return
            log.info("Admin %s uploaded %s (%d bytes)", update.effective_user.id if update.effective_user else None,
                     path.name, len(data))
            try:
                report = await asyncio.to_thread(engine_of(context).reindex, [path])
            except NewsbotError as exc:
                log.warning("Indexing the upload %s failed: %s", path.name, exc)
                await _say(message, f"Saved {path.name}, but indexing it failed: {exc}")
                return
    finally:
        s.reindex_running = False
    lines = texts.upload_lines(path.name, replaced, report, await _known_articles(context))
    await reply_parts(message, render_lines(lines), quote=False)
