"""Metadata values (index.loaders.fields): titles from file names, dates, fields capped with an ellipsis."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from index.loaders import normalise_date
from tests.factories import multihop_record, write_article, write_jsonl, write_markdown, write_text
from tests.index.loaders.loading import load_one


@pytest.mark.parametrize("name", ["evil\x1b[2J\x1b]0;pwned\x07-news.txt", "rtl\u202eoverride\u2066-news.md"])
def test_titles_from_file_names_carry_no_control_or_bidi_characters(tmp_path: Path, name: str) -> None:
    write_text(tmp_path, name, "Only one line of news here.\n")

    article = load_one(tmp_path)

    assert article.title.endswith("news")
    assert not any(ch in article.title for ch in "\x1b\x07\u202e\u2066")


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


# --------------------------------------------------------------------------- oversized fields


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
