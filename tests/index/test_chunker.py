"""Tests for index.chunker: exact offsets, full coverage, sentence spans, stable ids."""

from __future__ import annotations

import dataclasses
import random

import pytest

from index.chunker import Chunker, chunk_id, sentence_spans
from index.loaders import load_corpus
from index.models import Article, Chunk
from index.textclean import clean_text
from tests.index.conftest import FIRST_ARTICLE


def first_article() -> Article:
    articles, failures = load_corpus([FIRST_ARTICLE], FIRST_ARTICLE.parent, max_bytes=1_000_000)
    assert failures == []
    return articles[0]


def article(body: str, **fields: str) -> Article:
    return Article(id=fields.pop("id", "a.txt"), title=fields.pop("title", "A title"), body=body, **fields)


WORDS = (
    "the council voted to approve a new park near the river after a long debate on Tuesday "
    "Москва заявила что переговоры продолжатся ראש הממשלה אמר 東京都 café naïve Zürich façade "
    "“quoted” ‘words’ — 2,500 people 3.5% e.g. U.S. officials"
).split()


def generated_body(seed: int, paragraphs: int = 8) -> str:
    """Multi-paragraph text with mixed scripts, quotes, abbreviations and odd spacing."""
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(1, 6)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(3, 22))]
            sentences.append(" ".join(words).capitalize() + rng.choice([".", "!", "?", "…", ".”"]))
        paras.append(rng.choice([" ", "  ", " "]).join(sentences))
    return "\n\n".join(paras)


