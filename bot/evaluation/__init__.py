"""Evaluation: scripted Q&A test sets run through the engine, scored, and reported.

- `testset`  load YAML / JSONL test sets into `Case` models (errors name file, line and field)
- `runner`   ask every case (multi-turn included) through an engine, with a progress bar
- `metrics`  score the answers: retrieval hit@k / MRR@k, correctness, quote fidelity, refusals, latency
- `report`   Markdown, JSON and a self-contained HTML report
- `ragas`    export a run for LLM-judged scoring (ragas, deepeval)
- `commands` the `newsbot eval` and `newsbot import` sub-commands
"""

from bot.evaluation.testset import Case, Expectation, TestSetError, TurnSpec, load_cases, load_testset

__all__ = ["Case", "Expectation", "TestSetError", "TurnSpec", "load_cases", "load_testset"]
