"""The Chroma store of one index: which epoch is live, and the index state, embedded or on a server.

The collections of one index (names in `index.chroma.Layout`):
- the pointer: one record naming the live epoch and the index state — its generation
  (+1 for every run that changed something), a "dirty" flag while a run writes, the time
  of the last change. `current_version()` reads it in one small get;
- per epoch, `…_chunks` and `…_articles`: the chunk and article records, read and written
  through `index.epoch_tables.EpochTables` (which `Store` is), in batches within the client's limit.

A rebuild writes a new epoch beside the live one (`fork()` + `start_epoch()`), makes it live
by rewriting the pointer (`publish()`: one write) and then drops the old epoch's collections.
Readers keep using the old epoch until the flip; a read that hits collections dropped under
it raises `IndexChangedError`, so the reader can reopen the store and read again.

Every write first calls the store's `on_write` hook with its kind (`index.crashpoints.WRITES`):
none in production; `NEWSBOT_TEST_CRASH_AT` makes it a deterministic kill -9 for tests.

Chroma's default embedding function is never triggered: collections carry
`ExplicitEmbeddings`, which refuses to embed; vectors are always passed in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import chromadb
from chromadb.errors import NotFoundError

from index.chroma import (
    SCHEMA_VERSION,
    ExplicitEmbeddings,
    Layout,
    Pointer,
    collection_names,
    open_client,
)
from index.crashpoints import crash_hook_from_env
from index.embedders import embedder_name
from index.epoch_tables import EpochTables, WriteHook
from index.errors import EmbedderMismatchError, IndexChangedError, NewsbotError
from index.models import ArticleInfo, IndexVersion
from index.settings import IndexSettings

log = logging.getLogger(__name__)


class Store(EpochTables):
    """One index in Chroma: its live epoch's tables (`EpochTables`), the pointer, and the epochs' lifecycle."""

    def __init__(self, client: chromadb.api.ClientAPI, prefix: str, location: str,
                 connect: Callable[[], chromadb.api.ClientAPI] | None = None, *,
                 on_write: WriteHook | None = None) -> None:
        super().__init__(client, location, on_write if on_write is not None else crash_hook_from_env())
        self.prefix = prefix
        self.layout = Layout(prefix)
        self._connect = connect or (lambda: client)  # a new client, for reopen()
        self._ef = ExplicitEmbeddings()
        self.epoch: str | None = None  # the epoch whose collections this store reads and writes
        self._pointer = Pointer(client, self.layout, self._ef, location)

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


def indexed_articles(settings: IndexSettings) -> list[ArticleInfo]:
    """Every article of the live index, newest first (`newsbot sources`).

    Read without loading an embedding model, but an index another embedder made is refused
    (EmbedderMismatchError), as answering from it would be; no index at all is a NewsbotError.
    """
    store = Store.open(settings)
    store.attach()  # reading the article table needs no embedding model, only the right one's name
    stored, configured = store.embedder_of_index(), embedder_name(settings)
    if stored and stored[0] != configured:
        raise EmbedderMismatchError(stored[0], configured)
    return sorted(store.article_infos().values(), key=lambda a: (a.published_at, a.title), reverse=True)
