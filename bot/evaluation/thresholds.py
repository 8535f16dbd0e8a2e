"""`--min METRIC=VALUE` / `--max METRIC=VALUE` release gates."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.evaluation.metric_registry import METRICS, REGISTRY, metric
from index.errors import NewsbotError


class ThresholdError(NewsbotError, ValueError):
    """A threshold that can't be parsed or names no metric."""


@dataclass(frozen=True)
class Threshold:
    metric: str  # canonical name, e.g. "hit@k"
    value: float
    kind: str  # "min" or "max"

    def check(self, metrics: Mapping[str, float | None], k: int) -> str | None:
        """None when met, else a message naming the metric."""
        label = metric(self.metric).label(k)
        actual = metrics.get(self.metric)
        if actual is None:
            return f"{label} was not measured (no case checks it), so --{self.kind} {label}={self.value:g} fails"
        if self.kind == "min" and actual < self.value:
            return f"{label} = {actual:.4g} is below the minimum {self.value:g}"
        if self.kind == "max" and actual > self.value:
            return f"{label} = {actual:.4g} is above the maximum {self.value:g}"
        return None


def canonical_metric(name: str, k: int) -> str:
    n = name.strip().lower().replace("_at_", "@").replace("-", "_")
    if n in REGISTRY:  # hit@1 is its own metric, whatever k is
        return n
    m = re.fullmatch(r"(hit|mrr)@(\d+|k)", n)
    if m:
        if m.group(2) not in ("k", str(k)):
            raise ThresholdError(f"{name} asks for k={m.group(2)} but the run uses --k {k}; use {m.group(1)}@{k}")
        return f"{m.group(1)}@k"
    aliases = {"hit": "hit@k", "mrr": "mrr@k", "p50": "latency_p50_ms", "p95": "latency_p95_ms"}
    n = aliases.get(n, n)
    if n not in REGISTRY:
        known = ", ".join(m.label(k) for m in METRICS)
        raise ThresholdError(f"unknown metric {name!r}; known: {known}")
    return n


def parse_threshold(text: str, kind: str, k: int) -> Threshold:
    if "=" not in text:
        raise ThresholdError(f"--{kind} expects METRIC=VALUE, got {text!r}")
    name, _, raw = text.partition("=")
    canonical = canonical_metric(name, k)
    raw = raw.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise ThresholdError(f"--{kind} {name}: {raw!r} is not a number") from None
    lower_is_better = metric(canonical).lower_is_better
    if kind == "min" and lower_is_better:
        raise ThresholdError(f"{canonical} is better when lower; use --max {canonical}={raw}")
    if not lower_is_better and not 0 <= value <= 1:
        raise ThresholdError(f"--{kind} {name}: {raw} is outside 0..1 (or 0%..100%)")
    return Threshold(metric=canonical, value=value, kind=kind)


def parse_thresholds(mins: Sequence[str], maxes: Sequence[str], k: int) -> list[Threshold]:
    return [parse_threshold(t, "min", k) for t in mins] + [parse_threshold(t, "max", k) for t in maxes]


def check_thresholds(thresholds: Sequence[Threshold], metrics: Mapping[str, float | None], k: int) -> list[str]:
    """Messages of the thresholds that failed (empty: the gate passes)."""
    return [msg for t in thresholds if (msg := t.check(metrics, k)) is not None]
