"""LLM answers whose quotes prove every claim (issue 10).

1. The model gets the passages (between per-request nonce markers), the question and the reply language,
   and answers in JSON (`prompts/answer.txt`; the endpoint's JSON-schema mode where it has one).
2. `supported: false` is a refusal.
3. The answer is split into claims and each is aligned with article text that supports it
   (bot.answer.alignment); unsupported claims are dropped (`AnswerResult.dropped_claims` says why).
4. A claim whose evidence fails the question's hard constraints (a year, number or quoted phrase not in
   its quote; a name not in its article) is not accepted because the model said so.
5. The reply must be in the reply language (index.language.guess_language); otherwise the verified quotes
   are kept and the offline answer's own words, in the right language, frame them.
6. The answer check (bot.answer.answer_check): the model reads the answer's verified quotes once more with the
   question; a "no" makes the answer a refusal (a failed or unreadable check leaves it).
When nothing supported remains, or the LLM fails (error, timeout, the answer's deadline, the circuit
breaker), the user gets the offline answer with a short notice: there is always an answer.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable

from babel import Locale

from bot.answer import wording
from bot.answer.alignment import Alignment, ClaimAligner, Supported
from bot.answer.citations import MARKER, strip_markers
from bot.answer.claims import EvidenceText, Facts, Name, facts, missing, script_of, spelled_numbers
from bot.answer.evidence import HARD, constraint_report
from bot.answer.answer_check import AnswerCheck
from bot.answer.llm import Deadline, LLMClient, LLMError
from bot.answer.modes import AnswerMode, Asked, Claim, Composition, ExtractiveMode, compose_extractive
from bot.answer.question import number_forms
from bot.answer.prompts import Prompts
from bot.answer.reply import ANSWER_SCHEMA, parse_reply
from bot.answer.result import DroppedClaim
from bot.i18n import Texts, texts
from index.catalog import ChunkRow
from index.language import guess_language
from index.retriever import Retrieved, Search

log = logging.getLogger(__name__)

#: detector answers that count as the reply language (py3langid confuses close Cyrillic languages)
_SAME = {"ru": {"bg", "mk", "sr", "be", "kk"}}


class LLMMode(AnswerMode):
    name = "llm"

    def __init__(self, article_text: Callable[[str], str], llm: LLMClient, prompts: Prompts,
                 fallback: ExtractiveMode, aligner: ClaimAligner, deadline_seconds: float,
                 check: AnswerCheck | None = None) -> None:
        super().__init__(article_text)
        self.llm = llm
        self.prompts = prompts
        self.fallback = fallback
        self.aligner = aligner
        self.deadline_seconds = deadline_seconds
        self.check = check

    def _compose(self, asked: Asked, search: Search) -> Composition:
        deadline = asked.deadline or self.llm.deadline(self.deadline_seconds)
        composition, answered = self._drafted(asked, search, deadline)
        # the check reads what the model answered; a refusal or a partial answer already says what is missing
        if answered and self.check is not None and composition.claims \
                and not (composition.refused or composition.partial):
            return self._checked(asked, composition, deadline)
        return composition

    def _checked(self, asked: Asked, composition: Composition, deadline: Deadline) -> Composition:
        """The answer, or a refusal when the model's second reading says its quotes don't answer the question."""
        assert self.check is not None
        if self.check.answers(asked.standalone, [c.quote for c in composition.claims], deadline) is not False:
            return composition
        log.info("the answer check found that the quotes don't answer the question; refused")
        refusal = Composition(wording.refusal(asked.tr), refused=True, mode=composition.mode, support=composition.support)
        refusal.dropped = composition.dropped + [DroppedClaim(
            text=strip_markers(composition.answer), reason="check: its quotes don't answer the question")]
        return refusal

    def _drafted(self, asked: Asked, search: Search, deadline: Deadline) -> tuple[Composition, bool]:
        """The answer before the check, and whether the model gave it (False: the LLM failed, offline answer)."""
        retrieved = search.hits
        try:
            reply = parse_reply(self.llm.complete(self.messages(asked, retrieved), schema=ANSWER_SCHEMA,
                                                  deadline=deadline))
        except LLMError as exc:
            log.warning("LLM answer failed, falling back to the offline answer: %s", exc)
            return self._offline(asked, search, wording.llm_unavailable(asked.tr)), False
        if not reply.supported:
            return Composition(wording.refusal(asked.tr), refused=True, mode="llm"), True
        claim_language = guess_language(strip_markers(reply.answer)) or asked.tr.language
        alignment = self.aligner.align(reply, retrieved, claim_language, context=asked.standalone)
        accepted, dropped = self._constrained(asked, alignment, retrieved)
        if not accepted:
            if len(dropped) > len(alignment.dropped):  # the question's constraints: the offline answer, held to them
                composition = self._held(asked, search)
            else:
                log.warning("no claim of the LLM answer is supported by its quotes; offline answer given")
                composition = self._offline(asked, search, unverified_notice(asked.tr))
            composition.dropped = dropped
            return composition, True
        text, claims = self._written(accepted, retrieved, claim_language)
        if not _same_language(guess_language(strip_markers(text)), asked.tr.language):
            dropped += [DroppedClaim(text=s.claim.text, reason=f"language: not {asked.tr.language}")
                        for s in accepted]
            composition = self._reframed(asked, search, claims)
        else:
            composition = Composition(text, claims, mode="llm",
                                      notice=partly_unsupported_notice(asked.tr) if dropped else None)
        composition.dropped = dropped
        return composition, True

    def messages(self, asked: Asked, retrieved: list[Retrieved]) -> list[dict[str, str]]:
        nonce = secrets.token_hex(8)
        return [
            {"role": "system", "content": self.prompts.system},
            {"role": "user", "content": self.prompts.answer.format(
                passages=render_passages(retrieved, nonce), question=asked.standalone.replace(nonce, ""),
                nonce=nonce, language=language_name(asked.tr.language), asked_on=asked_on(asked.as_of))},
        ]

    # --- what is accepted ------------------------------------------------------------------
    def _constrained(self, asked: Asked, alignment: Alignment,
                     retrieved: list[Retrieved]) -> tuple[list[Supported], list[DroppedClaim]]:
        """Supported claims whose quotes also meet the question's hard constraints (`_unmet`)."""
        accepted: list[Supported] = []
        dropped = list(alignment.dropped)
        for s in alignment.supported:
            unmet = _unmet(asked, s.unit.text, retrieved[s.unit.passage].row)
            if unmet:
                dropped.append(DroppedClaim(text=s.claim.text, reason="question: " + ", ".join(unmet)
                                            + " not in its evidence"))
            else:
                accepted.append(s)
        return accepted, dropped

    def _written(self, accepted: list[Supported], retrieved: list[Retrieved],
                 language: str) -> tuple[str, list[Claim]]:
        """The answer from the accepted claims, each cited [n] (one n per article), and their quotes."""
        numbers: dict[str, int] = {}
        parts: list[str] = []
        claims: list[Claim] = []
        for s in accepted:
            article = retrieved[s.unit.passage].row.article_id
            n = numbers.setdefault(article, len(numbers) + 1)
            parts.append(_cited(s.claim.text, n))
            if not any(c.start == s.unit.start and c.n == n for c in claims):
                claims.append(Claim(n=n, passage=s.unit.passage, quote=s.unit.text, start=s.unit.start,
                                    end=s.unit.end, highlight=_highlight(s, language)))
        text = " ".join(parts)
        return text[:1].upper() + text[1:], claims

    def _reframed(self, asked: Asked, search: Search, claims: list[Claim]) -> Composition:
        """The verified quotes, framed by the offline answer's words in the reply language."""
        offline = self._offline_composition(asked, search)
        if not offline.refused and not offline.partial:
            numbers = {search.hits[c.passage].row.article_id: c.n for c in offline.claims}
            for c in claims:
                if not _overlaps(c, offline.claims):
                    c.n = numbers.setdefault(search.hits[c.passage].row.article_id, len(numbers) + 1)
                    offline.claims.append(c)
            offline.mode = "llm"
            return offline
        labels: dict[int, str] = {}
        for c in claims:
            row = search.hits[c.passage].row
            labels.setdefault(c.n, wording.source_label(asked.tr, row.source or row.title, row.published_at))
        return Composition(wording.lead(asked.tr, [(label, n) for n, label in labels.items()]), claims, mode="llm")

    def _offline_composition(self, asked: Asked, search: Search) -> Composition:
        """What the offline mode answers: stated answer, lead, partial support or refusal."""
        extractive = self.fallback.extractive
        return compose_extractive(asked, search.hits, extractive.draft(asked.analysis, search), extractive.catalog.articles)

    def _held(self, asked: Asked, search: Search) -> Composition:
        """The offline answer when the model's claims failed the question's constraints, held to the same values
        (years, numbers, quoted phrases; names are the offline judgment's, as in its own partial answers): if its
        quote fails them too and its article nowhere meets them, it says what the articles don't mention and
        shows the closest passage ("The articles don't mention nine; here is the closest they report [1]:")."""
        composition = self._offline_composition(asked, search)
        if composition.refused or composition.partial or not composition.claims:
            return composition
        first = composition.claims[0]
        row = search.hits[first.passage].row
        if not _unmet(asked, first.quote, row, names=False):
            return composition
        unmet = _unmet(asked, f"{row.title}\n{self.article_text(row.article_id)}", row, names=False)
        if not unmet:  # the article has them elsewhere: the offline judgment stands
            return composition
        first.highlight = None
        return Composition(wording.partial(asked.tr, unmet, [], first.n), [first], support=composition.support,
                           partial=True, extractive=True)

    def _offline(self, asked: Asked, search: Search, notice: str) -> Composition:
        composition = self._offline_composition(asked, search)
        composition.notice = notice
        composition.mode = "offline"
        return composition


