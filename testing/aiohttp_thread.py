"""An aiohttp application served over real HTTP from a background thread with its own event loop.

:class:`ThreadedAiohttpServer` is the lifecycle the fake servers share (:mod:`testing.openai_server`,
:mod:`testing.telegram_api`): sync tests, async tests and benchmarks alike talk to them over a socket,
and starting or stopping one only touches the server's own thread and loop.

    with ThreadedAiohttpServer(make_app, name="fake") as server:
        urllib.request.urlopen(server.url + "/ping")

* ``make_app`` is called in the server's thread, inside its running loop, on every :meth:`start`: an
  application runs once, and whatever it creates there (events, tasks) belongs to that loop.
* :meth:`start` binds ``host:port`` (port 0: a free one; :attr:`port` is the real one) and returns once
  the site is listening; a bind or set-up failure is raised from :meth:`start`, never a hang.
* :meth:`stop` runs aiohttp's graceful shutdown (the app's ``on_shutdown`` signal is where a fake releases
  long-lived requests: held replies, long polls), stops the loop, closes it and joins the thread. It does
  nothing if the server is not running; the server can be started again (on a new port if port is 0).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable

from aiohttp import web

#: seconds: a bound for a hung start or stop, not an expectation
LIMIT = 60.0


class ThreadedAiohttpServer:
    """Serves ``make_app()`` on ``host:port`` from a daemon thread named ``"{name}:{port}"``."""

    def __init__(self, make_app: Callable[[], web.Application], *, name: str, host: str = "127.0.0.1",
                 port: int = 0, backlog: int = 128) -> None:
        self.name = name
        self.host = host
        self._make_app = make_app
        self._requested_port = port
        self._backlog = backlog
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The bound port (still the last one after :meth:`stop`)."""
        if self._port is None:
            raise RuntimeError(f"{self.name} not started")
        return self._port

    @property
    def url(self) -> str:
        """``http://HOST:PORT``"""
        return f"http://{self.host}:{self.port}"

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The server's event loop while it runs (for ``call_soon_threadsafe`` and the like), else None."""
        return self._loop

    def start(self) -> ThreadedAiohttpServer:
        """Bind, set the application up in a new thread and loop, and return once it is listening."""
        if self._thread is not None:
            raise RuntimeError(f"{self.name} already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((self.host, self._requested_port))
        except OSError as exc:
            sock.close()
            exc.add_note(f"{self.name} could not bind {self.host}:{self._requested_port}")
            raise
        port = sock.getsockname()[1]
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []
        runners: list[web.AppRunner] = []

        async def serve() -> None:
            runner = web.AppRunner(self._make_app(), access_log=None, shutdown_timeout=1.0, handle_signals=False)
            await runner.setup()
            try:
                await web.SockSite(runner, sock, backlog=self._backlog).start()
            except BaseException:
                await runner.cleanup()
                raise
            runners.append(runner)

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(serve())
            except BaseException as exc:  # noqa: BLE001 - raised by start()
                failure.append(exc)
                sock.close()
            ready.set()
            try:
                if not failure:
                    loop.run_forever()
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                loop.close()

        thread = threading.Thread(target=run, name=f"{self.name}:{port}", daemon=True)
        thread.start()
        if not ready.wait(LIMIT):
            raise RuntimeError(f"{self.name} did not start within {LIMIT:g} s")
        if failure:
            thread.join(LIMIT)
            raise failure[0]
        self._port, self._thread, self._loop, self._runner = port, thread, loop, runners[0]
        return self

    def stop(self) -> None:
        """Shut the application down gracefully, then stop and close the loop and join the thread."""
        thread, loop, runner = self._thread, self._loop, self._runner
        if thread is None or loop is None or runner is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(LIMIT)
        finally:
            self._thread = self._loop = self._runner = None
            loop.call_soon_threadsafe(loop.stop)
            thread.join(LIMIT)
        if thread.is_alive():
            raise RuntimeError(f"{self.name} did not stop within {LIMIT:g} s")

    def __enter__(self) -> ThreadedAiohttpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
