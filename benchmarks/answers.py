"""Answers and refusals across languages and data sets: the targets of the answers issue (#9).

    python -m benchmarks.answers [--sets xquad,half,native,native-half,squad2,heq,first] [--langs en,ru,es,zh,ar]
                                 [--label NAME]

Offline mode, default settings, the default embedder (multilingual-e5-small). Indexes are built once
under .bench/answers/ and reused. For every question it records whether the bot answered, whether the
first passage is from the right article and holds a gold answer (strict hit@1), whether the first quote
holds it, whether the answer text itself (outside the quotes) states it, and for SQuAD 2.0's unanswerable
questions whether the decoy answer was quoted. Per-question records go to
.bench/answers/records-LABEL.jsonl (for analysis and for comparing runs); the summary is printed and
returned to `make bench`.

Sets:
- xquad:  all 48 XQuAD articles indexed; 1,190 questions per language (all answerable).
- half:   24 XQuAD articles indexed; questions about the other 24 must be refused, questions about
          the indexed 24 answered (the refusal target across languages).
- native: XQuAD in one language throughout (per language but English, which is `xquad`): the articles in
          XQuAD's translation, the questions and gold answers in the same language — an archive in its
          readers' own language, where `xquad` asks across languages.
- native-half: the same, half the articles indexed (as `half`). The two ask 9,520 questions over 8 indexes of
          their own (about 12 minutes more): `--sets` without them skips them.
- squad2: the SQuAD 2.0 slice (on-topic unanswerable questions next to answerable ones).
- heq:    HeQ val (Hebrew articles, Hebrew questions, answerable and unanswerable).
- first:  evals/first-article.yaml over corpus/ (every fair question answered, every refusal refused).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import qa_data
from benchmarks.common import DEFAULT_WORK, ROOT, Context, quiet_logs, say, settings_for

SETS = ("xquad", "half", "native", "native-half", "squad2", "heq", "first")


@dataclass
class Outcome:
    dataset: str
    set: str
    id: str
    language: str
    answerable: bool
    refused: bool
    partial: bool = False  # "the articles don't mention X; they report Y": neither an answer nor a plain refusal
    hit1: bool = False  # first passage: right article and holds a gold answer
    top_quote: bool = False  # first quote holds a gold answer
    any_quote: bool = False
    stated: bool = False  # the answer text (outside the quotes) holds a gold answer
    stated_span: bool = False  # the answer states a short answer at all (a highlighted span, not only the lead)
    stated_right: bool = False  # … and the highlighted words hold a gold answer
    decoy_quoted: bool = False
    support: float = 0.0
    ms: float = 0.0
    question: str = ""
    answer: str = ""


def _contains(text: str, answers: tuple[str, ...]) -> bool:
    return any(a and a in text for a in answers)


def _stated(answer: str, answers: tuple[str, ...]) -> bool:
    from bot.evaluation.metrics import find_answer

    return bool(answers) and find_answer(answer, list(answers)) is not None


def _engine(ctx: Context, name: str, dataset: qa_data.Dataset, article_ids: set[str] | None = None):
    """The engine over a cached index of `dataset` (built on first use)."""
    from bot.engine import build_engine
    from index.indexer import run_index

    folder = ctx.folder("answers", name)
    settings = settings_for(folder)
    marker = folder / "indexed.json"
    if not marker.exists():
        say(f"answers: indexing {name}")
        dataset.write_corpus(settings.corpus_dir, article_ids)
        report = run_index(settings, embedder=ctx.embedder)
        marker.write_text(json.dumps(report.to_dict()))
    return build_engine(settings, embedder=ctx.embedder)


def ask_all(engine, questions: list[qa_data.Question], set_name: str, expect_answerable=None) -> list[Outcome]:
    from bot.evaluation.metrics import stated_answer_text, states_an_answer

    out = []
    for q in questions:
        t = time.perf_counter()
        result = engine.ask(q.question)
        ms = (time.perf_counter() - t) * 1000
        answerable = q.answerable if expect_answerable is None else expect_answerable(q)
        o = Outcome(q.dataset, set_name, q.id, q.language, answerable, result.refused, result.partial,
                    support=result.support, ms=ms, question=q.question, answer=result.answer)
        if result.passages:
            first = result.passages[0]
            o.hit1 = answerable and first.url == q.article_id and _contains(first.text, q.answers)
        if not result.refused and not result.partial and result.citations:
            o.top_quote = answerable and _contains(result.citations[0].quote, q.answers)
            o.any_quote = answerable and any(_contains(c.quote, q.answers) for c in result.citations)
            o.stated = answerable and _stated(result.answer, q.answers)
            o.stated_span = states_an_answer(result)
            o.stated_right = answerable and o.stated_span and _stated(stated_answer_text(result), q.answers)
            o.decoy_quoted = not answerable and any(_contains(c.quote, q.decoys) for c in result.citations)
        out.append(o)
    return out


def _ask_archive(ctx: Context, folder: str, dataset: qa_data.Dataset, set_name: str, what: str,
                 indexed: set[str] | None = None) -> list[Outcome]:
    """Index `dataset`'s articles (those of `indexed`, else all) in the benchmark folder `folder`, ask every
    question, close the engine; with `indexed`, the questions about the other articles must be refused."""
    engine = _engine(ctx, folder, dataset, indexed)
    say(f"answers: {set_name}, {len(dataset.questions)} {what}")
    try:
        return ask_all(engine, dataset.questions, set_name,
                       None if indexed is None else (lambda q: q.article_id in indexed))
    finally:
        engine.close()


def run_sets(ctx: Context, sets: tuple[str, ...], languages: tuple[str, ...]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    limit = 2 if ctx.quick else None
    quick = "-quick" if ctx.quick else ""
    if "xquad" in sets or "half" in sets:
        xq = qa_data.xquad(languages, limit)
        if ctx.quick:
            xq.questions = [q for q in xq.questions if q.id in {x.id for x in xq.questions[:10]}]
        if "xquad" in sets:
            outcomes += _ask_archive(ctx, f"xquad-all{quick}", xq, "xquad", "questions")
        if "half" in sets:
            outcomes += _ask_archive(ctx, f"xquad-half{quick}", xq, "half", "questions", qa_data.halves(xq)[0])
    for lang in [lang for lang in languages if lang != "en"] if {"native", "native-half"} & set(sets) else []:
        nat = qa_data.xquad_native(lang, limit)
        if ctx.quick:
            nat.questions = nat.questions[:10]
        if "native" in sets:
            outcomes += _ask_archive(ctx, f"native-{lang}-all{quick}", nat, "native", f"{lang} questions")
        if "native-half" in sets:
            outcomes += _ask_archive(ctx, f"native-{lang}-half{quick}", nat, "native-half", f"{lang} questions",
                                     qa_data.halves(nat)[0])
    if "squad2" in sets:
        sq = qa_data.squad2()
        if ctx.quick:
            sq.questions = sq.questions[:20]
        outcomes += _ask_archive(ctx, "squad2", sq, "squad2", "questions")
    if "heq" in sets and not ctx.quick:
        outcomes += _ask_archive(ctx, "heq", qa_data.heq(), "heq", "questions")
    return outcomes


def first_article(ctx: Context) -> dict:
    from bot.evaluation.session import run_evaluation

    folder = ctx.folder("answers", "first")
    settings = settings_for(folder)
    run = run_evaluation([ROOT / "evals" / "first-article.yaml"], settings=settings, corpus=ROOT / "corpus",
                         progress=False)
    failed = [c.id for c in run.evaluation.cases if not c.passed]
    return {"cases": len(run.evaluation.cases), "passed": len(run.evaluation.cases) - len(failed), "failed": failed,
            "metrics": run.evaluation.metrics}


def _share(items: list[Outcome], pred) -> float | None:
    return sum(1 for o in items if pred(o)) / len(items) if items else None


def summarise(outcomes: list[Outcome]) -> dict:
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[(o.set, o.language)].append(o)
    summary: dict = {}
    for (set_name, lang), items in sorted(groups.items()):
        fair = [o for o in items if o.answerable]
        unanswerable = [o for o in items if not o.answerable]
        summary[f"{set_name}/{lang}"] = {
            "questions": len(items), "fair": len(fair), "unanswerable": len(unanswerable),
            "fair_refused": _share(fair, lambda o: o.refused or o.partial),
            "unanswerable_answered": _share(unanswerable, lambda o: not o.refused and not o.partial),
            "unanswerable_partial": _share(unanswerable, lambda o: o.partial),
            "decoy_quoted": _share(unanswerable, lambda o: o.decoy_quoted),
            "hit@1": _share(fair, lambda o: o.hit1),
            "top_quote": _share(fair, lambda o: o.top_quote),
            "any_quote": _share(fair, lambda o: o.any_quote),
            "answer_stated": _share(fair, lambda o: o.stated),
            "span_stated": _share(fair, lambda o: o.stated_span),
            "stated_precision": _share([o for o in items if o.stated_span], lambda o: o.answerable and o.stated_right),
            "p50_ms": statistics.median(o.ms for o in items),
        }
    return summary


def table(summary: dict) -> str:
    cols = ["questions", "fair_refused", "unanswerable_answered", "unanswerable_partial", "decoy_quoted", "hit@1", "top_quote",
            "answer_stated", "span_stated", "stated_precision", "p50_ms"]
    lines = ["| set/lang | " + " | ".join(cols) + " |", "| --- |" + " ---: |" * len(cols)]
    for key, row in summary.items():
        cells = []
        for c in cols:
            v = row.get(c)
            cells.append("–" if v is None else (f"{v:.0f}" if c in ("questions", "p50_ms") else f"{v:.3f}"))
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(ctx: Context, sets: tuple[str, ...] = SETS, languages: tuple[str, ...] = qa_data.XQUAD_LANGUAGES,
        label: str = "latest") -> dict:
    outcomes = run_sets(ctx, sets, languages)
    records = ctx.folder("answers") / f"records-{label}.jsonl"
    records.write_text("".join(json.dumps(asdict(o), ensure_ascii=False) + "\n" for o in outcomes), encoding="utf-8")
    result = {"summary": summarise(outcomes), "records": str(records)}
    if "first" in sets:
        result["first_article"] = first_article(ctx)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.answers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--langs", default=",".join(qa_data.XQUAD_LANGUAGES))
    parser.add_argument("--label", default="latest", help="name of the per-question records file")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    quiet_logs()
    if not qa_data.available():
        print(f"The QA data is missing at {qa_data.SHARED}.")
        return 2
    ctx = Context(quick=args.quick, work=(DEFAULT_WORK / "quick" if args.quick else DEFAULT_WORK).resolve())
    result = run(ctx, tuple(s for s in args.sets.split(",") if s), tuple(args.langs.split(",")), args.label)
    print(table(result["summary"]))
    if "first_article" in result:
        fa = result["first_article"]
        print(f"first article: {fa['passed']}/{fa['cases']} cases passed; failed: {', '.join(fa['failed']) or 'none'}")
    Path(ctx.folder("answers") / f"summary-{args.label}.json").write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
