"""The training questions' cached searches, kept only while the retrieval settings they were made with hold.

A search depends on the retrieval settings (BM25 weights, candidates, recency…): a cache written under other
settings is dropped and the questions are searched again, so a model is never trained on searches the
product would not make. Any change to a retrieval setting drops every archive's cache, those it could not
have changed included: searching again is simpler than knowing which.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from benchmarks.common import say
from bot.settings import SECTIONS

RETRIEVAL_GROUP = "Retrieval"


def retrieval_settings(settings) -> dict[str, Any]:
    """The settings a search depends on (the `.env.example` Retrieval group), by name."""
    return {name: getattr(settings, name) for name in SECTIONS[RETRIEVAL_GROUP]}


def load_searches(path: Path, settings, use_cache: bool) -> dict:
    """The searches cached at `path` if they were made with `settings`' retrieval; else none."""
    if not use_cache or not path.exists():
        return {}
    try:
        cached = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as exc:
        say(f"training: {path} can't be read ({type(exc).__name__}); searching again")
        return {}
    if not isinstance(cached, dict) or cached.get("retrieval") != retrieval_settings(settings):
        say(f"training: {path} was made with other retrieval settings; searching again")
        return {}
    return cached["searches"]


def save_searches(path: Path, settings, searches: dict) -> None:
    """Cache `searches` at `path` with the retrieval settings they were made with."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")  # a run stopped while writing leaves the old cache whole
    partial.write_bytes(pickle.dumps({"retrieval": retrieval_settings(settings), "searches": searches}))
    partial.replace(path)
