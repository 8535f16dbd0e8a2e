"""The Chroma store: chunk vectors plus an article table, embedded or on a server.

Two collections share a name prefix:
- `<prefix>_chunks`: one record per chunk (vector, text, metadata with offsets).
- `<prefix>_articles`: one record per article (body as the document, metadata
  with the content hash); the record is the commit point of an article's
  update, so readers only trust chunks whose `article_hash` matches it. A
  special `__state__` record holds the index generation, a "dirty" flag and
  the epoch (a random id given to new collections, so that snapshots of a
  dropped index are never taken for the rebuilt one).

Every write and every read by ids goes to Chroma in batches within the client's
`get_max_batch_size()` (5,461 records for the embedded store: SQLite's variable limit).

Chroma's default embedding function is never triggered: collections carry
`ExplicitEmbeddings`, which refuses to embed; vectors are always passed in.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from index.errors import EmbedderMismatchError, NewsbotError, StoreUnavailableError
from index.models import Article, ArticleInfo, Chunk
from index.settings import IndexSettings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3  # 2: sentence vectors in chunk metadata; 3: record ids `url:<url>` (index.loaders.ids)
STATE_ID = "__state__"
_PAGE = 1000


class ExplicitEmbeddings(EmbeddingFunction[Documents]):
    """Stands in for Chroma's default embedding function, which would download a model."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise NewsbotError("newsbot passes embeddings to Chroma explicitly; nothing may be embedded by Chroma.")

    @staticmethod
    def name() -> str:
        return "newsbot-explicit"

    def get_config(self) -> dict:
        return {}

    @staticmethod
    def build_from_config(config: dict) -> "ExplicitEmbeddings":
        return ExplicitEmbeddings()


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    distance: float  # cosine distance


def _client(settings: IndexSettings) -> tuple[chromadb.api.ClientAPI, str]:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        location = f"server {settings.chroma_host}:{settings.chroma_port}"
        try:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:
            raise StoreUnavailableError(
                f"Cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} ({exc}). "
                "Start it (`chroma run --path DIR --port PORT`) or unset CHROMA_HOST to use the embedded store."
            ) from exc
        return client, location
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings), \
        f"embedded {settings.chroma_path}"


def encode_vectors(vectors: np.ndarray) -> str:
    """Sentence vectors as compact metadata: float16, base64 (one row per sentence)."""
    return base64.b64encode(np.asarray(vectors, dtype=np.float16).tobytes()).decode("ascii")


def decode_vectors(text: str, dim: int) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.float16).reshape(-1, dim)


