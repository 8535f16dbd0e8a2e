"""Tests for index.loaders and index.textclean, on real files in tmp folders."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from index.loaders import load_corpus, looks_like_credit, normalise_date
from index.models import Article, LoadFailure
from index.textclean import clean_text
from tests.factories import (
    DROP,
    FALLBACKS,
    article_text,
    html_page,
    multihop_record,
    write_article,
    write_bytes,
    write_html,
    write_json,
    write_jsonl,
    write_markdown,
    write_text,
)

REPO = Path(__file__).resolve().parents[2]
FIRST_ARTICLE = REPO / "corpus" / "putin-hosts-ex-hostages.txt"
MAX_BYTES = 100_000


def load(root: Path, *paths: Path, max_bytes: int = MAX_BYTES) -> tuple[list[Article], list[LoadFailure]]:
    return load_corpus(list(paths) or [root], root, max_bytes=max_bytes)


def load_one(root: Path, *paths: Path) -> Article:
    articles, failures = load(root, *paths)
    assert failures == []
    assert len(articles) == 1
    return articles[0]


def ids(articles: list[Article]) -> list[str]:
    return [a.id for a in articles]


# --------------------------------------------------------------------------- .txt


def test_first_article_of_the_corpus() -> None:
    article = load_one(FIRST_ARTICLE.parent, FIRST_ARTICLE)

    assert article.id == "putin-hosts-ex-hostages.txt"
    assert article.path == "putin-hosts-ex-hostages.txt"
    assert article.title == "Putin hosts ex-hostages at Kremlin, hails Hamas for ‘humanitarian act’ of freeing them"
    assert article.source == "The Times of Israel"
    assert article.body.startswith("Russian President Vladimir Putin met Wednesday")
    assert article.body.endswith("that remain in captivity in Gaza.")
    assert "Sandurskaya" not in article.body
    assert "Source:" not in article.body
    assert article.title not in article.body


def test_txt_layout_drops_repeated_title_credit_and_source_line(tmp_path: Path) -> None:
    write_article(tmp_path, "world/park.txt", title="Park approved", credit="Jane Roe/Pool/AFP", source="City Times")

    article = load_one(tmp_path)

    assert article.id == "world/park.txt"
    assert article.title == "Park approved"
    assert article.source == "City Times"
    assert article.body.startswith("The city council voted on Tuesday")
    assert article.body.endswith("the mayor said.")
    assert "Jane Roe" not in article.body and "Park approved" not in article.body


@pytest.mark.parametrize(
    "first_paragraph",
    [
        "Prices rose again in March",  # short, no punctuation, but no credit marks
        "Reuters reported that the talks had failed.",  # names an agency but is a sentence
    ],
)
def test_txt_keeps_a_real_first_paragraph(tmp_path: Path, first_paragraph: str) -> None:
    write_article(tmp_path, "a.txt", body=f"{first_paragraph}\n\nMore details followed on Friday.")

    article = load_one(tmp_path)

    assert article.body.startswith(first_paragraph)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Sofia Sandurskaya/Pool/AFP", True),
        ("Photo: Jane Doe", True),
        ("(AP Photo/Evan Vucci)", True),
        ("Getty Images", True),
        ("Prices rose again in March", False),
        ("Reuters reported that the talks failed.", False),
        ("A long opening paragraph that mentions AFP " + "and keeps going " * 10, False),
        ("", False),
    ],
)
def test_looks_like_credit(line: str, expected: bool) -> None:
    assert looks_like_credit(line) is expected


def test_plain_txt_first_line_is_title_rest_is_body(tmp_path: Path) -> None:
    write_text(tmp_path, "plain.txt", "Headline here\nFirst line of the body.\n\nSecond paragraph.\n")

    article = load_one(tmp_path)

    assert (article.title, article.source) == ("Headline here", "")
    assert article.body == "First line of the body.\n\nSecond paragraph."


@pytest.mark.parametrize("name", ["evil\x1b[2J\x1b]0;pwned\x07-news.txt", "rtl\u202eoverride\u2066-news.md"])
def test_titles_from_file_names_carry_no_control_or_bidi_characters(tmp_path: Path, name: str) -> None:
    write_text(tmp_path, name, "Only one line of news here.\n")

    article = load_one(tmp_path)

    assert article.title.endswith("news")
    assert not any(ch in article.title for ch in "\x1b\x07\u202e\u2066")


def test_single_line_txt_takes_its_title_from_the_file_name(tmp_path: Path) -> None:
    write_text(tmp_path, "breaking-news_today.txt", "Only one line of news here.\n")

    article = load_one(tmp_path)

    assert article.title == "Breaking news today"
    assert article.body == "Only one line of news here."


def test_txt_line_endings_are_normalised(tmp_path: Path) -> None:
    write_text(tmp_path, "crlf.txt", "Title\r\n\r\nLine one.\r\nLine two.\rLine three.\r\n\r\nSource: Wire\r\n")

    article = load_one(tmp_path)

    assert article.body == "Line one.\nLine two.\nLine three."
    assert article.source == "Wire"


# --------------------------------------------------------------------------- .md


def test_markdown_front_matter(tmp_path: Path) -> None:
    front = {
        "title": "Rates held steady",
        "source": "Finance Daily",
        "url": "https://example.com/rates",
        "published_at": "2024-03-05T10:30:00Z",
        "author": "Sam Lee",
        "category": "business",
    }
    body = "The central bank kept **rates** unchanged.\n\n## Reaction\n\nMarkets rose."
    write_markdown(tmp_path, "rates.md", front_matter=front, body=body)

    article = load_one(tmp_path)

    assert article.id == "rates.md"
    assert article.title == "Rates held steady"
    assert article.source == "Finance Daily"
    assert article.url == "https://example.com/rates"
    assert article.published_at == "2024-03-05T10:30:00+00:00"
    assert (article.author, article.category) == ("Sam Lee", "business")
    assert article.body == body


def test_markdown_yaml_date_and_list_values(tmp_path: Path) -> None:
    write_markdown(
        tmp_path, "a.md", front_matter={"title": "T", "published_at": date(2024, 3, 5), "category": ["a", "b"]}
    )

    article = load_one(tmp_path)

    assert article.published_at == "2024-03-05"
    assert article.category == "a, b"


def test_markdown_title_falls_back_to_first_heading(tmp_path: Path) -> None:
    write_markdown(tmp_path, "a.md", heading="Storm hits the coast", body="Winds reached 120 km/h.")

    article = load_one(tmp_path)

    assert article.title == "Storm hits the coast"
    assert article.body == "Winds reached 120 km/h."


def test_markdown_heading_repeating_the_front_matter_title_is_dropped(tmp_path: Path) -> None:
    write_markdown(tmp_path, "a.md", front_matter={"title": "Storm"}, heading="Storm", body="Winds rose.")

    assert load_one(tmp_path).body == "Winds rose."


def test_markdown_title_falls_back_to_file_name(tmp_path: Path) -> None:
    write_markdown(tmp_path, "storm-hits_coast.markdown", body="Winds reached 120 km/h.")

    article = load_one(tmp_path)

    assert article.title == "Storm hits coast"
    assert article.body == "Winds reached 120 km/h."


# --------------------------------------------------------------------------- .html


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    write_html(
        tmp_path,
        "news/rates.html",
        title="Rates held steady",
        paragraphs=[
            "The central bank kept interest rates unchanged on Thursday, citing slowing inflation.",
            "Analysts had expected the decision and markets barely moved after the announcement.",
        ],
        author="Sam Lee",
        published="2024-03-05T10:00:00Z",
        sitename="Finance Daily",
        url="https://example.com/rates",
        comments=("First! Great article, thanks.",),
    )

    article = load_one(tmp_path)

    assert article.id == "news/rates.html"
    assert article.title == "Rates held steady"
    assert article.body.startswith("The central bank kept interest rates unchanged")
    assert "\n\nAnalysts had expected" in article.body
    assert "Great article" not in article.body
    assert "Copyright" not in article.body and "Home" not in article.body
    assert (article.author, article.source, article.url) == ("Sam Lee", "Finance Daily", "https://example.com/rates")
    assert article.published_at == "2024-03-05"


def test_htm_extension_and_title_from_file_name(tmp_path: Path) -> None:
    text = "<html><body><article><p>" + "A plain page about the harbour works that started this week. " * 3
    write_text(tmp_path, "harbour-works.htm", text + "</p></article></body></html>")

    article = load_one(tmp_path)

    assert article.body.startswith("A plain page about the harbour works")
    assert article.title == "Harbour works"


def test_html_in_a_declared_legacy_charset(tmp_path: Path) -> None:
    page = html_page(title="Café reopens", paragraphs=["The old café on the square reopened on Monday after repairs."])
    write_bytes(tmp_path, "cafe.html", page.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("latin-1"))

    article = load_one(tmp_path)

    assert article.title == "Café reopens"
    assert "old café on the square" in article.body


def test_noscript_and_iframe_text_stays_out_of_the_body(tmp_path: Path) -> None:
    kept = ["The central bank kept interest rates unchanged on Thursday, citing slowing inflation in the region.",
            "Analysts had expected the decision and markets barely moved after the announcement by the governor."]
    write_html(tmp_path, "rates.html", title="Rates held", paragraphs=kept, fallbacks=FALLBACKS)

    article = load_one(tmp_path)

    assert article.body == "\n\n".join(kept)


# --------------------------------------------------------------------------- .json / .jsonl


def test_json_list_of_multihop_records(tmp_path: Path) -> None:
    records = [multihop_record(1), multihop_record(2), multihop_record(3, url=DROP)]
    write_json(tmp_path, "data/corpus.json", records)

    articles, failures = load(tmp_path)

    assert failures == []
    assert ids(articles) == [
        "url:https://news.example.com/articles/1",
        "url:https://news.example.com/articles/2",
        "data/corpus.json#2",
    ]
    first = articles[0]
    assert first.title == "Tech giant unveils model number 1"
    assert first.body == records[0]["body"]
    assert (first.source, first.author, first.category) == ("Example Tech News", "Alex Writer", "technology")
    assert first.published_at == "2023-11-27T08:45:59+00:00"
    assert first.path == "data/corpus.json"


def test_json_single_record_and_field_aliases(tmp_path: Path) -> None:
    record = multihop_record(body=DROP, url=DROP, published_at=DROP, text="Aliased body.", date="2024-01-02")
    write_json(tmp_path, "one.json", record)

    article = load_one(tmp_path)

    assert (article.id, article.body, article.published_at) == ("one.json", "Aliased body.", "2024-01-02")


def test_json_bad_records_fail_alone(tmp_path: Path) -> None:
    write_json(tmp_path, "news.json", [multihop_record(1), 42, {"title": "No text"}, multihop_record(4)])

    articles, failures = load(tmp_path)

    assert ids(articles) == ["url:https://news.example.com/articles/1", "url:https://news.example.com/articles/4"]
    assert [f.path for f in failures] == [tmp_path / "news.json"] * 2
    assert failures[0].reason.startswith("record 1: expected a JSON object")
    assert failures[1].reason.startswith('record 2: no "body" or "text" field')


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        multihop_record(1),
        '{"title": "broken", ',
        "",
        {"title": "No body here"},
        multihop_record(5, url=DROP),
    ]
    write_jsonl(tmp_path, "news.jsonl", lines)

    articles, failures = load(tmp_path)

    assert ids(articles) == ["url:https://news.example.com/articles/1", "news.jsonl#5"]
    assert [str(f) for f in failures] == [
        f"{tmp_path / 'news.jsonl'}: {failures[0].reason}",
        f"{tmp_path / 'news.jsonl'}: {failures[1].reason}",
    ]
    assert failures[0].reason.startswith("line 2: not valid JSON")
    assert failures[1].reason.startswith('line 4: no "body" or "text" field')


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_deeply_nested_json_is_a_named_failure(tmp_path: Path, name: str) -> None:
    deep = write_text(tmp_path, name, "[" * 40_000 + "]" * 40_000 + "\n")
    write_article(tmp_path, GOOD)

    articles, failures = load(tmp_path)

    assert ids(articles) == [GOOD] and [f.path for f in failures] == [deep]
    assert "nested too deeply" in failures[0].reason and "unexpected error" not in failures[0].reason


def test_nested_values_in_a_record_are_ignored(tmp_path: Path) -> None:
    nested: object = "deep"
    for _ in range(500):
        nested = [nested]
    write_jsonl(tmp_path, "a.jsonl", [multihop_record(1, author=nested, category=["world", ["x"], {"a": 1}])])

    article = load_one(tmp_path)

    assert (article.author, article.category) == ("", "world")


def test_a_record_whose_url_is_another_files_id_does_not_take_it_over(tmp_path: Path) -> None:
    write_article(tmp_path, "world/park.txt", title="Park approved")
    write_json(tmp_path, "a.json", multihop_record(1, url="world/park.txt", title="Impostor"))
    write_text(tmp_path, "url:x.txt", "A file named like a record id\n\nIts body.\n")
    write_text(tmp_path, "file:url:x.txt", "A file named like an escaped one\n\nIts body.\n")
    write_jsonl(tmp_path, "b.jsonl", [multihop_record(2, url="x.txt")])

    articles, failures = load(tmp_path)

    assert failures == []
    by_id = {a.id: a for a in articles}
    assert by_id["world/park.txt"].title == "Park approved"
    assert by_id["url:world/park.txt"].title == "Impostor"
    assert by_id["url:x.txt"].path == "b.jsonl"
    assert by_id["file:url:x.txt"].path == "url:x.txt"
    assert by_id["file:file:url:x.txt"].path == "file:url:x.txt"
    assert len(by_id) == len(articles) == 5


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


# --------------------------------------------------------------------------- discovery and ids


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


def test_a_file_reached_twice_is_loaded_once(tmp_path: Path) -> None:
    path = write_article(tmp_path, "a.txt")

    articles, failures = load(tmp_path, tmp_path, path)

    assert (ids(articles), failures) == (["a.txt"], [])


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


# --------------------------------------------------------------------------- bad input

GOOD = "good.txt"


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


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("zero\u200bwidth\u200c\u200djoin\u2060", "zerowidthjoin"),
        ("\ufeffBOM first", "BOM first"),
        ("tag\U000e0001\U000e0068\U000e0069\U000e007f chars", "tag chars"),
        ("bell\x07 and nul\x00 and esc\x1b", "bell and nul and esc"),
        ("rtl\u202emark\u200e", "rtlmark"),
        ("keep\ttabs\nand lines", "keep\ttabs\nand lines"),
        ("crlf\r\nand cr\rand ls\u2028end", "crlf\nand cr\nand ls\nend"),
        ("Cafe\u0301", "Caf\u00e9"),
        ("“Quotes” — émoji 🎉 עברית русский", "“Quotes” — émoji 🎉 עברית русский"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-27T08:45:59+00:00", "2023-11-27T08:45:59+00:00"),
        ("2023-11-27T08:45:59Z", "2023-11-27T08:45:59+00:00"),
        ("2023-11-27T08:45:59.123456", "2023-11-27T08:45:59"),
        ("2023-11-27 08:45", "2023-11-27T08:45:00"),
        ("2023-11-27T00:00:00", "2023-11-27T00:00:00"),
        ("2023-11-27", "2023-11-27"),
        ("November 27, 2023", "2023-11-27"),
        ("Mon, 27 Nov 2023 08:45:59 +0200", "2023-11-27T08:45:59+02:00"),
        (date(2024, 3, 5), "2024-03-05"),
        (datetime(2024, 3, 5, 9, 30), "2024-03-05T09:30:00"),
        ("not a date", ""),
        ("27", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_date(value: object, expected: str) -> None:
    assert normalise_date(value) == expected


def test_unparseable_date_still_loads(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "a.jsonl", [multihop_record(1, published_at="sometime last week")])

    article = load_one(tmp_path)

    assert article.published_at == ""


# --------------------------------------------------------------------------- hostile front matter and oversized fields


def alias_bomb(levels: int) -> str:
    """Front matter whose title expands to 9**levels strings through YAML aliases (a "billion laughs")."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    lines.append(f"title: *a{levels - 1}")
    return "---\n" + "\n".join(lines) + "\n---\nThe body of the article.\n"


