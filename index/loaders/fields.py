"""Metadata values shared by the formats: dates, single-line text, titles."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from dateutil import parser as date_parser

from index.textclean import clean_text

log = logging.getLogger(__name__)


def humanise_stem(path: Path) -> str:
    """`putin-hosts_ex-hostages.txt` -> `Putin hosts ex hostages`."""
    words = re.sub(r"[-_\s]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


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
    """A front-matter/record value as clean single-line text."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(metadata_text(item) for item in value if item is not None)
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
    first_line = body.strip().split("\n", 1)[0].strip()
    return first_line if len(first_line) <= limit else first_line[: limit - 1].rstrip() + "…"


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
