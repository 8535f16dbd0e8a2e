"""The test-data factories live in `testing.factories` (benchmarks and the fake news site use them too);
re-exported here so tests import them from one short place."""

import time
from typing import Any

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
from testing.telegram_updates import make_chat, make_user

__all__ = [
    "DEFAULT_BODY", "DEFAULT_TITLE", "DROP", "FALLBACKS", "article_text", "html_page", "make_migrate_updates",
    "multihop_record", "news_body",
    "news_paragraph", "write_article", "write_bytes", "write_html", "write_json", "write_jsonl", "write_markdown",
    "write_news_corpus", "write_text",
]


def make_migrate_updates(old_chat_id: int, new_chat_id: int, *, user_id: int = 1001) -> list[dict[str, Any]]:
    """The two service messages of a group upgraded to a supergroup, as Telegram sends them: in the old
    group one with `migrate_to_chat_id`, in the new supergroup one with `migrate_from_chat_id`."""
    when = int(time.time())
    return [
        {"message": {"message_id": 1_000_001, "date": when, "chat": make_chat(old_chat_id, "group"),
                     "from": make_user(user_id), "migrate_to_chat_id": new_chat_id}},
        {"message": {"message_id": 1, "date": when, "chat": make_chat(new_chat_id, "supergroup"),
                     "from": make_user(user_id), "migrate_from_chat_id": old_chat_id}},
    ]
