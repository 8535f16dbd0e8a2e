"""`newsbot index`: load articles, chunk, embed and store them — incrementally and crash-safely.

Incremental by content hash: unchanged articles are skipped without embedding,
changed ones get new chunks (vectors of unchanged sentences are reused) and
their old chunks removed, articles gone from the corpus are deleted.

Crash safety: for each group of articles, the new chunks are written first, then the
article records in one write (each record is its article's commit point), then old chunks
are deleted. Readers only trust chunks whose `article_hash` matches the committed record, so
a run killed at any point leaves the old or the new version of each article, never a
mix. A run marks the index dirty while it works; the next run sweeps whatever
an interrupted run left behind.

Progressive: articles are committed a group at a time (up to 8: index/article_groups.py; a writer
thread writes and commits one group while the next is embedded: index/commits.py), and every
commit (or deletion) bumps the index generation, so a running bot picks new articles up while a
long run goes on (bot/engine.py checks the generation) and a kill loses at most the articles in
flight (the group being written and the group being embedded). At the end the catalogue snapshot
is brought up to date from the previous one (index/snapshots.py): the cost of a run follows what
it changed, not the size of the archive.

`--rebuild` writes a whole new epoch beside the live index and makes it live at
the end (one pointer write), so a rebuild killed at any point leaves the old index
answering; the next run drops what it left.

A process that indexes again and again (the bot: feed polls, /reindex, uploads) passes an IndexMemo
(index/index_memo.py): while the index is exactly as its last run left it, a run starts from the records
and story groups that run kept instead of reading them all, so a poll's cost follows the poll, not the
archive. Such a caller may also leave the catalogue snapshot to itself (`snapshot=False`).

Story groups (index/stories.py): each written article is signed (MinHash) and committed with
its signature and group; at the end of the run the groups that the run touched are settled
(records whose group changed are rewritten, in one more commit). A run killed before that leaves
the index dirty, and the next run regroups everything from the stored signatures.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from index.article_groups import (  # chunk_vector, sentence_texts, RecentVectors: imported from here too
    Embedded,
    Planned,
    RecentVectors,
    chunk_vector,  # noqa: F401
    embed_group,
    is_full,
    plan,
    sentence_texts,  # noqa: F401
)
from index.catalog import Catalog
from index.chunker import Chunker
from index.commits import ArticleWriter
from index.embedders import Embedder, build_embedder
from index.errors import IndexBusyError
from index.index_memo import IndexMemo
from index.loaders import load_corpus
from index.loaders.discovery import relative
from index.models import Article, ArticleInfo, IndexReport, LoadFailure
from index.records import article_info
from index.settings import IndexSettings
from index.store import Store
from index.stories import StoryKeeper

log = logging.getLogger(__name__)

#: sentence vectors kept from the articles just written, for texts that repeat (bylines, boilerplate)
_RECENT_SENTENCES = 4096


def index_lock(settings: IndexSettings) -> FileLock:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.lock_path), timeout=0)


def lower_priority(niceness: int) -> int:
    """Lower this process's CPU priority to `niceness` (never raise it), before the embedder starts its
    threads (they inherit it), so a bot on the same machine stays responsive during a long run
    (INDEX_NICE; docs/indexing.md). Returns the niceness in effect."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > current:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
        except OSError as exc:  # not allowed here: index at the priority we have
            log.warning("could not lower the CPU priority to %d: %s", niceness, exc)
            return current
    return max(current, niceness)


def run_index(
    settings: IndexSettings,
    paths: Sequence[Path] | None = None,
    *,
    rebuild: bool = False,
    progress: bool = False,
    embedder: Embedder | None = None,
    store: Store | None = None,
    memo: IndexMemo | None = None,
    snapshot: bool = True,
) -> IndexReport:
    """Index `paths` (default: the corpus folder). Raises IndexBusyError if another run holds the lock.

    `memo`: what the caller's previous run left (index/index_memo.py), used when the index is still as that
    run left it and refreshed at the end — for a process that indexes again and again (the bot).
    `snapshot=False`: leave the catalogue snapshot to the caller (the bot writes one from the catalogue it
    serves, every few minutes and when it stops, instead of after every poll); a rebuild leaves one anyway
    (its new epoch has none to start from)."""
    lock = index_lock(settings)
    try:
        lock.acquire()
    except Timeout:
        raise IndexBusyError(settings.lock_path) from None
    try:
        # a model built here is the run's own: it is let go before the end-of-run catalogue step (a caller's,
        # such as the bot's for /reindex, stays with the caller)
        indexer = Indexer(settings, embedder or build_embedder(settings), store or Store.open(settings),
                          owns_embedder=embedder is None, memo=memo)
        return indexer.run(paths, rebuild=rebuild, progress=progress, snapshot=snapshot)
    finally:
        lock.release()


