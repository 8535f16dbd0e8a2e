"""Story groups and retrieval diversity on an indexed archive, side by side in one run.

    newsbot import realtimeqa ../shared/data/realtimeqa/2025 --weeks 20250103..20250131 --out /tmp/rtqa
    DATA_DIR=/tmp/rtqa-data CORPUS_DIR=/tmp/rtqa/corpus EMBED_MODEL=all-MiniLM-L6-v2 newsbot index
    DATA_DIR=/tmp/rtqa-data EMBED_MODEL=all-MiniLM-L6-v2 python -m benchmarks.stories /tmp/rtqa/testset.yaml

Prints (and with --json writes):
- the story groups of the index: articles, groups with more than one member, the articles in them,
  the largest group, and examples (titles, outlets, dates) to check that they are real duplicates;
- for every question of the test set (asked as of its `as_of`, like the engine): the top-k passages
  with diversity off and on — the share of passages that repeat a story already above them (same
  story group, or a near-identical text, of another article), distinct stories per question, and
  whether the expected answer's text is in any passage (answer recall@k);
- for the questions with time words: time scopes off and on — answer recall@k, the share of passages
  published in the scope's period, and how often a strict scope was kept or fell back.
The article texts of RealTimeQA carry no licence: the output is for measurement only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

from benchmarks.common import ratio, say


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def repeats(hits, catalog, settings) -> int:
    """Passages that repeat a story (group or near-identical text, another article) already above them."""
    from index.stories import near_duplicates, shingles

    count = 0
    for n, hit in enumerate(hits):
        mine = shingles(hit.row.text)
        for earlier in hits[:n]:
            if earlier.row.article_id == hit.row.article_id:
                continue
            theirs = shingles(earlier.row.text)
            same_text = bool(mine and theirs) and near_duplicates(
                len(mine & theirs) / len(mine | theirs), len(mine), len(theirs),
                settings.near_duplicate_threshold, settings.near_duplicate_containment)
            if same_text or catalog.story(earlier.row.article_id) == catalog.story(hit.row.article_id):
                count += 1
                break
    return count


def groups(catalog) -> dict:
    members: dict[str, list] = {}
    for info in catalog.articles.values():
        members.setdefault(info.story or info.id, []).append(info)
    multi = sorted((m for m in members.values() if len(m) > 1), key=len, reverse=True)
    return {
        "articles": len(catalog.articles), "groups": len(members), "multi_member_groups": len(multi),
        "articles_in_multi_member_groups": sum(len(m) for m in multi),
        "largest_group": max((len(m) for m in members.values()), default=0),
        "sizes": dict(sorted(Counter(len(m) for m in multi).items())),
        "examples": [[f"{a.published_at[:10]} · {a.source} · {a.title}" for a in sorted(m, key=lambda a: a.published_at)]
                     for m in multi[:8]],
    }


def measure(testset: Path, k: int, settings=None, embedder=None) -> dict:
    """The figures for the index `settings` name (default: the environment's) and a test set."""
    from bot.answer.time_scope import resolve_time_scope
    from bot.evaluation.testset import load_testset
    from bot.settings import Settings
    from index.catalog import Catalog
    from index.embedders import build_embedder
    from index.language import guess_language
    from index.models import SearchFilters
    from index.retriever import HybridRetriever
    from index.store import Store

    settings = settings or Settings()
    embedder = embedder or build_embedder(settings)
    store = Store.open(settings)
    store.ensure(embedder.name, embedder.dim)
    catalog = Catalog.load(store, settings.cache_dir)
    plain = HybridRetriever(settings.model_copy(update={"diversify": False}), store, embedder, catalog)
    diverse = HybridRetriever(settings, store, embedder, catalog)
    cases = [c for c in load_testset(testset).cases if c.question and c.expected_answers]
    say(f"stories: {len(cases)} questions over {len(catalog.articles)} articles, k={k}")

    out: dict = {"groups": groups(catalog), "k": k, "questions": len(cases)}
    rows = {name: Counter() for name in ("plain", "diverse", "unscoped", "scoped")}
    for n, case in enumerate(cases, 1):
        language = guess_language(case.question) or "en"
        as_of = date.fromisoformat(case.as_of) if case.as_of else date.today()
        filters = SearchFilters(as_of=as_of.isoformat())
        answers = [_norm(a) for group in case.expected_answers for a in group]
        scope = resolve_time_scope(case.question, as_of, language)
        runs = {"plain": (plain, None), "diverse": (diverse, None)}
        if scope is not None:
            runs |= {"unscoped": (diverse, None), "scoped": (diverse, scope)}
        for name, (retriever, time_scope) in runs.items():
            found = retriever.search(case.question, k=k, language=language, filters=filters, time_scope=time_scope)
            row = rows[name]
            row["questions"] += 1
            row["passages"] += len(found.hits)
            row["repeats"] += repeats(found.hits, catalog, settings)
            row["stories"] += len({catalog.story(h.row.article_id) for h in found.hits})
            text = " ".join(_norm(h.row.text) for h in found.hits)
            row["answer_found"] += any(a and a in text for a in answers)
            if scope is not None:
                first = scope.start.isoformat() if scope.start else ""
                last = (scope.end or as_of).isoformat()
                row["in_period"] += sum(first <= h.row.published_at[:10] <= last for h in found.hits if h.row.published_at)
                row["strict"] += scope.strict
                row["kept"] += found.scope_applied
        if n % 20 == 0:
            say(f"stories: {n}/{len(cases)}")
    for name, row in rows.items():
        q, p = max(row["questions"], 1), max(row["passages"], 1)
        out[name] = {"questions": row["questions"], "repeat_share": row["repeats"] / p,
                     "stories_per_question": row["stories"] / q, "answer_recall": row["answer_found"] / q,
                     "in_period_share": row["in_period"] / p, "strict": row["strict"], "strict_kept": row["kept"]}
    return out


def report(r: dict) -> str:
    g, k = r["groups"], r["k"]
    lines = [
        f"Story groups: {g['articles']} articles in {g['groups']} groups; with more than one member: "
        f"{g['multi_member_groups']} ({g['articles_in_multi_member_groups']} articles, largest {g['largest_group']}; "
        f"sizes {g['sizes']})",
        *(f"  - {' | '.join(example)}" for example in g["examples"]),
        "",
        f"{r['questions']} questions, top {k}        diversity off   on      ratio",
    ]
    off, on = r["plain"], r["diverse"]
    for label, key, fmt in (("passages repeating a story above", "repeat_share", "{:.1%}"),
                            ("distinct stories per question", "stories_per_question", "{:.2f}"),
                            (f"answer text in the top {k}", "answer_recall", "{:.1%}")):
        lines.append(f"  {label:<34} {fmt.format(off[key]):>8} {fmt.format(on[key]):>8}   "
                     f"{ratio(on[key], off[key]):.2f}")
    if r["scoped"]["questions"]:
        a, b = r["unscoped"], r["scoped"]
        lines += ["", f"{b['questions']} questions with time words ({b['strict']} strict; kept {b['strict_kept']}, "
                      f"fell back {b['strict'] - b['strict_kept']})   scopes off   on      ratio"]
        for label, key in (("passages from the scope's period", "in_period_share"),
                           (f"answer text in the top {k}", "answer_recall")):
            lines.append(f"  {label:<34} {a[key]:>8.1%} {b[key]:>8.1%}   {ratio(b[key], a[key]):.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("testset", type=Path, help="a test set (e.g. from `newsbot import realtimeqa`)")
    parser.add_argument("--k", type=int, default=5, help="passages per question (default 5)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    result = measure(args.testset, args.k)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
