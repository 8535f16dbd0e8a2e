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


def test_noscript_and_iframe_text_stays_out_of_a_fetched_page() -> None:
    page = html_page(title="Rates held", paragraphs=KEPT, fallbacks=FALLBACKS, url=URL)
    fetched = Fetched(url=URL, final_url=URL, status=200, content=page.encode(), media_type="text/html",
                      charset="utf-8")

    article = page_article(fetched)

    assert article.title == "Rates held"
    assert article.body == "\n\n".join(KEPT)


def test_noscript_and_iframe_text_stays_out_of_a_feed_items_content() -> None:
    content = (f"<p>{KEPT[0]}</p><noscript><p>{FALLBACKS[0]}</p></noscript>"
               f"<iframe src='https://ads.example/1'><p>{FALLBACKS[1]}</p></iframe><p>{KEPT[1]}</p>")
    item = FeedItem(guid=URL, link=URL, title="Rates held", published_at="2024-05-02T10:00:00+00:00", author="",
                    fingerprint="f", content=content)

    article = item_article(item, URL, feed_url="https://news.test/feed.xml")

    assert article is not None
    assert article.body == "\n\n".join(KEPT)


def test_the_text_after_a_dropped_element_is_kept() -> None:
    page = html_page(title="Rates held", paragraphs=KEPT).replace(
        f"<p>{KEPT[1]}</p>", f"<p><noscript>{FALLBACKS[0]}</noscript>{KEPT[1]}</p>")

    article = extract_html_article(page)

    assert article is not None and article.body == "\n\n".join(KEPT)
