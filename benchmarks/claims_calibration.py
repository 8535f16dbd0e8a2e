"""Calibrate the claim–evidence alignment (bot.answer.alignment) on constructed (claim, sentence) pairs.

    python -m benchmarks.claims_calibration [--questions 400]

No gold paraphrases exist for these sets, so claims are built from questions and their answers, as a
model restating the answer would write them ("<question> — <answer>."):
- supported: the claim against the sentence of its paragraph that holds the gold answer
  (XQuAD English, XQuAD Russian questions with the English answer, the first-article set's fair questions);
- unsupported, same topic: the same claim against the other sentences of its paragraph (the "real but
  unrelated quote" of the same article);
- unsupported, adversarial: SQuAD 2.0's unanswerable questions with their plausible (wrong) answer,
  against the sentence holding that answer; the first-article set's refusal questions with an invented
  answer against the article sentence closest to them.
For each pair: the embedder's cosine similarity (claim as query, sentence as passage), the share of the
claim's content words in the sentence weighted by their IDF over the paragraph's sentences (same script
only), and whether the claim's facts are in it
(bot.answer.claims.missing). It prints the share of supported pairs accepted and of unsupported pairs
accepted for a range of thresholds, for the rule the alignment uses.
"""

from __future__ import annotations

import argparse
import json
import math
import re

import numpy as np

from benchmarks import qa_data
from benchmarks.common import DEFAULT_WORK, ROOT, quiet_logs, say

INVENTED = {"refuse-capital-australia": "Canberra", "refuse-bitcoin": "$82,000",
            "refuse-eurovision": "Nemo from Switzerland", "refuse-messi": "20 goals",
            "refuse-gift": "a medal", "refuse-ru-weather": "дождь и +5 градусов", "refuse-he-world-cup": "צרפת"}


def _sentences(text: str) -> list[str]:
    from index.chunker import sentence_spans

    return [text[s:e] for s, e in sentence_spans(text)]


