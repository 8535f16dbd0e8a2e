"""testing.aiohttp_thread: an aiohttp app served from its own thread and loop, over real HTTP; a stop that
closes the port and releases held requests through on_shutdown; start failures raised, not hung."""

from __future__ import annotations

import asyncio
import errno
import socket
import threading

import httpx
import pytest
from aiohttp import web

from testing.aiohttp_thread import ThreadedAiohttpServer

LIMIT = 60  # a bound for a hung run, never the cause


def probe_app() -> web.Application:
    async def ping(request: web.Request) -> web.Response:
        return web.Response(text="pong")

    app = web.Application()
    app.router.add_get("/ping", ping)
    return app


def threads_named(server: ThreadedAiohttpServer) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(f"{server.name}:")]


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=LIMIT).close()
    except ConnectionRefusedError:
        return True
    return False


def test_serves_real_http_on_a_free_port_until_stopped():
    with ThreadedAiohttpServer(probe_app, name="probe") as server:
        assert server.port != 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        reply = httpx.get(f"{server.url}/ping", timeout=LIMIT)
        assert (reply.status_code, reply.text) == (200, "pong")
        assert [t.name for t in threads_named(server)] == [f"probe:{server.port}"]
        assert server.loop is not None and server.loop.is_running()
    assert refused(server.port)
    assert threads_named(server) == [] and server.loop is None
    assert server.port  # the last port stays readable, as the fakes' addresses do


def test_stop_is_idempotent_and_a_stopped_server_starts_again():
    server = ThreadedAiohttpServer(probe_app, name="probe")
    server.stop()  # never started: nothing to do
    with pytest.raises(RuntimeError, match="probe not started"):
        server.port
    server.start()
    with pytest.raises(RuntimeError, match="already started"):
        server.start()
    server.stop()
    server.stop()
    with server:
        assert httpx.get(f"{server.url}/ping", timeout=LIMIT).text == "pong"
    assert refused(server.port)


def test_the_app_is_made_in_the_servers_loop_and_on_shutdown_releases_held_requests():
    arrived = threading.Event()
    loops: list[asyncio.AbstractEventLoop] = []

    def make_app() -> web.Application:
        loops.append(asyncio.get_running_loop())
        release = asyncio.Event()

        async def held(request: web.Request) -> web.Response:
            arrived.set()
            await release.wait()
            return web.Response(status=503, text="released")

        async def on_shutdown(app: web.Application) -> None:
            release.set()

        app = web.Application()
        app.router.add_get("/held", held)
        app.on_shutdown.append(on_shutdown)
        return app

    server = ThreadedAiohttpServer(make_app, name="probe").start()
    assert loops == [server.loop]
    replies: list[httpx.Response] = []
    client = threading.Thread(target=lambda: replies.append(httpx.get(f"{server.url}/held", timeout=LIMIT)))
    client.start()
    assert arrived.wait(LIMIT)
    server.stop()
    client.join(LIMIT)
    assert [(r.status_code, r.text) for r in replies] == [(503, "released")]


def test_a_port_already_bound_is_an_error_from_start():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = ThreadedAiohttpServer(probe_app, name="probe", port=port)
        with pytest.raises(OSError) as failure:
            server.start()
    assert failure.value.errno == errno.EADDRINUSE
    assert f"probe could not bind 127.0.0.1:{port}" in failure.value.__notes__
    assert threads_named(server) == []
    server.stop()  # not running: nothing to do


def test_a_failing_set_up_is_raised_from_start_and_leaves_no_thread():
    attempts: list[int] = []

    def broken_once() -> web.Application:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("no app today")
        return probe_app()

    server = ThreadedAiohttpServer(broken_once, name="probe")
    with pytest.raises(ValueError, match="no app today"):
        server.start()
    assert threads_named(server) == [] and server.loop is None
    with server:  # the failure left nothing behind: the next start serves
        assert httpx.get(f"{server.url}/ping", timeout=LIMIT).text == "pong"
