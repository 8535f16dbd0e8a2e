"""The :class:`FakeTelegramAPI` server: its bot, its application (served from a background thread by
:mod:`testing.aiohttp_thread`), addresses, start and stop.
What it does is in its mixins: :mod:`~testing.telegram_api.controls` and
:mod:`~testing.telegram_api.inspection` (the test's side), :mod:`~testing.telegram_api.http_handlers`,
:mod:`~testing.telegram_api.message_methods` and :mod:`~testing.telegram_api.bot_methods` (the bot's side).
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable

from aiohttp import web

from testing.aiohttp_thread import ThreadedAiohttpServer
from testing.telegram_api.bot_methods import _BotMethods
from testing.telegram_api.controls import _TestControls
from testing.telegram_api.http_handlers import _HttpHandlers
from testing.telegram_api.inspection import _Inspection
from testing.telegram_api.message_methods import _MessageMethods
from testing.telegram_api.state import BOT_ID, BOT_USERNAME, _State


class FakeTelegramAPI(_TestControls, _Inspection, _HttpHandlers, _MessageMethods, _BotMethods):
    def __init__(self, token: str, *, bot_id: int = BOT_ID, username: str = BOT_USERNAME,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.token = token
        self.clock = clock  # for flood control (retry_after) only
        self.bot_id = bot_id
        self.username = username
        self.port = 0
        self._state = _State()
        self._lock = threading.Lock()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(10_000)
        self._file_ids = itertools.count(1)
        self._wakeup: asyncio.Event | None = None  # made in that loop; set to end the long polls
        self._closing = False
        self._server = ThreadedAiohttpServer(self._make_app, name="fake-telegram-api")

    # ------------------------------------------------------------------ lifecycle

    @property
    def _loop(self) -> asyncio.AbstractEventLoop | None:
        """The server's loop while it runs (the long polls wait in it)."""
        return self._server.loop

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    def start(self) -> "FakeTelegramAPI":
        self._server.start()
        self.port = self._server.port
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> "FakeTelegramAPI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _make_app(self) -> web.Application:
        """The application, made in the server's loop on each start (see :mod:`testing.aiohttp_thread`)."""
        self._wakeup = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, app: web.Application) -> None:
        self._closing = True
        if self._wakeup is not None:
            self._wakeup.set()  # release pending long polls at once
