"""Reading one file's bytes within the size limit and decoding them to clean text."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from index.loaders.source import LoadError
from index.textclean import clean_text

MAX_FILE_BYTES_SETTING = "MAX_FILE_BYTES"

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def read_text(path: Path, max_bytes: int, *, declared_charset: bool = False) -> str:
    """The file's text, cleaned (see `clean_text`); raises LoadError for unusable files.

    With `declared_charset` (HTML), a file that is not UTF-8 may name its charset in a <meta> tag.
    """
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise LoadError("the file is empty; add the article text or delete the file")
    if b"\x00" in data:
        raise LoadError(
            "looks like a binary file (it contains NUL bytes); only text articles are "
            "supported: save it as UTF-8 text (.txt, .md, .html, .json, .jsonl)"
        )
    text = clean_text(_decode(data, declared_charset))
    if not text.strip():
        raise LoadError("the file holds only invisible characters; add the article text or delete the file")
    return text


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise LoadError("not a regular file; only plain files can be loaded")
        _check_size(info.st_size, max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError(f"cannot read the file ({exc.strerror}); check that it exists and is readable") from exc
    _check_size(len(data), max_bytes)
    return data


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise LoadError(
            f"the file is {size:,} bytes, over the limit of {max_bytes:,} bytes "
            f"({MAX_FILE_BYTES_SETTING}); split it into smaller files or raise {MAX_FILE_BYTES_SETTING}"
        )


def _decode(data: bytes, declared_charset: bool) -> str:
    """Decode UTF-8; HTML files may instead declare their charset in a <meta> tag."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        declared = _decode_with_declared_charset(data) if declared_charset else None
        if declared is not None:
            return declared
        line = data.count(b"\n", 0, exc.start) + 1
        raise LoadError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start} (line {line}); "
            "re-save the file as UTF-8"
        ) from exc


def _decode_with_declared_charset(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return data.decode(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
