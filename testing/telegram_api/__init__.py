"""A fake Telegram Bot API server for end-to-end tests.

It runs an aiohttp server on 127.0.0.1 (a free port) in a background thread with its own
event loop, so the bot under test talks to it over real HTTP exactly as it would to
api.telegram.org. Point the bot at `fake.base_url` / `fake.base_file_url`.

What it does:
- implements the methods newsbot uses: getMe, getUpdates (long polling over a queue the
  test fills with `push_update`), sendMessage, editMessageText, deleteMessage, sendChatAction,
  answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook, getWebhookInfo, getFile and
  file downloads (`add_file`), close/logOut;
- keeps what each chat shows: `sent_messages` (in order), `edits` (every editMessageText of a
  chat, in order), `deleted`, and `shown(chat_id)`: the chat's messages as the user sees them now
  (edits applied, deleted ones gone — also those the user deleted, `delete_by_user`);
- knows which messages exist, as Telegram does: editing or deleting a message that was never sent
  or is gone answers 400 "message to edit not found" / "message to delete not found", an edit
  that changes neither the text, its entities nor the inline keyboard answers 400 "message is not
  modified", and a reply to a deleted message without allow_sending_without_reply answers 400
  "message to be replied not found"; a callback query is answered once, with at most 200 characters;
- checks what real Telegram checks and the bot must get right: the token, non-empty text,
  the 4096 UTF-16 unit limit, and HTML parse mode (allowed tags, balanced nesting, only
  &lt; &gt; &amp; &quot; and numeric entities) — bad markup gets the real 400 "can't parse
  entities" answer;
- records every request on arrival (`calls`): decoded parameters, the status once answered
  (None while in progress, e.g. a long poll) and the visible text of sent messages;
- on demand answers the next N calls of a method with 429 + retry_after, 400 "can't parse
  entities" (only for requests that have a parse_mode), or a 5xx (`fail_next`);
- keeps Telegram's flood control: after a 429, the same method for the same chat gets 429 again
  until its retry_after has passed — so a bot that retries too early is seen in the statuses of
  its calls, not in their times;
- answers every call for a chat that `block`ed the bot with 403 Forbidden, as Telegram does;
- after `migrate(old, new)` (a group upgraded to a supergroup) answers every call for the old id
  with 400 "group chat was upgraded to a supergroup chat" and `parameters.migrate_to_chat_id`;
- waits for the bot without assuming how fast it is: `wait_for(predicate)`, `wait_for_messages`
  (bounded by WAIT_LIMIT, a bound for a hung run) and `settle(activity)`: every pushed update
  fetched and fully handled, every task the bot started finished (see `testing.app_activity`).

The package's modules: :mod:`.server` (:class:`FakeTelegramAPI`: start, stop, addresses) and its
parts :mod:`.controls` (what a test makes happen), :mod:`.inspection` (what it reads and waits for),
:mod:`.http_handlers` (a call decoded, recorded, answered), :mod:`.message_methods` and
:mod:`.bot_methods` (the Bot API methods by area); what they share: :mod:`.state` (calls, faults,
files, messages, the bot's identity, the API's errors) and :mod:`.telegram_html` (Telegram's HTML subset).
"""

from __future__ import annotations

from testing.telegram_api.state import BOT_FIRST_NAME, BOT_ID, BOT_USERNAME, NOT_MODIFIED
from testing.telegram_api.inspection import WAIT_LIMIT
from testing.telegram_api.server import FakeTelegramAPI
from testing.telegram_api.state import Call, Fault, StoredFile, StoredMessage
from testing.telegram_api.telegram_html import (
    TelegramHTMLError,
    parse_telegram_entities,
    parse_telegram_html,
    unescape_visible,
    utf16_len,
)

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "BOT_USERNAME",
    "NOT_MODIFIED",
    "WAIT_LIMIT",
    "Call",
    "Fault",
    "FakeTelegramAPI",
    "StoredFile",
    "StoredMessage",
    "TelegramHTMLError",
    "parse_telegram_entities",
    "parse_telegram_html",
    "unescape_visible",
    "utf16_len",
]
