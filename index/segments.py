"""Segments of the catalogue: immutable blocks of chunk rows with their BM25 term counts and sentence vectors.

The catalogue (index/catalog.py) is a list of segments plus, per segment, which rows are dead (their
article was replaced or deleted since the segment was made). An index run or a reload that brings
new articles appends segments with just their rows (one per about MAX_MERGE_ROWS of them); it never
rewrites the others. Segments are
merged like a log-structured tree (`compact`): the newest merges into its older neighbour when it has
grown to half its size, so a row is copied O(log n) times over its life and no merge is larger than
`MAX_MERGE_ROWS` rows (which bounds the pause of any one update).

Per segment: the rows (`ChunkRow`), term counts as a sparse rows × terms matrix (CSR, and the same
by term, CSC, for scoring), each row's length in terms, the rows' sentence vectors (float16, one
block per row) and the rows' publication days and outlets (for filters). Saved as files in a folder
of its own; loading memory-maps the large arrays.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from index.chroma import published_day

if TYPE_CHECKING:
    from index.catalog_rows import ChunkRow

#: no merge makes a segment larger than this many rows (a merge copies its rows once)
MAX_MERGE_ROWS = 16_384


class Segment:
    def __init__(self, rows: list[ChunkRow], counts: sparse.csr_matrix, vectors: np.ndarray,
                 offsets: np.ndarray, name: str | None = None) -> None:
        self.rows = rows
        self._chunk_sums: np.ndarray | None = None
        self.counts = counts  # rows × terms (term ids of the catalogue's vocabulary when it was made)
        self.by_term = counts.tocsc()
        self.lengths = np.asarray(counts.sum(axis=1), dtype=np.float32).ravel()
        self.vectors = vectors  # float16 (sentences × dim); row i: vectors[offsets[i]:offsets[i + 1]]
        self.offsets = offsets
        self.days = np.array([published_day(r.published_at) for r in rows], dtype=np.int64)
        self.sources = np.array([r.source.casefold() for r in rows], dtype=object)
        self.name = name or f"seg-{uuid.uuid4().hex[:16]}"
        self.saved = name is not None

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def terms(self) -> int:
        return self.counts.shape[1]

    @property
    def document_frequencies(self) -> np.ndarray:
        """Rows containing each term (dead rows included), by term id."""
        return np.diff(self.by_term.indptr)

    def block(self, row: int) -> np.ndarray:
        return self.vectors[self.offsets[row]:self.offsets[row + 1]]

    def chunk_sums(self) -> np.ndarray:
        """Per row, the sum of its sentence vectors (float32; the chunk vector before normalising), computed once:
        a segment never changes and is shared by every catalogue version that keeps it."""
        if self._chunk_sums is None:
            self._chunk_sums = np.add.reduceat(np.asarray(self.vectors, dtype=np.float32), self.offsets[:-1], axis=0) \
                if len(self) else np.zeros((0, self.vectors.shape[1]), dtype=np.float32)
        return self._chunk_sums

    # --- making --------------------------------------------------------------------
    @classmethod
    def build(cls, rows: list[ChunkRow], term_ids: Sequence[np.ndarray],
              blocks: Sequence[np.ndarray] | PackedVectors, vocabulary_size: int, dim: int) -> "Segment":
        """A segment of `rows`; `term_ids[i]` are row i's terms (repeats count), `blocks[i]` its sentence vectors."""
        lengths = np.array([len(t) for t in term_ids], dtype=np.int64)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.concatenate(term_ids).astype(np.int32) if len(term_ids) else np.zeros(0, dtype=np.int32)
        counts = sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                                   shape=(len(rows), vocabulary_size))
        counts.sum_duplicates()  # repeated terms of a row → their count
        if isinstance(blocks, PackedVectors):  # one buffer already: no copy
            sizes, vectors = blocks.sizes(), blocks.array()
        else:
            sizes = np.array([len(b) for b in blocks], dtype=np.int64)
            vectors = np.vstack(blocks).astype(np.float16) if len(blocks) else np.zeros((0, dim), dtype=np.float16)
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return cls(rows, counts, vectors, offsets)

    @classmethod
    def merge(cls, parts: Sequence[tuple["Segment", np.ndarray]], vocabulary_size: int, dim: int) -> "Segment":
        """One segment of the live rows (`alive` masks) of `parts`, in order."""
        rows: list[ChunkRow] = []
        matrices = []
        blocks = []
        for segment, alive in parts:
            keep = np.flatnonzero(alive)
            rows += [segment.rows[i] for i in keep]
            counts = segment.counts
            matrices.append(sparse.csr_matrix((counts.data, counts.indices, counts.indptr),
                                              shape=(len(segment), vocabulary_size))[keep])
            if len(keep):
                starts, ends = segment.offsets[keep], segment.offsets[keep + 1]
                blocks.append((np.asarray(segment.vectors[ranges(starts, ends)]), ends - starts))
        counts = sparse.vstack(matrices, format="csr") if matrices else \
            sparse.csr_matrix((0, vocabulary_size), dtype=np.float32)
        counts = sparse.csr_matrix(counts, dtype=np.float32)
        sizes = np.concatenate([s for _, s in blocks]) if blocks else np.zeros(0, dtype=np.int64)
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        vectors = np.vstack([v for v, _ in blocks]) if blocks else np.zeros((0, dim), dtype=np.float16)
        return cls(rows, counts, vectors, offsets)

    # --- files -----------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the segment into `folder/<name>` (once: a saved segment never changes)."""
        target = folder / self.name
        if self.saved and target.exists():
            return
        tmp = folder / (self.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        with open(tmp / "rows.pkl", "wb") as f:
            pickle.dump(self.rows, f, protocol=pickle.HIGHEST_PROTOCOL)
        np.save(tmp / "data.npy", self.counts.data)
        np.save(tmp / "indices.npy", self.counts.indices)
        np.save(tmp / "indptr.npy", self.counts.indptr)
        np.save(tmp / "shape.npy", np.array(self.counts.shape, dtype=np.int64))
        np.save(tmp / "sentences.npy", np.asarray(self.vectors))
        np.save(tmp / "offsets.npy", self.offsets)
        tmp.rename(target)
        self.saved = True
        # serve the vectors from the file from now on: pages the system can drop, not this process's memory
        self.vectors = np.load(target / "sentences.npy", mmap_mode="r")

    @classmethod
    def load(cls, folder: Path, name: str) -> "Segment":
        where = folder / name
        with open(where / "rows.pkl", "rb") as f:
            rows = pickle.load(f)
        shape = tuple(int(x) for x in np.load(where / "shape.npy"))
        counts = sparse.csr_matrix((np.load(where / "data.npy"), np.load(where / "indices.npy"),
                                    np.load(where / "indptr.npy")), shape=shape)
        offsets = np.load(where / "offsets.npy")
        if len(offsets) != len(rows) + 1 or shape[0] != len(rows):
            raise ValueError(f"segment {name} is inconsistent")
        return cls(rows, counts, np.load(where / "sentences.npy", mmap_mode="r"), offsets, name=name)


class PackedVectors:
    """Rows' float16 sentence vectors appended into one growing buffer (a full read decodes a segment's worth
    straight into it, instead of a block per row and then a copy of them all); `Segment.build` takes it in
    place of the blocks."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._buffer = bytearray()
        self._sizes: list[int] = []

    def append(self, raw: bytes) -> None:
        """One row's vectors as stored (float16 bytes); raises ValueError when they are not whole vectors."""
        width = 2 * self.dim
        if not raw or len(raw) % width:
            raise ValueError(f"{len(raw)} bytes are not whole {self.dim}-dimensional float16 vectors")
        self._buffer += raw
        self._sizes.append(len(raw) // width)

    def __len__(self) -> int:
        return len(self._sizes)

    def sizes(self) -> np.ndarray:
        return np.array(self._sizes, dtype=np.int64)

    def array(self) -> np.ndarray:
        return np.frombuffer(self._buffer, dtype=np.float16).reshape(-1, self.dim)


def ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of arange(s, e) for each pair, without a Python loop."""
    lengths = np.asarray(ends, dtype=np.int64) - np.asarray(starts, dtype=np.int64)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    shift = np.asarray(starts, dtype=np.int64) - np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.repeat(shift, lengths) + np.arange(total)


def compact(parts: list[tuple[Segment, np.ndarray]], vocabulary_size: int, dim: int) -> list[tuple[Segment, np.ndarray]]:
    """Merge the newest segments while the newest has at least half the live rows of the one before it
    (and the result stays within MAX_MERGE_ROWS); rewrite a segment that is mostly dead rows."""
    parts = list(parts)
    while len(parts) >= 2:
        (_, older_alive), (_, newer_alive) = parts[-2], parts[-1]
        live_older, live_newer = int(older_alive.sum()), int(newer_alive.sum())
        if live_newer * 2 < live_older or live_older + live_newer > MAX_MERGE_ROWS:
            break
        merged = Segment.merge(parts[-2:], vocabulary_size, dim)
        parts[-2:] = [(merged, np.ones(len(merged), dtype=bool))]
    out = []
    for segment, alive in parts:
        if len(segment) and alive.sum() * 2 < len(segment):  # mostly dead: keep only the live rows
            segment = Segment.merge([(segment, alive)], vocabulary_size, dim)
            alive = np.ones(len(segment), dtype=bool)
        if len(segment):
            out.append((segment, alive))
    return out
