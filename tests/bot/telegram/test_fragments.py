"""Escaping, splitting under Telegram's limit and packing into messages."""

from __future__ import annotations

import pytest

from bot.telegram.fragments import (
    LINE,
    MESSAGE_LIMIT,
    PARAGRAPH,
    Fragment,
    clip,
    pack,
    pack_bounded,
    piece_spans,
    render_text,
    split_to_fit,
    text_fragments,
    utf16_len,
)
from testing.telegram_api import parse_telegram_html


def _sentences(n: int) -> str:
    return " ".join(f"Sentence {i} has & and <tags> and 😀 emoji." for i in range(n))


def test_utf16_len_counts_astral_characters_twice():
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("🇮🇱") == 4
    assert utf16_len("é") == 1
    assert utf16_len("\ud800") == 1  # a lone surrogate from bad input does not break counting


def test_clip():
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 9 + "…" and len(clip("a" * 20, 10)) == 10
    assert clip("", 5) == "" and clip(None, 5) == ""  # type: ignore[arg-type]


def test_a_huge_word_splits_between_characters_never_inside_a_pair_or_entity():
    word = ("😀&<" * 3000) + "é"  # astral chars, entities when escaped, and a combining-free tail
    pieces = split_to_fit(word, 4096)
    assert "".join(pieces) == word
    for p in pieces:
        assert utf16_len(p.replace("&", "&amp;").replace("<", "&lt;")) <= 4096


def test_combining_marks_stay_with_their_letter():
    word = "e\u0301" * 5000
    pieces = split_to_fit(word, 1001)
    assert all(not p.startswith("\u0301") for p in pieces)
    assert "".join(pieces) == word


def test_piece_spans_locate_each_piece():
    text = "  " + _sentences(200) + "\n\n" + "x" * 5000
    pieces = split_to_fit(text, 1000)
    spans = piece_spans(text, pieces)
    assert [text[s:e] for s, e in spans] == pieces
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_render_text_is_valid_and_never_empty():
    messages = render_text(_sentences(300))
    assert len(messages) >= 3
    for m in messages:
        assert utf16_len(m.html) <= MESSAGE_LIMIT
        visible, _ = parse_telegram_html(m.html)
        assert visible.strip() and "<tags>" in visible
    assert render_text("")[0].html.strip()


def test_pack_bounded_keeps_the_tail_and_says_it_shortened():
    body = text_fragments(_sentences(2000))  # ~90k characters
    tail = [Fragment("<b>Sources</b>", "Sources:", PARAGRAPH), Fragment("[1] a source", "[1] a source", LINE)]
    note = Fragment("<i>shortened</i>", "shortened", PARAGRAPH)
    messages = pack_bounded(body, tail, max_messages=3, shortened=note)
    assert len(messages) == 3
    assert messages[-1].html.endswith("<b>Sources</b>\n[1] a source")
    assert "<i>shortened</i>" in messages[-1].html
    short = pack_bounded(body[:2], tail, max_messages=3, shortened=note)
    assert "shortened" not in "".join(m.html for m in short) and short == pack([*body[:2], *tail])


def test_pack_bounded_cuts_even_an_oversized_tail():
    tail = text_fragments(_sentences(2000))
    note = Fragment("<i>shortened</i>", "shortened", PARAGRAPH)
    assert len(pack_bounded([], tail, max_messages=2, shortened=note)) == 2


@pytest.mark.parametrize("limit", [50, 200, MESSAGE_LIMIT])
def test_pack_respects_any_limit(limit):
    messages = pack(text_fragments(_sentences(100), limit=limit), limit)
    assert all(utf16_len(m.html) <= limit for m in messages)
