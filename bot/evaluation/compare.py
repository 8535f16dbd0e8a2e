"""Compare a run with an earlier one (`newsbot eval … --compare BASE.json`).

BASE is the file an earlier `newsbot eval --json` wrote. The comparison holds every metric's change
with its direction (better/worse by the metric's registry entry), and the cases, by id, that newly
fail (passed in BASE, fail now: the regressions) or newly pass. Cases found on one side only are
listed, never counted as regressions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from rich.table import Table
from rich.text import Text

from bot.evaluation.metric_registry import METRICS, NOT_MEASURED, metric
from bot.evaluation.metrics import Evaluation
from index.errors import NewsbotError

MAX_BASE_BYTES = 512 * 1024 * 1024
SHOWN_IDS = 50  # case ids listed per group in the terminal; the reports list them all
_K_METRICS = frozenset(m.name for m in METRICS if "@k" in m.name)


class BaselineError(NewsbotError):
    """BASE is not a usable `newsbot eval --json` file; the message names it."""


class _BaseCase(BaseModel):
    id: str
    passed: bool


class Baseline(BaseModel):
    """What a comparison needs from an earlier run's JSON."""

    model_config = ConfigDict(extra="ignore")

    path: str = ""
    k: int
    metrics: dict[str, float | None]
    cases: list[_BaseCase]


def load_baseline(path: str | Path) -> Baseline:
    p = Path(path)
    hint = "pass a file written by `newsbot eval … --json OUT.json`"
    try:
        if p.stat().st_size > MAX_BASE_BYTES:
            raise BaselineError(f"--compare {p}: larger than {MAX_BASE_BYTES // 2**20} MB; {hint}")
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"--compare {p}: no such file; {hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"--compare {p}: can't read it ({exc}); {hint}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"--compare {p}: not JSON ({exc.msg} at line {exc.lineno}); {hint}") from None
    if not isinstance(data, dict) or not {"metrics", "cases", "k"} <= set(data):
        raise BaselineError(f"--compare {p}: not an eval result (no 'k', 'metrics' and 'cases'); {hint}")
    try:
        return Baseline.model_validate({**data, "path": str(p)})
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in err["loc"])
        raise BaselineError(f"--compare {p}: not an eval result ('{where}': {err['msg']}); {hint}") from None


class MetricChange(BaseModel):
    name: str
    base: float | None
    now: float | None
    delta: float | None  # None: not measured on one side, or not comparable (another k)
    verdict: Literal["better", "worse", "same"] | None


class Comparison(BaseModel):
    base: str
    base_k: int
    k: int
    metrics: list[MetricChange]
    newly_failing: list[str]
    newly_passing: list[str]
    only_in_base: list[str]
    only_in_run: list[str]

    @property
    def notes(self) -> list[str]:
        if self.base_k == self.k:
            return []
        return [f"BASE used k={self.base_k} and this run k={self.k}: hit@k and mrr@k are not compared"]


def compare(evaluation: Evaluation, baseline: Baseline) -> Comparison:
    changes = []
    for m in METRICS:
        base, now = baseline.metrics.get(m.name), evaluation.metrics.get(m.name)
        comparable = base is not None and now is not None and (m.name not in _K_METRICS or baseline.k == evaluation.k)
        delta = now - base if comparable else None
        changes.append(MetricChange(name=m.name, base=base, now=now, delta=delta, verdict=m.verdict(delta)))
    before = {c.id: c.passed for c in baseline.cases}
    now_ids = {c.id for c in evaluation.cases}
    return Comparison(
        base=baseline.path, base_k=baseline.k, k=evaluation.k, metrics=changes,
        newly_failing=[c.id for c in evaluation.cases if before.get(c.id) is True and not c.passed],
        newly_passing=[c.id for c in evaluation.cases if before.get(c.id) is False and c.passed],
        only_in_base=[c.id for c in baseline.cases if c.id not in now_ids],
        only_in_run=[c.id for c in evaluation.cases if c.id not in before],
    )


# --- rendering (terminal and Markdown; the HTML section is in report_html) ---------------------------


def _values(change: MetricChange) -> tuple[str, str, str, str]:
    m = metric(change.name)
    return (m.format(change.base), m.format(change.now), m.format_delta(change.delta), change.verdict or NOT_MEASURED)


def _groups(c: Comparison) -> list[tuple[str, list[str]]]:
    return [("Newly failing", c.newly_failing), ("Newly passing", c.newly_passing),
            ("Only in BASE", c.only_in_base), ("Only in this run", c.only_in_run)]


def comparison_table(c: Comparison) -> Table:
    table = Table(title=f"Compared with {c.base}")
    for col, justify in (("Metric", "left"), ("BASE", "right"), ("now", "right"), ("change", "right"), ("", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    styles = {"better": "green", "worse": "red"}
    for change in c.metrics:
        base, now, delta, verdict = _values(change)
        table.add_row(metric(change.name).label(c.k), base, now, delta,
                      Text(verdict, style=styles.get(change.verdict or "", "")))
    return table


def comparison_text(c: Comparison) -> Text:
    out = Text()
    for note in c.notes:
        out.append(f"note: {note}\n", style="yellow")
    for title, ids in _groups(c):
        style = "bold red" if title == "Newly failing" and ids else "bold"
        out.append(f"{title} ({len(ids)})", style=style)
        shown = ", ".join(ids[:SHOWN_IDS]) + (f", … and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")
        out.append(f": {shown}\n" if ids else "\n")
    return out


def comparison_markdown(c: Comparison, escape: Callable[[str], str]) -> list[str]:
    """The Markdown section; `escape` makes text safe in a table cell."""
    lines = ["", f"## Compared with `{escape(c.base)}`", ""]
    lines += [f"- Note: {escape(n)}" for n in c.notes]
    lines += ["| Metric | BASE | now | change | |", "|---|---|---|---|---|"]
    for change in c.metrics:
        base, now, delta, verdict = _values(change)
        lines.append(f"| {metric(change.name).label(c.k)} | {base} | {now} | {delta} | {verdict} |")
    for title, ids in _groups(c):
        lines += ["", f"### {title} ({len(ids)})", ""]
        lines.append(", ".join(f"`{escape(i)}`" for i in ids) if ids else "None.")
    return lines
