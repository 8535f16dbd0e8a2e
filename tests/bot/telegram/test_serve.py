"""`newsbot serve` as a real process: settings from the environment, the real engine, long
polling against the fake Bot API, a clean stop on SIGINT, and no token in its output."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.conftest import REPO, TEST_EMBED_MODEL, TOKEN
from testing.telegram_updates import USER_ID, make_message_update

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(os.name != "posix", reason="needs SIGINT")]


def _env(tmp_path: Path, fake_api, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "OPENAI_", "WEBHOOK_", "ALLOWED_"))}
    env.update(
        PYTHONPATH=str(REPO),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_api.base_url,
        CORPUS_DIR=str(tmp_path / "corpus"),
        DATA_DIR=str(data),
        CHROMA_PATH=str(data / "chroma"),
        HISTORY_DB=str(data / "history.sqlite3"),
        EMBED_BACKEND="local",
        EMBED_MODEL=TEST_EMBED_MODEL,
        ANSWER_MODE="offline",
        PROMPTS_DIR=str(REPO / "prompts"),
        LOG_LEVEL="INFO",
    )
    return env


def _spawn(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    code = "import sys; from bot.cli import main; sys.exit(main(['serve']))"
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


async def test_serve_polls_answers_and_stops_cleanly(tmp_path, fake_api, index_template, corpus_dir):
    data = tmp_path / "data"
    shutil.copytree(index_template, data)
    proc = _spawn(tmp_path, _env(tmp_path, fake_api, data))
    try:
        await fake_api.wait_for(lambda: fake_api.calls("getUpdates"), timeout=120)  # the start builds the engine
        fake_api.push_update(make_message_update("What did Putin say to the freed hostages?"))
        [answer] = await fake_api.wait_for_messages(USER_ID, 1, timeout=120)
        assert "<blockquote expandable>" in answer.params["text"]
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output
    assert "serving 1 articles" in output and "answer mode offline" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


async def test_serve_refuses_an_empty_index(tmp_path, fake_api, corpus_dir):
    proc = _spawn(tmp_path, _env(tmp_path, fake_api, tmp_path / "empty-data"))
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "empty" in output and "newsbot index" in output
    assert "Traceback" not in output and TOKEN not in output
    assert not fake_api.calls("getUpdates")


async def test_serve_says_when_telegram_cannot_be_reached(tmp_path, fake_api, index_template, corpus_dir):
    data = tmp_path / "data"
    shutil.copytree(index_template, data)
    env = _env(tmp_path, fake_api, data)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        env["TELEGRAM_API_BASE_URL"] = f"http://127.0.0.1:{s.getsockname()[1]}/bot"
    proc = _spawn(tmp_path, env)
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "cannot reach the Telegram Bot API" in output and "TELEGRAM_API_BASE_URL" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
