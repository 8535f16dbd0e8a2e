"""The HTML report rendered by a real browser (headless Chromium): cards, chart bars and cases show up."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.evaluation.metric_registry import METRICS
from bot.evaluation.report_html import write_html

from .test_report import sample_run

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Appended to a copy of the report: measures the laid-out page and writes the figures into the DOM.
PROBE = """
<script>
const box = (el) => el ? el.getBoundingClientRect() : {width: 0, height: 0};
const cards = [...document.querySelectorAll('.card')];
const cases = [...document.querySelectorAll('details.case')];
const days = document.querySelector('details.case[data-case-id="days"]');
const quote = () => ({visible: days.querySelector('blockquote').checkVisibility(), caseHeight: box(days).height});
const r = {
  cards: cards.length,
  visibleCards: cards.filter(c => box(c).width > 80 && box(c).height > 30).length,
  values: cards.map(c => c.querySelector('.value').textContent),
  bars: [...document.querySelectorAll('svg.tagchart rect.bar')].map(b => [b.dataset.tag, b.dataset.metric, box(b).width]),
  cases: cases.map(d => d.dataset.caseId),
  summaryHeight: Math.min(...cases.map(d => box(d.querySelector('summary')).height)),
  closedQuote: quote(),
};
cases.forEach(d => { d.open = true; });
r.openQuote = quote();
const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(r);
document.body.appendChild(pre);
</script>
"""


def browser() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    pytest.skip("no Chromium binary found (Debian: apt-get install chromium); the HTML report is not rendered")


def run_browser(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_report_renders_cards_chart_and_cases_in_chromium(tmp_path: Path) -> None:
    exe = browser()
    report = tmp_path / "report.html"
    write_html(sample_run(), report)
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")

    done = run_browser(exe, tmp_path / "profile", "--dump-dom", probed.as_uri())
    match = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert match, f"Chromium did not render the page (exit {done.returncode}): {done.stderr[-2000:]}"
    r = json.loads(html.unescape(match.group(1)))

    assert r["cards"] == len(METRICS) and r["visibleCards"] == len(METRICS)
    assert r["values"][0] == "75.0%"  # pass rate: 3 of 4
    widths = {(tag, metric): w for tag, metric, w in r["bars"]}
    assert widths[("number", "pass_rate")] > 400  # 100%: a full-length bar
    assert widths[("person", "pass_rate")] == 0  # 0%
    assert sorted(r["cases"]) == ["australia", "days", "follow", "rabbi"]
    assert r["summaryHeight"] > 10
    # quotes hide in a closed case and show when it is opened
    assert r["closedQuote"]["visible"] is False and r["openQuote"]["visible"] is True
    assert r["openQuote"]["caseHeight"] > r["closedQuote"]["caseHeight"] + 50

    shot = tmp_path / "report.png"
    done = run_browser(exe, tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1200,2000", report.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
