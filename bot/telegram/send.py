"""Sending rendered messages: HTML first (parse mode and link previews come from PTB's
`Defaults`, see `app`), plain text when Telegram can't parse the markup; "typing…" while an
answer is prepared.

In a group (`chats.is_group`) the first message of a reply quotes the message it answers, and
everything stays in the question's forum topic (PTB's `reply_text` does that).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from bot.telegram.chats import is_group
from bot.telegram.fragments import OutMessage, render_text
from bot.telegram.render import render_lines

if TYPE_CHECKING:
    from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)

TYPING_EVERY_S = 4.5  # Telegram shows a chat action for 5 seconds


def is_parse_error(exc: BaseException) -> bool:
    return isinstance(exc, BadRequest) and "parse entities" in str(exc).lower()


async def reply_parts(
    message: Message,
    parts: Sequence[OutMessage],
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    quote: bool = True,
) -> list[Message]:
    """Send `parts` in order into the message's chat (and forum topic).

    In a group the first part replies to `message` (unless `quote=False`: a continuation); the
    markup, if any, goes on the last part. A part rejected with "can't parse entities" is sent
    again as its plain-text twin.
    """
    sent: list[Message] = []
    for i, part in enumerate(parts):
        common = {
            "do_quote": quote and i == 0 and is_group(message.chat),
            "reply_markup": reply_markup if i == len(parts) - 1 else None,
        }
        try:
            sent.append(await message.reply_text(part.html, **common))
        except BadRequest as exc:
            if not is_parse_error(exc):
                raise
            log.warning("Telegram could not parse a message's HTML (%s); sending it as plain text", exc)
            sent.append(await message.reply_text(part.plain, parse_mode=None, **common))
    return sent


async def send_parts(bot: Bot, chat_id: int, parts: Sequence[OutMessage], *,
                     thread_id: int | None = None) -> list[Message]:
    """Send `parts` to a chat (into its forum topic `thread_id`, if given) on the bot's own initiative
    (alerts): no message to reply to.

    The same plain-text fallback as `reply_parts`; other errors (Forbidden: blocked) propagate."""
    sent: list[Message] = []
    for part in parts:
        try:
            sent.append(await bot.send_message(chat_id, part.html, message_thread_id=thread_id))
        except BadRequest as exc:
            if not is_parse_error(exc):
                raise
            log.warning("Telegram could not parse a message's HTML (%s); sending it as plain text", exc)
            sent.append(await bot.send_message(chat_id, part.plain, parse_mode=None, message_thread_id=thread_id))
    return sent


async def edit_part(message: Message, part: OutMessage, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace a message's text (paging, the status line), with the same plain-text fallback."""
    try:
        await message.edit_text(part.html, reply_markup=reply_markup)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return
        if not is_parse_error(exc):
            raise
        log.warning("Telegram could not parse an edited message's HTML (%s); using plain text", exc)
        await message.edit_text(part.plain, parse_mode=None, reply_markup=reply_markup)


async def say(context: "NewsContext", message: Message, text: str) -> list[Message]:
    """Send a short text of the bot's (already in the reader's language), escaped and split."""
    return await reply_parts(message, await context.render(render_text, text))


async def say_lines(context: "NewsContext", message: Message, lines: Sequence[str], *,
                    bold_first: bool = False) -> list[Message]:
    """Send the bot's lines (help, listings, reports), escaped; the first line optionally bold."""
    return await reply_parts(message, await context.render(render_lines, lines, bold_first=bold_first))


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int, thread_id: int | None = None) -> AsyncIterator[None]:
    """Show "typing…" in the chat until the block ends (refreshed every few seconds)."""

    async def show() -> None:
        try:
            await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING, message_thread_id=thread_id)
        except TelegramError as exc:  # cosmetic: never let it break an answer
            log.debug("send_chat_action failed: %s", exc)

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(TYPING_EVERY_S)
            await show()

    await show()  # at once, so even a fast answer is preceded by "typing…"
    task = asyncio.create_task(keep_typing(), name=f"typing:{chat_id}")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
