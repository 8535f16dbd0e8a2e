"""The files one eval run writes (`newsbot eval --json/--report/--html/--export-ragas`), checked before the run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.evaluation.ragas import export_ragas
from bot.evaluation.report import EvalRun, write_json, write_markdown
from bot.evaluation.report_html import write_html
from index.errors import NewsbotError

#: writes a finished run to the path
Writer = Callable[[EvalRun, str], object]


class OutputFolderError(NewsbotError):
    """An output file whose folder does not exist; the message names both."""


def planned_outputs(*, json: str | None = None, markdown: str | None = None, html: str | None = None,
                    ragas: str | None = None) -> list[tuple[str, Writer]]:
    """(path, writer) of every output asked for, in the order they are written: JSON, Markdown, HTML, ragas.

    Checked now, before the run, not after it: a path whose folder does not exist raises OutputFolderError.
    """
    outputs: list[tuple[str, Writer]] = [
        (path, write) for path, write in ((json, write_json), (markdown, write_markdown), (html, write_html),
                                          (ragas, export_ragas)) if path]
    for path, _ in outputs:
        if not Path(path).parent.is_dir():
            raise OutputFolderError(f"can't write {path}: the folder {Path(path).parent} does not exist")
    return outputs
