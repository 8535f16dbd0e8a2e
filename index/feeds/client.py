"""A careful HTTP client for feeds and article pages (httpx underneath).

What every request does (docs/feeds.md has the same rules for maintainers):

* only http(s) URLs (`urls.check_url`), at most `MAX_REDIRECTS` redirects, followed here one hop
  at a time so that each hop's URL and addresses are checked; a loop is an error;
* every address the host resolves to is checked (`addresses.AddressPolicy`) and the connection is
  made to a checked address (the URL is pinned to it; the Host header and TLS SNI keep the name);
* connect and read timeouts of FEED_TIMEOUT seconds, and three times that for a whole response;
* at most FEED_MAX_BYTES of (decompressed) content: a bigger Content-Length is refused before
  reading, a longer stream is cut and refused;
* content types: feeds must be XML/RSS/Atom (or untyped/text/plain, left to the parser), pages
  HTML/XHTML;
* conditional GET: ETag / Last-Modified validators are sent back; 304 means nothing to download;
* politeness: FEED_HOST_DELAY seconds between two requests to one host (`HostPacer`, whose clock
  and sleep are injectable), a User-Agent naming newsbot, no cookies, no proxies from the
  environment, no connection reuse (each request connects to the address it checked).

Every failure is a `FetchError` subclass carrying the URL and a reason for a person.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urljoin

import httpx

from index.feeds.addresses import AddressPolicy, Resolver, system_resolver
from index.feeds.errors import (
    ConnectionFailedError,
    ContentTypeError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    RedirectError,
    ResolveError,
    TooLargeError,
)
from index.feeds.urls import check_url

log = logging.getLogger(__name__)

Kind = Literal["feed", "page"]
MAX_REDIRECTS = 5
#: a whole response may take this many times the connect/read timeout
WHOLE_RESPONSE_FACTOR = 3
#: addresses of one host tried when connecting fails
MAX_ADDRESSES_TRIED = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
            "text/xml;q=0.9, */*;q=0.1",
    "page": "text/html, application/xhtml+xml;q=0.9",
}
_EXPECTED = {"feed": "an RSS or Atom feed (an XML type)", "page": "an HTML page"}


@dataclass(frozen=True)
class CrawlerConfig:
    timeout: float = 10.0
    max_bytes: int = 5_000_000
    host_delay: float = 1.0
    user_agent: str = "newsbot/0.1"
    policy: AddressPolicy = AddressPolicy()
    max_redirects: int = MAX_REDIRECTS

    @classmethod
    def from_settings(cls, settings) -> CrawlerConfig:
        """The crawler's rules from IndexSettings' feeds section."""
        return cls(
            timeout=settings.feed_timeout,
            max_bytes=settings.feed_max_bytes,
            host_delay=settings.feed_host_delay,
            user_agent=settings.feed_user_agent,
            policy=AddressPolicy(settings.feeds_allow_private, frozenset(settings.feeds_private_hosts)),
        )


@dataclass(frozen=True)
class Fetched:
    """A response: 200 with its content, or 304 (not modified) with none."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    content: bytes = b""
    media_type: str = ""  # e.g. "text/html" ("" when the server sent none)
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class _Redirect:
    status: int
    location: str | None


