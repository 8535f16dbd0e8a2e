"""Telegram messages out of text: escaping, splitting under the size limit, packing.

Telegram accepts at most 4096 characters per message, counted in UTF-16 code units. Content is
cut into *fragments* on paragraph, line, sentence and word boundaries (characters only as a last
resort, never between a surrogate pair or before a combining mark); each fragment is escaped and
wrapped on its own, so a cut never falls inside a tag or an entity. Fragments are then packed
greedily into messages; empty messages are never produced. Each message is an `OutMessage`
holding the HTML text and the same content as plain text, so a part that Telegram rejects
("can't parse entities") can be re-sent without markup.

Every function here is CPU work proportional to its input: callers cap what they pass (`clip`)
and run it off the event loop (`NewsContext.render`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters (an ellipsis marks the cut): caps untrusted fields."""
    text = text or ""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def esc(text: str) -> str:
    """Escape text content for Telegram HTML."""
    return html.escape(text, quote=False)


def esc_attr(text: str) -> str:
    return html.escape(text, quote=True)


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


def piece_spans(text: str, pieces: Sequence[str]) -> list[tuple[int, int]]:
    """[start, end) of each piece of `split_to_fit(text, …)` in `text` (pieces are ordered substrings)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        start = text.find(piece, pos)
        if start < 0:  # cannot happen for split_to_fit's pieces; keep going rather than fail a reply
            start = pos
        spans.append((start, start + len(piece)))
        pos = start + len(piece)
    return spans


def pack_bounded(
    body: Sequence[Fragment],
    tail: Sequence[Fragment],
    *,
    max_messages: int,
    shortened: Fragment,
    limit: int = MESSAGE_LIMIT,
) -> list[OutMessage]:
    """`pack(body + tail)`, at most `max_messages` messages.

    When that is too many, the longest beginning of `body` that fits is kept, followed by
    `shortened` (a note saying so) and the whole `tail` (e.g. the sources); a tail that alone is
    too long is cut as a last resort.
    """
    messages = pack([*body, *tail], limit)
    if len(messages) <= max_messages:
        return messages
    lo, hi = 0, len(body)  # the number of body fragments kept: the message count grows with it
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(pack([*body[:mid], shortened, *tail], limit)) <= max_messages:
            lo = mid
        else:
            hi = mid - 1
    return pack([*body[:lo], shortened, *tail], limit)[:max_messages]
