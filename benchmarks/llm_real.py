"""The LLM mode against a real model (issue 10), side by side with the offline mode.

    OPENAI_BASE_URL=http://127.0.0.1:18080/v1 LLM_MODEL=qwen2.5-coder-1.5b python -m benchmarks.llm_real
    python -m benchmarks.llm_real --label 1.5b --replay      # re-score recorded replies (no model needed)
    python -m benchmarks.llm_real --sets xquad-ru,xquad-en   # only some of the sets (names as in the table)

The endpoint is LLM_BENCH_BASE_URL (else OPENAI_BASE_URL); without one the benchmark is skipped with a
message. `../shared/tools/local-llm start 1.5b` serves a small real model on 127.0.0.1 for this (for
measurement only). Sets: the first-article eval set (evals/first-article.yaml, multi-turn cases included),
30 XQuAD questions in English and the same 30 in Russian (all 48 articles indexed), 30 SQuAD 2.0
unanswerable questions (its article indexed). LLM_TIMEOUT and ANSWER_DEADLINE are 300 s here (a 1.5b
model on 2 cores takes 20-40 s per answer); retries 0.

Every model reply is recorded in .bench/llm_real/replies-LABEL.jsonl, keyed by the prompt without its
nonce, with the time the call took: `--replay` answers from it, so the alignment can be re-scored
without the model (latency then is the recorded call time plus the local work).

Reported per set and mode: answers, refusals, the right fact (fair questions: a gold answer in the answer
text or its quotes; "stated": in the answer text itself), unanswerable refused, partial answers (the articles
don't mention a year, number or name the question asks about: the closest passage shown as such), answers in the
question's language (as shown; and whether the
model itself wrote in it), fallbacks (offline answer with a notice; "unverified": the model answered but
no claim was supported), claims shown and dropped (by reason), shown claims whose quotes support them (automatic:
every number of the claim and every Latin-script name is in the quotes it cites, exactly, and a gold
answer the claim states is in them too), p50/p95 latency — and a sample of 20 shown claims with their
quotes for a person to read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from benchmarks import qa_data
from benchmarks.common import DEFAULT_WORK, ROOT, Context, quiet_logs, say, settings_for

PER_SET = 30
SETS = ("first-fair", "first-refusal", "xquad-en", "xquad-ru", "squad2-unanswerable")
TOP_K = 3  # as in issue 10's trial: a 1.5b model on 2 cores reads ~20 prompt tokens/s
GENEROUS = 300.0
_NONCE = re.compile(r"\b[0-9a-f]{16}\b")


def endpoint() -> str | None:
    return os.environ.get("LLM_BENCH_BASE_URL") or os.environ.get("OPENAI_BASE_URL")


class RecordedLLM:
    """Wraps the engine's LLM client: replies recorded by prompt (nonce removed), replayed on request."""

    def __init__(self, client, path: Path, replay: bool) -> None:
        self.client = client
        self.path = path
        self.replay = replay
        self.replies: dict[str, dict] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    self.replies[row["key"]] = row
        self.llm_seconds = 0.0
        self.missed = False
        self._complete = client.complete
        client.complete = self.complete

    def complete(self, messages, **kwargs) -> str:
        from bot.answer.llm import LLMError

        key = hashlib.sha256(_NONCE.sub("", json.dumps(messages, ensure_ascii=False)).encode()).hexdigest()
        if key in self.replies:
            row = self.replies[key]
            self.llm_seconds += row["seconds"]
            if row.get("error"):
                raise LLMError(row["error"])
            return row["reply"]
        if self.replay:
            self.missed = True
            raise LLMError("no recorded reply for this prompt (replay)")
        t0 = time.perf_counter()
        row = {"key": key, "reply": None, "error": None}
        try:
            row["reply"] = self._complete(messages, **kwargs)
        except LLMError as exc:
            row["error"] = str(exc)
        row["seconds"] = time.perf_counter() - t0
        self.llm_seconds += row["seconds"]
        self.replies[key] = row
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        if row["error"]:
            raise LLMError(row["error"])
        return row["reply"]


