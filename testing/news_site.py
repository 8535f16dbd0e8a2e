"""A scriptable news web site for tests and benchmarks: a real HTTP server on 127.0.0.1.

It serves whatever you `put` at a path (feeds, article pages, anything; the query is ignored), in its own thread
(one thread per request, so a held request never blocks the others), with:

* ETag and Last-Modified on every 200, and 304 for a matching If-None-Match/If-Modified-Since;
* redirects (`redirect`), any status (`put(..., status=500)`), no Content-Length (`length=False`);
* a held response (`hold(path)` returns an Event: the handler waits for it before answering —
  for timeouts without sleeps);
* a request log (`hits`) with method, path (with its query), Host header, the conditional headers and the status.

Builders for RSS 2.0, RSS 1.0 (RDF), Atom documents and article pages are at the bottom.

    with NewsSite() as site:
        site.put("/feed.xml", rss20("City News", [Story("Park", site.url("/park"))]), RSS)
        site.put("/park", article_page("Park", ["The council voted ..."]))
"""

from __future__ import annotations

import hashlib
import html
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from testing.factories import html_page

RSS = "application/rss+xml; charset=utf-8"
RDF = "application/rdf+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
#: how long a held request waits at most (the test normally releases it, or `close` does)
HOLD_LIMIT = 60.0


@dataclass
class Resource:
    body: bytes
    content_type: str = HTML
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True  # send Content-Length
    modified: datetime = field(default_factory=lambda: datetime(2024, 5, 1, tzinfo=timezone.utc))
    hold: threading.Event | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    host: str
    status: int
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str


