"""Unit tests of the small Telegram modules: access, rate limit, uploads, helpers, app wiring."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from telegram import Message, Update

from bot.telegram.access import AccessPolicy
from bot.telegram.app import ConversationOrderedProcessor, file_url_for
from bot.telegram.handlers import addressed_question, command_argument, conversation_key
from bot.telegram.logsafety import REDACTED, RedactTokenFilter, protect_token
from bot.telegram.ratelimit import SlidingWindowLimiter, rate_limited_text
from bot.telegram.uploads import UploadRejected, check_upload, safe_filename, save_upload
from tests.bot.factories import (
    ADMIN_ID,
    GROUP_ID,
    USER_ID,
    bot_message,
    make_anonymous_admin_update,
    make_group_message_update,
    make_message_update,
    mention,
)
from testing.telegram_api import BOT_ID, BOT_USERNAME


def update_of(data: dict) -> Update:
    return Update.de_json({"update_id": 1, **data}, None)


# --------------------------------------------------------------------------- access


def test_admins_and_anonymous_admins():
    policy = AccessPolicy(admin_user_ids=frozenset({ADMIN_ID, 1087968824, GROUP_ID}))
    assert policy.update_is_admin(update_of(make_message_update("/stats", user_id=ADMIN_ID)))
    assert not policy.update_is_admin(update_of(make_message_update("/stats", user_id=USER_ID)))
    assert not policy.update_is_admin(update_of(make_anonymous_admin_update("/stats")))


def test_allow_lists_are_a_union_and_admins_always_pass():
    open_policy = AccessPolicy()
    assert open_policy.update_is_allowed(update_of(make_message_update("hi", user_id=5)))
    policy = AccessPolicy(admin_user_ids=frozenset({ADMIN_ID}), allowed_user_ids=frozenset({USER_ID}),
                          allowed_chat_ids=frozenset({GROUP_ID}))
    assert policy.update_is_allowed(update_of(make_message_update("hi", user_id=USER_ID)))
    assert policy.update_is_allowed(update_of(make_message_update("hi", user_id=ADMIN_ID)))
    assert policy.update_is_allowed(update_of(make_group_message_update("hi", user_id=77)))  # allowed group
    assert not policy.update_is_allowed(update_of(make_message_update("hi", user_id=77)))
    assert not policy.update_is_allowed(update_of(make_group_message_update("hi", user_id=77, chat_id=-55)))


# --------------------------------------------------------------------------- rate limit


def test_sliding_window():
    now = [0.0]
    limiter = SlidingWindowLimiter(2, 60.0, clock=lambda: now[0])
    assert limiter.check("u") is None
    now[0] = 10
    assert limiter.check("u") is None
    now[0] = 20
    assert limiter.check("u") == pytest.approx(40.0)
    assert limiter.check("other") is None
    now[0] = 60.5  # the first question left the window
    assert limiter.check("u") is None
    assert limiter.check("u") == pytest.approx(9.5)
    assert "2 questions a minute" in rate_limited_text(9.5, 2) and "10 seconds" in rate_limited_text(9.5, 2)


# --------------------------------------------------------------------------- uploads


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\win.md", "win.md"),
        ("Ünïcödé news (final) v2.HTML", "Unicode-news-final-v2.html"),
        (".hidden.json", "hidden.json"),
        ("???.txt", "upload.txt"),
        ("a" * 300 + ".txt", "a" * 96 + ".txt"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", ["x.exe", "x", "x.txt.sh", "", None])
def test_disallowed_extensions(name):
    with pytest.raises(UploadRejected):
        check_upload(name, 10, 100)


def test_size_limit_and_saving(tmp_path: Path):
    with pytest.raises(UploadRejected, match="limit"):
        check_upload("a.txt", 101, 100)
    path, replaced = save_upload(tmp_path, "../a b.txt", b"Title\n\nBody", 100)
    assert path == (tmp_path / "a-b.txt").resolve() and not replaced and path.read_bytes() == b"Title\n\nBody"
    path2, replaced2 = save_upload(tmp_path, "a b.txt", b"New", 100)
    assert path2 == path and replaced2 and path.read_bytes() == b"New"
    with pytest.raises(UploadRejected, match="limit"):
        save_upload(tmp_path, "b.txt", b"x" * 101, 100)
    with pytest.raises(UploadRejected, match="empty"):
        save_upload(tmp_path, "c.txt", b"  \n", 100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-b.txt"]  # no temp files left


# --------------------------------------------------------------------------- handler helpers


def message_of(data: dict) -> Message:
    return update_of(data).message


def test_private_text_is_a_question():
    assert addressed_question(message_of(make_message_update("  What happened?  ")), BOT_USERNAME, BOT_ID) == "What happened?"


def test_group_text_needs_a_mention_or_a_reply():
    m = message_of(make_group_message_update("What happened?"))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) is None
    m = message_of(make_group_message_update("@other_bot What happened?"))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) is None
    m = message_of(make_group_message_update(mention("What happened?")))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) == "What happened?"
    m = message_of(make_group_message_update("And then?", reply_to=bot_message()))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) == "And then?"


def test_mention_removal_counts_utf16_offsets():
    text = f"🇮🇱😀 Hey @{BOT_USERNAME.upper()} what now? 😀"
    m = message_of(make_group_message_update(text))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) == "🇮🇱😀 Hey  what now? 😀"


def test_forum_topic_root_is_not_a_reply_to_the_bot():
    root = bot_message(message_id=77)
    m = message_of(make_group_message_update("chatter", reply_to=root, thread_id=77))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) is None


def test_command_argument_keeps_line_breaks_and_drops_the_bot_mention():
    m = message_of(make_message_update(f"/ask@{BOT_USERNAME} first line\nsecond line"))
    assert command_argument(m, BOT_USERNAME) == "first line\nsecond line"
    m = message_of(make_message_update("/ask"))
    assert command_argument(m, BOT_USERNAME) == ""


def test_conversation_keys():
    assert conversation_key(update_of(make_message_update("x", user_id=5))) == (5, 5)
    assert conversation_key(update_of(make_group_message_update("x", user_id=5))) == (GROUP_ID, 5)
    assert conversation_key(update_of(make_anonymous_admin_update("x"))) == (GROUP_ID, GROUP_ID)


# --------------------------------------------------------------------------- app wiring


def test_file_url_for():
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url_for("https://api.telegram.org/bot/") == "https://api.telegram.org/file/bot"
    assert file_url_for("http://h/prefix/bot{token}/test") == "http://h/prefix/bot{token}/file/test"


async def test_processor_orders_one_conversation_and_overlaps_others():
    processor = ConversationOrderedProcessor(16)
    events: list[str] = []

    async def work(name: str, delay: float) -> None:
        events.append(f"start {name}")
        await asyncio.sleep(delay)
        events.append(f"end {name}")

    a1 = update_of(make_message_update("1", user_id=1))
    a2 = update_of(make_message_update("2", user_id=1))
    b1 = update_of(make_message_update("3", user_id=2))
    async with processor:
        await asyncio.gather(
            processor.process_update(a1, work("a1", 0.05)),
            processor.process_update(a2, work("a2", 0.0)),
            processor.process_update(b1, work("b1", 0.0)),
        )
    assert events.index("end a1") < events.index("start a2")  # same chat: in order
    assert events.index("end b1") < events.index("end a1")  # other chat: didn't wait
    assert processor._locks == {}  # no leak


def test_token_redaction_filter(caplog):
    token = "123:SECRET-token"
    protect_token(token)
    log = logging.getLogger("telegram.ext.Updater")
    caplog.set_level(logging.DEBUG)
    log.debug("url http://x/bot%s/getMe", token)
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        log.exception("boom")
    assert token not in caplog.text and REDACTED in caplog.text
    assert logging.getLogger("httpx").level == logging.WARNING
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a %s", (token,), None)
    RedactTokenFilter(token).filter(record)
    assert record.getMessage() == f"a {REDACTED}"
