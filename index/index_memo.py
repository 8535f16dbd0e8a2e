"""What an index run learnt about the live index, kept by a serving process for its next run.

Opening an incremental run reads every article record (to skip unchanged articles and to find deleted
ones) and loads every story signature into the near-duplicate index (index/stories.py): on a real
archive that costs more than embedding the brief a feed poll brings (0.5 s for 1,400 articles), and it
grows with the archive. A process that runs the indexer again and again (the bot: every poll, /reindex,
uploads) keeps both between runs in an `IndexMemo` (the engine owns one and passes it to `run_index`).

The memo is used only for the index it was made on, exactly as that run left it: the same store and
collection prefix, the same epoch, the same generation, a clean index (not dirty) and the same story
thresholds. Any other writer (another process's run, a rebuild, a run killed half-way) moves the
generation or leaves the index dirty, so the next run reads the records again. A run takes the memo
(leaving it empty) when it starts and gives it back only when it ends well: a run that fails leaves
nothing behind that could be stale.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from index.models import ArticleInfo
from index.store import Store
from index.stories import StoryKeeper

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Key:
    location: str
    prefix: str
    epoch: str
    generation: int
    stories: str


class IndexMemo:
    """The article records (as ArticleInfo) and story groups of the live index after a run (see above)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: _Key | None = None
        self._articles: dict[str, ArticleInfo] = {}
        self._stories: StoryKeeper | None = None

    def __bool__(self) -> bool:
        return self._key is not None

    def take(self, store: Store, state: Mapping[str, object], stories_params: str
             ) -> tuple[dict[str, ArticleInfo], StoryKeeper] | None:
        """The kept articles and story groups when they describe the index in `state` (a clean index at the
        generation the last run left), else None; either way the memo is empty afterwards."""
        with self._lock:
            key, articles, stories = self._key, self._articles, self._stories
            self._forget()
        if key is None or stories is None:
            return None
        wanted = _key(store, state, stories_params)
        if state.get("dirty") or wanted != key:
            log.debug("index memo not used: made on %s, the index is now %s%s", key, wanted,
                      " (dirty)" if state.get("dirty") else "")
            return None
        return articles, stories

    def keep(self, store: Store, state: Mapping[str, object], articles: dict[str, ArticleInfo],
             stories: StoryKeeper) -> None:
        """Remember the index as a run left it (`state`: its state after the run's last write)."""
        with self._lock:
            self._key = _key(store, state, stories.params)
            self._articles, self._stories = articles, stories

    def clear(self) -> None:
        with self._lock:
            self._forget()

    def _forget(self) -> None:
        self._key, self._articles, self._stories = None, {}, None


def _key(store: Store, state: Mapping[str, object], stories_params: str) -> _Key:
    return _Key(store.location, store.prefix, str(state.get("epoch", "")), int(state.get("generation", 0) or 0),
                stories_params)
