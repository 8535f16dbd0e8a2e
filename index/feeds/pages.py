"""An article page (a fetched HTML response), or a feed item that carries its full text -> the
article record that goes into the corpus.

Text and metadata come from the shared trafilatura extraction (`index.htmltext`). What the
feed says about an item wins over what the page says (title, date, author); the page fills
the gaps. The link kept is the page's `<link rel=canonical>` when it is on the same site,
else the fetched URL cleaned (`urls.canonical_link`).

An item's own content (`item_article`) is taken only when the item links to the feed's own host or
one of its subdomains, as registered and as finally fetched after redirects (`urls.speaks_for`: a feed
speaks for its site, not for others, whose pages are downloaded and read there), and when its text is
clearly the article rather than a teaser: at least MIN_CONTENT_WORDS words, and more than the item's
summary says. Otherwise the page is downloaded.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass

from index.feeds.client import Fetched
from index.feeds.errors import NoArticleTextError
from index.feeds.parsing import FeedItem
from index.feeds.urls import canonical_link, clean_url, identity_key, site_name, speaks_for
from index.htmltext import extract_html_article

#: fewer words than this is a menu, a paywall stub or an empty shell, not an article
MIN_ARTICLE_WORDS = 15
#: a feed item's own text shorter than this may be a teaser (a WordPress excerpt is 55 words): read the page
MIN_CONTENT_WORDS = 100
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class PageArticle:
    title: str
    body: str
    url: str  # the link kept and cited
    key: str  # `urls.identity_key(url)`: the same key is the same article
    source: str
    published_at: str
    author: str


def page_article(fetched: Fetched, *, source: str | None = None, item: FeedItem | None = None) -> PageArticle:
    """The article of a fetched page; NoArticleTextError (with the URL) when it holds no article text."""
    page = extract_html_article(decode_html(fetched), url=fetched.final_url)
    words = len(page.body.split()) if page is not None else 0
    if page is None or words < MIN_ARTICLE_WORDS:
        found = f"only {words} word(s)" if words else "no text"
        raise NoArticleTextError(
            fetched.url, f"no article text found ({found} outside menus and footers); link the article page itself"
        )
    url = canonical_link(fetched.final_url, page.url)
    return PageArticle(
        title=(item.title if item else "") or page.title or site_name(url),
        body=page.body,
        url=url,
        key=identity_key(url),
        source=source or page.sitename or site_name(url),
        published_at=(item.published_at if item else "") or page.date,
        author=(item.author if item else "") or page.author,
    )


def item_article(item: FeedItem, url: str, *, feed_urls: tuple[str, ...],
                 source: str | None = None) -> PageArticle | None:
    """The article `item` carries in full (its content, `url` its checked link), or None: download its page.

    `feed_urls`: the feed as registered and as fetched (after redirects); the link must be on the site of each."""
    if not item.content or not feed_urls or not all(speaks_for(feed, url) for feed in feed_urls):
        return None
    title = html.escape(item.title)
    page = extract_html_article(f"<html><head><title>{title}</title></head><body><article>{item.content}"
                                "</article></body></html>", url=url)
    words = len(page.body.split()) if page is not None else 0
    if page is None or words < MIN_CONTENT_WORDS or words <= len(_text(item.summary).split()):
        return None
    url = clean_url(url)
    return PageArticle(
        title=item.title or page.title or site_name(url),
        body=page.body,
        url=url,
        key=identity_key(url),
        source=source or site_name(url),
        published_at=item.published_at or page.date,
        author=item.author or page.author,
    )


def _text(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities read)."""
    return html.unescape(re.sub(r"<[^>]*>", " ", fragment))


def decode_html(fetched: Fetched) -> str:
    """The page as text: the charset the server names, else the one the page declares, else UTF-8."""
    content = fetched.content
    declared = _DECLARED_CHARSET.search(content[:4096])
    candidates = [fetched.charset, declared.group(1).decode("ascii") if declared else None, "utf-8"]
    for name in candidates:
        if not name or not _known_codec(name):
            continue
        try:
            return content.decode(name)
        except UnicodeDecodeError:
            continue
    return content.decode("cp1252", errors="replace")


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
