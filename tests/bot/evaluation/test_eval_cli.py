"""`newsbot eval` end to end: the real engine (offline mode) on a tiny corpus with known outcomes.

The corpus is the first article plus an unrelated one, indexed by `--corpus` into a temporary index.
Known outcomes: a case that must pass, one that must fail (its expectation is wrong on purpose),
a refusal, and a follow-up conversation; the test set comes as YAML and JSONL.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from tests.factories import write_article

from .factories import ROOT

YAML_CASES = """\
cases:
  - id: must-pass
    question: How long was Sasha Troufanov held in Gaza?
    expected_answers: [498 days]
    expected_sources: [putin-hosts-ex-hostages]
    tags: [number]
  - id: must-fail
    question: How long was Sasha Troufanov held in Gaza?
    expected_answers: [612 days]
    expected_sources: [park]
    tags: [number]
  - id: refusal
    question: What is the capital of Australia?
    expect_refusal: true
    tags: [refusal]
"""
JSONL_CASES = [
    {"id": "follow-up", "turns": ["Who is Maxim Herkin?", "How old was he when he was abducted?"],
     "expected_answers": ["35"], "expected_sources": ["putin-hosts-ex-hostages"], "tags": ["followup"]},
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("eval")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "putin-hosts-ex-hostages.txt", corpus)
    write_article(corpus, "park.txt")
    (root / "cases.yaml").write_text(YAML_CASES, encoding="utf-8")
    (root / "more.jsonl").write_text("".join(json.dumps(c) + "\n" for c in JSONL_CASES), encoding="utf-8")
    return root


def eval_args(ws: Path, *extra: str) -> list[str]:
    return ["eval", str(ws / "cases.yaml"), str(ws / "more.jsonl"), "--corpus", str(ws / "corpus"),
            "--mode", "offline", "--no-progress", *extra]


@pytest.fixture(scope="module")
def passing_run(workspace: Path) -> tuple[int, Path]:
    out = workspace / "out"
    out.mkdir()
    code = main(eval_args(
        workspace, "--k", "4", "--json", str(out / "run.json"), "--report", str(out / "run.md"),
        "--html", str(out / "run.html"), "--export-ragas", str(out / "ragas.jsonl"),
        "--min", "quote_fidelity=1", "--min", "refusal_recall=1", "--min", "hit@4=0.6", "--max", "latency_p95_ms=60000",
    ))
    return code, out


def test_known_outcomes_through_the_real_engine(passing_run: tuple[int, Path]) -> None:
    code, out = passing_run
    assert code == EXIT_OK
    data = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert data["info"]["mode"] == "offline" and data["k"] == 4 and data["quotes_checked"] is True
    cases = {c["id"]: c for c in data["cases"]}
    assert list(cases) == ["must-pass", "must-fail", "refusal", "follow-up"]

    assert cases["must-pass"]["passed"], cases["must-pass"]["reasons"]
    turn = cases["must-pass"]["turns"][0]
    assert turn["score"]["hit"] and turn["score"]["matched_answer"] == "498 days"
    assert any("498 days" in c["quote"] for c in turn["result"]["citations"])

    assert not cases["must-fail"]["passed"]
    assert "none of the expected answers is in the answer or its quotes" in cases["must-fail"]["reasons"]
    assert any(r.startswith("no expected source is cited") for r in cases["must-fail"]["reasons"])

    refusal = cases["refusal"]["turns"][0]
    assert cases["refusal"]["passed"] and refusal["result"]["refused"] and not refusal["result"]["citations"]

    m = data["metrics"]
    assert m["quote_fidelity"] == 1.0 and m["refusal_recall"] == 1.0
    assert m["pass_rate"] <= 0.75  # must-fail can never pass
    assert m["latency_p50_ms"] > 0 and data["per_tag"]["number"]["cases"] == 2


def test_follow_up_is_asked_with_its_history(passing_run: tuple[int, Path]) -> None:
    _, out = passing_run
    data = json.loads((out / "run.json").read_text(encoding="utf-8"))
    follow = next(c for c in data["cases"] if c["id"] == "follow-up")
    first, second = follow["turns"]
    assert first["expected"] is None and second["expected"]["expected_answers"] == [["35"]]
    # the engine saw the first turn: the follow-up was rewritten into a standalone question
    assert second["result"]["standalone_question"] != second["question"]
    assert follow["passed"], follow["reasons"]


def test_reports_and_ragas_export_are_written(passing_run: tuple[int, Path]) -> None:
    _, out = passing_run
    md = (out / "run.md").read_text(encoding="utf-8")
    assert "### must-fail" in md and "612 days" in md and "### must-pass" not in md
    page = (out / "run.html").read_text(encoding="utf-8")
    assert page.count('<details class="case') == 4
    rows = [json.loads(line) for line in (out / "ragas.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["must-pass", "must-fail", "refusal", "follow-up"]
    assert all(set(r) >= {"user_input", "retrieved_contexts", "response", "reference"} for r in rows)
    assert rows[0]["retrieved_contexts"] and rows[0]["reference"] == "498 days"


def test_a_failed_threshold_exits_1_and_names_the_metric(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(eval_args(workspace, "--min", "pass_rate=1", "--min", "quote_fidelity=1"))
    err = capsys.readouterr().err
    assert code == EXIT_FAILED
    assert "threshold failed: pass_rate" in err and "below the minimum 1" in err
    assert "quote_fidelity" not in err  # met thresholds are not reported as failures


def test_unusable_input_exits_2_before_any_indexing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: a\n  question: Q\n  expected_answer: [x]\n", encoding="utf-8")
    assert main(["eval", str(bad), "--corpus", str(tmp_path / "nowhere")]) == EXIT_USAGE
    assert f"{bad}, line 3: field 'expected_answer'" in capsys.readouterr().err
    good = tmp_path / "good.yaml"
    good.write_text("- id: a\n  question: Q\n  expect_refusal: true\n", encoding="utf-8")
    assert main(["eval", str(good), "--min", "accuracy=1"]) == EXIT_USAGE
    assert "unknown metric 'accuracy'" in capsys.readouterr().err
    assert main(["eval", str(good), "--corpus", str(tmp_path / "nowhere")]) == EXIT_USAGE
    assert "no such folder" in capsys.readouterr().err


CHANGED_CASES = """\
cases:
  - id: must-pass            # now expects a wrong answer: passed in BASE, fails now
    question: How long was Sasha Troufanov held in Gaza?
    expected_answers: [612 days]
  - id: must-fail            # now expects the right answer: failed in BASE, passes now
    question: How long was Sasha Troufanov held in Gaza?
    expected_answers: [498 days]
    expected_sources: [putin-hosts-ex-hostages]
  - id: new-case
    question: Who is Maxim Herkin?
    expected_sources: [putin-hosts-ex-hostages]
    as_of: 2025-05-01
