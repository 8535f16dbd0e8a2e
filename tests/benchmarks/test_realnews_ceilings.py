"""The real-news benchmark's ceilings: whether the archive itself holds a question's right choice by its date,
and for a time question within its week or the week before (benchmarks.realnews.mark_ceilings)."""

from __future__ import annotations

from benchmarks.realnews import Outcome, mark_ceilings, summarise
from index.models import Article


def article(day: str, body: str) -> Article:
    return Article(id=f"a-{day}-{hash(body) % 1000}", title="News", body=body, published_at=day)


ARCHIVE = [
    article("2024-03-01", "The Philadelphia Eagles won the game."),          # long before
    article("2025-01-08", "Osaka announced a ban on smoking in public."),   # in the week of 2025-01-10
    article("2025-01-20", "Red No. 3 was banned."),                         # after the question's date
]


def outcome(expected: str, *, week="20250110", as_of="2025-01-10", time_words=True, answerable=True) -> Outcome:
    return Outcome(id=expected, week=week, as_of=as_of, answerable=answerable, refused=False, time_words=time_words,
                   expected=expected)


def test_the_archive_holds_an_answer_only_in_articles_published_by_the_question_s_date() -> None:
    eagles, osaka, dye = outcome("the Philadelphia Eagles"), outcome("OSAKA"), outcome("Red No. 3")
    mark_ceilings([eagles, osaka, dye], ARCHIVE)
    assert (eagles.in_archive, osaka.in_archive, dye.in_archive) == (True, True, False)
    # only the Osaka article is of the question's week or the week before
    assert (eagles.in_window, osaka.in_window, dye.in_window) == (False, True, False)


def test_questions_without_time_words_and_refusal_cases_get_no_window() -> None:
    plain, refusal = outcome("Osaka", time_words=False), outcome("Osaka", answerable=False)
    mark_ceilings([plain, refusal], ARCHIVE)
    assert plain.in_archive and plain.in_window is None
    assert refusal.in_archive is None and refusal.in_window is None


def test_the_summary_reports_the_ceilings_and_honest_time_answers() -> None:
    items = [outcome("the Philadelphia Eagles"), outcome("Osaka")]
    mark_ceilings(items, ARCHIVE)
    items[0].period_noted = True  # it said that no article of its week answers it
    items[1].cited_in_window = True
    summary = summarise(items)
    assert summary["ceiling_in_archive"] == 1.0 and summary["ceiling_time_in_window"] == 0.5
    assert summary["time_cited_in_window"] == 0.5 and summary["time_cited_or_said"] == 1.0


def test_stated_precision_counts_stated_answers_of_refusal_cases_as_wrong() -> None:
    from bot.answer.result import AnswerResult, Citation
    from bot.evaluation.cases import Case
    from benchmarks.realnews import score

    def answer(question: str, stated: str | None) -> AnswerResult:
        quote = "Osaka announced a ban on smoking in public."
        at = quote.find(stated) if stated else -1
        cite = Citation(n=1, article_id="a", title="News", quote=quote, chunk_id="a:0", start=0, end=len(quote),
                        highlights=[(at, at + len(stated))] if stated else [])
        return AnswerResult(question=question, standalone_question=question, citations=[cite],
                            answer=f"As of Jan 8, 2025 (Osaka): {stated} [1]." if stated else "According to News [1]:")

    fair = Case.model_validate({"id": "f", "question": "Which city banned smoking?", "expected_answers": ["Osaka"],
                                "tags": ["week-20250110"]})
    other = Case.model_validate({"id": "r", "question": "Which city banned cars?", "expect_refusal": True})
    right, wrong = score(fair, answer(fair.question, "Osaka"), 1.0), score(fair, answer(fair.question, "smoking"), 1.0)
    lead_only, invented = score(fair, answer(fair.question, None), 1.0), score(other, answer(other.question, "Osaka"), 1.0)
    assert [o.span_stated for o in (right, wrong, lead_only, invented)] == [True, True, False, True]
    assert summarise([right, wrong, lead_only, invented])["stated_precision"] == 1 / 3  # the bold words count
