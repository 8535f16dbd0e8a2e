"""The files an eval run writes: asked-for ones only, in a fixed order, refused before the run when their folder is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation.outputs import OutputFolderError, planned_outputs
from bot.evaluation.ragas import export_ragas
from bot.evaluation.report import write_json, write_markdown
from bot.evaluation.report_html import write_html


def test_only_the_outputs_asked_for_in_the_order_they_are_written(tmp_path: Path) -> None:
    every = planned_outputs(ragas=str(tmp_path / "r.jsonl"), html=str(tmp_path / "r.html"),
                            markdown=str(tmp_path / "r.md"), json=str(tmp_path / "r.json"))
    assert every == [(str(tmp_path / "r.json"), write_json), (str(tmp_path / "r.md"), write_markdown),
                     (str(tmp_path / "r.html"), write_html), (str(tmp_path / "r.jsonl"), export_ragas)]
    assert planned_outputs(html="r.html") == [("r.html", write_html)]  # the current folder
    assert planned_outputs() == []


def test_a_missing_folder_is_refused_with_both_names(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    with pytest.raises(OutputFolderError) as caught:
        planned_outputs(json=str(tmp_path / "ok.json"), markdown=str(missing / "run.md"))
    assert str(caught.value) == f"can't write {missing / 'run.md'}: the folder {missing} does not exist"
    assert caught.value.exit_status == 2  # unusable input
    assert not list(tmp_path.iterdir())  # nothing written
