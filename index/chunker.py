"""Sentence-aware chunking with exact character offsets.

llama-index's `SentenceSplitter` decides where chunks start and end (a few
hundred tokens, overlapping, on paragraph and sentence boundaries); this module
locates every chunk in the article body so that `chunk.text == body[start:end]`
holds exactly, and precomputes each chunk's sentence spans for answer time.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Iterator

from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.utils import globals_helper

from index.models import Article, Chunk

_WS = re.compile(r"\s+")
_WORDS = re.compile(r"[^\W\d_]{2,}")
#: pieces with fewer words are merged into a neighbouring sentence
MIN_SENTENCE_WORDS = 2
_LIST_MARKER = re.compile(r"^\(?(?:\d{1,3}|[a-z])[.)]$|^[•*\-–]$")
_PARAGRAPH = re.compile(r"\n\s*\n")


class Chunker:
    def __init__(self, chunk_size: int = 256, chunk_overlap: int = 32) -> None:
        if chunk_overlap >= chunk_size:
            raise ValueError(f"CHUNK_OVERLAP ({chunk_overlap}) must be smaller than CHUNK_SIZE ({chunk_size}).")
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self._splitter = SentenceSplitter(
            chunk_size=chunk_size, chunk_overlap=chunk_overlap, paragraph_separator="\n\n"
        )

    def chunk(self, article: Article) -> list[Chunk]:
        body = article.body
        article_hash = article.content_hash  # once: hashing the body per chunk is quadratic
        sentences = sentence_spans(body)
        starts = [s for s, _ in sentences]
        chunks: list[Chunk] = []
        prev_start, prev_end = -1, 0
        for piece in self._splitter.split_text(body):
            span = _locate(body, piece, prev_start, prev_end)
            if span is None:
                continue
            start, end = span
            prev_start, prev_end = start, end
            inside = _sentences_within(sentences, starts, start, end)
            text = body[start:end]
            chunks.append(
                Chunk(
                    id=chunk_id(article.id, article_hash, len(chunks), text),
                    article_id=article.id,
                    index=len(chunks),
                    text=text,
                    start=start,
                    end=end,
                    sentences=tuple((s - start, e - start) for s, e in inside),
                )
            )
        return chunks


def chunk_id(article_id: str, article_hash: str, index: int, text: str) -> str:
    """Stable for an unchanged article; different whenever the article (its content hash) changes."""
    digest = hashlib.sha256(f"{article_id}\x1f{article_hash}\x1f{index}\x1f{text}".encode()).hexdigest()
    return f"{digest[:32]}"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`: paragraphs split by blank lines, then Punkt sentences; whitespace trimmed.

    A piece with fewer than MIN_SENTENCE_WORDS words ("1455–1536).", ":133–134:38-1–38-11" after a
    citation, "Photo:") is not a sentence of its own but part of its neighbour in the same line: embedded
    alone, such fragments are close to every question in the vector space (hubs).
    """
    spans: list[tuple[int, int]] = []
    tokenizer = globals_helper.punkt_tokenizer
    para_start = 0
    for match in list(_PARAGRAPH.finditer(text)) + [None]:
        para_end = match.start() if match else len(text)
        paragraph = text[para_start:para_end]
        for line_start, line in _lines(paragraph):
            pieces = [_trim(line, s, e) for s, e in tokenizer.span_tokenize(line)]
            for s, e in _merge_fragments(line, [(s, e) for s, e in pieces if e > s]):
                spans.append((para_start + line_start + s, para_start + line_start + e))
        if match:
            para_start = match.end()
    return spans


def _merge_fragments(line: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join pieces with too few words to the previous piece; list markers ("2.") and a line's first
    piece join the next one."""
    merged: list[tuple[int, int]] = []
    pending: int | None = None  # start of a fragment waiting for the next piece
    for s, e in pieces:
        if pending is not None:
            s, pending = pending, None
        elif len(_WORDS.findall(line[s:e])) < MIN_SENTENCE_WORDS:
            if merged and not _LIST_MARKER.match(line[s:e]):
                merged[-1] = (merged[-1][0], e)
            else:
                pending = s
            continue
        merged.append((s, e))
    if pending is not None:
        if merged:
            merged[-1] = (merged[-1][0], pieces[-1][1])
        else:
            merged.append((pending, pieces[-1][1]))
    return merged


def _lines(paragraph: str) -> list[tuple[int, str]]:
    """Single line breaks inside a paragraph end a sentence only after a title-like line (no punctuation)."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in paragraph.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    merged: list[tuple[int, str]] = []
    for start, line in out:
        if merged and merged[-1][1].rstrip() and merged[-1][1].rstrip()[-1] not in ".!?:;\"”»)" and line.strip() \
                and not line.lstrip()[:1].isupper() and not line.lstrip().startswith(("-", "*", "•")):
            prev_start, prev = merged[-1]
            merged[-1] = (prev_start, paragraph[prev_start : start + len(line)])
        else:
            merged.append((start, line))
    return merged


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentences_within(
    sentences: list[tuple[int, int]], starts: list[int], start: int, end: int
) -> list[tuple[int, int]]:
    """Sentence spans clipped to [start, end)."""
    i = max(bisect_left(starts, start) - 1, 0)
    out = []
    while i < len(sentences) and sentences[i][0] < end:
        s, e = max(sentences[i][0], start), min(sentences[i][1], end)
        if e > s:
            out.append((s, e))
        i += 1
    return out


def _locate(body: str, piece: str, prev_start: int, prev_end: int) -> tuple[int, int] | None:
    """Find `piece` in `body` after the previous chunk [prev_start, prev_end); tolerate whitespace the splitter changed.

    Text that repeats itself (a repeated paragraph, a run of identical lines) holds the
    piece several times after `prev_start`. The next chunk overlaps the previous one or
    follows it after whitespace, so take the last occurrence that starts no later than
    that (the smallest overlap, no text skipped); the earliest would lag behind and
    drop the tail of the article.
    """
    piece = piece.strip()
    if not piece:
        return None
    reach = prev_end
    while reach < len(body) and body[reach].isspace():
        reach += 1
    best = None
    for span in _occurrences(body, piece, prev_start + 1):
        if best is not None and span[0] > reach:
            break
        best = span
    return best or next(_occurrences(body, piece, 0), None)


def _occurrences(body: str, piece: str, pos: int) -> Iterator[tuple[int, int]]:
    """Spans of `piece` in `body` from `pos` on: exact matches, else whitespace-tolerant ones."""
    found = body.find(piece, pos)
    if found >= 0:
        while found >= 0:
            yield found, found + len(piece)
            found = body.find(piece, found + 1)
        return
    pattern = re.compile(r"\s+".join(re.escape(tok) for tok in _WS.split(piece) if tok))
    match = pattern.search(body, pos)
    while match:
        yield match.start(), match.end()
        match = pattern.search(body, match.start() + 1)
