"""Scoring hand-built AnswerResults: a case that must pass, one that must fail, refusals, turns, tags."""

from __future__ import annotations

import pytest

from bot.evaluation.metrics import (
    evaluate,
    find_answer,
    normalize,
    percentile,
    retrieval_rank,
    source_matches,
    token_f1,
)

from .factories import OTHER_ID, TITLE, answered, article_text, case, passage, record, refused

DAYS_QUOTE = "Putin added, sighing deeply in response to Troupanov telling him that he was held in Gaza for 498 days."
RABBI_QUOTE = "The meeting at the Kremlin was also attended by the Chief Rabbi of Russia Berel Lazar"


def test_normalisation_and_containment_on_word_boundaries() -> None:
    assert normalize("The “humanitarian act” — Re’im!") == "humanitarian act re im"
    assert find_answer("held for 498 days [1]", ["498"]) == "498"
    assert find_answer("a 3598-day wait", ["598"]) is None  # no partial numbers
    assert find_answer("the three-year-old daughter", ["three year old"]) == "three year old"
    assert find_answer("Re'im", ["Re’im"]) == "Re’im"  # curly and straight apostrophes agree
    assert find_answer("[1] and [2]", ["1"]) is None  # citation markers are not answers


def test_token_f1() -> None:
    assert token_f1("498 days", "498 days") == 1.0
    assert token_f1("he was held for 498 days", "498 days") == pytest.approx(2 * (2 / 6) * 1 / (2 / 6 + 1))  # 6 tokens, 2 shared
    assert token_f1("Kremlin", "Moscow") == 0.0


def test_sources_match_by_id_stem_title_or_url() -> None:
    kw = {"article_id": "world/putin-hosts-ex-hostages.txt", "title": TITLE, "url": "https://example.com/a/"}
    assert source_matches("world/putin-hosts-ex-hostages.txt", **kw)
    assert source_matches("putin-hosts-ex-hostages", **kw)
    assert source_matches("Putin hosts ex-hostages at Kremlin, hails Hamas for 'humanitarian act' of freeing them", **kw)
    assert source_matches("https://example.com/a", **kw)
    assert not source_matches("weather", **kw)


def test_retrieval_rank_uses_rank_order_and_k() -> None:
    ps = [passage("Heavy rain", OTHER_ID, rank=1), passage(DAYS_QUOTE, rank=2)]
    assert retrieval_rank(list(reversed(ps)), ["putin-hosts-ex-hostages"], k=5) == 2
    assert retrieval_rank(ps, ["putin-hosts-ex-hostages"], k=1) is None


def test_a_correct_answer_passes() -> None:
    c = case(id="days", question="How long was Sasha Troufanov held in Gaza?", expected_answers=[["498 days"]],
             expected_sources=["putin-hosts-ex-hostages"], tags=["number"])
    ev = evaluate([record(c, answered(c.question, [DAYS_QUOTE]))], k=5, article_text=article_text)
    (score,) = ev.cases
    assert score.passed, score.reasons
    t = score.turns[0]
    assert (t.hit, t.reciprocal_rank, t.contains, t.matched_answer) == (True, 1.0, True, "498 days")
    assert (t.quotes, t.quotes_verbatim, t.citation_precision) == (1, 1, 1.0)
    m = ev.metrics
    assert m["pass_rate"] == m["hit@k"] == m["mrr@k"] == m["answer_contains"] == m["quote_fidelity"] == 1.0
    assert m["refusal_precision"] is None and m["refusal_recall"] is None
    assert ev.per_tag["number"]["pass_rate"] == 1.0


def test_a_wrong_answer_from_the_wrong_article_fails_with_reasons() -> None:
    c = case(id="rabbi", question="Who is the Chief Rabbi of Russia?", expected_answers=["Berel Lazar"],
             expected_sources=["putin-hosts-ex-hostages"])
    result = answered(c.question, ["Heavy rain is expected in Moscow on Thursday"], article_id=OTHER_ID,
                      passages=[passage("Heavy rain", OTHER_ID, rank=1), passage(RABBI_QUOTE, rank=2)])
    ev = evaluate([record(c, result)], k=5, article_text=article_text)
    (score,) = ev.cases
    assert not score.passed
    assert any("none of the expected answers" in r for r in score.reasons)
    assert any("no expected source is cited (cited: weather.txt)" in r for r in score.reasons)
    assert ev.metrics["hit@k"] == 1.0 and ev.metrics["mrr@k"] == 0.5
    assert ev.metrics["answer_contains"] == 0.0 and ev.metrics["citation_precision"] == 0.0
    assert ev.metrics["pass_rate"] == 0.0


