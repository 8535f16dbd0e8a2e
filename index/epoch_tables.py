"""The two tables of one epoch of the index: article records and chunk records in Chroma.

- chunks: one record per chunk (vector, text, metadata with offsets and sentence vectors);
- articles: one record per article (body as the document, metadata with the content hash). The
  article record is the commit point of an article's update, so readers only trust chunks whose
  `article_hash` matches it.

Every write and every read by ids goes to Chroma in batches within the client's
`get_max_batch_size()` (5,461 records for the embedded store: SQLite's variable limit); whole-table
reads go page by page. Every write first calls the `on_write` hook with its kind
(`index.crashpoints.WRITES`): none in production; `NEWSBOT_TEST_CRASH_AT` makes it a deterministic
kill -9 for tests. A read of collections dropped under it (a rebuild went live) raises
`IndexChangedError`.

Which epoch's collections these are (opening, creating, publishing and dropping epochs) is
index.store.Store's job; Store is an `EpochTables`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cached_property

import chromadb
import numpy as np
from chromadb.errors import InternalError, NotFoundError

from index import records
from index.errors import IndexChangedError, NewsbotError, StaleVectorIndexError
from index.models import Article, ArticleInfo, Chunk, Hit
from index.records import ChunkGroup, article_info

log = logging.getLogger(__name__)

_PAGE = 1000
#: articles per read of their chunks (one `$in` filter)
_ARTICLES_PER_READ = 200

WriteHook = Callable[[str], None]


class EpochTables:
    """The article and chunk collections of one epoch (none until a subclass opens them)."""

    def __init__(self, client: chromadb.api.ClientAPI, location: str, on_write: WriteHook | None) -> None:
        self._client = client
        self.location = location
        self._on_write = on_write
        self._chunks = None
        self._articles = None
        self.dim = 0

    @property
    def chunks(self):
        if self._chunks is None:
            raise NewsbotError("The index is not open; run `newsbot index` first.")
        return self._chunks

    @property
    def chunks_name(self) -> str:
        return self.chunks.name

    @property
    def articles_collection(self):
        if self._articles is None:
            raise NewsbotError("The index is not open; run `newsbot index` first.")
        return self._articles

    # --- batches, pages and the write hook --------------------------------------
    @cached_property
    def max_batch(self) -> int:
        """Records per Chroma call: the client's limit (a server reports its own)."""
        return max(1, int(self._client.get_max_batch_size()))

    def _batches(self, count: int) -> Iterator[slice]:
        for start in range(0, count, self.max_batch):
            yield slice(start, start + self.max_batch)

    def _write(self, kind: str) -> None:
        if self._on_write is not None:
            self._on_write(kind)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Collections dropped under a reader (a rebuild went live) surface as IndexChangedError."""
        try:
            yield
        except NotFoundError as exc:
            raise IndexChangedError(self.location) from exc

    def _pages(self, collection, include: list[str], where: dict | None = None):
        for got in self._gets(collection, include, where):
            yield got["ids"], got.get("metadatas") or [{}] * len(got["ids"]), got.get("documents") or []

    def _gets(self, collection, include: list[str], where: dict | None) -> Iterator[dict]:
        """`collection.get` page by page (_PAGE records at a time)."""
        offset = 0
        while True:
            with self._reading():
                got = collection.get(include=include, limit=_PAGE, offset=offset, where=where)
            if not got["ids"]:
                return
            yield got
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    # --- articles ---------------------------------------------------------------
    def article_infos(self) -> dict[str, ArticleInfo]:
        return {id_: article_info(id_, m) for id_, m in self.article_metadata().items()}

    def article_metadata(self) -> dict[str, dict]:
        """Every article record's metadata (what `article_infos` is made of, and the story signatures)."""
        found: dict[str, dict] = {}
        for ids, metas, _ in self._pages(self.articles_collection, include=["metadatas"]):
            found.update(zip(ids, (dict(m or {}) for m in metas)))
        return found

    def update_article_metadata(self, changes: Mapping[str, Mapping[str, object]], *,
                                generation: int | None = None) -> None:
        """Set some metadata fields of existing article records (others are kept), e.g. their story group;
        `generation`: the commit this change makes (see `put_articles`), so readers fetch these records again."""
        ids = list(changes)
        stamp = {} if generation is None else {"generation": int(generation)}
        for part in self._batches(len(ids)):
            self._write("update_articles")
            self.articles_collection.update(ids=ids[part], metadatas=[dict(changes[i]) | stamp for i in ids[part]])

    def article_infos_since(self, generation: int) -> dict[str, ArticleInfo]:
        """The articles committed after `generation` (records written with `put_articles(generation=…)`)."""
        infos: dict[str, ArticleInfo] = {}
        for ids, metas, _ in self._pages(self.articles_collection, include=["metadatas"],
                                         where={"generation": {"$gt": int(generation)}}):
            infos.update((id_, article_info(id_, m)) for id_, m in zip(ids, metas))
        return infos

    def article_count(self) -> int:
        with self._reading():
            return self.articles_collection.count()

    def article_ids(self) -> set[str]:
        return {id_ for ids, _, _ in self._pages(self.articles_collection, include=[]) for id_ in ids}

    def article_bodies(self, ids: Sequence[str]) -> dict[str, str]:
        ids = list(ids)
        bodies: dict[str, str] = {}
        for part in self._batches(len(ids)):
            with self._reading():
                got = self.articles_collection.get(ids=ids[part], include=["documents"])
            bodies.update(zip(got["ids"], got["documents"]))
        return bodies

    def put_article(self, article: Article, chunk_count: int) -> None:
        """The commit point of an article's (re-)indexing."""
        self.put_articles([(article, chunk_count)])

    def put_articles(self, items: Sequence[tuple[Article, int]],
                     extra: Mapping[str, Mapping[str, object]] | None = None, *, generation: int | None = None) -> None:
        """Commit several articles in one write (each record is the commit point of its article).

        `extra[article_id]`: more metadata for its record (its story signature and group). `generation`: the
        index generation this commit makes (recorded in each record, so a reader can fetch just the articles
        committed after the generation it has: `article_infos_since`)."""
        if not items:
            return
        extra = extra or {}
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for part in self._batches(len(items)):
            batch = items[part]
            self._write("put_articles")
            self.articles_collection.upsert(
                ids=[a.id for a, _ in batch], embeddings=[[1.0]] * len(batch), documents=[a.body for a, _ in batch],
                metadatas=[records.article_metadata(a, n, now, extra.get(a.id), generation) for a, n in batch],
            )

    def delete_article(self, article_id: str) -> None:
        self._write("delete_articles")
        self.articles_collection.delete(ids=[article_id])

    # --- chunks -----------------------------------------------------------------
    def add_chunks(self, article: Article, chunks: Sequence[Chunk], embeddings: np.ndarray,
                   sentence_vectors: Sequence[np.ndarray] | None = None) -> None:
        """Write chunks with their vectors; `sentence_vectors[i]` holds one row per sentence of chunk i
        (default: the chunk vector for each sentence, e.g. for synthetic benchmark data)."""
        self.add_chunk_groups([(article, chunks, embeddings, sentence_vectors)])

    def add_chunk_groups(self, groups: Sequence[ChunkGroup]) -> None:
        """Write the chunks of several articles: one upsert, or several when they exceed `max_batch`."""
        new = records.chunk_records(groups)
        for part in self._batches(len(new.ids)):
            self._write("add_chunks")
            self.chunks.upsert(ids=new.ids[part], embeddings=new.vectors[part], documents=new.documents[part],
                               metadatas=new.metadatas[part])

    def sentence_vectors_for_article(self, article_id: str) -> dict[str, np.ndarray]:
        """sentence text → vector, from the article's stored chunks (reused when an article changes)."""
        with self._reading():
            got = self.chunks.get(where={"article_id": article_id}, include=["documents", "metadatas"])
        return records.sentence_vectors(got["documents"], got["metadatas"], self.dim)

    def delete_stale_chunks(self, article_id: str, keep_hash: str | None) -> int:
        """Delete the article's chunks from other versions (all of them when keep_hash is None)."""
        where: dict = {"article_id": article_id}
        if keep_hash is not None:
            where = {"$and": [{"article_id": article_id}, {"article_hash": {"$ne": keep_hash}}]}
        with self._reading():
            ids = self.chunks.get(where=where, include=[])["ids"]
        self.delete_chunk_ids(ids)
        return len(ids)

    def orphan_chunk_ids(self, live: dict[str, str]) -> list[str]:
        """Chunks whose article is gone or whose version is not the committed one."""
        orphans = []
        for ids, metas, _ in self._pages(self.chunks, include=["metadatas"]):
            for id_, m in zip(ids, metas):
                if live.get(m.get("article_id")) != m.get("article_hash"):
                    orphans.append(id_)
        return orphans

    def delete_chunk_ids(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for part in self._batches(len(ids)):
            self._write("delete_chunks")
            self.chunks.delete(ids=ids[part])

    def chunk_count(self) -> int:
        with self._reading():
            return self.chunks.count()

    def all_chunks(self) -> Iterable[tuple[list[str], list[dict], list[str]]]:
        """Pages of (ids, metadatas, documents) of every chunk."""
        return self._pages(self.chunks, include=["metadatas", "documents"])

    def query(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[Hit]:
        """The n nearest chunks (Chroma's vector index). Raises StaleVectorIndexError when this client's copy
        of the vector index can no longer be read (another process wrote it since): reopen the store."""
        with self._reading():
            try:
                got = self.chunks.query(  # Chroma returns fewer than n when there are fewer
                    query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n, where=where,
                    include=["distances"],
                )
            except InternalError as exc:
                raise StaleVectorIndexError(self.location, str(exc)) from exc
        return [Hit(chunk_id=i, distance=float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]

    def chunks_of(self, article_ids: Sequence[str]) -> Iterator[tuple[list[str], list[dict], list[str]]]:
        """Pages of (ids, metadatas, documents) of the stored chunks of these articles (every version:
        compare `article_hash`). Not their vectors: an embedded client cannot read the vectors of records
        another process wrote after it loaded its vector index; the sentence vectors are in the metadata."""
        article_ids = list(article_ids)
        for start in range(0, len(article_ids), _ARTICLES_PER_READ):
            where = {"article_id": {"$in": article_ids[start:start + _ARTICLES_PER_READ]}}
            yield from self._pages(self.chunks, ["metadatas", "documents"], where)