class NewsSite:
    def __init__(self) -> None:
        self._resources: dict[str, Resource] = {}
        self._lock = threading.Lock()
        self.hits: list[Hit] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                site._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="news-site",
                                        daemon=True)
        self._thread.start()

    # --- scripting ----------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def put(self, path: str, body: bytes | str, content_type: str = HTML, **options: object) -> Resource:
        """Serve `body` at `path` (replacing what was there; a new body gets a new ETag and date)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            previous = self._resources.get(path)
            resource = Resource(data, content_type, **options)
            if previous is not None and previous.body != data and "modified" not in options:
                resource.modified = previous.modified.replace(year=previous.modified.year + 1)
            self._resources[path] = resource
        return resource

    def publish(self, stories: list[tuple[str, str, list[str]]], *, feed: str = "/feed.xml", name: str = "City News",
                published: datetime = datetime(2024, 5, 2, 10, tzinfo=timezone.utc),
                full_text: bool = False) -> dict[str, str]:
        """Serve each (slug, title, paragraphs) as the page /2024/05/<slug> and an RSS feed listing them all
        (the first is the newest, the last was published at `published`, each an hour after the one below
        it); returns {slug: url}. Publishing again with a story put first adds it and leaves the others'
        entries as they were (a poll sees one new entry). `full_text`: the items carry the stories' text
        (content:encoded), as many feeds do, besides the pages."""
        urls = {slug: self.url(f"/2024/05/{slug}") for slug, _, _ in stories}
        for slug, title, paragraphs in stories:
            self.put(f"/2024/05/{slug}", article_page(title, paragraphs, canonical=urls[slug]))
        items = [Story(title, urls[slug], published=published + timedelta(hours=len(stories) - 1 - n),
                       content=paragraphs_html(paragraphs) if full_text else "")
                 for n, (slug, title, paragraphs) in enumerate(stories)]
        self.put(feed, rss20(name, items), RSS)
        return urls

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.put(path, b"", "text/plain", status=status, headers={"Location": location})

    def hold(self, path: str) -> threading.Event:
        """Requests for `path` wait until the returned event is set."""
        event = threading.Event()
        with self._lock:
            self._resources[path].hold = event
        return event

    def hits_for(self, path: str) -> list[Hit]:
        """Requests for `path` (with any query string)."""
        with self._lock:
            return [hit for hit in self.hits if urlsplit(hit.path).path == path]

    def downloads(self) -> list[Hit]:
        """Requests answered with content (status 200)."""
        with self._lock:
            return [hit for hit in self.hits if hit.status == 200]

    def clear_hits(self) -> None:
        with self._lock:
            self.hits.clear()

    # --- serving ------------------------------------------------------------------
    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            resource = self._resources.get(urlsplit(request.path).path)
        status = self._status(request, resource)
        with self._lock:
            self.hits.append(Hit("GET", request.path, request.headers.get("Host", ""), status,
                                 request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"),
                                 request.headers.get("User-Agent", "")))
        if resource is not None and resource.hold is not None:
            resource.hold.wait(HOLD_LIMIT)
        try:
            self._respond(request, resource, status)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a size cap or a timeout): expected

    def _status(self, request: BaseHTTPRequestHandler, resource: Resource | None) -> int:
        if resource is None:
            return 404
        if resource.status != 200:
            return resource.status
        if request.headers.get("If-None-Match") == resource.etag:
            return 304
        since = request.headers.get("If-Modified-Since")
        if since and "If-None-Match" not in request.headers:
            try:
                if resource.modified <= parsedate_to_datetime(since):
                    return 304
            except (TypeError, ValueError):
                pass
        return 200

    def _respond(self, request: BaseHTTPRequestHandler, resource: Resource | None, status: int) -> None:
        body = b"not found" if resource is None else resource.body if status not in (304,) else b""
        request.send_response(status)
        if resource is not None:
            for name, value in resource.headers.items():
                request.send_header(name, value)
            request.send_header("Content-Type", resource.content_type)
            if status in (200, 304):
                request.send_header("ETag", resource.etag)
                request.send_header("Last-Modified", format_datetime(resource.modified, usegmt=True))
        if resource is None or resource.length or status == 304:
            request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if body:
            view = memoryview(body)
            for start in range(0, len(body), 65536):
                request.wfile.write(view[start:start + 65536])

    # --- lifetime -----------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            for resource in self._resources.values():
                if resource.hold is not None:
                    resource.hold.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> NewsSite:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- documents ----------------------------------------------------------------------
@dataclass(frozen=True)
class Story:
    title: str
    link: str
    guid: str | None = None
    published: datetime | None = None
    author: str | None = None
    summary: str = ""
    content: str = ""  # the full text as HTML: RSS content:encoded, Atom <content type="html">


def rss20(title: str, stories: list[Story], link: str = "http://news.test/") -> str:
    items = "".join(
        "<item>"
        f"<title>{escape(s.title)}</title><link>{escape(s.link)}</link>"
        + (f"<guid isPermaLink=\"false\">{escape(s.guid)}</guid>" if s.guid else "")
        + (f"<pubDate>{format_datetime(s.published)}</pubDate>" if s.published else "")
        + (f"<author>{escape(s.author)}</author>" if s.author else "")
        + f"<description>{escape(s.summary)}</description>"
        + (f"<content:encoded>{escape(s.content)}</content:encoded>" if s.content else "")
        + "</item>"
        for s in stories
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{escape(title)}</title>'
            f"<link>{escape(link)}</link><description>News</description>{items}</channel></rss>")


def rss10(title: str, stories: list[Story], link: str = "http://news.test/") -> str:
    seq = "".join(f"<rdf:li rdf:resource={quoteattr(s.guid or s.link)}/>" for s in stories)
    items = "".join(
        f"<item rdf:about={quoteattr(s.guid or s.link)}><title>{escape(s.title)}</title><link>{escape(s.link)}</link>"
        + (f"<dc:date>{s.published.isoformat()}</dc:date>" if s.published else "")
        + (f"<dc:creator>{escape(s.author)}</dc:creator>" if s.author else "")
        + f"<description>{escape(s.summary)}</description></item>"
        for s in stories
    )
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel rdf:about={quoteattr(link)}><title>{escape(title)}</title><link>{escape(link)}</link>"
            f"<description>News</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>{items}</rdf:RDF>")


def atom(title: str, stories: list[Story], link: str = "http://news.test/") -> str:
    when = datetime(2024, 5, 1, tzinfo=timezone.utc).isoformat()
    entries = "".join(
        f"<entry><id>{escape(s.guid or s.link)}</id><title>{escape(s.title)}</title>"
        f"<link rel=\"alternate\" href={quoteattr(s.link)}/>"
        f"<updated>{(s.published.isoformat() if s.published else when)}</updated>"
        + (f"<author><name>{escape(s.author)}</name></author>" if s.author else "")
        + f"<summary>{escape(s.summary)}</summary>"
        + (f'<content type="html">{escape(s.content)}</content>' if s.content else "")
        + "</entry>"
        for s in stories
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>{escape(link)}</id><updated>{when}</updated>"
            f"<link href={quoteattr(link)}/>{entries}</feed>")


def paragraphs_html(paragraphs: list[str]) -> str:
    """Plain-text paragraphs as the HTML of a feed item's content."""
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def article_page(title: str, paragraphs: list[str], *, canonical: str | None = None, author: str | None = None,
                 date: str | None = None, site: str = "City News") -> str:
    """An article page with the usual clutter (menu, comments, footer): testing.factories.html_page, escaped."""

    def text(value: str | None) -> str | None:
        return html.escape(value) if value is not None else None

    return html_page(title=text(title), paragraphs=[html.escape(p) for p in paragraphs], author=text(author),
                     published=text(date), sitename=text(site), url=text(canonical))
