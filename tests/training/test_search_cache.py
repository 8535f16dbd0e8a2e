"""Tests for training.search_cache: cached searches hold only under the retrieval settings they were made with."""

from __future__ import annotations

import pickle
from pathlib import Path

from benchmarks.common import settings_for
from training.search_cache import load_searches, save_searches


def test_searches_come_back_under_the_same_retrieval_settings(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    path = tmp_path / "index" / "searches.pkl"
    save_searches(path, settings, {("ru", "q1"): ("ru", "hits")})

    assert load_searches(path, settings, use_cache=True) == {("ru", "q1"): ("ru", "hits")}
    assert load_searches(path, settings, use_cache=False) == {}  # --no-cache searches again


def test_searches_made_under_other_retrieval_settings_are_made_again(tmp_path: Path) -> None:
    path = tmp_path / "searches.pkl"
    save_searches(path, settings_for(tmp_path, bm25_weight_own=0.0), {("ru", "q1"): ("ru", "hits")})

    assert load_searches(path, settings_for(tmp_path, bm25_weight_own=0.3), use_cache=True) == {}
    assert load_searches(path, settings_for(tmp_path, bm25_weight_own=0.0), use_cache=True)


def test_a_cache_without_its_settings_is_made_again(tmp_path: Path) -> None:
    path = tmp_path / "searches.pkl"
    path.write_bytes(pickle.dumps({("en", "q1"): ("en", "hits")}))  # as written before the settings were kept

    assert load_searches(path, settings_for(tmp_path), use_cache=True) == {}
    assert load_searches(tmp_path / "missing.pkl", settings_for(tmp_path), use_cache=True) == {}


def test_a_damaged_cache_is_searched_again_and_a_write_replaces_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "searches.pkl"
    path.write_bytes(pickle.dumps({"retrieval": {}, "searches": {}})[:-3])  # a run stopped mid-write (before)

    assert load_searches(path, settings_for(tmp_path), use_cache=True) == {}
    save_searches(path, settings_for(tmp_path), {("en", "q1"): ("en", "hits")})
    assert load_searches(path, settings_for(tmp_path), use_cache=True) == {("en", "q1"): ("en", "hits")}
    assert [p.name for p in tmp_path.iterdir()] == ["searches.pkl"]  # no partial file left behind
