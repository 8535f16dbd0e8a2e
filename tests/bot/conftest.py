"""Fixtures for the bot tests: settings in a temporary folder, an engine, the fake Bot API
server, and `start_bot` which runs the real PTB `Application` against the fake.

To run the e2e tests against the real engine, change `engine` below (one line): it
builds the engine over a temporary index of the first corpus article.
"""

from __future__ import annotations

import shutil
import io
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.app import build_application, polling
from tests.bot.engines import KeywordEngine, RecordingEngine
from testing.app_activity import AppActivity
from testing.telegram_updates import ADMIN_ID
from testing.telegram_api import WAIT_LIMIT, FakeTelegramAPI

REPO = Path(__file__).resolve().parents[2]
TOKEN = "987654321:AAH-test-token_DoNotLog-0123456789abcdef"
TEST_EMBED_MODEL = "all-MiniLM-L6-v2"  # the real local embedder that loads and runs fastest


def first_article() -> Path:
    return sorted(p for p in (REPO / "corpus").iterdir() if p.is_file() and not p.name.startswith("."))[0]


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(first_article(), folder / first_article().name)
    return folder


@pytest.fixture
def fake_api() -> Any:
    with FakeTelegramAPI(TOKEN) as fake:
        yield fake


@pytest.fixture
def make_settings(tmp_path: Path, corpus_dir: Path, fake_api: FakeTelegramAPI) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "telegram_bot_token": TOKEN,
            "telegram_api_base_url": fake_api.base_url,
            "corpus_dir": corpus_dir,
            "data_dir": tmp_path / "data",
            "chroma_path": tmp_path / "data" / "chroma",
            "history_db": tmp_path / "data" / "history.sqlite3",
            "admin_user_ids": frozenset({ADMIN_ID}),
            "allowed_user_ids": frozenset(),
            "allowed_chat_ids": frozenset(),
            "questions_per_minute": 100,
            "status_after": 3600.0,  # no status messages unless a test asks for them (tests/bot/telegram/test_waiting.py)
            "answer_mode": "offline",
            "embed_backend": "local",
            "embed_model": TEST_EMBED_MODEL,
            "openai_api_key": None,
            "openai_base_url": None,
            "webhook_secret": None,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


def keyword_engine(settings: Settings) -> KeywordEngine:
    """The stand-in engine over the corpus files (for tests that need to script the engine)."""
    return KeywordEngine(sorted(Path(settings.corpus_dir).glob("*.txt")))


@pytest.fixture(scope="session")
def shared_embedder() -> Any:
    """The real local embedder, loaded once per session (MiniLM: fast on CPU)."""
    from index.embedders import build_embedder

    return build_embedder(Settings(_env_file=None, embed_backend="local", embed_model=TEST_EMBED_MODEL))


@pytest.fixture(scope="session")
def index_template(tmp_path_factory: pytest.TempPathFactory, shared_embedder: Any) -> Path:
    """A real index (Chroma + BM25 catalogue) of the first corpus article, built once per session."""
    from index.indexer import run_index

    root = tmp_path_factory.mktemp("index-template")
    (root / "corpus").mkdir()
    shutil.copy(first_article(), root / "corpus" / first_article().name)
    settings = Settings(
        _env_file=None, corpus_dir=root / "corpus", data_dir=root / "data", chroma_path=root / "data" / "chroma",
        embed_backend="local", embed_model=TEST_EMBED_MODEL,
    )
    report = run_index(settings, None, embedder=shared_embedder)
    assert report.added and not report.failed, report.to_dict()
    return root / "data"


def real_engine(settings: Settings, index_template: Path, embedder: Any) -> Any:
    """`bot.engine.build_engine` over a private copy of the template index."""
    from bot.engine import build_engine

    shutil.copytree(index_template, settings.data_dir, dirs_exist_ok=True)
    return build_engine(settings, embedder=embedder)


@pytest.fixture
def engine(settings: Settings, request: pytest.FixtureRequest) -> Iterator[RecordingEngine]:
    # the one line choosing the engine: the real one (default) or the stand-in `keyword_engine(settings)`
    inner = real_engine(settings, request.getfixturevalue("index_template"), request.getfixturevalue("shared_embedder"))
    yield RecordingEngine(inner)
    inner.close()


@dataclass
class Harness:
    app: Application
    fake: FakeTelegramAPI
    activity: AppActivity

    @property
    def bot_id(self) -> int:
        return self.app.bot.id

    def push(self, update: dict[str, Any]) -> int:
        return self.fake.push_update(update)

    async def settle(self) -> None:
        """Every pushed update handled and every task the bot started finished (deterministic)."""
        await self.fake.settle(self.activity)

    async def ask(self, update: dict[str, Any], count: int = 1, timeout: float = WAIT_LIMIT) -> list[Any]:
        """Push an update and wait for `count` new messages in its chat; returns the new calls
        (`timeout` is a bound for a hung run, not an expectation)."""
        message = update.get("message") or update.get("callback_query", {}).get("message")
        chat_id = message["chat"]["id"]
        before = len(self.fake.sent_messages(chat_id))
        self.push(update)
        sent = await self.fake.wait_for_messages(chat_id, before + count, timeout)
        return sent[before:]


@pytest.fixture
def start_bot(fake_api: FakeTelegramAPI, settings: Settings, engine: Any) -> Callable[..., Any]:
    """`async with start_bot() as bot:` runs the real Application (polling) against the fake."""

    @asynccontextmanager
    async def start(settings_: Settings | None = None, engine_: Any = None) -> AsyncIterator[Harness]:
        app = build_application(settings_ or settings, engine_ if engine_ is not None else engine)
        activity = AppActivity(app)
        async with polling(app):
            yield Harness(app, fake_api, activity)

    return start


@pytest.fixture
def newsbot(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            tmp_path: Path) -> Callable[..., tuple[int, str, str]]:
    """Run `newsbot ARGS…` in tmp_path with only the given settings in the environment: (status, out, err)."""

    def run(*argv: str, stdin: str | None = None, **env: str) -> tuple[int, str, str]:
        for name in Settings.model_fields:
            monkeypatch.delenv(name.upper(), raising=False)
        base = {"EMBED_BACKEND": "local", "EMBED_MODEL": TEST_EMBED_MODEL, "ANSWER_MODE": "offline",
                "DATA_DIR": str(tmp_path / "data"), "CHROMA_PATH": str(tmp_path / "data" / "chroma"),
                "HISTORY_DB": str(tmp_path / "data" / "history.sqlite3"), "LOG_LEVEL": "WARNING", "COLUMNS": "200"}
        for name, value in {**base, **env}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)  # no .env here
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        from bot.cli import main

        capsys.readouterr()
        status = main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run
