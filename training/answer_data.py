"""What the answer model is trained on: the questions of ../shared/data searched in the product's own indexes
(`collect`: XQuAD, its halves and single articles, the same with all-MiniLM-L6-v2, the SQuAD 2.0 slice, HeQ, and
the RealTimeQA weeks through `training.news_items`), their evidence (`prepare`), and the labelled rows of each
of the three models (`sentence_data`, `span_data`, `support_data`; the labels: `training.answer_model`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks import qa_data
from benchmarks.common import say, settings_for
from training import news_items
from training.search_cache import load_searches, save_searches

#: every how many XQuAD articles one is also indexed alone (a one-article archive)
SINGLE_EVERY = 3
#: XQuAD's languages also indexed in their own translation and asked in it (English is xquad-all itself)
NATIVE_LANGUAGES = ("ru", "es", "zh", "ar")


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
    return q.dataset  # xquad-native: XQuAD in one language throughout


def _specs(*, native: bool) -> list[tuple]:
    """(index name, embedder model, dataset, article ids to index or None, questions, which are answerable).

    Archives of every size: the 48 XQuAD articles, half of them (questions about the other half can't be
    answered), single XQuAD articles (a one-article archive, asked its own questions and two other
    articles'), the SQuAD 2.0 article and HeQ; with multilingual-e5-small, and the English questions also
    with all-MiniLM-L6-v2 so that the model does not depend on one embedder's scale. With `native`, also XQuAD
    in each other language throughout (its translated articles, all and half, asked in their own language: an
    archive in its readers' language: the training script's default, docs/answers.md).
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
    for lang in NATIVE_LANGUAGES if native else ():
        nat = qa_data.xquad_native(lang)
        nat_half, _ = qa_data.halves(nat)
        specs.append((f"native-{lang}-all", "multilingual-e5-small", nat, None, None, lambda q: True))
        specs.append((f"native-{lang}-half", "multilingual-e5-small", nat, nat_half, None,
                      lambda q, nat_half=nat_half: q.article_id in nat_half))
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


def collect(work: Path, use_cache: bool, news_work: Path | None, *, native: bool) -> tuple[list[Item], dict]:
    """Every question with its search results, over cached indexes (searched again without `use_cache`, and
    the cache rewritten); and the catalogues."""
    from bot.answer.model import AnswerModel
    from bot.answer.question import analyse
    from bot.engine import build_engine
    from index.embedders import build_embedder
    from index.indexer import run_index
    from index.language import detect_language

    embedders: dict = {}
    items: list[Item] = []
    catalogs: dict = {}
    for name, model, dataset, ids, questions, answerable in _specs(native=native):
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
        engine = build_engine(settings, embedder=embedder, answer_model=AnswerModel.untrained())  # it only searches
        catalogs[name] = engine.catalog
        questions = questions if questions is not None else dataset.questions
        searches = load_searches(cache, engine.settings, use_cache)
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
        engine.close()
        if fresh:
            save_searches(cache, engine.settings, searches)
            say(f"training: {name}: {len(questions)} questions ({fresh} searched now)")
    for weeks, group in ((news_items.TRAIN, news_items.DATASET), (news_items.HELD_OUT, news_items.HELD_OUT_GROUP)):
        if news_work is None:  # --no-news: the model is the same (news is only tested), without its figures
            break
        news, catalog = news_items.news_items(weeks, news_work, work, group, use_cache, Item)
        items += news
        catalogs[news[0].catalog if news else group] = catalog
    return items, catalogs


def fold_of(it: Item) -> str:
    """The fold an item is held out with: XQuAD per question language, asked across languages or in the
    language's own archive alike (held out, a language is one the model has never seen), else its group."""
    if it.question.dataset in ("xquad", "xquad-native"):
        return f"xquad-{it.question.language}"
    return it.group


def report_row(it: Item) -> str:
    """The row of the training report an item counts in: its fold, the own-language archives apart."""
    return f"native-{it.question.language}" if it.question.dataset == "xquad-native" else fold_of(it)



def _contains(text: str, answers: tuple[str, ...]) -> bool:
    return any(a and a in text for a in answers)


def holds_answer(q: qa_data.Question, text: str) -> bool:
    """`text` holds a gold answer: verbatim (the SQuAD-style sets), normalised for news (RealTimeQA's choices
    differ from the articles in case and punctuation)."""
    if q.dataset == news_items.DATASET:
        from bot.evaluation.metrics import find_answer

        return find_answer(text, q.answers) is not None
    return _contains(text, q.answers)


def _right_article(q: qa_data.Question, url: str) -> bool:
    return not q.article_id or url == q.article_id  # news names no gold article: any that holds the answer


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
                        and holds_answer(it.question, ev.text(c))) for c in ev.candidates]
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
        if not _right_article(it.question, q.retrieved.row.url) or not holds_answer(it.question, text):
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
