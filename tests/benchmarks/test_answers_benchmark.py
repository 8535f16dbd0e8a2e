"""The answers benchmark (issue 9's figures) runs end to end on a sliver of the data, so it never rots.
No figure is checked: a smoke run measures nothing."""

from __future__ import annotations

import json

import pytest

from benchmarks import answers, qa_data
from benchmarks.common import Context

pytestmark = pytest.mark.skipif(not qa_data.available(), reason=f"the QA data is missing at {qa_data.SHARED}")


def test_the_answers_benchmark_records_every_question_and_the_first_article(tmp_path):
    result = answers.run(Context(quick=True, work=tmp_path), ("xquad", "native", "squad2", "first"), ("en", "ru"),
                         "smoke")

    records = [json.loads(line) for line in open(result["records"], encoding="utf-8")]
    assert [sum(r["set"] == s for r in records) for s in ("xquad", "native", "squad2")] == [20, 10, 20]
    assert {r["language"] for r in records if r["set"] == "xquad"} == {"en", "ru"}
    assert {r["language"] for r in records if r["set"] == "native"} == {"ru"}  # English is the xquad set
    assert any(not r["answerable"] for r in records if r["set"] == "squad2")
    assert {"xquad/en", "xquad/ru", "squad2/en"} <= set(result["summary"])
    assert "xquad/ru" in answers.table(result["summary"])
    assert result["first_article"]["cases"] > 40


def test_a_native_archive_is_in_the_questions_language_throughout():
    nat = qa_data.xquad_native("ru", limit_articles=1)

    body = nat.articles[0]["body"]
    assert "\ufeff" not in body and sum("а" <= ch <= "я" for ch in body) > len(body) / 2
    assert nat.articles[0]["url"].startswith("xquad-ru:")
    assert all(q.language == "ru" and q.article_id == nat.articles[0]["url"] for q in nat.questions)
    assert all(any(a in body for a in q.answers) for q in nat.questions)  # gold answers are the Russian text's


def test_stated_precision_is_over_the_answers_that_state_one():
    def outcome(answerable: bool, stated_span: bool, right: bool) -> answers.Outcome:
        return answers.Outcome("squad2", "squad2", "q", "en", answerable, False, stated_span=stated_span,
                               stated=right and answerable, stated_right=right)

    summary = answers.summarise([outcome(True, True, True), outcome(True, True, False), outcome(True, False, False),
                                 outcome(False, True, True)])  # an unanswerable question's stated span is wrong
    assert summary["squad2/en"]["stated_precision"] == pytest.approx(1 / 3)
    assert summary["squad2/en"]["answer_stated"] == pytest.approx(1 / 3)  # over the fair questions
