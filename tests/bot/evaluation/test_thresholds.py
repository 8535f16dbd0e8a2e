"""--min / --max gates: parsing, naming, and which metric failed."""

from __future__ import annotations

import pytest

from bot.evaluation.thresholds import ThresholdError, check_thresholds, parse_threshold, parse_thresholds

METRICS = {"pass_rate": 0.8, "hit@k": 1.0, "quote_fidelity": 1.0, "refusal_recall": None, "latency_p95_ms": 850.0}


def test_parse_names_values_and_percentages() -> None:
    assert parse_threshold("hit@5=0.9", "min", k=5).metric == "hit@k"
    assert parse_threshold("mrr_at_5=0.5", "min", k=5).metric == "mrr@k"
    assert parse_threshold("pass_rate=90%", "min", k=5).value == pytest.approx(0.9)
    assert parse_threshold("p95=2000", "max", k=5).metric == "latency_p95_ms"


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("hit@3=0.9", "min", "run uses --k 5"),
        ("accuracy=0.9", "min", "unknown metric 'accuracy'"),
        ("pass_rate", "min", "METRIC=VALUE"),
        ("pass_rate=high", "min", "not a number"),
        ("pass_rate=90", "min", "outside 0..1"),
        ("latency_p95_ms=100", "min", "use --max"),
    ],
)
def test_bad_thresholds_are_explained(text: str, kind: str, message: str) -> None:
    with pytest.raises(ThresholdError, match=message):
        parse_threshold(text, kind, k=5)


def test_check_names_each_failing_metric() -> None:
    gates = parse_thresholds(["pass_rate=0.9", "hit@5=1", "quote_fidelity=1", "refusal_recall=0.5"], ["p95=500"], k=5)
    failed = check_thresholds(gates, METRICS, k=5)
    assert failed == [
        "pass_rate = 0.8 is below the minimum 0.9",
        "refusal_recall was not measured (no case checks it), so --min refusal_recall=0.5 fails",
        "latency_p95_ms = 850 is above the maximum 500",
    ]
    assert check_thresholds(parse_thresholds(["pass_rate=0.8", "hit@5=1"], ["p95=850"], k=5), METRICS, k=5) == []
