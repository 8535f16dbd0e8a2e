"""Answers and listings as Telegram messages (HTML with a plain-text twin; see `fragments`).

- Every dynamic string (answers, quotes, titles, outlets, URLs) is escaped here or in
  `fragments`; nothing else in the bot builds HTML. The bot's own words come from `bot.i18n`:
  an answer's in `result.language` (the engine chose it), listings in the reader's language.
- An answer is its text, an optional notice, each quote as an expandable blockquote under
  "[n] Title" with the stated answer's `highlights` in bold, "Also reported by …" under a quote
  whose story other outlets told too, then the sources, each with its outlet and date
  ("CNN · 8 Jan 2026"). Partial answers render like answers (their text says what is missing);
  refusals show no quotes and no sources.
- Bounded whatever the input: titles, outlets and URLs are capped, the answer text and quotes are
  cut to what `max_messages` messages can hold before any splitting work, and an answer never
  takes more than `max_messages` messages (a note says when it was shortened; the sources stay).
- A follow alert (`render_alert`) is one message: topic, linked headline with outlet and date, and
  the best quote (capped at 1,000 characters).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answer.result import AnswerResult, Citation, SourceRef
from bot.i18n import Texts, texts
from bot.telegram.fragments import (
    LINE,
    MESSAGE_LIMIT,
    PARAGRAPH,
    Fragment,
    OutMessage,
    clip,
    esc,
    esc_attr,
    pack,
    pack_bounded,
    piece_spans,
    render_text,
    split_to_fit,
    text_fragments,
    utf16_len,
)
from index.models import ArticleInfo

#: caps on untrusted fields, in characters (the loader caps them too; this is defence in depth)
MAX_TITLE_CHARS = 300
LISTING_TITLE_CHARS = 200  # /sources: ten lines of a page share one message
MAX_SOURCE_CHARS = 100
MAX_URL_CHARS = 1000
MAX_NOTICE_CHARS = 1000
#: at most this many quotes, highlights per quote and "also reported by" outlets are shown
MAX_CITATIONS = 20
MAX_HIGHLIGHTS = 8
MAX_ALSO_REPORTED = 3
#: messages one answer may take at most (`ANSWER_MAX_MESSAGES` in the settings)
DEFAULT_MAX_MESSAGES = 6

_QUOTE_OPEN, _QUOTE_CLOSE = "<blockquote expandable>", "</blockquote>"
_BOLD_COST = len("<b></b>")
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def safe_url(url: str) -> str | None:
    """Only plain http(s) links of a sane length become <a href>; anything else is not linked."""
    url = (url or "").strip()
    if len(url) <= MAX_URL_CHARS and _URL.match(url):
        return url
    return None


def byline(tr: Texts, source: str, published_at: str) -> str:
    """'CNN · 8 Jan 2026': the outlet and the localised date, whichever are known."""
    date = clip(tr.date(published_at.strip()), 40) if (published_at or "").strip() else ""
    return " · ".join(p for p in (clip((source or "").strip(), MAX_SOURCE_CHARS), date) if p)


def html_fill(template: str, **html_values: str) -> str:
    """Escape a translated `template` and put already-escaped HTML into its {placeholders}."""
    out = esc(template)
    for key, value in html_values.items():
        out = out.replace("{" + key + "}", value)
    return out


def join_html(tr: Texts, items_html: Sequence[str]) -> str:
    """'a, b and c' in the language's list style, for items that are already HTML."""
    marks = [f"\x00{i}\x00" for i in range(len(items_html))]
    joined = esc(tr.join(marks))
    for mark, item in zip(marks, items_html):
        joined = joined.replace(mark, item)
    return joined


# --------------------------------------------------------------------------- answers


def render_answer(
    result: AnswerResult, *, limit: int = MESSAGE_LIMIT, max_messages: int = DEFAULT_MAX_MESSAGES
) -> list[OutMessage]:
    """The messages of one answer, in order: never empty, each within `limit`, at most `max_messages`."""
    tr = texts(result.language)
    body, tail = answer_fragments(result, tr, limit=limit, max_chars=max_messages * limit)
    note = tr.gettext("The answer was too long for Telegram and was shortened.")
    shortened = Fragment(f"<i>{esc(note)}</i>", note, PARAGRAPH)
    return pack_bounded(body, tail, max_messages=max_messages, shortened=shortened, limit=limit) or render_text("…")


