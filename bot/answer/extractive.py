"""Offline answers: the quote that holds the answer, the answer itself, and whether to give one at all.

For a question and what the retriever found:
1. every sentence of the top passages is a candidate (fragments excluded); the learned sentence
   model scores them (similarity normalised per question, shared words in any script, the question's
   constraints, its type, the passage's rank) and the best is quoted with its more similar neighbour;
2. the learned span model scores the short spans of that quote (numbers, durations, dates, names,
   quoted phrases, short phrases) against the question; a confident one is the stated answer;
3. the learned support model judges whether the quote supports an answer; below its threshold the bot
   refuses — except for an open question ("What happened in Moscow?", `Question.open_ended`), which asks
   what the articles say about its subject: the cited passage naming all it names supports that. A year
   or a quoted phrase of the question that the cited passage lacks is never supported, whatever the
   model says. When the article tells the story asked about (every name met) but
   for another year or number, the answer says so instead: partial support ("The articles don't mention
   2018; they report 2022 [1]").

The three models are one JSON file (`bot.answer.model`); `training.answer_model` trains them from the
features computed here, so training and answering share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.answer.evidence import EXACT, HARD, VALUES, Candidate, ConstraintReport, Evidence, constraint_report, values_of
from bot.answer.model import AnswerModel
from bot.answer.question import Question
from bot.answer.spans import SPAN_FEATURES, Span, span_features, spans
from index.catalog import Catalog
from index.language import detect_language
from index.retriever import Retrieved, Search

#: a second quote (another article) is shown when its sentence is nearly as likely to hold the answer
SECOND_QUOTE_SHARE = 0.9


@dataclass(frozen=True)
class Quote:
    retrieved: Retrieved
    start: int  # offsets in the passage text
    end: int
    probability: float


@dataclass
class Draft:
    quotes: list[Quote] = field(default_factory=list)
    support: float = 0.0
    supported: bool = False
    partial: ConstraintReport | None = None  # set when only a hard constraint is missing
    span: tuple[int, int] | None = None  # the stated answer, offsets in the first quote's passage text
    span_probability: float = 0.0
    # what training needs (computed anyway)
    evidence: Evidence | None = None
    sentence_features: np.ndarray | None = None
    chosen: int | None = None
    span_candidates: list[Span] = field(default_factory=list)
    span_matrix: np.ndarray | None = None
    support_features: np.ndarray | None = None


def statement_score(span_probability: float, quote_probability: float) -> float:
    """How likely a stated span is right, against the span threshold: a span is right only when its quote is,
    so both together (the span model judges spans of quotes that hold the answer; the sentence model, whether
    this quote does). Training sets the threshold on the same score."""
    return span_probability * quote_probability


class ExtractiveAnswerer:
    def __init__(self, catalog: Catalog, model: AnswerModel) -> None:
        self.catalog = catalog
        self.model = model

    def draft(self, question: Question, search: Search) -> Draft:
        if not search.hits:
            return Draft()
        evidence = Evidence.build(question, search, self.catalog)
        if not evidence.candidates:
            return Draft(evidence=evidence)
        return self.draft_from(question, evidence, evidence.sentence_features())

    def draft_from(self, question: Question, evidence: Evidence, features: np.ndarray) -> Draft:
        """The draft from evidence whose sentence features are computed (training reuses them across models)."""
        scores = self.model.sentence.logit(features)
        best = self._best(evidence, scores)
        chosen = evidence.candidates[best]
        quote = self._quote(evidence, chosen, scores[best])
        span_cands, span_matrix, span_at, span_p = self._span(evidence, question, chosen, quote, float(scores[best]))
        support_x = evidence.support_features(best, scores, float(self.model.span.logit(span_matrix[span_at]))
                                              if span_at is not None else -10.0)
        support = float(self.model.support.probability(support_x))
        supported = (support >= self.model.support.threshold or self._tells_the_story(evidence, chosen)) \
            and not self._exact_unmet(evidence, chosen)
        draft = Draft(quotes=[quote], support=support, supported=supported,
                      evidence=evidence, sentence_features=features, chosen=best, span_candidates=span_cands,
                      span_matrix=span_matrix, support_features=support_x)
        if span_at is not None and question.asks_for_fact \
                and statement_score(span_p, quote.probability) >= self.model.span.threshold:
            s = span_cands[span_at]
            draft.span, draft.span_probability = (quote.start + s.start, quote.start + s.end), span_p
        if not draft.supported:
            draft.partial = self._partial(evidence, chosen, support_x)
        else:
            draft.quotes += self._corroboration(evidence, scores, best)
        return draft

    @staticmethod
    def _quote(evidence: Evidence, c: Candidate, score: float) -> Quote:
        start, end = evidence.quote_span(c)
        return Quote(evidence.retrieved[c.passage], start, end, float(1 / (1 + np.exp(-score))))

    def _span(self, evidence: Evidence, question: Question, chosen: Candidate, quote: Quote, sentence_score: float):
        key = (quote.retrieved.row.id, quote.start, quote.end, chosen.start)
        if key not in evidence.spans:  # the same quote is scored again only by training (other models)
            text = quote.retrieved.row.text[quote.start:quote.end]
            candidates = spans(text)
            matrix = span_features(text, candidates, question, evidence.anchors(text),
                                   (chosen.start - quote.start, chosen.end - quote.start), 0.0, evidence.keys) \
                if candidates else np.zeros((0, 0))
            evidence.spans[key] = (candidates, matrix)
        candidates, matrix = evidence.spans[key]
        if not candidates:
            return [], matrix, None, 0.0
        matrix = matrix.copy()
        matrix[:, SPAN_FEATURES.index("sentence_score")] = sentence_score
        probabilities = self.model.span.probability(matrix)
        at = int(np.argmax(probabilities))
        return candidates, matrix, at, float(probabilities[at])

    @staticmethod
    def _best(evidence: Evidence, scores: np.ndarray) -> int:
        """The candidate to quote: the model's best — for an open question, the best whose quote names what the
        question names ("Tell me about Alexander Boroda": a sentence about him), when there is one."""
        named = _named(evidence.question)
        order = [int(i) for i in np.argsort(-scores, kind="stable")]
        spans_tried = (lambda c: (c.start, c.end), evidence.quote_span) if named else ()  # the sentence, then the quote
        for span in spans_tried:
            for i in order:
                c = evidence.candidates[i]
                start, end = span(c)
                text = evidence.retrieved[c.passage].row.text[start:end]
                if not constraint_report(named, text, every_word=True).unmet:
                    return i
        return order[0]

    @staticmethod
    def _tells_the_story(evidence: Evidence, chosen: Candidate) -> bool:
        """An open question ("What happened in Moscow?") asks what the articles say about its subject, not for a
        fact the support model could find in a sentence: its quotes support the answer (a lead and quotes, never
        a stated span) when the cited passage names everything the question names — every word of each name,
        and its years, numbers and quoted phrases. A question that names nothing is left to the model."""
        named = _named(evidence.question)
        if not named:
            return False
        hit = evidence.retrieved[chosen.passage]
        return not constraint_report(named, f"{hit.row.title}\n{hit.row.text}", every_word=True).unmet

    @staticmethod
    def _exact_unmet(evidence: Evidence, chosen: Candidate) -> bool:
        """A year, or a quoted phrase in the passage's language, of the question that the cited passage (and its
        title) lacks."""
        exact = [c for c in evidence.question.constraints if c.kind in EXACT]
        if not exact:
            return False
        hit = evidence.retrieved[chosen.passage]
        text = f"{hit.row.title}\n{hit.row.text}"
        if any(c.kind == "quote" for c in exact) and detect_language(hit.row.text[:400]) != evidence.question.language:
            exact = [c for c in exact if c.kind != "quote"]  # a translated question quotes translated words
        return bool(constraint_report(tuple(exact), text).unmet)

    def _partial(self, evidence: Evidence, chosen: Candidate, support_x: np.ndarray) -> ConstraintReport | None:
        """The articles tell the story the question asks about, but for another year or number.

        Only a value that differs counts ("who won Wimbledon in 2018?" over the 2022 final): every name and
        quoted phrase of the question is in the cited article, the missing constraints are years or numbers,
        the article has values of that kind, and the quote would support an answer if they matched. A missing
        name means the articles are about something else: that is a refusal.
        """
        hit = evidence.retrieved[chosen.passage]
        text = f"{hit.row.title}\n{hit.row.text}"
        report = constraint_report(evidence.question.constraints, text)
        if not report.hard_unmet or any(c.kind not in VALUES for c in report.unmet if c.kind in HARD):
            return None
        if not values_of(text, {c.kind for c in report.unmet}):
            return None
        met = support_x.copy()
        names = list(self.model.support.features)
        for name, value in (("constraints_met", 1.0), ("hard_unmet", 0.0), ("passage_constraints_met", 1.0),
                            ("passage_hard_unmet", 0.0)):
            met[names.index(name)] = value
        return report if float(self.model.support.probability(met)) >= self.model.support.threshold else None

    def _corroboration(self, evidence: Evidence, scores: np.ndarray, best: int) -> list[Quote]:
        """A second quote from another article when it is nearly as likely to hold the answer."""
        first = evidence.candidates[best]
        article = evidence.retrieved[first.passage].row.article_id
        p_best = 1 / (1 + np.exp(-scores[best]))
        for i in np.argsort(-scores)[1:6]:
            c = evidence.candidates[int(i)]
            if evidence.retrieved[c.passage].row.article_id == article:
                continue
            p = 1 / (1 + np.exp(-scores[int(i)]))
            if p >= SECOND_QUOTE_SHARE * p_best and p >= 0.5:
                return [self._quote(evidence, c, float(scores[int(i)]))]
            break
        return []


def _named(question: Question) -> tuple:
    """What an open question names (names, years, numbers, quoted phrases); nothing for a fact question."""
    return tuple(c for c in question.constraints if c.kind in HARD) if question.open_ended else ()
