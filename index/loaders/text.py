"""`.txt`: a pasted article — title line, the title repeated, a photo credit, paragraphs, `Source: X`."""

from __future__ import annotations

import re

from index.loaders.fields import same_text
from index.loaders.source import LoadError, LoadResult, SourceFile
from index.models import Article

_SOURCE_LINE = re.compile(r"\A\s*source\s*:\s*(?P<source>\S.*?)\s*\Z", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CREDIT_WORDS = re.compile(
    r"\b(?:photo(?:graph)?s?|image|picture|credit|courtesy|file|pool|afp|reuters|getty|ap|epa|shutterstock|istock)\b",
    re.IGNORECASE,
)
_SENTENCE_END = ".!?:;\"'”’»"


def load_txt(src: SourceFile) -> LoadResult:
    """Plain text: title line, optional repeated title and photo credit, body, `Source:` line.

    A file of a single line has no title of its own: the file name is the title.
    """
    source, text = _pop_source_line(src.text.strip())
    title, after_title = _pop_first_line(text)
    if not after_title.strip() and title and not source:
        return [Article(id=src.id, title=src.stem_title, body=title, path=src.rel)]
    body = _drop_photo_credit(_drop_repeated_title(after_title, title)).strip()
    if not body:
        raise LoadError("has no body text (only a title or a Source line); add the article text below the title")
    return [Article(id=src.id, title=title or src.stem_title, body=body, source=source, path=src.rel)]


def _pop_source_line(text: str) -> tuple[str, str]:
    """Split a closing `Source: X` line off the text: (X, rest) or ("", text)."""
    head, _, last = text.rpartition("\n")
    match = _SOURCE_LINE.match(last)
    if not match:
        return "", text
    return match["source"], head.rstrip()


def _pop_first_line(text: str) -> tuple[str, str]:
    first, _, rest = text.lstrip().partition("\n")
    return first.strip(), rest


def _first_block(text: str) -> tuple[str, str]:
    """(first paragraph, the rest) of text whose paragraphs are separated by blank lines."""
    parts = _BLANK_LINE.split(text.strip(), maxsplit=1)
    return parts[0].strip(), (parts[1] if len(parts) > 1 else "")


def _drop_repeated_title(text: str, title: str) -> str:
    block, rest = _first_block(text)
    return rest if block and same_text(block, title) else text


def _drop_photo_credit(text: str) -> str:
    block, rest = _first_block(text)
    return rest if rest.strip() and looks_like_credit(block) else text


def looks_like_credit(line: str) -> bool:
    """A short line without final punctuation that names a photographer or agency."""
    line = line.strip()
    if not line or "\n" in line or len(line) > 100 or len(line.split()) > 12:
        return False
    if line[-1] in _SENTENCE_END:
        return False
    return "/" in line or bool(_CREDIT_WORDS.search(line))