def answer_fragments(
    result: AnswerResult, tr: Texts, *, limit: int = MESSAGE_LIMIT, max_chars: int = DEFAULT_MAX_MESSAGES * MESSAGE_LIMIT
) -> tuple[list[Fragment], list[Fragment]]:
    """(body, tail): the answer, notice and quotes; then the sources."""
    answer = clip((result.answer or "").strip(), max_chars)
    answer = answer or tr.gettext("I couldn't find an answer to that in the articles.")
    body: list[Fragment] = list(text_fragments(answer, limit=limit))
    if result.notice:
        body += text_fragments(clip(result.notice, MAX_NOTICE_CHARS), wrap=("<i>", "</i>"), limit=limit)
    if result.refused or not result.citations:
        return body, []
    citations = result.citations[:MAX_CITATIONS]
    titled: set[str] = set()
    for c in citations:
        # the article's title heads its first quote; further quotes of it show only [n]
        title = clip(c.title.strip(), MAX_TITLE_CHARS)
        label = f"[{c.n}] {title}" if title and c.article_id not in titled else f"[{c.n}]"
        titled.add(c.article_id)
        body += quote_fragments(clip(c.quote, max_chars), c.highlights, f"<b>{esc(label)}</b>\n", f"{label}\n",
                                limit=limit)
        if c.also_reported_by:
            body.append(also_reported_fragment(c.also_reported_by, tr, limit=limit))
    # TRANSLATORS: the heading above the list of cited articles of an answer
    sources = tr.gettext("Sources")
    tail = [Fragment(f"<b>{esc(sources)}</b>", f"{sources}:", PARAGRAPH)]
    for numbers, c in _source_groups(citations):
        tail.append(source_line(numbers, c.title, c.source, c.published_at, c.url, tr, limit=limit))
    return body, tail


