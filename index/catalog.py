"""The in-memory catalogue of live chunks (texts, offsets, sentence spans, sentence vectors) and its BM25 index.

Only chunks whose `article_hash` matches the committed article record are included: the catalogue
is always consistent with the article table it read.

The catalogue is made of segments (index/segments.py): `Catalog.updated(store)` reads only the
articles committed since its generation (and notices deleted ones), appends segments with their
chunks (one per about MAX_MERGE_ROWS rows) and marks the replaced rows dead, so bringing it up to
date costs what changed, not the archive. `Catalog.load` starts from the newest snapshot of the live epoch under `data/cache/`
(index/snapshots.py) and updates it the same way; without a snapshot it reads every chunk once.
A catalogue never changes after it is made: readers keep using theirs while a new one is made. Rows
are read from the store by index/catalog_rows.py, a segment's worth at a time (saved as they are built
when a snapshot is being written, so a snapshot far behind a long run costs one segment's vectors).

Story groups (near-duplicate articles, index/stories.py) come from the article records:
`story(article_id)`, `duplicates(article_id)`, and `row_stories` (the group of each row's article).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

# ChunkRow stays importable from here: snapshots written before index/catalog_rows.py pickled it by this path
from index.catalog_rows import Added, ChunkRow, read_rows, slices, store_segments
from index.chroma import published_day
from index.errors import IndexChangedError
from index.language import ArchiveLanguage
from index.lexical import LexicalIndex
from index.models import ArticleInfo, IndexVersion, SearchFilters
from index.segments import MAX_MERGE_ROWS, Segment, compact
from index.store import Store

log = logging.getLogger(__name__)

#: sentences in the background sample (`Catalog.background`)
BACKGROUND = 1024


class Catalog:
    def __init__(self, parts: list[tuple[Segment, np.ndarray]], vocab: dict[str, int],
                 articles: dict[str, ArticleInfo], generation: int, updated_at: str, epoch: str = "",
                 dim: int = 0) -> None:
        self.parts = parts  # [(segment, alive mask)]
        self.vocab = vocab
        self.articles = articles
        self.generation = generation
        self.epoch = epoch
        self.updated_at = updated_at
        self.dim = dim
        slots, segment_of, local = [], [], []
        base = 0
        for n, (segment, alive) in enumerate(parts):
            keep = np.flatnonzero(alive)
            slots.append(keep + base)
            segment_of.append(np.full(len(keep), n, dtype=np.int64))
            local.append(keep)
            base += len(segment)
        self._slots = np.concatenate(slots) if slots else np.zeros(0, dtype=np.int64)
        self._segment_of = np.concatenate(segment_of) if segment_of else np.zeros(0, dtype=np.int64)
        self._local = np.concatenate(local) if local else np.zeros(0, dtype=np.int64)
        self.rows: list[ChunkRow] = [parts[s][0].rows[i] for s, i in zip(self._segment_of.tolist(),
                                                                          self._local.tolist())]
        self.position = {row.id: i for i, row in enumerate(self.rows)}
        self.sources = np.concatenate([s.sources[a] for s, a in parts]) if parts else np.zeros(0, dtype=object)
        self.days = np.concatenate([s.days[a] for s, a in parts]) if parts else np.zeros(0, dtype=np.int64)
        self.lexical = LexicalIndex(vocab, parts, self._slots)
        self._background: tuple[np.ndarray, np.ndarray] | None = None
        self._language: ArchiveLanguage | None = None
        #: a snapshot of exactly this catalogue is on disk (`load` wrote or read it); False when unknown
        self.saved = False
        self._article_index: dict[str, int] | None = None
        self._members: dict[str, list[str]] | None = None
        self._chunk_vectors: np.ndarray | None = None
        self._row_stories: np.ndarray | None = None
        #: the newest article's publication date (ISO), "" when none is dated
        self.newest = max((a.published_at for a in articles.values() if a.published_at), default="")

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def version(self) -> IndexVersion:
        """The index version this catalogue was read from: compare with `Store.current_version()`."""
        return IndexVersion(self.epoch, self.generation)

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        """Boolean mask of rows that pass the filters (None when there are no filters)."""
        if filters is None or filters.empty:
            return None
        keep = np.ones(len(self.rows), dtype=bool)
        if filters.sources:
            wanted = {s.casefold() for s in filters.sources}
            keep &= np.array([s in wanted for s in self.sources], dtype=bool)
        if filters.since:
            keep &= self.days >= published_day(filters.since)
        if filters.until:
            keep &= (self.days > 0) & (self.days <= published_day(filters.until))
        if filters.as_of:
            keep &= self.days <= published_day(filters.as_of)
        if filters.article_ids:
            wanted_ids = set(filters.article_ids)
            keep &= np.array([r.article_id in wanted_ids for r in self.rows], dtype=bool)
        return keep

    # --- loading ------------------------------------------------------------------
    @classmethod
    def load(cls, store: Store, cache_dir: Path) -> "Catalog":
        """The catalogue of the store's live index: the newest snapshot of its epoch brought up to date like
        `updated` does (or every chunk read, when there is none); a snapshot of the result is left for the
        next start."""
        return cls._from_snapshot(store, cache_dir, keep=True)

    @classmethod
    def snapshot(cls, store: Store, cache_dir: Path) -> None:
        """Leave a snapshot of the store's live index for the next start, without keeping a catalogue (what an
        index run does at its end): as `load`, but with no snapshot to update every chunk is read a segment at
        a time and each segment is saved and dropped, so the run's end holds one segment, not the archive."""
        cls._from_snapshot(store, cache_dir, keep=False)

    @classmethod
    def _from_snapshot(cls, store: Store, cache_dir: Path, *, keep: bool) -> "Catalog | None":
        from index.snapshots import Snapshots

        started = time.perf_counter()
        state = store.state()
        generation, epoch = int(state.get("generation", 0)), str(state.get("epoch", ""))
        updated_at = str(state.get("updated_at", ""))
        snapshots = Snapshots(cache_dir, store)
        base = snapshots.read(epoch)
        catalog = None
        if base is not None:
            with snapshots.building() as mine:  # new segments go to disk as they are built
                catalog, _ = base.updated(store, spill=snapshots.spill if mine else None)
                catalog.saved = catalog is base or (mine and snapshots.write(catalog))
            how = "snapshot" if catalog is base else f"snapshot of generation {base.generation}, updated"
            chunks, articles = len(catalog), catalog.articles
        else:
            how, articles = "read from the store", store.article_infos()
            with snapshots.building() as mine:  # every segment goes to disk as it is built: one in memory at a time
                if keep:
                    catalog = cls._build(store, articles, generation, updated_at, epoch=epoch,
                                         spill=snapshots.spill if mine else None)
                    catalog.saved = mine and snapshots.write(catalog)
                    chunks = len(catalog)
                elif not mine:
                    return None  # another process is writing one
                else:
                    chunks = cls._spill_all(store, snapshots, articles, epoch=epoch, generation=generation,
                                            updated_at=updated_at)
                    if chunks is None:
                        return None  # a disk error (logged): the next start reads the store
        log.info("catalogue: %d chunks of %d articles (generation %d, %s) in %.2fs",
                 chunks, len(articles), generation if catalog is None else catalog.generation, how,
                 time.perf_counter() - started)
        return catalog

    @classmethod
    def _spill_all(cls, store: Store, snapshots, articles: dict[str, ArticleInfo], *, epoch: str, generation: int,
                   updated_at: str) -> int | None:
        """Every chunk read into segments, each saved and dropped, then named by a new manifest (inside
        `snapshots.building()`): the number of chunks, or None on a disk error."""
        vocab: dict[str, int] = {}
        saved: list[tuple[str, np.ndarray]] = []
        for segment in store_segments(store, articles, vocab, MAX_MERGE_ROWS):
            if not snapshots.spill(segment):
                return None
            saved.append((segment.name, np.ones(len(segment), dtype=bool)))
        written = snapshots.write_manifest(epoch=epoch, generation=generation, updated_at=updated_at, dim=store.dim,
                                           articles=articles, vocab=vocab, segments=saved)
        return sum(len(alive) for _, alive in saved) if written else None

    def updated(self, store: Store, *, with_vectors: bool = False,
                spill: Callable[[Segment], object] | None = None) -> tuple["Catalog", Added]:
        """This catalogue brought up to the store's current generation, reading only what changed.

        Raises IndexChangedError when another epoch went live (a rebuild): load that one instead.
        `with_vectors`: also return the stored chunk vectors of the rows that came in. The new rows are read
        and built into segments of about MAX_MERGE_ROWS rows (an article is never split); `spill(segment)` is
        called on each as it is built (to save it and serve its vectors from the file: a snapshot far behind
        a long run is brought up to date one segment's vectors at a time).
        While the index is dirty (a run is writing, or one was killed) a commit may be written before its
        generation is published: the records are read then even at an unchanged generation.
        """
        state = store.state()  # before the articles: whatever is committed later has a higher generation
        generation = int(state.get("generation", 0))
        if str(state.get("epoch", "")) != self.epoch:
            raise IndexChangedError(store.location)
        if generation == self.generation and not state.get("dirty"):
            return self, Added()
        articles = dict(self.articles)
        articles.update(store.article_infos_since(self.generation))
        count = store.article_count()
        if count != len(articles):  # some were deleted
            ids = store.article_ids()
            articles = {a: info for a, info in articles.items() if a in ids}
            if len(articles) != count:  # records this catalogue cannot account for: read them all
                articles = store.article_infos()
        return self._apply(store, articles, generation, str(state.get("updated_at", "")), with_vectors=with_vectors,
                           spill=spill)

    def _apply(self, store: Store, articles: dict[str, ArticleInfo], generation: int, updated_at: str, *,
               with_vectors: bool = False, spill: Callable[[Segment], object] | None = None
               ) -> tuple["Catalog", Added]:
        """A catalogue of `articles`: this one's rows of unchanged articles plus the chunks of the others."""
        stale = {a for a, info in self.articles.items()
                 if a not in articles or articles[a].content_hash != info.content_hash}
        wanted = {a: info.content_hash for a, info in articles.items() if a not in self.articles or a in stale}
        if not stale and not wanted:
            if generation == self.generation and articles == self.articles:
                return self, Added()
            catalog = Catalog(self.parts, self.vocab, articles, generation, updated_at, self.epoch, self.dim)
            catalog._inherit_language(self, added=0)
            return catalog, Added()
        vocab = dict(self.vocab)
        parts = []
        for segment, alive in self.parts:
            if stale:
                alive = alive & np.fromiter((r.article_id not in stale for r in segment.rows), dtype=bool,
                                            count=len(segment))
            parts.append((segment, alive))
        dim = self.dim or store.dim
        added: list[ChunkRow] = []
        vectors: list[np.ndarray] = []
        for part in slices(wanted, articles, MAX_MERGE_ROWS):
            rows, ids, blocks, part_vectors = read_rows(store, part, vocab, with_vectors)
            if rows:
                fresh = Segment.build(rows, ids, blocks, len(vocab), dim)
                del blocks
                if spill is not None:
                    spill(fresh)
                parts.append((fresh, np.ones(len(fresh), dtype=bool)))
                added += rows
                vectors += part_vectors
        parts = compact(parts, len(vocab), dim)
        catalog = Catalog(parts, vocab, articles, generation, updated_at, self.epoch, dim)
        catalog._inherit_language(self, added=len(added))
        return catalog, Added(added, np.vstack(vectors).astype(np.float32) if vectors else None)

    @classmethod
    def _build(cls, store: Store, articles: dict[str, ArticleInfo], generation: int, updated_at: str, *,
               epoch: str, spill: Callable[[Segment], object] | None = None) -> "Catalog":
        """Read every live chunk from the store into segments; `spill(segment)` is called on each as it is built
        (to save it and serve its vectors from the file)."""
        vocab: dict[str, int] = {}
        parts = []
        for segment in store_segments(store, articles, vocab, MAX_MERGE_ROWS):
            if spill is not None:
                spill(segment)
            parts.append((segment, np.ones(len(segment), dtype=bool)))
        return cls(parts, vocab, articles, generation, updated_at, epoch=epoch, dim=store.dim)

    def story(self, article_id: str) -> str:
        """The id of the article's story group (its own id when it has no near-duplicate)."""
        info = self.articles.get(article_id)
        return (info.story or article_id) if info is not None else article_id

    def duplicates(self, article_id: str, *, as_of: str | None = None) -> list[ArticleInfo]:
        """The other articles of its story group, newest first (`as_of`: none published after that day)."""
        if self._members is None:
            members: dict[str, list[str]] = {}
            for info in self.articles.values():
                members.setdefault(info.story or info.id, []).append(info.id)
            self._members = members
        last = published_day(as_of) if as_of else 0
        found = [self.articles[a] for a in self._members.get(self.story(article_id), ()) if a != article_id]
        found = [a for a in found if not last or published_day(a.published_at) <= last]
        return sorted(found, key=lambda a: (a.published_at[:10], a.id), reverse=True)

    @property
    def row_stories(self) -> np.ndarray:
        """The story group of each row's article, as a small number (equal numbers: the same story)."""
        if self._row_stories is None:
            codes: dict[str, int] = {}
            self._row_stories = np.array([codes.setdefault(self.story(r.article_id), len(codes)) for r in self.rows],
                                         dtype=np.int64)
        return self._row_stories

    # --- reading ----------------------------------------------------------------------
    def document_frequency(self, term_id: int) -> int:
        """How many chunks contain the BM25 vocabulary term `term_id`."""
        df = self.lexical.document_frequencies()
        return int(df[term_id]) if 0 <= term_id < len(df) else 0

    def nearest(self, vector: np.ndarray, n: int, mask: np.ndarray | None = None) -> list[int]:
        """The n rows whose chunk vector (the normalised mean of its sentence vectors, as the indexer makes it)
        is closest to `vector`, searched exactly over this catalogue: what answers when the store's vector
        index cannot be read (another process is writing it). The sums are kept per segment (shared by the next
        versions of the catalogue: an update sums only its new rows), the normalised matrix per catalogue."""
        if self._chunk_vectors is None:
            # every row has at least one sentence vector; summed per row first: a dead row's never join a live one
            parts = [segment.chunk_sums()[alive] for segment, alive in self.parts]
            matrix = np.vstack(parts) if parts else np.zeros((0, self.dim), dtype=np.float32)
            self._chunk_vectors = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        scores = self._chunk_vectors @ np.asarray(vector, dtype=np.float32)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        n = min(n, int(np.isfinite(scores).sum()))
        top = np.argpartition(-scores, n - 1)[:n] if n else np.zeros(0, dtype=np.int64)
        return [int(i) for i in top[np.argsort(-scores[top])]]

    def sentence_block(self, position: int) -> np.ndarray:
        """The sentence vectors (float16, one row per sentence) of the catalogue row at `position`."""
        return self.parts[self._segment_of[position]][0].block(int(self._local[position]))

    def background(self) -> tuple[np.ndarray, np.ndarray]:
        """A fixed sample of up to BACKGROUND sentence vectors (evenly spaced) and the article of each
        (an index into `article_ids`), for normalising a question's similarities against this archive."""
        if self._background is None:
            sizes = np.concatenate([np.diff(s.offsets)[a] for s, a in self.parts]) if self.parts \
                else np.zeros(0, dtype=np.int64)
            ends = np.cumsum(sizes)
            total = int(ends[-1]) if len(ends) else 0
            picks = np.linspace(0, total - 1, num=min(BACKGROUND, total), dtype=np.int64) if total \
                else np.zeros(0, dtype=np.int64)
            owners = np.searchsorted(ends, picks, side="right")
            within = picks - (ends[owners] - sizes[owners]) if len(picks) else picks
            vectors = [self.sentence_block(int(o))[int(w)] for o, w in zip(owners, within)]
            article_index = self.article_index
            self._background = (np.asarray(vectors, dtype=np.float32).reshape(len(picks), -1),
                                np.array([article_index[self.rows[o].article_id] for o in owners], dtype=np.int64))
        return self._background

    @property
    def article_index(self) -> dict[str, int]:
        """Article id → a stable small number (the position in the sorted ids)."""
        if self._article_index is None:
            self._article_index = {a: i for i, a in enumerate(sorted(self.articles))}
        return self._article_index

    def _inherit_language(self, older: "Catalog", added: int) -> None:
        """Keep the archive language `older` found, unless a tenth of the passages changed since
        (`ArchiveLanguage.after`); `added`: the rows this catalogue has that `older` had not."""
        if older._language is not None:
            self._language = older._language.after(added, removed=len(older) + added - len(self))

    def main_language(self) -> str:
        """The language most of the archive is written in (from a sample of passages; "en" when empty)."""
        if self._language is None:
            self._language = ArchiveLanguage.sample([row.text for row in self.rows])
        return self._language.language
