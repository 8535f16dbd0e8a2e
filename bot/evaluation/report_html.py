"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, no external assets).

Metric cards, a per-tag chart, and every case as a <details> element with its turns, answers,
quotes and retrieved sources. All dynamic text goes through `esc`.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlparse

from bot.answer.result import AnswerResult
from bot.evaluation.compare import Comparison
from bot.evaluation.metric_registry import METRICS, NOT_MEASURED, metric
from bot.evaluation.metrics import CaseScore, TurnScore, source_matches
from bot.evaluation.records import CaseRecord, TurnRecord
from bot.evaluation.report import EvalRun, expected_text

CHART_METRICS: tuple[tuple[str, str], ...] = (
    ("pass_rate", "#2f6fdb"),
    ("answer_contains", "#1a9e6e"),
    ("hit@k", "#e0a100"),
)

CSS = """
:root { --ok:#1a9e6e; --bad:#c9372c; --muted:#667085; --line:#e4e7ec; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: var(--bg); color: #1d2939; }
header, main { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
header h1 { margin: 8px 0 4px; font-size: 24px; }
.meta { color: var(--muted); font-size: 13px; }
h2 { font-size: 18px; margin: 28px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 28px; font-weight: 650; margin-top: 2px; }
.card.good .value { color: var(--ok); } .card.poor .value { color: var(--bad); }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px; overflow-x: auto; }
.legend span { display: inline-block; margin-right: 16px; font-size: 13px; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
details.case { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 8px; margin: 8px 0; }
details.case.fail { border-left-color: var(--bad); }
details.case > summary { cursor: pointer; padding: 10px 14px; list-style-position: inside; }
details.case[open] > summary { border-bottom: 1px solid var(--line); }
.badge { display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 8px; border-radius: 10px; color: #fff; background: var(--ok); margin-right: 8px; }
.fail .badge { background: var(--bad); }
.tag { display: inline-block; font-size: 12px; padding: 0 7px; border-radius: 9px; background: #eef2f6; color: #344054; margin-left: 4px; }
.caseid { font-family: ui-monospace, monospace; font-size: 13px; color: var(--muted); margin-right: 8px; }
.turn { padding: 10px 16px 14px; border-top: 1px dashed var(--line); }
.turn:first-of-type { border-top: none; }
.q { font-weight: 600; }
.row { margin: 4px 0; }
.row b { display: inline-block; min-width: 84px; color: var(--muted); font-weight: 500; }
.answer { white-space: pre-wrap; background: var(--bg); border-radius: 6px; padding: 8px 10px; margin: 6px 0; }
.reasons { color: var(--bad); margin: 6px 0; padding-left: 20px; }
blockquote { margin: 6px 0; padding: 6px 12px; border-left: 3px solid #98a2b3; background: #fcfcfd; }
blockquote.bad { border-left-color: var(--bad); background: #fff5f4; }
blockquote cite { display: block; color: var(--muted); font-size: 12px; font-style: normal; margin-top: 4px; }
ol.sources { margin: 6px 0; padding-left: 22px; font-size: 14px; }
ol.sources li.expected { font-weight: 600; }
.snippet { color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); font-style: italic; }
table.compare { border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
table.compare td, table.compare th { padding: 4px 12px; border-bottom: 1px solid var(--line); text-align: right; }
table.compare td:first-child, table.compare th:first-child { text-align: left; }
td.better { color: var(--ok); } td.worse { color: var(--bad); }
ul.ids { columns: 3; font-size: 13px; }
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _safe_url(url: str) -> str | None:
    try:
        scheme = urlparse(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _card(name: str, value: float | None, k: int) -> str:
    m = metric(name)
    quality = ""
    if value is not None and not m.lower_is_better:
        quality = " good" if value >= 0.9 else (" poor" if value < 0.6 else "")
    return (
        f'<div class="card{quality}" data-metric="{esc(name)}">'
        f'<div class="label">{esc(m.heading(k))}</div><div class="value">{esc(m.format(value))}</div></div>'
    )


def tag_chart(run: EvalRun) -> str:
    """Grouped horizontal bars (pass rate, answer contains, hit@k) per tag, as inline SVG."""
    ev = run.evaluation
    tags = list(ev.per_tag)
    if not tags:
        return '<p class="empty">No tags in these test sets.</p>'
    left, bar_w, bar_h, gap = 150, 520, 9, 12
    row_h = bar_h * len(CHART_METRICS) + gap
    height = row_h * len(tags) + 30
    width = left + bar_w + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tagchart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Metrics per tag">'
    ]
    for frac in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + bar_w * frac
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 22}" stroke="#e4e7ec"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" fill="#667085">{int(frac * 100)}%</text>'
        )
    for i, tag in enumerate(tags):
        y0 = i * row_h + 4
        label = f"{tag} ({ev.tag_counts[tag]})"
        parts.append(
            f'<text x="{left - 8}" y="{y0 + bar_h * 1.8:.1f}" font-size="13" text-anchor="end" fill="#1d2939">{esc(label)}</text>'
        )
        for j, (name, color) in enumerate(CHART_METRICS):
            m, value = metric(name), ev.per_tag[tag].get(name)
            y = y0 + j * bar_h
            w = bar_w * (value or 0.0)
            title = f"{tag}: {m.label(ev.k)} {m.format(value)}"
            parts.append(
                f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 1}" fill="{color}" '
                f'data-tag="{esc(tag)}" data-metric="{esc(name)}"><title>{esc(title)}</title></rect>'
            )
            parts.append(
                f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 1.5}" font-size="9" fill="#667085">{esc(m.format(value))}</text>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{color}"></i>{esc(metric(name).heading(ev.k))}</span>' for name, color in CHART_METRICS
    )
    return f'<div class="legend">{legend}</div>' + "".join(parts)


def _expected_source_ids(turn: TurnRecord) -> set[str]:
    r, exp = turn.result, turn.expectation
    if r is None or exp is None or not exp.expected_sources:
        return set()
    return {
        p.chunk_id
        for p in r.passages
        if any(source_matches(e, article_id=p.article_id, title=p.title, url=p.url) for e in exp.expected_sources)
    }


def _quotes(result: AnswerResult, score: TurnScore, checked: bool) -> str:
    if not result.citations:
        return '<p class="empty">No quotes.</p>'
    out = []
    for c in result.citations:
        bad = checked and c.n in score.bad_quotes
        url = _safe_url(c.url)
        title = f'<a href="{esc(url)}">{esc(c.title)}</a>' if url else esc(c.title)
        extra = ", ".join(x for x in (c.source, c.published_at) if x)
        out.append(
            f'<blockquote class="quote{" bad" if bad else ""}">[{c.n}] {esc(c.quote)}'
            f'<cite>{title}{" — " + esc(extra) if extra else ""} · <code>{esc(c.article_id)}</code>'
            f' · chars {c.start}–{c.end}{" · NOT VERBATIM" if bad else ""}</cite></blockquote>'
        )
    return "".join(out)


def _sources(turn: TurnRecord) -> str:
    r = turn.result
    if r is None or not r.passages:
        return '<p class="empty">No passages retrieved.</p>'
    expected = _expected_source_ids(turn)
    items = []
    for p in sorted(r.passages, key=lambda p: p.rank):
        url = _safe_url(p.url)
        title = f'<a href="{esc(url)}">{esc(p.title)}</a>' if url else esc(p.title)
        snippet = " ".join(p.text.split())
        snippet = snippet if len(snippet) <= 240 else snippet[:239] + "…"
        cls = ' class="expected"' if p.chunk_id in expected else ""
        items.append(
            f"<li{cls}>{title} <span class=\"snippet\">score {p.score:.3f} · <code>{esc(p.article_id)}</code></span>"
            f'<div class="snippet">{esc(snippet)}</div></li>'
        )
    return f'<ol class="sources">{"".join(items)}</ol>'


def _turn(turn: TurnRecord, score: TurnScore, index: int, total: int, checked: bool) -> str:
    head = f"Turn {index}/{total}: " if total > 1 else ""
    parts = [
        '<div class="turn">',
        f'<div class="q">{esc(head)}<bdi>{esc(turn.question)}</bdi></div>',
        f'<div class="row"><b>Expected</b> {esc(expected_text(turn.expectation))}</div>',
    ]
    r = turn.result
    if r is None:
        parts.append(f'<div class="answer">{esc("Engine error: " + str(turn.error))}</div>')
    else:
        if r.standalone_question and r.standalone_question != turn.question:
            parts.append(f'<div class="row"><b>Rewritten</b> {esc(r.standalone_question)}</div>')
        state = "refused" if r.refused else "answered"
        latency = f"{score.latency_ms:.0f} ms" if score.latency_ms is not None else "–"
        parts.append(f'<div class="row"><b>Got</b> {state} · {esc(r.mode)} · {esc(latency)}</div>')
        parts.append(f'<div class="answer" dir="auto">{esc(r.answer)}</div>')
        if r.notice:
            parts.append(f'<div class="row"><b>Notice</b> {esc(r.notice)}</div>')
    if score.reasons:
        parts.append('<ul class="reasons">' + "".join(f"<li>{esc(x)}</li>" for x in score.reasons) + "</ul>")
    if r is not None:
        parts.append('<div class="row"><b>Quotes</b></div>' + _quotes(r, score, checked))
        parts.append('<details class="passages"><summary>Retrieved sources</summary>' + _sources(turn) + "</details>")
    parts.append("</div>")
    return "".join(parts)


def _case(rec: CaseRecord, score: CaseScore, checked: bool) -> str:
    status = "pass" if score.passed else "fail"
    tags = "".join(f'<span class="tag">{esc(t)}</span>' for t in rec.case.tags)
    first = rec.turns[0].question if rec.turns else ""
    extra = len(rec.turns) - 1
    more = f" (+{extra} turn{'s' if extra > 1 else ''})" if extra else ""
    turns = "".join(
        _turn(t, s, i, len(rec.turns), checked)
        for i, (t, s) in enumerate(zip(rec.turns, score.turns, strict=True), start=1)
    )
    return (
        f'<details class="case {status}" data-case-id="{esc(rec.case.id)}">'
        f'<summary><span class="badge">{status.upper()}</span><span class="caseid">{esc(rec.case.id)}</span>'
        f"<bdi>{esc(first)}</bdi>{esc(more)}{tags}</summary>{turns}</details>"
    )


def to_html(run: EvalRun) -> str:
    ev, info = run.evaluation, run.info
    passed = sum(c.passed for c in ev.cases)
    cards = "".join(_card(m.name, ev.metrics.get(m.name), ev.k) for m in METRICS)
    compared = comparison_section(run.comparison) if run.comparison is not None else ""
    pairs = run.pairs()
    failing = [p for p in pairs if not p[1].passed]
    passing = [p for p in pairs if p[1].passed]
    notes = "".join(f"<div class=\"meta\">Note: {esc(n)}</div>" for n in info.notes)
    if not ev.quotes_checked:
        notes += '<div class="meta">Quotes were not checked: the scorer was given no article texts.</div>'
    corpus = f" · corpus {esc(info.corpus)}" if info.corpus else ""
    corpus += f" · as of {esc(info.as_of)}" if info.as_of else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsbot evaluation — {passed}/{len(ev.cases)} passed</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>newsbot evaluation</h1>
<div class="meta">{esc(", ".join(info.files))} · mode {esc(info.mode)} · k={ev.k} · {esc(info.started_at)} · {info.seconds:.1f} s{corpus}</div>
<div class="meta">{len(ev.cases)} cases: {passed} passed, {len(ev.cases) - passed} failed</div>
{notes}
</header>
<main>
<section id="metrics"><h2>Metrics</h2><div class="cards">{cards}</div></section>
{compared}<section id="tags"><h2>Per tag</h2><div class="chart">{tag_chart(run)}</div></section>
<section id="failing"><h2>Failing cases ({len(failing)})</h2>
{"".join(_case(r, s, ev.quotes_checked) for r, s in failing) or '<p class="empty">None.</p>'}
</section>
<section id="passing"><h2>Passing cases ({len(passing)})</h2>
{"".join(_case(r, s, ev.quotes_checked) for r, s in passing) or '<p class="empty">None.</p>'}
</section>
</main>
</body>
</html>
"""


