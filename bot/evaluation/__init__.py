"""Evaluation: scripted Q&A test sets run through the engine, scored, compared, and reported.

- `cases`            the test-case schema: `Case`, `TurnSpec`, `Expectation` and their validation
- `testset`          load YAML / JSONL test-set files into `Case` models (errors name file, line and field)
- `runner`           ask every case (multi-turn included) through an engine, with a progress bar
- `metric_registry`  every metric defined once: name, title, direction, unit, description
- `metrics`          score the answers and compute the registry's metrics overall and per tag
- `compare`          a run against an earlier run's JSON: metric deltas, newly failing/passing cases
- `report`           JSON, Markdown and the terminal summary; `report_html` the HTML page
- `ragas`            export a run for LLM-judged scoring (ragas, deepeval)
- `outputs`          the files a run writes (JSON, Markdown, HTML, ragas), checked before it starts
- `session`          one run end to end (the `newsbot eval` command in bot/cli.py calls it)
"""

from bot.evaluation.cases import Case, Expectation, TurnSpec
from bot.evaluation.testset import TestSetError, load_cases, load_testset

__all__ = ["Case", "Expectation", "TestSetError", "TurnSpec", "load_cases", "load_testset"]