def _engine(ctx: Context, name: str, write_corpus, mode: str, label: str, replay: bool):
    from bot.engine import build_engine
    from index.indexer import run_index

    folder = ctx.folder("llm_real", name)
    llm = dict(answer_mode="llm", openai_base_url=endpoint() or "http://127.0.0.1:9/v1",
               openai_api_key=os.environ.get("OPENAI_API_KEY") or "local",
               llm_model=os.environ.get("LLM_MODEL") or "local", llm_timeout=GENEROUS, answer_deadline=GENEROUS,
               llm_max_retries=0) if mode == "llm" else {}
    settings = settings_for(folder, top_k=TOP_K, **llm)
    if not (folder / "indexed.json").exists():
        say(f"llm_real: indexing {name}")
        write_corpus(settings.corpus_dir)
        report = run_index(settings, embedder=ctx.embedder)
        (folder / "indexed.json").write_text(json.dumps(report.to_dict()))
    engine = build_engine(settings, embedder=ctx.embedder)
    recorder = RecordedLLM(engine.llm, ctx.work / "llm_real" / f"replies-{label}.jsonl", replay) \
        if engine.llm is not None else None
    return engine, recorder


def _questions(n: int):
    """XQuAD (en, ru: the same questions) and SQuAD 2.0 unanswerable questions, `n` of each, evenly spaced."""
    xq = qa_data.xquad(("en", "ru"))
    english = [q for q in xq.questions if q.language == "en"]
    ids = [english[int(i)].id for i in np.linspace(0, len(english) - 1, n)]
    picked = {(q.id, q.language): q for q in xq.questions if q.id in ids}
    sq = qa_data.squad2()
    unanswerable = [q for q in sq.questions if not q.answerable]
    sq_pick = [unanswerable[int(i)] for i in np.linspace(0, len(unanswerable) - 1, n)]
    return xq, [picked[(i, "en")] for i in ids], [picked[(i, "ru")] for i in ids], sq, sq_pick


