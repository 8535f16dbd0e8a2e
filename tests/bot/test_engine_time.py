"""The engine resolves a question's time words against its reference time (`as_of`, or now) and retrieval
restricts or prefers by date; copies of one story are retrieved once. Checked on the passages the real
engine retrieved (what the answer layer then quotes), over a tiny dated archive indexed with MiniLM.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from tests.bot.conftest import TEST_EMBED_MODEL
from tests.factories import write_markdown

BRIDGE = {
    "bridge-dec.md": ("Harbor Bridge closes for repairs", "2025-12-20",
                      "The Harbor Bridge in Portville closed for repairs after inspectors found a cracked cable; "
                      "drivers were sent over the old river road."),
    "bridge-mid.md": ("Harbor Bridge repairs run late", "2025-12-30",
                      "Repairs of the Harbor Bridge in Portville will take longer than planned because a second "
                      "cable has to be replaced, the city engineer said."),
    "bridge-jan.md": ("Harbor Bridge reopens", "2026-01-06",
                      "The Harbor Bridge in Portville reopened to traffic on Tuesday after engineers replaced the "
                      "two cracked cables."),
}
FERRY_BODY = ("The ferry company Bluewater cancelled every crossing to Marrow Island after a storm tore two "
              "mooring posts out of the pier at Kessel Harbour. About four hundred islanders depend on the "
              "morning boat, and the island council asked for a navy landing craft until the pier is repaired.")
COPIES = {"ferry-coast.md": ("Coast News", "2025-12-10"), "ferry-wire.md": ("Wire Service", "2025-12-12")}


@pytest.fixture(scope="module")
def dated_data(tmp_path_factory: pytest.TempPathFactory, shared_embedder: Any) -> Path:
    from index.indexer import run_index

    root = tmp_path_factory.mktemp("engine-time")
    for name, (title, day, body) in BRIDGE.items():
        write_markdown(root / "corpus", name, body=body,
                       front_matter={"title": title, "source": "Portville Post", "published_at": day})
    for name, (source, day) in COPIES.items():
        write_markdown(root / "corpus", name, body=FERRY_BODY,
                       front_matter={"title": "Storm cuts Marrow Island off", "source": source, "published_at": day})
    settings = Settings(_env_file=None, corpus_dir=root / "corpus", data_dir=root / "data",
                        chroma_path=root / "data" / "chroma", embed_backend="local", embed_model=TEST_EMBED_MODEL)
    report = run_index(settings, None, embedder=shared_embedder)
    assert len(report.added) == 5 and not report.failed, report.to_dict()
    return root / "data"


@pytest.fixture
def engine(dated_data: Path, settings: Settings, shared_embedder: Any):
    from bot.engine import build_engine

    shutil.copytree(dated_data, settings.data_dir, dirs_exist_ok=True)
    engine = build_engine(settings, embedder=shared_embedder)
    yield engine
    engine.close()


def retrieved(engine, question: str, as_of: date | None = None) -> list[str]:
    """The articles of the passages the engine retrieved for the question, best first."""
    result = engine.ask(question, as_of=as_of)
    return [p.article_id for p in result.passages]


def test_this_week_and_last_week_are_read_against_as_of(engine) -> None:
    asked = date(2026, 1, 8)

    assert set(retrieved(engine, "What happened to the Harbor Bridge in Portville this week?", asked)) == {
        "bridge-jan.md"}  # 2–8 January
    assert set(retrieved(engine, "What happened to the Harbor Bridge in Portville last week?", asked)) == {
        "bridge-mid.md"}  # 26 December – 1 January
    assert set(retrieved(engine, "What happened to the Harbor Bridge in Portville this week?", date(2025, 12, 21))) \
        == {"bridge-dec.md"}


def test_as_of_excludes_later_articles_even_without_time_words(engine) -> None:
    found = retrieved(engine, "What happened to the Harbor Bridge in Portville?", date(2025, 12, 31))

    assert "bridge-jan.md" not in found and {"bridge-dec.md", "bridge-mid.md"} <= set(found)


def test_a_week_without_articles_still_retrieves_the_story(engine) -> None:
    """The archive lacks the period: retrieval falls back to the story (the answer layer decides what to say)."""
    found = retrieved(engine, "What happened to the Harbor Bridge in Portville this week?", date(2026, 3, 2))

    assert found and found[0].startswith("bridge-")


def test_latest_prefers_the_newest_telling(engine) -> None:
    found = retrieved(engine, "What is the latest news about the Harbor Bridge in Portville?", date(2026, 1, 8))

    assert found[0] == "bridge-jan.md" and {"bridge-dec.md", "bridge-mid.md"} & set(found)


def test_two_syndicated_copies_are_retrieved_once_the_newer(engine) -> None:
    result = engine.ask("Why did Bluewater cancel the crossings to Marrow Island?", as_of=date(2026, 1, 8))

    ferry = [p.article_id for p in result.passages if p.article_id in COPIES]
    assert ferry == ["ferry-wire.md"]
    assert [a.id for a in engine.catalog.duplicates("ferry-wire.md")] == ["ferry-coast.md"]


def test_search_reads_what_the_answer_reads_as_of_its_day(engine) -> None:
    """`Engine.search` (training and diagnostics) retrieves as `ask` does: later articles don't exist."""
    search = engine.search("Is the Harbor Bridge in Portville open again?", language="en", as_of=date(2026, 1, 2))
    ids = {h.row.article_id for h in search.hits}

    assert "bridge-jan.md" not in ids and ids & {"bridge-dec.md", "bridge-mid.md"}


