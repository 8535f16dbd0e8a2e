"""Commands, questions and the error handler; `register(application)` wires them.

Rules (documented for users in /help and for operators in docs):
- Private chat: any text message is a question; `/ask QUESTION` works everywhere.
- Groups and supergroups: the bot answers only when mentioned (`@bot …`), when a message
  replies to one of its own messages, or on `/ask`; the answer is a reply to the question
  (and in the same forum topic). Other chatter is ignored without a trace.
- Edited messages are ignored (a corrected question is not answered twice; send it again),
  and channel posts are ignored (the bot is for chats). They are not requested from
  Telegram (see `ALLOWED_UPDATES`) and an explicit handler drops any that still arrive.
- Documents: admins send them in a private chat (see `admin.py`); in groups they are ignored.
- History is kept per (chat, user): see `bot.conversation.history`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.answer.result import Turn
from bot.telegram import admin, texts
from bot.telegram.access import NOT_ALLOWED_TEXT, log_refusal
from bot.telegram.ratelimit import rate_limited_text
from bot.telegram.render import render_answer, render_lines, render_sources_page, render_text
from bot.telegram.send import edit_part, reply_parts, typing
from bot.telegram.services import engine_of, services_of
from index.errors import NewsbotError

log = logging.getLogger(__name__)

SOURCES_PAGE_SIZE = 10
SOURCES_CALLBACK = "sources:"
# Only what the bot acts on; edited messages and channel posts are deliberately not requested.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]

Context = ContextTypes.DEFAULT_TYPE


# --------------------------------------------------------------------------- helpers


def is_group(chat: Chat) -> bool:
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def conversation_key(update: Update) -> tuple[int, int]:
    """(chat id, asker id); the asker is the sender chat for messages sent on behalf of a chat."""
    message = update.effective_message
    chat = update.effective_chat
    assert chat is not None
    if message is not None and message.sender_chat is not None:
        return chat.id, message.sender_chat.id
    user = update.effective_user
    return chat.id, user.id if user is not None else chat.id


def _remove_utf16_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Remove (offset, length) spans given in UTF-16 code units, as Telegram entities are."""
    encoded = text.encode("utf-16-le")
    out = bytearray()
    pos = 0
    for offset, length in sorted(spans):
        if offset < pos:
            continue
        out += encoded[pos * 2 : offset * 2]
        pos = offset + length
    out += encoded[pos * 2 :]
    return out.decode("utf-16-le", errors="replace")


def _is_reply_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return False
    # in forum topics every message "replies" to the topic's first message; that's not a reply
    return not (message.is_topic_message and replied.message_id == message.message_thread_id)


