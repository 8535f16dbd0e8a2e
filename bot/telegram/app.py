"""Build and run the Telegram `Application`.

- Token from settings (never logged: see `logsafety`); `TELEGRAM_API_BASE_URL` points the bot
  at another Bot API server (`…/bot` → files from `…/file/bot`).
- Flood limits: PTB's `AIORateLimiter` (`flood.NewsRateLimiter`: a 429 pauses its own chat only, retried
  up to `flood.RATE_LIMIT_RETRIES` times; chat actions pass freely).
- Concurrency: `ConversationOrderedProcessor` runs updates of different conversations at the
  same time while one conversation's updates run one at a time, in arrival order.
- PTB's idioms: handlers get a typed `NewsContext` (`ContextTypes`, see `context`) whose
  `bot_data` holds the engine and the services; `Defaults` set HTML parse mode, no link
  previews and replies that survive a deleted question; one access guard runs before every
  handler (`access.register`, group -1).
- Handlers: `access.register` (guard), `handlers.register` (questions, user commands, errors),
  `admin.register` (/reindex, /stats, uploads), `follows.register` (/follow, /following,
  /unfollow, the bot's membership changes), `feeds.register` (/feeds, /addfeed, /removefeed and
  the feed poll job), then `handlers.register_fallbacks` (unknown commands, non-text). A new module adds its `register(application)` call in `build_application`
  (before the fallbacks), its commands to `menu.MENU`, and its jobs with
  `application.job_queue.run_repeating(callback, interval)` — a job's callback gets the same
  `NewsContext` (`context.engine`, `context.services`).
- Start-up (`post_init`): refuse to start on an empty index, register the command menus (one
  per language with a catalogue), log which index and answer mode are used. `post_shutdown`
  closes the services (history and follow stores, the feed service, render and feed threads).
- `serve` (what `newsbot serve` calls): builds the engine, runs the bot, closes the engine; start-up
  failures become `NewsbotError`s whose message says what to do (never the token).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Hashable
from contextlib import asynccontextmanager
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from telegram import BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, Defaults

from bot.i18n import DEFAULT, DOMAIN, LOCALE_DIR, SUPPORTED, texts
from bot.telegram import access, admin, feeds, follows, handlers
from bot.telegram.chats import conversation_key
from bot.telegram.context import CONTEXT_TYPES, BotData
from bot.telegram.flood import NewsRateLimiter
from bot.telegram.logsafety import protect_token
from bot.telegram.menu import bot_commands
from bot.telegram.services import BotServices
from index.errors import EmptyIndexError, NewsbotError

if TYPE_CHECKING:
    from bot.engine_api import EngineAPI
    from bot.settings import Settings

log = logging.getLogger(__name__)

#: worker threads for answers (asyncio's default is cpu+4 = 6 here); 12 was chosen against 6 and 32,
#: whose runs are not recorded. With 12, docs/benchmarks.md §4 (30 chats, fake Bot API and OpenAI
#: servers) measured: LLM mode others' p95 0.97 s, 2.12 s while 12 chats wait on 2 s LLM calls;
#: offline 12.7 questions/s, near the ~15 answers/s that Telegram's rate limit allows anyway
ANSWER_THREADS = 12
#: start-up attempts to reach Telegram before giving up (a brief outage should not stop the bot)
BOOTSTRAP_RETRIES = 3
MAX_CONCURRENT_UPDATES = 128

#: what every message the bot sends uses unless it says otherwise
DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML,
    link_preview_options=LinkPreviewOptions(is_disabled=True),
    allow_sending_without_reply=True,
)
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class BotConfigError(NewsbotError):
    """The bot can't start with this configuration; str() says what to change."""


class TelegramUnreachableError(NewsbotError):
    """The Bot API could not be reached at start-up (later failures are retried by PTB)."""

    exit_status = 1


class ConversationOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across conversations, sequential (FIFO) within one.

    A conversation is a private chat, or one member in a group (`chats.conversation_key`),
    so group members don't wait for each other either. Updates without a chat run freely.

    An update first waits for its conversation's turn and only then takes one of the
    `max_concurrent_updates` slots (PTB's own `process_update` takes the slot first): a
    conversation with many queued updates — a user who sends fifty questions at once — holds one
    slot, not fifty, and can't stall every other chat.
    """

    def __init__(self, max_concurrent_updates: int | None = None) -> None:
        limit = max_concurrent_updates or MAX_CONCURRENT_UPDATES
        super().__init__(limit)
        self._slots = asyncio.BoundedSemaphore(limit)
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._users: dict[Hashable, int] = {}

    @staticmethod
    def key(update: object) -> Hashable | None:
        if not isinstance(update, Update) or update.effective_chat is None:
            return None
        return conversation_key(update)

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self.do_process_update(update, coroutine)  # the slot is taken in turn, below

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self.key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def file_url_for(base_url: str) -> str:
    """The file-download base matching an API base: http://h:8081/bot → http://h:8081/file/bot."""
    parts = urlsplit(base_url.rstrip("/"))
    head, _, last = parts.path.rpartition("/")
    return urlunsplit(parts._replace(path=f"{head}/file/{last}"))


def _token(settings: "Settings") -> str:
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    if not token:
        raise BotConfigError("TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather and put it in .env.")
    return token


def build_application(settings: "Settings", engine: "EngineAPI") -> Application:
    token = _token(settings)
    protect_token(token)
    builder = (
        Application.builder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .defaults(DEFAULTS)
        .rate_limiter(NewsRateLimiter())
        .concurrent_updates(ConversationOrderedProcessor())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(file_url_for(base))
    application = builder.build()
    data: BotData = application.bot_data
    data.engine = engine
    data.services = BotServices.from_settings(settings)
    access.register(application)
    handlers.register(application)
    admin.register(application)
    follows.register(application)
    feeds.register(application)  # and the background poll, every FEED_INTERVAL
    handlers.register_fallbacks(application)
    return application


async def _post_init(application: Application) -> None:
    # answers run in worker threads (engine.ask_async): see ANSWER_THREADS
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=ANSWER_THREADS, thread_name_prefix="newsbot-answer"))
    await check_and_announce(application)


