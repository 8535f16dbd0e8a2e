"""Saving documents that admins send into the corpus folder, safely.

- Only `.txt`, `.md`, `.html` and `.json` files are accepted, up to `upload_max_bytes`.
- The file name is reduced to a plain base name of letters, digits, `.`, `-` and `_`
  (no directories, no leading dot, at most 100 characters) so it can't escape the corpus.
- A file with the same name is replaced (that is how an admin updates an article; the
  index run then reports it as updated). Writes are atomic (temporary file + rename).
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

ALLOWED_EXTENSIONS = (".txt", ".md", ".html", ".json")
MAX_NAME_CHARS = 100


class UploadRejected(ValueError):
    """The document can't be accepted; str() is the message for the admin."""


def check_upload(file_name: str | None, size: int | None, max_bytes: int) -> None:
    ext = _extension(file_name or "")
    if ext not in ALLOWED_EXTENSIONS:
        raise UploadRejected(
            f"I can only add {', '.join(ALLOWED_EXTENSIONS)} files; this one is {ext or 'without an extension'}."
        )
    if size is not None and size > max_bytes:
        raise UploadRejected(f"That file is {_kb(size)}; the limit is {_kb(max_bytes)}.")


def safe_filename(file_name: str) -> str:
    """A harmless base name with an allowed, lower-case extension."""
    base = PureWindowsPath(PurePosixPath(file_name or "").name).name  # strip any directories
    ext = _extension(base)
    if ext not in ALLOWED_EXTENSIONS:
        raise UploadRejected(f"I can only add {', '.join(ALLOWED_EXTENSIONS)} files.")
    stem = base[: -len(ext)]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(".-_")
    if not stem:
        stem = "upload"
    stem = stem[: MAX_NAME_CHARS - len(ext)].rstrip(".-_") or "upload"
    return f"{stem}{ext}"


def save_upload(corpus_dir: Path, file_name: str, data: bytes, max_bytes: int) -> tuple[Path, bool]:
    """Write `data` to corpus_dir/<safe name>; returns (path, replaced_existing)."""
    if len(data) > max_bytes:
        raise UploadRejected(f"That file is {_kb(len(data))}; the limit is {_kb(max_bytes)}.")
    if not data.strip():
        raise UploadRejected("That file is empty.")
    name = safe_filename(file_name)
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    target = (corpus_dir / name).resolve()
    if target.parent != corpus_dir.resolve():  # paranoia: the name has no separators
        raise UploadRejected("That file name is not allowed.")
    replaced = target.exists()
    fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=corpus_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target, replaced


def _extension(name: str) -> str:
    return Path(name).suffix.lower()


def _kb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} kB"
