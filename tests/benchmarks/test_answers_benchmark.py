"""The answers benchmark (issue 9's figures) runs end to end on a sliver of the data, so it never rots.
No figure is checked: a smoke run measures nothing."""

from __future__ import annotations

import json

import pytest

from benchmarks import answers, qa_data
from benchmarks.common import Context

pytestmark = pytest.mark.skipif(not qa_data.available(), reason=f"the QA data is missing at {qa_data.SHARED}")


def test_the_answers_benchmark_records_every_question_and_the_first_article(tmp_path):
    result = answers.run(Context(quick=True, work=tmp_path), ("xquad", "squad2", "first"), ("en", "ru"), "smoke")

    records = [json.loads(line) for line in open(result["records"], encoding="utf-8")]
    assert [sum(r["set"] == s for r in records) for s in ("xquad", "squad2")] == [20, 20]
    assert {r["language"] for r in records if r["set"] == "xquad"} == {"en", "ru"}
    assert any(not r["answerable"] for r in records if r["set"] == "squad2")
    assert {"xquad/en", "xquad/ru", "squad2/en"} <= set(result["summary"])
    assert "xquad/ru" in answers.table(result["summary"])
    assert result["first_article"]["cases"] > 40