def test_refusals_expected_and_unexpected() -> None:
    unanswerable = case(id="australia", question="What is the capital of Australia?", expect_refusal=True, tags=["refusal"])
    answerable = case(id="rabbi", question="Who is the Chief Rabbi of Russia?", expected_answers=["Berel Lazar"])
    wrongly_answered = case(id="bitcoin", question="Bitcoin price?", expect_refusal=True, tags=["refusal"])
    records = [
        record(unanswerable, refused(unanswerable.question)),  # right refusal
        record(answerable, refused(answerable.question)),  # refused what the article answers
        record(wrongly_answered, answered(wrongly_answered.question, [RABBI_QUOTE])),  # should have refused
    ]
    ev = evaluate(records, k=5, article_text=article_text)
    assert [c.passed for c in ev.cases] == [True, False, False]
    assert ev.cases[1].reasons[0].startswith("refused:")
    assert ev.cases[2].reasons[0].startswith("expected a refusal, got an answer")
    assert ev.metrics["refusal_precision"] == 0.5  # 2 refusals, 1 expected
    assert ev.metrics["refusal_recall"] == 0.5  # 2 expected, 1 refused
    assert ev.metrics["answer_contains"] == 0.0 and ev.metrics["answer_f1"] == 0.0
    assert ev.per_tag["refusal"]["refusal_recall"] == 0.5 and ev.tag_counts["refusal"] == 2


def test_an_invented_quote_breaks_fidelity_and_fails_the_case() -> None:
    c = case(id="days", question="How long?", expected_answers=["498 days"], expected_sources=["putin-hosts-ex-hostages"])
    result = answered(c.question, [DAYS_QUOTE, "He was held in Gaza for 498 days and loved it."])
    ev = evaluate([record(c, result)], k=5, article_text=article_text)
    assert ev.metrics["quote_fidelity"] == 0.5
    assert not ev.cases[0].passed and ev.cases[0].turns[0].bad_quotes == [2]
    assert "quote [2] not found verbatim" in ev.cases[0].reasons[0]


def test_without_article_text_quotes_are_not_measured() -> None:
    c = case(id="days", question="How long?", expected_answers=["498 days"])
    ev = evaluate([record(c, answered(c.question, ["He was held for 498 days, honestly."]))], k=5, article_text=None)
    assert ev.metrics["quote_fidelity"] is None and not ev.quotes_checked and ev.cases[0].passed


def test_multi_turn_scores_each_turn_with_expectations() -> None:
    c = case(id="follow", tags=["followup"], turns=[
        {"question": "Who is Sasha Troufanov's mother?", "expected_answers": ["Elena Trufanova"]},
        {"question": "When was she freed?", "expected_answers": ["November 2023"], "expected_sources": ["putin-hosts-ex-hostages"]},
    ])
    mother = "along with his mother, Elena Trufanova, and partner, Sapir Cohen"
    freed = "The three women were freed during a November 2023 ceasefire"
    good = evaluate([record(c, answered("q1", [mother]), answered("q2", [freed]))], k=5, article_text=article_text)
    assert good.cases[0].passed and len(good.cases[0].turns) == 2
    assert good.metrics["answer_contains"] == 1.0
    bad = evaluate([record(c, answered("q1", [mother]), answered("q2", [mother]))], k=5, article_text=article_text)
    assert not bad.cases[0].passed
    assert bad.cases[0].reasons == ["turn 2: none of the expected answers is in the answer or its quotes"]
    assert bad.metrics["answer_contains"] == 0.5
    setup_only = case(id="s", turns=["Who is Maxim Herkin?", "How old was he?"], expected_answers=["35"])
    ev = evaluate([record(setup_only, answered("q1", [RABBI_QUOTE]), answered("q2", ["Herkin, who was 35 at the time"]))],
                  k=5, article_text=article_text)
    assert ev.cases[0].passed and not ev.cases[0].turns[0].scored and ev.cases[0].turns[1].scored


def test_an_engine_error_fails_the_turn() -> None:
    c = case(id="x", question="Q?", expected_answers=["498"], expected_sources=["putin-hosts-ex-hostages"])
    ev = evaluate([record(c, None, error="RuntimeError: index missing")], k=5, article_text=article_text)
    assert not ev.cases[0].passed and ev.cases[0].reasons == ["engine error: RuntimeError: index missing"]
    assert ev.metrics["hit@k"] == 0.0 and ev.metrics["latency_p50_ms"] is None