"""


def compare_args(workspace: Path, base: Path, *extra: str) -> list[str]:
    changed = workspace / "changed.yaml"
    changed.write_text(CHANGED_CASES, encoding="utf-8")
    return ["eval", str(changed), "--corpus", str(workspace / "corpus"), "--mode", "offline", "--no-progress",
            "--k", "4", "--compare", str(base), *extra]


def test_compare_lists_regressions_and_no_regressions_exits_1(
        workspace: Path, passing_run: tuple[int, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, out = passing_run
    base = out / "run.json"
    code = main(compare_args(workspace, base, "--no-regressions", "--as-of", "2025-06-01",
                             "--json", str(out / "changed.json"), "--report", str(out / "changed.md"),
                             "--html", str(out / "changed.html")))
    printed = capsys.readouterr()
    assert code == EXIT_FAILED
    assert f"error: 1 case(s) passed in {base} and fail now: must-pass" in printed.err
    assert "Compared with" in printed.out and "Newly failing (1): must-pass" in printed.out
    assert "Newly passing (1): must-fail" in printed.out

    data = json.loads((out / "changed.json").read_text(encoding="utf-8"))
    comparison = data["comparison"]
    assert comparison["newly_failing"] == ["must-pass"] and comparison["newly_passing"] == ["must-fail"]
    assert comparison["only_in_base"] == ["refusal", "follow-up"] and comparison["only_in_run"] == ["new-case"]
    pass_rate = next(m for m in comparison["metrics"] if m["name"] == "pass_rate")
    assert pass_rate["base"] == json.loads(base.read_text())["metrics"]["pass_rate"]
    # --as-of for the cases without their own; the case's as_of wins
    as_of = {c["id"]: c["turns"][0]["result"]["as_of"] for c in data["cases"]}
    assert as_of == {"must-pass": "2025-06-01", "must-fail": "2025-06-01", "new-case": "2025-05-01"}
    assert data["info"]["as_of"] == "2025-06-01"
    assert "### Newly failing (1)\n\n`must-pass`" in (out / "changed.md").read_text(encoding="utf-8")
    assert '<ul class="ids" id="newly-failing"><li><code>must-pass</code>' in (out / "changed.html").read_text()


def test_without_no_regressions_a_comparison_only_reports(
        workspace: Path, passing_run: tuple[int, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, out = passing_run
    assert main(compare_args(workspace, out / "run.json")) == EXIT_OK
    assert "Newly failing (1): must-pass" in capsys.readouterr().out


def test_a_bad_base_or_missing_compare_is_unusable_input(
        workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_json = workspace / "cases.yaml"
    code = main(["eval", str(not_json), "--compare", str(not_json), "--corpus", str(tmp_path / "nowhere")])
    assert code == EXIT_USAGE
    assert f"error: --compare {not_json}: not JSON" in capsys.readouterr().err  # checked before anything else
    assert main(["eval", str(not_json), "--no-regressions"]) == EXIT_USAGE
    assert "--no-regressions needs --compare BASE.json" in capsys.readouterr().err
    assert main(["eval", str(not_json), "--json", str(tmp_path / "no" / "such" / "dir.json")]) == EXIT_USAGE
    assert "the folder" in capsys.readouterr().err
