"""RSS 2.0, RSS 1.0 and Atom through the real feedparser; broken documents named with the URL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from index.feeds.errors import FeedParseError
from index.feeds.parsing import parse_feed
from testing.news_site import Story, atom, rss10, rss20

URL = "http://news.test/feed"
WHEN = datetime(2024, 5, 2, 10, 30, tzinfo=timezone.utc)
STORIES = [
    Story("Council approves park", "http://news.test/park", guid="urn:park", published=WHEN, author="Jane Roe"),
    Story("Bridge reopens", "http://news.test/bridge", published=WHEN - timedelta(days=1)),
]


@pytest.mark.parametrize(("build", "version"), [(rss20, "rss20"), (rss10, "rss10"), (atom, "atom10")])
def test_every_format_gives_the_same_items(build, version):
    parsed = parse_feed(build("City News", STORIES).encode(), URL, max_items=10)
    assert parsed.version == version and parsed.title == "City News" and not parsed.problem
    first, second = parsed.items
    assert (first.title, first.link, first.guid) == ("Council approves park", "http://news.test/park", "urn:park")
    assert first.published_at == "2024-05-02T10:30:00+00:00"
    assert "Jane Roe" in first.author
    assert second.guid == "http://news.test/bridge"  # no id: the link identifies the item
    assert second.published_at.startswith("2024-05-01")


def test_relative_links_are_resolved_against_the_feed_url():
    parsed = parse_feed(rss20("N", [Story("A", "/stories/a")]).encode(), "http://news.test/feeds/main.xml",
                        max_items=10)
    assert parsed.items[0].link == "http://news.test/stories/a"


def test_items_are_bounded_per_poll():
    stories = [Story(f"Story {n}", f"http://news.test/{n}") for n in range(30)]
    parsed = parse_feed(rss20("N", stories).encode(), URL, max_items=5)
    assert [item.title for item in parsed.items] == [f"Story {n}" for n in range(5)]
    assert parsed.total == 30


def test_an_entry_change_changes_its_fingerprint():
    before = parse_feed(atom("N", STORIES).encode(), URL, max_items=10).items[0]
    edited = Story("Council approves park", "http://news.test/park", guid="urn:park", published=WHEN + timedelta(hours=2),
                   author="Jane Roe")
    after = parse_feed(atom("N", [edited]).encode(), URL, max_items=10).items[0]
    again = parse_feed(atom("N", STORIES).encode(), URL, max_items=10).items[0]
    assert before.guid == after.guid and before.fingerprint != after.fingerprint
    assert again.fingerprint == before.fingerprint


def test_an_items_full_content_is_kept_apart_from_its_summary():
    html_story = Story("Park", "http://news.test/park", summary="A park.",
                       content="<p>The council voted.</p><script>x()</script>")
    plain = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>N</title><entry><id>a</id><title>A</title>'
             '<link href="http://news.test/a"/><content type="text">First &lt;b&gt; paragraph.\n\nSecond.</content>'
             '</entry></feed>')
    [rss_item] = parse_feed(rss20("N", [html_story]).encode(), URL, max_items=10).items
    [atom_item] = parse_feed(atom("N", [html_story]).encode(), URL, max_items=10).items
    [plain_item] = parse_feed(plain.encode(), URL, max_items=10).items
    [summary_only] = parse_feed(rss20("N", [Story("Park", "http://news.test/park", summary="A park.")]).encode(), URL,
                                max_items=10).items
    assert rss_item.content == atom_item.content == "<p>The council voted.</p>"  # sanitised by feedparser
    assert plain_item.content == "<p>First &lt;b&gt; paragraph.</p><p>Second.</p>"
    assert summary_only.content == ""  # a summary is never the article
    edited = Story("Park", "http://news.test/park", summary="A park.", content="<p>The council voted again.</p>")
    [after] = parse_feed(rss20("N", [edited]).encode(), URL, max_items=10).items
    assert after.fingerprint != rss_item.fingerprint  # an edited text is a changed entry


def test_an_entry_without_content_keeps_the_fingerprint_it_had_before_contents_were_read():
    # computed by the parser of 71d888b, before feed items' contents were read: an upgrade re-fetches nothing
    story = Story("Park", "http://news.test/park", guid="urn:park", published=WHEN, summary="A park.")
    [item] = parse_feed(rss20("N", [story]).encode(), URL, max_items=10).items
    assert item.fingerprint == "e51ae3fff96cefe08109b5584aeca2f13b4d039cd83026756123167ae21a2ef1"


def test_malformed_xml_without_items_is_an_error_with_the_place():
    with pytest.raises(FeedParseError) as caught:
        parse_feed(b"<rss version='2.0'><channel><title>T &bogus;</title>", URL, max_items=10)
    assert caught.value.url == URL
    assert re.search(r"malformed feed \(undefined entity at line \d+, column \d+\)", caught.value.reason)


def test_malformed_xml_with_readable_items_keeps_them_and_says_so():
    document = rss20("N", STORIES).replace("</channel></rss>", "<item><title>Broken &bogus;</title>")
    parsed = parse_feed(document.encode(), URL, max_items=10)
    assert parsed.problem.startswith("malformed feed (undefined entity")
    assert [item.link for item in parsed.items][:2] == ["http://news.test/park", "http://news.test/bridge"]


@pytest.mark.parametrize("document", [b"<html><body><p>Welcome to our site</p></body></html>", b"just text",
                                      b"{\"version\": \"https://jsonfeed.org/version/1\"}"])
def test_a_document_that_is_no_feed_is_refused(document):
    with pytest.raises(FeedParseError, match="RSS or Atom|malformed"):
        parse_feed(document, URL, max_items=10)


def test_a_string_that_looks_like_a_path_is_parsed_not_opened(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text(rss20("Secret feed", [Story("S", "http://x.test/s")]))
    with pytest.raises(FeedParseError):
        parse_feed(str(secret).encode(), URL, max_items=10)


def test_entity_expansion_is_bounded():
    lol = "".join(f'<!ENTITY l{n} "{("&l%d;" % (n - 1)) * 10}">' for n in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{lol}]>'
            '<rss version="2.0"><channel><title>&l9;</title><item><title>x</title>'
            '<link>http://x.test/1</link></item></channel></rss>')
    parsed = parse_feed(bomb.encode(), URL, max_items=10)
    assert len(parsed.title) < 1000 and "malformed" in parsed.problem
