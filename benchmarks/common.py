"""Shared plumbing of the benchmarks: the run context, settings in a work folder, statistics,
one embedder per process, a Chroma server started and stopped by us, the llama-index adapter."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORK = ROOT / ".bench"

log = logging.getLogger("benchmarks")

#: XQuAD articles used by --quick (the full run uses all 48)
QUICK_ARTICLES = 1


def articles_limit(quick: bool) -> int | None:
    return QUICK_ARTICLES if quick else None


@dataclass
class Context:
    """What every benchmark gets: mode, folders, the shared embedder, and where results go."""

    quick: bool
    work: Path
    results: dict[str, Any] = field(default_factory=dict)
    _embedder: Any = None

    @property
    def embedder(self):
        if self._embedder is None:
            from index.embedders import build_embedder

            self._embedder = build_embedder(settings_for(self.work / "probe"))
        return self._embedder

    def folder(self, *parts: str) -> Path:
        path = self.work.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path


def say(message: str) -> None:
    """Progress on stderr (the full run takes a while)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def settings_for(folder: Path, **overrides: Any):
    """newsbot settings whose every path is inside `folder`; .env and the environment's LLM are ignored."""
    from bot.settings import Settings

    values: dict[str, Any] = {
        "corpus_dir": folder / "corpus",
        "data_dir": folder / "data",
        "chroma_path": folder / "chroma",
        "history_db": folder / "data" / "history.sqlite3",
        "collection": "newsbot",
        "answer_mode": "offline",
        "openai_api_key": None,
        "openai_base_url": None,
        "chroma_host": None,
        "telegram_bot_token": None,
        "telegram_api_base_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# --- statistics ---------------------------------------------------------------------
def median(values: Sequence[float]) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


# --- a Chroma server ----------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_binary() -> Path:
    return Path(sys.executable).parent / "chroma"


@contextlib.contextmanager
def chroma_server(path: Path, timeout: float = 300.0) -> Iterator[int]:
    """`chroma run --path PATH --port FREE`; yields the port; stops the process we started."""
    import urllib.request

    path.mkdir(parents=True, exist_ok=True)
    port = free_port()
    logfile = open(path.parent / "chroma-server.log", "ab")
    proc = subprocess.Popen([str(chroma_binary()), "run", "--path", str(path), "--port", str(port),
                             "--host", "127.0.0.1"], stdout=logfile, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {proc.returncode}; see {path.parent / 'chroma-server.log'}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the Chroma server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        logfile.close()


# --- llama-index --------------------------------------------------------------------
def llama_embedding(embedder):
    """newsbot's Embedder as a llama-index `BaseEmbedding` (same model, same batching, same prefixes)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class NewsbotEmbedding(BaseEmbedding):
        _embedder: Any = PrivateAttr()

        def __init__(self, inner, **kwargs: Any) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=inner.batch_size, **kwargs)
            self._embedder = inner

        @classmethod
        def class_name(cls) -> str:
            return "NewsbotEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed_query(query).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_passages(texts).tolist()

    return NewsbotEmbedding(embedder)


def quiet_logs() -> None:
    """newsbot's logging set-up (bot.logs) with its own loggers at WARNING too: a benchmark prints its table."""
    from bot.logs import configure_logging

    configure_logging("WARNING")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
