"""Finding the files (index.loaders.discovery): sorted walks, skipped files, paths relative to the root, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

from index.loaders import load_corpus
from tests.factories import (DROP, multihop_record, write_article, write_bytes, write_jsonl, write_markdown,
                             write_text)
from tests.index.loaders.loading import GOOD, MAX_BYTES, ids, load


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    write_article(tmp_path, "b.txt")
    write_article(tmp_path, "a/z.txt")
    write_markdown(tmp_path, "a/b.md")
    write_article(tmp_path, "C.TXT")

    articles, failures = load(tmp_path)

    assert failures == []
    assert ids(articles) == ["C.TXT", "a/b.md", "a/z.txt", "b.txt"]


def test_hidden_and_unsupported_files_are_skipped_silently(tmp_path: Path) -> None:
    write_article(tmp_path, "good.txt")
    write_article(tmp_path, ".hidden.txt")
    write_article(tmp_path, ".git/inside.txt")
    write_bytes(tmp_path, "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write_text(tmp_path, "notes.pdf", "not really a pdf")

    articles, failures = load(tmp_path)

    assert (ids(articles), failures) == (["good.txt"], [])


def test_explicit_unsupported_file_is_a_failure(tmp_path: Path) -> None:
    pdf = write_text(tmp_path, "report.pdf", "x")

    articles, failures = load(tmp_path, pdf)

    assert articles == []
    assert len(failures) == 1 and failures[0].path == pdf
    assert ".pdf" in failures[0].reason and ".txt" in failures[0].reason and ".jsonl" in failures[0].reason


def test_missing_path_is_a_failure(tmp_path: Path) -> None:
    articles, failures = load(tmp_path, tmp_path / "nope.txt")

    assert articles == [] and [f.path for f in failures] == [tmp_path / "nope.txt"]
    assert "no such file" in failures[0].reason


def test_ids_are_stable_and_relative_to_the_root(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write_article(root, "world/a.txt")
    write_jsonl(root, "feeds/news.jsonl", [multihop_record(1, url=DROP)])

    first, _ = load(root)
    again, _ = load(root)
    sub_only, _ = load(root, root / "world")
    relative, _ = load_corpus([Path(os.path.relpath(root))], Path(os.path.relpath(root)), max_bytes=MAX_BYTES)

    assert ids(first) == ["feeds/news.jsonl#1", "world/a.txt"]
    assert [(a.id, a.content_hash) for a in again] == [(a.id, a.content_hash) for a in first]
    assert ids(sub_only) == ["world/a.txt"]
    assert ids(relative) == ids(first)


def test_explicit_paths_outside_the_root_are_relative_to_their_parent(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    single = write_article(tmp_path / "elsewhere", "single.txt")
    write_article(tmp_path / "elsewhere", "batch/x.txt")

    articles, failures = load(root, single, tmp_path / "elsewhere" / "batch")

    assert failures == []
    assert ids(articles) == ["single.txt", "batch/x.txt"]


# --------------------------------------------------------------------------- symlinks


def test_symlink_escaping_the_root_is_rejected(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write_article(root, "good.txt")
    secret = write_article(tmp_path / "outside", "secret.txt")
    (root / "escape.txt").symlink_to(secret)
    (root / "escape-dir").symlink_to(tmp_path / "outside", target_is_directory=True)

    articles, failures = load(root)

    assert ids(articles) == ["good.txt"]
    assert [f.path for f in failures] == [root / "escape-dir", root / "escape.txt"]
    for failure in failures:
        assert "resolves outside the corpus root" in failure.reason
        assert "move the file into the corpus" in failure.reason


def test_symlink_inside_the_root_is_followed_once(tmp_path: Path) -> None:
    write_article(tmp_path, "real/a.txt")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)

    articles, failures = load(tmp_path)

    assert (ids(articles), failures) == (["alias/a.txt"], [])


def test_symlink_loops_are_named_failures(tmp_path: Path) -> None:
    write_article(tmp_path, GOOD)
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "ring-a").symlink_to("ring-b")
    (tmp_path / "ring-b").symlink_to("ring-a")

    articles, failures = load(tmp_path)
    explicit, explicit_failures = load(tmp_path, tmp_path / "loop.txt", tmp_path / "ring-a")

    assert ids(articles) == [GOOD] and explicit == []
    assert [f.path.name for f in failures] == ["loop.txt", "ring-a", "ring-b"]
    assert [f.path.name for f in explicit_failures] == ["loop.txt", "ring-a"]
    for failure in failures + explicit_failures:
        assert "symlink loop" in failure.reason and "remove the link" in failure.reason
