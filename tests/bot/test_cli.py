"""`newsbot` in-process (`bot.cli.main`): one error convention, exit statuses, `--as-of`, the question cap.

The commands that answer run the real engine over a small dated index (two stories about the same
bridge, January and March 2025) built once per module with the fast local embedder.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli import EXIT_OK, EXIT_USAGE, build_parser
from bot.settings import Settings
from tests.bot.conftest import TEST_EMBED_MODEL
from tests.bot.engines import KeywordEngine
from tests.factories import write_markdown

JANUARY = ("harbor-jan.md", "Harbor Bridge reopens", "2025-01-06",
           "The Harbor Bridge in Portville reopened on Monday after repairs that cost 12 million dollars.")
MARCH = ("harbor-mar.md", "Harbor Bridge closes again", "2025-03-03",
         "The Harbor Bridge in Portville closed again on Monday after inspectors found cracks in a cable.")
QUESTION = "What happened to the Harbor Bridge in Portville on Monday?"


@pytest.fixture(scope="module")
def dated_index(tmp_path_factory: pytest.TempPathFactory, shared_embedder: Any) -> Path:
    from index.indexer import run_index

    root = tmp_path_factory.mktemp("dated")
    for name, title, day, body in (JANUARY, MARCH):
        write_markdown(root / "corpus", name, body=body,
                       front_matter={"title": title, "source": "Portville Post", "published_at": day})
    settings = Settings(_env_file=None, corpus_dir=root / "corpus", data_dir=root / "data",
                        chroma_path=root / "data" / "chroma", embed_backend="local", embed_model=TEST_EMBED_MODEL)
    report = run_index(settings, None, embedder=shared_embedder)
    assert len(report.added) == 2 and not report.failed, report.to_dict()
    return root


@pytest.fixture
def indexed(dated_index: Path, tmp_path: Path) -> Path:
    shutil.copytree(dated_index / "data", tmp_path / "data")
    return tmp_path


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["index", "a", "b", "--rebuild", "--json"], ["sources", "--json"],
    ["ask", "Q", "--json", "--k", "3", "--source", "S", "--source", "T", "--since", "2025-01-01",
     "--until", "2025-02-01", "--as-of", "2025-02-01"],
    ["chat", "--as-of", "2025-02-01"], ["serve", "--webhook", "https://bot.example/hook"], ["run"],
    ["eval", "a.yaml", "b.jsonl", "--k", "4", "--mode", "offline", "--json", "o.json", "--report", "o.md",
     "--html", "o.html", "--min", "hit@4=1", "--max", "p95=9", "--corpus", "c", "--export-ragas", "r.jsonl",
     "--no-progress", "--as-of", "2025-02-01", "--compare", "base.json", "--no-regressions"],
    ["import", "squad", "f.json", "--out", "o", "--questions", "q.json", "--limit", "3", "--force"],
    ["import", "multihop", "c.json", "q.json", "--out", "o", "--limit", "2", "--force"],
    ["import", "realtimeqa", "d", "--weeks", "20250103..20250110", "--refusal-weeks", "20250117", "--out", "o",
     "--force"],
    ["feeds", "add", "https://news.example/rss.xml", "--name", "Example News"], ["feeds", "list", "--json"],
    ["feeds", "remove", "Example News"], ["fetch", "--json"], ["add", "https://news.example/story", "--json"],
])
def test_every_command_and_flag_keeps_its_name(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert args.func.__name__ == f"cmd_{argv[0]}"


def test_bad_arguments_exit_2_with_the_reason(newsbot) -> None:
    status, _, err = newsbot("ask", "Q", "--as-of", "2025-02-30")
    assert status == EXIT_USAGE and "expected a date like 2025-04-30, got '2025-02-30'" in err
    status, _, err = newsbot("eval", "x.yaml", "--k", "0")
    assert status == EXIT_USAGE and "at least 1" in err
    assert newsbot("--help")[0] == EXIT_OK


def test_invalid_settings_are_one_clear_error(newsbot) -> None:
    status, out, err = newsbot("sources", TOP_K="many")
    assert status == EXIT_USAGE and out == ""
    assert err.startswith("error: invalid settings (environment or .env): TOP_K:") and "Traceback" not in err


# --- ask and chat -----------------------------------------------------------------------------


def test_ask_as_of_excludes_later_articles(newsbot, indexed: Path) -> None:
    status, out, err = newsbot("ask", QUESTION, "--json", "--as-of", "2025-02-01")
    assert status == EXIT_OK, err
    then = json.loads(out)
    assert then["as_of"] == "2025-02-01"
    assert then["passages"] and {p["published_at"][:10] for p in then["passages"]} == {"2025-01-06"}
    assert not then["refused"] and "reopened" in then["citations"][0]["quote"]

    status, out, _ = newsbot("ask", QUESTION, "--json")
    now = json.loads(out)
    assert "2025-03-03" in {p["published_at"][:10] for p in now["passages"]}  # without --as-of: both stories


def test_a_question_over_the_cap_is_refused_before_any_work(newsbot, tmp_path: Path) -> None:
    status, out, err = newsbot("ask", "why " * 100, MAX_QUESTION_CHARS="50")  # no index: never reached
    assert status == EXIT_USAGE and out == ""
    assert "error: the question is 400 characters long; newsbot takes up to 50 (MAX_QUESTION_CHARS)" in err
    assert not (tmp_path / "data").exists()


def test_chat_asks_as_of_and_caps_questions(newsbot, indexed: Path) -> None:
    lines = [QUESTION, "why " * 30, "/quit", "never asked"]
    status, out, err = newsbot("chat", "--as-of", "2025-02-01", stdin="\n".join(lines) + "\n",
                               MAX_QUESTION_CHARS="100")
    assert status == EXIT_OK, err
    assert "Harbor Bridge reopens" in out and "cracks" not in out
    long = len(lines[1].strip())
    assert f"the question is {long} characters long" in out and "never asked" not in out


class RebuildingStdin:
    """Chat input whose second line comes after `newsbot index --rebuild` replaced the index."""

    def __init__(self, lines: list[str], rebuild: Callable[[], None]) -> None:
        self.lines, self.rebuild, self.read = lines, rebuild, 0

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        self.read += 1
        if self.read == 2:
            self.rebuild()
        return self.lines.pop(0) + "\n" if self.lines else ""


def test_chat_goes_on_when_the_index_is_rebuilt_under_it(newsbot, indexed: Path, dated_index: Path,
                                                         shared_embedder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from index.indexer import run_index

    corpus = indexed / "corpus"
    shutil.copytree(dated_index / "corpus", corpus)
    settings = Settings(_env_file=None, corpus_dir=corpus, data_dir=indexed / "data",
                        chroma_path=indexed / "data" / "chroma", embed_backend="local", embed_model=TEST_EMBED_MODEL)
    rebuilt: list[bool] = []

    def rebuild() -> None:
        rebuilt.append(run_index(settings, embedder=shared_embedder, rebuild=True).ok)

    monkeypatch.setattr("sys.stdin", RebuildingStdin([QUESTION, QUESTION], rebuild))
    status, out, err = newsbot("chat")

    assert status == EXIT_OK, err
    assert rebuilt == [True] and "error" not in err.lower()
    assert out.count(f"? {QUESTION}") == 2 and out.count("Harbor Bridge") >= 2  # both asked, both answered


def test_run_without_a_token_is_the_terminal_chat(newsbot, indexed: Path) -> None:
    status, out, err = newsbot("run", stdin=QUESTION + "\n")
    assert status == EXIT_OK, err
    assert "No TELEGRAM_BOT_TOKEN set" in err and "Harbor Bridge" in out


def test_an_empty_index_is_a_usage_error(newsbot) -> None:
    status, _, err = newsbot("ask", QUESTION)
    assert status == EXIT_USAGE and "is empty" in err and "newsbot index" in err


# --- serve --------------------------------------------------------------------------------------


class ClosingEngine(KeywordEngine):
    closed = 0

    def close(self) -> None:
        ClosingEngine.closed += 1


def test_serve_without_a_token_says_what_to_do_and_closes_the_engine(newsbot, monkeypatch) -> None:
    monkeypatch.setattr("bot.engine.build_engine", lambda settings: ClosingEngine())
    status, _, err = newsbot("serve")
    assert status == EXIT_USAGE
    assert "error: TELEGRAM_BOT_TOKEN is not set" in err and "@BotFather" in err
    assert ClosingEngine.closed == 1
