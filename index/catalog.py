"""The in-memory catalogue of live chunks (texts, offsets, sentence spans) and its BM25 index.

Built from the store once per index generation and snapshotted under
`data/cache/`, so start-up loads it instead of re-tokenising every chunk.
Only chunks whose `article_hash` matches the committed article record are
included: the catalogue is always consistent with the article table.

Story groups (near-duplicate articles, index/stories.py) come from the article
records, read fresh at every load: `story(article_id)`, `duplicates(article_id)`,
and `row_stories` (the group of each row's article).
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.lexical import TOKENIZER_VERSION, LexicalIndex
from index.models import ArticleInfo, IndexVersion, SearchFilters
from index.chroma import decode_vectors, published_day
from index.store import Store

log = logging.getLogger(__name__)

SNAPSHOT_VERSION = 2
#: sentences in the background sample (`Catalog.background`)
BACKGROUND = 1024


@dataclass(frozen=True)
class ChunkRow:
    id: str
    article_id: str
    title: str
    source: str
    url: str
    published_at: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    text: str


class Catalog:
    def __init__(self, rows: list[ChunkRow], lexical: LexicalIndex, articles: dict[str, ArticleInfo],
                 generation: int, updated_at: str, sentence_vectors: np.ndarray, sentence_offsets: np.ndarray,
                 epoch: str = "") -> None:
        self.rows = rows
        self.lexical = lexical
        #: float16 (sentences × dim); the vectors of row i are rows sentence_offsets[i]:sentence_offsets[i + 1]
        self.sentence_vectors = sentence_vectors
        self.sentence_offsets = sentence_offsets
        self.articles = articles
        self.generation = generation
        self.epoch = epoch
        self.updated_at = updated_at
        self.position = {row.id: i for i, row in enumerate(rows)}
        self.sources = np.array([r.source.casefold() for r in rows], dtype=object)
        self.days = np.array([published_day(r.published_at) for r in rows], dtype=np.int64)
        self._df: np.ndarray | None = None
        self._background: tuple[np.ndarray, np.ndarray] | None = None
        self._language: str | None = None
        self._article_index: dict[str, int] | None = None
        self._members: dict[str, list[str]] | None = None
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
        started = time.perf_counter()
        state = store.state()
        generation = int(state.get("generation", 0))
        articles = store.article_infos()
        folder = cache_dir / _snapshot_name(store, generation)
        catalog = None if state.get("dirty") else _read_snapshot(folder, articles, generation, state)
        if catalog is None:
            catalog = cls._build(store, articles, generation, str(state.get("updated_at", "")), cache_dir,
                                 epoch=str(state.get("epoch", "")))
            if not state.get("dirty"):
                _write_snapshot(folder, catalog, catalog.epoch)
        log.info("catalogue: %d chunks of %d articles (generation %d) in %.2fs",
                 len(catalog), len(articles), generation, time.perf_counter() - started)
        return catalog

    # --- story groups ---------------------------------------------------------------
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

    def document_frequency(self, term_id: int) -> int:
        """How many chunks contain the BM25 vocabulary term `term_id`."""
        if self._df is None:
            self._df = self.lexical.document_frequencies()
        return int(self._df[term_id]) if 0 <= term_id < len(self._df) else 0

    def background(self) -> tuple[np.ndarray, np.ndarray]:
        """A fixed sample of up to BACKGROUND sentence vectors (evenly spaced) and the article of each
        (an index into `article_ids`), for normalising a question's similarities against this archive."""
        if self._background is None:
            total = len(self.sentence_vectors)
            picks = np.linspace(0, total - 1, num=min(BACKGROUND, total), dtype=np.int64) if total \
                else np.zeros(0, dtype=np.int64)
            owners = np.searchsorted(self.sentence_offsets, picks, side="right") - 1
            article_index = self.article_index
            self._background = (np.asarray(self.sentence_vectors[picks], dtype=np.float32).reshape(len(picks), -1),
                                np.array([article_index[self.rows[o].article_id] for o in owners], dtype=np.int64))
        return self._background

    @property
    def article_index(self) -> dict[str, int]:
        """Article id → a stable small number (the position in the sorted ids)."""
        if self._article_index is None:
            self._article_index = {a: i for i, a in enumerate(sorted(self.articles))}
        return self._article_index

    def main_language(self) -> str:
        """The language most of the archive is written in (from a sample of passages; "en" when empty)."""
        if self._language is None:
            from collections import Counter

            from index.language import guess_language

            step = max(1, len(self.rows) // 50)
            votes = Counter(guess_language(row.text[:600]) for row in self.rows[::step])
            votes.pop(None, None)
            self._language = votes.most_common(1)[0][0] if votes else "en"
        return self._language

    def sentence_block(self, position: int) -> np.ndarray:
        return self.sentence_vectors[self.sentence_offsets[position]:self.sentence_offsets[position + 1]]

    @classmethod
    def _build(cls, store: Store, articles: dict[str, ArticleInfo], generation: int, updated_at: str,
               scratch: Path, *, epoch: str) -> "Catalog":
        """Read every live chunk from the store, in the store's order.

        Sentence vectors are streamed to a scratch file and memory-mapped, so a cold start never
        holds them twice (100k chunks ≈ 600k sentences ≈ 460 MB of float16).
        """
        live = {a.id: a.content_hash for a in articles.values()}
        rows: list[ChunkRow] = []
        sizes: list[int] = []
        scratch.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=scratch, suffix=".f16", delete=False) as out:
            for ids, metas, docs in store.all_chunks():
                for id_, m, text in zip(ids, metas, docs):
                    if live.get(m.get("article_id")) != m.get("article_hash"):
                        continue  # left by an interrupted run, or an older version
                    rows.append(ChunkRow(
                        id=id_, article_id=m["article_id"], title=m.get("title", ""), source=m.get("source", ""),
                        url=m.get("url", ""), published_at=m.get("published_at", ""), start=int(m["start"]),
                        end=int(m["end"]), sentences=tuple(tuple(s) for s in json.loads(m.get("sentences", "[]"))),
                        text=text,
                    ))
                    vectors = decode_vectors(m["sv"], store.dim)
                    sizes.append(len(vectors))
                    out.write(vectors.tobytes())
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        path = Path(out.name)
        try:
            matrix = np.memmap(path, dtype=np.float16, mode="r", shape=(int(offsets[-1]), store.dim)) \
                if offsets[-1] else np.zeros((0, store.dim), dtype=np.float16)
        finally:
            path.unlink()  # the mapping stays valid; nothing is left behind
        lexical = LexicalIndex.build(f"{r.title}\n{r.text}" for r in rows)
        return cls(rows, lexical, articles, generation, updated_at, matrix, offsets, epoch=epoch)


