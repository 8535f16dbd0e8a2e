"""Fetched articles as corpus files: Markdown with YAML front matter, written atomically.

Layout (relative to CORPUS_DIR): `feeds/<feed-slug>/<url-slug>-<key-hash>.md` for feed items,
`pages/<site>/<url-slug>-<key-hash>.md` for pages added one by one. The name depends only on the
article's identity (its canonical URL), so the same article always lands in the same file; the
`.md` loader reads these files like any other, and `newsbot index --rebuild` rebuilds the index
of fetched articles from them alone.

A write goes to a hidden temporary file in the same folder (the loaders skip hidden files) and is
renamed over the article: a reader sees the old or the new version, never a half. A file whose
content would not change is not rewritten.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from index.feeds.errors import ArticleTooLargeError
from index.feeds.pages import PageArticle

log = logging.getLogger(__name__)

FEEDS_FOLDER = "feeds"
PAGES_FOLDER = "pages"
MAX_TITLE_CHARS = 300
MAX_FIELD_CHARS = 200
MAX_SLUG_CHARS = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, fallback: str = "article") -> str:
    """`Café — Prices rise!` -> `cafe-prices-rise` (ASCII letters and digits, at most 60 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG_CHARS].rstrip("-")
    return slug or fallback


def render(article: PageArticle) -> str:
    """The file's text: YAML front matter (yaml.safe_dump) and the body."""
    meta = {
        "title": _cap(article.title, MAX_TITLE_CHARS),
        "source": _cap(article.source, MAX_FIELD_CHARS),
        "url": article.url,
    }
    if article.published_at:
        meta["published_at"] = article.published_at
    if article.author:
        meta["author"] = _cap(article.author, MAX_FIELD_CHARS)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000)
    return f"---\n{front}---\n\n{article.body.strip()}\n"


class Archive:
    """Where fetched articles live under the corpus folder, and how they are written."""

    def __init__(self, corpus_dir: Path, *, max_file_bytes: int) -> None:
        self.root = Path(corpus_dir)
        self.max_file_bytes = max_file_bytes

    def feed_folder(self, feed_slug: str) -> str:
        return f"{FEEDS_FOLDER}/{feed_slug}"

    def page_folder(self, site: str) -> str:
        return f"{PAGES_FOLDER}/{slugify(site, fallback='site')}"

    def new_path(self, folder: str, article: PageArticle) -> str:
        """The corpus-relative path of a new article: readable part of its URL plus a hash of its identity."""
        segments = [s for s in urlsplit(article.url).path.split("/") if s]
        readable = slugify(unquote(segments[-1]).rsplit(".", 1)[0] if segments else "", fallback="index")
        digest = hashlib.sha256(article.key.encode("utf-8")).hexdigest()[:10]
        return f"{folder}/{readable}-{digest}.md"

    def absolute(self, relpath: str) -> Path:
        return self.root / relpath

    def write(self, relpath: str, article: PageArticle) -> bool:
        """Write the article to `relpath` (corpus-relative); False when the file already says the same."""
        data = render(article).encode("utf-8")
        if len(data) > self.max_file_bytes:
            raise ArticleTooLargeError(
                article.url, f"the article is {len(data):,} bytes, over the corpus limit of "
                f"{self.max_file_bytes:,} bytes (MAX_FILE_BYTES)")
        path = self.absolute(relpath)
        try:
            if path.read_bytes() == data:
                return False
        except OSError:
            pass  # not there yet (or unreadable: rewrite it)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        log.debug("wrote %s", path)
        return True


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
