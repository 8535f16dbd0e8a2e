"""Metadata values shared by the formats: dates, single-line text, titles."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from dateutil import parser as date_parser

from index.models import Article
from index.textclean import clean_text

log = logging.getLogger(__name__)

#: the longest value kept for each metadata field (characters); longer ones end in "…".
#: Titles and sources are shown with every cited quote and in /sources: they must stay short.
FIELD_LIMITS: dict[str, int] = {"title": 300, "source": 200, "author": 200, "category": 200, "url": 2000}


def cap(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def capped(article: Article) -> Article:
    """The article with every metadata field within `FIELD_LIMITS` (never a failure)."""
    changes = {name: cap(getattr(article, name), limit) for name, limit in FIELD_LIMITS.items()
               if len(getattr(article, name)) > limit}
    return dataclasses.replace(article, **changes) if changes else article


def humanise_stem(path: Path) -> str:
    """`putin-hosts_ex-hostages.txt` -> `Putin hosts ex hostages`.

    File names are cleaned like text (`clean_text`): no terminal escapes, no bidi overrides.
    """
    words = re.sub(r"[-_\s]+", " ", clean_text(path.stem)).strip()
    return words[:1].upper() + words[1:] if words else clean_text(path.name)


def normalise_date(value: object) -> str:
    """ISO 8601 for a date-like value: `YYYY-MM-DD`, or a full datetime when it has a time.

    Unparseable or year-less values give "" (the article still loads).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    parsed = _parse_date_text(text)
    if parsed is None:
        log.info("unparseable date %r; leaving it empty", text)
    return parsed or ""


# Two defaults differing in every field tell which fields the text actually gave.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1, 1)


def _parse_date_text(text: str) -> str | None:
    try:
        first = date_parser.parse(text, default=_DEFAULT_A)
        second = date_parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        return None
    if first.year != second.year:
        return None
    if first.hour != second.hour:  # no time of day in the text
        return first.date().isoformat()
    return first.replace(microsecond=0).isoformat()


def metadata_text(value: object) -> str:
    """A front-matter/record value as clean single-line text.

    A list gives its scalar items joined by ", "; nested lists and mappings are ignored.
    """
    if isinstance(value, (list, tuple)):
        return ", ".join(text for text in map(_scalar_text, value) if text)
    return _scalar_text(value)


def _scalar_text(value: object) -> str:
    if value is None or isinstance(value, (list, tuple, dict, set)):
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return " ".join(clean_text(str(value)).split())


def first_value(record: Mapping[str, object], *keys: str) -> object:
    for key in keys:
        value = record.get(key)
        if value is not None and value != "":
            return value
    return None


def title_from_body(body: str, limit: int = 100) -> str:
    return cap(body.strip().split("\n", 1)[0].strip(), limit)


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
