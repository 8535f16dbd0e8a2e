"""Finding the files to load: given paths and folders walked in a deterministic order."""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.models import LoadFailure

log = logging.getLogger(__name__)

OUTSIDE_ROOT_HINT = "symlinks out of the corpus are not followed; move the file into the corpus"
SYMLINK_LOOP = "is a symlink loop (following it leads back to itself); remove the link or point it at a real file"


@dataclass(frozen=True)
class Candidate:
    """A file to load: the path as walked, and its posix path relative to the corpus root."""

    path: Path
    rel: str


def discover(paths: Sequence[Path], root: Path, suffixes: Collection[str]) -> Iterator[Candidate | LoadFailure]:
    """Yield the files to load (and failures for bad paths), in a deterministic order.

    Only files whose lower-cased suffix is in `suffixes` are yielded from folders; an
    explicitly given file of another type is a failure.
    """
    for given in map(Path, paths):
        if _is_symlink_loop(given):
            yield LoadFailure(given, SYMLINK_LOOP)
            continue
        if not given.exists() and not given.is_symlink():
            yield LoadFailure(given, "no such file or folder; check the path")
            continue
        inside_root = relative(given, root) is not None
        base = root if inside_root else given.parent
        if given.is_dir():
            boundary = Path(os.path.realpath(root if inside_root else given))
            yield from _walk(given, base, boundary, suffixes, visited=set())
        elif given.suffix.lower() in suffixes:
            yield Candidate(given, relative(given, base) or given.name)
        else:
            yield LoadFailure(
                given,
                f"unsupported file type {given.suffix or '(no extension)'!r}; supported: {', '.join(sorted(suffixes))}",
            )


def _walk(folder: Path, base: Path, boundary: Path, suffixes: Collection[str],
          visited: set[Path]) -> Iterator[Candidate | LoadFailure]:
    """Walk `folder` recursively in name order, skipping hidden and unsupported entries.

    Symlinks that resolve outside `boundary` are reported, never followed.
    """
    real_folder = Path(os.path.realpath(folder))
    if real_folder in visited:
        return
    visited.add(real_folder)
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as exc:
        yield LoadFailure(folder, f"cannot list the folder ({exc.strerror}); check its permissions")
        return
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        if _is_symlink_loop(path):
            yield LoadFailure(path, SYMLINK_LOOP)
            continue
        is_dir = path.is_dir()
        if not is_dir and path.suffix.lower() not in suffixes:
            log.debug("skipping %s: unsupported file type", path)
            continue
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(boundary):
                reason = f"resolves outside the corpus root ({target} is not under {boundary}); {OUTSIDE_ROOT_HINT}"
                yield LoadFailure(path, reason)
                continue
        if is_dir:
            yield from _walk(path, base, boundary, suffixes, visited)
        else:
            yield Candidate(path, relative(path, base) or name)


def _is_symlink_loop(path: Path) -> bool:
    if not path.is_symlink():
        return False
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def relative(path: Path, base: Path) -> str | None:
    """`path` relative to `base` as a posix string, or None when it is not under `base`."""
    for normalise in (os.path.abspath, os.path.realpath):
        try:
            rel = Path(normalise(path)).relative_to(normalise(base))
        except ValueError:
            continue
        return rel.as_posix()
    return None
