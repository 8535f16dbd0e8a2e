"""Questions, user commands and the error handler; `register(application)` wires them.

Rules (documented for users in /help and for operators in docs/telegram.md):
- Access is checked once, before any of these run (`access.guard`, handler group -1).
- Private chat: any text message is a question; `/ask QUESTION` works everywhere.
- Groups and supergroups (`chats.is_group`): the bot answers only when mentioned (`@bot …`),
  when a message replies to one of its own messages, or on `/ask`; the answer is a reply to the
  question (and in the same forum topic). Other chatter is ignored without a trace.
- Edited messages are ignored (a corrected question is not answered twice; send it again),
  and channel posts are ignored (the bot is for chats). They are not requested from
  Telegram (see `ALLOWED_UPDATES`) and an explicit handler drops any that still arrive.
- History is kept per (chat, user): see `bot.conversation.history`.
- Everything the bot writes is in the reader's language: an answer in `result.language`, the
  rest in the user's Telegram language (`context.tr`). Rendering runs off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.answer.result import Turn
from bot.i18n import Texts
from bot.telegram import replies
from bot.telegram.chats import addressed_question, command_argument, conversation_key, is_group
from bot.telegram.context import NewsContext
from bot.telegram.fragments import render_text
from bot.telegram.render import render_answer, render_lines, render_sources_page
from bot.telegram.send import edit_part, reply_parts, say, typing
from bot.telegram.waiting import StatusLine
from index.errors import NewsbotError

log = logging.getLogger(__name__)

SOURCES_PAGE_SIZE = 10
SOURCES_CALLBACK = "sources:"
# Only what the bot acts on; edited messages and channel posts are deliberately not requested.
# MY_CHAT_MEMBER: the bot was blocked or removed from a group (its follows go, `follows`).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


# --------------------------------------------------------------------------- questions


async def answer_question(update: Update, context: NewsContext, question: str) -> None:
    """Length and rate checks, then ask the engine and send the rendered answer.

    A slow answer first shows a status message that is then edited into the answer (`waiting`).
    """
    message = update.effective_message
    assert message is not None
    s = context.services
    tr = context.tr
    question = question.strip()
    if not question:
        await say(context, message, replies.ask_usage(tr))
        return
    if len(question) > s.settings.max_question_chars:
        await say(context, message, replies.too_long(tr, s.settings.max_question_chars, len(question)))
        return
    chat_id, asker_id = conversation_key(update)
    wait = s.limiter.check(asker_id)
    if wait is not None:
        s.stats.rate_limited += 1
        await say(context, message, replies.rate_limited(tr, wait, s.limiter.limit))
        return

    history = await asyncio.to_thread(s.history.get, chat_id, asker_id)
    thread_id = message.message_thread_id if message.is_topic_message else None
    status = StatusLine(context, message, question, s.settings.status_after)
    try:
        async with typing(context.bot, chat_id, thread_id):
            result = await status.wait(context.engine.ask_async(
                question, history, user_language=context.user_language, on_progress=status.report))
    except NewsbotError as exc:
        s.stats.failed += 1
        log.warning("Could not answer in chat %s: %s", chat_id, exc)
        await status.finish(await context.render(render_text, str(exc)))
        return
    except BaseException:
        await status.discard()
        raise

    parts = await context.render(render_answer, result, max_messages=s.settings.answer_max_messages)
    await status.finish(parts)
    s.stats.questions += 1
    s.stats.refused += int(result.refused)
    await asyncio.to_thread(s.history.add, chat_id, asker_id, Turn.from_result(result))


async def on_text(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    question = addressed_question(message, context.bot.username, context.bot.id)
    if question is None:
        return  # group chatter not meant for the bot
    await answer_question(update, context, question)


async def cmd_ask(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    question = command_argument(message, context.bot.username)
    replied = message.reply_to_message
    if not question and replied is not None and replied.text and replied.from_user is not None:
        if replied.from_user.id != context.bot.id:
            question = replied.text  # "/ask" in reply to someone's message asks that message
    await answer_question(update, context, question)


# --------------------------------------------------------------------------- user commands


async def cmd_help(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    info = await asyncio.to_thread(context.engine.index_info)
    lines = replies.help_lines(context.tr, info, context.bot.username, is_group(message.chat))
    await reply_parts(message, await context.render(render_lines, lines, bold_first=True))


def _sources_keyboard(tr: Texts, page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(replies.previous_page(tr), callback_data=f"{SOURCES_CALLBACK}{page - 1}"))
    row.append(InlineKeyboardButton(f"{page + 1}/{pages}", callback_data=f"{SOURCES_CALLBACK}{page}"))
    if page < pages - 1:
        row.append(InlineKeyboardButton(replies.next_page(tr), callback_data=f"{SOURCES_CALLBACK}{page + 1}"))
    return InlineKeyboardMarkup([row])


async def _sorted_articles(context: NewsContext) -> list[Any]:
    articles = await asyncio.to_thread(context.engine.articles)
    # newest first; undated last, then by title
    return sorted(articles, key=lambda a: (a.published_at or "", a.title.lower()), reverse=True)


async def cmd_sources(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    tr = context.tr
    page = await context.render(render_sources_page, await _sorted_articles(context), 0, tr, SOURCES_PAGE_SIZE)
    await reply_parts(message, [page.message], reply_markup=_sources_keyboard(tr, page.page, page.pages))


async def on_sources_page(update: Update, context: NewsContext) -> None:
    query = update.callback_query
    assert query is not None
    try:
        wanted = int((query.data or "").removeprefix(SOURCES_CALLBACK))
    except ValueError:
        await query.answer()
        return
    await query.answer()
    if not isinstance(query.message, Message):  # too old to edit
        return
    tr = context.tr
    page = await context.render(render_sources_page, await _sorted_articles(context), wanted, tr, SOURCES_PAGE_SIZE)
    await edit_part(query.message, page.message, _sources_keyboard(tr, page.page, page.pages))


async def cmd_reset(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    chat_id, asker_id = conversation_key(update)
    await asyncio.to_thread(context.services.history.clear, chat_id, asker_id)
    await say(context, message, replies.reset_done(context.tr))


async def on_unknown_command(update: Update, context: NewsContext) -> None:
    if update.effective_message is not None:
        await say(context, update.effective_message, replies.unknown_command(context.tr))


async def on_non_text(update: Update, context: NewsContext) -> None:
    if update.effective_message is not None:
        await say(context, update.effective_message, replies.non_text_hint(context.tr))


async def on_unknown_button(update: Update, context: NewsContext) -> None:
    """A button press no handler took (a keyboard of an older version of the bot, or forged data):
    answered anyway, or the user's app shows the button loading until Telegram gives up."""
    if update.callback_query is not None:
        await update.callback_query.answer()


