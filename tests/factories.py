"""The test-data factories live in `testing.factories` (benchmarks and the fake news site use them too);
re-exported here so tests import them from one short place."""

from testing.factories import (
    DEFAULT_BODY,
    DEFAULT_TITLE,
    DROP,
    FALLBACKS,
    article_text,
    html_page,
    multihop_record,
    news_body,
    news_paragraph,
    write_article,
    write_bytes,
    write_html,
    write_json,
    write_jsonl,
    write_markdown,
    write_news_corpus,
    write_text,
)

__all__ = [
    "DEFAULT_BODY", "DEFAULT_TITLE", "DROP", "FALLBACKS", "article_text", "html_page", "multihop_record", "news_body",
    "news_paragraph", "write_article", "write_bytes", "write_html", "write_json", "write_jsonl", "write_markdown",
    "write_news_corpus", "write_text",
]