def published_day(iso: str) -> int:
    """`2025-04-30T…` → 20250430 (0 when unknown): Chroma filters compare numbers."""
    digits = iso[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


class Store:
    def __init__(self, client: chromadb.api.ClientAPI, prefix: str, location: str,
                 connect: Callable[[], chromadb.api.ClientAPI] | None = None) -> None:
        self._client = client
        self.prefix = prefix
        self.location = location
        self._connect = connect or (lambda: client)  # a new client, for reopen()
        self._ef = ExplicitEmbeddings()
        self._chunks = None
        self._articles = None
        self.dim = 0

    # --- opening ----------------------------------------------------------------
    @classmethod
    def open(cls, settings: IndexSettings) -> "Store":
        client, location = _client(settings)
        return cls(client, settings.collection, location, connect=lambda: _client(settings)[0])

    @property
    def chunks_name(self) -> str:
        return f"{self.prefix}_chunks"

    @property
    def articles_name(self) -> str:
        return f"{self.prefix}_articles"

    def reopen(self) -> "Store":
        """A fresh client on the same store, seeing what other processes wrote since this one opened.

        An embedded Chroma client keeps its vector index in memory and is shared per path inside a
        process, so the process-wide client cache is cleared first.
        """
        if self.location.startswith("embedded"):
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        return type(self)(self._connect(), self.prefix, self.location, self._connect)

    def exists(self) -> bool:
        names = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
        return self.chunks_name in names and self.articles_name in names

    def embedder_of_index(self) -> tuple[str, int] | None:
        if not self.exists():
            return None
        meta = self._client.get_collection(self.chunks_name, embedding_function=self._ef).metadata or {}
        return str(meta.get("embed_model", "?")), int(meta.get("embed_dim", 0))

    def attach(self) -> None:
        """Open the existing collections for reading, whatever embedder made them (no model needed)."""
        if not self.exists():
            raise NewsbotError(f"There is no index at {self.location} yet; run `newsbot index`.")
        self._chunks = self._client.get_collection(self.chunks_name, embedding_function=self._ef)
        self._articles = self._client.get_collection(self.articles_name, embedding_function=self._ef)
        self.dim = int((self._chunks.metadata or {}).get("embed_dim", 0))

    def ensure(self, embed_model: str, dim: int) -> None:
        """Open (creating if needed) the collections; fail clearly on another embedder's index."""
        stored = self.embedder_of_index()
        if stored is not None and stored != (embed_model, dim):
            raise EmbedderMismatchError(f"{stored[0]} ({stored[1]} dimensions)", f"{embed_model} ({dim} dimensions)")
        if stored is not None:
            schema = (self._client.get_collection(self.chunks_name, embedding_function=self._ef).metadata or {}).get("schema")
            if schema != SCHEMA_VERSION:
                raise NewsbotError(f"The index at {self.location} was built by another version of newsbot "
                                   f"(schema {schema}, this one needs {SCHEMA_VERSION}). "
                                   "Run `newsbot index --rebuild`.")
        self.dim = dim
        self._chunks = self._client.get_or_create_collection(
            self.chunks_name,
            embedding_function=self._ef,
            metadata={"hnsw:space": "cosine", "embed_model": embed_model, "embed_dim": dim, "schema": SCHEMA_VERSION},
        )
        self._articles = self._client.get_or_create_collection(
            self.articles_name, embedding_function=self._ef, metadata={"schema": SCHEMA_VERSION}
        )

    def drop(self) -> None:
        for name in (self.chunks_name, self.articles_name):
            try:
                self._client.delete_collection(name)
            except Exception:  # absent already
                pass
        self._chunks = self._articles = None

    @cached_property
    def max_batch(self) -> int:
        """Records per Chroma call: the client's limit (a server reports its own)."""
        return max(1, int(self._client.get_max_batch_size()))

    def _batches(self, count: int) -> Iterator[slice]:
        for start in range(0, count, self.max_batch):
            yield slice(start, start + self.max_batch)

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
        got = self.articles_collection.get(ids=[STATE_ID], include=["metadatas"])
        return dict(got["metadatas"][0]) if got["ids"] else {"generation": 0, "dirty": 0, "updated_at": ""}

    def set_state(self, **changes: object) -> None:
        state = self.state() | changes
        self.articles_collection.upsert(ids=[STATE_ID], embeddings=[[1.0]], documents=[""], metadatas=[state])

    # --- articles ---------------------------------------------------------------
    def article_infos(self) -> dict[str, ArticleInfo]:
        infos: dict[str, ArticleInfo] = {}
        for ids, metas, _ in self._pages(self.articles_collection, include=["metadatas"]):
            for id_, m in zip(ids, metas):
                if id_ == STATE_ID:
                    continue
                infos[id_] = ArticleInfo(
                    id=id_, title=m.get("title", ""), source=m.get("source", ""), url=m.get("url", ""),
                    published_at=m.get("published_at", ""), path=m.get("path", ""), chunks=int(m.get("chunks", 0)),
                    content_hash=m.get("content_hash", ""), indexed_at=m.get("indexed_at", ""),
                )
        return infos

    def article_bodies(self, ids: Sequence[str]) -> dict[str, str]:
        ids = list(ids)
        bodies: dict[str, str] = {}
        for part in self._batches(len(ids)):
            got = self.articles_collection.get(ids=ids[part], include=["documents"])
            bodies.update(zip(got["ids"], got["documents"]))
        return bodies

    def put_article(self, article: Article, chunk_count: int) -> None:
        """The commit point of an article's (re-)indexing."""
        self.put_articles([(article, chunk_count)])

    def put_articles(self, items: Sequence[tuple[Article, int]]) -> None:
        """Commit several articles in one write (each record is the commit point of its article)."""
        if not items:
            return
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for part in self._batches(len(items)):
            batch = items[part]
            self.articles_collection.upsert(
                ids=[a.id for a, _ in batch], embeddings=[[1.0]] * len(batch), documents=[a.body for a, _ in batch],
                metadatas=[a.metadata() | {"content_hash": a.content_hash, "chunks": n,
                                           "published_day": published_day(a.published_at), "indexed_at": now}
                           for a, n in batch],
            )

    def delete_article(self, article_id: str) -> None:
        self.articles_collection.delete(ids=[article_id])

    # --- chunks -----------------------------------------------------------------
    def add_chunks(self, article: Article, chunks: Sequence[Chunk], embeddings: np.ndarray,
                   sentence_vectors: Sequence[np.ndarray] | None = None) -> None:
        """Write chunks with their vectors; `sentence_vectors[i]` holds one row per sentence of chunk i
        (default: the chunk vector for each sentence, e.g. for synthetic benchmark data)."""
        self.add_chunk_groups([(article, chunks, embeddings, sentence_vectors)])

    def add_chunk_groups(self, groups: Sequence[tuple[Article, Sequence[Chunk], np.ndarray,
                                                      Sequence[np.ndarray] | None]]) -> None:
        """Write the chunks of several articles: one upsert, or several when they exceed `max_batch`."""
        ids: list[str] = []
        documents: list[str] = []
        metas: list[dict] = []
        vectors: list[np.ndarray] = []
        for article, chunks, embeddings, sentence_vectors in groups:
            if not chunks:
                continue
            embeddings = np.asarray(embeddings, dtype=np.float32)
            if sentence_vectors is None:
                sentence_vectors = [np.repeat(embeddings[i : i + 1], max(len(c.sentences), 1), axis=0)
                                    for i, c in enumerate(chunks)]
            base = {
                "article_id": article.id,
                "article_hash": article.content_hash,
                "title": article.title,
                "source": article.source,
                "url": article.url,
                "published_at": article.published_at,
                "published_day": published_day(article.published_at),
            }
            ids += [c.id for c in chunks]
            documents += [c.text for c in chunks]
            metas += [base | {"chunk_index": c.index, "start": c.start, "end": c.end,
                              "sentences": json.dumps(c.sentences), "sv": encode_vectors(sv)}
                      for c, sv in zip(chunks, sentence_vectors)]
            vectors.append(embeddings)
        matrix = np.vstack(vectors) if vectors else None
        for part in self._batches(len(ids)):
            self.chunks.upsert(ids=ids[part], embeddings=matrix[part], documents=documents[part], metadatas=metas[part])

    def sentence_vectors_for_article(self, article_id: str) -> dict[str, np.ndarray]:
        """sentence text → vector, from the article's stored chunks (reused when an article changes)."""
        got = self.chunks.get(where={"article_id": article_id}, include=["documents", "metadatas"])
        found: dict[str, np.ndarray] = {}
        for text, meta in zip(got["documents"], got["metadatas"]):
            if "sv" not in meta:
                continue
            spans = json.loads(meta.get("sentences", "[]")) or [[0, len(text)]]
            vectors = decode_vectors(meta["sv"], self.dim)
            if len(vectors) == len(spans):
                for (start, end), vector in zip(spans, vectors):
                    found[text[start:end]] = vector.astype(np.float32)
        return found

    def delete_stale_chunks(self, article_id: str, keep_hash: str | None) -> int:
        """Delete the article's chunks from other versions (all of them when keep_hash is None)."""
        where: dict = {"article_id": article_id}
        if keep_hash is not None:
            where = {"$and": [{"article_id": article_id}, {"article_hash": {"$ne": keep_hash}}]}
        ids = self.chunks.get(where=where, include=[])["ids"]
        self._delete_chunks(ids)
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
        self._delete_chunks(ids)

    def _delete_chunks(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for part in self._batches(len(ids)):
            self.chunks.delete(ids=ids[part])

    def chunk_count(self) -> int:
        return self.chunks.count()

    def all_chunks(self) -> Iterable[tuple[list[str], list[dict], list[str]]]:
        """Pages of (ids, metadatas, documents) of every chunk."""
        return self._pages(self.chunks, include=["metadatas", "documents"])

    def query(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[Hit]:
        got = self.chunks.query(  # Chroma returns fewer than n when there are fewer
            query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n, where=where,
            include=["distances"],
        )
        return [Hit(chunk_id=i, distance=float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]

    @staticmethod
    def _pages(collection, include: list[str]):
        offset = 0
        while True:
            got = collection.get(include=include, limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            yield got["ids"], got.get("metadatas") or [{}] * len(got["ids"]), got.get("documents") or []
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE
