"""The careful HTTP client against a real server on 127.0.0.1 (no mocks of httpx)."""

from __future__ import annotations

import pytest

from index.feeds.addresses import AddressPolicy
from index.feeds.client import Crawler, CrawlerConfig, HostPacer
from index.feeds.errors import (
    BlockedAddressError,
    ContentTypeError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    RedirectError,
    ResolveError,
    TooLargeError,
)
from testing.news_site import HTML, RSS, NewsSite, article_page, rss20

ALLOW = AddressPolicy(allow_private=True)
UA = "newsbot/0.1 (+https://example.org/newsbot)"


@pytest.fixture
def crawl(resolver):
    crawlers: list[Crawler] = []

    def make(**config) -> Crawler:
        values = {"timeout": 10.0, "max_bytes": 100_000, "host_delay": 0.0, "user_agent": UA, "policy": ALLOW}
        values.update(config)
        crawler = Crawler(CrawlerConfig(**values), resolver=resolver)
        crawlers.append(crawler)
        return crawler

    yield make
    for crawler in crawlers:
        crawler.close()


def test_get_a_feed_names_newsbot_and_keeps_the_validators(site: NewsSite, crawl):
    site.put("/feed.xml", rss20("City News", []), RSS)
    fetched = crawl().get(site.url("/feed.xml"), "feed")
    assert fetched.status == 200 and fetched.media_type == "application/rss+xml" and fetched.charset == "utf-8"
    assert b"City News" in fetched.content
    assert fetched.etag and fetched.last_modified
    assert site.hits[-1].user_agent == UA


def test_conditional_get_downloads_nothing_when_unchanged(site: NewsSite, crawl):
    site.put("/feed.xml", rss20("City News", []), RSS)
    crawler = crawl()
    first = crawler.get(site.url("/feed.xml"), "feed")
    by_etag = crawler.get(site.url("/feed.xml"), "feed", etag=first.etag)
    by_date = crawler.get(site.url("/feed.xml"), "feed", last_modified=first.last_modified)
    assert by_etag.not_modified and by_date.not_modified and by_etag.content == b""
    assert [hit.status for hit in site.hits] == [200, 304, 304]
    assert site.hits[1].if_none_match == first.etag
    assert site.hits[2].if_modified_since == first.last_modified

    site.put("/feed.xml", rss20("City News, changed", []), RSS)
    changed = crawler.get(site.url("/feed.xml"), "feed", etag=first.etag)
    assert changed.status == 200 and b"changed" in changed.content and changed.etag != first.etag


def test_redirects_are_followed_hop_by_hop(site: NewsSite, crawl):
    site.put("/story", article_page("Park", ["Text."]))
    site.redirect("/old", "/older", 301)
    site.redirect("/older", site.url("/story", host="news.test"), 302)
    fetched = crawl().get(site.url("/old"), "page")
    assert fetched.url == site.url("/old")
    assert fetched.final_url == site.url("/story", host="news.test")
    assert [(h.path, h.status) for h in site.hits] == [("/old", 301), ("/older", 302), ("/story", 200)]
    assert site.hits[-1].host == f"news.test:{site.port}"  # connected to the checked address, named by Host


def test_redirect_loops_and_chains_are_bounded(site: NewsSite, crawl):
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")
    with pytest.raises(RedirectError, match="redirect loop"):
        crawl().get(site.url("/a"), "page")
    for n in range(8):
        site.redirect(f"/r{n}", f"/r{n + 1}")
    with pytest.raises(RedirectError, match="more than 5 redirects"):
        crawl().get(site.url("/r0"), "page")
    assert len(site.hits_for("/r6")) == 0  # stopped after the sixth request


def test_a_redirect_to_another_scheme_or_without_location_is_refused(site: NewsSite, crawl):
    site.redirect("/to-file", "file:///etc/passwd")
    site.put("/no-location", b"", "text/plain", status=302)
    with pytest.raises(RedirectError, match="file:///etc/passwd.*only http"):
        crawl().get(site.url("/to-file"), "page")
    with pytest.raises(RedirectError, match="without a Location"):
        crawl().get(site.url("/no-location"), "page")


def test_private_addresses_are_refused_before_any_request(site: NewsSite, crawl):
    site.put("/feed.xml", rss20("City News", []), RSS)
    crawler = crawl(policy=AddressPolicy(allow_private=False))
    for url in (site.url("/feed.xml"), site.url("/feed.xml", host="news.test")):
        with pytest.raises(BlockedAddressError) as caught:
            crawler.get(url, "feed")
        assert caught.value.url == url
        assert "127.0.0.1" in caught.value.reason and "loopback" in caught.value.reason
    assert site.hits == []