def pairs(limit: int) -> list[dict]:
    out: list[dict] = []
    xq = qa_data.xquad(("en", "ru"))
    contexts: dict[str, list[str]] = {}
    for art in json.loads((qa_data.SHARED / "xquad" / "xquad.en.json").read_text(encoding="utf-8"))["data"]:
        for p in art["paragraphs"]:
            for qa in p["qas"]:
                contexts[str(qa["id"])] = _sentences(p["context"])
    picked = [q for q in xq.questions if q.language == "en"][::max(1, 1190 // limit)][:limit]
    ids = {q.id for q in picked}
    for q in xq.questions:
        if q.id not in ids:
            continue
        sentences = contexts[q.id]
        answer = q.answers[0]
        claim = f"{q.question.rstrip('?？ ')} — {answer}."
        for s in sentences:
            out.append({"set": f"xquad-{q.language}", "claim": claim, "sentence": s, "language": q.language,
                        "supported": answer in s, "group": sentences})
    sq = json.loads((qa_data.SHARED / "squad2" / "squad2-slice.json").read_text(encoding="utf-8"))["data"]
    for art in sq:
        for p in art["paragraphs"]:
            sentences = _sentences(p["context"])
            for qa in p["qas"]:
                if qa.get("is_impossible") and qa.get("plausible_answers"):
                    wrong = qa["plausible_answers"][0]["text"]
                    claim = f"{qa['question'].strip().rstrip('?')} — {wrong}."
                    for s in sentences:
                        if wrong in s:
                            out.append({"set": "squad2-plausible", "claim": claim, "sentence": s, "language": "en",
                                        "supported": False, "group": sentences})
    from bot.evaluation.testset import load_cases

    body = next((ROOT / "corpus").glob("*.txt")).read_text(encoding="utf-8")
    sentences = _sentences(body)
    for case in load_cases([ROOT / "evals" / "first-article.yaml"]):
        if len(case.questions()) > 1:
            continue
        question = case.questions()[0]
        language = next((t for t in case.tags if t in ("ru", "he")), "en")
        if case.expect_refusal:
            claim = f"{question.rstrip('?? ')} — {INVENTED[case.id]}."
            for s in sentences:
                out.append({"set": "first-invented", "claim": claim, "sentence": s, "language": language,
                            "supported": False, "group": sentences})
            continue
        answer = case.alternatives()[0]
        for s in sentences:
            out.append({"set": "first", "claim": f"{question.rstrip('?? ')} — {answer}.", "sentence": s,
                        "language": language, "supported": answer in s, "group": sentences})
    return out


def features(rows: list[dict]) -> None:
    from bot.answer.evidence import word_keys
    from index.embedders import E5Embedder

    embedder = E5Embedder()
    claims = sorted({r["claim"] for r in rows})
    sentences = sorted({r["sentence"] for r in rows})
    say(f"embedding {len(claims)} claims and {len(sentences)} sentences")
    cv = dict(zip(claims, (embedder.embed_query(c) for c in claims)))
    sv = dict(zip(sentences, embedder.embed_passages(sentences)))
    keys_of: dict[str, set[str]] = {}
    for r in rows:
        r["similarity"] = float(cv[r["claim"]] @ sv[r["sentence"]])
        keys = word_keys(re.sub(r"\d", " ", r["claim"]))
        same = bool(re.search(r"[a-zA-Z]{3}", r["claim"])) == bool(re.search(r"[a-zA-Z]{3}", r["sentence"])) \
            and r["language"] == "en"
        group = r.pop("group")  # IDF over the sentences the claim could be aligned with (as the alignment does)
        for text in group:
            if text not in keys_of:
                keys_of[text] = word_keys(text)
        weights = {k: math.log(1 + len(group) / (1 + sum(1 for t in group if k in keys_of[t]))) for k in keys}
        found = sum(weights[k] for k in keys & word_keys(r["sentence"]))
        r["coverage"] = found / sum(weights.values()) if keys and same else None
        _check_facts(r)


def _check_facts(r: dict) -> None:
    """facts_ok: the claim's facts are in the sentence; anchored: one of them is (a number, month or name: what a
    claim in another script than its evidence needs, bot.answer.claims.anchored)."""
    from bot.answer.claims import EvidenceText, anchored, facts, missing

    evidence = EvidenceText.of(r["sentence"], "en")
    found = facts(r["claim"], r["language"], r["claim"])
    r["facts_ok"] = not missing(found, evidence)
    r["anchored"] = r["facts_ok"] and anchored(found, evidence)


def report(rows: list[dict]) -> str:
    lines = []
    for lang in ("en", "ru"):
        sub = [r for r in rows if (r["language"] == "en") == (lang == "en")]
        pos = [r for r in sub if r["supported"]]
        hard = [r for r in sub if r["set"] in ("squad2-plausible", "first-invented")]
        neg = [r for r in sub if not r["supported"] and r not in hard]
        lines.append(f"\n{lang}: {len(pos)} supported pairs, {len(neg)} unsupported of the same paragraph, "
                     f"{len(hard)} adversarial")
        lines.append("| rule | supported accepted | same-paragraph unsupported accepted | adversarial accepted |")
        lines.append("| --- | ---: | ---: | ---: |")
        for c in ((0.4, 0.5, 0.6) if lang == "en" else (None, "anchored")):
            for t in np.arange(0.80, 0.90, 0.02) if lang == "en" else np.arange(0.80, 0.89, 0.01):
                def ok(r, t=t, c=c):
                    if c == "anchored":
                        return r["anchored"] and r["similarity"] >= t
                    return r["facts_ok"] and r["similarity"] >= t and (r["coverage"] is None or r["coverage"] >= c)
                label = "anchored, " if c == "anchored" else f"coverage >= {c}, " if c is not None else ""
                lines.append(f"| {label}similarity >= {t:.2f} | {_share(pos, ok)} | {_share(neg, ok)} | "
                             f"{_share(hard, ok)} |")
    return "\n".join(lines)


def _share(items, pred) -> str:
    return f"{sum(1 for r in items if pred(r)) / len(items):.3f}" if items else "–"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.claims_calibration")
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--report-only", action="store_true", help="the table from the last run's pairs")
    args = parser.parse_args()
    quiet_logs()
    out = DEFAULT_WORK / "claims_calibration.jsonl"
    if args.report_only:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
        for r in rows:
            _check_facts(r)  # with the current rules
    else:
        rows = pairs(args.questions)
        features(rows)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(report(rows))
    print(f"\npairs: {out}")


if __name__ == "__main__":
    main()
