"""The release gate: `evals/first-article.yaml` through `newsbot eval`, offline, with thresholds.

This is what CI runs on every change (via `make test`), as docs/evaluation.md says to gate a release:
quotes always verbatim and cited; the other bounds just below the numbers of the release we trust, and
no case that passes in its run (evals/baselines/first-article.json) may fail now. Raise the bounds and
rewrite the baseline as the engine improves. Issue 9's target is every case passing: not met yet.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
GATE = ["--min", "quote_fidelity=1", "--min", "hit@5=1", "--min", "citation_precision=1",
        "--min", "pass_rate=0.75", "--min", "refusal_recall=0.75", "--min", "refusal_precision=0.65",
        "--min", "stated_precision=0.85",
        "--compare", str(ROOT / "evals" / "baselines" / "first-article.json"), "--no-regressions"]


def test_first_article_test_set_meets_the_release_gate(tmp_path):
    out = tmp_path / "result.json"
    code = main(["eval", str(ROOT / "evals" / "first-article.yaml"), "--corpus", str(ROOT / "corpus"),
                 "--mode", "offline", "--no-progress", "--json", str(out), *GATE])
    results = json.loads(out.read_text())
    failing = [c for c in results.get("cases", []) if not c.get("passed", True)]
    assert code == 0, f"the gate failed; failing cases: {json.dumps(failing, ensure_ascii=False)[:3000]}"
