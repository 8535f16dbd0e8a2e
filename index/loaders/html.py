"""`.html` / `.htm`: main text and metadata extracted with trafilatura (`index.htmltext`, as for fetched pages)."""

from __future__ import annotations

from index.htmltext import extract_html_article, parse_html
from index.loaders.source import LoadError, LoadResult, SourceFile
from index.models import Article

HTML_SUFFIXES = frozenset({".html", ".htm"})


def load_html(src: SourceFile) -> LoadResult:
    """HTML: main text and metadata extracted by trafilatura (comments, menus, footers, <noscript> dropped)."""
    tree = parse_html(src.text)
    if tree is None:
        raise LoadError("cannot parse the HTML; save the article page itself as HTML")
    page = extract_html_article(tree, default_title=src.stem_title)
    if page is None:
        raise LoadError("no article text found in the HTML; save the article page itself (not an index or empty page)")
    if not page.body:
        raise LoadError("has a title but no body text; the HTML page holds no article text")
    article = Article(
        id=src.id,
        title=page.title,
        body=page.body,
        source=page.sitename,
        url=page.url,
        published_at=page.date,
        author=page.author,
        category=page.categories,
        path=src.rel,
    )
    return [article]