def run(ctx: Context, label: str = "latest", replay: bool = False, per_set: int | None = None,
        sets: frozenset[str] = frozenset()) -> dict:
    """`sets`: only these of SETS (default: all)."""
    from bot.evaluation.testset import load_cases

    if ctx.quick and not os.environ.get("LLM_BENCH_BASE_URL"):  # `make test` runs the quick mode: no model
        say("llm_real: skipped in quick mode (set LLM_BENCH_BASE_URL to include it)")
        return {"skipped": "quick mode without LLM_BENCH_BASE_URL"}
    if not endpoint() and not replay:
        say("llm_real: skipped — set LLM_BENCH_BASE_URL (or OPENAI_BASE_URL) to an OpenAI-compatible endpoint, "
            "e.g. `../shared/tools/local-llm start 1.5b`")
        return {"skipped": "no LLM endpoint (LLM_BENCH_BASE_URL / OPENAI_BASE_URL)"}
    xq, xq_en, xq_ru, sq, sq_pick = _questions(per_set or (3 if ctx.quick else PER_SET))
    cases = load_cases([ROOT / "evals" / "first-article.yaml"])
    if ctx.quick:
        cases = cases[:3] + [c for c in cases if c.expect_refusal][:1]
    records: list[dict] = []
    out = ctx.folder("llm_real") / f"records-{label}{_suffix(replay, sets)}.jsonl"
    answered: set[int] = set()  # jobs the LLM mode answered (all, unless a replay of a cut-short recording)
    for mode in ("llm", "offline"):
        engines = {name: _engine(ctx, name, write, mode, label, replay) for name, write in (
            ("first", _copy_corpus), ("xquad", xq.write_corpus), ("squad2", sq.write_corpus))}
        fair = [c for c in cases if not c.expect_refusal]
        refusals = [c for c in cases if c.expect_refusal]
        jobs = _interleave(*(items for key, items in (
            ("first-fair", [("first", c) for c in fair]), ("xquad-ru", [("xquad", q) for q in xq_ru]),
            ("squad2-unanswerable", [("squad2", q) for q in sq_pick]), ("xquad-en", [("xquad", q) for q in xq_en]),
            ("first-refusal", [("first", c) for c in refusals])) if not sets or key in sets))
        for i, (name, item) in enumerate(jobs, 1):  # interleaved: a run cut short still covers every set
            if mode == "offline" and i not in answered:
                continue  # side by side: the same questions
            engine, rec = engines[name]
            if rec is not None:
                rec.missed = False
            if name == "first":
                record = _ask_case(engine, rec, item, mode)
            elif name == "xquad":
                record = _ask(engine, rec, item.question, f"xquad-{item.language}", item.language, item.answers,
                              True, mode)
            else:
                record = _ask(engine, rec, item.question, "squad2-unanswerable", "en", (), False, mode)
            if rec is not None and rec.missed:
                continue  # replay: the model never answered this one (the recording run was cut short)
            answered.add(i)
            records.append(record)
            with out.open("a" if i > 1 or mode == "offline" else "w", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
            if mode == "llm":
                say(f"llm_real: {i}/{len(jobs)} {record['set']}: {record['seconds']:.0f} s")
        for engine, _ in engines.values():
            engine.close()
        say(f"llm_real: {mode} done ({len(records)} answers so far)")
    summary = summarise(records)
    sample = claim_sample(records)
    return {"label": label, "model": os.environ.get("LLM_MODEL", ""), "summary": summary, "sample": sample,
            "dropped_reasons": dict(Counter(_reason(d["reason"]) for r in records for d in r["dropped"])),
            "records": str(out)}


def _suffix(replay: bool, sets: frozenset[str]) -> str:
    """Of a run's records and result files: a replay's, or some sets', never overwrite a full run's."""
    return ("-replay" if replay else "") + ("-" + "+".join(sorted(sets)) if sets else "")


def _interleave(*lists: list) -> list:
    out = []
    for i in range(max(len(x) for x in lists)):
        out += [x[i] for x in lists if i < len(x)]
    return out


def _copy_corpus(folder: Path) -> None:
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "corpus").iterdir():
        if f.is_file():
            shutil.copy(f, folder / f.name)


def _ask_case(engine, rec, case, mode: str) -> dict:
    from bot.answer.result import Turn

    history: list = []
    result = None
    t0 = time.perf_counter()
    llm0 = rec.llm_seconds if rec else 0.0
    for question in case.questions():
        result = engine.ask(question, tuple(history))
        history.append(Turn.from_result(result))
    last = case.expectations()[-1] or case.expectation()
    gold = tuple(last.alternatives())
    language = next((t for t in case.tags if t in ("ru", "he")), "en")
    elapsed = time.perf_counter() - t0 + ((rec.llm_seconds - llm0) if rec and rec.replay else 0.0)
    return _record(result, f"first-{'refusal' if last.expect_refusal else 'fair'}", case.questions()[-1],
                   language, gold, not last.expect_refusal, mode, elapsed, groups=last.expected_answers)


def _ask(engine, rec, question, set_name, language, gold, answerable, mode) -> dict:
    t0 = time.perf_counter()
    llm0 = rec.llm_seconds if rec else 0.0
    result = engine.ask(question)
    elapsed = time.perf_counter() - t0 + ((rec.llm_seconds - llm0) if rec and rec.replay else 0.0)
    return _record(result, set_name, question, language, tuple(gold), answerable, mode, elapsed)