def test_a_host_resolving_to_a_public_and_a_private_address_is_refused(site: NewsSite, crawl, resolver):
    resolver.table["mixed.test"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(BlockedAddressError, match="127.0.0.1"):
        crawl(policy=AddressPolicy(allow_private=False)).get(site.url("/x", host="mixed.test"), "page")
    assert site.hits == []


def test_a_redirect_from_an_allowed_host_to_a_private_one_is_refused(site: NewsSite, crawl):
    site.put("/story", article_page("Park", ["Text."]))
    site.redirect("/go", site.url("/story"))  # feeds.test (allowed by name) -> 127.0.0.1 (not allowed)
    crawler = crawl(policy=AddressPolicy(private_hosts=frozenset({"feeds.test"})))
    with pytest.raises(BlockedAddressError) as caught:
        crawler.get(site.url("/go", host="feeds.test"), "page")
    assert caught.value.url == site.url("/go", host="feeds.test")
    assert f"redirected to {site.url('/story')}" in caught.value.reason and "loopback" in caught.value.reason
    assert [h.path for h in site.hits] == ["/go"]  # the private target was never asked


def test_unresolvable_hosts_and_bad_urls(crawl):
    with pytest.raises(ResolveError, match="does not resolve"):
        crawl().get("http://nowhere.invalid/feed", "feed")
    with pytest.raises(InvalidURLError):
        crawl().get("gopher://news.test/", "feed")


@pytest.mark.parametrize(("status", "phrase"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"),
                                                (403, "HTTP 403 Forbidden")])
def test_error_statuses_are_typed_and_named(site: NewsSite, crawl, status, phrase):
    site.put("/page", "oops", status=status)
    with pytest.raises(HTTPStatusError) as caught:
        crawl().get(site.url("/page"), "page")
    assert caught.value.status == status and phrase in caught.value.reason


def test_a_missing_page_is_404(site: NewsSite, crawl):
    with pytest.raises(HTTPStatusError, match="404"):
        crawl().get(site.url("/nothing-here"), "page")


def test_content_types_are_checked(site: NewsSite, crawl):
    site.put("/report.pdf", b"%PDF-1.4 ...", "application/pdf")
    site.put("/page", article_page("Park", ["Text."]), HTML)
    site.put("/feed.xml", rss20("City News", []), RSS)
    with pytest.raises(ContentTypeError, match="application/pdf, not an HTML page"):
        crawl().get(site.url("/report.pdf"), "page")
    with pytest.raises(ContentTypeError, match="text/html, not an RSS or Atom feed"):
        crawl().get(site.url("/page"), "feed")
    with pytest.raises(ContentTypeError, match="application/rss\\+xml, not an HTML page"):
        crawl().get(site.url("/feed.xml"), "page")


def test_a_declared_huge_response_is_refused_before_reading(site: NewsSite, crawl):
    site.put("/huge", "<html><body>" + "<p>word</p>" * 50_000 + "</body></html>")
    with pytest.raises(TooLargeError, match="over the limit of 100,000 bytes"):
        crawl().get(site.url("/huge"), "page")


def test_an_undeclared_huge_response_is_cut_while_streaming(site: NewsSite, crawl):
    site.put("/huge", "<html><body>" + "<p>word</p>" * 50_000 + "</body></html>", length=False)
    with pytest.raises(TooLargeError, match="more than 100,000 bytes"):
        crawl().get(site.url("/huge"), "page")


def test_a_server_that_does_not_answer_times_out(site: NewsSite, crawl):
    site.put("/slow", article_page("Slow", ["Text."]))
    release = site.hold("/slow")
    try:
        with pytest.raises(FetchTimeoutError) as caught:
            crawl(timeout=0.2).get(site.url("/slow"), "page")
        assert caught.value.url == site.url("/slow") and "FEED_TIMEOUT" in caught.value.reason
    finally:
        release.set()


def test_a_whole_response_has_a_deadline(site: NewsSite, resolver):
    """A server trickling bytes within the read timeout still has to finish: a clock that jumps says when."""
    site.put("/page", "<html>" + "x" * 200_000 + "</html>", length=False)
    ticks = iter(range(0, 10_000, 50))  # every reading of the clock is 50 s later
    config = CrawlerConfig(timeout=10.0, max_bytes=1_000_000, host_delay=0.0, policy=ALLOW)
    with Crawler(config, resolver=resolver, clock=lambda: next(ticks)) as crawler:
        with pytest.raises(FetchTimeoutError, match="more than 30 s"):
            crawler.get(site.url("/page"), "page")


def test_the_host_pacer_spaces_requests_to_one_host():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = HostPacer(2.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait("news.test")
    pacer.wait("other.test")
    assert slept == []
    pacer.wait("NEWS.test")
    assert slept == [2.0]
    now[0] += 5.0
    pacer.wait("news.test")
    assert slept == [2.0]


def test_the_crawler_waits_between_requests_to_one_host(site: NewsSite, resolver):
    site.put("/a", article_page("A", ["Text."]))
    slept: list[float] = []
    pacer = HostPacer(1.5, clock=lambda: 0.0, sleep=slept.append)  # time stands still: every wait is whole
    with Crawler(CrawlerConfig(host_delay=1.5, policy=ALLOW), resolver=resolver, pacer=pacer) as crawler:
        crawler.get(site.url("/a"), "page")
        crawler.get(site.url("/a"), "page")
        crawler.get(site.url("/a", host="news.test"), "page")
    assert slept == [1.5]