def menu_languages() -> list[str]:
    """The languages whose command menu is registered: English (the default) and every catalogue."""
    return [DEFAULT, *(code for code in SUPPORTED
                       if code != DEFAULT and (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())]


async def set_menus(application: Application) -> None:
    """Everyone's command menu and each admin's, in every language the bot has words for."""
    bot = application.bot
    data: BotData = application.bot_data
    assert data.services is not None
    for language in menu_languages():
        tr = texts(language)
        code = None if language == DEFAULT else language  # the default menu serves every other language
        await bot.set_my_commands(bot_commands(tr), language_code=code)
        for admin_id in sorted(data.services.access.admin_user_ids):
            try:
                await bot.set_my_commands(bot_commands(tr, admin=True), scope=BotCommandScopeChat(admin_id),
                                          language_code=code)
            except TelegramError as exc:  # the admin hasn't talked to the bot yet
                log.info("No admin command menu for %s yet: %s", admin_id, exc)


async def check_and_announce(application: Application) -> None:
    """Refuse an empty index, register the command menus, log what is served."""
    data: BotData = application.bot_data
    assert data.engine is not None and data.services is not None
    info = await asyncio.to_thread(data.engine.index_info)
    if info.articles == 0 or info.chunks == 0:
        raise EmptyIndexError(info.location or str(data.services.settings.chroma_path))
    await set_menus(application)
    bot = application.bot
    log.info(
        "@%s serving %d articles (%d chunks, %d outlets, %s to %s) from %s; embedder %s; answer mode %s",
        bot.username,
        info.articles,
        info.chunks,
        len(info.sources),
        info.first_date or "?",
        info.last_date or "?",
        info.location or "?",
        info.embed_model or "?",
        info.answer_mode,
    )


async def _post_shutdown(application: Application) -> None:
    data = application.bot_data
    if isinstance(data, BotData) and data.services is not None:
        data.services.close()


def webhook_options(settings: "Settings", webhook_url: str) -> dict[str, Any]:
    """Arguments for `run_webhook`/`Updater.start_webhook`; the secret is required."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        raise BotConfigError("Webhook mode needs WEBHOOK_SECRET (1-256 characters: letters, digits, _ and -).")
    if not _SECRET_RE.match(secret):
        raise BotConfigError("WEBHOOK_SECRET may only contain letters, digits, _ and - (at most 256).")
    parts = urlsplit(webhook_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise BotConfigError(f"The webhook URL must look like https://host/path, got {webhook_url!r}.")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": parts.path.strip("/"),
        "webhook_url": webhook_url,
        "secret_token": secret,
        "allowed_updates": handlers.ALLOWED_UPDATES,
    }


@asynccontextmanager
async def polling(application: Application) -> AsyncIterator[Application]:
    """What `run_polling` does, inside an event loop someone else runs (tests, benchmarks, embedding)."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=handlers.ALLOWED_UPDATES)
        await application.start()
        yield application
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def run_bot(settings: "Settings", engine: "EngineAPI", webhook_url: str | None = None) -> None:
    """Run until interrupted: long polling, or a webhook when `webhook_url` is given."""
    options = webhook_options(settings, webhook_url) if webhook_url else None
    application = build_application(settings, engine)
    if options is not None:
        log.info("Starting the webhook on %s:%s/%s", options["listen"], options["port"], options["url_path"])
        application.run_webhook(**options, bootstrap_retries=BOOTSTRAP_RETRIES)
    else:
        log.info("Starting long polling")
        application.run_polling(allowed_updates=handlers.ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES)


def serve(settings: "Settings", webhook_url: str | None = None) -> None:
    """Build the engine and run the bot until interrupted; the engine is closed however it ends."""
    from bot.engine import build_engine  # imported here: building the engine is the command's work

    engine = build_engine(settings)
    try:
        run_bot(settings, engine, webhook_url=webhook_url)
    except InvalidToken:  # its message contains the token: don't show it
        raise BotConfigError("Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather.") from None
    except NetworkError as exc:
        where = settings.telegram_api_base_url or "api.telegram.org"
        raise TelegramUnreachableError(
            f"cannot reach the Telegram Bot API at {where} ({exc.__class__.__name__}). "
            "Check the network, a proxy, or TELEGRAM_API_BASE_URL, then start again.") from None
    finally:
        engine.close()
