"""Reading the model's reply as real models write it (bot.answer.reply)."""

import pytest

from bot.answer.llm import LLMError
from bot.answer.reply import parse_reply, quote_parts

GOOD = '{"supported": true, "answer": "498 days [1].", "quotes": [{"n": 1, "quote": "held in Gaza for 498 days"}]}'


@pytest.mark.parametrize("text", [
    f"```json\n{GOOD}\n```",
    f"Sure! Here is the answer in JSON:\n{GOOD}\nI hope this helps.",
    GOOD.replace('"}]}', '"},]}'),  # a trailing comma
    GOOD.replace("}]}", "}],}"),
], ids=["fenced", "prose-around", "trailing-comma-in-list", "trailing-comma-in-object"])
def test_json_that_real_models_emit_is_read(text):
    reply = parse_reply(text)
    assert reply.supported and reply.answer == "498 days [1]."
    assert [(q.n, q.quote) for q in reply.quotes] == [(1, "held in Gaza for 498 days")]


def test_unescaped_quote_marks_inside_a_string_are_read():
    reply = parse_reply('{"supported": true, "answer": "Putin called it a "humanitarian act" [2].", '
                        '"quotes": [{"n": "[2]", "quote": "its “humanitarian act” of releasing them"}]}')
    assert reply.answer == 'Putin called it a "humanitarian act" [2].'
    assert reply.quotes[0].n == 2


def test_passage_number_out_of_range_is_kept_for_the_alignment_to_search_everywhere():
    reply = parse_reply('{"supported": true, "answer": "x [123].", "quotes": [{"n": 123, "quote": "498 days"}]}')
    assert reply.quotes[0].n == 123


@pytest.mark.parametrize("text", ["PWNED", "{not json", "[1, 2]", '{"answer": 3, "quotes": []}', "", "I don't know."])
def test_unusable_model_output_is_an_llm_error(text):
    with pytest.raises(LLMError):
        parse_reply(text)


@pytest.mark.parametrize("supported", ["false", "false_string"])
def test_unsupported_reply_is_read_as_such(supported):
    value = "false" if supported == "false" else '"false"'
    reply = parse_reply(f'{{"supported": {value}, "answer": "", "quotes": []}}')
    assert not reply.supported


def test_a_quote_joining_sentences_or_skipping_text_is_split_into_parts():
    assert quote_parts("He was held in Gaza for 498 days. The three women were freed in November 2023.") == \
        ["He was held in Gaza for 498 days.", "The three women were freed in November 2023."]
    assert quote_parts("“We will do everything … are also released,” Putin added") == \
        ["We will do everything", "are also released,” Putin added"]