def _snapshot_name(store: Store, generation: int) -> str:
    where = hashlib.sha256(f"{store.location}|{store.prefix}".encode()).hexdigest()[:12]
    return f"catalog-{where}-v{SNAPSHOT_VERSION}.{TOKENIZER_VERSION}-g{generation}"


def _read_snapshot(folder: Path, articles: dict[str, ArticleInfo], generation: int, state: dict) -> Catalog | None:
    try:
        with open(folder / "rows.pkl", "rb") as f:
            payload = pickle.load(f)
        if payload["version"] != SNAPSHOT_VERSION or payload.get("epoch", "") != str(state.get("epoch", "")) \
                or payload["hashes"] != {a.id: a.content_hash for a in articles.values()}:
            return None  # another index (another epoch), or another state of this one
        return Catalog(payload["rows"], LexicalIndex.load(folder / "bm25"), articles, generation,
                       str(state.get("updated_at", "")), np.load(folder / "sentences.npy", mmap_mode="r"),
                       payload["offsets"], epoch=payload["epoch"])
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged snapshot is rebuilt, never fatal
        log.warning("ignoring unreadable catalogue snapshot %s: %s", folder, exc)
        return None


def _write_snapshot(folder: Path, catalog: Catalog, epoch: str) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        catalog.lexical.save(tmp / "bm25")
        np.save(tmp / "sentences.npy", catalog.sentence_vectors)
        with open(tmp / "rows.pkl", "wb") as f:
            pickle.dump({"version": SNAPSHOT_VERSION, "epoch": epoch, "rows": catalog.rows,
                         "offsets": catalog.sentence_offsets,
                         "hashes": {a.id: a.content_hash for a in catalog.articles.values()}}, f,
                        protocol=pickle.HIGHEST_PROTOCOL)
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
        prefix = folder.name.rsplit("-g", 1)[0]
        for old in folder.parent.glob(f"{prefix}-g*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        log.warning("could not write the catalogue snapshot %s: %s", folder, exc)
