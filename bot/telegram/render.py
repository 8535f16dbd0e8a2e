"""Turn answers and listings into Telegram messages.

Every dynamic string (questions, answers, titles, quotes, URLs) is escaped with
`html.escape` here; nothing else in the bot builds HTML. Each message is an
`OutMessage` holding the HTML text and the same content as plain text, so a part
that Telegram rejects ("can't parse entities") can be re-sent without markup.

Splitting: Telegram accepts at most 4096 characters per message, counted in
UTF-16 code units. Content is cut into *fragments* on paragraph, line, sentence
and word boundaries (characters only as a last resort, never between a
surrogate pair or before a combining mark); each fragment is escaped and
wrapped on its own, so a cut never falls inside a tag or an entity. Fragments
are then packed greedily into messages; empty messages are never produced.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.answer.result import AnswerResult, Citation
from index.models import ArticleInfo

MESSAGE_LIMIT = 4096
PARAGRAPH = "\n\n"
LINE = "\n"

_SPLIT_LEVELS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(\n[ \t]*\n\s*)"),  # paragraphs
    re.compile(r"(\n)"),  # lines
    re.compile(r"((?<=[.!?…。！？;:])\s+)"),  # sentences
    re.compile(r"(\s+)"),  # words
)
_NO_CUT_BEFORE = {"\u200d", "\u200c", "\u20e3"}  # joiners, keycap


@dataclass(frozen=True)
class OutMessage:
    """One Telegram message: HTML (parse_mode=HTML) and its plain-text twin."""

    html: str
    plain: str


@dataclass(frozen=True)
class Fragment:
    html: str
    plain: str
    sep: str = PARAGRAPH  # separator placed before it when it is not first in a message


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (astral characters count 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def esc(text: str) -> str:
    """Escape text content for Telegram HTML."""
    return html.escape(text, quote=False)


def esc_attr(text: str) -> str:
    return html.escape(text, quote=True)


def _identity(text: str) -> str:
    return text


# --------------------------------------------------------------------------- splitting


def split_to_fit(text: str, budget: int, escape: Callable[[str], str] = esc) -> list[str]:
    """Cut `text` into stripped, non-empty pieces whose escaped UTF-16 length is <= budget."""
    if budget < 2:
        raise ValueError("budget too small")
    return [p for p in (piece.strip() for piece in _split(text, budget, escape, 0)) if p]


def _fits(text: str, budget: int, escape: Callable[[str], str]) -> bool:
    return utf16_len(escape(text.strip())) <= budget


def _split(text: str, budget: int, escape: Callable[[str], str], level: int) -> list[str]:
    text = text.strip()
    if not text:
        return []
    if _fits(text, budget, escape):
        return [text]
    if level >= len(_SPLIT_LEVELS):
        return _hard_split(text, budget, escape)
    parts = _SPLIT_LEVELS[level].split(text)  # [unit, sep, unit, sep, ..., unit]
    if len(parts) == 1:
        return _split(text, budget, escape, level + 1)
    pieces: list[str] = []
    current = ""
    for i in range(0, len(parts), 2):
        unit = parts[i]
        if not unit.strip():
            continue
        sep = parts[i - 1] if i > 0 else ""
        candidate = f"{current}{sep}{unit}" if current else unit
        if _fits(candidate, budget, escape):
            current = candidate
            continue
        if current:
            pieces.append(current)
            current = ""
        if _fits(unit, budget, escape):
            current = unit
        else:
            pieces.extend(_split(unit, budget, escape, level + 1))
    if current:
        pieces.append(current)
    return pieces


def _hard_split(text: str, budget: int, escape: Callable[[str], str]) -> list[str]:
    """Last resort for one huge 'word': cut between code points, keeping clusters whole."""
    pieces: list[str] = []
    start = 0
    used = 0
    i = 0
    while i < len(text):
        cost = utf16_len(escape(text[i]))
        if used + cost > budget and i > start:
            cut = i
            # do not separate a base character from its combining marks / joiners
            while cut > start + 1 and (_clings(text[cut]) or text[cut - 1] in _NO_CUT_BEFORE):
                cut -= 1
            pieces.append(text[start:cut])
            start = cut
            used = sum(utf16_len(escape(c)) for c in text[start:i])
            continue
        used += cost
        i += 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _clings(ch: str) -> bool:
    return (
        unicodedata.combining(ch) != 0
        or ch in _NO_CUT_BEFORE
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin tones
    )


def text_fragments(
    text: str,
    *,
    wrap: tuple[str, str] = ("", ""),
    plain_wrap: tuple[str, str] = ("", ""),
    head_html: str = "",
    head_plain: str = "",
    sep: str = PARAGRAPH,
    limit: int = MESSAGE_LIMIT,
) -> list[Fragment]:
    """Fragments of `text`, each `head + wrap[0] + escaped piece + wrap[1]` within `limit`.

    The head (already HTML) goes on the first fragment only; later fragments follow with
    a line break so a long quote continues as consecutive blockquotes.
    """
    budget = limit - utf16_len(head_html) - utf16_len(wrap[0]) - utf16_len(wrap[1])
    fragments: list[Fragment] = []
    for i, piece in enumerate(split_to_fit(text, budget)):
        first = i == 0
        fragments.append(
            Fragment(
                html=f"{head_html if first else ''}{wrap[0]}{esc(piece)}{wrap[1]}",
                plain=f"{head_plain if first else ''}{plain_wrap[0]}{piece}{plain_wrap[1]}",
                sep=sep if first else LINE,
            )
        )
    if not fragments and head_html:
        fragments.append(Fragment(head_html, head_plain, sep))
    return fragments


def pack(fragments: Sequence[Fragment], limit: int = MESSAGE_LIMIT) -> list[OutMessage]:
    """Greedily join fragments into messages of at most `limit` UTF-16 units (HTML side)."""
    messages: list[OutMessage] = []
    html_parts: list[str] = []
    plain_parts: list[str] = []
    size = 0
    for frag in fragments:
        if not frag.html.strip():
            continue
        frag_len = utf16_len(frag.html)
        if frag_len > limit:  # callers build fragments within limit; guard anyway
            raise ValueError("fragment longer than a message")
        add = frag_len + (utf16_len(frag.sep) if html_parts else 0)
        if html_parts and size + add > limit:
            messages.append(OutMessage("".join(html_parts).strip(), "".join(plain_parts).strip()))
            html_parts, plain_parts, size = [], [], 0
            add = frag_len
        if html_parts:
            html_parts.append(frag.sep)
            plain_parts.append(frag.sep)
        html_parts.append(frag.html)
        plain_parts.append(frag.plain)
        size += add
    if html_parts:
        messages.append(OutMessage("".join(html_parts).strip(), "".join(plain_parts).strip()))
    return [m for m in messages if m.html and m.plain]


def render_text(text: str, *, limit: int = MESSAGE_LIMIT) -> list[OutMessage]:
    """A plain dynamic text (escaped), split like an answer."""
    return pack(text_fragments(text or "…", limit=limit), limit) or [OutMessage("…", "…")]


# --------------------------------------------------------------------------- answers


def short_date(value: str) -> str:
    """'2025-04-16T10:00:00Z' → '2025-04-16'; anything else unchanged."""
    value = (value or "").strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return value


def safe_url(url: str) -> str | None:
    """Only http(s) links become <a href>; anything else is shown as text or dropped."""
    url = (url or "").strip()
    if re.match(r"^https?://[^\s<>\"]+$", url, flags=re.IGNORECASE):
        return url
    return None


def _byline(source: str, published_at: str) -> str:
    return ", ".join(p for p in (source.strip(), short_date(published_at)) if p)


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


def answer_fragments(result: AnswerResult, *, limit: int = MESSAGE_LIMIT) -> list[Fragment]:
    answer = (result.answer or "").strip() or "I couldn't find an answer to that in the articles."
    frags: list[Fragment] = list(text_fragments(answer, limit=limit))
    if result.notice:
        frags += text_fragments(result.notice, wrap=("<i>", "</i>"), limit=limit)
    if result.refused or not result.citations:
        return frags
    titled: set[str] = set()
    for c in result.citations:
        # the article's title heads its first quote; further quotes of it show only [n]
        show_title = c.title.strip() and c.article_id not in titled
        titled.add(c.article_id)
        label = f"[{c.n}] {c.title.strip()}" if show_title else f"[{c.n}]"
        head_html = f"<b>{esc(label)}</b>\n"
        head_plain = f"{label}\n"
        if utf16_len(head_html) > limit // 4:  # absurdly long title
            head_html, head_plain = f"<b>[{c.n}]</b>\n", f"[{c.n}]\n"
        frags += text_fragments(
            c.quote,
            wrap=("<blockquote expandable>", "</blockquote>"),
            plain_wrap=("“", "”"),
            head_html=head_html,
            head_plain=head_plain,
            limit=limit,
        )
    frags.append(Fragment("<b>Sources</b>", "Sources:", PARAGRAPH))
    for numbers, c in _source_groups(result.citations):
        frags += source_line(numbers, c.title, c.source, c.published_at, c.url, limit=limit)
    return frags


def source_line(
    numbers: Sequence[int], title: str, source: str, published_at: str, url: str, *, limit: int = MESSAGE_LIMIT
) -> list[Fragment]:
    marks = "".join(f"[{n}]" for n in numbers)
    title = title.strip() or "(untitled)"
    if len(title) > 300:
        title = title[:299].rstrip() + "…"
    byline = _byline(source, published_at)
    link = safe_url(url)
    title_html = f'<a href="{esc_attr(link)}">{esc(title)}</a>' if link else esc(title)
    html_line = f"{esc(marks)} {title_html}" + (f" — {esc(byline)}" if byline else "")
    plain_line = f"{marks} {title}" + (f" — {byline}" if byline else "") + (f"\n{link}" if link else "")
    if utf16_len(html_line) > limit:  # only with a monstrous URL: drop the link
        html_line = f"{esc(marks)} {esc(title)}"
    return [Fragment(html_line, plain_line, LINE)]


def render_answer(result: AnswerResult, *, limit: int = MESSAGE_LIMIT) -> list[OutMessage]:
    """The messages of one answer, in order; never empty, each within `limit`."""
    return pack(answer_fragments(result, limit=limit), limit) or render_text("…")


# --------------------------------------------------------------------------- listings


@dataclass(frozen=True)
class SourcesPage:
    message: OutMessage
    page: int
    pages: int


def render_sources_page(articles: Sequence[ArticleInfo], page: int, page_size: int = 10) -> SourcesPage:
    """One page of the indexed articles (newest first is the caller's choice of order)."""
    if not articles:
        text = "No articles are indexed yet."
        return SourcesPage(OutMessage(esc(text), text), 0, 1)
    pages = (len(articles) + page_size - 1) // page_size
    page = min(max(page, 0), pages - 1)
    start = page * page_size
    head = f"Indexed articles {start + 1}–{min(start + page_size, len(articles))} of {len(articles)}"
    frags = [Fragment(f"<b>{esc(head)}</b>", head, PARAGRAPH)]
    for i, art in enumerate(articles[start : start + page_size], start=start + 1):
        line = source_line([], art.title, art.source, art.published_at, art.url)[0]
        frags.append(Fragment(f"{i}.{line.html}", f"{i}.{line.plain}", LINE))
    messages = pack(frags)
    # a page is one message: ten lines of at most ~700 units each always fit, keep the first anyway
    return SourcesPage(messages[0], page, pages)


def render_lines(lines: Sequence[str], *, bold_first: bool = False) -> list[OutMessage]:
    """Messages of escaped lines (help, stats, reports); the first line optionally bold."""
    frags: list[Fragment] = []
    for i, line in enumerate(lines):
        wrap = ("<b>", "</b>") if bold_first and i == 0 else ("", "")
        if not line.strip():
            continue
        frags += text_fragments(line, wrap=wrap, sep=PARAGRAPH if i and not lines[i - 1].strip() else LINE)
    return pack(frags) or [OutMessage("…", "…")]
