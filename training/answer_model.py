"""Train the offline answer model (sentence ranker, span scorer, support judgment) from ../shared/data.

    python -m training.answer_model [--out bot/answer/models/answer-model.json] [--seed 7] [--no-cache]
                                    [--no-news] [--no-cross | --folds GROUP,…] [--no-native]

Needs the `train` extra (`pip install -e '.[train]'`: scikit-learn) and ../shared/data.

Reproducible: a fixed seed, deterministic solvers, the data in ../shared only (XQuAD en/ru/es/zh/ar, the
SQuAD 2.0 slice, HeQ val, RealTimeQA 2025 weeks: `training.news_items`), the product's own code for
retrieval and features (`bot.answer`), so what is trained is what runs. Indexes and searches are cached
under .bench/training/ and the news weeks under --news-work; searches made under other retrieval settings
are made again (`training.search_cache`); after changing retrieval's code, pass --no-cache (every question
is searched again and the cache rewritten). The model file records the retrieval settings it was trained
with. Writes the model file and prints a cross-dataset report: each group held out in
turn, trained on the others, tested on it. News (RealTimeQA weeks) is only tested unless --train-on-news
adds Q1 2025 to training; Q3 2025 is never trained on (held out in time). The questions, their evidence and
the labelled rows come from `training.answer_data`; this module fits the models, sets their thresholds and
reports. By default it also trains on XQuAD's Russian, Spanish, Chinese and Arabic articles asked in their own
language (--no-native leaves them out); those train the sentence ranker and the support judgment, not the span
trees (NOT_FOR_SPANS).

Labels:
- sentence: a candidate sentence holds a gold answer (answerable questions only);
- span: a candidate span is a gold answer, or holds one with at most two extra words (quotes that hold it);
- support: the question is answerable from the index (XQuAD with its article indexed, SQuAD 2.0 and HeQ
  answerable, news questions whose answer the archive holds) against unanswerable (SQuAD 2.0 / HeQ
  impossible questions, XQuAD questions whose article is not in the index, news questions of other weeks
  whose answer is nowhere in the archive).
The support threshold is set so that at most TARGET_FAIR_REFUSED of the answerable training questions
are refused; the span threshold so that stated answers are right for at least TARGET_SPAN_PRECISION of
the questions that get one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from benchmarks import qa_data
from benchmarks.common import DEFAULT_WORK, ROOT, quiet_logs, say, settings_for
from training import news_items
from training.answer_data import (Prepared, collect, drafts, fold_of, holds_answer, prepare, report_row, sentence_data,
                                  span_data, support_data)
from training.search_cache import retrieval_settings

TARGET_FAIR_REFUSED = 0.05
TARGET_SPAN_PRECISION = 0.8
#: held out in turn for the cross-dataset report: each language of XQuAD's questions (a language the model has
#: not seen: unless --no-native, its own-language archive too), all the other languages at once (cross-lingual
#: questions never seen), SQuAD 2.0, HeQ; unless --no-native also the four own-language archives at once
FOLDS = ("xquad-en", "xquad-ru", "xquad-es", "xquad-zh", "xquad-ar", "xquad-other", "squad2", "heq", "realtimeqa")
NATIVE_FOLDS = ("xquad-native",)
#: datasets the span trees and their threshold are not trained on: own-language spans are right less often at
#: the same score, and pooled they raise the threshold that English statements must pass (docs/answers.md §5);
#: they train the sentence ranker and the support judgment
NOT_FOR_SPANS = ("xquad-native",)


def _fit(x: np.ndarray, y: np.ndarray, seed: int, names: tuple[str, ...], c: float = 1.0,
         balanced: bool = False):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from bot.answer.model import Logistic

    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 1e-9, scaler.scale_, 1.0)
    clf = LogisticRegression(C=c, max_iter=5000, random_state=seed,
                             class_weight="balanced" if balanced else None)
    clf.fit((x - scaler.mean_) / scale, y)
    return Logistic(names, clf.coef_[0].astype(np.float64), float(clf.intercept_[0]), scaler.mean_.astype(np.float64),
                    scale.astype(np.float64))


#: the span scorer's trees (chosen by article-grouped cross-validation of the first choice: docs/answers.md)
SPAN_TREES = {"max_iter": 150, "learning_rate": 0.1, "max_leaf_nodes": 15, "min_samples_leaf": 50,
              "l2_regularization": 1.0}
#: ensembles of different seeds averaged into the span scorer: one ensemble refit on barely different data
#: chooses other splits (scikit-learn bins its features from a random sample of 200,000 rows) and moved the
#: English statements by 1.8 points; three averaged moved them by 0.1 in two such retrains (docs/answers.md §3)
SPAN_ENSEMBLES = 3


def _fit_trees(x: np.ndarray, y: np.ndarray, seed: int, names: tuple[str, ...]):
    """SPAN_ENSEMBLES boosted-tree ensembles (scikit-learn) of seeds seed, seed + 1, …, averaged: exported as one
    `bot.answer.trees.Trees` (the mean baseline; every tree, its leaf values divided by the number of
    ensembles) and checked to score as the mean of scikit-learn's decision functions."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from bot.answer.trees import Trees

    fitted = [HistGradientBoostingClassifier(random_state=seed + i, early_stopping=False, **SPAN_TREES).fit(x, y)
              for i in range(SPAN_ENSEMBLES)]
    trees = [{"feature": [int(f) if not leaf else -1 for f, leaf in zip(n["feature_idx"], n["is_leaf"])],
              "split": n["num_threshold"].tolist(), "left": n["left"].tolist(), "right": n["right"].tolist(),
              "value": (n["value"] / len(fitted)).tolist()}
             for clf in fitted for (predictor,) in clf._predictors for n in (predictor.nodes,)]
    baseline = float(np.mean([np.ravel(clf._baseline_prediction)[0] for clf in fitted]))
    model = Trees.from_arrays(names, baseline, trees, 0.5)
    sample = x[:: max(1, len(x) // 2000)]
    expected = np.mean([clf.decision_function(sample) for clf in fitted], axis=0)
    if not np.allclose(model.logit(sample), expected, atol=1e-6):
        raise RuntimeError("the exported trees don't score as scikit-learn does: check scikit-learn's tree format")
    return model


def train(prepared: list[Prepared], catalogs: dict, seed: int):
    """The three models trained on `prepared` (stage by stage: each uses the previous ones)."""
    from bot.answer.evidence import SENTENCE_FEATURES, SUPPORT_FEATURES
    from bot.answer.model import AnswerModel
    from bot.answer.spans import SPAN_FEATURES

    model = AnswerModel.untrained()  # each stage replaced below
    x, y = sentence_data(prepared)
    model = replace(model, sentence=_fit(x, y, seed, SENTENCE_FEATURES))
    say(f"training: sentence model on {len(y)} sentences ({int(y.sum())} hold an answer)")
    spans = span_items(prepared)
    x, y = span_data(spans, model, catalogs)
    span = _fit_trees(x, y, seed, SPAN_FEATURES)
    model = replace(model, span=replace(span, threshold=0.01))  # every span passes while the support is trained
    say(f"training: span model on {len(y)} spans ({int(y.sum())} are answers)")
    x, y = support_data(prepared, model, catalogs)
    support = _fit(x, y, seed, SUPPORT_FEATURES, balanced=True)
    threshold = float(np.quantile(support.probability(x)[y == 1], TARGET_FAIR_REFUSED))
    model = replace(model, support=replace(support, threshold=threshold))
    say(f"training: support model on {len(y)} questions ({int(y.sum())} answerable), threshold {threshold:.3f}")
    return replace(model, span=replace(span, threshold=span_threshold(spans, model, catalogs)))


def span_items(prepared: list[Prepared]) -> list[Prepared]:
    """The questions the span trees and their threshold learn from (not those of NOT_FOR_SPANS)."""
    return [p for p in prepared if p.item.question.dataset not in NOT_FOR_SPANS]


def span_threshold(prepared: list[Prepared], model, catalogs: dict) -> float:
    """The lowest span probability × quote probability at which stated answers are right for
    TARGET_SPAN_PRECISION of questions."""
    from bot.answer.extractive import statement_score
    from bot.evaluation.metrics import find_answer

    scored = []
    for it, d in drafts([p for p in prepared if p.item.answerable], model, catalogs):
        if not d.supported or d.span_matrix is None or not len(d.span_candidates):
            continue
        q = d.quotes[0]
        text = q.retrieved.row.text[q.start:q.end]
        probabilities = model.span.probability(d.span_matrix)
        at = int(np.argmax(probabilities))
        s = d.span_candidates[at]
        scored.append((statement_score(float(probabilities[at]), q.probability),
                       find_answer(text[s.start:s.end], list(it.question.answers)) is not None))
    scored.sort(reverse=True)
    best, right = 0.99, 0
    for i, (p, ok) in enumerate(scored, 1):
        right += ok
        if right / i >= TARGET_SPAN_PRECISION:
            best = p
    return min(max(best, 0.05), 0.95)


def evaluate(model, prepared: list[Prepared], catalogs: dict) -> dict:
    """Per group: fair questions refused, unanswerable answered (partial support counted apart), first quote
    holds the answer, answer stated (and right)."""
    stats: dict = defaultdict(lambda: defaultdict(int))
    for it, d in drafts(prepared, model, catalogs):
        s = stats[report_row(it)]
        if it.answerable:
            s["fair"] += 1
            s["fair_refused"] += not d.supported
            if d.supported:
                q = d.quotes[0]
                s["top_quote"] += holds_answer(it.question, q.retrieved.row.text[q.start:q.end])
                if d.span is not None:
                    s["stated"] += 1
                    s["stated_right"] += holds_answer(it.question, q.retrieved.row.text[d.span[0]:d.span[1]])
        else:
            s["unanswerable"] += 1
            s["unanswerable_answered"] += d.supported
            s["unanswerable_partial"] += d.partial is not None
    out = {}
    for group, s in sorted(stats.items()):
        fair, neg = max(s["fair"], 1), max(s["unanswerable"], 1)
        out[group] = {"fair": s["fair"], "unanswerable": s["unanswerable"],
                      "fair_refused": round(s["fair_refused"] / fair, 4),
                      "unanswerable_answered": round(s["unanswerable_answered"] / neg, 4) if s["unanswerable"] else None,
                      "unanswerable_partial": round(s["unanswerable_partial"] / neg, 4) if s["unanswerable"] else None,
                      "top_quote": round(s["top_quote"] / fair, 4),
                      "stated": round(s["stated"] / fair, 4), "stated_right": round(s["stated_right"] / fair, 4)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.answer_model", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bot" / "answer" / "models" / "answer-model.json")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-cross", action="store_true", help="skip the cross-dataset report")
    parser.add_argument("--folds", default=None,
                        help="the groups held out in turn in the cross-dataset report, comma-separated (default: all "
                             f"of {', '.join(FOLDS + NATIVE_FOLDS)}; {', '.join(NATIVE_FOLDS)} not with --no-native)")
    parser.add_argument("--no-cache", action="store_true",
                        help="search every question again (after changing retrieval's code) and rewrite the cache")
    parser.add_argument("--native", action=argparse.BooleanOptionalAction, default=True,
                        help="also train on XQuAD in ru/es/zh/ar throughout: archives in their readers' language "
                             "(default; --no-native leaves them out: docs/answers.md)")
    parser.add_argument("--news-work", type=Path, default=DEFAULT_WORK / "realnews",
                        help="where the RealTimeQA weeks are imported and indexed (as benchmarks.realnews --work)")
    parser.add_argument("--train-on-news", action="store_true",
                        help="also train on the first quarter's news (by default news is only tested: see docs)")
    parser.add_argument("--no-news", action="store_true",
                        help="skip the news test sets (their indexes take about an hour on a fresh machine); the "
                             "model is the same, the report lacks the news figures")
    args = parser.parse_args(argv)
    if args.no_news and args.train_on_news:
        parser.error("--no-news and --train-on-news exclude each other")
    known = FOLDS + (NATIVE_FOLDS if args.native else ())
    folds = known if args.folds is None else tuple(f for f in args.folds.split(",") if f)
    if args.folds is not None and args.no_cross:
        parser.error("--folds names the cross-dataset report's folds; --no-cross skips the report: give one of them")
    if not folds:
        parser.error(f"--folds: name at least one group of {', '.join(known)}")
    if unknown := [f for f in folds if f not in known]:
        parser.error(f"--folds: unknown group {', '.join(unknown)}; choose from {', '.join(known)}")
    if news_items.DATASET in folds and args.folds is not None and not args.train_on_news:
        parser.error(f"--folds: {news_items.DATASET} is a fold only with --train-on-news (news is otherwise only tested)")
    quiet_logs()
    if not qa_data.available():
        print(f"The training data is missing at {qa_data.SHARED}.", file=sys.stderr)
        return 2
    np.random.seed(args.seed)
    started = time.perf_counter()
    items, catalogs = collect((DEFAULT_WORK / "training").resolve(), not args.no_cache,
                              None if args.no_news else args.news_work.resolve(), native=args.native)
    everything = prepare(items, catalogs)
    tested_only = {news_items.HELD_OUT_GROUP} | (set() if args.train_on_news else {news_items.DATASET})
    held_out = [p for p in everything if p.item.group in tested_only]  # tested, never trained on
    prepared = [p for p in everything if p.item.group not in tested_only]
    say(f"training: {len(prepared)} questions with evidence ({len(held_out)} more only tested)")
    cross = {}
    if not args.no_cross:
        for held in folds if args.train_on_news else [f for f in folds if f != news_items.DATASET]:
            say(f"training: cross-dataset, holding out {held}")
            model = train([p for p in prepared if fold_of(p.item) != held and p.item.group != held], catalogs, args.seed)
            tested = [p for p in prepared if fold_of(p.item) == held or p.item.group == held]
            out = evaluate(model, tested + (held_out if held == news_items.DATASET else []), catalogs)
            cross |= {(f"{held} held out: {k}" if held in ("xquad-other", "xquad-native", news_items.DATASET) else k): v
                      for k, v in out.items()}
    model = train(prepared, catalogs, args.seed)
    in_sample = evaluate(model, prepared, catalogs)
    in_sample |= {f"{k} (not trained on)": v for k, v in evaluate(model, held_out, catalogs).items()}
    counts = defaultdict(int)
    for it in items:
        counts[f"{it.group}/{'answerable' if it.answerable else 'unanswerable'}"] += 1
    model = replace(model, info={
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m training.answer_model" + (" --train-on-news" if args.train_on_news else "")
                   + (" --no-news" if args.no_news else "")
                   + ("" if args.native else " --no-native") + (" --no-cross" if args.no_cross else "")
                   + (f" --seed {args.seed}" if args.seed != 7 else "")
                   + (f" --folds {','.join(folds)}" if folds != known and not args.no_cross else ""),
        "seed": args.seed,
        "data": {"questions": dict(sorted(counts.items())),
                 "sources": ["../shared/data/xquad (en ru es zh ar"
                             + ("; ru es zh ar also in their own language)" if args.native else ")"),
                             "../shared/data/squad2/squad2-slice.json",
                             "../shared/data/heq/val-v1.1.json",
                             *([f"../shared/data/realtimeqa/2025 weeks {news_items.TRAIN[0]} (refusals "
                                f"{news_items.TRAIN[1]})"] if args.train_on_news else [])],
                 "tested_only": [f"../shared/data/realtimeqa/2025 weeks {w} (refusals {r})"
                                 for w, r in ([] if args.train_on_news else [news_items.TRAIN]) + [news_items.HELD_OUT]
                                 if not args.no_news]},
        "retrieval": retrieval_settings(settings_for(DEFAULT_WORK / "training")),
        "targets": {"fair_refused": TARGET_FAIR_REFUSED, "span_precision": TARGET_SPAN_PRECISION},
        "in_sample": in_sample, "cross_dataset": cross,
    })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(model.to_text(), encoding="utf-8")
    print(json.dumps({"in_sample": in_sample, "cross_dataset": cross}, indent=1))
    say(f"training: wrote {args.out} in {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
