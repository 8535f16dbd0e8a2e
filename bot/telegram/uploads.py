"""Saving documents that admins send into the corpus folder, safely, and taking them back.

- Only `.txt`, `.md`, `.html` and `.json` files are accepted, up to `upload_max_bytes`.
- The file name is reduced to a plain base name of letters, digits, `.`, `-` and `_`
  (no directories, no leading dot, at most 100 characters) so it can't escape the corpus.
- A file with the same name is replaced (that is how an admin updates an article; the
  index run then reports it as updated). Writes are atomic (temporary file + rename).
- An upload is provisional until it is indexed: `SavedUpload.rollback()` removes a file that
  failed to index and puts back the file it replaced (kept aside as a hidden `.upload-previous-…`
  file, which the loader skips), so a bad upload never stays in the corpus and nothing is lost;
  `commit()` drops the kept copy.

Messages for the admin are in their language (`tr`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from bot.i18n import Texts

log = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".txt", ".md", ".html", ".json")
MAX_NAME_CHARS = 100
PREVIOUS_PREFIX = ".upload-previous-"
_ALLOWED = ", ".join(ALLOWED_EXTENSIONS)


class UploadRejected(ValueError):
    """The document can't be accepted; str() is the message for the admin."""


@dataclass(frozen=True)
class SavedUpload:
    path: Path
    previous: Path | None = None  # the replaced file's content, kept aside until commit/rollback

    @property
    def replaced(self) -> bool:
        return self.previous is not None

    def commit(self) -> None:
        """The upload was indexed: forget the replaced version."""
        if self.previous is not None:
            self.previous.unlink(missing_ok=True)

    def rollback(self) -> None:
        """The upload failed to index: remove it and restore the file it replaced, if any."""
        if self.previous is not None and self.previous.exists():
            os.replace(self.previous, self.path)
            log.info("Restored the previous %s after a failed upload", self.path.name)
        else:
            self.path.unlink(missing_ok=True)
            log.info("Removed the upload %s: it could not be indexed", self.path.name)


def check_upload(file_name: str | None, size: int | None, max_bytes: int, tr: Texts) -> None:
    ext = _extension(file_name or "")
    if ext not in ALLOWED_EXTENSIONS:
        if ext:
            raise UploadRejected(tr.gettext("I can only add {extensions} files; this one is {ext}.",
                                            extensions=_ALLOWED, ext=ext[:20]))
        raise UploadRejected(tr.gettext("I can only add {extensions} files; this one has no extension.",
                                        extensions=_ALLOWED))
    if size is not None and size > max_bytes:
        raise UploadRejected(_too_big(tr, size, max_bytes))


def safe_filename(file_name: str, tr: Texts) -> str:
    """A harmless base name with an allowed, lower-case extension."""
    base = PureWindowsPath(PurePosixPath(file_name or "").name).name  # strip any directories
    ext = _extension(base)
    if ext not in ALLOWED_EXTENSIONS:
        raise UploadRejected(tr.gettext("I can only add {extensions} files.", extensions=_ALLOWED))
    stem = base[: -len(ext)]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(".-_")
    if not stem:
        stem = "upload"
    stem = stem[: MAX_NAME_CHARS - len(ext)].rstrip(".-_") or "upload"
    return f"{stem}{ext}"


def save_upload(corpus_dir: Path, file_name: str, data: bytes, max_bytes: int, tr: Texts) -> SavedUpload:
    """Write `data` to corpus_dir/<safe name>, keeping a file it replaces aside until commit/rollback."""
    if len(data) > max_bytes:
        raise UploadRejected(_too_big(tr, len(data), max_bytes))
    if not data.strip():
        raise UploadRejected(tr.gettext("That file is empty."))
    name = safe_filename(file_name, tr)
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    target = (corpus_dir / name).resolve()
    if target.parent != corpus_dir.resolve():  # paranoia: the name has no separators
        raise UploadRejected(tr.gettext("That file name is not allowed."))
    previous = None
    if target.exists():
        previous = target.with_name(PREVIOUS_PREFIX + name)
        previous.unlink(missing_ok=True)
        try:
            os.link(target, previous)  # the old content stays reachable; the target is never missing
        except OSError:
            shutil.copy2(target, previous)
    fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=corpus_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        if previous is not None:
            previous.unlink(missing_ok=True)
        raise
    return SavedUpload(target, previous)


def _extension(name: str) -> str:
    return Path(name).suffix.lower()


def _too_big(tr: Texts, size: int, limit: int) -> str:
    return tr.gettext("That file is {size}; the limit is {limit}.", size=_size(tr, size), limit=_size(tr, limit))


def _size(tr: Texts, n: int) -> str:
    if n >= 1_000_000:
        # TRANSLATORS: file sizes: megabytes and kilobytes
        return tr.gettext("{size} MB", size=tr.number(round(n / 1_000_000, 1)))
    return tr.gettext("{size} kB", size=tr.number(max(1, round(n / 1000))))
