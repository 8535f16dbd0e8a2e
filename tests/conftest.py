"""Fixtures shared by the whole suite."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from index.embedders import Embedder, build_embedder
from index.settings import IndexSettings


@pytest.fixture(scope="session")
def e5_embedder() -> Embedder:
    """The default offline embedder (multilingual-e5-small), loaded once for the whole run."""
    return build_embedder(IndexSettings(_env_file=None, embed_backend="local", embed_model="multilingual-e5-small"))


def _logger_levels() -> dict[str, int]:
    from bot.logs import QUIET

    return {name: logging.getLogger(name).level for name in ("bot", "index", *QUIET)}


_PRISTINE_LEVELS = _logger_levels()


@pytest.fixture(autouse=True)
def _logging_levels_restored() -> Iterator[None]:
    """`bot.cli.main` configures logging for the process (as a command should); tests calling it
    in-process (also from module-scoped fixtures) must not change what later tests' loggers record."""
    yield
    for name, level in _PRISTINE_LEVELS.items():
        logging.getLogger(name).setLevel(level)
