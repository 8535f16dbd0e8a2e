"""The feeds orchestrator: subscribe, poll every feed once, add one page, index what changed.

`FeedService(settings)` holds one crawler (so politeness delays hold across polls) and the
registry; `fetch_feeds(settings, …)` / `add_page(settings, url, …)` are one-shot wrappers.

Per feed and poll: a conditional GET of the feed (304: nothing to do); each entry (at most
FEED_MAX_ITEMS) whose feed entry is unchanged and whose article is on disk costs nothing;
a new or changed entry, or one that failed before, has its page fetched (conditionally when
the article is known), extracted, and written to the corpus when its text changed — unless the
entry carries its full text and links to the feed's own site: then that text is the article and
nothing is downloaded (FEED_ITEM_CONTENT). One
failure — feed or page — is recorded (registry and report) and never stops the others; a
failed page is retried on the following polls (the feed's validators are not kept while one
is pending), at most MAX_ITEM_ATTEMPTS times per version of the entry.

Written files are indexed through the `index_paths` callable (in production `Engine.reindex`
or `index.indexer.run_index`); files not indexed yet (indexing failed or was busy) are handed
over again on the next fetch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from index.errors import NewsbotError
from index.feeds.archive import Archive, render, slugify
from index.feeds.client import Crawler, CrawlerConfig, Fetched
from index.feeds.errors import FeedRegistryError, FeedsBusyError, FetchError
from index.feeds.pages import PageArticle, item_article, page_article
from index.feeds.parsing import FeedItem, parse_feed
from index.feeds.registry import ArticleRecord, Feed, FeedRegistry, ItemRecord, utc_now
from index.feeds.report import FeedResult, FetchReport, ItemResult
from index.feeds.urls import check_url, identity_key, site_name
from index.models import IndexReport
from index.settings import IndexSettings
from index.textclean import clean_text

log = logging.getLogger(__name__)

#: indexes the given article files (absolute paths) incrementally
IndexPaths = Callable[[list[Path]], IndexReport]
#: a page that failed this many times in a row (for one version of its feed entry) is left alone
MAX_ITEM_ATTEMPTS = 5


class FeedService:
    def __init__(self, settings: IndexSettings, *, crawler: Crawler | None = None,
                 registry: FeedRegistry | None = None) -> None:
        self.settings = settings
        self.crawler = crawler or Crawler(CrawlerConfig.from_settings(settings))
        self.registry = registry or FeedRegistry(settings.feeds_db)
        self.archive = Archive(settings.corpus_dir, max_file_bytes=settings.max_file_bytes)

    def __enter__(self) -> FeedService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.crawler.close()

    # --- subscriptions ------------------------------------------------------------
    def add_feed(self, url: str, name: str | None = None) -> Feed:
        """Subscribe to the feed at `url` after fetching and parsing it once.

        `name` defaults to the feed's title, else its host. Raises FetchError (unreachable or not a
        feed) or FeedRegistryError (URL or name already subscribed, bad name). Nothing is fetched
        into the corpus: the next poll does that.
        """
        url = check_url(url)
        key = identity_key(url)
        wanted = _valid_name(name) if name is not None else None
        existing = self.registry.find_feed(key=key)
        if existing is not None:
            raise FeedRegistryError(f"{url} is already subscribed, as “{existing.name}”.")
        if wanted and self.registry.find_feed(name=wanted):
            raise FeedRegistryError(f"A feed is already named “{wanted}”; choose another name.")
        fetched = self.crawler.get(url, "feed")
        parsed = parse_feed(fetched.content, fetched.final_url, max_items=self.settings.feed_max_items,
                            media_type=fetched.media_type, charset=fetched.charset)
        final = wanted or _valid_name(parsed.title or site_name(url), fallback=site_name(url))
        feed = self.registry.add_feed(url, key, final, slugify(final, fallback="feed"))
        log.info("subscribed to %s as %s (%s, %d items)", url, feed.name, parsed.version, parsed.total)
        return feed

    def feeds(self) -> list[Feed]:
        return self.registry.feeds()

    def find_feed(self, url_or_name: str) -> Feed | None:
        """The feed with this URL (any variant of it) or this name (case-insensitive)."""
        text = url_or_name.strip()
        if "://" in text:
            try:
                return self.registry.find_feed(key=identity_key(check_url(text)))
            except FetchError:
                return None
        return self.registry.find_feed(name=text)

    def remove_feed(self, url_or_name: str) -> Feed:
        """Unsubscribe. The articles it brought stay in the corpus and the index."""
        feed = self.find_feed(url_or_name)
        if feed is None:
            raise FeedRegistryError(
                f"No feed has the name or URL “{url_or_name.strip()[:200]}”; `newsbot feeds list` shows them."
            )
        self.registry.remove_feed(feed.id)
        log.info("unsubscribed from %s (%s); its %d articles stay in the corpus", feed.url, feed.name, feed.items)
        return feed

    # --- fetching -----------------------------------------------------------------
    def fetch_feeds(self, index_paths: IndexPaths | None = None) -> FetchReport:
        """Poll every feed once, write what is new or changed, index it. Raises FeedsBusyError only."""
        started = time.perf_counter()
        report = FetchReport()
        with self._exclusive():
            for feed in self.registry.feeds():
                report.feeds.append(self._poll(feed, report))
            self._index(index_paths, report)
        report.seconds = time.perf_counter() - started
        return report

    def add_page(self, url: str, index_paths: IndexPaths | None = None, *, source: str | None = None) -> FetchReport:
        """Fetch one article page into the corpus (`corpus/pages/<site>/`) and index it."""
        started = time.perf_counter()
        report = FetchReport()
        with self._exclusive():
            result, _ = self._fetch_article(url, report, folder=None, source=source, item=None, known=None)
            report.pages.append(result)
            self._index(index_paths, report)
        report.seconds = time.perf_counter() - started
        return report

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One fetch at a time per DATA_DIR (a CLI `newsbot fetch` beside the bot's poll gets FeedsBusyError)."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.settings.data_dir / "feeds.lock"), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise FeedsBusyError(lock.lock_file) from None
        try:
            yield
        finally:
            lock.release()

    def _poll(self, feed: Feed, report: FetchReport) -> FeedResult:
        result = FeedResult(feed.name, feed.url)
        try:
            fetched = self.crawler.get(feed.url, "feed", etag=feed.etag, last_modified=feed.last_modified)
            if fetched.not_modified:
                result.status = "not-modified"
                self.registry.record_poll(feed.id, read=True, error=None, keep_validators=True)
                return result
            parsed = parse_feed(fetched.content, fetched.final_url, max_items=self.settings.feed_max_items,
                                media_type=fetched.media_type, charset=fetched.charset)
        except FetchError as exc:
            log.warning("feed %s failed: %s", feed.name, exc)
            self.registry.record_poll(feed.id, read=False, error=exc.reason)
            result.status, result.error = "failed", exc.reason
            return result
        result.skipped = parsed.total - len(parsed.items)
        for item in parsed.items:
            outcome = self._poll_item(feed, item, report, final_url=parsed.url)
            if outcome is None:
                result.skipped += 1
            else:
                result.items.append(outcome)
        result.error = parsed.problem
        failed = [i for i in result.items if i.status == "failed"]
        keep = not (parsed.problem or failed)  # else the next poll reads the feed again, retrying them
        self.registry.record_poll(feed.id, read=True, error=_poll_error(parsed.problem, failed, len(result.items)),
                                  etag=fetched.etag if keep else None,
                                  last_modified=fetched.last_modified if keep else None)
        return result

    def _poll_item(self, feed: Feed, item: FeedItem, report: FetchReport, *, final_url: str) -> ItemResult | None:
        """One feed entry; None when it is left alone (failed MAX_ITEM_ATTEMPTS times already)."""
        record = self.registry.item(feed.id, item.guid)
        same_entry = record is not None and record.fingerprint == item.fingerprint
        known = self.registry.article(record.article_key) if record and record.article_key else None
        if same_entry and record.last_error is None and known and self.archive.absolute(known.path).exists():
            return ItemResult(item.link, "unchanged", self.archive.absolute(known.path), item.title)
        if same_entry and record.last_error is not None and record.attempts >= MAX_ITEM_ATTEMPTS:
            return None
        if not item.link:
            where = item.guid or f"{feed.url} (item “{item.title[:80]}”)"
            result, key = ItemResult(where, "failed", item.title, reason="the feed item has no link"), None
        else:
            result, key = self._fetch_article(item.link, report, folder=self.archive.feed_folder(feed.slug),
                                              source=feed.name, item=item, known=known,
                                              feed_urls=(feed.url, final_url))
        failed = result.status == "failed"
        attempts = (record.attempts if same_entry and record else 0) + 1 if failed else 0
        self.registry.save_item(ItemRecord(
            feed.id, item.guid, item.link, item.fingerprint,
            article_key=key or (record.article_key if record else None),
            attempts=attempts, last_error=result.reason if failed else None,
        ))
        return result

    def _fetch_article(self, url: str, report: FetchReport, *, folder: str | None, source: str | None,
                       item: FeedItem | None, known: ArticleRecord | None,
                       feed_urls: tuple[str, ...] = ()) -> tuple[ItemResult, str | None]:
        """Fetch, extract and store one page: (its result, its article key or None when it failed).

        A feed item that carries its full text on its own site is stored from the feed, without a
        download (FEED_ITEM_CONTENT; `pages.item_article`) — unless another feed or `newsbot add`
        brought that article: then its page decides."""
        try:
            url = check_url(url)
            carried = item_article(item, url, feed_urls=feed_urls, source=source) \
                if item is not None and folder and self.settings.feed_item_content else None
            owner = self.registry.article(carried.key) if carried is not None else None
            if carried is not None and (owner is None or owner.path.startswith(folder + "/")):
                return self._store(url, carried, None, folder, known, report), carried.key
            key = identity_key(url)
            known = known or self.registry.article(key)
            # validators belong to one URL: sent only when asking for the known article's URL again
            conditional = known is not None and known.key == key and self.archive.absolute(known.path).exists()
            fetched = self.crawler.get(url, "page", etag=known.etag if conditional else None,
                                       last_modified=known.last_modified if conditional else None)
            if fetched.not_modified and conditional:
                return ItemResult(url, "unchanged", self.archive.absolute(known.path), item.title if item else ""), known.key
            page = page_article(fetched, source=source, item=item)
            return self._store(url, page, fetched, folder, known, report), page.key
        except FetchError as exc:
            log.warning("page failed: %s", exc)
            return ItemResult(url, "failed", title=item.title if item else "", reason=exc.reason), None

    def _store(self, url: str, page: PageArticle, fetched: Fetched | None, folder: str | None,
               known: ArticleRecord | None, report: FetchReport) -> ItemResult:
        # the same canonical URL is the same article; else the article this entry (GUID) gave before
        owner = self.registry.article(page.key) or known
        folder = folder or self.archive.page_folder(site_name(page.url))
        relpath = owner.path if owner else self.archive.new_path(folder, page)
        path = self.archive.absolute(relpath)
        existed = path.exists()
        written = self.archive.write(relpath, page)
        status = "updated" if written and existed else "new" if written else "unchanged"
        self.registry.save_article(ArticleRecord(
            key=page.key, url=page.url, path=relpath,
            content_hash=hashlib.sha256(render(page).encode("utf-8")).hexdigest(),
            etag=fetched.etag if fetched else None, last_modified=fetched.last_modified if fetched else None,
            fetched_at=utc_now(),
            indexed=bool(owner and owner.indexed and not written),
        ), replaces=owner.key if owner and owner.key != page.key else None)
        if written:
            report.written.append(path)
            log.info("%s %s -> %s", status, url, relpath)
        return ItemResult(url, status, path, page.title)

    def _index(self, index_paths: IndexPaths | None, report: FetchReport) -> None:
        pending = self.registry.unindexed_paths()
        if index_paths is None or not pending:
            return
        paths = [self.archive.absolute(p) for p in pending]
        try:
            report.index = index_paths(paths)
        except NewsbotError as exc:
            report.index_error = f"{exc} The articles are saved; the next fetch indexes them."
            return
        except Exception as exc:  # an indexing bug must not lose the fetched articles
            log.exception("indexing fetched articles failed")
            report.index_error = (f"indexing failed ({type(exc).__name__}: {exc}); the articles are saved "
                                  "and the next fetch indexes them")
            return
        failed = {os.path.realpath(f.path) for f in report.index.failed}
        self.registry.mark_indexed([rel for rel, path in zip(pending, paths) if os.path.realpath(path) not in failed])


def fetch_feeds(settings: IndexSettings, *, index_paths: IndexPaths | None = None) -> FetchReport:
    """Poll every subscribed feed once (see `FeedService.fetch_feeds`)."""
    with FeedService(settings) as service:
        return service.fetch_feeds(index_paths)


def add_page(settings: IndexSettings, url: str, *, index_paths: IndexPaths | None = None) -> FetchReport:
    """Fetch one article page into the corpus and index it (see `FeedService.add_page`)."""
    with FeedService(settings) as service:
        return service.add_page(url, index_paths)


def _poll_error(problem: str, failed: list[ItemResult], total: int) -> str | None:
    """The feed's last error for `newsbot feeds list`: its own problem, and how many items failed."""
    parts = [problem] if problem else []
    if failed:
        first = failed[0]
        parts.append(f"{len(failed)} of {total} item(s) failed, e.g. {first.url}: {first.reason}")
    return "; ".join(parts) or None


def _valid_name(name: str, *, fallback: str | None = None) -> str:
    text = " ".join(clean_text(str(name)).split())
    if not text and fallback:
        return _valid_name(fallback)
    if not text:
        raise FeedRegistryError("A feed name cannot be empty.")
    if "://" in text:
        raise FeedRegistryError(f"“{text[:100]}” looks like a URL; a feed name is a few words (e.g. Example News).")
    if len(text) > 100:
        if fallback is not None:  # a long feed title: shorten it rather than refuse the feed
            return text[:99].rstrip() + "…"
        raise FeedRegistryError(f"A feed name is at most 100 characters (this one has {len(text)}).")
    return text
