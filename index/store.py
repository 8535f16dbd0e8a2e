"""The Chroma store: chunk vectors plus an article table, embedded or on a server.

The collections of one index (names in `index.chroma.Layout`):
- the pointer: one record naming the live epoch and the index state — its generation
  (+1 for every run that changed something), a "dirty" flag while a run writes, the time
  of the last change. `current_version()` reads it in one small get;
- per epoch, `…_chunks`: one record per chunk (vector, text, metadata with offsets), and
  `…_articles`: one record per article (body as the document, metadata with the content
  hash). The article record is the commit point of an article's update, so readers only
  trust chunks whose `article_hash` matches it.

A rebuild writes a new epoch beside the live one (`fork()` + `start_epoch()`), makes it live
by rewriting the pointer (`publish()`: one write) and then drops the old epoch's collections.
Readers keep using the old epoch until the flip; a read that hits collections dropped under
it raises `IndexChangedError`, so the reader can reopen the store and read again.

Every write and every read by ids goes to Chroma in batches within the client's
`get_max_batch_size()` (5,461 records for the embedded store: SQLite's variable limit).
Every write first calls the store's `on_write` hook with its kind (`index.crashpoints.WRITES`):
none in production; `NEWSBOT_TEST_CRASH_AT` makes it a deterministic kill -9 for tests.

Chroma's default embedding function is never triggered: collections carry
`ExplicitEmbeddings`, which refuses to embed; vectors are always passed in.
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

from index.chroma import (
    SCHEMA_VERSION,
    ExplicitEmbeddings,
    Layout,
    Pointer,
    collection_names,
    open_client,
)
from index import records
from index.crashpoints import crash_hook_from_env
from index.errors import EmbedderMismatchError, IndexChangedError, NewsbotError, StaleVectorIndexError
from index.models import Article, ArticleInfo, Chunk, Hit, IndexVersion
from index.records import ChunkGroup, article_info
from index.settings import IndexSettings

log = logging.getLogger(__name__)

_PAGE = 1000
#: articles per read of their chunks (one `$in` filter)
_ARTICLES_PER_READ = 200

WriteHook = Callable[[str], None]


class Store:
    def __init__(self, client: chromadb.api.ClientAPI, prefix: str, location: str,
                 connect: Callable[[], chromadb.api.ClientAPI] | None = None, *,
                 on_write: WriteHook | None = None) -> None:
        self._client = client
        self.prefix = prefix
        self.location = location
        self.layout = Layout(prefix)
        self._connect = connect or (lambda: client)  # a new client, for reopen()
        self._on_write = on_write if on_write is not None else crash_hook_from_env()
        self._ef = ExplicitEmbeddings()
        self.epoch: str | None = None  # the epoch whose collections this store reads and writes
        self._pointer = Pointer(client, self.layout, self._ef, location)
        self._chunks = None
        self._articles = None
        self.dim = 0

    # --- opening ----------------------------------------------------------------
    @classmethod
    def open(cls, settings: IndexSettings, *, on_write: WriteHook | None = None) -> "Store":
        client, location = open_client(settings)
        return cls(client, settings.collection, location, connect=lambda: open_client(settings)[0], on_write=on_write)

    def reopen(self) -> "Store":
        """A fresh client on the same store, seeing what other processes wrote since this one opened.

        An embedded Chroma client keeps its vector index in memory and is shared per path inside a
        process, so the process-wide client cache is cleared first.
        """
        if self.location.startswith("embedded"):
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        return type(self)(self._connect(), self.prefix, self.location, self._connect, on_write=self._on_write)

    def fork(self) -> "Store":
        """Another store on the same client, opened on nothing yet (a rebuild writes through it)."""
        return type(self)(self._client, self.prefix, self.location, self._connect, on_write=self._on_write)

    @property
    def chunks_name(self) -> str:
        return self.chunks.name

    @property
    def articles_name(self) -> str:
        return self.articles_collection.name

    def current_version(self, *, strict: bool = True) -> IndexVersion | None:
        """The live index's epoch and generation (one get of the pointer record); None when there is none.

        Raises NewsbotError for an index of another schema, unless not `strict`."""
        pointer = self._pointer.read(strict=strict)
        return None if pointer is None else IndexVersion(str(pointer["epoch"]), int(pointer.get("generation", 0)))

    def exists(self) -> bool:
        return self._pointer.read() is not None

    def embedder_of_index(self) -> tuple[str, int] | None:
        """(model, dimension) of the live index, or None when there is none."""
        pointer = self._pointer.read()
        if pointer is None:
            return None
        meta = self._get_collection(self.layout.chunks(str(pointer["epoch"]))).metadata or {}
        return str(meta.get("embed_model", "?")), int(meta.get("embed_dim", 0))

    def attach(self) -> None:
        """Open the live index for reading, whatever embedder made it (no model needed)."""
        if not self._open_live():
            raise NewsbotError(f"There is no index at {self.location} yet; run `newsbot index`.")

    def ensure(self, embed_model: str, dim: int) -> None:
        """Open the live index, creating an empty one if there is none; fail clearly on another
        embedder's index or another version's."""
        if not self._open_live():
            self.start_epoch(embed_model, dim)
            self.publish(generation=0, updated_at="")
            return
        meta = self.chunks.metadata or {}
        stored = (str(meta.get("embed_model", "?")), int(meta.get("embed_dim", 0)))
        if stored != (embed_model, dim):
            raise EmbedderMismatchError(f"{stored[0]} ({stored[1]} dimensions)", f"{embed_model} ({dim} dimensions)")

    def start_epoch(self, embed_model: str, dim: int) -> None:
        """Create the empty collections of a new epoch and use them; they are not live until `publish()`."""
        epoch = self.layout.new_epoch()
        self._write("create_collections")
        self._chunks = self._client.create_collection(
            self.layout.chunks(epoch), embedding_function=self._ef,
            metadata={"hnsw:space": "cosine", "embed_model": embed_model, "embed_dim": dim, "schema": SCHEMA_VERSION},
        )
        self._articles = self._client.create_collection(
            self.layout.articles(epoch), embedding_function=self._ef, metadata={"schema": SCHEMA_VERSION})
        self.epoch, self.dim = epoch, dim

    def publish(self, **state: object) -> None:
        """Make this store's epoch the live index, with `state` (one write of the pointer record)."""
        record = {"generation": 0, "updated_at": ""} | state | {
            "epoch": self._opened_epoch(), "schema": SCHEMA_VERSION, "dirty": 0}
        self._write("publish")
        self._pointer.write(record)

    def drop_other_epochs(self) -> list[str]:
        """Drop the collections of every epoch but the live one (what a rebuild replaced or a killed one left)."""
        pointer = self._pointer.read(strict=False)
        live = str(pointer["epoch"]) if pointer else None
        names = self.layout.data_collections(collection_names(self._client), keep_epoch=live)
        for name in names:
            self._write("drop_collections")
            self._delete_collection(name)
        return names

    def drop(self) -> None:
        """Delete the whole index: every epoch and the pointer."""
        names = collection_names(self._client)
        for name in self.layout.data_collections(names) + [n for n in (self.layout.pointer,) if n in names]:
            self._write("drop_collections")
            self._delete_collection(name)
        self.epoch = self._chunks = self._articles = None

    def _open_live(self) -> bool:
        """Open the live epoch's collections; False when there is no index (and no older one)."""
        for _ in range(3):  # a rebuild may go live between reading the pointer and opening its epoch
            pointer = self._pointer.read()
            if pointer is None:
                self._pointer.refuse_legacy()
                return False
            epoch = str(pointer["epoch"])
            try:
                chunks = self._get_collection(self.layout.chunks(epoch))
                articles = self._get_collection(self.layout.articles(epoch))
            except IndexChangedError:
                continue
            self._chunks, self._articles, self.epoch = chunks, articles, epoch
            self.dim = int((chunks.metadata or {}).get("embed_dim", 0))
            return True
        raise IndexChangedError(self.location)

    def _get_collection(self, name: str):
        with self._reading():
            return self._client.get_collection(name, embedding_function=self._ef)

    def _delete_collection(self, name: str) -> None:
        try:
            self._client.delete_collection(name)
        except NotFoundError:  # gone already
            pass

    def _opened_epoch(self) -> str:
        if self.epoch is None:
            raise NewsbotError("The index is not open; run `newsbot index` first.")
        return self.epoch

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

    @property
    def chunks(self):
        if self._chunks is None:
            raise NewsbotError("The index is not open; run `newsbot index` first.")
        return self._chunks

    @property
    def articles_collection(self):
        if self._articles is None:
            raise NewsbotError("The index is not open; run `newsbot index` first.")
        return self._articles

    # --- state ------------------------------------------------------------------
    def state(self) -> dict:
        """The state of the index this store has open: epoch, generation, dirty, updated_at and any
        other key given to `set_state`. Raises IndexChangedError when another epoch went live since."""
        epoch = self._opened_epoch()
        pointer = self._pointer.read()
        if pointer is None or pointer["epoch"] != epoch:
            raise IndexChangedError(self.location)
        return pointer

    def set_state(self, **changes: object) -> None:
        """Merge `changes` into the live index's state (this store's epoch must be the live one)."""
        record = self.state() | changes
        self._write("set_state")
        self._pointer.write(record)

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