def _unmet(asked: Asked, quote: str, row: ChunkRow, names: bool = True) -> list[str]:
    """The question's hard constraints that a quote does not meet, as the question writes them: years, numbers
    (spelt out too: "three finite graphs" is not answered by "two finite graphs") and quoted phrases in the
    quote; names in the quote's article, where pronouns stand in for them. A name in another script than the
    article ("Суперкубке" for "Super Bowl") is a translation as often as a transliteration: it is not a
    constraint here (a claim's own names are checked)."""
    constraints = tuple(c for c in asked.analysis.constraints if c.kind in HARD)
    unmet = [c.text for c in constraint_report(tuple(c for c in constraints if c.kind != "entity"), quote).unmet]
    numbers = EvidenceText.of(quote, "en").numbers
    unmet += [word for word, value in spelled_numbers(asked.standalone).items()
              if not any(f in numbers for f in number_forms(value))]
    if names and any(c.kind == "entity" for c in constraints):
        article = EvidenceText.of(f"{row.title}\n{row.text}\n{quote}", "en")
        asked_names = Facts(names=[Name.of(c.text) for c in constraints
                                   if c.kind == "entity" and script_of(c.text) == article.script])
        unmet += [m.split(" ", 1)[1] for m in missing(asked_names, article)]
    return unmet