def _record(result, set_name, question, language, gold, answerable, mode, seconds, groups=None) -> dict:
    from bot.answer.citations import split_claims
    from bot.answer.llm_mode import unverified_notice
    from bot.evaluation.metrics import find_answer
    from bot.i18n import texts
    from index.language import guess_language

    quotes = " ".join(c.quote for c in result.citations)
    seen = f"{result.answer} {quotes}"
    if groups:
        right = all(find_answer(seen, g) for g in groups)
        stated = all(find_answer(result.answer, g) for g in groups)
    else:
        right = bool(gold) and find_answer(seen, list(gold)) is not None
        stated = bool(gold) and find_answer(result.answer, list(gold)) is not None
    claims = []
    reframed = any(d.reason.startswith("language") for d in result.dropped_claims)
    if result.mode == "llm" and not result.refused and not reframed:  # a reframed answer shows no model claim
        for c in split_claims(result.answer):
            cited = [x.quote for x in result.citations if x.n in c.markers] or [x.quote for x in result.citations]
            claims.append({"claim": c.text, "markers": c.markers, "quotes": cited,
                           "auto_supported": auto_supported(c.text, cited, gold)})
    guessed = guess_language(re.sub(r"\[\d+\]", "", result.answer))
    return {
        "set": set_name, "mode": mode, "question": question, "language": language, "answerable": answerable,
        "gold": list(gold), "refused": result.refused, "partial": result.partial, "result_mode": result.mode,
        "notice": result.notice,
        "fallback": mode == "llm" and result.mode == "offline" and result.notice is not None,
        "answer": result.answer, "quotes": [c.quote for c in result.citations], "right": bool(right and not result.refused),
        "stated": bool(stated and not result.refused),
        "in_language": result.refused or guessed is None or guessed == language or
        (language == "ru" and guessed in ("bg", "mk", "sr", "be", "kk")),
        "model_in_language": not any(d.reason.startswith("language") for d in result.dropped_claims),
        "fallback_reason": ("unverified" if result.notice == unverified_notice(texts(result.language)) else
                            "unavailable") if mode == "llm" and result.mode == "offline" and result.notice else None,
        "claims": claims, "dropped": [d.model_dump() for d in result.dropped_claims], "seconds": seconds,
    }


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<=[^\W\d_]\s)[A-Z][a-z]+(?:\s[A-Z][a-z]+)*|(?<=[,;:]\s)[A-Z][a-z]+")


def auto_supported(claim: str, quotes: list[str], gold: tuple[str, ...]) -> bool:
    """Independent of the alignment's own rules: one of its quotes holds the claim's digits and Latin names
    exactly, and a gold answer the claim states too."""
    return any(_holds(claim, quote, gold) for quote in quotes)


def _holds(claim: str, text: str, gold: tuple[str, ...]) -> bool:
    from bot.answer.claims import PASSAGE_REF

    claim = PASSAGE_REF.sub(" ", claim)  # "according to passage 1": the prompt's numbering, no fact
    digits = {n.replace(",", "") for n in _NUMBER.findall(text)}
    if any(n.replace(",", "") not in digits for n in _NUMBER.findall(claim)):
        return False
    if any(name.lower() not in text.lower() for name in _NAME.findall(claim)):
        return False
    return all(g.lower() in text.lower() for g in gold if g and g.lower() in claim.lower())


def _share(items, pred):
    return round(sum(1 for r in items if pred(r)) / len(items), 3) if items else None


