"""Answers and listings as Telegram HTML: quotes, highlights, "also reported by", sources with
dates, escaping, bounds."""

from __future__ import annotations

import re

import pytest

from bot.answer.result import AnswerResult, Citation, SourceRef
from bot.i18n import texts
from bot.telegram.fragments import MESSAGE_LIMIT, render_text, utf16_len
from bot.telegram.render import render_answer, render_lines, render_sources_page, safe_url
from index.models import ArticleInfo
from testing.telegram_api import parse_telegram_html

EN = texts("en")


def citation(n: int, quote: str, *, article_id: str = "a1", title: str = "Title", url: str = "https://news.example/a",
             source: str = "Times", published_at: str = "2025-04-16T08:00:00Z") -> Citation:
    return Citation(n=n, article_id=article_id, title=title, source=source, url=url, published_at=published_at,
                    quote=quote, chunk_id=f"{article_id}:0", start=0, end=len(quote))


def result(answer: str, citations: list[Citation] = (), **kw) -> AnswerResult:  # type: ignore[assignment]
    return AnswerResult(question="q", standalone_question="q", answer=answer, citations=list(citations), **kw)


def assert_valid(messages) -> list[str]:
    """Every message is non-empty, within Telegram's limit and valid Telegram HTML."""
    visible = []
    assert messages
    for m in messages:
        assert m.html.strip() and m.plain.strip()
        assert utf16_len(m.html) <= MESSAGE_LIMIT and utf16_len(m.plain) <= MESSAGE_LIMIT
        text, _ = parse_telegram_html(m.html)
        assert text.strip()
        assert "<" not in m.plain or "<" in text  # the plain twin carries no markup of ours
        visible.append(text)
    return visible


def test_answer_with_quotes_and_sources():
    r = result(
        "Putin thanked Hamas [1] and met the hostages [2].",
        [citation(1, "We need to express words of gratitude"), citation(2, "met Wednesday evening", article_id="a2",
                                                                         title="Second", url="", source="")],
    )
    [m] = render_answer(r)
    assert m.html.startswith("Putin thanked Hamas [1] and met the hostages [2].")
    assert "<b>[1] Title</b>\n<blockquote expandable>We need to express words of gratitude</blockquote>" in m.html
    assert "<b>Sources</b>" in m.html
    assert '[1] <a href="https://news.example/a">Title</a> — Times · Apr 16, 2025' in m.html
    assert "[2] Second" in m.html and "href=\"\"" not in m.html
    assert "“We need to express words of gratitude”" in m.plain and "https://news.example/a" in m.plain
    assert_valid([m])


def test_second_quote_of_an_article_shows_only_its_number():
    r = result("x [1] y [2]", [citation(1, "first"), citation(2, "second")])
    [m] = render_answer(r)
    assert m.html.count("Title") == 2  # head of the first quote + sources line
    assert "<b>[2]</b>" in m.html and "[1][2] <a href" in m.html


def test_several_quotes_under_one_number_list_the_number_once():
    r = result("According to Times [1]:", [citation(1, "first"), citation(1, "second")])
    [m] = render_answer(r)
    assert "[1] <a href" in m.html and "[1][1]" not in m.html


def test_everything_dynamic_is_escaped():
    evil = '<script>alert("x")</script> & <b>bold</b> &amp;'
    r = result(evil + " [1]", [citation(1, evil, title=evil, source=evil, url="https://x.example/?a=1&b=2")])
    [m] = render_answer(r)
    visible = assert_valid([m])[0]
    assert "<script>" not in m.html and "&lt;script&gt;" in m.html
    assert visible.count(evil) >= 3  # answer, quote head/title, quote, source line all shown literally
    assert 'href="https://x.example/?a=1&amp;b=2"' in m.html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x", "https://a b", "data:text/html,hi", ""])
def test_unsafe_urls_are_not_linked(url):
    assert safe_url(url) is None
    [m] = render_answer(result("a [1]", [citation(1, "q", url=url)]))
    assert "<a " not in m.html


def test_refused_answer_has_no_quotes_and_notice_is_shown():
    r = result("The articles don't say.", [citation(1, "q")], refused=True, notice="The LLM failed; extractive answer.")
    [m] = render_answer(r)
    assert "blockquote" not in m.html and "Sources" not in m.html
    assert "<i>The LLM failed; extractive answer.</i>" in m.html


def test_empty_answer_is_never_an_empty_message():
    for r in (result(""), result("   \n\n  ")):
        [m] = render_answer(r)
        assert m.html.strip()
    assert render_text("")[0].html.strip()


