"""What an index run learnt about the live index, kept by a serving process for its next run.

Opening an incremental run reads every article record (to skip unchanged articles and to find deleted
ones) and loads every story signature into the near-duplicate index (index/stories.py): on a real
archive that costs more than embedding the brief a feed poll brings (0.5 s for 1,400 articles), and it
grows with the archive. A process that runs the indexer again and again (the bot: every poll, /reindex,
uploads) keeps both between runs in an `IndexMemo` (the engine owns one and passes it to `run_index`).

The memo is used only for the index it was made on, exactly as that run left it: the same store and
collection prefix, epoch and generation, a clean index (not dirty), the same story thresholds, and the
token the run wrote into the index state at its end (`run`). Every other run that ends — another
process's, even one that changed nothing — writes its own token; a run killed half-way leaves the index
dirty; a rebuild makes a new epoch: each makes the next run read the records again. A run takes the
memo (leaving it empty) when it starts and gives it back only when it ends well: a run that fails
leaves nothing behind that could be stale.

Memory: the story index costs ~11 KB per article (the MinHash bands) beside the article infos — about
16 MB for a quarter's 1,400 articles, 60 MB for a year's 5,400 — which a run holds anyway while it works.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from index.errors import NewsbotError
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
    run: str  # the token of the run that left the index so (`Indexer.run`): any later run writes another
    stories: str  # the story thresholds of the run that made the memo, or of the run that asks for it


class IndexMemo:
    """The article records (as ArticleInfo) and story groups of the live index after a run (see above). Only
    index runs touch it, and they hold the index lock (`run_index`): one at a time."""

    def __init__(self) -> None:
        self._key: _Key | None = None
        self._articles: dict[str, ArticleInfo] = {}
        self._stories: StoryKeeper | None = None

    def __bool__(self) -> bool:
        return self._key is not None

    def take(self, store: Store, state: Mapping[str, object], stories_params: str
             ) -> tuple[dict[str, ArticleInfo], StoryKeeper] | None:
        """The kept articles and story groups when they describe the index in `state` (a clean index at the
        generation the last run left), else None; either way the memo is empty afterwards."""
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

    def keep_run(self, store: Store, start: Mapping[str, object], existing: Mapping[str, ArticleInfo],
                 deleted: Iterable[str], stories: StoryKeeper) -> None:
        """Remember the index as a run that has just ended well left it: the records at its start (`start`: the
        state then), less those it deleted, plus every record it wrote (its commits have later generations).
        A failed read leaves the memo empty: the next run reads the records, as without a memo."""
        gone = set(deleted)
        articles = {a: info for a, info in existing.items() if a not in gone}
        try:
            articles.update(store.article_infos_since(int(start.get("generation", 0) or 0)))
            state = store.state()
        except NewsbotError as exc:
            log.warning("could not keep this index run's records for the next run: %s", exc)
            self._forget()
            return
        self._key = _key(store, state, stories.params)
        self._articles, self._stories = articles, stories

    def clear(self) -> None:
        self._forget()

    def _forget(self) -> None:
        self._key, self._articles, self._stories = None, {}, None


def _key(store: Store, state: Mapping[str, object], stories_params: str) -> _Key:
    return _Key(store.location, store.prefix, str(state.get("epoch", "")), int(state.get("generation", 0) or 0),
                str(state.get("run", "")), stories_params)
