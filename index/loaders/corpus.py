"""`load_corpus`: discover the files, read each with the loader of its format, report duplicates."""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from index.loaders.decoding import read_text
from index.loaders.discovery import Candidate, discover
from index.loaders.fields import capped
from index.loaders.html import HTML_SUFFIXES, load_html
from index.loaders.markdown import load_markdown
from index.loaders.records import load_json, load_jsonl
from index.loaders.source import LoadError, Loader, LoadResult, SourceFile
from index.loaders.text import load_txt
from index.models import Article, LoadFailure

log = logging.getLogger(__name__)

LOADERS: dict[str, Loader] = {
    ".txt": load_txt,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".json": load_json,
    ".jsonl": load_jsonl,
}


def supported_suffixes() -> tuple[str, ...]:
    return tuple(sorted(LOADERS))


def load_corpus(paths: Sequence[Path], root: Path, *, max_bytes: int,
                owners: Mapping[str, str] | None = None) -> tuple[list[Article], list[LoadFailure]]:
    """Load every supported article under `paths` (files and/or folders).

    `Article.path` is the posix path relative to `root` (or to the parent of an
    explicitly given path outside `root`); ids are described in `index.loaders.ids`.
    A file reached twice is loaded once. When two articles claim one id, the one whose
    path `owners` (id -> path, e.g. the index's articles) names keeps it, else the first
    found; the others are failures.
    """
    loaded: list[tuple[Article, Path]] = []
    failures: list[LoadFailure] = []
    seen_files: set[Path] = set()
    for found in discover(paths, Path(root), LOADERS.keys()):
        if isinstance(found, LoadFailure):
            failures.append(found)
            continue
        real = Path(os.path.realpath(found.path))
        if real in seen_files:
            log.debug("skipping %s: already loaded", found.path)
            continue
        seen_files.add(real)
        for item in _load_file(found, max_bytes):
            if isinstance(item, LoadFailure):
                failures.append(item)
            else:
                loaded.append((item, found.path))
    articles = _one_per_id(loaded, owners or {}, failures)
    for failure in failures:
        log.debug("cannot load %s", failure)
    log.info("loaded %d articles; %d failures", len(articles), len(failures))
    return articles, failures


def _one_per_id(loaded: list[tuple[Article, Path]], owners: Mapping[str, str],
                failures: list[LoadFailure]) -> list[Article]:
    claims: dict[str, list[tuple[Article, Path]]] = defaultdict(list)
    for article, path in loaded:
        claims[article.id].append((article, path))
    articles = []
    for article_id, claimants in claims.items():
        owner = next((c for c in claimants if c[0].path == owners.get(article_id)), claimants[0])
        articles.append(owner[0])
        failures.extend(_duplicate_failure(claim[1], claim[0], owner[0].path)
                        for claim in claimants if claim is not owner)
    return articles


def _duplicate_failure(path: Path, article: Article, first_path: str) -> LoadFailure:
    return LoadFailure(
        path,
        f'duplicate article id "{article.id}" (already loaded from {first_path}); '
        "remove the duplicate record or give it a different url",
    )


def _load_file(candidate: Candidate, max_bytes: int) -> LoadResult:
    """Read, decode and parse one file; every problem becomes a `LoadFailure`."""
    path = candidate.path
    suffix = path.suffix.lower()
    try:
        text = read_text(path, max_bytes, declared_charset=suffix in HTML_SUFFIXES)
        results = LOADERS[suffix](SourceFile(path, candidate.rel, text))
        return [capped(item) if isinstance(item, Article) else item for item in results]
    except LoadError as exc:
        return [LoadFailure(path, str(exc))]
    except Exception as exc:  # a loader bug must not stop the whole corpus
        log.exception("unexpected error while loading %s", path)
        return [LoadFailure(path, f"unexpected error ({type(exc).__name__}: {exc}); please report this")]
