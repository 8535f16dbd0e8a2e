"""Export a run for LLM-judged scoring: one JSON line per case, in ragas' single-turn field names.

`user_input` is the case's last question (for a conversation: its standalone rewrite, with the earlier
turns under `conversation`), `retrieved_contexts` the texts of the passages retrieved for it,
`response` the answer, `reference` the first expected answer (or a refusal reference).
ragas: `EvaluationDataset.from_jsonl(path)`; deepeval: map the same fields onto `LLMTestCase`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.evaluation.records import CaseRecord, TurnRecord
from bot.evaluation.report import EvalRun

REFUSAL_REFERENCE = "The indexed articles do not contain this information."


def _judged_turn(rec: CaseRecord) -> TurnRecord:
    """The last turn with an expectation (the one the case is about), else the last turn."""
    for turn in reversed(rec.turns):
        if turn.expectation is not None:
            return turn
    return rec.turns[-1]


def ragas_record(rec: CaseRecord) -> dict[str, Any]:
    turn = _judged_turn(rec)
    r = turn.result
    exp = turn.expectation
    if exp is not None and exp.expect_refusal:
        reference = REFUSAL_REFERENCE
    elif exp is not None and exp.expected_answers:
        reference = exp.expected_answers[0][0]
    else:
        reference = ""
    idx = rec.turns.index(turn)
    user_input = turn.question
    if idx > 0 and r is not None and r.standalone_question:
        user_input = r.standalone_question
    out: dict[str, Any] = {
        "user_input": user_input,
        "retrieved_contexts": [p.text for p in sorted(r.passages, key=lambda p: p.rank)] if r else [],
        "response": r.answer if r else "",
        "reference": reference,
        "id": rec.case.id,
        "tags": rec.case.tags,
    }
    if exp is not None and exp.expected_sources:
        out["reference_sources"] = exp.expected_sources
    if idx > 0:
        out["conversation"] = [
            {"question": t.question, "answer": t.result.answer if t.result else ""} for t in rec.turns[: idx + 1]
        ]
    if r is None:
        out["error"] = turn.error
    return out


def export_ragas(run: EvalRun, path: str | Path) -> int:
    """Write the JSONL file; returns the number of records."""
    lines = [json.dumps(ragas_record(rec), ensure_ascii=False) for rec in run.records]
    Path(path).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    return len(lines)