def assert_exact_chunks(body: str, chunks: list[Chunk]) -> None:
    """Offsets are exact, chunks are in order, and no visible character of the body is left out."""
    assert chunks, "no chunks for a non-empty body"
    covered = [False] * len(body)
    previous_start = -1
    for i, chunk in enumerate(chunks):
        assert chunk.index == i
        assert 0 <= chunk.start < chunk.end <= len(body)
        assert chunk.text == body[chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip(), "chunks are trimmed"
        assert chunk.start > previous_start, "chunks are in body order"
        previous_start = chunk.start
        for pos in range(chunk.start, chunk.end):
            covered[pos] = True
    missing = [pos for pos, ok in enumerate(covered) if not ok and not body[pos].isspace()]
    assert not missing, f"text left out of every chunk, from {body[missing[0]:missing[0] + 60]!r}"


def assert_sentence_spans(body: str, chunks: list[Chunk]) -> None:
    """Each chunk's sentence spans lie inside it, are trimmed and ordered, and include every whole sentence."""
    all_sentences = sentence_spans(body)
    for chunk in chunks:
        assert chunk.sentences, f"chunk {chunk.index} has no sentences"
        previous_end = 0
        for s, e in chunk.sentences:
            assert 0 <= s < e <= len(chunk.text)
            assert s >= previous_end, "sentence spans overlap or are out of order"
            previous_end = e
            sentence = chunk.text[s:e]
            assert sentence == sentence.strip()
        absolute = {(chunk.start + s, chunk.start + e) for s, e in chunk.sentences}
        whole = [(s, e) for s, e in all_sentences if chunk.start <= s and e <= chunk.end]
        assert set(whole) <= absolute


@pytest.mark.parametrize(("size", "overlap"), [(256, 32), (64, 8), (32, 0), (128, 100)])
def test_offsets_are_exact_on_the_first_article(size: int, overlap: int) -> None:
    a = first_article()
    chunks = Chunker(size, overlap).chunk(a)

    assert_exact_chunks(a.body, chunks)
    assert_sentence_spans(a.body, chunks)
    assert all(c.article_id == a.id for c in chunks)
    if size == 64:
        assert len(chunks) > 5  # the article (~700 tokens) is really split


def test_default_chunks_of_the_first_article_hold_whole_sentences() -> None:
    a = first_article()
    chunks = Chunker().chunk(a)

    assert 2 <= len(chunks) <= 8
    sentence = ("Russia has ties to all key players in the Middle East, including Israel, Iran, and Lebanon, "
                "as well as the Palestinian Authority and Hamas.")
    holders = [c for c in chunks if sentence in c.text]
    assert holders
    for c in holders:
        assert sentence in [c.text[s:e] for s, e in c.sentences]


def test_neighbouring_chunks_overlap_when_configured() -> None:
    a = first_article()
    chunks = Chunker(64, 16).chunk(a)

    assert any(nxt.start < cur.end for cur, nxt in zip(chunks, chunks[1:]))
    no_overlap = Chunker(64, 0).chunk(a)
    assert all(nxt.start >= cur.end for cur, nxt in zip(no_overlap, no_overlap[1:]))


@pytest.mark.parametrize("seed", range(6))
def test_offsets_are_exact_on_generated_multiparagraph_text(seed: int) -> None:
    body = generated_body(seed)
    chunks = Chunker(48, 8).chunk(article(body))

    assert len(chunks) > 3
    assert_exact_chunks(body, chunks)
    assert_sentence_spans(body, chunks)


def test_offsets_are_exact_on_crlf_and_invisible_characters_after_cleaning() -> None:
    raw = (
        "First paragraph\u200b with a zero-width space.\u00a0It has\u00a0no-break spaces and  double  spaces.\r\n"
        "A second line in the same paragraph.\r\n\r\n\r\n"
        "\tA tabbed paragraph with «кавычки» and “curly quotes”.\u2028Then a line separator.\r\n\r\n"
        "Ein Absatz über Straßen\U000e0041\U000e0042 mit Tag-Zeichen. שלום עולם. 東京は晴れ。\r\n\r\n"
    ) * 8
    body = clean_text(raw).strip()
    assert "\r" not in body and "\u200b" not in body and "\U000e0041" not in body

    chunks = Chunker(40, 8).chunk(article(body))

    assert_exact_chunks(body, chunks)
    assert_sentence_spans(body, chunks)


def test_repeated_paragraphs_are_all_covered() -> None:
    """Text that repeats itself used to make the chunker fall behind and drop the article's tail."""
    paragraph = "The same paragraph repeats here. It has two sentences."
    body = "\n\n".join([paragraph] * 20) + "\n\nThe very last sentence is unique."
    chunks = Chunker(32, 8).chunk(article(body))

    assert_exact_chunks(body, chunks)
    assert chunks[-1].text.endswith("The very last sentence is unique.")


def test_a_quote_repeated_in_the_article_is_located_where_it_occurs() -> None:
    rng = random.Random(7)
    quote = "“We will never forget,” she said."
    paragraphs = []
    for i in range(12):
        paragraphs.append(quote if i % 3 == 2 else generated_body(rng.randint(0, 10_000), paragraphs=1))
    body = "\n\n".join(paragraphs)
    chunks = Chunker(32, 4).chunk(article(body))

    assert_exact_chunks(body, chunks)
    holders = [c for c in chunks if quote in c.text]
    assert len({c.start + c.text.index(quote) for c in holders}) >= 3  # each occurrence, not the first one thrice


def test_sentence_spans_of_a_body() -> None:
    body = "Title-like line\nThe first sentence. The second one?\n\nA new paragraph\nwraps here. It is done."
    spans = [body[s:e] for s, e in sentence_spans(body)]

    assert spans == [
        "Title-like line",
        "The first sentence.",
        "The second one?",
        "A new paragraph\nwraps here.",
        "It is done.",
    ]


def test_fragments_are_part_of_a_neighbouring_sentence() -> None:
    """Pieces of fewer than two words are not sentences: alone they match every question (hubs)."""
    body = ("Nicolaus Copernicus (c. 1455–1536). He was a mathematician. Done.\n"
            "1. The first point is here. 2. The second point is there.\n"
            "Tesla filed the patent:133–134:38-1–38-11")
    spans = [body[s:e] for s, e in sentence_spans(body)]

    assert spans == [
        "Nicolaus Copernicus (c. 1455–1536).",
        "He was a mathematician. Done.",
        "1. The first point is here.",
        "2. The second point is there.",
        "Tesla filed the patent:133–134:38-1–38-11",
    ]


def test_ids_are_stable_when_rechunking_an_unchanged_article() -> None:
    a = first_article()
    first = Chunker(64, 8).chunk(a)
    again = Chunker(64, 8).chunk(first_article())

    assert [c.id for c in first] == [c.id for c in again]
    assert first == again
    assert len({c.id for c in first}) == len(first), "chunk ids are unique within an article"


@pytest.mark.parametrize(
    "change",
    [
        {"body": None},  # filled in below: one word of the body changed
        {"title": "Another title"},
        {"source": "Another outlet"},
        {"published_at": "2025-05-01"},
        {"url": "https://example.com/other"},
    ],
)
def test_ids_change_when_the_article_changes(change: dict) -> None:
    a = first_article()
    if "body" in change:
        change = {"body": a.body.replace("Wednesday evening", "Thursday evening")}
    changed = dataclasses.replace(a, **change)
    before = Chunker(64, 8).chunk(a)
    after = Chunker(64, 8).chunk(changed)

    assert not {c.id for c in before} & {c.id for c in after}


def test_ids_differ_between_articles_with_the_same_text() -> None:
    a = article("Same text in two files. It is short.", id="a.txt")
    b = article("Same text in two files. It is short.", id="b.txt")

    assert Chunker().chunk(a)[0].id != Chunker().chunk(b)[0].id
    assert chunk_id(a.id, a.content_hash, 0, "x") != chunk_id(a.id, a.content_hash, 1, "x")


def test_the_article_is_hashed_once_however_many_chunks_it_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing the whole article for every chunk made chunking quadratic (a 1 MB article took seconds)."""
    hashed: list[str] = []
    original = Article.content_hash

    def counting(self: Article) -> str:
        hashed.append(self.id)
        return original.fget(self)

    monkeypatch.setattr(Article, "content_hash", property(counting))
    a = article(generated_body(3, paragraphs=40), id="long.txt")

    chunks = Chunker(32, 0).chunk(a)

    assert len(chunks) > 20
    assert hashed == ["long.txt"]


def test_overlap_must_be_smaller_than_size() -> None:
    with pytest.raises(ValueError, match="CHUNK_OVERLAP"):
        Chunker(64, 64)


def test_a_short_article_is_one_chunk_equal_to_its_body() -> None:
    body = "Only one sentence here."
    (chunk,) = Chunker().chunk(article(body))

    assert (chunk.start, chunk.end, chunk.text) == (0, len(body), body)
    assert chunk.sentences == ((0, len(body)),)