def addressed_question(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a text message, or None when a group message isn't meant for the bot."""
    text = message.text or ""
    mention_spans: list[tuple[int, int]] = []
    for entity in message.entities or ():
        if entity.type == MessageEntity.MENTION:
            value = message.parse_entity(entity)
            if bot_username and value.lower() == f"@{bot_username}".lower():
                mention_spans.append((entity.offset, entity.length))
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            mention_spans.append((entity.offset, entity.length))
    if is_group(message.chat) and not mention_spans and not _is_reply_to_bot(message, bot_id):
        return None
    return _remove_utf16_spans(text, mention_spans).strip() if mention_spans else text.strip()


def command_argument(message: Message, bot_username: str) -> str:
    """The text after the leading /command (keeping line breaks), minus mentions of the bot."""
    text = message.text or message.caption or ""
    spans: list[tuple[int, int]] = []
    for entity in message.entities or ():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            spans.append((entity.offset, entity.length))
        elif entity.type == MessageEntity.MENTION and bot_username:
            if message.parse_entity(entity).lower() == f"@{bot_username}".lower():
                spans.append((entity.offset, entity.length))
    return _remove_utf16_spans(text, spans).strip()


async def _reply_text(update: Update, text: str) -> None:
    message = update.effective_message
    if message is None:
        return
    await reply_parts(message, render_text(text), quote=is_group(message.chat))


async def _refuse_if_not_allowed(update: Update, context: Context, action: str) -> bool:
    if services_of(context).access.update_is_allowed(update):
        return False
    log_refusal(update, action)
    await _reply_text(update, NOT_ALLOWED_TEXT)
    return True


# --------------------------------------------------------------------------- questions


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Access, length and rate checks, then ask the engine and send the rendered answer."""
    message = update.effective_message
    assert message is not None
    s = services_of(context)
    if await _refuse_if_not_allowed(update, context, "question"):
        return
    question = question.strip()
    if not question:
        await _reply_text(update, texts.ASK_USAGE)
        return
    if len(question) > s.settings.max_question_chars:
        await _reply_text(update, texts.too_long(s.settings.max_question_chars, len(question)))
        return
    chat_id, asker_id = conversation_key(update)
    wait = s.limiter.check(asker_id)
    if wait is not None:
        s.stats.rate_limited += 1
        await _reply_text(update, rate_limited_text(wait, s.limiter.limit))
        return

    history = await asyncio.to_thread(s.history.get, chat_id, asker_id)
    thread_id = message.message_thread_id if message.is_topic_message else None
    try:
        async with typing(context.bot, chat_id, thread_id):
            result = await engine_of(context).ask_async(question, history)
    except NewsbotError as exc:
        s.stats.failed += 1
        log.warning("Could not answer in chat %s: %s", chat_id, exc)
        await _reply_text(update, str(exc))
        return

    await reply_parts(message, render_answer(result), quote=is_group(message.chat))
    s.stats.questions += 1
    s.stats.refused += int(result.refused)
    await asyncio.to_thread(s.history.add, chat_id, asker_id, Turn.from_result(result))


async def on_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    question = addressed_question(message, context.bot.username, context.bot.id)
    if question is None:
        return  # group chatter not meant for the bot
    await answer_question(update, context, question)


async def cmd_ask(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    question = command_argument(message, context.bot.username)
    replied = message.reply_to_message
    if not question and replied is not None and replied.text and replied.from_user is not None:
        if replied.from_user.id != context.bot.id:
            question = replied.text  # "/ask" in reply to someone's message asks that message
    await answer_question(update, context, question)


# --------------------------------------------------------------------------- user commands


async def cmd_help(update: Update, context: Context) -> None:
    if await _refuse_if_not_allowed(update, context, "/help"):
        return
    message = update.effective_message
    assert message is not None
    info = await asyncio.to_thread(engine_of(context).index_info)
    lines = texts.help_lines(info, context.bot.username, is_group(message.chat))
    await reply_parts(message, render_lines(lines, bold_first=True), quote=is_group(message.chat))


def _sources_keyboard(page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀ Previous", callback_data=f"{SOURCES_CALLBACK}{page - 1}"))
    row.append(InlineKeyboardButton(f"{page + 1}/{pages}", callback_data=f"{SOURCES_CALLBACK}{page}"))
    if page < pages - 1:
        row.append(InlineKeyboardButton("Next ▶", callback_data=f"{SOURCES_CALLBACK}{page + 1}"))
    return InlineKeyboardMarkup([row])


async def _sorted_articles(context: Context) -> list:
    articles = await asyncio.to_thread(engine_of(context).articles)
    # newest first; undated last, then by title
    return sorted(articles, key=lambda a: (a.published_at or "", a.title.lower()), reverse=True)


async def cmd_sources(update: Update, context: Context) -> None:
    if await _refuse_if_not_allowed(update, context, "/sources"):
        return
    message = update.effective_message
    assert message is not None
    page = render_sources_page(await _sorted_articles(context), 0, SOURCES_PAGE_SIZE)
    await reply_parts(
        message, [page.message], quote=is_group(message.chat), reply_markup=_sources_keyboard(page.page, page.pages)
    )


async def on_sources_page(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    if not services_of(context).access.update_is_allowed(update):
        log_refusal(update, "/sources paging")
        await query.answer(NOT_ALLOWED_TEXT, show_alert=True)
        return
    try:
        wanted = int((query.data or "").removeprefix(SOURCES_CALLBACK))
    except ValueError:
        await query.answer()
        return
    await query.answer()
    if not isinstance(query.message, Message):  # too old to edit
        return
    page = render_sources_page(await _sorted_articles(context), wanted, SOURCES_PAGE_SIZE)
    await edit_part(query.message, page.message, _sources_keyboard(page.page, page.pages))


async def cmd_reset(update: Update, context: Context) -> None:
    if await _refuse_if_not_allowed(update, context, "/reset"):
        return
    chat_id, asker_id = conversation_key(update)
    await asyncio.to_thread(services_of(context).history.clear, chat_id, asker_id)
    await _reply_text(update, texts.RESET_DONE)


async def on_unknown_command(update: Update, context: Context) -> None:
    await _reply_text(update, texts.UNKNOWN_COMMAND)


async def on_non_text(update: Update, context: Context) -> None:
    await _reply_text(update, texts.NON_TEXT_HINT)


async def on_ignored(update: Update, context: Context) -> None:
    """Edited messages and channel posts: deliberately not answered."""
    kind = "edited message" if (update.edited_message or update.edited_channel_post) else "channel post"
    chat = update.effective_chat
    log.debug("Ignoring %s in chat %s", kind, chat.id if chat else None)


# --------------------------------------------------------------------------- errors


async def on_error(update: object, context: Context) -> None:
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
    if "services" in context.bot_data:
        services_of(context).stats.failed += 1
    text = str(error) if isinstance(error, NewsbotError) else texts.GENERIC_ERROR
    message = update.effective_message
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:190], show_alert=True)
        elif message is not None:
            await reply_parts(message, render_text(text), quote=is_group(message.chat))
        else:
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as exc:
        log.warning("Could not tell chat %s about the error: %s", update.effective_chat.id, exc)


# --------------------------------------------------------------------------- wiring


def register(application: Application) -> None:
    new_messages = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    command_specs = [
        (("start", "help"), cmd_help),
        (("ask",), cmd_ask),
        (("sources",), cmd_sources),
        (("reset",), cmd_reset),
        (("reindex",), admin.cmd_reindex),
        (("stats",), admin.cmd_stats),
    ]
    for names, callback in command_specs:
        application.add_handler(CommandHandler(list(names), callback, filters=new_messages))
    application.add_handler(CallbackQueryHandler(on_sources_page, pattern=rf"^{SOURCES_CALLBACK}\d+$"))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED | filters.UpdateType.CHANNEL_POSTS, on_ignored)
    )
    application.add_handler(MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(MessageHandler(new_messages & private & filters.Document.ALL, admin.on_document))
    application.add_handler(MessageHandler(new_messages & private & filters.COMMAND, on_unknown_command))
    application.add_handler(
        MessageHandler(new_messages & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text)
    )
    application.add_error_handler(on_error)