class Indexer:
    """One index run (`run` once: a model the run owns is let go before its end)."""

    def __init__(self, settings: IndexSettings, embedder: Embedder, store: Store, *, owns_embedder: bool = False,
                 memo: IndexMemo | None = None) -> None:
        self.settings = settings
        self.embedder: Embedder | None = embedder
        self._owns_embedder = owns_embedder
        self.store = store
        self.target = store  # where this run writes: the store, or a new epoch beside it (--rebuild)
        self.chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
        self.stories = StoryKeeper(settings.near_duplicate_threshold, settings.near_duplicate_containment)
        self._unsigned: list[str] = []  # indexed articles without a story signature (an older index)
        self.memo = memo

    def run(self, paths: Sequence[Path] | None, *, rebuild: bool, progress: bool, snapshot: bool = True) -> IndexReport:
        if self.embedder is None:
            raise RuntimeError("an Indexer runs once: its model was let go at the end of its run")
        started = time.perf_counter()
        report = IndexReport()
        root = self.settings.corpus_dir
        paths = [Path(p) for p in (paths or [root])]
        if rebuild and self.memo is not None:
            self.memo.clear()  # a new epoch: nothing of the old one's records applies
        state, existing = self._begin_rebuild() if rebuild else self._begin_update(report)
        self.generation = int(state.get("generation", 0))  # +1 for every commit of this run

        articles, failures = load_corpus(paths, root, max_bytes=self.settings.max_file_bytes,
                                         owners={info.id: info.path for info in existing.values()})
        report.failed.extend(failures)
        for failure in failures:
            log.warning("skipped %s", failure)

        todo: list[tuple[Article, ArticleInfo | None]] = []
        for article in articles:  # ids are unique: the loader reports duplicates as failures
            info = existing.get(article.id)
            if info is not None and info.content_hash == article.content_hash:
                report.unchanged.append(article.id)
            else:
                todo.append((article, info))

        self._write(todo, report, progress)
        del todo  # it and `articles` hold the loaded bodies, which the end-of-run steps don't need
        if self._owns_embedder:
            self.embedder = None  # the model's memory goes before the catalogue step needs its own
        self._delete_missing(existing, articles, failures, paths, root, report)
        del articles
        regrouped = self._settle_stories(existing, report)

        # a run that found the index dirty ends on a new generation even when it changed nothing itself: the
        # killed run before it may have committed records (stamped with the next generation) that it never
        # published, and a reader (or memo) that saw the index clean at this generation must read them
        recovered = not rebuild and bool(state.get("dirty"))
        committed = self.generation > int(state.get("generation", 0))
        changed = bool(report.added or report.updated or report.deleted or rebuild or regrouped or recovered)
        generation = self.generation + (1 if rebuild or (recovered and not committed) else 0)
        updated_at = datetime.now(timezone.utc).isoformat(timespec="seconds") \
            if changed or not state.get("updated_at") else state["updated_at"]
        if rebuild:
            self.target.publish(generation=generation, updated_at=updated_at, stories=self.stories.params)  # the new index goes live
            self.store.attach()  # the caller's store (the bot's, for /reindex) serves it before the old one goes
            self.target.drop_other_epochs()  # other readers of the old one get IndexChangedError and reload
        else:
            # `run`: this run's token, so that a memo matches only the index exactly as the run that made it left it
            self.store.set_state(dirty=0, generation=generation, updated_at=updated_at, stories=self.stories.params,
                                 run=uuid.uuid4().hex)
            if self.memo is not None:
                self.memo.keep_run(self.store, state, existing, report.deleted, self.stories)
        if changed and (snapshot or rebuild):
            # snapshot the catalogue now (the last snapshot plus what this run changed), so the bot's next
            # start does not read every chunk
            snapshot_started = time.perf_counter()
            Catalog.snapshot(self.store, self.settings.cache_dir)
            report.catalog_seconds = time.perf_counter() - snapshot_started
        report.seconds = time.perf_counter() - started
        return report

    def _begin_update(self, report: IndexReport) -> tuple[dict, dict[str, ArticleInfo]]:
        """Write into the live index: sweep what an interrupted run left, then mark it dirty."""
        self.target = self.store
        self.store.ensure(self.embedder.name, self.embedder.dim)
        self.store.drop_other_epochs()  # collections of a rebuild that was killed before it went live
        state = self.store.state()
        kept = self.memo.take(self.store, state, self.stories.params) if self.memo is not None else None
        if kept is not None:  # the index is as this process's last run left it: no records to read
            existing, self.stories = kept
            self.stories.signed = 0
        else:
            records = self.store.article_metadata()
            existing = {id_: article_info(id_, meta) for id_, meta in records.items()}
            if state.get("dirty"):
                self._sweep(existing, report)
            # a killed run may have left groups unsettled; other thresholds make other groups
            self._unsigned = self.stories.load(
                records, regroup_all=bool(state.get("dirty")) or state.get("stories") != self.stories.params)
        self.store.set_state(dirty=1)
        return state, existing

    def _begin_rebuild(self) -> tuple[dict, dict[str, ArticleInfo]]:
        """Write a new epoch beside the live index, which readers keep using until `publish`."""
        self.target = self.store.fork()
        self.target.drop_other_epochs()
        live = self.target.current_version(strict=False)
        self.target.start_epoch(self.embedder.name, self.embedder.dim)
        return {"generation": live.generation if live else 0}, {}

    # --- steps ------------------------------------------------------------------
    def _write(self, todo: list[tuple[Article, ArticleInfo | None]], report: IndexReport, progress: bool) -> None:
        """Chunk, embed and write the articles a group at a time (index/article_groups.py): a group is embedded in
        one call while the writer thread writes and commits the one before. Only those few groups' chunks exist
        at a time (the whole run's chunks at once would grow the run's memory with the size of the archive)."""
        bar = _progress(progress)
        recent = RecentVectors(_RECENT_SENTENCES)
        with bar or nullcontext():
            task = bar.add_task("Indexing articles", total=len(todo)) if bar else None

            def write(group: list[Embedded]) -> None:
                self._write_group(group, report)
                if bar is not None:
                    bar.update(task, advance=len(group))

            with ArticleWriter(write) as writer:
                group: list[Planned] = []
                for article, info in todo:
                    try:
                        chunks = self.chunker.chunk(article)
                    except Exception as exc:  # a bug met by one article must not stop the others
                        chunks, failure = [], self._unsplittable(article, exc)
                    else:
                        failure = None if len(chunks) <= self.settings.max_chunks_per_article else \
                            self._too_many_chunks(article, len(chunks))
                    if failure is not None:
                        report.failed.append(failure)
                        if bar is not None:
                            bar.update(task, advance=1)
                        continue  # an indexed version stays: the article is still loaded, so it is not deleted
                    group.append(plan(article, info, chunks, recent, self.target.sentence_vectors_for_article))
                    if is_full(group):
                        writer.put(embed_group(self.embedder, group, recent))
                        group = []
                if group:
                    writer.put(embed_group(self.embedder, group, recent))

    def _write_group(self, group: list[Embedded], report: IndexReport) -> None:
        """Write the group's chunks (invisible until their articles are committed; at most `max_batch` records a
        write), then commit its articles in one write (each record is its article's commit point: from here on
        readers see them), then drop the updated articles' old chunks. Runs in the writer thread, a group after
        another."""
        self.target.add_chunk_groups([(g.article, g.chunks, g.vectors, g.sentence_vectors) for g in group])
        signatures = {g.article.id: self.stories.sign(g.article.id, g.article.body, g.article.published_at)
                      for g in group}
        stories = self.stories.stories_for(list(signatures))
        for article_id, fields in signatures.items():
            fields["story"] = stories.get(article_id, article_id)
        self._commit(lambda generation: self.target.put_articles([(g.article, len(g.chunks)) for g in group],
                                                                 signatures, generation=generation))
        for g in group:
            if g.info is not None:
                report.chunks_deleted += self.target.delete_stale_chunks(g.article.id, g.article.content_hash)
                report.updated.append(g.article.id)
            else:
                report.added.append(g.article.id)
            report.chunks_added += len(g.chunks)
            report.chunks_embedded += g.new_chunks

    def _commit(self, write) -> None:
        """Make one commit point (`write(generation)`) and, on the live index, publish its generation, so a
        running bot picks the change up (`Store.current_version()`). A rebuild's epoch is not live: its
        generation is published with it at the end."""
        if self.target is not self.store:  # a rebuild: every record carries the generation it goes live with
            write(self.generation + 1)
            return
        self.generation += 1
        write(self.generation)
        self.store.set_state(generation=self.generation,
                             updated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def _unsplittable(self, article: Article, exc: Exception) -> LoadFailure:
        log.exception("could not split %s into passages", article.id)
        return LoadFailure(self.settings.corpus_dir / article.path,
                           f'the article "{article.id}" could not be split into passages ({type(exc).__name__}: '
                           f"{exc}); everything else was indexed: please report it with this file")

    def _too_many_chunks(self, article: Article, count: int) -> LoadFailure:
        limit = self.settings.max_chunks_per_article
        what = f'the article "{article.id}"' if article.id != article.path else "the article"
        failure = LoadFailure(
            self.settings.corpus_dir / article.path,
            f"{what} splits into {count:,} chunks, over the limit of {limit:,} (MAX_CHUNKS_PER_ARTICLE); "
            "split it into smaller articles or raise MAX_CHUNKS_PER_ARTICLE",
        )
        log.warning("skipped %s", failure)
        return failure

    def _delete_missing(self, existing, articles, failures, paths, root, report: IndexReport) -> None:
        scopes = [_relative(p, root) for p in paths]
        loaded_ids = {a.id for a in articles}
        loaded_paths = {a.path for a in articles}
        failed_paths = {_relative(f.path, root) for f in failures}
        for info in existing.values():
            if info.id in loaded_ids or not any(_within(info.path, s) for s in scopes):
                continue
            if info.path in failed_paths:
                continue  # keep the indexed version of a file that now fails to load
            if info.path in loaded_paths or not _exists(root, info.path):
                self._commit(lambda _: self.target.delete_article(info.id))  # commit point
                self.stories.deleted(info.id)
                report.chunks_deleted += self.target.delete_stale_chunks(info.id, None)
                report.deleted.append(info.id)

    def _settle_stories(self, existing: dict[str, ArticleInfo], report: IndexReport) -> int:
        """Sign what an older index left unsigned, then rewrite the group of every record whose group
        changed (a merge, a split, an older member), in one commit. Returns how many records were rewritten."""
        written = set(report.added) | set(report.updated) | set(report.deleted)
        unsigned = [a for a in self._unsigned if a not in written and a in existing]
        self.stories.backfill(self.target, unsigned, {a: existing[a].published_at for a in unsigned})
        rewritten = 0

        def settle(generation: int) -> None:
            nonlocal rewritten
            rewritten = self.stories.finish(self.target, generation=generation)

        if self.stories.changes() or unsigned:
            self._commit(settle)
        else:
            self.stories.finish(self.target)
        report.articles_signed, report.stories_changed = self.stories.signed, rewritten
        if rewritten:
            log.info("story groups: %d articles changed group", rewritten)
        return rewritten + len(unsigned)

    def _sweep(self, existing: dict[str, ArticleInfo], report: IndexReport) -> None:
        orphans = self.target.orphan_chunk_ids({i.id: i.content_hash for i in existing.values()})
        if orphans:
            log.info("removing %d chunks left by an interrupted run", len(orphans))
            self.target.delete_chunk_ids(orphans)
            report.chunks_deleted += len(orphans)


def _relative(path: Path, root: Path) -> str:
    """A path relative to the corpus root, as article paths are recorded ("" for the root itself).

    Never raises, not even for a symlink loop (which `Path.resolve` refuses).
    """
    rel = relative(path, root)
    if rel is None:
        return Path(path).name
    return "" if rel == "." else rel


def _within(article_path: str, scope: str) -> bool:
    return scope in ("", ".") or article_path == scope or article_path.startswith(scope.rstrip("/") + "/")


def _exists(root: Path, relpath: str) -> bool:
    return bool(relpath) and (root / relpath).exists()


def _progress(enabled: bool):
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    transient=True)
