"""`.html` / `.htm`: main text and metadata extracted with trafilatura."""

from __future__ import annotations

from index.loaders.fields import metadata_text, normalise_date, same_text
from index.loaders.source import LoadError, LoadResult, SourceFile
from index.models import Article
from index.textclean import clean_text

HTML_SUFFIXES = frozenset({".html", ".htm"})


def load_html(src: SourceFile) -> LoadResult:
    """HTML: main text and metadata extracted by trafilatura (comments, menus, footers dropped)."""
    import trafilatura  # imported on first use: it takes a quarter of a second

    tree = trafilatura.load_html(src.text)
    if tree is None:
        raise LoadError("cannot parse the HTML; save the article page itself as HTML")
    for hidden in tree.xpath("//noscript | //iframe"):  # fallback text: never shown beside the article
        hidden.drop_tree()
    doc = trafilatura.bare_extraction(tree, include_comments=False, with_metadata=True)
    text = clean_text(doc.text or "") if doc is not None else ""
    if not text.strip():
        raise LoadError("no article text found in the HTML; save the article page itself (not an index or empty page)")
    title = metadata_text(doc.title) or src.stem_title
    body = _paragraphs(_drop_leading_title(text, title))
    if not body:
        raise LoadError("has a title but no body text; the HTML page holds no article text")
    article = Article(
        id=src.id,
        title=title,
        body=body,
        source=metadata_text(doc.sitename),
        url=metadata_text(doc.url),
        published_at=normalise_date(doc.date),
        author=metadata_text(doc.author),
        category=metadata_text(doc.categories),
        path=src.rel,
    )
    return [article]


def _drop_leading_title(text: str, title: str) -> str:
    first, _, rest = text.strip().partition("\n")
    return rest if same_text(first, title) else text


def _paragraphs(text: str) -> str:
    """trafilatura puts one paragraph per line; separate them with blank lines like the other formats."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
