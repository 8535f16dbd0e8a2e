"""Sending rendered messages: HTML first, plain text when Telegram can't parse the markup;
and the "typing…" indicator while an answer is prepared."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError

from bot.telegram.render import OutMessage

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
TYPING_EVERY_S = 4.5  # Telegram shows a chat action for 5 seconds


def is_parse_error(exc: BaseException) -> bool:
    return isinstance(exc, BadRequest) and "parse entities" in str(exc).lower()


async def reply_parts(
    message: Message,
    parts: Sequence[OutMessage],
    *,
    quote: bool,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send `parts` in order into the message's chat (and forum topic).

    `quote=True` makes the first part a reply to `message` (groups: answer in the thread);
    the markup, if any, goes on the last part. A part rejected with "can't parse entities"
    is sent again as its plain-text twin.
    """
    sent: list[Message] = []
    for i, part in enumerate(parts):
        reply_parameters = (
            ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)
            if quote and i == 0
            else None
        )
        common = {
            "reply_parameters": reply_parameters,
            "do_quote": False if reply_parameters is None else None,
            "link_preview_options": NO_PREVIEW,
            "reply_markup": reply_markup if i == len(parts) - 1 else None,
        }
        try:
            sent.append(await message.reply_text(part.html, parse_mode=ParseMode.HTML, **common))
        except BadRequest as exc:
            if not is_parse_error(exc):
                raise
            log.warning("Telegram could not parse a message's HTML (%s); sending it as plain text", exc)
            sent.append(await message.reply_text(part.plain, parse_mode=None, **common))
    return sent


async def edit_part(message: Message, part: OutMessage, reply_markup: InlineKeyboardMarkup | None) -> None:
    """Replace a message's text (paging), with the same plain-text fallback."""
    try:
        await message.edit_text(
            part.html, parse_mode=ParseMode.HTML, reply_markup=reply_markup, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return
        if not is_parse_error(exc):
            raise
        log.warning("Telegram could not parse an edited message's HTML (%s); using plain text", exc)
        await message.edit_text(part.plain, parse_mode=None, reply_markup=reply_markup, link_preview_options=NO_PREVIEW)


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
