"""The fake Bot API's own behaviour that tests rely on: flood control after a 429."""

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