# --- what the answer says when the period asked about has nothing -----------------------------------------
def test_a_week_without_articles_says_so_and_shows_the_older_telling(engine) -> None:
    from bot.i18n import texts

    result = engine.ask("What happened to the Harbor Bridge in Portville this week?", as_of=date(2026, 3, 2))

    tr = texts("en")
    cited = result.citations[0]
    assert not result.refused and result.partial and result.period_uncovered == "2026-02-24..2026-03-02"
    assert cited.article_id.startswith("bridge-") and not any(c.highlights for c in result.citations)
    assert result.answer.startswith(f"No article from {tr.period(date(2026, 2, 24), date(2026, 3, 2))} answers this.")
    assert f"{tr.date(cited.published_at)} [1]" in result.answer


def test_this_weeks_story_gets_no_note(engine) -> None:
    result = engine.ask("What happened to the Harbor Bridge in Portville this week?", as_of=date(2026, 1, 8))

    assert not result.refused and result.citations[0].article_id == "bridge-jan.md"
    assert result.period_uncovered == "" and not result.answer.startswith("No article")


def test_a_named_month_older_than_every_article_gets_the_note(engine) -> None:
    result = engine.ask("What happened to the Harbor Bridge in Portville in February?", as_of=date(2026, 3, 2))

    assert not result.refused and result.period_uncovered == "2026-02-01..2026-02-28"


def test_an_llm_answer_from_older_articles_keeps_its_words_and_gets_the_note(dated_data: Path, make_settings,
                                                                             shared_embedder: Any) -> None:
    from bot.engine import build_engine
    from testing.openai_server import FakeOpenAI

    with FakeOpenAI(api_key="sk-test") as server:
        settings = make_settings(answer_mode="llm", openai_base_url=server.base_url, openai_api_key="sk-test",
                                 llm_timeout=60, llm_max_retries=0)
        shutil.copytree(dated_data, settings.data_dir, dirs_exist_ok=True)
        engine = build_engine(settings, embedder=shared_embedder)
        try:
            prompts: list[str] = []

            def answer(request: dict) -> str:
                prompt = request["messages"][-1]["content"]
                if "<<<PASSAGE" not in prompt:  # the answer check: the passages' sentence answers
                    return "Yes"
                prompts.append(prompt)
                n = next(i for i in range(1, 10) if "cracked cable;" in prompt.split(f"<<<PASSAGE {i} ")[1])
                return json.dumps({"supported": True, "answer": f"The Harbor Bridge in Portville closed for repairs after inspectors found a cracked cable [{n}].",
                                   "quotes": [{"n": n, "quote": "The Harbor Bridge in Portville closed for repairs after inspectors found a cracked cable"}]})

            server.default = answer
            result = engine.ask("Why did the Harbor Bridge in Portville close this week?", as_of=date(2026, 3, 2))
            timeless = engine.ask("Why did the Harbor Bridge in Portville close?", as_of=date(2026, 3, 2))
        finally:
            engine.close()

    assert result.mode == "llm" and result.answer.startswith("The Harbor Bridge in Portville closed for repairs")
    # the model is told the day "this week" is relative to; a question about no time is not dated
    assert '\nAsked on Mar 2, 2026: "this week"' in prompts[0] and not timeless.refused
    assert len(prompts) == 2 and "Asked on" not in prompts[1]
    assert result.period_uncovered == "2026-02-24..2026-03-02"
    assert result.notice and result.notice.startswith("No article from")
