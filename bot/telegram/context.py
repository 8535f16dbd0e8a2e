"""The typed `CallbackContext` every handler and job receives (PTB's `ContextTypes`).

Handlers are written as `async def cmd_x(update: Update, context: NewsContext) -> None` and reach:

- `context.engine`    the answer engine (`bot.engine_api.EngineAPI`)
- `context.services`  settings, history, access policy, rate limiter, counters (`BotServices`)
- `context.tr`        the bot's words in the user's language (`bot.i18n.Texts`, from the update's
                      `language_code`; an answer uses `texts(result.language)` instead)
- `await context.render(fn, *args)`  runs a renderer off the event loop, on the render threads

Jobs of the `JobQueue` get the same context (without an update: `context.tr` is English unless
the job sets `context.user_language`). `application.bot_data` is a `BotData`, set once by
`bot.telegram.app.build_application`; nothing else is kept in it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.i18n import Texts, reply_language, texts

if TYPE_CHECKING:
    from bot.engine_api import EngineAPI
    from bot.telegram.services import BotServices

T = TypeVar("T")


class BotData:
    """`application.bot_data`: the engine and the services (PTB instantiates it without arguments)."""

    def __init__(self) -> None:
        self.engine: EngineAPI | None = None
        self.services: BotServices | None = None


class NewsContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.user_language: str | None = None  # Telegram's language_code of the update's user

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]) -> "NewsContext":
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user is not None:
            context.user_language = update.effective_user.language_code
        return context

    @property
    def engine(self) -> "EngineAPI":
        engine = self.bot_data.engine
        if engine is None:
            raise RuntimeError("bot_data.engine is not set: build the application with build_application()")
        return engine

    @property
    def services(self) -> "BotServices":
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("bot_data.services is not set: build the application with build_application()")
        return services

    @property
    def tr(self) -> Texts:
        """The bot's words for this update's user (their Telegram language, else English)."""
        return texts(reply_language(None, self.user_language))

    async def render(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` on a render thread: big input never blocks other chats."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.services.render_pool, functools.partial(fn, *args, **kwargs))


CONTEXT_TYPES = ContextTypes(context=NewsContext, bot_data=BotData)
