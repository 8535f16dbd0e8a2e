"""The :class:`FakeTelegramAPI` server: its bot, thread and event loop, addresses, start and stop.
What it does is in its mixins: :mod:`~testing.telegram_api.controls` and
:mod:`~testing.telegram_api.inspection` (the test's side), :mod:`~testing.telegram_api.http_handlers`,
:mod:`~testing.telegram_api.message_methods` and :mod:`~testing.telegram_api.bot_methods` (the bot's side).
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import threading
import time
from collections.abc import Callable

from aiohttp import web

from testing.telegram_api.bot_methods import _BotMethods
from testing.telegram_api.controls import _TestControls
from testing.telegram_api.http_handlers import _HttpHandlers
from testing.telegram_api.inspection import WAIT_LIMIT, _Inspection
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._wakeup: asyncio.Event | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._closing = False

    # ------------------------------------------------------------------ lifecycle

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
        self._thread = threading.Thread(target=self._run, name="fake-telegram-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(WAIT_LIMIT):
            raise RuntimeError(f"fake Telegram API did not start within {WAIT_LIMIT} s")
        if self._startup_error:
            raise self._startup_error
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        fut.result(WAIT_LIMIT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(WAIT_LIMIT)
        self._loop = None

    def __enter__(self) -> "FakeTelegramAPI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._startup())
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._startup_error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.close()

    async def _startup(self) -> None:
        self._wakeup = asyncio.Event()
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()

    async def _shutdown(self) -> None:
        self._closing = True
        if self._wakeup is not None:
            self._wakeup.set()  # release pending long polls at once
        if self._runner is not None:
            await self._runner.cleanup()
