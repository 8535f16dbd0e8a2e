"""`.md` / `.markdown` articles (index.loaders.markdown): front matter, headings, hostile YAML refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.factories import write_article, write_markdown, write_text
from tests.index.loaders.loading import GOOD, ids, load, load_one


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


# --------------------------------------------------------------------------- hostile front matter


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
