"""Train the offline answer model (sentence ranker, span scorer, support judgment) from ../shared/data.

    python -m training.answer_model [--out bot/answer/models/answer-model.json] [--seed 7] [--no-cache]

Needs the `train` extra (`pip install -e '.[train]'`: scikit-learn) and ../shared/data.

Reproducible: a fixed seed, deterministic solvers, the data in ../shared only (XQuAD en/ru/es/zh/ar, the
SQuAD 2.0 slice, HeQ val, RealTimeQA 2025 weeks: `training.news_items`), the product's own code for
retrieval and features (`bot.answer`), so what is trained is what runs. Indexes and searches are cached
under .bench/training/ and the news weeks under --news-work (delete them, or pass --no-cache, after
changing retrieval). Writes the model file and prints a cross-dataset report: each group held out in
turn, trained on the others, tested on it. News (RealTimeQA weeks) is only tested unless --train-on-news
adds Q1 2025 to training; Q3 2025 is never trained on (held out in time).

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
import pickle
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from benchmarks import qa_data
from benchmarks.common import DEFAULT_WORK, ROOT, quiet_logs, say, settings_for
from training import news_items

TARGET_FAIR_REFUSED = 0.05
#: every how many XQuAD articles one is also indexed alone (a one-article archive)
SINGLE_EVERY = 3
TARGET_SPAN_PRECISION = 0.8
#: held out in turn for the cross-dataset report: each language of XQuAD's questions (a language the model has
#: not seen), all the other languages at once (cross-lingual questions never seen), SQuAD 2.0, HeQ
FOLDS = ("xquad-en", "xquad-ru", "xquad-es", "xquad-zh", "xquad-ar", "xquad-other", "squad2", "heq", "realtimeqa")


@dataclass
class Item:
    """One question with what retrieval found for it."""

    group: str
    question: qa_data.Question
    answerable: bool
    analysis: object  # bot.answer.question.Question
    search: object  # index.retriever.Search
    catalog: str  # which index


def _group(q: qa_data.Question) -> str:
    if q.dataset == "xquad":
        return "xquad-en" if q.language == "en" else "xquad-other"
    return q.dataset


def _specs() -> list[tuple]:
    """(index name, embedder model, dataset, article ids to index or None, questions, which are answerable).

    Archives of every size: the 48 XQuAD articles, half of them (questions about the other half can't be
    answered), single XQuAD articles (a one-article archive, asked its own questions and two other
    articles'), the SQuAD 2.0 article and HeQ; with multilingual-e5-small, and the English questions also
    with all-MiniLM-L6-v2 so that the model does not depend on one embedder's scale.
    """
    xq = qa_data.xquad()
    half, _ = qa_data.halves(xq)
    ids = [a["url"] for a in xq.articles]
    specs = [
        ("xquad-all", "multilingual-e5-small", xq, None, xq.questions, lambda q: True),
        ("xquad-half", "multilingual-e5-small", xq, half, xq.questions, lambda q: q.article_id in half),
        ("squad2", "multilingual-e5-small", qa_data.squad2(), None, None, lambda q: q.answerable),
        ("heq", "multilingual-e5-small", qa_data.heq(), None, None, lambda q: q.answerable),
    ]
    english = [q for q in xq.questions if q.language == "en"]
    specs.append(("minilm-xquad-half", "all-MiniLM-L6-v2", xq, half, english, lambda q: q.article_id in half))
    for i in range(0, len(ids), SINGLE_EVERY):
        own, others = ids[i], {ids[(i + 1) % len(ids)], ids[(i + 2) % len(ids)]}
        asked = [q for q in xq.questions if q.article_id == own or q.article_id in others]
        specs.append((f"xquad-single-{i}", "multilingual-e5-small", xq, {own}, asked,
                      lambda q, own=own: q.article_id == own))
        specs.append((f"minilm-single-{i}", "all-MiniLM-L6-v2", xq, {own}, [q for q in asked if q.language == "en"],
                      lambda q, own=own: q.article_id == own))
    return specs


def collect(work: Path, use_cache: bool, news_work: Path | None) -> tuple[list[Item], dict]:
    """Every question with its search results, over cached indexes; and the catalogues."""
    from bot.answer.question import analyse
    from bot.engine import build_engine
    from index.embedders import build_embedder
    from index.indexer import run_index
    from index.language import detect_language

    embedders: dict = {}
    items: list[Item] = []
    catalogs: dict = {}
    for name, model, dataset, ids, questions, answerable in _specs():
        folder = work / name
        settings = settings_for(folder, embed_model=model)
        cache = folder / "searches.pkl"
        if model not in embedders:
            embedders[model] = build_embedder(settings)
        embedder = embedders[model]
        if not (folder / "indexed.json").exists():
            say(f"training: indexing {name}")
            dataset.write_corpus(settings.corpus_dir, ids)
            (folder / "indexed.json").write_text(json.dumps(run_index(settings, embedder=embedder).to_dict()))
        engine = build_engine(settings, embedder=embedder)
        catalogs[name] = engine.catalog
        questions = questions if questions is not None else dataset.questions
        searches = pickle.loads(cache.read_bytes()) if use_cache and cache.exists() else {}
        fresh = 0
        for q in questions:
            key = (q.language, q.id)
            if key not in searches:
                language = detect_language(q.question)
                searches[key] = (language, engine.retriever.search(q.question, k=engine.settings.top_k,
                                                                   language=language))
                fresh += 1
            language, search = searches[key]
            items.append(Item(_group(q), q, answerable(q), analyse(q.question, language), search, name))
        if fresh and use_cache:
            cache.write_bytes(pickle.dumps(searches))
        engine.close()
        if fresh:
            say(f"training: {name}: {len(questions)} questions ({fresh} searched now)")
    for weeks, group in ((news_items.TRAIN, news_items.DATASET), (news_items.HELD_OUT, news_items.HELD_OUT_GROUP)):
        if news_work is None:  # --no-news: the model is the same (news is only tested), without its figures
            break
        news, catalog = news_items.news_items(weeks, news_work, work, group, use_cache, Item)
        items += news
        catalogs[news[0].catalog if news else group] = catalog
    return items, catalogs


def _fold(it: Item) -> str:
    return f"xquad-{it.question.language}" if it.question.dataset == "xquad" else it.group


def _contains(text: str, answers: tuple[str, ...]) -> bool:
    return any(a and a in text for a in answers)


def _holds(q: qa_data.Question, text: str) -> bool:
    """`text` holds a gold answer: verbatim (the SQuAD-style sets), normalised for news (RealTimeQA's choices
    differ from the articles in case and punctuation)."""
    if q.dataset == news_items.DATASET:
        from bot.evaluation.metrics import find_answer

        return find_answer(text, q.answers) is not None
    return _contains(text, q.answers)


def _right_article(q: qa_data.Question, url: str) -> bool:
    return not q.article_id or url == q.article_id  # news names no gold article: any that holds the answer


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


def _fit_trees(x: np.ndarray, y: np.ndarray, seed: int, names: tuple[str, ...]):
    """Boosted trees (scikit-learn), exported as `bot.answer.trees.Trees` and checked to score as scikit-learn does."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from bot.answer.trees import Trees

    clf = HistGradientBoostingClassifier(random_state=seed, early_stopping=False, **SPAN_TREES).fit(x, y)
    trees = [{"feature": [int(f) if not leaf else -1 for f, leaf in zip(n["feature_idx"], n["is_leaf"])],
              "split": n["num_threshold"].tolist(), "left": n["left"].tolist(), "right": n["right"].tolist(),
              "value": n["value"].tolist()}
             for (predictor,) in clf._predictors for n in (predictor.nodes,)]
    model = Trees.from_arrays(names, float(np.ravel(clf._baseline_prediction)[0]), trees, 0.5)
    sample = x[:: max(1, len(x) // 2000)]
    if not np.allclose(model.logit(sample), clf.decision_function(sample), atol=1e-6):
        raise RuntimeError("the exported trees don't score as scikit-learn does: check scikit-learn's tree format")
    return model


@dataclass
class Prepared:
    """An item with what doesn't depend on the model: its evidence and the sentence features."""

    item: Item
    evidence: object  # bot.answer.evidence.Evidence
    features: np.ndarray


def prepare(items: list[Item], catalogs: dict) -> list[Prepared]:
    from bot.answer.evidence import Evidence

    out = []
    for it in items:
        if not it.search.hits:
            continue
        ev = Evidence.build(it.analysis, it.search, catalogs[it.catalog])
        if ev.candidates:
            out.append(Prepared(it, ev, ev.sentence_features()))
    return out


def sentence_data(prepared: list[Prepared]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for p in prepared:
        it, ev = p.item, p.evidence
        if not it.answerable:
            continue
        labels = [float(_right_article(it.question, ev.retrieved[c.passage].row.url)
                        and _holds(it.question, ev.text(c))) for c in ev.candidates]
        if any(labels):
            xs.append(p.features)
            ys.extend(labels)
    return np.vstack(xs), np.array(ys)


def _span_label(span_text: str, answers: tuple[str, ...]) -> bool:
    from bot.evaluation.metrics import normalize

    norm = normalize(span_text)
    for a in answers:
        gold = normalize(a)
        if gold and (norm == gold or (f" {gold} " in f" {norm} " and len(norm.split()) <= len(gold.split()) + 2)):
            return True
    return False


def drafts(prepared: list[Prepared], model, catalogs: dict):
    from bot.answer.extractive import ExtractiveAnswerer

    answerers = {name: ExtractiveAnswerer(cat, model) for name, cat in catalogs.items()}
    for p in prepared:
        yield p.item, answerers[p.item.catalog].draft_from(p.item.analysis, p.evidence, p.features)


def span_data(prepared: list[Prepared], model, catalogs: dict) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for it, d in drafts([p for p in prepared if p.item.answerable], model, catalogs):
        if not d.quotes or d.span_matrix is None or not len(d.span_candidates):
            continue
        q = d.quotes[0]
        text = q.retrieved.row.text[q.start:q.end]
        if not _right_article(it.question, q.retrieved.row.url) or not _holds(it.question, text):
            continue
        labels = [float(_span_label(text[s.start:s.end], it.question.answers)) for s in d.span_candidates]
        if any(labels):
            xs.append(d.span_matrix)
            ys.extend(labels)
    return np.vstack(xs), np.array(ys)


def support_data(prepared: list[Prepared], model, catalogs: dict) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for it, d in drafts(prepared, model, catalogs):
        if d.support_features is not None:
            xs.append(d.support_features)
            ys.append(float(it.answerable))
    return np.vstack(xs), np.array(ys)


def train(prepared: list[Prepared], catalogs: dict, seed: int):
    """The three models trained on `prepared` (stage by stage: each uses the previous ones)."""
    from bot.answer.evidence import SENTENCE_FEATURES, SUPPORT_FEATURES
    from bot.answer.model import AnswerModel, Logistic
    from bot.answer.spans import SPAN_FEATURES

    blank = {names: Logistic(names, np.zeros(len(names)), 0.0, np.zeros(len(names)), np.ones(len(names)))
             for names in (SENTENCE_FEATURES, SPAN_FEATURES, SUPPORT_FEATURES)}
    model = AnswerModel(blank[SENTENCE_FEATURES], blank[SPAN_FEATURES], blank[SUPPORT_FEATURES], {})  # replaced below
    x, y = sentence_data(prepared)
    model = replace(model, sentence=_fit(x, y, seed, SENTENCE_FEATURES))
    say(f"training: sentence model on {len(y)} sentences ({int(y.sum())} hold an answer)")
    x, y = span_data(prepared, model, catalogs)
    span = _fit_trees(x, y, seed, SPAN_FEATURES)
    model = replace(model, span=replace(span, threshold=0.01))  # every span passes while the support is trained
    say(f"training: span model on {len(y)} spans ({int(y.sum())} are answers)")
    x, y = support_data(prepared, model, catalogs)
    support = _fit(x, y, seed, SUPPORT_FEATURES, balanced=True)
    threshold = float(np.quantile(support.probability(x)[y == 1], TARGET_FAIR_REFUSED))
    model = replace(model, support=replace(support, threshold=threshold))
    say(f"training: support model on {len(y)} questions ({int(y.sum())} answerable), threshold {threshold:.3f}")
    return replace(model, span=replace(span, threshold=span_threshold(prepared, model, catalogs)))


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
        s = stats[it.group if it.question.dataset != "xquad" else f"xquad-{it.question.language}"]
        if it.answerable:
            s["fair"] += 1
            s["fair_refused"] += not d.supported
            if d.supported:
                q = d.quotes[0]
                s["top_quote"] += _holds(it.question, q.retrieved.row.text[q.start:q.end])
                if d.span is not None:
                    s["stated"] += 1
                    s["stated_right"] += _holds(it.question, q.retrieved.row.text[d.span[0]:d.span[1]])
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
    parser.add_argument("--no-cache", action="store_true", help="search again instead of reusing cached searches")
    parser.add_argument("--no-cross", action="store_true", help="skip the cross-dataset report")
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
    quiet_logs()
    if not qa_data.available():
        print(f"The training data is missing at {qa_data.SHARED}.", file=sys.stderr)
        return 2
    np.random.seed(args.seed)
    started = time.perf_counter()
    items, catalogs = collect((DEFAULT_WORK / "training").resolve(), not args.no_cache,
                              None if args.no_news else args.news_work.resolve())
    everything = prepare(items, catalogs)
    tested_only = {news_items.HELD_OUT_GROUP} | (set() if args.train_on_news else {news_items.DATASET})
    held_out = [p for p in everything if p.item.group in tested_only]  # tested, never trained on
    prepared = [p for p in everything if p.item.group not in tested_only]
    say(f"training: {len(prepared)} questions with evidence ({len(held_out)} more only tested)")
    cross = {}
    if not args.no_cross:
        for held in FOLDS if args.train_on_news else [f for f in FOLDS if f != news_items.DATASET]:
            say(f"training: cross-dataset, holding out {held}")
            model = train([p for p in prepared if _fold(p.item) != held and p.item.group != held], catalogs, args.seed)
            tested = [p for p in prepared if _fold(p.item) == held or p.item.group == held]
            out = evaluate(model, tested + (held_out if held == news_items.DATASET else []), catalogs)
            cross |= {(f"{held} held out: {k}" if held in ("xquad-other", news_items.DATASET) else k): v
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
                   + (" --no-news" if args.no_news else ""),
        "seed": args.seed,
        "data": {"questions": dict(sorted(counts.items())),
                 "sources": ["../shared/data/xquad (en ru es zh ar)", "../shared/data/squad2/squad2-slice.json",
                             "../shared/data/heq/val-v1.1.json",
                             *([f"../shared/data/realtimeqa/2025 weeks {news_items.TRAIN[0]} (refusals "
                                f"{news_items.TRAIN[1]})"] if args.train_on_news else [])],
                 "tested_only": [f"../shared/data/realtimeqa/2025 weeks {w} (refusals {r})"
                                 for w, r in ([] if args.train_on_news else [news_items.TRAIN]) + [news_items.HELD_OUT]
                                 if not args.no_news]},
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
