"""Chroma itself: the client (embedded or a server), the names of an index's collections, and the
stand-in embedding function that keeps Chroma from ever embedding (it would download a model).

An index is a set of collections sharing the name prefix `COLLECTION`:

- `<prefix>_index` — the pointer: one record naming the live epoch and the index state
  (generation, dirty flag, time of the last change);
- `<prefix>_<epoch>_chunks`, `<prefix>_<epoch>_articles` — the data of one epoch. A rebuild
  writes a new epoch beside the live one and flips the pointer when it is complete;
- `<prefix>_chunks`, `<prefix>_articles` — the layout of schema 2 and earlier (one epoch, no
  pointer); such an index must be rebuilt.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterable

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from chromadb.errors import NotFoundError

from index.errors import NewsbotError, StoreUnavailableError
from index.settings import IndexSettings

# 2: sentence vectors in chunk metadata; 3: record ids `url:<url>`, epochs behind a pointer
SCHEMA_VERSION = 3
POINTER_ID = "current"


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


def open_client(settings: IndexSettings) -> tuple[chromadb.api.ClientAPI, str]:
    """A client for the configured store and a description of where it is."""
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


class Layout:
    """The collection names of the index with one prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.pointer = f"{prefix}_index"
        self.legacy = (f"{prefix}_chunks", f"{prefix}_articles")
        self._epoch_name = re.compile(rf"{re.escape(prefix)}_(?P<epoch>[0-9a-f]{{12}})_(?:chunks|articles)")

    @staticmethod
    def new_epoch() -> str:
        return uuid.uuid4().hex[:12]

    def chunks(self, epoch: str) -> str:
        return f"{self.prefix}_{epoch}_chunks"

    def articles(self, epoch: str) -> str:
        return f"{self.prefix}_{epoch}_articles"

    def epoch_of(self, name: str) -> str | None:
        match = self._epoch_name.fullmatch(name)
        return match["epoch"] if match else None

    def data_collections(self, names: Iterable[str], *, keep_epoch: str | None = None) -> list[str]:
        """The data collections among `names` (every epoch's and the legacy ones) except `keep_epoch`'s."""
        found = []
        for name in names:
            epoch = self.epoch_of(name)
            if name in self.legacy or (epoch is not None and epoch != keep_epoch):
                found.append(name)
        return sorted(found)


def collection_names(client: chromadb.api.ClientAPI) -> set[str]:
    return {c if isinstance(c, str) else c.name for c in client.list_collections()}


class Pointer:
    """The pointer record of an index: which epoch is live, and the index state."""

    def __init__(self, client: chromadb.api.ClientAPI, layout: Layout, ef: ExplicitEmbeddings, location: str) -> None:
        self._client = client
        self._layout = layout
        self._ef = ef
        self._location = location
        self._collection = None

    def read(self, *, strict: bool = True) -> dict | None:
        """The record, or None when there is no index: one get by id (the collection is looked up
        again only when it was dropped and recreated). `strict` refuses another schema's index."""
        got = None
        for _ in range(2):
            try:
                if self._collection is None:
                    self._collection = self._client.get_collection(self._layout.pointer, embedding_function=self._ef)
                got = self._collection.get(ids=[POINTER_ID], include=["metadatas"])
                break
            except NotFoundError:
                self._collection = None
        if got is None or not got["ids"]:
            return None
        record = dict(got["metadatas"][0])
        if strict and record.get("schema") != SCHEMA_VERSION:
            raise self.another_version(record.get("schema"))
        return record

    def write(self, record: dict) -> None:
        for _ in range(2):
            if self._collection is None:
                self._collection = self._client.get_or_create_collection(self._layout.pointer,
                                                                         embedding_function=self._ef)
            try:
                self._collection.upsert(ids=[POINTER_ID], embeddings=[[1.0]], documents=[""], metadatas=[record])
                return
            except NotFoundError:  # dropped since it was looked up
                self._collection = None
        raise NewsbotError(f"Cannot write the index pointer at {self._location}; run `newsbot index` again.")

    def refuse_legacy(self) -> None:
        """Raise the rebuild message when the collections of schema 2 (no pointer) are there."""
        if set(self._layout.legacy) & collection_names(self._client):
            raise self.another_version(2)

    def another_version(self, schema: object) -> NewsbotError:
        return NewsbotError(f"The index at {self._location} was built by another version of newsbot "
                            f"(schema {schema}, this one needs {SCHEMA_VERSION}). Run `newsbot index --rebuild`.")


def encode_vectors(vectors: np.ndarray) -> str:
    """Sentence vectors as compact metadata: float16, base64 (one row per sentence)."""
    return base64.b64encode(np.asarray(vectors, dtype=np.float16).tobytes()).decode("ascii")


def decode_vectors(text: str, dim: int) -> np.ndarray:
    return np.frombuffer(vector_bytes(text), dtype=np.float16).reshape(-1, dim)


def vector_bytes(text: str) -> bytes:
    """The float16 bytes of sentence vectors stored as text in a chunk's metadata."""
    return base64.b64decode(text)


def published_day(iso: str) -> int:
    """`2025-04-30T…` → 20250430 (0 when unknown): Chroma filters compare numbers."""
    digits = iso[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0
