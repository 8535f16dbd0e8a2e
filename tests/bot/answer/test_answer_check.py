"""The model's second reading of an LLM answer (bot/answer/answer_check.py), against the fake OpenAI server."""

import json

import pytest

from bot.answer.answer_check import MAX_CHECK_CHARS, AnswerCheck, parse_verdict
from bot.answer.prompts import Prompts
from bot.i18n import texts
from tests.bot.answer.conftest import REPO
from tests.bot.answer.test_llm_client import Clock, client
from tests.bot.answer.test_llm_mode import QUESTION, reply, server  # noqa: F401 (a fixture)
from testing.openai_server import Fail

HELD = "he was held in Gaza for 498 days"


@pytest.fixture
def llm_engine(server, make_engine):  # noqa: F811
    """An LLM-mode engine with the check on, as by default."""
    return make_engine(answer_mode="llm", openai_base_url=server.base_url, openai_api_key="sk-test",
                       llm_timeout=60, llm_max_retries=0)  # a bound, never the cause (a busy machine is slow)


def is_check(request: dict) -> bool:
    return "yes or no" in request["messages"][0]["content"]


def responder(verdict):
    """Answers the question from the passage with 498 days; the check gets `verdict` (a reply or a callable)."""
    def respond(request: dict):
        prompt = request["messages"][-1]["content"]
        if is_check(request):
            return verdict(request) if callable(verdict) else verdict
        n = next(i for i in range(1, 10) if "498 days" in prompt.split(f"<<<PASSAGE {i} ")[1].split("<<<END")[0])
        return reply(f"He was held for 498 days [{n}].", (n, HELD))
    return respond


def checks(server) -> list[dict]:  # noqa: F811
    return [r.json for r in server.chat_requests if is_check(r.json)]


def test_an_answer_whose_quotes_the_check_confirms_is_shown(server, llm_engine):  # noqa: F811
    server.default = responder("Yes")
    result = llm_engine.ask(QUESTION)
    assert not result.refused and result.answer == "He was held for 498 days [1]."
    [check] = checks(server)
    content = check["messages"][-1]["content"]
    # the check reads the shown quote and the question, and asks for one short word
    assert HELD in content and QUESTION in content
    assert check["max_tokens"] == 3 and "response_format" not in check
    assert "yes or no" in check["messages"][0]["content"]


def test_an_answer_whose_quotes_answer_another_question_is_refused(server, llm_engine):  # noqa: F811
    server.default = responder("No.")
    result = llm_engine.ask(QUESTION)
    assert result.refused and result.citations == [] and result.mode == "llm"
    assert result.answer == "I couldn't find this in the indexed articles."
    [dropped] = result.dropped_claims
    assert dropped.text == "He was held for 498 days." and dropped.reason.startswith("check:")


@pytest.mark.parametrize("verdict", ["No.", "Нет"])
def test_a_russian_question_is_refused_in_russian(server, llm_engine, verdict):  # noqa: F811
    server.default = responder(verdict)
    result = llm_engine.ask("Сколько дней Сашу Труфанова держали в Газе?")
    assert result.refused and result.answer == texts("ru").gettext("I couldn't find this in the indexed articles.")
    assert result.answer != "I couldn't find this in the indexed articles." and len(checks(server)) == 1


@pytest.mark.parametrize("verdict", [Fail(500), "I think so, maybe", json.dumps({"supported": True})],
                         ids=["error", "prose", "other-json"])
def test_a_check_that_fails_or_is_unreadable_leaves_the_verified_answer(server, llm_engine, verdict):  # noqa: F811
    server.default = responder(lambda request: verdict)
    result = llm_engine.ask(QUESTION)
    assert not result.refused and result.answer == "He was held for 498 days [1]."
    assert result.citations[0].quote == HELD and result.notice is None


def test_a_refusal_and_a_failed_llm_are_never_checked(server, llm_engine):  # noqa: F811
    server.enqueue(reply("", supported=False))
    assert llm_engine.ask(QUESTION).refused
    server.enqueue(Fail(500))
    assert llm_engine.ask(QUESTION).mode == "offline"
    assert checks(server) == []


def test_the_offline_answer_given_for_unsupported_claims_is_checked_too(server, llm_engine):  # noqa: F811
    # the model's claim has nothing to do with its quote: the offline answer stands in, and the check reads it
    server.default = responder("No.")
    server.enqueue(reply("The moon is made of cheese [1].", (1, HELD)))
    result = llm_engine.ask(QUESTION)
    [check] = checks(server)
    assert "498 days" in check["messages"][-1]["content"]
    assert result.refused and result.dropped_claims[-1].reason.startswith("check:")


def test_the_check_can_be_switched_off(server, make_engine):  # noqa: F811
    engine = make_engine(answer_mode="llm", openai_base_url=server.base_url, openai_api_key="sk-test",
                         llm_timeout=60, llm_max_retries=0, llm_answer_check=False)
    server.default = responder("No.")
    assert not engine.ask(QUESTION).refused and checks(server) == []


def check_on(server, clock) -> AnswerCheck:  # noqa: F811
    return AnswerCheck(client(server, clock, llm_max_retries=2, llm_breaker_failures=1), Prompts.load(REPO / "prompts"))


def test_no_check_is_sent_when_the_answer_used_up_its_deadline(server):  # noqa: F811
    clock = Clock()
    check = check_on(server, clock)
    deadline = check.llm.deadline(20)
    clock.advance(19.8)  # the answer call took nearly all of it
    assert check.answers("Who?", ["A won."], deadline) is None and server.chat_requests == []


def test_a_failed_check_is_not_retried_and_leaves_the_breaker_closed(server):  # noqa: F811
    check = check_on(server, Clock())
    server.enqueue(Fail(500), Fail(500))
    assert check.answers("Who?", ["A won."], None) is None
    assert len(server.chat_requests) == 1 and check.llm.breaker.state == "closed"


def test_the_check_reads_whole_quotes_up_to_its_bound():
    check = AnswerCheck(None, Prompts.load(REPO / "prompts"))
    first, second = "A" * (MAX_CHECK_CHARS - 100) + ".", "B" * 200 + "."
    content = check.messages("Who?", [first, first, second])[-1]["content"]
    assert first in content and "B" not in content and content.count(first) == 1


@pytest.mark.parametrize("text, verdict", [
    ("Yes", True), ("No.", False), ("no, the text is about 2022", False), (" **Yes**", True), ("It depends", None),
    ("Нет", False), ("Да.", True), ("לא", False), ("yesterday", None), ("Node", None), ('{"supported": true}', None),
])
def test_parse_verdict(text, verdict):
    assert parse_verdict(text) is verdict
