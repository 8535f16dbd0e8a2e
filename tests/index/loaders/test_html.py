"""`.html` / `.htm` articles (index.loaders.html): main text and metadata through trafilatura."""

from __future__ import annotations

from pathlib import Path

from tests.factories import FALLBACKS, write_html, write_text
from tests.index.loaders.loading import load_one


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


def test_noscript_and_iframe_text_stays_out_of_the_body(tmp_path: Path) -> None:
    kept = ["The central bank kept interest rates unchanged on Thursday, citing slowing inflation in the region.",
            "Analysts had expected the decision and markets barely moved after the announcement by the governor."]
    write_html(tmp_path, "rates.html", title="Rates held", paragraphs=kept, fallbacks=FALLBACKS)

    article = load_one(tmp_path)

    assert article.body == "\n\n".join(kept)
