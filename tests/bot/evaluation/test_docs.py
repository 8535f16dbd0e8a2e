"""The examples in docs/evaluation.md are valid test sets, and its error examples are what the loader says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.evaluation.testset import TestSetError, load_testset

from .factories import ROOT

DOC = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")


def test_every_yaml_and_jsonl_example_loads(tmp_path: Path) -> None:
    blocks = re.findall(r"```(yaml|json)\n(.*?)```", DOC, re.S)
    assert len(blocks) >= 2
    for i, (kind, text) in enumerate(blocks):
        path = tmp_path / f"example{i}.{'yaml' if kind == 'yaml' else 'jsonl'}"
        path.write_text(text, encoding="utf-8")
        assert load_testset(path).cases, f"example {i} has no cases"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("mine.yaml", "- id: followup\n  turns:\n    - question: a\n    - expected_answers: [x]\n"),
        ("mine.jsonl", '{"id": "a", "question": "q", "expect_refusal": true}\n\n{"id": "b", "question": "q", "expected_sources": [""]}\n'),
    ],
)
def test_documented_error_messages(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / "evals").mkdir()
    path = tmp_path / "evals" / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TestSetError) as info:
        load_testset(path)
    message = str(info.value).replace(str(tmp_path) + "/", "")
    assert f"error: {message}" in DOC
