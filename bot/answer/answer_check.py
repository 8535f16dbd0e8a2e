"""The model's second reading of an answer (issue 10): do its quotes answer the question?

Claim alignment proves that every shown claim is stated by its quotes; it cannot tell that the quotes
answer a *different* question on the same subject ("What term corresponds to the minimum time…?" answered
from "…the maximum time taken over all inputs…"). Small models copy such a sentence into an answer far
more readily than they judge it, so in LLM mode the answer's quotes go back to the model once more with
the question and one question of its own: does the text answer the question? (`prompts/check.txt` and
`check_system.txt`; the reply is one word, yes or no.) A "no" turns the answer into a refusal. The
check can only withhold an answer: when it cannot be asked (no time left, an error, the circuit
breaker) or its reply is unreadable, the verified answer stands, as before. Measured wordings: asking
whether the text answers "exactly this question", with examples of details that may differ, made the
1.5B model refuse 40% of fair answers (docs/answers.md, section 4).
"""

from __future__ import annotations

import logging
import re

from bot.answer.llm import Deadline, LLMClient, LLMError
from bot.answer.prompts import Prompts

log = logging.getLogger(__name__)

#: the reply is one word; a model that goes on is cut short
CHECK_MAX_TOKENS = 3
#: what goes into the check of one answer (whole quotes; more is not read more carefully by a small model)
MAX_CHECK_CHARS = 3000
#: the longest the check may take (within what is left of the answer's deadline): an optional step
CHECK_SECONDS = 15.0
#: the first word of the reply (the prompt asks in English; a model may answer in the question's language)
_VERDICT = re.compile(r"^\W*(yes|no|true|false|да|нет|так|ні|כן|לא|sí|si|oui|non|ja|nein|nai|evet|hayır|是|否|نعم|لا)"
                      r"(?!\w)", re.IGNORECASE)
_YES = {"yes", "true", "да", "так", "כן", "sí", "si", "oui", "ja", "nai", "evet", "是", "نعم"}


class AnswerCheck:
    def __init__(self, llm: LLMClient, prompts: Prompts) -> None:
        self.llm = llm
        self.prompts = prompts

    def messages(self, question: str, quotes: list[str]) -> list[dict[str, str]]:
        # no markers around the text: they made the 1.5B model answer "no" to twice as many fair answers, and
        # the text is verified article text whose worst effect here is a refusal (docs/answers.md, section 4)
        text = ""
        for quote in dict.fromkeys(q.strip() for q in quotes):  # whole quotes: a cut one could read as a "no"
            if text and len(text) + 1 + len(quote) > MAX_CHECK_CHARS:
                break
            text = f"{text} {quote}" if text else quote[:MAX_CHECK_CHARS]
        return [
            {"role": "system", "content": self.prompts.check_system},
            {"role": "user", "content": self.prompts.check.format(text=text, question=question)},
        ]

    def answers(self, question: str, quotes: list[str], deadline: Deadline | None) -> bool | None:
        """True or False as the model judges; None when it could not be asked or its reply is unreadable."""
        left = deadline.remaining() if deadline is not None else CHECK_SECONDS
        bound = self.llm.deadline(min(left, CHECK_SECONDS))
        try:
            reply = self.llm.complete(self.messages(question, quotes), deadline=bound, max_tokens=CHECK_MAX_TOKENS,
                                      optional=True)
        except LLMError as exc:
            log.warning("the answer check could not be made; the verified answer stands: %s", exc)
            return None
        verdict = parse_verdict(reply)
        if verdict is None:
            log.warning("the answer check's reply is not a yes or a no (%r); the verified answer stands", reply[:40])
        return verdict


def parse_verdict(text: str) -> bool | None:
    """'Yes.' → True; 'no' → False; 'Нет' → False; anything else → None."""
    match = _VERDICT.search(text.strip()[:200])
    return None if match is None else match.group(1).lower() in _YES