async def on_ignored(update: Update, context: NewsContext) -> None:
    """Edited messages and channel posts: deliberately not answered."""
    kind = "edited message" if (update.edited_message or update.edited_channel_post) else "channel post"
    chat = update.effective_chat
    log.debug("Ignoring %s in chat %s", kind, chat.id if chat else None)


# --------------------------------------------------------------------------- errors


async def on_error(update: object, context: NewsContext) -> None:
    """Log the failure and tell the user once; Telegram network trouble only gets logged."""
    error = context.error
    if isinstance(error, NetworkError) and not isinstance(update, Update):
        log.warning("Telegram network error (will retry): %s", error)
        return
    if isinstance(error, Forbidden):
        log.info("Telegram refused to deliver (blocked or removed from chat): %s", error)
        return
    log.error(
        "Error while handling update %s",
        update.update_id if isinstance(update, Update) else update,
        exc_info=error,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if context.bot_data.services is not None:
        context.services.stats.failed += 1
    text = str(error) if isinstance(error, NewsbotError) else replies.generic_error(context.tr)
    message = update.effective_message
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:190], show_alert=True)
        elif message is not None:
            await say(context, message, text)
        else:
            [part, *_] = await context.render(render_text, text)
            await context.bot.send_message(update.effective_chat.id, part.html)
    except TelegramError as exc:
        log.warning("Could not tell chat %s about the error: %s", update.effective_chat.id, exc)


# --------------------------------------------------------------------------- wiring


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The user-facing handlers (group 0). Admin handlers: `admin.register`; the guard: `access.register`."""
    new_messages = filters.UpdateType.MESSAGE
    for names, callback in ((("start", "help"), cmd_help), (("ask",), cmd_ask), (("sources",), cmd_sources),
                            (("reset",), cmd_reset)):
        application.add_handler(CommandHandler(list(names), callback, filters=new_messages))
    application.add_handler(CallbackQueryHandler(on_sources_page, pattern=rf"^{SOURCES_CALLBACK}\d+$"))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED | filters.UpdateType.CHANNEL_POSTS, on_ignored)
    )
    application.add_handler(MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, on_text))
    application.add_error_handler(on_error)


def register_fallbacks(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Replies to what no other handler took in a private chat: unknown commands, non-text messages;
    and answers any button press that no handler took.

    Registered last (after every module's handlers), in group 0: the first matching handler wins.
    """
    new_messages = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(new_messages & private & filters.COMMAND, on_unknown_command))
    application.add_handler(
        MessageHandler(new_messages & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text)
    )
    application.add_handler(CallbackQueryHandler(on_unknown_button))