def unverified_notice(tr: Texts) -> str:
    return tr.gettext("The language model's answer could not be checked against the articles, so this answer "
                      "quotes them directly.")


def partly_unsupported_notice(tr: Texts) -> str:
    return tr.gettext("Parts of the language model's answer that the articles don't support were left out.")


def asked_on(as_of: str | None) -> str:
    """The question's day for a question about the present ("this week", "latest"): the model cannot know it
    otherwise. Empty for the others, so their prompts do not change from day to day."""
    if not as_of:
        return ""
    return f'Asked on {texts("en").date(as_of)}: "this week", "recently", "latest" and the like mean as of that day.\n'


def language_name(code: str) -> str:
    """'ru' → 'Russian' (the prompt names the reply language in English)."""
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (ValueError, TypeError):
        return code


def render_passages(retrieved: list[Retrieved], nonce: str) -> str:
    blocks = []
    for i, hit in enumerate(retrieved, 1):
        row = hit.row
        text = row.text.replace(nonce, "")
        meta = f"title: {row.title.replace(nonce, '')}; source: {row.source.replace(nonce, '')}; " \
               f"published: {row.published_at or 'unknown'}"
        blocks.append(f"<<<PASSAGE {i} {nonce}>>>\n{meta}\n{text}\n<<<END PASSAGE {i} {nonce}>>>")
    return "\n\n".join(blocks)


def _cited(text: str, n: int) -> str:
    """'He was held for 498 days.' → 'He was held for 498 days [1].'"""
    text = MARKER.sub("", text).strip()
    match = re.search(r"[.!?。]+[\"”»)]*$", text)
    if match:
        return f"{text[:match.start()].rstrip()} [{n}]{text[match.start():]}"
    return f"{text.rstrip(' ,;:')} [{n}]."


def _highlight(s: Supported, language: str) -> tuple[int, int] | None:
    """The first number of the claim inside its quote (offsets in the article body), shown in bold."""
    for number in facts(s.claim.text, language).numbers:
        at = re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d])", s.unit.text)
        if at:
            return s.unit.start + at.start(), s.unit.start + at.end()
    return None


def _overlaps(claim: Claim, others: list[Claim]) -> bool:
    return any(o.start is not None and claim.start is not None and o.passage == claim.passage
               and o.start < claim.end and claim.start < o.end for o in others)


def _same_language(guessed: str | None, wanted: str) -> bool:
    return guessed is None or guessed == wanted or guessed in _SAME.get(wanted, ())