def comparison_section(c: Comparison) -> str:
    """Metric changes against BASE, and the case ids that newly fail / newly pass / are on one side only."""
    rows = []
    for change in c.metrics:
        m = metric(change.name)
        verdict = change.verdict or NOT_MEASURED
        rows.append(
            f'<tr data-metric="{esc(m.name)}"><td>{esc(m.heading(c.k))}</td><td>{esc(m.format(change.base))}</td>'
            f'<td>{esc(m.format(change.now))}</td><td>{esc(m.format_delta(change.delta))}</td>'
            f'<td class="{esc(verdict)}">{esc(verdict)}</td></tr>'
        )
    notes = "".join(f'<div class="meta">Note: {esc(n)}</div>' for n in c.notes)
    groups = (("newly-failing", "Newly failing", c.newly_failing), ("newly-passing", "Newly passing", c.newly_passing),
              ("only-in-base", "Only in BASE", c.only_in_base), ("only-in-run", "Only in this run", c.only_in_run))
    lists = "".join(
        f'<h3>{esc(title)} ({len(ids)})</h3><ul class="ids" id="{key}">'
        + ("".join(f"<li><code>{esc(i)}</code></li>" for i in ids) or '<li class="empty">None.</li>') + "</ul>"
        for key, title, ids in groups
    )
    return (
        f'<section id="compare"><h2>Compared with {esc(c.base)}</h2>{notes}'
        '<table class="compare"><thead><tr><th>Metric</th><th>BASE</th><th>now</th><th>change</th><th></th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>{lists}</section>'
    )


def write_html(run: EvalRun, path: str | Path) -> None:
    Path(path).write_text(to_html(run), encoding="utf-8")
