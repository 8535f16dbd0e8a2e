"""Catalogue snapshots under DATA_DIR/cache, so a start (or an index run's end) does not re-read and
re-tokenise every chunk.

One folder per index (store location and collection prefix): its segments, each in a folder of its
own and written once (index/segments.py), and `manifest.pkl` naming the epoch, generation, articles,
vocabulary and the segments with their live rows. Writing a snapshot writes only the segments that
are not on disk yet, then replaces the manifest (write beside, rename), then removes segments no
manifest names: adding a week to an indexed year writes that week's segment, not the year.

Readers validate a snapshot against the store (epoch, then every article's content hash) and bring
it up to date (`Catalog._apply`); a damaged snapshot is ignored (the catalogue is read from the
store and a new snapshot written), never fatal. Writers take a lock file; a process that finds it
taken skips writing (the snapshot is an optimisation, the other writer leaves one).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from filelock import FileLock, Timeout

from index.errors import NewsbotError
from index.lexical import TOKENIZER_VERSION
from index.models import IndexVersion
from index.segments import Segment
from index.store import Store

if TYPE_CHECKING:
    from index.catalog import Catalog

log = logging.getLogger(__name__)

SNAPSHOT_VERSION = 3


class Snapshots:
    def __init__(self, cache_dir: Path, store: Store) -> None:
        where = hashlib.sha256(f"{store.location}|{store.prefix}".encode()).hexdigest()[:12]
        self.cache_dir = cache_dir
        self.prefix = f"catalog-{where}-"
        self.folder = cache_dir / f"{self.prefix}v{SNAPSHOT_VERSION}.{TOKENIZER_VERSION}"
        self.manifest = self.folder / "manifest.pkl"
        # one object per Snapshots, so that `building` and `write` in one process take it re-entrantly
        self._lock = FileLock(str(cache_dir / f"{self.folder.name}.lock"), timeout=0)

    @contextmanager
    def building(self) -> Iterator[bool]:
        """Hold the writers' lock while a catalogue is built and written (True), so that its segments can be
        saved as they are built (`spill`) without another process's `write` removing them as unused; False when
        another process holds it (then build in memory: that process leaves the snapshot)."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            self._lock.release()

    def read(self, epoch: str) -> Catalog | None:
        """The snapshot of `epoch`, or None (no snapshot, another epoch's, or a damaged one)."""
        from index.catalog import Catalog

        try:
            with open(self.manifest, "rb") as f:
                manifest = pickle.load(f)
            if manifest["version"] != SNAPSHOT_VERSION or manifest["epoch"] != epoch:
                return None
            parts = [(Segment.load(self.folder, name), np.asarray(alive, dtype=bool))
                     for name, alive in manifest["segments"]]
            if any(len(segment) != len(alive) for segment, alive in parts):
                raise ValueError("a segment does not match its live rows")
            return Catalog(parts, manifest["vocab"], manifest["articles"], manifest["generation"],
                           manifest["updated_at"], epoch, manifest["dim"])
        except FileNotFoundError:
            return None
        except Exception as exc:  # a damaged snapshot is rebuilt, never fatal
            log.warning("ignoring unreadable catalogue snapshot %s: %s", self.folder, exc)
            return None

    def spill(self, segment: Segment) -> bool:
        """Save a segment of a catalogue being built, inside `building()` (its vectors are then served from the
        file), so a full read, or an update of a snapshot far behind, holds one segment's vectors in memory,
        not the archive's; `write` (or `write_manifest`) names it in the manifest later. On a disk error it
        stays in memory: False."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            segment.save(self.folder)
            return True
        except OSError as exc:
            log.warning("could not save a catalogue segment in %s: %s", self.folder, exc)
            return False

    def write(self, catalog: Catalog) -> bool:
        """Save `catalog` as the snapshot (False when another process is writing one, or on a disk error)."""
        return self._writing([segment for segment, _ in catalog.parts], epoch=catalog.epoch,
                             generation=catalog.generation, updated_at=catalog.updated_at, dim=catalog.dim,
                             articles=catalog.articles, vocab=catalog.vocab,
                             segments=[(segment.name, alive) for segment, alive in catalog.parts])

    def write_manifest(self, *, epoch: str, generation: int, updated_at: str, dim: int, articles: dict,
                       vocab: dict[str, int], segments: list[tuple[str, np.ndarray]]) -> bool:
        """Make the segments saved by `spill` (names with their live rows) the snapshot."""
        return self._writing([], epoch=epoch, generation=generation, updated_at=updated_at, dim=dim,
                             articles=articles, vocab=vocab, segments=segments)

    def _writing(self, unsaved: list[Segment], *, epoch: str, generation: int, updated_at: str, dim: int,
                 articles: dict, vocab: dict[str, int], segments: list[tuple[str, np.ndarray]]) -> bool:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        lock = self._lock
        try:
            lock.acquire()
        except Timeout:
            log.info("another process is writing the catalogue snapshot; not writing one")
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for segment in unsaved:
                segment.save(self.folder)
            manifest = {"version": SNAPSHOT_VERSION, "epoch": epoch, "generation": generation,
                        "updated_at": updated_at, "dim": dim, "articles": articles, "vocab": vocab,
                        "segments": [(name, np.asarray(alive, dtype=bool)) for name, alive in segments]}
            tmp = self.manifest.with_suffix(".tmp")
            with open(tmp, "wb") as f:
                pickle.dump(manifest, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.manifest)
            self._remove_unused({name for name, _ in segments})
            return True
        except OSError as exc:
            log.warning("could not write the catalogue snapshot %s: %s", self.folder, exc)
            return False
        finally:
            lock.release()

    def _remove_unused(self, names: set[str]) -> None:
        """Segments the manifest does not name, and snapshots of this index in other formats."""
        for path in self.folder.iterdir():
            if path.is_dir() and path.name not in names:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.cache_dir.glob(f"{self.prefix}*"):
            if path.is_dir() and path != self.folder:
                shutil.rmtree(path, ignore_errors=True)


class SnapshotSchedule:
    """When a process that keeps its catalogue up to date itself (the bot, indexing every poll with
    `run_index(snapshot=False)`) writes the snapshot of it: at most every `every` seconds, and when it stops.

    A snapshot only spares the next start from reading the chunks committed since the last one, so writing
    one after every poll (reading the old one back, 0.2–0.5 s on a quarter's archive) would cost more than
    the poll's own article; a process killed before writing leaves an older snapshot, which the next start
    brings up to date (index/catalog.py)."""

    def __init__(self, cache_dir: Path, every: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.cache_dir = cache_dir
        self.every = every
        self._clock = clock
        self._saved_at = self._clock()
        self._saved: IndexVersion | None = None  # the version of the last snapshot known written

    def loaded(self, catalog: Catalog) -> None:
        """`catalog` was just read with `Catalog.load`, which leaves a snapshot of it unless it could not
        (`catalog.saved`: another process was writing one, a disk error)."""
        self._saved_at = self._clock()
        self._saved = catalog.version if catalog.saved else None

    def behind(self, catalog: Catalog) -> bool:
        return catalog.version != self._saved

    def maybe_save(self, store: Store, catalog: Catalog) -> bool:
        """Save `catalog` when it is newer than the last snapshot and `every` seconds have passed."""
        if self._clock() - self._saved_at < self.every:
            return False
        return self.save(store, catalog)

    def save(self, store: Store, catalog: Catalog) -> bool:
        """Save `catalog` now if it is newer than the last snapshot (True when one was written). Only while it
        is the live index as it is now: another process that went further (a run, a rebuild: a new epoch)
        leaves its own snapshot, which an older catalogue must not replace."""
        if not self.behind(catalog):
            return False
        self._saved_at = self._clock()
        try:
            live = store.current_version()
        except NewsbotError as exc:  # the store cannot be read now: the next start reads what it must
            log.warning("not saving the catalogue snapshot: %s", exc)
            return False
        if live != catalog.version:
            log.info("not saving the catalogue snapshot: the index moved on (%s, serving %s)", live, catalog.version)
            return False
        if not Snapshots(self.cache_dir, store).write(catalog):
            return False
        self._saved = catalog.version
        log.info("catalogue snapshot written (generation %d)", catalog.generation)
        return True