def test_a_yaml_alias_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    bomb = write_text(tmp_path, "bomb.md", alias_bomb(5))  # 59,049 strings if expanded
    write_article(tmp_path, GOOD)

    articles, failures = load(tmp_path)

    assert ids(articles) == [GOOD]
    assert [f.path for f in failures] == [bomb]
    reason = failures[0].reason
    assert "anchors and aliases" in reason and "line 2" in reason
    assert "write each value out in full" in reason
    assert len(reason) < 300


def test_a_yaml_anchor_alone_is_refused_too(tmp_path: Path) -> None:
    write_text(tmp_path, "anchor.md", "---\ntitle: &t Storm\n---\nWinds rose.\n")

    articles, failures = load(tmp_path)

    assert articles == [] and "anchors and aliases" in failures[0].reason


def test_deeply_nested_front_matter_is_a_named_failure(tmp_path: Path) -> None:
    deep = write_text(tmp_path, "deep.md", "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\nWinds rose.\n")
    write_article(tmp_path, GOOD)

    articles, failures = load(tmp_path)

    assert ids(articles) == [GOOD] and [f.path for f in failures] == [deep]
    assert "nested" in failures[0].reason and "unexpected error" not in failures[0].reason


def test_oversized_front_matter_is_refused(tmp_path: Path) -> None:
    big = write_text(tmp_path, "big.md", "---\ntitle: Storm\n" + "note: padding text\n" * 5000 + "---\nWinds rose.\n")

    articles, failures = load(tmp_path)

    assert articles == [] and [f.path for f in failures] == [big]
    assert "front matter is" in failures[0].reason and "move" in failures[0].reason


