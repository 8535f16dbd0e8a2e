"""RealTimeQA weeks as training and held-out data for the answer model (real news, dated, asked "this week").

A span of weeks is imported and indexed exactly as `python -m benchmarks.realnews` does it (the pooled
articles as the archive, the weeks' questions answerable, questions of the refusal weeks whose answer is
nowhere in the archive as refusals), and each question is searched as the product searches it: as of its
date, with its time words resolved (`Engine.search`).

Labels: a refusal case is unanswerable; an answerable case counts only when its right choice's text occurs
(normalised) in an article the question may read (published on or before its date, or undated) — a
question whose answer the archive doesn't hold in those words can't teach either side. Any article that
holds the answer is a right one (the data names no gold article).

The weeks are split by time, as a deployed model meets them: the first quarter of 2025 (TRAIN) is what
`--train-on-news` adds to training, the third (HELD_OUT: later news, other stories) is never trained on.
By default neither is trained on (docs/answers.md says why): both are test data.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from benchmarks import qa_data
from benchmarks.common import say
from training.search_cache import load_searches, save_searches

#: (archive weeks, refusal weeks): Q1 2025 with Q2's questions as refusals
TRAIN = ("20250103..20250328", "20250404..20250627")
#: Q3 2025 with Q4's questions as refusals: never trained on
HELD_OUT = ("20250704..20250926", "20251003..20251226")
MODEL = "multilingual-e5-small"
DATASET = "realtimeqa"
#: the group of the held-out weeks (never trained on)
HELD_OUT_GROUP = "realtimeqa-held-out"


def _archive(corpus: Path) -> list[tuple[str, str]]:
    """(published day or "", normalised body) of every imported article."""
    from bot.evaluation.metrics import normalize

    out = []
    for path in sorted(corpus.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                out.append(((record.get("published_at") or "")[:10],
                            f" {normalize(record.get('title', '') + ' ' + record.get('body', ''))} "))
    return out


def _held(answer: str, as_of: str, archive: list[tuple[str, str]]) -> bool:
    """`find_answer`'s test (normalised, on word boundaries) over bodies normalised once, not once per answer."""
    from bot.evaluation.metrics import normalize

    needle = f" {normalize(answer)} "
    return needle.strip() != "" and any((not day or day <= as_of) and needle in body for day, body in archive)


def news_items(weeks: tuple[str, str], work: Path, cache_root: Path, group: str, use_cache: bool, make):
    """The items of one span of weeks (built by `make`: training.answer_data.Item), and its catalogue."""
    from benchmarks.realnews import SHARED, index_settings, prepare
    from bot.answer.model import AnswerModel
    from bot.answer.question import analyse
    from bot.engine import build_engine
    from bot.evaluation.testset import load_testset
    from index.indexer import run_index
    from index.language import detect_language

    folder = prepare(SHARED, weeks[0], weeks[1], work)
    settings = index_settings(folder, MODEL)
    say(f"training: indexing {folder.name} (incremental; the first run takes about half an hour)")
    run_index(settings)
    engine = build_engine(settings, answer_model=AnswerModel.untrained())  # it only searches
    archive = _archive(folder / "corpus")
    cache = cache_root / f"news-{folder.name}" / "searches.pkl"
    searches = load_searches(cache, engine.settings, use_cache)
    items, fresh = [], 0
    for case in load_testset(folder / "testset.yaml").cases:
        answers = tuple(a for alt in (case.expected_answers or []) for a in alt)
        as_of = case.as_of or ""
        answerable = not case.expect_refusal
        if answerable and not any(_held(a, as_of, archive) for a in answers):
            continue
        text = case.question or ""
        if case.id not in searches:
            language = detect_language(text)
            searches[case.id] = (language, engine.search(text, language=language,
                                                          as_of=date.fromisoformat(as_of) if as_of else None))
            fresh += 1
        language, search = searches[case.id]
        question = qa_data.Question(case.id, text, answers if answerable else (), "", language, DATASET,
                                    answerable=answerable)
        items.append(make(group, question, answerable, analyse(text, language), search, f"news-{folder.name}"))
    if fresh:
        save_searches(cache, engine.settings, searches)
    catalog = engine.catalog
    engine.close()
    say(f"training: {group}: {len(items)} questions ({sum(i.answerable for i in items)} answerable)")
    return items, catalog