def summarise(records: list[dict]) -> dict:
    out: dict = {}
    for mode in ("llm", "offline"):
        for set_name in sorted({r["set"] for r in records}):
            items = [r for r in records if r["mode"] == mode and r["set"] == set_name]
            if not items:
                continue
            answered = [r for r in items if not r["refused"]]
            claims = [c for r in items for c in r["claims"]]
            seconds = [r["seconds"] for r in items]
            out[f"{mode}/{set_name}"] = {
                "questions": len(items), "answered": len(answered),
                "right_fact": _share([r for r in items if r["answerable"]], lambda r: r["right"]),
                "stated": _share([r for r in items if r["answerable"]], lambda r: r.get("stated", False)),
                "refused": _share(items, lambda r: r["refused"]),
                "partial": _share(items, lambda r: r.get("partial", False)),
                "in_language": _share(answered, lambda r: r["in_language"]),
                "model_in_language": _share(answered, lambda r: r.get("model_in_language", True)),
                "fallbacks": sum(1 for r in items if r["fallback"]),
                "check_refused": sum(1 for r in items if any(d["reason"].startswith("check") for d in r["dropped"])),
                "unverified": sum(1 for r in items if r.get("fallback_reason") == "unverified"),
                "claims_shown": len(claims), "claims_dropped": sum(len(r["dropped"]) for r in items),
                "claims_auto_supported": _share(claims, lambda c: c["auto_supported"]),
                "p50_s": round(float(np.percentile(seconds, 50)), 2), "p95_s": round(float(np.percentile(seconds, 95)), 2),
            }
    return out


def claim_sample(records: list[dict], n: int = 20) -> list[dict]:
    shown = [(r["set"], r["question"], c) for r in records if r["mode"] == "llm" for c in r["claims"]]
    random.Random(10).shuffle(shown)
    return [{"set": s, "question": q, "claim": c["claim"], "quotes": c["quotes"], "auto": c["auto_supported"]}
            for s, q, c in shown[:n]]


def _reason(reason: str) -> str:
    """'facts: number 41 …' → 'facts/number'; 'similarity: …' → 'similarity'."""
    kind, _, detail = reason.partition(":")
    return f"{kind}/{detail.split()[0]}" if kind == "facts" and detail.split() else kind.strip()


def table(summary: dict) -> str:
    cols = ["questions", "answered", "right_fact", "stated", "refused", "partial", "in_language", "model_in_language", "fallbacks",
            "unverified", "check_refused", "claims_shown",
            "claims_dropped", "claims_auto_supported", "p50_s", "p95_s"]
    lines = ["| mode/set | " + " | ".join(cols) + " |", "| --- |" + " ---: |" * len(cols)]
    for key, row in summary.items():
        lines.append(f"| {key} | " + " | ".join("–" if row[c] is None else str(row[c]) for c in cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.llm_real", description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default=os.environ.get("LLM_MODEL", "latest"))
    parser.add_argument("--replay", action="store_true", help="answer from the recorded replies only")
    parser.add_argument("--quick", action="store_true", help="3 questions per set")
    parser.add_argument("--per-set", type=int, help=f"XQuAD/SQuAD questions per set (default {PER_SET})")
    parser.add_argument("--sets", help="only these sets, comma-separated: " + ", ".join(SETS))
    args = parser.parse_args(argv)
    sets = frozenset(x.strip() for x in (args.sets or "").split(",") if x.strip())
    if sets - set(SETS):
        parser.error(f"unknown set(s) {', '.join(sorted(sets - set(SETS)))}; choose from {', '.join(SETS)}")
    quiet_logs()
    ctx = Context(quick=args.quick, work=DEFAULT_WORK.resolve())
    result = run(ctx, args.label, args.replay, args.per_set, sets)
    if "skipped" in result:
        print(f"llm_real skipped: {result['skipped']}")
        return 0
    print(table(result["summary"]))
    print("\ndropped claims by reason:", json.dumps(result["dropped_reasons"], ensure_ascii=False))
    print("\nsample of shown claims (for a person to read):")
    for i, s in enumerate(result["sample"], 1):
        print(f"{i:2}. [{s['set']}] Q: {s['question']}\n    claim: {s['claim']}\n    quotes: "
              + " | ".join(q[:300] for q in s["quotes"]) + f"\n    automatic check: {'ok' if s['auto'] else 'FAILED'}")
    (ctx.folder("llm_real") / f"result-{args.label}{_suffix(args.replay, sets)}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
