"""The real-model benchmark: skipped with a message without an endpoint; its automatic support check."""

import pytest

from benchmarks import llm_real
from benchmarks.common import Context


def test_without_an_endpoint_the_benchmark_is_skipped_with_a_message(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("LLM_BENCH_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    result = llm_real.run(Context(quick=False, work=tmp_path))
    assert "skipped" in result and "LLM_BENCH_BASE_URL" in result["skipped"]
    assert "skipped" in capsys.readouterr().err


def test_quick_mode_needs_an_explicit_benchmark_endpoint(monkeypatch, tmp_path):
    monkeypatch.delenv("LLM_BENCH_BASE_URL", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert "skipped" in llm_real.run(Context(quick=True, work=tmp_path))


def test_the_automatic_check_wants_the_claims_digits_names_and_stated_answer_in_its_quotes():
    quote = ["Troupanov telling him that he was held in Gaza for 498 days."]
    assert llm_real.auto_supported("He was held in Gaza for 498 days.", quote, ("498 days",))
    assert not llm_real.auto_supported("He was held in Gaza for 489 days.", quote, ())
    assert not llm_real.auto_supported("He was held by Hamas in Gaza.", quote, ())
    assert not llm_real.auto_supported("He was held in Gaza for 498 days in Rafah.", quote, ("Rafah",))


def test_an_unknown_set_is_refused_by_name_and_some_sets_keep_their_own_files(capsys):
    with pytest.raises(SystemExit) as exit_info:
        llm_real.main(["--sets", "xquad-en,xquad-fr"])
    assert exit_info.value.code == 2 and "unknown set(s) xquad-fr" in capsys.readouterr().err
    assert llm_real._suffix(False, frozenset()) == ""
    assert llm_real._suffix(True, frozenset({"xquad-ru", "xquad-en"})) == "-replay-xquad-en+xquad-ru"


def test_the_summary_counts_the_answers_the_check_refused():
    def record(mode, refused, dropped):
        return {"set": "squad2-unanswerable", "mode": mode, "question": "Q?", "answerable": False, "refused": refused,
                "partial": False, "fallback": False, "claims": [], "dropped": dropped, "seconds": 1.0,
                "in_language": True}

    check = {"text": "A.", "reason": "check: its quotes don't answer the question"}
    other = {"text": "B.", "reason": "similarity: 0.70 < 0.83 to any evidence"}
    summary = llm_real.summarise([record("llm", True, [check]), record("llm", False, [other]),
                                  record("offline", False, [])])
    assert summary["llm/squad2-unanswerable"]["check_refused"] == 1
    assert summary["llm/squad2-unanswerable"]["refused"] == 0.5
    assert summary["offline/squad2-unanswerable"]["check_refused"] == 0
    assert "check_refused" in llm_real.table(summary).splitlines()[0]
