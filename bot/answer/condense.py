"""Follow-up questions → standalone questions.

LLM mode asks the model with `prompts/condense.txt`; offline (and whenever the
LLM fails) a heuristic carries the previous turn's names, numbers and key
terms forward when the new question looks like a follow-up (pronouns, "and…",
"what about…", very short questions), in the languages users write in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.answer.llm import Deadline, LLMClient, LLMError
from bot.answer.prompts import Prompts
from bot.answer.result import Turn

log = logging.getLogger(__name__)

#: the share of the answer's deadline that condensing a follow-up may use (the rest is the answer's)
CONDENSE_SHARE = 0.4

_FOLLOW_UP = re.compile(
    r"\b(he|she|it|they|him|her|his|hers|its|their|them|this|that|these|those|there|then|the same|"
    r"он|она|оно|они|его|её|ее|их|ему|ей|им|него|неё|нее|них|там|тогда|этот|эта|это|эти|"
    r"er|sie|es|ihn|ihm|ihr|ihre|sein|seine|dort|damals|il|elle|ils|elles|lui|leur|là|"
    r"él|ella|ellos|su|sus|allí|entonces|ele|ela|eles|lei|lui)\b|"
    r"^(and|also|what about|how about|а |и |und |et |y |e )|(^|\s)(הוא|היא|הם|הן|שלו|שלה|שם|אז)(\s|$|\?)",
    re.IGNORECASE,
)
_KEY = re.compile(r"\b(?:[A-ZА-ЯЁ][\w’'-]+(?:\s+[A-ZА-ЯЁ][\w’'-]+)*|\d[\d,.]*)\b")
_QUESTION_WORDS = {"how", "what", "when", "where", "who", "why", "which", "whose", "whom", "did", "does", "is",
                   "was", "were", "are", "do", "can", "could", "the", "a", "an", "and", "сколько", "когда", "где",
                   "кто", "что", "как", "почему", "какой", "какая", "какие"}


def looks_like_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question)) or len(question.split()) <= 3


def key_terms(text: str) -> list[str]:
    """Names, multi-word proper nouns and numbers of a question, in order, without question words."""
    found: list[str] = []
    for match in _KEY.findall(text):
        words = [w for w in match.split() if w.lower() not in _QUESTION_WORDS]
        phrase = " ".join(words)
        if phrase and phrase not in found:
            found.append(phrase)
    return found


class Condenser:
    def __init__(self, prompts: Prompts, llm: LLMClient | None = None) -> None:
        self.prompts = prompts
        self.llm = llm

    def condense(self, question: str, history: Sequence[Turn], *, deadline: Deadline | None = None) -> str:
        if not history:
            return question
        if self.llm is not None:
            try:
                return self._with_llm(question, history, deadline.share(CONDENSE_SHARE) if deadline else None)
            except LLMError as exc:
                log.warning("condense failed, using the heuristic: %s", exc)
        return self.heuristic(question, history)

    @staticmethod
    def heuristic(question: str, history: Sequence[Turn]) -> str:
        if not looks_like_follow_up(question):
            return question
        own = {t.lower() for t in key_terms(question)}
        carried: list[str] = []
        for turn in reversed(history[-2:]):
            for term in key_terms(turn.standalone_question):
                if term.lower() not in own and term not in carried:
                    carried.append(term)
            if carried:
                break
        return f"{question} ({', '.join(carried)})" if carried else question

    def _with_llm(self, question: str, history: Sequence[Turn], deadline: Deadline | None) -> str:
        lines = []
        for turn in history[-6:]:
            lines.append(f"User: {turn.question}")
            lines.append(f"Assistant: {turn.answer[:500]}")
        prompt = self.prompts.condense.format(history="\n".join(lines), question=question)
        text = self.llm.complete([{"role": "user", "content": prompt}], deadline=deadline).strip().strip('"').strip()
        if not text or len(text) > 4 * len(question) + 300:
            raise LLMError("unusable standalone question")
        return text.splitlines()[0]
