"""Read RSS 2.0, RSS 1.0 (RDF) and Atom documents with feedparser into `FeedItem`s.

feedparser reads broken XML too (its loose parser); such a feed is "bozo". Here:

* a document that is not a feed at all (HTML, text, nothing parseable) is a `FeedParseError`;
* malformed XML with no readable items is a `FeedParseError` naming the problem and where;
* malformed XML with readable items gives those items plus `ParsedFeed.problem`, which the
  caller reports like a failure (the feed's owner should fix it) — what was readable is not lost;
* a wrong declared encoding or a non-XML content type that parsed fine is only logged.

At most `max_items` items are taken per document, in the feed's order (feeds list the newest first).
The document is handed to feedparser as a stream: a string would make feedparser open URLs or files.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser

from index.feeds.errors import FeedParseError
from index.htmltext import metadata_text

log = logging.getLogger(__name__)

MAX_GUID_CHARS = 1000
#: an entry's content longer than this is not taken from the feed (its page is downloaded, with its own cap)
MAX_CONTENT_CHARS = 1_000_000
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True)
class FeedItem:
    guid: str  # the entry's id/guid/rdf:about, else its link
    link: str  # the article page ("" when the entry has none)
    title: str
    published_at: str  # ISO 8601 (UTC) or ""
    author: str
    fingerprint: str  # changes when the entry changes (title, link, dates, summary, content)
    content: str = ""  # the entry's full content as HTML (RSS content:encoded, Atom <content>); "" when none
    summary: str = ""  # the entry's summary (RSS description, Atom summary) as given, for comparison only


@dataclass(frozen=True)
class ParsedFeed:
    url: str
    title: str
    version: str  # feedparser's name: rss20, rss10, atom10, …
    items: list[FeedItem]
    total: int  # entries in the document, before `max_items`
    problem: str = ""  # malformed XML read around; "" when the document is well-formed


def parse_feed(content: bytes, url: str, *, max_items: int, media_type: str = "",
               charset: str | None = None) -> ParsedFeed:
    """Parse a downloaded feed; raises FeedParseError (with `url`) when it is no readable feed."""
    headers = {"content-location": url}
    if media_type:
        headers["content-type"] = media_type + (f"; charset={charset}" if charset else "")
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    problem = ""
    if parsed.bozo and not isinstance(parsed.get("bozo_exception"), _BENIGN):
        problem = f"malformed feed ({_describe(parsed.get('bozo_exception'))})"
    elif parsed.bozo:
        log.info("%s: %s", url, _describe(parsed.get("bozo_exception")))
    entries = list(parsed.entries)
    if not entries:
        if problem:
            raise FeedParseError(url, f"{problem}; no items could be read")
        if not parsed.version:
            raise FeedParseError(url, "not an RSS or Atom feed (no <rss>, <rdf:RDF> or <feed> document found)")
    if problem:
        problem += f"; {len(entries)} item(s) read anyway"
    return ParsedFeed(
        url=url,
        title=metadata_text(parsed.feed.get("title"))[:200],
        version=parsed.version or "",
        items=[_item(entry) for entry in entries[:max_items]],
        total=len(entries),
        problem=problem,
    )


def _item(entry) -> FeedItem:
    link = metadata_text(entry.get("link"))
    guid = metadata_text(entry.get("id")) or link
    content = _content(entry)
    parts = (entry.get("title"), link, entry.get("published"), entry.get("updated"),
             (entry.get("summary") or "")[:20_000])
    if content:  # an entry without content keeps the fingerprint it had before contents were read
        parts += (hashlib.sha256(content.encode("utf-8")).hexdigest(),)
    fingerprint = hashlib.sha256("\x1f".join(str(p or "") for p in parts).encode("utf-8")).hexdigest()
    return FeedItem(
        guid=guid[:MAX_GUID_CHARS],
        link=link,
        title=metadata_text(entry.get("title")),
        published_at=_date(entry.get("published_parsed") or entry.get("updated_parsed")),
        author=metadata_text(entry.get("author")),
        fingerprint=fingerprint,
        content=content,
        summary=str(entry.get("summary") or "")[:20_000],
    )


def _content(entry) -> str:
    """The entry's longest full content as HTML ("" when it has none, or only a summary).

    feedparser puts RSS `content:encoded` and Atom `<content>` in `entry.content` (sanitised HTML),
    and RSS `<description>` / Atom `<summary>` in `entry.summary`, which is never taken for the article.
    """
    best = ""
    for part in entry.get("content") or []:
        value = str(part.get("value") or "")
        kind = str(part.get("type") or "text/html").lower()
        if kind == "text/plain" or kind == "text":
            value = "".join(f"<p>{html.escape(p)}</p>" for p in value.split("\n\n") if p.strip())
        elif kind not in _HTML_TYPES:
            continue
        if len(best) < len(value) <= MAX_CONTENT_CHARS:
            best = value
    return best


def _date(parsed) -> str:
    """feedparser's UTC struct_time as ISO 8601, or "" when absent or impossible."""
    if not parsed:
        return ""
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).isoformat()
    except (OverflowError, ValueError, OSError):
        return ""


def _describe(exc: object) -> str:
    if exc is None:
        return "unknown problem"
    message = exc.getMessage() if hasattr(exc, "getMessage") else str(exc)
    line = getattr(exc, "getLineNumber", None)
    if callable(line):
        return f"{message} at line {line()}, column {exc.getColumnNumber()}"
    return str(message) or type(exc).__name__
