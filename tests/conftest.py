"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from index.embedders import Embedder, build_embedder
from index.settings import IndexSettings


@pytest.fixture(scope="session")
def e5_embedder() -> Embedder:
    """The default offline embedder (multilingual-e5-small), loaded once for the whole run."""
    return build_embedder(IndexSettings(_env_file=None, embed_backend="local", embed_model="multilingual-e5-small"))