def test_latency_percentiles_use_engine_totals() -> None:
    assert percentile([10.0], 95) == 10.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([], 50) is None
    cases = [case(id=f"c{i}", question="Q", expect_refusal=True) for i in range(1, 21)]
    ev = evaluate([record(c, refused("Q", total_ms=float(i))) for i, c in enumerate(cases, start=1)], k=5, article_text=None)
    assert ev.metrics["latency_p50_ms"] == pytest.approx(10.5)
    assert ev.metrics["latency_p95_ms"] == pytest.approx(19.05)


def test_per_tag_metrics_only_count_their_cases() -> None:
    good = case(id="g", question="How long?", expected_answers=["498 days"], tags=["number", "en"])
    bad = case(id="b", question="Rabbi?", expected_answers=["Berel Lazar"], tags=["person", "en"])
    ev = evaluate([record(good, answered("q", [DAYS_QUOTE])), record(bad, answered("q", [DAYS_QUOTE]))],
                  k=5, article_text=article_text)
    assert ev.per_tag["number"]["pass_rate"] == 1.0
    assert ev.per_tag["person"]["pass_rate"] == 0.0
    assert ev.per_tag["en"]["pass_rate"] == 0.5 and ev.tag_counts == {"en": 2, "number": 1, "person": 1}


def test_hit_at_1_uses_the_same_passages_as_hit_at_k() -> None:
    c = case(id="rabbi", question="Who is the Chief Rabbi of Russia?", expected_sources=["putin-hosts-ex-hostages"])
    second = answered(c.question, [RABBI_QUOTE], passages=[passage("Heavy rain", OTHER_ID, rank=1),
                                                          passage(RABBI_QUOTE, rank=2)])
    first = answered(c.question, [RABBI_QUOTE])
    ev = evaluate([record(c, second), record(c.model_copy(update={"id": "r2"}), first)], k=5,
                  article_text=article_text)
    assert [t.first_hit for s in ev.cases for t in s.turns] == [False, True]
    assert ev.metrics["hit@1"] == 0.5 and ev.metrics["hit@k"] == 1.0
    assert len(second.passages) == 2  # nothing retrieved again for hit@1


def test_answer_stated_counts_the_answer_text_outside_the_quotes() -> None:
    c = case(id="days", question="How long was Sasha Troufanov held in Gaza?", expected_answers=["498 days"])
    quoted_only = answered(c.question, [DAYS_QUOTE])  # "From the article: “…498 days.” [1]"
    stated = answered(c.question, [DAYS_QUOTE], lead="498 days [1].")
    records = [record(c.model_copy(update={"id": f"c{i}"}), r)
               for i, r in enumerate((quoted_only, stated, refused(c.question)))]
    ev = evaluate(records, k=5, article_text=article_text)
    assert [s.turns[0].stated for s in ev.cases] == [False, True, False]  # a refusal is a miss
    assert [s.turns[0].contains for s in ev.cases] == [True, True, False]
    assert ev.metrics["answer_stated"] == pytest.approx(1 / 3) and ev.metrics["answer_contains"] == pytest.approx(2 / 3)


def test_stated_precision_counts_only_answers_that_state_one() -> None:
    c = case(id="days", question="How long was Sasha Troufanov held in Gaza?", expected_answers=["498 days"])
    gift = case(id="gift", question="What gift did Putin give the hostages?", expect_refusal=True)
    right = answered(c.question, [DAYS_QUOTE], lead="498 days [1].", highlight="498 days")
    wrong = answered(c.question, [DAYS_QUOTE], lead="Gaza, not 498 days [1].", highlight="Gaza")  # the bold words count
    quoted_only = answered(c.question, [DAYS_QUOTE])  # states nothing: not counted
    invented = answered(gift.question, [DAYS_QUOTE], lead="498 days [1].", highlight="498 days")
    records = [record(c.model_copy(update={"id": f"c{i}"}), r) for i, r in enumerate((right, wrong, quoted_only))]
    ev = evaluate([*records, record(gift, invented)], k=5, article_text=article_text)
    assert [s.turns[0].stated_right for s in ev.cases] == [True, False, None, False]
    assert ev.metrics["stated_precision"] == pytest.approx(1 / 3)
    assert ev.metrics["answer_stated"] == pytest.approx(2 / 3)  # the answer text, over every turn with answers


def test_metrics_are_exactly_the_registry_in_its_order() -> None:
    from bot.evaluation.metric_registry import NAMES

    c = case(id="x", question="Q?", expect_refusal=True, tags=["t"])
    ev = evaluate([record(c, refused("Q?"))], k=5, article_text=article_text)
    assert tuple(ev.metrics) == NAMES and tuple(ev.per_tag["t"]) == NAMES
    assert ev.metrics["hit@1"] is None and ev.metrics["answer_stated"] is None  # no case measures them