class HostPacer:
    """Spaces requests to one host `delay` seconds apart (sleeping as needed); thread-safe."""

    def __init__(self, delay: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds slept so far, for reports and benchmarks

    def wait(self, host: str) -> None:
        host = host.lower()
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.delay  # reserve the slot before sleeping
            if len(self._next) > 1024:
                self._next = {h: t for h, t in self._next.items() if t > now}
        if start > now:
            self.waited += start - now
            self._sleep(start - now)


class Crawler:
    """GET feeds and pages by the rules above. Use it from one thread at a time."""

    def __init__(self, config: CrawlerConfig, *, resolver: Resolver = system_resolver,
                 pacer: HostPacer | None = None, clock: Callable[[], float] = time.monotonic,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._resolver = resolver
        self.pacer = pacer or HostPacer(config.host_delay)
        self._clock = clock
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(config.timeout),
            limits=httpx.Limits(max_keepalive_connections=0),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": config.user_agent},
        )

    def __enter__(self) -> Crawler:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, kind: Kind, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Fetch `url` as a feed or a page; raises a `FetchError` naming `url` and the reason."""
        current = check_url(url)
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = {current}
        for _ in range(self.config.max_redirects + 1):
            try:
                result = self._hop(current, kind, headers)
            except FetchError as exc:
                raise exc if current == url else exc.redirected_from(url) from None
            if isinstance(result, Fetched):
                return replace(result, url=url, final_url=current)
            current = self._follow(url, current, result)
            if current in seen:
                raise RedirectError(url, f"redirect loop: {current} was already visited")
            seen.add(current)
        raise RedirectError(url, f"more than {self.config.max_redirects} redirects (the last to {current})")

    # --- one hop ------------------------------------------------------------------
    def _follow(self, url: str, current: str, redirect: _Redirect) -> str:
        if not redirect.location:
            raise RedirectError(url, f"HTTP {redirect.status} redirect from {current} without a Location header")
        try:
            return check_url(urljoin(current, redirect.location))
        except InvalidURLError as exc:
            raise RedirectError(url, f"redirects to {exc.url}, which is not fetched: {exc.reason}") from None

    def _hop(self, url: str, kind: Kind, headers: dict[str, str]) -> Fetched | _Redirect:
        target = httpx.URL(url)
        host = target.raw_host.decode("ascii")
        port = target.port or (443 if target.scheme == "https" else 80)
        addresses = self.config.policy.check(url, target.host, self._resolve(url, host, port))
        self.pacer.wait(host)
        failure: Exception | None = None
        for address in addresses[:MAX_ADDRESSES_TRIED]:
            request = self._client.build_request(
                "GET", target.copy_with(host=str(address)),
                headers={**headers, "Host": target.netloc.decode("ascii")},
                extensions={"sni_hostname": host},
            )
            try:
                response = self._client.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                log.debug("cannot connect to %s at %s: %s", url, address, exc)
                failure = exc
                continue
            except httpx.TimeoutException:
                raise FetchTimeoutError(url, f"no answer within {self.config.timeout:g} s (FEED_TIMEOUT)") from None
            except httpx.HTTPError as exc:
                raise ConnectionFailedError(url, f"the request failed ({_describe(exc)})") from None
            try:
                return self._read(url, kind, response)
            finally:
                response.close()
        raise ConnectionFailedError(url, f"cannot connect to {target.host} ({_describe(failure)})")

    def _resolve(self, url: str, host: str, port: int) -> list[str]:
        try:
            return list(self._resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise ResolveError(url, f"the host name {host} does not resolve ({exc})") from None

    def _read(self, url: str, kind: Kind, response: httpx.Response) -> Fetched | _Redirect:
        status = response.status_code
        if status in _REDIRECTS:
            return _Redirect(status, response.headers.get("location"))
        validators = {"etag": response.headers.get("etag"), "last_modified": response.headers.get("last-modified")}
        if status == 304:
            return Fetched(url, url, 304, **validators)
        if not 200 <= status < 300:
            phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
            raise HTTPStatusError(url, f"the server answered HTTP {status}{phrase}", status)
        media_type, charset = _content_type(response.headers.get("content-type", ""))
        if not _acceptable(kind, media_type):
            raise ContentTypeError(url, f"the server says this is {media_type or 'of no type'}, not {_EXPECTED[kind]}")
        content = self._body(url, response)
        return Fetched(url, url, status, content, media_type, charset, **validators)

    def _body(self, url: str, response: httpx.Response) -> bytes:
        limit = self.config.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLargeError(url, f"{int(declared):,} bytes, over the limit of {limit:,} bytes (FEED_MAX_BYTES)")
        seconds = self.config.timeout * WHOLE_RESPONSE_FACTOR
        deadline = self._clock() + seconds
        data = bytearray()
        try:
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > limit:
                    raise TooLargeError(url, f"more than {limit:,} bytes, the limit (FEED_MAX_BYTES); not read further")
                if self._clock() > deadline:
                    raise FetchTimeoutError(url, f"the whole response took more than {seconds:g} s")
        except httpx.TimeoutException:
            raise FetchTimeoutError(url, f"the server stopped sending for {self.config.timeout:g} s (FEED_TIMEOUT)") from None
        except httpx.HTTPError as exc:
            raise ConnectionFailedError(url, f"the response broke off ({_describe(exc)})") from None
        return bytes(data)


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media_type.strip().lower(), charset


def _acceptable(kind: Kind, media_type: str) -> bool:
    if kind == "page":
        return media_type in _PAGE_TYPES
    return not media_type or media_type == "text/plain" or any(w in media_type for w in ("xml", "rss", "atom"))


def _describe(exc: Exception | None) -> str:
    if exc is None:
        return "no address to connect to"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
