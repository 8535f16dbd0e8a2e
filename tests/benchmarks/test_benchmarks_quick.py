"""Every benchmark runs once on a tiny input (`python -m benchmarks.run --quick`), so none rots.

No timing assertions: the figures of a quick run mean nothing; `make bench` measures. Working
data goes to `.bench/quick/` (git-ignored), so later runs reuse the small indexes; the report is
written to a temporary folder, never over docs/benchmarks.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import xquad_data

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not xquad_data.available(),
                       reason=f"XQuAD is missing at {xquad_data.SHARED} (../shared/data/xquad); "
                              "the benchmarks need it"),
]


@pytest.mark.timeout(1860)
def test_every_benchmark_runs_once_on_a_tiny_input(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    # libgomp's busy-waiting makes the e5 engine many times slower on a loaded machine (see
    # docs/benchmarks.md); a quick run only has to prove the code works, so it waits passively
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(report)],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1800)  # a bound for a hung run; a busy machine is slow, not stuck
    assert done.returncode == 0, done.stderr[-5000:]

    text = report.read_text()
    for section in ("## Machine", "## Targets", "## 1. Indexing throughput", "## 2. Answer latency",
                    "## 3. Start-up and memory", "## 4. Concurrency", "## 5. Profile of the answer path",
                    "## 6. The embedder under CPU contention", "## 8. Feeds: publication → answerable"):
        assert section in text
    assert "Failed" not in text and "Traceback" not in text
    assert "| newsbot `run_index` (fresh store) |" in text
    assert "Chroma server" in text
    assert (tmp_path / "benchmarks-latency.png").stat().st_size > 1000