def _sentences(n: int) -> str:
    return " ".join(f"Sentence {i} has & and <tags> and 😀 emoji." for i in range(n))


def test_9000_character_answer_splits_on_paragraphs_within_the_limit():
    paragraphs = [_sentences(12) for _ in range(20)]
    answer = "\n\n".join(f"P{i} {p}" for i, p in enumerate(paragraphs))
    assert len(answer) > 9000
    messages = render_answer(result(answer))
    visible = assert_valid(messages)
    assert len(messages) >= 3
    # each message starts at a paragraph start: paragraphs are never cut when they fit
    assert all(v.startswith("P") for v in visible)
    assert re.sub(r"\s+", " ", " ".join(visible)) == re.sub(r"\s+", " ", answer)


def test_a_huge_paragraph_splits_on_sentences():
    answer = _sentences(400)
    messages = render_answer(result(answer))
    visible = assert_valid(messages)
    assert len(messages) >= 4
    assert all(v.rstrip().endswith("emoji.") for v in visible)
    assert " ".join(visible) == answer


def test_long_quote_becomes_several_blockquotes():
    quote = _sentences(300)
    messages = render_answer(result("See [1].", [citation(1, quote)]))
    assert_valid(messages)
    joined = "".join(m.html for m in messages)
    assert joined.count("<blockquote expandable>") >= 3
    assert joined.count("<blockquote expandable>") == joined.count("</blockquote>")
    assert "Sources" in messages[-1].html


def test_plain_twin_matches_the_html_message_by_message():
    messages = render_answer(result("\n\n".join(_sentences(20) for _ in range(10)), [citation(1, "q & a")]))
    for m in messages:
        visible, _ = parse_telegram_html(m.html)
        # same words, only the decoration differs
        assert set(re.findall(r"Sentence \d+", visible)) == set(re.findall(r"Sentence \d+", m.plain))


def _article(i: int, **kw) -> ArticleInfo:
    values = dict(id=f"a{i}", title=f"Story <{i}>", source="Wire", url=f"https://w.example/{i}",
                  published_at="2025-01-01", path=f"a{i}.txt", chunks=1, content_hash="h", indexed_at="")
    values.update(kw)
    return ArticleInfo(**values)


def test_sources_pages():
    arts = [_article(i) for i in range(23)]
    first = render_sources_page(arts, 0, EN, 10)
    assert (first.page, first.pages) == (0, 3)
    assert "1–10 of 23" in first.message.html and "Story &lt;0&gt;" in first.message.html
    assert "1. <a href=\"https://w.example/0\">Story &lt;0&gt;</a> — Wire · Jan 1, 2025" in first.message.html
    last = render_sources_page(arts, 99, EN, 10)
    assert last.page == 2 and "21–23 of 23" in last.message.html and "23. " in last.message.html
    assert_valid([first.message, last.message])
    empty = render_sources_page([], 0, EN)
    assert "No articles" in empty.message.html


def test_render_lines_escapes_and_bolds_the_first():
    [m] = render_lines(["Title <x>", "a & b", "", "after blank"], bold_first=True)
    assert m.html == "<b>Title &lt;x&gt;</b>\na &amp; b\n\nafter blank"
    assert_valid([m])


# --------------------------------------------------------------------------- stated answers, duplicates, dates


def test_highlights_are_bold_inside_the_quote():
    quote = "Troufanov was held in Gaza for 498 days & then <freed>."
    start = quote.index("498 days")
    r = result("498 days [1]", [citation(1, quote).model_copy(update={"highlights": [(start, start + 8)]})])
    [m] = render_answer(r)
    assert "<blockquote expandable>Troufanov was held in Gaza for <b>498 days</b> &amp; then &lt;freed&gt;.</blockquote>" \
        in m.html
    assert "“Troufanov was held in Gaza for 498 days & then <freed>.”" in m.plain
    assert_valid([m])


def test_bad_highlights_are_ignored_and_overlaps_merged():
    quote = "Putin met the freed hostages."
    marks = [(-5, 5), (3, 9), (40, 50), (7, 7), (20, 10)]
    [m] = render_answer(result("x [1]", [citation(1, quote).model_copy(update={"highlights": marks})]))
    assert "<b>Putin met</b> the freed hostages." in m.html
    assert_valid([m])


def test_a_highlight_across_a_split_stays_balanced():
    quote = _sentences(300)
    middle = quote.index("Sentence 150")
    r = result("x [1]", [citation(1, quote).model_copy(update={"highlights": [(10, middle), (middle + 5, len(quote))]})])
    messages = render_answer(r, max_messages=20)
    visible = assert_valid(messages)
    html = "".join(m.html for m in messages)
    assert html.count("<b>") == html.count("</b>") >= 3  # cut into several blockquotes, each balanced
    assert re.sub(r"\s+", " ", "".join(visible)).count("Sentence 299 has & and <tags>") == 1


