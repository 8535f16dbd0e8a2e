"""The fake Bot API's own behaviour that tests rely on: flood control after a 429, edits and deletes, a
migrated group."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from testing.telegram_api import FakeTelegramAPI

TOKEN = "123:fake-token"


def send(fake: FakeTelegramAPI, chat_id: int, method: str = "sendMessage", **params: str) -> tuple[int, dict]:
    params = params or {"text": "hi"}
    request = urllib.request.Request(f"{fake.base_url}{TOKEN}/{method}",
                                     data=json.dumps({"chat_id": chat_id, **params}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_call_before_retry_after_has_passed_gets_429_again():
    now = [1000.0]
    with FakeTelegramAPI(TOKEN, clock=lambda: now[0]) as fake:
        fake.fail_next("sendMessage", kind="429", retry_after=3)
        status, body = send(fake, 1)
        assert status == 429 and body["parameters"]["retry_after"] == 3
        now[0] += 2.5  # too early: told how long is left
        status, body = send(fake, 1)
        assert status == 429 and body["parameters"]["retry_after"] == 1
        assert send(fake, 2)[0] == 200  # another chat is not held back
        assert send(fake, 1, "sendChatAction", action="typing")[0] == 200  # nor another method
        now[0] += 0.5
        assert send(fake, 1)[0] == 200
    assert [c.status for c in fake.calls("sendMessage")] == [429, 429, 200, 200]


def test_edits_and_deletes_follow_telegrams_rules():
    with FakeTelegramAPI(TOKEN) as fake:
        status, body = send(fake, 1, text="<b>Reading</b> 3 articles…", parse_mode="HTML")
        assert status == 200
        message_id = body["result"]["message_id"]
        edit = {"message_id": message_id, "parse_mode": "HTML"}
        same = send(fake, 1, "editMessageText", text="<b>Reading</b> 3 articles…", **edit)
        assert same[0] == 400 and "message is not modified" in same[1]["description"]
        # the same visible text with other entities is a modification
        assert send(fake, 1, "editMessageText", text="Reading <b>3</b> articles…", **edit)[0] == 200
        assert send(fake, 1, "editMessageText", text="Reading 3 articles…", message_id=message_id)[0] == 200
        assert send(fake, 1, "editMessageText", text="x", message_id=999_999)[1]["description"] == \
            "Bad Request: message to edit not found"
        fake.delete_by_user(1, message_id)
        assert fake.shown(1) == []
        assert send(fake, 1, "editMessageText", text="The answer", message_id=message_id)[1]["description"] == \
            "Bad Request: message to edit not found"
        assert send(fake, 1, "deleteMessage", message_id=message_id)[1]["description"] == \
            "Bad Request: message to delete not found"
        gone = {"reply_parameters": {"message_id": message_id}}
        assert send(fake, 1, text="a reply", **gone)[1]["description"] == "Bad Request: message to be replied not found"
        gone["reply_parameters"]["allow_sending_without_reply"] = True
        assert send(fake, 1, text="a reply", **gone)[0] == 200
        assert send(fake, 1, "answerCallbackQuery", callback_query_id="q1", text="x" * 201)[0] == 400
        assert send(fake, 1, "answerCallbackQuery", callback_query_id="q1")[0] == 200
        assert send(fake, 1, "answerCallbackQuery", callback_query_id="q1")[0] == 400  # answered once


def test_a_migrated_group_answers_with_its_new_id():
    with FakeTelegramAPI(TOKEN) as fake:
        assert send(fake, -100)[0] == 200
        fake.migrate(-100, -1001000000100)
        status, body = send(fake, -100)
        assert status == 400 and body["description"] == "Bad Request: group chat was upgraded to a supergroup chat"
        assert body["parameters"] == {"migrate_to_chat_id": -1001000000100}
        assert send(fake, -100, "sendChatAction", action="typing")[0] == 400  # every method, as Telegram does
        status, body = send(fake, -1001000000100)
        assert status == 200 and body["result"]["chat"]["type"] == "supergroup"
    assert [c.status for c in fake.calls("sendMessage")] == [200, 400, 200]
