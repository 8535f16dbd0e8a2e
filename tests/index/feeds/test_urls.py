"""Which URLs are fetched, the link an article keeps, and when two URLs are one article."""

from __future__ import annotations

import pytest

from index.feeds.errors import InvalidURLError
from index.feeds.urls import canonical_link, check_url, clean_url, identity_key, same_site

STORY = "https://news.example.com/2024/05/park"


@pytest.mark.parametrize("variant", [
    "https://news.example.com/2024/05/park",
    "HTTPS://News.Example.COM:443/2024/05/park",
    "http://news.example.com/2024/05/park/",
    "https://www.news.example.com/2024/05/park",
    "https://news.example.com/2024/05/park?utm_source=rss&utm_medium=feed&utm_campaign=x",
    "https://news.example.com/2024/05/park?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2",
    "https://news.example.com/2024/05/park#comments",
    "https://news.example.com/2024/05/park/amp",
    "https://news.example.com/2024/05/park/amp/",
    "https://news.example.com/2024/05/park.amp",
    "https://news.example.com/2024/05/park?amp=1",
    "https://news.example.com/2024/05/park?outputType=amp",
    "https://amp.news.example.com/2024/05/park",
    "https://m.news.example.com/2024/05/park",
])
def test_variants_of_a_story_have_one_identity(variant):
    assert identity_key(variant) == identity_key(STORY) == "news.example.com/2024/05/park"


@pytest.mark.parametrize("other", [
    "https://news.example.com/2024/05/park-2",
    "https://news.example.com/2024/05/park?id=2",
    "https://other.example.org/2024/05/park",
    "https://news.example.com:8443/2024/05/park",
    "https://news.example.com/2024/05/Park",
])
def test_different_articles_have_different_identities(other):
    assert identity_key(other) != identity_key(STORY)


def test_query_order_does_not_matter_but_values_do():
    assert identity_key("http://a.test/s?b=2&a=1") == identity_key("http://a.test/s?a=1&b=2")
    assert identity_key("http://a.test/s?a=1") != identity_key("http://a.test/s?a=2")


def test_clean_url_keeps_the_host_as_served_and_drops_tracking_fragment_and_amp():
    assert clean_url("HTTP://WWW.Example.com:80/a/amp?utm_source=x&page=2#top") == "http://www.example.com/a?page=2"
    assert clean_url("https://example.com") == "https://example.com/"
    assert clean_url("http://[::1]:8080/a?amp=1") == "http://[::1]:8080/a"


def test_the_pages_canonical_link_wins_when_it_is_on_the_same_site():
    fetched = "https://amp.news.example.com/2024/05/park/amp?utm_source=rss"
    assert canonical_link(fetched, "https://www.news.example.com/2024/05/park") == \
        "https://www.news.example.com/2024/05/park"
    assert canonical_link(fetched, "/2024/05/park?utm_medium=x") == "https://amp.news.example.com/2024/05/park"


@pytest.mark.parametrize("declared", ["https://evil.example.org/2024/05/park", "javascript:alert(1)", "", None,
                                      "ftp://news.example.com/x"])
def test_a_canonical_link_elsewhere_or_unusable_is_ignored(declared):
    assert canonical_link("https://news.example.com/park?utm_source=x", declared) == "https://news.example.com/park"


def test_same_site():
    assert same_site("https://www.example.com/a", "https://example.com/b")
    assert same_site("https://news.example.com/a", "https://example.com/b")
    assert not same_site("https://example.com/a", "https://example.org/a")
    assert not same_site("https://notexample.com/a", "https://example.com/a")


@pytest.mark.parametrize(("url", "reason"), [
    ("", "no URL given"),
    ("ftp://example.com/feed", "only http:// and https://"),
    ("file:///etc/passwd", "only http:// and https://"),
    ("javascript:alert(1)", "only http:// and https://"),
    ("example.com/feed", "no scheme"),
    ("http:///feed", "no host name"),
    ("http://user:secret@example.com/feed", "user name or password"),
    ("http://example.com/a b", "spaces or control characters"),
    ("http://example.com:99999/", "not a valid URL"),
    ("http://example.com/" + "a" * 3000, "over the limit of 2,048"),
])
def test_check_url_refuses_with_a_reason(url, reason):
    with pytest.raises(InvalidURLError) as caught:
        check_url(url)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(caught.value.url)


def test_check_url_accepts_http_and_https_and_strips_blanks():
    assert check_url("  https://example.com/feed.xml \n") == "https://example.com/feed.xml"
    assert check_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
