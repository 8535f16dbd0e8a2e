"""The LLM's reply, read the way real models write it.

The model is asked for `{"supported": bool, "answer": str, "quotes": [{"n": int, "quote": str}]}` (with the
endpoint's JSON-schema mode where it has one, `ANSWER_SCHEMA`). Small models still wrap it in code fences,
put prose before or after it, leave a trailing comma, quote with unescaped quote marks, give `n` as "1" or
"[1]" or a passage that does not exist, or join two sentences of a passage (with or without an ellipsis) in
one quote. json-repair reads the JSON; `quote_parts` splits a joined quote so each part can be found on
its own. Anything that still is no object with an answer is an LLMError (the offline answer is given).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import json_repair

from bot.answer.llm import LLMError

MAX_QUOTES = 8
MAX_QUOTE_CHARS = 1500
MAX_ANSWER_CHARS = 2000

ANSWER_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "supported": {"type": "boolean"},
        "answer": {"type": "string"},
        "quotes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"n": {"type": "integer"}, "quote": {"type": "string"}},
                "required": ["n", "quote"],
            },
        },
    },
    "required": ["supported", "answer", "quotes"],
}

_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.+|\[\.\.\.\]|\(\.\.\.\))\s*")
_SENTENCE_JOIN = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][»”\"]))\s+(?=[\"“«]?[^\W\d_])")


@dataclass(frozen=True)
class ReplyQuote:
    n: int | None  # the passage number the model gave (None: none or unreadable); may be out of range
    quote: str


@dataclass
class Reply:
    supported: bool
    answer: str
    quotes: list[ReplyQuote] = field(default_factory=list)


def parse_reply(text: str) -> Reply:
    """The model's reply → `Reply`; an LLMError when there is no usable object in it."""
    data = _object(text)
    supported = _boolean(data.get("supported", True))
    answer = data.get("answer")
    if isinstance(answer, list):
        answer = " ".join(str(a) for a in answer if isinstance(a, (str, int, float)))
    if not isinstance(answer, str):
        answer = ""
    answer = answer.strip()[:MAX_ANSWER_CHARS]
    if supported and not answer:
        raise LLMError("the reply has no answer")
    quotes: list[ReplyQuote] = []
    raw = data.get("quotes")
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            n, quote = None, item
        elif isinstance(item, dict):
            n, quote = _number(item.get("n", item.get("passage"))), item.get("quote", item.get("text"))
        else:
            continue
        if isinstance(quote, str) and quote.strip():
            quotes.append(ReplyQuote(n, quote.strip()[:MAX_QUOTE_CHARS]))
        if len(quotes) >= MAX_QUOTES:
            break
    return Reply(supported, answer, quotes)


def quote_parts(quote: str) -> list[str]:
    """The pieces of a quote that may have been joined: split at ellipses, then at sentence ends."""
    parts: list[str] = []
    for piece in _ELLIPSIS.split(quote):
        parts += [p.strip(" \"'“”«»") for p in _SENTENCE_JOIN.split(piece)]
    return [p for p in parts if len(p) >= 3]


def _object(text: str) -> dict:
    text = text.strip()
    start = text.find("{")
    if start < 0:
        raise LLMError("the reply is not JSON")
    try:
        data = json.loads(text[start:text.rfind("}") + 1])
    except ValueError:
        data = None
    if not isinstance(data, dict):
        try:
            data = json_repair.loads(text[start:])
        except (ValueError, RecursionError) as exc:
            raise LLMError(f"the reply is not valid JSON: {exc}") from exc
    if isinstance(data, list):  # prose between two objects, or a list of one answer
        data = next((d for d in data if isinstance(d, dict) and "answer" in d), None)
    if not isinstance(data, dict):
        raise LLMError("the reply is not a JSON object")
    return data


def _boolean(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "0", "")
    return bool(value)


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and (m := re.fullmatch(r"\s*\[?\s*(\d{1,3})\s*\]?\s*", value)):
        return int(m.group(1))
    return None
