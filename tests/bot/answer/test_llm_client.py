"""The bounded LLM client against the fake OpenAI server: max_tokens, reply cap, structured-output
fallback, one deadline across retries, the circuit breaker (driven by a hand-moved clock, never by sleeps)."""

import pytest

from bot.answer.llm import Deadline, LLMClient, LLMError, LLMUnavailable
from bot.answer.reply import ANSWER_SCHEMA
from bot.settings import Settings
from testing.openai_server import Delay, Fail, FakeOpenAI


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def server():
    with FakeOpenAI(api_key="sk-test") as fake:
        yield fake


def client(server, clock=None, **overrides) -> LLMClient:
    values = dict(answer_mode="llm", openai_base_url=server.base_url, openai_api_key="sk-test", llm_max_retries=0)
    values.update(overrides)
    return LLMClient(Settings(_env_file=None, **values), clock=clock or Clock(), sleep=lambda s: None)


MESSAGES = [{"role": "user", "content": "hi"}]


def test_every_request_sets_max_tokens_and_asks_for_the_json_schema(server):
    llm = client(server, llm_max_tokens=321)
    server.enqueue("{}", "plain")
    llm.complete(MESSAGES, schema=ANSWER_SCHEMA)
    llm.complete(MESSAGES)
    first, second = (r.json for r in server.chat_requests)
    assert first["max_tokens"] == second["max_tokens"] == 321
    assert first["response_format"]["type"] == "json_schema"
    assert first["response_format"]["json_schema"]["schema"] == ANSWER_SCHEMA
    assert "response_format" not in second


def test_a_call_may_ask_for_fewer_tokens_never_more(server):
    llm = client(server, llm_max_tokens=321)
    server.enqueue("yes", "yes", "yes")
    llm.complete(MESSAGES, max_tokens=3)
    llm.complete(MESSAGES, max_tokens=1000)
    llm.complete(MESSAGES, max_tokens=3, deadline=llm.deadline(30))
    assert [r.json["max_tokens"] for r in server.chat_requests] == [3, 321, 3]
    streamed = client(server, llm_max_tokens=321, llm_stream=True)
    server.enqueue("yes")
    assert streamed.complete(MESSAGES, max_tokens=3) == "yes" and server.chat_requests[-1].json["max_tokens"] == 3


def test_an_optional_call_is_not_retried_and_its_failures_never_open_the_breaker(server):
    llm = client(server, llm_max_retries=2, llm_breaker_failures=2)
    for _ in range(3):
        server.enqueue(Fail(500))
        with pytest.raises(LLMError):
            llm.complete(MESSAGES, max_tokens=3, optional=True)
    assert len(server.chat_requests) == 3 and llm.breaker.state == "closed"
    server.enqueue(Fail(500), Fail(500), Fail(500), Fail(500), Fail(500), Fail(500))
    for _ in range(2):  # the answers' own failures still do
        with pytest.raises(LLMError):
            llm.complete(MESSAGES)
    assert llm.breaker.state == "open"


def test_an_endpoint_that_rejects_json_schema_is_asked_with_json_mode_then_without_and_remembered(server):
    llm = client(server)
    rejected = Fail(400, {"error": {"message": "response_format json_schema is not supported", "type": "invalid"}})
    server.enqueue(rejected, Fail(400, {"error": {"message": "unknown field response_format"}}), "{}", "{}")
    assert llm.complete(MESSAGES, schema=ANSWER_SCHEMA) == "{}"
    assert llm.complete(MESSAGES, schema=ANSWER_SCHEMA) == "{}"
    formats = [(r.json.get("response_format") or {}).get("type") for r in server.chat_requests]
    assert formats == ["json_schema", "json_object", None, None]
    assert llm.response_format == "none"


def test_another_bad_request_is_a_failure_not_a_format_step_down(server):
    llm = client(server)
    server.enqueue(Fail(400, {"error": {"message": "context length exceeded"}}))
    with pytest.raises(LLMError):
        llm.complete(MESSAGES, schema=ANSWER_SCHEMA)
    assert llm.response_format == "json_schema"


def test_a_huge_reply_is_cut_at_the_character_cap(server):
    llm = client(server, llm_max_reply_chars=1000)
    server.enqueue("x" * 2_000_000)
    assert len(llm.complete(MESSAGES)) == 1000


def test_a_huge_streamed_reply_is_cut_at_the_character_cap(server):
    llm = client(server, llm_max_reply_chars=1000, llm_stream=True)
    server.enqueue("word " * 100_000)
    assert len(llm.complete(MESSAGES)) == 1000


def test_a_slow_endpoint_gets_only_what_is_left_of_the_deadline(server):
    llm = client(server, llm_timeout=300)
    server.enqueue(Delay(60, "too late"))
    with pytest.raises(LLMError):
        llm.complete(MESSAGES, deadline=Deadline(5.0))  # the real clock: the request is abandoned after 5 s
    (request,) = server.chat_requests
    assert float(request.headers["x-stainless-read-timeout"]) <= 5.0


def test_retries_share_one_deadline(server):
    clock = Clock()
    llm = client(server, clock, llm_timeout=30, llm_max_retries=3)

    def fail_after_4s(request):
        clock.advance(4)
        return Fail(500)

    server.enqueue(fail_after_4s, fail_after_4s, fail_after_4s, "never asked")
    with pytest.raises(LLMError):
        llm.complete(MESSAGES, deadline=Deadline(6.0, clock))
    timeouts = [float(r.headers["x-stainless-read-timeout"]) for r in server.chat_requests]
    assert timeouts == [6.0, 2.0]  # the retry gets the 2 s left; no third attempt without time
    assert server.queued == 2


def test_no_request_without_time_left(server):
    clock = Clock()
    llm = client(server, clock)
    deadline = Deadline(5.0, clock)
    clock.advance(5)
    with pytest.raises(LLMUnavailable):
        llm.complete(MESSAGES, deadline=deadline)
    assert server.chat_requests == []


def test_the_breaker_opens_after_repeated_failures_then_lets_one_probe_through(server):
    clock = Clock()
    llm = client(server, clock, llm_breaker_failures=2, llm_breaker_cooldown=60)
    server.enqueue(Fail(500), Fail(500))
    for _ in range(2):
        with pytest.raises(LLMError):
            llm.complete(MESSAGES)
    assert llm.breaker.state == "open"
    with pytest.raises(LLMUnavailable):  # answered at once: no request reaches the endpoint
        llm.complete(MESSAGES)
    assert len(server.chat_requests) == 2
    clock.advance(61)
    assert llm.breaker.state == "half-open"
    server.enqueue(Fail(503))
    with pytest.raises(LLMError):  # the probe fails: open for another cool-down
        llm.complete(MESSAGES)
    assert llm.breaker.state == "open" and len(server.chat_requests) == 3
    with pytest.raises(LLMUnavailable):
        llm.complete(MESSAGES)
    clock.advance(61)
    server.enqueue("back")
    assert llm.complete(MESSAGES) == "back"  # the probe succeeds: closed again
    assert llm.breaker.state == "closed"
    assert len(server.chat_requests) == 4
