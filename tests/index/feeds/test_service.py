"""The orchestrator against the fake news site: subscribe, poll, store, identity, failures, retries.

Real HTTP on 127.0.0.1, real feedparser and trafilatura, real SQLite and files. Indexing is a
recording callable here (the real indexer and engine are in test_end_to_end.py).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from index.errors import IndexBusyError
from index.feeds import FeedRegistryError, FeedsBusyError, FetchError
from index.feeds.service import MAX_ITEM_ATTEMPTS
from index.models import IndexReport, LoadFailure
from testing.news_site import ATOM, RDF, RSS, NewsSite, Story, article_page, atom, paragraphs_html, rss10, rss20
from tests.index.feeds.conftest import PARAGRAPHS, PUBLISHED

#: an article long enough that a feed item carrying it is not taken for a teaser (index.feeds.pages)
FULL_TEXT = PARAGRAPHS + [
    "The freight yard closed in 1998, and the land has been fenced off and unused since the railway left.",
    "Residents of the neighbouring streets had campaigned for a park for more than ten years, the mayor said.",
    "The plan includes a playground, a skate park, two football pitches and a path along the river bank.",
    "A café and public toilets will be built in the old signal box, which is listed as a historic building.",
    "The opposition said the budget was too small to clean the polluted soil and called for an independent study.",
]
BRIDGE = ["The old stone bridge over the river reopened to traffic on Monday after eighteen months of repairs.",
          "Engineers replaced the rusted steel beams and widened the footpaths on both sides of the bridge."]


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def corpus_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def publish(news: NewsSite, path: str, title: str, paragraphs: list[str] = PARAGRAPHS, **page) -> str:
    news.put(path, article_page(title, paragraphs, **page))
    return news.url(path)


class RecordingIndex:
    """Stands in for Engine.reindex: records the paths it is given; can be told to fail."""

    def __init__(self) -> None:
        self.calls: list[list[Path]] = []
        self.fail_with: Exception | None = None
        self.load_failures: set[Path] = set()

    def __call__(self, paths: list[Path]) -> IndexReport:
        self.calls.append(list(paths))
        if self.fail_with is not None:
            raise self.fail_with
        report = IndexReport(added=[str(p) for p in paths if p not in self.load_failures])
        report.failed = [LoadFailure(p, "malformed YAML front matter") for p in paths if p in self.load_failures]
        return report


# --- subscriptions ----------------------------------------------------------------------
def test_add_feed_takes_the_feeds_title_and_refuses_duplicates(site, make_service):
    site.put("/feed.xml", rss20("City News", []), RSS)
    site.put("/untitled.xml", rss20("", []), RSS)
    service = make_service()
    feed = service.add_feed(site.url("/feed.xml"))
    assert (feed.name, feed.slug, feed.url, feed.items) == ("City News", "city-news", site.url("/feed.xml"), 0)
    with pytest.raises(FeedRegistryError, match="already subscribed"):
        service.add_feed(site.url("/feed.xml/?utm_source=x#top"))
    with pytest.raises(FeedRegistryError, match="already named"):
        service.add_feed(site.url("/untitled.xml"), name="city NEWS")
    assert service.add_feed(site.url("/untitled.xml")).name == "127.0.0.1"  # no title: the host
    assert [f.name for f in service.feeds()] == ["127.0.0.1", "City News"]
    assert corpus_files(service.settings.corpus_dir) == []  # subscribing fetches no articles


def test_add_feed_refuses_what_is_not_a_readable_feed(site, make_service):
    publish(site, "/page", "A page")
    site.put("/broken.xml", "<rss><channel><title>T &nope;</title>", RSS)
    service = make_service()
    for path, reason in [("/page", "not an RSS or Atom feed"), ("/missing.xml", "HTTP 404"),
                         ("/broken.xml", "malformed feed")]:
        with pytest.raises(FetchError) as caught:
            service.add_feed(site.url(path))
        assert caught.value.url == site.url(path) and reason in caught.value.reason
    with pytest.raises(FeedRegistryError, match="looks like a URL"):
        service.add_feed(site.url("/x"), name="http://evil.test/")
    assert service.feeds() == []


def test_remove_feed_by_url_or_name_keeps_its_articles(site, make_service):
    site.put("/feed.xml", rss20("City News", [Story("Park", publish(site, "/park", "Park"))]), RSS)
    site.put("/other.xml", atom("Other News", []), ATOM)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    service.add_feed(site.url("/other.xml"))
    service.fetch_feeds()
    files = corpus_files(service.settings.corpus_dir)
    assert service.remove_feed(site.url("/feed.xml/") + "?utm_medium=rss").name == "City News"
    assert service.remove_feed("other NEWS").name == "Other News"
    assert service.feeds() == [] and corpus_files(service.settings.corpus_dir) == files
    with pytest.raises(FeedRegistryError, match="No feed has the name or URL “City News”"):
        service.remove_feed("City News")


# --- fetching -----------------------------------------------------------------------------
@pytest.mark.parametrize(("build", "media_type"), [(rss20, RSS), (rss10, RDF), (atom, ATOM)])
def test_fetch_writes_the_article_with_its_front_matter(site, make_service, build, media_type):
    link = publish(site, "/2024/05/park", "Council approves park", canonical=site.url("/2024/05/park"),
                   author="Page Author", date="2024-05-03")
    site.put("/feed", build("City News", [Story("Council approves riverside park", link + "?utm_source=rss",
                                                guid="urn:park", published=PUBLISHED, author="Jane Roe")]), media_type)
    service = make_service()
    service.add_feed(site.url("/feed"), name="City Daily")
    index = RecordingIndex()
    report = service.fetch_feeds(index)
    assert report.ok, report.failures()
    [item] = report.new
    assert item.path.parent == service.settings.corpus_dir / "feeds" / "city-daily"
    assert report.written == [item.path] and index.calls == [[item.path]]
    meta = front_matter(item.path)
    assert meta["title"] == "Council approves riverside park"  # the feed's title wins over the page's
    assert meta["source"] == "City Daily" and meta["url"] == link
    assert meta["published_at"] == "2024-05-02T10:00:00+00:00" and "Jane Roe" in meta["author"]
    body = item.path.read_text().split("---\n", 2)[2]
    assert PARAGRAPHS[2] in body and "Copyright" not in body and "World" not in body
    [feed] = service.feeds()
    assert feed.items == 1 and feed.last_success and feed.last_error is None


def test_the_page_fills_what_the_feed_does_not_say(site, make_service):
    link = publish(site, "/park", "Council approves park", author="Page Author", date="2024-05-03")
    site.put("/feed.xml", rss20("City News", [Story("", link)]), RSS)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    [item] = service.fetch_feeds().new
    meta = front_matter(item.path)
    assert (meta["title"], meta["published_at"], meta["author"]) == ("Council approves park", "2024-05-03", "Page Author")


def test_a_second_fetch_downloads_nothing(site, make_service):
    site.put("/feed.xml", rss20("City News", [Story("Park", publish(site, "/park", "Park"))]), RSS)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    index = RecordingIndex()
    assert len(service.fetch_feeds(index).new) == 1
    site.clear_hits()
    again = service.fetch_feeds(index)
    assert again.ok and again.new == again.updated == [] and again.written == []
    assert [(h.path, h.status) for h in site.hits] == [("/feed.xml", 304)]
    assert again.feeds[0].status == "not-modified" and len(index.calls) == 1  # nothing to index

    # a new story in the feed: the feed and the new page are downloaded, the known page is not
    stories = [Story("Bridge", publish(site, "/bridge", "Bridge reopens", BRIDGE)), Story("Park", site.url("/park"))]
    site.put("/feed.xml", rss20("City News", stories), RSS)
    site.clear_hits()
    third = service.fetch_feeds(index)
    assert [i.status for i in third.feeds[0].items] == ["new", "unchanged"]
    assert [(h.path, h.status) for h in site.downloads()] == [("/feed.xml", 200), ("/bridge", 200)]


def test_an_edited_page_replaces_its_article(site, make_service):
    link = publish(site, "/park", "Park")
    story = Story("Park", link, guid="urn:park", published=PUBLISHED)
    site.put("/feed.xml", atom("City News", [story]), ATOM)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    [first] = service.fetch_feeds().new

    publish(site, "/park", "Park", PARAGRAPHS[:2] + ["The council raised the budget to 19 million euros on Friday."])
    site.put("/feed.xml", atom("City News", [Story("Park", link, guid="urn:park", published=PUBLISHED + timedelta(hours=3))]),
             ATOM)
    report = service.fetch_feeds()
    [updated] = report.updated
    assert updated.path == first.path and report.written == [first.path]
    assert "19 million euros" in first.path.read_text()
    assert len(list(first.path.parent.iterdir())) == 1

    # the same page fetched on its own, unchanged: a conditional GET, nothing rewritten
    site.clear_hits()
    page = service.add_page(link)
    assert [p.status for p in page.pages] == ["unchanged"] and page.written == []
    assert [h.status for h in site.hits] == [304]


@pytest.mark.parametrize(("build", "media_type"), [(rss20, RSS), (atom, ATOM)])
def test_an_item_with_its_full_text_is_taken_from_the_feed_without_a_download(site, make_service, build,
                                                                               media_type):
    link = site.url("/2024/05/park")  # no page is served there: the feed's text must be enough
    story = Story("Council approves riverside park", link, guid="urn:park", published=PUBLISHED, author="Jane Roe",
                  summary="The council voted for a park.", content=paragraphs_html(FULL_TEXT))
    site.put("/feed", build("City News", [story]), media_type)
    service = make_service()
    service.add_feed(site.url("/feed"))
    site.clear_hits()
    index = RecordingIndex()
    report = service.fetch_feeds(index)
    assert report.ok, report.failures()
    [item] = report.new
    assert [h.path for h in site.hits] == ["/feed"]  # the page was not requested
    meta = front_matter(item.path)
    assert (meta["title"], meta["url"], meta["source"]) == ("Council approves riverside park", link, "City News")
    assert meta["published_at"] == "2024-05-02T10:00:00+00:00" and "Jane Roe" in meta["author"]
    body = item.path.read_text().split("---\n", 2)[2]
    assert all(p in body for p in FULL_TEXT) and "The council voted for a park." not in body
    assert index.calls == [[item.path]]

    # the item's text edited in the feed: the article is replaced, still without a download
    edited = FULL_TEXT[:2] + ["The council raised the budget to 19 million euros on Friday."] + FULL_TEXT[3:]
    site.put("/feed", build("City News", [Story(story.title, link, guid="urn:park", published=PUBLISHED,
                                                content=paragraphs_html(edited))]), media_type)
    site.clear_hits()
    again = service.fetch_feeds(index)
    assert [i.status for i in again.items()] == ["updated"] and again.updated[0].path == item.path
    assert "19 million euros" in item.path.read_text() and [h.path for h in site.hits] == ["/feed"]


def test_an_items_text_is_not_taken_from_another_site_a_stub_or_when_switched_off(site, make_service):
    other_site = publish(site, "/elsewhere", "Bridge reopens", BRIDGE)
    other_site = other_site.replace("127.0.0.1", "news.test")  # a feed on 127.0.0.1 speaks for it: not its site
    stub = publish(site, "/stub", "Park", PARAGRAPHS)
    stories = [Story("Bridge", other_site, content=paragraphs_html([
                "The bridge was sold to a private investor, the city said on Monday.",
                "Tolls on the bridge will double next year, the investor announced."])),
               Story("Park", stub, content="<p>Read the full story on our site.</p>")]
    site.put("/feed.xml", rss20("City News", stories), RSS)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    site.clear_hits()
    report = service.fetch_feeds()
    assert report.ok, report.failures()
    assert sorted(h.path for h in site.downloads()) == ["/elsewhere", "/feed.xml", "/stub"]
    texts = {front_matter(i.path)["title"]: i.path.read_text() for i in report.new}
    assert BRIDGE[0] in texts["Bridge"] and "private investor" not in texts["Bridge"]  # the page's text
    assert PARAGRAPHS[2] in texts["Park"]

    # switched off: a full-text item on the feed's own site is downloaded too
    site.put("/2024/05/park", article_page("Park", PARAGRAPHS))
    site.put("/own.xml", rss20("Own", [Story("Park", site.url("/2024/05/park"), content=paragraphs_html(BRIDGE * 4))]),
             RSS)
    off = make_service(feed_item_content=False)
    off.add_feed(site.url("/own.xml"))
    site.clear_hits()
    [item] = off.fetch_feeds().new
    assert [h.path for h in site.downloads()] == ["/own.xml", "/2024/05/park"]
    assert PARAGRAPHS[2] in item.path.read_text() and BRIDGE[0] not in item.path.read_text()


def test_a_redirected_feed_or_an_article_another_source_brought_is_read_from_its_page(site, make_service):
    page = publish(site, "/2024/05/park", "Council approves park", PARAGRAPHS)
    invented = paragraphs_html(["The council secretly sold the park to a casino operator."] + FULL_TEXT[3:])
    site.put("/feed.xml", rss20("City News", []), RSS)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    # the feed's URL now redirects to another host, whose item claims the text of this site's page
    site.put("/evil.xml", rss20("City News", [Story("Park", page, content=invented)]), RSS)
    site.redirect("/feed.xml", site.url("/evil.xml", host="feeds.test"))
    site.clear_hits()
    [item] = service.fetch_feeds().new
    assert "/2024/05/park" in [h.path for h in site.downloads()]
    assert "casino" not in item.path.read_text() and PARAGRAPHS[2] in item.path.read_text()

    # an article `newsbot add` brought is not overwritten by a feed's text for the same URL
    added = publish(site, "/2024/05/bridge", "Bridge reopens", BRIDGE)
    service.add_page(added)
    site.put("/own.xml", rss20("Own", [Story("Bridge", added, content=invented)]), RSS)
    service.add_feed(site.url("/own.xml"))
    site.clear_hits()
    service.fetch_feeds()
    assert "/2024/05/bridge" in [h.path for h in site.hits]  # its page decides (here: 304, unchanged)
    assert all("casino" not in p.read_text() for p in service.settings.corpus_dir.rglob("*.md"))


def test_url_variants_are_one_article(site, make_service):
    canonical = site.url("/park", host="news.test")
    publish(site, "/park", "Park", canonical=canonical)
    publish(site, "/park/amp", "Park", canonical=canonical)
    stories = [Story("Park", site.url("/park?utm_source=rss&fbclid=1", host="www.news.test"), guid="a"),
               Story("Park (AMP)", site.url("/park/amp", host="amp.news.test"), guid="b")]
    site.put("/feed.xml", rss20("City News", stories), RSS)
    service = make_service()
    service.add_feed(site.url("/feed.xml", host="news.test"))
    report = service.fetch_feeds()
    page = service.add_page(site.url("/park?gclid=9#comments", host="m.news.test"))
    assert [i.status for i in report.items()] == ["new", "unchanged"]
    assert [p.status for p in page.pages] == ["unchanged"]
    assert corpus_files(service.settings.corpus_dir) == [report.new[0].path.relative_to(
        service.settings.corpus_dir).as_posix()]
    assert front_matter(report.new[0].path)["url"] == canonical


def test_a_feed_guid_keeps_its_article_when_the_link_changes(site, make_service):
    site.put("/feed.xml", rss20("City News", [Story("Park", publish(site, "/park-draft", "Park"), guid="urn:1")]), RSS)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    [first] = service.fetch_feeds().new
    site.put("/feed.xml", rss20("City News", [Story("Park", publish(site, "/park-final", "Park"), guid="urn:1")]), RSS)
    report = service.fetch_feeds()
    assert [i.status for i in report.items()] == ["updated"]
    assert report.updated[0].path == first.path and front_matter(first.path)["url"] == site.url("/park-final")
    assert len(corpus_files(service.settings.corpus_dir)) == 1


def test_every_bad_case_is_named_and_the_rest_are_stored(site, make_service):
    good = publish(site, "/good", "Park")
    site.put("/slow", article_page("Slow", PARAGRAPHS))
    release = site.hold("/slow")
    site.put("/empty", "<html><head><title>App</title></head><body><div id='app'></div>"
                       "<script>render()</script></body></html>")
    site.put("/huge", article_page("Huge", ["A long sentence about the park. " * 40] * 800))
    site.put("/report.pdf", b"%PDF-1.4 binary", "application/pdf")
    site.put("/oops", "error", status=500)
    bad = {
        site.url("/missing"): "HTTP 404",
        site.url("/oops"): "HTTP 500",
        site.url("/slow"): "FEED_TIMEOUT",
        site.url("/empty"): "no article text",
        site.url("/huge"): "FEED_MAX_BYTES",
        site.url("/report.pdf"): "application/pdf, not an HTML page",
        "ftp://news.test/story": "only http:// and https://",
    }
    stories = [Story(f"Story {n}", url) for n, url in enumerate(bad)] + [Story("Good", good)]
    site.put("/feed.xml", rss20("City News", stories), RSS)
    site.put("/bridge.xml", rss20("Bridge News", [Story("Bridge", publish(site, "/bridge", "Bridge", BRIDGE))]), RSS)
    site.put("/broken.xml", rss20("Broken News", []), RSS)
    site.put("/gone.xml", rss20("Gone", []), RSS)
    service = make_service(feed_timeout=5.0, feed_max_bytes=200_000)
    for path in ("/feed.xml", "/bridge.xml", "/broken.xml", "/gone.xml"):
        service.add_feed(site.url(path))
    site.put("/broken.xml", "<rss version='2.0'><channel><title>T &nope;</title><item><title>x", RSS)
    site.put("/gone.xml", "gone", status=410)
    try:
        report = service.fetch_feeds(RecordingIndex())
    finally:
        release.set()
    reasons = {f.url: f.reason for f in report.failures()}
    for url, reason in bad.items():
        assert reason in reasons[url], (url, reasons.get(url))
    assert "malformed feed" in reasons[site.url("/broken.xml")]
    assert "HTTP 410" in reasons[site.url("/gone.xml")]
    assert sorted(i.url for i in report.new) == [site.url("/bridge"), good]
    listed = {f.name: f for f in service.feeds()}
    assert listed["City News"].items == 1 and listed["City News"].last_success
    assert listed["City News"].last_error.startswith(f"{len(bad)} of {len(bad) + 1} item(s) failed")
    assert "HTTP 410" in listed["Gone"].last_error and listed["Gone"].last_success is None
    assert listed["Bridge News"].last_error is None


def test_a_failed_page_is_retried_on_the_next_poll_and_then_given_up(site, make_service):
    site.put("/feed.xml", rss20("City News", [Story("Park", site.url("/park"))]), RSS)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    first = service.fetch_feeds()
    assert [i.status for i in first.items()] == ["failed"]
    publish(site, "/park", "Park")
    site.clear_hits()
    second = service.fetch_feeds()
    assert [i.status for i in second.items()] == ["new"]
    assert site.hits_for("/feed.xml")[0].status == 200  # the feed's validators were not kept while a page failed

    site.put("/feed.xml", rss20("City News", [Story("Bridge", site.url("/bridge"))]), RSS)
    for _ in range(MAX_ITEM_ATTEMPTS):
        assert [i.status for i in service.fetch_feeds().items()] == ["failed"]
    site.clear_hits()
    given_up = service.fetch_feeds()
    assert given_up.items() == [] and given_up.feeds[0].skipped == 1 and site.hits_for("/bridge") == []


def test_a_feed_item_pointing_at_a_private_address_is_refused_unless_allowed(site, make_service, feed_settings):
    inside = publish(site, "/inside", "Park")  # http://127.0.0.1:PORT/inside
    site.redirect("/sneaky", inside)
    outside = publish(site, "/bridge", "Bridge", BRIDGE)
    stories = [Story("Park", inside), Story("Park", site.url("/sneaky", host="feeds.test")),
               Story("Bridge", outside.replace("127.0.0.1", "feeds.test"))]
    site.put("/feed.xml", rss20("City News", stories), RSS)
    # the feed's own host is allowed by name (an intranet feed); nothing else private is
    strict = feed_settings(feeds_allow_private=False, feeds_private_hosts=frozenset({"feeds.test"}))
    service = make_service(strict)
    service.add_feed(site.url("/feed.xml", host="feeds.test"))
    report = service.fetch_feeds()
    reasons = {f.url: f.reason for f in report.failures()}
    assert "127.0.0.1 is a loopback address" in reasons[inside] and "FEEDS_ALLOW_PRIVATE" in reasons[inside]
    sneaky = reasons[site.url("/sneaky", host="feeds.test")]
    assert f"redirected to {inside}" in sneaky and "loopback" in sneaky
    assert [i.url for i in report.new] == [outside.replace("127.0.0.1", "feeds.test")]
    assert site.hits_for("/inside") == []  # refused before connecting

    # allowed now: the refused items are retried on the next poll
    allowed = make_service(feed_settings(feeds_allow_private=True))
    retried = allowed.fetch_feeds()
    assert [(i.url, i.status) for i in retried.items()] == [
        (inside, "new"), (site.url("/sneaky", host="feeds.test"), "unchanged"), (stories[2].link, "unchanged")]
    assert not retried.failures()


def test_add_page_stores_one_article_under_its_site(site, make_service):
    link = publish(site, "/2024/05/bridge", "Bridge reopens", BRIDGE, site="River Times")
    service = make_service()
    index = RecordingIndex()
    report = service.add_page(link + "?utm_campaign=x", index)
    [page] = report.pages
    assert page.status == "new" and page.title == "Bridge reopens"
    assert page.path.relative_to(service.settings.corpus_dir).as_posix().startswith("pages/127-0-0-1/bridge-")
    assert front_matter(page.path)["source"] == "River Times" and index.calls == [[page.path]]
    bad = service.add_page(site.url("/nothing"))
    assert [(p.status, p.url) for p in bad.pages] == [("failed", site.url("/nothing"))]
    assert "HTTP 404" in bad.failures()[0].reason


def test_files_not_indexed_yet_are_handed_over_again(site, make_service):
    site.put("/feed.xml", rss20("City News", [Story("Park", publish(site, "/park", "Park"))]), RSS)
    service = make_service()
    service.add_feed(site.url("/feed.xml"))
    index = RecordingIndex()
    index.fail_with = IndexBusyError("data/index.lock")
    first = service.fetch_feeds(index)
    assert "already running" in first.index_error and first.written
    assert first.failures()[-1].url == "index"
    index.fail_with = None
    index.load_failures = {first.written[0]}
    second = service.fetch_feeds(index)  # nothing new was fetched, the file is indexed now
    assert second.written == [] and index.calls[-1] == first.written
    assert "not indexed: malformed YAML" in second.failures()[0].reason
    index.load_failures = set()
    service.fetch_feeds(index)
    calls = len(index.calls)
    service.fetch_feeds(index)
    assert len(index.calls) == calls  # everything indexed: nothing handed over


def test_one_fetch_at_a_time(site, make_service):
    service = make_service()
    service.settings.data_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(service.settings.data_dir / "feeds.lock")):
        with pytest.raises(FeedsBusyError, match="Another feed fetch is running"):
            service.fetch_feeds()
