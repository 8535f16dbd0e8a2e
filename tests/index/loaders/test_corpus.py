"""`load_corpus` (index.loaders.corpus): each file once, one article per id, a bad file failing alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.loaders import load_corpus
from tests.factories import (article_text, multihop_record, write_article, write_bytes, write_jsonl, write_markdown,
                             write_text)
from tests.index.loaders.loading import GOOD, MAX_BYTES, ids, load


def test_a_file_reached_twice_is_loaded_once(tmp_path: Path) -> None:
    path = write_article(tmp_path, "a.txt")

    articles, failures = load(tmp_path, tmp_path, path)

    assert (ids(articles), failures) == (["a.txt"], [])


def test_the_indexed_owner_of_an_id_keeps_it(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "z.jsonl", [multihop_record(1, title="The original")])
    write_jsonl(tmp_path, "a.jsonl", [multihop_record(1, title="A later copy")])
    owners = {"url:https://news.example.com/articles/1": "z.jsonl"}

    articles, failures = load_corpus([tmp_path], tmp_path, max_bytes=MAX_BYTES, owners=owners)
    unowned, unowned_failures = load(tmp_path)

    assert [(a.title, a.path) for a in articles] == [("The original", "z.jsonl")]
    assert [f.path for f in failures] == [tmp_path / "a.jsonl"]
    assert "duplicate article id" in failures[0].reason and "z.jsonl" in failures[0].reason
    assert [a.path for a in unowned] == ["a.jsonl"]  # with no index yet, the first found keeps it
    assert [f.path for f in unowned_failures] == [tmp_path / "z.jsonl"]


def test_duplicate_record_url_is_a_failure(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "a.jsonl", [multihop_record(1)])
    write_jsonl(tmp_path, "b.jsonl", [multihop_record(1, title="Copy")])

    articles, failures = load(tmp_path)

    assert [a.path for a in articles] == ["a.jsonl"]
    assert len(failures) == 1 and failures[0].path == tmp_path / "b.jsonl"
    assert "duplicate article id" in failures[0].reason and "a.jsonl" in failures[0].reason


# --------------------------------------------------------------------------- bad input


def _title_only_md(folder: Path) -> Path:
    return write_markdown(folder, "title-only.md", heading="Just a heading", body="")


BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "empty": (lambda d: write_bytes(d, "empty.txt", b""), ("empty",)),
    "whitespace": (lambda d: write_text(d, "blank.md", "  \n\n\t\n"), ("empty",)),
    "invisible only": (lambda d: write_text(d, "ghost.txt", "\u200b\ufeff\u2060\n"), ("invisible",)),
    "binary": (lambda d: write_bytes(d, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ("binary", "UTF-8")),
    "invalid utf-8": (
        lambda d: write_bytes(d, "latin1.txt", "Title\n\nCafé au lait.\n".encode("latin-1")),
        ("not valid UTF-8", "byte 0xe9", "offset 10", "line 3"),
    ),
    "malformed json": (
        lambda d: write_text(d, "bad.json", '[\n  {"title": "a",\n   "body" "b"}\n]'),
        ("not valid JSON", "line 3, column 11"),
    ),
    "json scalar": (lambda d: write_text(d, "scalar.json", "42"), ("expected a JSON object or a list",)),
    "malformed front matter": (
        lambda d: write_text(d, "bad.md", "---\ntitle: [unclosed\n---\nBody text.\n"),
        ("front matter", "line 3"),
    ),
    "unclosed front matter": (
        lambda d: write_text(d, "open.md", "---\ntitle: x\nBody text.\n"),
        ("never closed",),
    ),
    "front matter list": (
        lambda d: write_text(d, "list.md", "---\n- a\n- b\n---\nBody text.\n"),
        ("front matter", "mapping"),
    ),
    "title and source only": (
        lambda d: write_text(d, "stub.txt", article_text(title="Stub", body="", repeat_title=False).strip() + "\n"),
        ("no body text",),
    ),
    "title repeated only": (lambda d: write_text(d, "twice.txt", "Stub\n\nStub\n"), ("no body text",)),
    "title-only markdown": (_title_only_md, ("no body text",)),
    "html without text": (
        lambda d: write_text(d, "empty.html", "<html><head><title>Empty</title></head><body></body></html>"),
        ("no article text",),
    ),
    "broken symlink": (
        lambda d: _symlink(d / "dangling.txt", d / "missing.txt"),
        ("cannot read the file", "readable"),
    ),
}


def _symlink(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_failure_and_the_rest_still_loads(tmp_path: Path, case: str) -> None:
    write_bad, expected = BAD_INPUTS[case]
    bad = write_bad(tmp_path)
    write_article(tmp_path, GOOD)

    articles, failures = load(tmp_path)

    assert ids(articles) == [GOOD]
    assert len(failures) == 1
    assert failures[0].path == bad
    for fragment in expected:
        assert fragment in failures[0].reason
