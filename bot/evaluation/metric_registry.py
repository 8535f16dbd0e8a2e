"""Every evaluation metric, defined once: name, title, direction, unit, description.

Scoring (`metrics.aggregate`), the gates (`thresholds`), the comparison of two runs (`compare`),
the reports (`report`, `report_html`) and the metrics table of docs/evaluation.md all read it.
A metric nothing measured has the value None and is shown as "–" everywhere (JSON: null).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NOT_MEASURED = "–"


@dataclass(frozen=True)
class Metric:
    name: str  # canonical, as in JSON and on the command line; "@k" stands for the run's k
    title: str  # for people: report headings and cards
    better: Literal["higher", "lower"]
    unit: Literal["share", "ms"]  # share: 0..1, shown as a percentage; ms: milliseconds
    description: str
    short: str = ""  # a column header for narrow tables (default: the name)

    @property
    def lower_is_better(self) -> bool:
        return self.better == "lower"

    def label(self, k: int) -> str:
        """The name with the run's k: hit@k → hit@5."""
        return self.name.replace("@k", f"@{k}")

    def heading(self, k: int) -> str:
        return self.title.replace("@k", f"@{k}")

    def column(self, k: int) -> str:
        return (self.short or self.name).replace("@k", f"@{k}")

    def format(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return NOT_MEASURED
        if self.unit == "ms":
            return f"{value:.0f} ms"
        return f"{value * 100:.{digits}f}%"

    def format_delta(self, delta: float | None) -> str:
        if delta is None:
            return NOT_MEASURED
        if self.unit == "ms":
            return f"{delta:+.0f} ms"
        return f"{delta * 100:+.1f} pp"

    def verdict(self, delta: float | None) -> Literal["better", "worse", "same"] | None:
        """Whether a change of `delta` is an improvement, by the metric's direction (None: not comparable)."""
        if delta is None:
            return None
        if abs(delta) < (0.5 if self.unit == "ms" else 1e-9):
            return "same"
        return "better" if (delta > 0) != self.lower_is_better else "worse"


METRICS: tuple[Metric, ...] = (
    Metric("pass_rate", "Cases passed", "higher", "share",
           "Share of cases that passed: every scored turn passed and every quote is verbatim. A turn passes when "
           "it refused if a refusal was expected; otherwise when it did not refuse, its answer or quotes contain "
           "an expected answer, and at least one cited article is an expected source.", short="pass"),
    Metric("hit@1", "Retrieval hit@1", "higher", "share",
           "Over scored turns with `expected_sources` (and no expected refusal): share whose first retrieved "
           "passage is from an expected source (the same passages as hit@k; nothing is retrieved again)."),
    Metric("hit@k", "Retrieval hit@k", "higher", "share",
           "Same turns: share whose top k retrieved passages include one from an expected source."),
    Metric("mrr@k", "Retrieval MRR@k", "higher", "share",
           "Same turns: mean of 1/rank of the first passage from an expected source within the top k (0 if none)."),
    Metric("answer_contains", "Answer or quotes contain expected", "higher", "share",
           "Over turns with `expected_answers`: share whose answer text or quotes contain an expected answer after "
           "normalisation (Unicode NFKC, case folding, curly quotes and dashes made plain, punctuation removed, "
           "`a`/`an`/`the` dropped), on whole words (`35` does not match `359`). A refusal counts as a miss.",
           short="contains"),
    Metric("answer_stated", "Answer text states expected", "higher", "share",
           "Same turns: share whose answer text itself (outside the quotes, `[n]` markers removed) contains an "
           "expected answer, matched as for `answer_contains`. A refusal counts as a miss.", short="stated"),
    Metric("stated_precision", "Stated answers that are right", "higher", "share",
           "Over scored turns whose answer states an answer (a quote highlights it: the offline mode's stated "
           "span, the number an LLM claim states): share whose stated words (the highlighted ones; an LLM's "
           "claim text) contain an expected answer, matched as for `answer_contains`; a stated answer where a refusal was expected counts as wrong. A bold answer "
           "that is wrong misleads more than a quote alone.", short="stated ok"),
    Metric("answer_f1", "Answer token F1", "higher", "share",
           "Same turns: the best SQuAD-style token F1 between an expected answer and the answer text or one of its "
           "quotes. Long extractive quotes keep it low by nature; it is most telling for short answers."),
    Metric("quote_fidelity", "Quote fidelity", "higher", "share",
           "Share of all quotes (every turn, scored or not) found verbatim in the body of the article they cite "
           "(`engine.article_text(article_id)`). Must be 100%: a quote that is not verbatim also fails its case.",
           short="quotes"),
    Metric("citation_precision", "Citation precision", "higher", "share",
           "Over scored turns with `expected_sources` and at least one citation: mean share of cited articles that "
           "are expected sources."),
    Metric("refusal_precision", "Refusal precision", "higher", "share",
           "Of the scored turns the engine refused, the share where a refusal was expected."),
    Metric("refusal_recall", "Refusal recall", "higher", "share",
           "Of the turns expecting a refusal, the share the engine refused.", short="refusal R"),
    Metric("latency_p50_ms", "Latency p50", "lower", "ms",
           "Median (linear interpolation, numpy.percentile) of the engine's `timings_ms[\"total\"]` over every "
           "answer (the runner's wall time if the engine reports none)."),
    Metric("latency_p95_ms", "Latency p95", "lower", "ms", "95th percentile of the same times."),
)

REGISTRY: dict[str, Metric] = {m.name: m for m in METRICS}
NAMES: tuple[str, ...] = tuple(REGISTRY)


def metric(name: str) -> Metric:
    """The metric called `name` (canonical); KeyError for an unknown one."""
    return REGISTRY[name]


def markdown_table() -> str:
    """The metrics table of docs/evaluation.md (a test keeps the document equal to it)."""
    rows = ["| Metric | Better | Definition |", "|---|---|---|"]
    rows += [f"| `{m.name}` | {m.better} | {m.description} |" for m in METRICS]
    return "\n".join(rows) + "\n"