def _highlight_spans(quote: str, highlights: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Valid [start, end) spans inside `quote`, sorted and merged, at most MAX_HIGHLIGHTS."""
    spans = sorted((max(0, int(s)), min(len(quote), int(e))) for s, e in highlights)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged[:MAX_HIGHLIGHTS]


def _with_bold(quote: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> str:
    """quote[start:end] escaped, the parts inside `spans` in <b>; every piece escaped on its own."""
    out: list[str] = []
    pos = start
    for s, e in spans:
        a, b = max(s, start), min(e, end)
        if a >= b:
            continue
        out += [esc(quote[pos:a]), "<b>", esc(quote[a:b]), "</b>"]
        pos = b
    out.append(esc(quote[pos:end]))
    return "".join(out)


def quote_fragments(
    quote: str, highlights: Sequence[tuple[int, int]], head_html: str, head_plain: str, *, limit: int = MESSAGE_LIMIT
) -> list[Fragment]:
    """A quote as consecutive blockquotes under its head; highlighted spans in bold.

    The quote is split like any text, and each piece closes the bold it opened, so a split never
    leaves a tag unbalanced (a highlight across a cut is bold on both sides of it).
    """
    if utf16_len(head_html) > limit // 4:  # absurd label: keep the number only
        number = head_plain.split(" ", 1)[0].strip()
        head_html, head_plain = f"<b>{esc(number)}</b>\n", f"{number}\n"
    spans = _highlight_spans(quote, highlights)
    budget = limit - utf16_len(head_html) - len(_QUOTE_OPEN) - len(_QUOTE_CLOSE) - _BOLD_COST * len(spans)
    pieces = split_to_fit(quote, budget)
    fragments: list[Fragment] = []
    for i, (start, end) in enumerate(piece_spans(quote, pieces)):
        first = i == 0
        fragments.append(Fragment(
            html=f"{head_html if first else ''}{_QUOTE_OPEN}{_with_bold(quote, start, end, spans)}{_QUOTE_CLOSE}",
            plain=f"{head_plain if first else ''}“{quote[start:end]}”",
            sep=PARAGRAPH if first else LINE,
        ))
    if not fragments:
        fragments.append(Fragment(head_html.strip(), head_plain.strip(), PARAGRAPH))
    return fragments


def also_reported_fragment(refs: Sequence[SourceRef], tr: Texts, *, limit: int = MESSAGE_LIMIT) -> Fragment:
    """'Also reported by CNN · 8 Jan 2026, BBC · 9 Jan 2026 and 2 more' (each outlet linked)."""
    shown = refs[:MAX_ALSO_REPORTED]
    labels = [byline(tr, ref.source or clip(ref.title, 60) or "?", ref.published_at) for ref in shown]
    plain_items = list(labels)
    html_items = []
    for ref, label in zip(shown, labels):
        link = safe_url(ref.url)
        html_items.append(f'<a href="{esc_attr(link)}">{esc(label)}</a>' if link else esc(label))
    if len(refs) > len(shown):
        # TRANSLATORS: the last item of "Also reported by CNN · 8 Jan 2026, BBC · 9 Jan 2026 and {n} more" (outlets)
        more = tr.ngettext("{n} more", "{n} more", len(refs) - len(shown))
        plain_items.append(more)
        html_items.append(esc(more))
    # TRANSLATORS: under a quote; {outlets} is a list like "CNN · 8 Jan 2026, BBC · 9 Jan 2026 and 2 more"
    frame = tr.gettext("Also reported by {outlets}")
    html = f"<i>{html_fill(frame, outlets=join_html(tr, html_items))}</i>"
    plain = frame.replace("{outlets}", tr.join(plain_items))
    if utf16_len(html) > limit:  # only with absurd links: drop them
        html = f"<i>{esc(plain)}</i>"
    return Fragment(html, plain, LINE)


def _source_groups(citations: Sequence[Citation]) -> list[tuple[list[int], Citation]]:
    """One entry per cited article (first citation's metadata), with all its marker numbers."""
    groups: dict[str, tuple[list[int], Citation]] = {}
    for c in citations:
        if c.article_id in groups:
            if c.n not in groups[c.article_id][0]:
                groups[c.article_id][0].append(c.n)
        else:
            groups[c.article_id] = ([c.n], c)
    return list(groups.values())


def source_line(
    numbers: Sequence[int], title: str, source: str, published_at: str, url: str, tr: Texts, *,
    limit: int = MESSAGE_LIMIT, max_title: int = MAX_TITLE_CHARS,
) -> Fragment:
    """'[1] Title — CNN · 8 Jan 2026', the title linked to the article."""
    marks = "".join(f"[{n}]" for n in numbers)
    title = clip(title.strip(), max_title) or tr.gettext("(untitled)")
    by = byline(tr, source, published_at)
    link = safe_url(url)
    title_html = f'<a href="{esc_attr(link)}">{esc(title)}</a>' if link else esc(title)
    html_line = f"{esc(marks)} {title_html}".strip() + (f" — {esc(by)}" if by else "")
    plain_line = f"{marks} {title}".strip() + (f" — {by}" if by else "") + (f"\n{link}" if link else "")
    if utf16_len(html_line) > limit:  # cannot happen with the caps above; keep the guard
        html_line = f"{esc(marks)} {esc(title)}"
    return Fragment(html_line, plain_line, LINE)


# --------------------------------------------------------------------------- listings


@dataclass(frozen=True)
class SourcesPage:
    message: OutMessage
    page: int
    pages: int


def render_sources_page(articles: Sequence[ArticleInfo], page: int, tr: Texts, page_size: int = 10) -> SourcesPage:
    """One page of the indexed articles (newest first is the caller's choice of order)."""
    if not articles:
        text = tr.gettext("No articles are indexed yet.")
        return SourcesPage(OutMessage(esc(text), text), 0, 1)
    pages = (len(articles) + page_size - 1) // page_size
    page = min(max(page, 0), pages - 1)
    start = page * page_size
    # TRANSLATORS: the heading of a /sources page, e.g. "Indexed articles 11–20 of 25"
    head = tr.gettext("Indexed articles {first}–{last} of {total}", first=start + 1,
                      last=min(start + page_size, len(articles)), total=len(articles))
    for linked in (True, False):  # ten capped lines fit one message; with absurd URLs, without the links
        frags = [Fragment(f"<b>{esc(head)}</b>", head, PARAGRAPH)]
        for i, art in enumerate(articles[start : start + page_size], start=start + 1):
            line = source_line([], art.title, art.source, art.published_at, art.url if linked else "", tr,
                               max_title=LISTING_TITLE_CHARS)
            frags.append(Fragment(f"{i}. {line.html}", f"{i}. {line.plain}", LINE))
        messages = pack(frags)
        if len(messages) == 1:
            break
    return SourcesPage(messages[0], page, pages)


# --------------------------------------------------------------------------- follow alerts

#: an alert quotes at most this much of the article (it is a pointer to the story, not the story)
MAX_ALERT_QUOTE_CHARS = 1000
MAX_ALERT_TOPIC_CHARS = 100


def render_alert(topic: str, citation: Citation, tr: Texts, *, limit: int = MESSAGE_LIMIT) -> list[OutMessage]:
    """A follow alert: the followed topic, the headline (linked) with outlet and date, the best quote.

    One message (the quote is capped), in the follower's language `tr`; everything escaped."""
    # TRANSLATORS: the first line of a follow alert; {topic} is what the reader follows (/follow)
    heading = tr.gettext("New on “{topic}”", topic=clip(" ".join(topic.split()), MAX_ALERT_TOPIC_CHARS))
    frags = [Fragment(f"<b>🔔 {esc(heading)}</b>", f"🔔 {heading}", PARAGRAPH),
             source_line([], citation.title, citation.source, citation.published_at, citation.url, tr, limit=limit)]
    quote = clip(citation.quote.strip(), MAX_ALERT_QUOTE_CHARS)
    if quote:
        frags += quote_fragments(quote, citation.highlights, "", "", limit=limit)
    # TRANSLATORS: the last line of a follow alert; keep "/following" and "/unfollow" as they are
    footer = tr.gettext("/following lists your topics, /unfollow stops one.")
    frags.append(Fragment(f"<i>{esc(footer)}</i>", footer, PARAGRAPH))
    return pack(frags)


def render_lines(lines: Sequence[str], *, bold_first: bool = False) -> list[OutMessage]:
    """Messages of escaped lines (help, stats, reports); the first line optionally bold."""
    frags: list[Fragment] = []
    for i, line in enumerate(lines):
        wrap = ("<b>", "</b>") if bold_first and i == 0 else ("", "")
        if not line.strip():
            continue
        frags += text_fragments(line, wrap=wrap, sep=PARAGRAPH if i and not lines[i - 1].strip() else LINE)
    return pack(frags) or [OutMessage("…", "…")]
