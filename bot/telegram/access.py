"""Who may ask, and who may administer.

- Admins (`ADMIN_USER_IDS`) may run /reindex, /stats and upload documents. Only a real user
  account counts: a message sent on behalf of a chat (`sender_chat`: anonymous group admins,
  channels posting in their linked group) or by Telegram's helper accounts (GroupAnonymousBot,
  Channel_Bot, the service account 777000) is never an admin, whatever the id says.
- Askers: when neither `ALLOWED_USER_IDS` nor `ALLOWED_CHAT_IDS` is set, everyone may ask.
  When either is set, a request is allowed if its user is in ALLOWED_USER_IDS *or* its chat is
  in ALLOWED_CHAT_IDS (so a whitelisted group is open to all its members). Admins always may.

Both are enforced in one place each: `guard`, a `TypeHandler(Update, guard)` in handler group -1
(`register`), stops every update of a user who may not ask before any handler sees it; admin
commands are wrapped in `@admin_only("/name")`. Refused attempts are logged (user id, chat id,
what was attempted: a command name, "question", "document"…), never the message text. The guard
answers only what the bot would have answered (a private message, a mention, a command, a
button); other group chatter is dropped silently. Follow alerts are sent only to follows whose
owner or chat is still allowed (`ids_allowed`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Chat, Message, Update, User
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.i18n import Texts
from bot.telegram.chats import command_name, is_addressed
from bot.telegram.send import say

if TYPE_CHECKING:
    from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)

GROUP_ANONYMOUS_BOT_ID = 1087968824
CHANNEL_BOT_ID = 136817688
TELEGRAM_SERVICE_ID = 777000
PROXY_USER_IDS = frozenset({GROUP_ANONYMOUS_BOT_ID, CHANNEL_BOT_ID, TELEGRAM_SERVICE_ID})

#: the handler group of the access guard: before every other handler (group 0)
GUARD_GROUP = -1
Handler = Callable[[Update, "NewsContext"], Awaitable[Any]]


def not_allowed_text(tr: Texts) -> str:
    return tr.gettext("Sorry, this bot is private and you don't have access to it.")


def admin_only_text(tr: Texts) -> str:
    return tr.gettext("Sorry, only the bot's admins can do that.")


@dataclass(frozen=True)
class AccessPolicy:
    admin_user_ids: frozenset[int] = frozenset()
    allowed_user_ids: frozenset[int] = frozenset()
    allowed_chat_ids: frozenset[int] = frozenset()

    @classmethod
    def from_settings(cls, settings: object) -> "AccessPolicy":
        return cls(
            admin_user_ids=frozenset(getattr(settings, "admin_user_ids", frozenset())),
            allowed_user_ids=frozenset(getattr(settings, "allowed_user_ids", frozenset())),
            allowed_chat_ids=frozenset(getattr(settings, "allowed_chat_ids", frozenset())),
        )

    @property
    def restricted(self) -> bool:
        return bool(self.allowed_user_ids or self.allowed_chat_ids)

    def real_user(self, user: User | None, message: Message | None) -> User | None:
        """The human behind an update, or None when it was sent on behalf of a chat."""
        if user is None or user.is_bot or user.id in PROXY_USER_IDS:
            return None
        if message is not None and message.sender_chat is not None:
            return None
        return user

    def is_admin(self, user: User | None, message: Message | None = None) -> bool:
        real = self.real_user(user, message)
        return real is not None and real.id in self.admin_user_ids

    def is_allowed(self, user: User | None, chat: Chat | None, message: Message | None = None) -> bool:
        if not self.restricted or self.is_admin(user, message):
            return True
        real = self.real_user(user, message)
        if real is not None and real.id in self.allowed_user_ids:
            return True
        return chat is not None and chat.id in self.allowed_chat_ids

    def ids_allowed(self, user_id: int, chat_id: int) -> bool:
        """The same rule for stored ids (a follow's owner and chat), when there is no update to look at."""
        return (not self.restricted or user_id in self.admin_user_ids or user_id in self.allowed_user_ids
                or chat_id in self.allowed_chat_ids)

    # -- update-level helpers -------------------------------------------------------

    def update_is_admin(self, update: Update) -> bool:
        return self.is_admin(update.effective_user, update.effective_message)

    def update_is_allowed(self, update: Update) -> bool:
        return self.is_allowed(update.effective_user, update.effective_chat, update.effective_message)


def describe(update: Update, bot_username: str = "") -> str:
    """What an update attempts, for the log (never its text)."""
    if update.callback_query is not None:
        return "button"
    message = update.effective_message
    if message is None:
        return "update"
    name = command_name(message, bot_username)
    if name:
        return name
    if message.document is not None:
        return "document"
    return "question" if message.text else "message"


def log_refusal(update: Update, action: str) -> None:
    user = update.effective_user
    chat = update.effective_chat
    message = update.effective_message
    log.warning(
        "Refused %s: user=%s (@%s) chat=%s sender_chat=%s",
        action,
        user.id if user else None,
        user.username if user else None,
        chat.id if chat else None,
        message.sender_chat.id if message is not None and message.sender_chat is not None else None,
    )


async def guard(update: Update, context: "NewsContext") -> None:
    """Let allowed users through; stop everyone else's updates (telling them when they asked).

    The bot's own membership changes (`my_chat_member`: blocked, removed from a group) always pass:
    they are never answered, only cleaned up after (`bot.telegram.follows`)."""
    if update.my_chat_member is not None or context.services.access.update_is_allowed(update):
        return
    bot = context.bot
    if is_addressed(update, bot.username, bot.id):
        log_refusal(update, describe(update, bot.username))
        text = not_allowed_text(context.tr)
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=True)
        elif update.effective_message is not None:
            await say(context, update.effective_message, text)
    raise ApplicationHandlerStop


def admin_only(action: str) -> Callable[[Handler], Handler]:
    """Decorate a handler that only admins may run; others get a refusal and the attempt is logged."""

    def decorate(callback: Handler) -> Handler:
        @functools.wraps(callback)
        async def guarded(update: Update, context: "NewsContext") -> Any:
            if context.services.access.update_is_admin(update):
                return await callback(update, context)
            log_refusal(update, action)
            message = update.effective_message
            if message is not None:
                await say(context, message, admin_only_text(context.tr))
            return None

        return guarded

    return decorate


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, guard), group=GUARD_GROUP)
