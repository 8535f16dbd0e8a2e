"""Helpers that write article files into a (tmp) folder, for tests of any layer and for benchmarks.

Every `write_*` helper accepts a `name` that may contain sub-folders
(`"world/a.txt"`), creates them, and returns the path written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TITLE = "Council approves new riverside park"
DEFAULT_BODY = (
    "The city council voted on Tuesday to turn the old freight yard into a riverside park.\n\n"
    "Construction is expected to start next spring and to last two years, the mayor said."
)

#: texts a browser shows only without JavaScript or frames: never part of an article (`html_page(fallbacks=...)`)
FALLBACKS = (
    "Enable JavaScript to see the interactive chart of interest rates over the years.",
    "Your browser does not support frames, visit our sponsor.",
)


def _target(folder: Path, name: str) -> Path:
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_text(folder: Path, name: str, text: str) -> Path:
    """Write `text` as UTF-8, exactly as given (no newline translation)."""
    path = _target(folder, name)
    path.write_bytes(text.encode("utf-8"))
    return path


def write_bytes(folder: Path, name: str, data: bytes) -> Path:
    path = _target(folder, name)
    path.write_bytes(data)
    return path


def article_text(
    *,
    title: str = DEFAULT_TITLE,
    body: str = DEFAULT_BODY,
    source: str | None = "The Daily Example",
    credit: str | None = None,
    repeat_title: bool = True,
) -> str:
    """A .txt article in the corpus layout: title, repeated title, photo credit, body, `Source:` line."""
    blocks = [title]
    if repeat_title:
        blocks.append(title)
    if credit:
        blocks.append(credit)
    blocks.append(body)
    if source is not None:
        blocks.append(f"Source: {source}")
    return "\n\n".join(blocks) + "\n"


def write_article(folder: Path, name: str = "article.txt", **fields: Any) -> Path:
    """Write a .txt article; `fields` are those of `article_text`."""
    return write_text(folder, name, article_text(**fields))


def write_markdown(
    folder: Path,
    name: str = "article.md",
    *,
    body: str = DEFAULT_BODY,
    front_matter: dict[str, Any] | None = None,
    heading: str | None = None,
) -> Path:
    """Write a markdown article with optional YAML front matter and `# heading`."""
    parts = []
    if front_matter is not None:
        parts.append("---\n" + yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False) + "---\n")
    if heading is not None:
        parts.append(f"# {heading}\n")
    parts.append(body + "\n")
    return write_text(folder, name, "\n".join(parts))


def html_page(
    *,
    title: str = DEFAULT_TITLE,
    paragraphs: tuple[str, ...] | list[str] = tuple(DEFAULT_BODY.split("\n\n")),
    author: str | None = None,
    published: str | None = None,
    sitename: str | None = None,
    url: str | None = None,
    comments: tuple[str, ...] = (),
    fallbacks: tuple[str, ...] = (),
) -> str:
    """A small news page with navigation, an <article>, optional comments and a footer.

    `fallbacks` are texts a reader never sees beside the article, put after its first paragraph:
    the first in a <noscript>, the next in an <iframe>, alternately.
    """
    meta = [f"<title>{title}</title>"]
    if author:
        meta.append(f'<meta name="author" content="{author}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if sitename:
        meta.append(f'<meta property="og:site_name" content="{sitename}">')
    if url:
        meta.append(f'<link rel="canonical" href="{url}">')
    hidden = "".join(f"<noscript><p>{text}</p></noscript>" if i % 2 == 0 else
                     f"<iframe src='https://ads.example/{i}'><p>{text}</p></iframe>" for i, text in enumerate(fallbacks))
    paras = "".join(f"<p>{p}</p>" + (hidden if i == 0 else "") for i, p in enumerate(paragraphs))
    comment_html = "".join(f'<div class="comment"><p>{c}</p></div>' for c in comments)
    return (
        f"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{''.join(meta)}</head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paras}</article>"
        f'<section id="comments" class="comments">{comment_html}</section>'
        "<footer>Copyright Example Media</footer></body></html>"
    )


def write_html(folder: Path, name: str = "article.html", **fields: Any) -> Path:
    """Write an HTML article; `fields` are those of `html_page`."""
    return write_text(folder, name, html_page(**fields))


DROP: Any = object()  # pass as an override to leave a field out: multihop_record(url=DROP)


def multihop_record(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A record shaped like the MultiHop-RAG corpus (title, author, source, published_at, category, url, body)."""
    record: dict[str, Any] = {
        "title": f"Tech giant unveils model number {n}",
        "author": "Alex Writer",
        "source": "Example Tech News",
        "published_at": "2023-11-27T08:45:59+00:00",
        "category": "technology",
        "url": f"https://news.example.com/articles/{n}",
        "body": f"Article {n} body. The company said the release would ship in December.",
    }
    record.update(overrides)
    return {key: value for key, value in record.items() if value is not DROP}


def write_json(folder: Path, name: str, data: Any) -> Path:
    """Write `data` as JSON (a record or a list of records)."""
    return write_text(folder, name, json.dumps(data, ensure_ascii=False, indent=2))


def write_jsonl(folder: Path, name: str, records: list[Any]) -> Path:
    """Write one record per line; a `str` item is written verbatim (to plant bad lines)."""
    lines = [item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in records]
    return write_text(folder, name, "\n".join(lines) + "\n")


# --------------------------------------------------------------------------- generated news corpora

_TOPICS = (
    ("council", "The city council", "approved a plan for a riverside park", "the old freight yard"),
    ("storm", "A winter storm", "cut power to thousands of homes", "the northern valleys"),
    ("election", "The electoral commission", "confirmed the turnout of the regional vote", "three districts"),
    ("rail", "The national rail operator", "announced a new night train", "the capital and the coast"),
    ("museum", "The maritime museum", "reopened its hall of ship models", "the harbour quarter"),
    ("harvest", "Wine growers", "reported an early grape harvest", "the southern slopes"),
    ("bridge", "Engineers", "closed the old suspension bridge for repairs", "the river crossing"),
    ("football", "The local football club", "signed a young striker", "the youth academy"),
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def news_paragraph(n: int, k: int = 0) -> str:
    """A deterministic two-sentence news paragraph; `n` picks the topic and details, `k` the paragraph."""
    key, who, what, where = _TOPICS[n % len(_TOPICS)]
    day = _DAYS[(n + k) % len(_DAYS)]
    return (f"{who} {what} near {where} on {day}, report number {n}-{k} said. "
            f"Officials expect {(n * 7 + k * 3) % 90 + 10} more updates about the {key} story next week.")


def news_body(n: int, paragraphs: int = 1) -> str:
    """`paragraphs` paragraphs of `news_paragraph(n, k)`, separated by blank lines."""
    return "\n\n".join(news_paragraph(n, k) for k in range(paragraphs))


def write_news_corpus(folder: Path, count: int, *, paragraphs: int = 1, prefix: str = "news",
                      source: str = "The Daily Example") -> list[Path]:
    """Write `count` distinct .txt articles `{prefix}-{n:03d}.txt` (short, so that indexing them is fast)."""
    paths = []
    for n in range(count):
        key = _TOPICS[n % len(_TOPICS)][0]
        paths.append(write_article(folder, f"{prefix}-{n:03d}.txt", title=f"{key.title()} report {n}",
                                   body=news_body(n, paragraphs), source=source))
    return paths