def test_also_reported_by_under_the_quote_with_outlet_and_date():
    refs = [SourceRef(article_id=f"d{i}", title=f"Copy {i}", source=f"Outlet {i}", url=f"https://o{i}.example/x",
                      published_at=f"2026-01-0{i + 1}") for i in range(5)]
    refs.append(SourceRef(article_id="evil", title="<b>", source="A & <B>", url="javascript:alert(1)"))
    r = result("x [1]", [citation(1, "A quote.").model_copy(update={"also_reported_by": refs})])
    [m] = render_answer(r)
    assert ('<i>Also reported by <a href="https://o0.example/x">Outlet 0 · Jan 1, 2026</a>, '
            '<a href="https://o1.example/x">Outlet 1 · Jan 2, 2026</a>, '
            '<a href="https://o2.example/x">Outlet 2 · Jan 3, 2026</a>, and 3 more</i>') in m.html
    assert "Also reported by Outlet 0 · Jan 1, 2026, Outlet 1 · Jan 2, 2026, Outlet 2 · Jan 3, 2026, and 3 more" in m.plain
    assert m.html.index("A quote.") < m.html.index("Also reported by") < m.html.index("<b>Sources</b>")
    assert_valid([m])
    [escaped] = render_answer(result("x [1]", [citation(1, "q").model_copy(update={"also_reported_by": refs[-1:]})]))
    assert "Also reported by A &amp; &lt;B&gt;</i>" in escaped.html and "javascript" not in escaped.html


def test_the_answers_language_names_the_sources_and_formats_dates():
    r = result("Ответ [1]", [citation(1, "q", published_at="2026-01-08")], language="ru")
    [m] = render_answer(r)
    assert "<b>Источники</b>" in m.html and f"Times · {texts('ru').date('2026-01-08')}" in m.html and "янв" in m.html


def test_a_partial_answer_renders_like_an_answer():
    r = result("The articles don't say who won in 2018; they report the 2022 final [1].",
               [citation(1, "Djokovic won the 2022 final.")], partial=True)
    [m] = render_answer(r)
    assert m.html.startswith("The articles don't say who won in 2018")
    assert "<blockquote expandable>Djokovic won the 2022 final.</blockquote>" in m.html and "<b>Sources</b>" in m.html


def test_huge_fields_give_a_bounded_answer():
    quote = "A quote."
    c = citation(1, quote, title="T" * 500_000, source="S" * 200_000, url="https://x.example/" + "u" * 5000)
    r = result("word " * 400_000 + "[1]", [c] * 30, notice="N" * 100_000)  # a 2 MB reply, 30 citations
    messages = render_answer(r, max_messages=6)
    visible = assert_valid(messages)
    assert len(messages) <= 6
    assert "The answer was too long for Telegram and was shortened." in visible[-1]
    assert "Sources" in visible[-1] and "T" * 300 not in "".join(visible) and "S" * 101 not in "".join(visible)
    assert "u" * 5000 not in "".join(m.html for m in messages)  # a monstrous URL is not linked


def test_sources_page_with_huge_fields_is_one_message():
    arts = [_article(i, title="T" * 500_000, source="S" * 200_000) for i in range(10)]
    page = render_sources_page(arts, 0, EN, 10)
    assert_valid([page.message])
    assert "10. " in page.message.html  # every line of the page is there


def test_a_follow_alert_is_one_escaped_message_with_headline_outlet_date_quote_and_link():
    from bot.telegram.render import render_alert

    hostile = citation(1, "Cost: <b>212</b> million & more " * 200, title="Tram <i>opens</i> & more",
                       source="City <News>", url="https://news.example/tram?a=1&b=2")
    [message] = render_alert("tram <script>", hostile, texts("ru"))
    [visible] = assert_valid([message])
    assert visible.startswith("🔔 Новое по теме «tram <script>»")
    assert f"Tram <i>opens</i> & more — City <News> · {texts('ru').date('2025-04-16')}" in visible
    assert "Cost: <b>212</b> million & more" in visible and len(visible) < 1400  # the quote is capped
    assert 'href="https://news.example/tram?a=1&amp;b=2"' in message.html and "<blockquote" in message.html
    [unlinked] = render_alert("tram", citation(1, "A quote.", url="javascript:alert(1)"), EN)
    assert "<a " not in unlinked.html and "javascript" not in unlinked.html
