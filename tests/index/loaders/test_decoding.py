"""Reading a file (index.loaders.decoding): the size limit, unreadable files, declared charsets, invisible characters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import html_page, multihop_record, write_article, write_bytes, write_jsonl, write_text
from tests.index.loaders.loading import GOOD, ids, load, load_one


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    big = write_text(tmp_path, "big.txt", "Title\n\n" + "x" * 1993)
    write_article(tmp_path, GOOD)

    articles, failures = load(tmp_path, max_bytes=1_000)

    assert ids(articles) == [GOOD]
    assert [f.path for f in failures] == [big]
    assert "2,000 bytes" in failures[0].reason and "1,000 bytes" in failures[0].reason
    assert "MAX_FILE_BYTES" in failures[0].reason


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    locked = write_article(tmp_path, "locked.txt")
    locked.chmod(0)
    write_article(tmp_path, GOOD)
    try:
        articles, failures = load(tmp_path)
    finally:
        locked.chmod(0o644)

    assert ids(articles) == [GOOD]
    assert [f.path for f in failures] == [locked]
    assert "cannot read the file" in failures[0].reason


def test_html_in_a_declared_legacy_charset(tmp_path: Path) -> None:
    page = html_page(title="Café reopens", paragraphs=["The old café on the square reopened on Monday after repairs."])
    write_bytes(tmp_path, "cafe.html", page.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("latin-1"))

    article = load_one(tmp_path)

    assert article.title == "Café reopens"
    assert "old café on the square" in article.body


# --------------------------------------------------------------------------- invisible characters


def test_invisible_characters_are_stripped_at_load(tmp_path: Path) -> None:
    body = "\u200bPutin\u200d met\u2060 the\ufeff press\U000e0041\U000e007f.\x07 Cafe\u0301 talk."
    write_article(tmp_path, "a.txt", title="\ufeffTitle\u200b", body=body)
    write_jsonl(tmp_path, "b.jsonl", [multihop_record(1, body="Hidden\u200b text\u00ad here.")])

    articles, failures = load(tmp_path)

    assert failures == []
    assert articles[0].title == "Title"
    assert articles[0].body == "Putin met the press. Café talk."
    assert articles[1].body == "Hidden text here."