LONG = "word " * 2_000  # 10,000 characters


@pytest.mark.parametrize(
    "write",
    [
        lambda d: write_markdown(d, "a.md", front_matter={"title": LONG, "source": LONG, "author": LONG,
                                                          "category": LONG, "url": "https://x.example/" + "a" * 10_000}),
        lambda d: write_jsonl(d, "a.jsonl", [multihop_record(1, title=LONG, source=LONG, author=LONG, category=LONG,
                                                             url="https://x.example/" + "a" * 10_000)]),
        lambda d: write_article(d, "a.txt", title=LONG, source=LONG),
        lambda d: write_text(d, "a.md", f"# {LONG}\n\nWinds rose.\n"),
    ],
    ids=["front matter", "record", "txt", "heading"],
)
def test_metadata_fields_are_capped_with_an_ellipsis(tmp_path: Path, write) -> None:
    from index.loaders.fields import FIELD_LIMITS

    write(tmp_path)

    article = load_one(tmp_path)

    for name, limit in FIELD_LIMITS.items():
        value = getattr(article, name)
        assert len(value) <= limit, name
        if value:
            assert value.endswith("…") and len(value) > limit // 2, name
    assert FIELD_LIMITS["title"] == 300
    assert len(article.id) <= FIELD_LIMITS["url"] + 10
