"""What one fetch did: per feed and per item, new/updated/unchanged/failed, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from index.models import IndexReport

ItemStatus = Literal["new", "updated", "unchanged", "failed"]
FeedStatus = Literal["fetched", "not-modified", "failed"]


@dataclass(frozen=True)
class ItemResult:
    """One article page: what happened to it. `reason` says why it failed."""

    url: str  # the link that was asked for
    status: ItemStatus
    path: Path | None = None  # its corpus file
    title: str = ""
    reason: str = ""

    def to_dict(self) -> dict:
        data = {"url": self.url, "status": self.status, "title": self.title,
                "path": str(self.path) if self.path else None}
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass
class FeedResult:
    """One feed's poll. `error` is the feed's own failure (or the malformed XML read around)."""

    name: str
    url: str
    status: FeedStatus = "fetched"
    error: str = ""
    items: list[ItemResult] = field(default_factory=list)
    skipped: int = 0  # entries beyond FEED_MAX_ITEMS, and items given up after repeated failures

    def to_dict(self) -> dict:
        return {"name": self.name, "url": self.url, "status": self.status, "error": self.error or None,
                "skipped": self.skipped, "items": [item.to_dict() for item in self.items]}


@dataclass(frozen=True)
class Failure:
    url: str  # the feed, page or file that failed
    reason: str

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


@dataclass
class FetchReport:
    """The outcome of `fetch_feeds` or `add_page`."""

    feeds: list[FeedResult] = field(default_factory=list)
    pages: list[ItemResult] = field(default_factory=list)  # add_page's page
    written: list[Path] = field(default_factory=list)  # files written (new or changed) by this run
    index: IndexReport | None = None  # None when nothing was indexed
    index_error: str = ""  # indexing could not run (the files stay; the next fetch indexes them)
    seconds: float = 0.0

    def items(self) -> list[ItemResult]:
        return [item for feed in self.feeds for item in feed.items] + list(self.pages)

    def with_status(self, status: ItemStatus) -> list[ItemResult]:
        return [item for item in self.items() if item.status == status]

    @property
    def new(self) -> list[ItemResult]:
        return self.with_status("new")

    @property
    def updated(self) -> list[ItemResult]:
        return self.with_status("updated")

    @property
    def unchanged(self) -> list[ItemResult]:
        return self.with_status("unchanged")

    def failures(self) -> list[Failure]:
        """Every failure with its URL (or file) and reason: feeds, items, indexing."""
        found = [Failure(feed.url, feed.error) for feed in self.feeds if feed.error]
        found += [Failure(item.url, item.reason) for item in self.items() if item.status == "failed"]
        if self.index is not None:
            found += [Failure(str(f.path), f"not indexed: {f.reason}") for f in self.index.failed]
        if self.index_error:
            found.append(Failure("index", self.index_error))
        return found

    @property
    def ok(self) -> bool:
        return not self.failures()

    def to_dict(self) -> dict:
        return {
            "feeds": [feed.to_dict() for feed in self.feeds],
            "pages": [page.to_dict() for page in self.pages],
            "counts": {status: len(self.with_status(status)) for status in ("new", "updated", "unchanged", "failed")},
            "written": [str(path) for path in self.written],
            "failures": [{"url": f.url, "reason": f.reason} for f in self.failures()],
            "index": self.index.to_dict() if self.index is not None else None,
            "seconds": round(self.seconds, 3),
        }
