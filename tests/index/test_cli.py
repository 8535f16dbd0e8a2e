"""`newsbot index` and `newsbot sources`: the console script in a subprocess, and `bot.cli.main` in-process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from index.settings import IndexSettings
from tests.factories import write_article, write_bytes, write_markdown
from tests.index.conftest import cli_env, newsbot_command


def small_corpus(corpus_dir: Path) -> None:
    write_markdown(corpus_dir, "world/kremlin.md", body="Putin met freed hostages at the Kremlin on Wednesday.",
                   front_matter={"title": "Putin hosts ex-hostages", "source": "The Times of Israel",
                                 "published_at": "2025-04-30", "url": "https://example.com/kremlin"})
    write_article(corpus_dir, "park.txt", title="Park approved", source="City Times",
                  body="The council approved the riverside park on Tuesday.")


def test_the_console_script_indexes_and_lists_sources(settings: IndexSettings, corpus_dir: Path,
                                                      tmp_path: Path) -> None:
    small_corpus(corpus_dir)
    env = cli_env(settings, COLUMNS="200")

    index = subprocess.run([*newsbot_command(), "index"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=180)
    sources = subprocess.run([*newsbot_command(), "sources", "--json"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=180)

    assert index.returncode == 0, index.stderr
    assert "Index run" in index.stdout and "added" in index.stdout
    assert sources.returncode == 0, sources.stderr
    listed = json.loads(sources.stdout)
    assert [(a["title"], a["source"], a["chunks"], a["published_at"]) for a in listed] == [
        ("Putin hosts ex-hostages", "The Times of Israel", 1, "2025-04-30"),  # newest first
        ("Park approved", "City Times", 1, ""),
    ]
    assert listed[0]["url"] == "https://example.com/kremlin" and listed[0]["path"] == "world/kremlin.md"
    assert settings.chroma_path.is_dir()


def test_index_json_summary_then_unchanged(cli, corpus_dir: Path) -> None:
    small_corpus(corpus_dir)

    first = cli("index", "--json")
    second = cli("index", "--json")

    assert first.status == 0, first.err
    summary = first.json()
    assert sorted(summary["added"]) == ["park.txt", "world/kremlin.md"]
    assert summary["chunks_added"] == 2 and summary["failed"] == [] and summary["seconds"] >= 0
    assert second.status == 0
    assert sorted(second.json()["unchanged"]) == ["park.txt", "world/kremlin.md"]
    assert second.json()["chunks_embedded"] == 0


def test_index_prints_a_summary_table(cli, corpus_dir: Path) -> None:
    small_corpus(corpus_dir)

    result = cli("index")

    assert result.status == 0, result.err
    for column in ("added", "updated", "unchanged", "deleted", "failed", "chunks added", "time"):
        assert column in result.out
    assert "failed:" not in result.out


def test_index_given_paths_and_rebuild(cli, corpus_dir: Path) -> None:
    small_corpus(corpus_dir)

    only_world = cli("index", "--json", str(corpus_dir / "world"))
    everything = cli("index", "--json")
    rebuilt = cli("index", "--rebuild", "--json")

    assert only_world.json()["added"] == ["world/kremlin.md"]
    assert everything.json()["added"] == ["park.txt"] and everything.json()["unchanged"] == ["world/kremlin.md"]
    assert sorted(rebuilt.json()["added"]) == ["park.txt", "world/kremlin.md"]
    assert rebuilt.json()["unchanged"] == []


def test_index_a_missing_path_fails_with_status_1(cli, corpus_dir: Path) -> None:
    small_corpus(corpus_dir)

    result = cli("index", "--json", str(corpus_dir / "nope"))

    assert result.status == 1
    (failure,) = result.json()["failed"]
    assert failure["path"].endswith("nope") and "no such file" in failure["reason"]


def test_sources_lists_articles_as_a_table_and_as_json(cli, corpus_dir: Path) -> None:
    small_corpus(corpus_dir)
    cli("index")

    table = cli("sources")
    listed = cli("sources", "--json")

    assert table.status == 0 and listed.status == 0
    assert "Putin hosts ex-hostages" in table.out and "City Times" in table.out and "2025-04-30" in table.out
    rows = listed.json()
    assert {"title", "source", "published_at", "chunks", "id", "url", "path"} <= set(rows[0])
    assert [r["id"] for r in rows] == ["world/kremlin.md", "park.txt"]


def test_sources_without_an_index_says_what_to_do(cli) -> None:
    result = cli("sources", "--json")

    assert result.status == 2
    assert "no index" in result.err and "newsbot index" in result.err
    assert result.out == ""


def test_sources_with_another_embedder_says_to_rebuild(cli, corpus_dir: Path) -> None:
    small_corpus(corpus_dir)
    assert cli("index").status == 0

    result = cli("sources", EMBED_MODEL="all-MiniLM-L6-v2")

    assert result.status == 2
    assert "newsbot index --rebuild" in result.err
    assert "multilingual-e5-small" in result.err and "all-MiniLM-L6-v2" in result.err


def test_hostile_file_names_never_reach_the_terminal_raw(settings: IndexSettings, corpus_dir: Path,
                                                          tmp_path: Path) -> None:
    """Escape sequences and bidi overrides in paths and ids are removed from tables, failures and log lines."""
    write_article(corpus_dir, "ok\x1b[2J\u202ename.txt", title="Quiet title", source="City Times",
                  body="The council approved the riverside park on Tuesday.")
    write_bytes(corpus_dir, "bin\x1b]0;pwned.txt", b"\x00\x01\x02binary\xff\xfe" * 64)
    env = cli_env(settings, COLUMNS="200")

    index = subprocess.run([*newsbot_command(), "index"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=180)
    sources = subprocess.run([*newsbot_command(), "sources"], cwd=tmp_path, env=env, capture_output=True,
                             text=True, timeout=180)

    assert index.returncode == 1 and "pwned.txt" in index.stdout  # the failure is still shown, only cleaned
    assert "pwned.txt" in index.stderr  # and logged, cleaned too
    assert sources.returncode == 0 and "name.txt" in sources.stdout
    for printed in (index.stdout, index.stderr, sources.stdout, sources.stderr):
        assert "\x1b" not in printed and "\u202e" not in printed
