"""Number and table formatting shared by the benchmark report's sections (docs/benchmarks.md), and `_by_size`:
the entries of a per-size result in size order."""

from __future__ import annotations


def _ms(v) -> str:
    return "–" if v is None else f"{v:,.1f}"


def _s(v) -> str:
    return "–" if v is None else f"{v:,.2f}"


def _x(v) -> str:
    return "–" if v is None else f"{v:.2f}×"


def _ok(flag) -> str:
    return "–" if flag is None else ("**met**" if flag else "**missed**")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _pct(v) -> str:
    return "–" if v is None else f"{v:.0%}"


def _by_size(d: dict) -> list[tuple[int, dict]]:
    return sorted(((int(k), v) for k, v in (d or {}).items()), key=lambda kv: kv[0])
