"""The main text and metadata of an HTML article page, extracted with trafilatura.

One extraction for HTML from any source: the feed crawler and `newsbot add` (`index.feeds.pages`,
for pages and for feed items that carry their full text) and the `.html` loader of `index.loaders`
call `extract_html_article`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.textclean import clean_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True)
class HtmlArticle:
    """What a page says about itself; every field is clean text ("" when the page has none)."""

    title: str
    body: str  # one paragraph per block, blank lines between; the leading title line dropped
    sitename: str
    url: str  # the URL the page declares (<link rel=canonical>, og:url), else the one given
    date: str  # YYYY-MM-DD
    author: str
    categories: str


def parse_html(html: str | HtmlElement) -> HtmlElement | None:
    """The page as a tree without the fallback elements (<noscript>, <iframe>); None if it is not HTML.

    A fallback's text is what a browser shows only without JavaScript or frames ("enable JavaScript",
    an advertiser's frame): never part of the article, and trafilatura would keep it.
    """
    import trafilatura  # imported on first use: it takes a quarter of a second

    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    for hidden in tree.xpath("//noscript | //iframe"):
        hidden.drop_tree()  # the element and its text; the text that follows it stays
    return tree


def extract_html_article(html: str | HtmlElement, *, url: str | None = None,
                         default_title: str = "") -> HtmlArticle | None:
    """Main text and metadata of `html` (comments, menus, footers and fallback elements dropped); None if
    it is not HTML or has no text. `default_title` stands in when the page declares no title (and is
    dropped from the start of the body like one)."""
    import trafilatura

    tree = parse_html(html)
    if tree is None:
        return None
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, with_metadata=True)
    if doc is None:
        return None
    text = clean_text(doc.text or "")
    if not text.strip():
        return None
    title = metadata_text(doc.title) or default_title
    date = metadata_text(doc.date)
    return HtmlArticle(
        title=title,
        body=paragraphs(drop_leading_title(text, title)),
        sitename=metadata_text(doc.sitename),
        url=metadata_text(doc.url),
        date=date if _ISO_DATE.match(date) else "",
        author=metadata_text(doc.author),
        categories=metadata_text(doc.categories),
    )


def metadata_text(value: object) -> str:
    """A metadata value as clean single-line text (lists joined with commas)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(metadata_text(item) for item in value if item is not None)
    return " ".join(clean_text(str(value)).split())


def drop_leading_title(text: str, title: str) -> str:
    first, _, rest = text.strip().partition("\n")
    return rest if title and _same_text(first, title) else text


def paragraphs(text: str) -> str:
    """trafilatura puts one paragraph per line; separate them with blank lines like the other formats."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
