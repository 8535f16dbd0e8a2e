"""`.txt` articles (index.loaders.text): title line, repeated title, photo credit, paragraphs, `Source:` line."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.loaders import looks_like_credit
from tests.factories import write_article, write_text
from tests.index.conftest import FIRST_ARTICLE
from tests.index.loaders.loading import load_one


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
