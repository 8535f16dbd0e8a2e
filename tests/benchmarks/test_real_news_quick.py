"""The real-news benchmarks (`benchmarks.scale`, `benchmarks.realnews`) run end to end on a few invented
RealTimeQA records written by the test, so neither rots. No figure is checked: a smoke run measures nothing.
Reports go to the test's folder, never over docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.importers.realtimeqa_sample import ARCHIVE, OTHER_WEEK, write_sample

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def bench(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1200)  # a bound for a hung run; a busy machine is slow, not stuck


@pytest.mark.timeout(1260)
def test_the_scale_benchmark_runs_on_a_tiny_sample(tmp_path: Path) -> None:
    data = write_sample(tmp_path / "rtqa")
    done = bench("benchmarks.scale", "--quick", "--data", str(data), "--work", str(tmp_path / "work"))
    assert done.returncode == 0, done.stderr[-5000:]

    result = json.loads((tmp_path / "work" / "results.json").read_text())["scale"]["quick"]
    assert result["index"]["chunks_added"] > 0 and result["timeline"]
    assert result["week"]["index"]["added"] and result["week"]["engine_articles"] == 3  # no restart
    report = (tmp_path / "work" / "benchmarks.md").read_text()
    assert "## 10. Scale" in report and "Quick: weeks" in report and "Traceback" not in report

    again = bench("benchmarks.scale", "--quick", "--week-only", "--data", str(data), "--work", str(tmp_path / "work"))
    assert again.returncode == 0, again.stderr[-5000:]
    rerun = json.loads((tmp_path / "work" / "results.json").read_text())["scale"]["quick"]
    assert rerun["week"]["index"]["added"] == result["week"]["index"]["added"], "the week was taken out and added again"
    assert rerun["week"]["engine_articles"] == 3 and rerun["timeline"] == result["timeline"], "the full run's figures stay"


@pytest.mark.timeout(1260)
def test_the_real_news_benchmark_runs_on_a_tiny_sample(tmp_path: Path) -> None:
    data = write_sample(tmp_path / "rtqa")
    out = tmp_path / "benchmarks.md"
    done = bench("benchmarks.realnews", "--weeks", ARCHIVE, "--refusal-weeks", OTHER_WEEK, "--data", str(data),
                 "--embed-model", "all-MiniLM-L6-v2", "--work", str(tmp_path / "work"), "--out", str(out))
    assert done.returncode == 0, done.stderr[-5000:]

    (result,) = json.loads((tmp_path / "work" / "results.json").read_text())["realnews"].values()
    assert (result["answerable"], result["refusal_cases"]) == (3, 1)
    records = [json.loads(line) for line in (ROOT / result["records"]).read_text().splitlines()]
    assert len(records) == 4 and all("stated_answer" in r for r in records)
    assert "## 11. Answer quality on real news" in out.read_text()
