"""The records that flow through indexing and retrieval: articles, chunks, load failures, hits, versions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Article:
    """One news article. `body` is the original text that quotes are taken from."""

    id: str
    title: str
    body: str
    source: str = ""
    url: str = ""
    published_at: str = ""  # ISO 8601 date or datetime, or "" when unknown
    author: str = ""
    category: str = ""
    path: str = ""  # file it came from, relative to the corpus root

    @property
    def content_hash(self) -> str:
        """Hash of everything that ends up in the index; a change triggers re-indexing."""
        h = hashlib.sha256()
        for part in (self.title, self.body, self.source, self.url, self.published_at, self.author, self.category):
            h.update(part.encode("utf-8"))
            h.update(b"\x1f")
        return h.hexdigest()

    def metadata(self) -> dict[str, str]:
        return {
            "article_id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published_at": self.published_at,
            "author": self.author,
            "category": self.category,
            "path": self.path,
        }


@dataclass(frozen=True)
class Chunk:
    """A passage of an article: `text == article.body[start:end]`."""

    id: str
    article_id: str
    index: int
    text: str
    start: int
    end: int
    # sentence spans relative to the chunk text, precomputed for answer time
    sentences: tuple[tuple[int, int], ...] = field(default=())


@dataclass(frozen=True)
class LoadFailure:
    """A file (or record) that could not be read; reported, never fatal."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class SearchFilters:
    """Restrict retrieval to some outlets and/or a publication date range (inclusive, ISO dates)."""

    sources: tuple[str, ...] = ()
    since: str | None = None  # "YYYY-MM-DD"
    until: str | None = None
    article_ids: tuple[str, ...] = ()  # only these articles (e.g. the ones an index run just added)
    as_of: str | None = None  # the question's reference day: later articles are excluded, undated ones kept

    @property
    def empty(self) -> bool:
        return not (self.sources or self.since or self.until or self.article_ids or self.as_of)


class TimeWindow(Protocol):
    """The period a question is about, as retrieval uses it (bot.answer.time_scope.TimeScope is one):
    `strict` restricts retrieval to articles published in [start, end] (inclusive; None: open),
    otherwise newer articles are preferred."""

    @property
    def start(self) -> date | None: ...

    @property
    def end(self) -> date | None: ...

    @property
    def strict(self) -> bool: ...


@dataclass(frozen=True)
class ArticleInfo:
    """What the index knows of one article (for /sources, `newsbot sources`)."""

    id: str
    title: str
    source: str
    url: str
    published_at: str
    path: str
    chunks: int
    content_hash: str
    indexed_at: str
    story: str = ""  # the id of its story group (index/stories.py): its oldest near-duplicate, or its own id


@dataclass(frozen=True)
class Hit:
    """A chunk found by a vector query."""

    chunk_id: str
    distance: float  # cosine distance


@dataclass(frozen=True)
class IndexVersion:
    """Which index a reader serves: the epoch (new at every rebuild) and its generation."""

    epoch: str
    generation: int


@dataclass
class IndexReport:
    """Outcome of one `newsbot index` run."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[LoadFailure] = field(default_factory=list)
    chunks_added: int = 0
    chunks_deleted: int = 0
    chunks_embedded: int = 0
    articles_signed: int = 0  # story signatures (MinHash) computed: the articles written, or signed late
    stories_changed: int = 0  # article records whose story group was rewritten (a merge, a split, an older member)
    seconds: float = 0.0
    catalog_seconds: float = 0.0  # of `seconds`: bringing the catalogue snapshot up to date at the end

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "failed": [{"path": str(f.path), "reason": f.reason} for f in self.failed],
            "chunks_added": self.chunks_added,
            "chunks_deleted": self.chunks_deleted,
            "chunks_embedded": self.chunks_embedded,
            "articles_signed": self.articles_signed,
            "stories_changed": self.stories_changed,
            "seconds": round(self.seconds, 3),
            "catalog_seconds": round(self.catalog_seconds, 3),
        }
