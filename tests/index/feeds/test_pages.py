"""Article pages and feed items with their full text -> article records (index.feeds.pages over index.htmltext):
real trafilatura, pages built by the test-data factories."""

from __future__ import annotations

from index.feeds.client import Fetched
from index.feeds.pages import item_article, page_article
from index.feeds.parsing import FeedItem
from index.htmltext import extract_html_article
from tests.factories import FALLBACKS, html_page

KEPT = ["The central bank kept interest rates unchanged on Thursday, citing slowing inflation in the region.",
        "Analysts had expected the decision and markets barely moved after the announcement by the governor."]
URL = "https://news.test/economy/rates"
FEEDS = ("https://news.test/feed.xml",)
#: the rest of the article: a feed item's own text is taken only when it is clearly more than a teaser
MORE = ["The bank's governor said the board would watch wages and energy prices closely over the summer months.",
        "Two members of the board had argued for a small cut, according to the minutes published on Friday.",
        "Mortgage lenders said they expected fixed rates to stay close to their current levels until autumn.",
        "Exporters welcomed the decision, while retailers asked for lower rates to revive weak consumer demand.",
        "The next decision is due in six weeks, after new figures on inflation and employment are published."]


def item(content: str, link: str = URL, summary: str = "") -> FeedItem:
    return FeedItem(guid=link, link=link, title="Rates held", published_at="2024-05-02T10:00:00+00:00", author="",
                    fingerprint="f", content=content, summary=summary)


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_noscript_and_iframe_text_stays_out_of_a_fetched_page() -> None:
    page = html_page(title="Rates held", paragraphs=KEPT, fallbacks=FALLBACKS, url=URL)
    fetched = Fetched(url=URL, final_url=URL, status=200, content=page.encode(), media_type="text/html",
                      charset="utf-8")

    article = page_article(fetched)

    assert article.title == "Rates held"
    assert article.body == "\n\n".join(KEPT)


def test_noscript_and_iframe_text_stays_out_of_a_feed_items_content() -> None:
    content = (f"<p>{KEPT[0]}</p><noscript><p>{FALLBACKS[0]}</p></noscript>"
               f"<iframe src='https://ads.example/1'><p>{FALLBACKS[1]}</p></iframe><p>{KEPT[1]}</p>"
               + paragraphs(MORE))

    article = item_article(item(content), URL, feed_urls=FEEDS)

    assert article is not None
    assert article.body == "\n\n".join(KEPT + MORE)


def test_a_teaser_or_an_item_no_longer_than_its_summary_sends_newsbot_to_the_page() -> None:
    teaser = paragraphs(KEPT) + "<p>The post Rates held appeared first on City News.</p>"  # ≥ 15 words, a teaser
    assert item_article(item(teaser), URL, feed_urls=FEEDS) is None
    full = paragraphs(KEPT + MORE)
    assert item_article(item(full, summary=full), URL, feed_urls=FEEDS) is None  # the summary says as much
    assert item_article(item(full, summary=paragraphs(KEPT)), URL, feed_urls=FEEDS) is not None


def test_a_feed_gives_the_text_of_its_own_site_only() -> None:
    full = paragraphs(KEPT + MORE)
    for feeds, link in [(("https://blog.news.test/feed.xml",), URL),  # a subdomain's feed, the parent's page
                        (("https://news.test:8443/feed.xml",), URL),  # another port
                        (("https://evil-news.test/feed.xml",), URL),
                        (("https://news.test/feed.xml", "https://evil.test/feed.xml"), URL)]:  # redirected away
        assert item_article(item(full, link=link), link, feed_urls=feeds) is None, feeds
    assert item_article(item(full, link="https://www.news.test/x"), "https://www.news.test/x", feed_urls=FEEDS)
    assert item_article(item(full, link="https://sport.news.test/x"), "https://sport.news.test/x",
                        feed_urls=FEEDS)


def test_the_text_after_a_dropped_element_is_kept() -> None:
    page = html_page(title="Rates held", paragraphs=KEPT).replace(
        f"<p>{KEPT[1]}</p>", f"<p><noscript>{FALLBACKS[0]}</noscript>{KEPT[1]}</p>")

    article = extract_html_article(page)

    assert article is not None and article.body == "\n\n".join(KEPT)
