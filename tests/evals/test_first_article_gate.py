"""The release gate: `evals/first-article.yaml` through `newsbot eval`, offline, with thresholds.

This is what CI runs on every change (via `make test`); the thresholds are the ones a release
must meet, documented in docs/evaluation.md. Raise them as the engine improves.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
GATE = ["--min", "quote_fidelity=1", "--min", "hit@5=1", "--min", "citation_precision=1",
        "--min", "pass_rate=0.85", "--min", "refusal_recall=0.85", "--min", "refusal_precision=0.85"]


def test_first_article_test_set_meets_the_release_gate(tmp_path):
    out = tmp_path / "result.json"
    code = main(["eval", str(ROOT / "evals" / "first-article.yaml"), "--corpus", str(ROOT / "corpus"),
                 "--mode", "offline", "--no-progress", "--json", str(out), *GATE])
    results = json.loads(out.read_text())
    failing = [c for c in results.get("cases", []) if not c.get("passed", True)]
    assert code == 0, f"the gate failed; failing cases: {json.dumps(failing, ensure_ascii=False)[:3000]}"
