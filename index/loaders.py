"""Read article files into `Article` records, reporting bad input as `LoadFailure`s.

`load_corpus` walks the given files and folders in a deterministic order and
dispatches each file to one loader per format (by extension):

* `.txt` — title line, optional repeated title and photo credit, paragraphs,
  optional closing `Source: X` line;
* `.md` / `.markdown` — optional YAML front matter, else the first `# heading`;
* `.html` / `.htm` — main text and metadata extracted with trafilatura;
* `.json` — one record or a list of records; `.jsonl` — one record per line
  (the MultiHop-RAG corpus schema: title, body, source, url, published_at, …).

Nothing raises out of `load_corpus`: every problem becomes a `LoadFailure`
whose reason says what is wrong and what to do, and the other files still load.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml
from dateutil import parser as date_parser
from frontmatter.default_handlers import YAMLHandler

from index.models import Article, LoadFailure
from index.textclean import clean_text

log = logging.getLogger(__name__)

MAX_FILE_BYTES_SETTING = "MAX_FILE_BYTES"
OUTSIDE_ROOT_HINT = "symlinks out of the corpus are not followed; move the file into the corpus"


class LoadError(Exception):
    """A file (or record) cannot be loaded; the message is the reason shown to the user."""


@dataclass(frozen=True)
class SourceFile:
    """A decoded, cleaned article file handed to a format loader."""

    path: Path  # as given or walked, for failure messages
    rel: str  # posix path relative to the corpus root: the article id
    text: str  # cleaned text (see `clean_text`)

    @property
    def stem_title(self) -> str:
        return humanise_stem(self.path)


LoadResult = list[Article | LoadFailure]
Loader = Callable[[SourceFile], LoadResult]


@dataclass(frozen=True)
class _Candidate:
    path: Path
    rel: str


# --------------------------------------------------------------------------- entry point


def load_corpus(paths: Sequence[Path], root: Path, *, max_bytes: int) -> tuple[list[Article], list[LoadFailure]]:
    """Load every supported article under `paths` (files and/or folders).

    Article ids and `Article.path` are posix paths relative to `root` (or to the
    parent of an explicitly given path outside `root`); records of JSON files
    use their `url` as id when they have one. A file reached twice is loaded once.
    """
    articles: list[Article] = []
    failures: list[LoadFailure] = []
    seen_files: set[Path] = set()
    origin_of_id: dict[str, str] = {}
    for found in _discover(paths, Path(root)):
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
            elif item.id in origin_of_id:
                failures.append(_duplicate_failure(found.path, item, origin_of_id[item.id]))
            else:
                origin_of_id[item.id] = item.path
                articles.append(item)
    for failure in failures:
        log.debug("cannot load %s", failure)
    log.info("loaded %d articles; %d failures", len(articles), len(failures))
    return articles, failures


def _duplicate_failure(path: Path, article: Article, first_path: str) -> LoadFailure:
    return LoadFailure(
        path,
        f'duplicate article id "{article.id}" (already loaded from {first_path}); '
        "remove the duplicate record or give it a different url",
    )


# --------------------------------------------------------------------------- discovery


def supported_suffixes() -> tuple[str, ...]:
    return tuple(sorted(LOADERS))


def _is_supported(path: Path) -> bool:
    return path.suffix.lower() in LOADERS


def _discover(paths: Sequence[Path], root: Path) -> Iterator[_Candidate | LoadFailure]:
    """Yield the files to load (and failures for bad paths), in a deterministic order."""
    for given in map(Path, paths):
        if not given.exists() and not given.is_symlink():
            yield LoadFailure(given, "no such file or folder; check the path")
            continue
        inside_root = _relative(given, root) is not None
        base = root if inside_root else given.parent
        if given.is_dir():
            boundary = Path(os.path.realpath(root if inside_root else given))
            yield from _walk(given, base, boundary, visited=set())
        elif _is_supported(given):
            yield _Candidate(given, _relative(given, base) or given.name)
        else:
            yield LoadFailure(
                given,
                f"unsupported file type {given.suffix or '(no extension)'!r}; "
                f"supported: {', '.join(supported_suffixes())}",
            )


def _walk(folder: Path, base: Path, boundary: Path, visited: set[Path]) -> Iterator[_Candidate | LoadFailure]:
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
        is_dir = path.is_dir()
        if not is_dir and not _is_supported(path):
            log.debug("skipping %s: unsupported file type", path)
            continue
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(boundary):
                reason = f"resolves outside the corpus root ({target} is not under {boundary}); {OUTSIDE_ROOT_HINT}"
                yield LoadFailure(path, reason)
                continue
        if is_dir:
            yield from _walk(path, base, boundary, visited)
        else:
            yield _Candidate(path, _relative(path, base) or name)


def _relative(path: Path, base: Path) -> str | None:
    """`path` relative to `base` as a posix string, or None when it is not under `base`."""
    for normalise in (os.path.abspath, os.path.realpath):
        try:
            rel = Path(normalise(path)).relative_to(normalise(base))
        except ValueError:
            continue
        return rel.as_posix()
    return None


# --------------------------------------------------------------------------- reading


def _load_file(candidate: _Candidate, max_bytes: int) -> LoadResult:
    """Read, decode and parse one file; every problem becomes a `LoadFailure`."""
    path = candidate.path
    try:
        text = _read_text(path, max_bytes)
        loader = LOADERS[path.suffix.lower()]
        return loader(SourceFile(path, candidate.rel, text))
    except LoadError as exc:
        return [LoadFailure(path, str(exc))]
    except Exception as exc:  # a loader bug must not stop the whole corpus
        log.exception("unexpected error while loading %s", path)
        return [LoadFailure(path, f"unexpected error ({type(exc).__name__}: {exc}); please report this")]


def _read_text(path: Path, max_bytes: int) -> str:
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise LoadError("the file is empty; add the article text or delete the file")
    if b"\x00" in data:
        raise LoadError(
            "looks like a binary file (it contains NUL bytes); only text articles are "
            "supported: save it as UTF-8 text (.txt, .md, .html, .json, .jsonl)"
        )
    text = clean_text(_decode(data, path))
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


_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _decode(data: bytes, path: Path) -> str:
    """Decode UTF-8; HTML files may instead declare their charset in a <meta> tag."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        declared = _decode_with_declared_charset(data) if path.suffix.lower() in HTML_SUFFIXES else None
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


# --------------------------------------------------------------------------- shared helpers


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


def _metadata_text(value: object) -> str:
    """A front-matter/record value as clean single-line text."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_metadata_text(item) for item in value if item is not None)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return " ".join(clean_text(str(value)).split())


def _first_value(record: Mapping[str, object], *keys: str) -> object:
    for key in keys:
        value = record.get(key)
        if value is not None and value != "":
            return value
    return None


def _title_from_body(body: str, limit: int = 100) -> str:
    first_line = body.strip().split("\n", 1)[0].strip()
    return first_line if len(first_line) <= limit else first_line[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- .txt

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
        return [Article(id=src.rel, title=src.stem_title, body=title, path=src.rel)]
    body = _drop_photo_credit(_drop_repeated_title(after_title, title)).strip()
    if not body:
        raise LoadError("has no body text (only a title or a Source line); add the article text below the title")
    return [Article(id=src.rel, title=title or src.stem_title, body=body, source=source, path=src.rel)]


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


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _drop_repeated_title(text: str, title: str) -> str:
    block, rest = _first_block(text)
    return rest if block and _same_text(block, title) else text


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


# --------------------------------------------------------------------------- .md

_H1_LINE = re.compile(r"^#[ \t]+(?P<title>.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def load_markdown(src: SourceFile) -> LoadResult:
    """Markdown: optional YAML front matter, title from it, the first `# heading` or the file name."""
    meta, content = _split_front_matter(src.text)
    title = _metadata_text(meta.get("title"))
    heading = _H1_LINE.search(content)
    if heading and (not title or _same_text(heading["title"], title) and not content[: heading.start()].strip()):
        title = title or heading["title"].strip()
        content = content[: heading.start()] + content[heading.end() :].removeprefix("\n")
    body = _LEADING_BLANK_LINES.sub("", content).rstrip()
    if not body:
        raise LoadError("has a title but no body text; add the article text below the title or front matter")
    article = Article(
        id=src.rel,
        title=title or src.stem_title,
        body=body,
        source=_metadata_text(meta.get("source")),
        url=_metadata_text(meta.get("url")),
        published_at=normalise_date(_first_value(meta, "published_at", "date", "published")),
        author=_metadata_text(meta.get("author")),
        category=_metadata_text(meta.get("category")),
        path=src.rel,
    )
    return [article]


_FIX_FRONT_MATTER = "fix the block between the '---' lines"


def _split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """(metadata, content); text without front matter gives ({}, text)."""
    handler = YAMLHandler()
    stripped = _LEADING_BLANK_LINES.sub("", text)
    if not handler.detect(stripped):
        return {}, text
    try:
        raw, content = handler.split(stripped)
    except ValueError:
        raise LoadError(
            "front matter starts with '---' but is never closed; add a closing '---' line after it"
        ) from None
    try:
        meta = handler.load(raw)
    except yaml.YAMLError as exc:
        raise LoadError(f"malformed YAML front matter ({_yaml_problem(exc)}); {_FIX_FRONT_MATTER}") from None
    if meta is None:
        return {}, content
    if not isinstance(meta, dict):
        raise LoadError(f"front matter must be 'key: value' lines (a YAML mapping); {_FIX_FRONT_MATTER}")
    return {str(key): value for key, value in meta.items()}, content


def _yaml_problem(exc: Exception) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    # the block starts on the opening '---' line and the mark counts from 0: +1 is the file line
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else str(problem)


# --------------------------------------------------------------------------- .html

HTML_SUFFIXES = frozenset({".html", ".htm"})


def load_html(src: SourceFile) -> LoadResult:
    """HTML: main text and metadata extracted by trafilatura (comments, menus, footers dropped)."""
    import trafilatura  # imported on first use: it takes a quarter of a second


    doc = trafilatura.bare_extraction(src.text, include_comments=False, with_metadata=True)
    text = clean_text(doc.text or "") if doc is not None else ""
    if not text.strip():
        raise LoadError("no article text found in the HTML; save the article page itself (not an index or empty page)")
    title = _metadata_text(doc.title) or src.stem_title
    body = _paragraphs(_drop_leading_title(text, title))
    if not body:
        raise LoadError("has a title but no body text; the HTML page holds no article text")
    article = Article(
        id=src.rel,
        title=title,
        body=body,
        source=_metadata_text(doc.sitename),
        url=_metadata_text(doc.url),
        published_at=normalise_date(doc.date),
        author=_metadata_text(doc.author),
        category=_metadata_text(doc.categories),
        path=src.rel,
    )
    return [article]


def _drop_leading_title(text: str, title: str) -> str:
    first, _, rest = text.strip().partition("\n")
    return rest if _same_text(first, title) else text


def _paragraphs(text: str) -> str:
    """trafilatura puts one paragraph per line; separate them with blank lines like the other formats."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


# --------------------------------------------------------------------------- .json / .jsonl


def load_json(src: SourceFile) -> LoadResult:
    """One record (an object) or a list of records; a bad record fails alone."""
    try:
        data = json.loads(src.text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
            "fix the syntax (for one record per line, name the file .jsonl)"
        ) from None
    if isinstance(data, dict):
        return [_record_or_failure(src, data, where="the record", record_id=None)]
    if not isinstance(data, list):
        raise LoadError(f"expected a JSON object or a list of objects, found {_json_type(data)}")
    if not data:
        raise LoadError("the JSON list is empty; add article records or delete the file")
    return [
        _record_or_failure(src, record, where=f"record {index}", record_id=f"{src.rel}#{index}")
        for index, record in enumerate(data)
    ]


def load_jsonl(src: SourceFile) -> LoadResult:
    """One JSON record per line (blank lines ignored); ids fall back to `<relpath>#<line>`."""
    results: LoadResult = []
    for number, line in enumerate(src.text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            reason = f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); each line must be one JSON object"
            results.append(LoadFailure(src.path, reason))
            continue
        results.append(_record_or_failure(src, record, where=where, record_id=f"{src.rel}#{number}"))
    return results


def _record_or_failure(src: SourceFile, record: object, *, where: str, record_id: str | None) -> Article | LoadFailure:
    try:
        return record_to_article(record, rel=src.rel, fallback_id=record_id or src.rel)
    except LoadError as exc:
        return LoadFailure(src.path, f"{where}: {exc}")


def record_to_article(record: object, *, rel: str, fallback_id: str) -> Article:
    """A MultiHop-RAG style record -> Article; raises LoadError for an unusable record."""
    if not isinstance(record, dict):
        raise LoadError(f"expected a JSON object, found {_json_type(record)}")
    raw_body = _first_value(record, "body", "text")
    if raw_body is None:
        raise LoadError('no "body" or "text" field; add the article text')
    if not isinstance(raw_body, str):
        raise LoadError(f'"body"/"text" must be a string, found {_json_type(raw_body)}')
    body = clean_text(raw_body).strip()
    if not body:
        raise LoadError('the "body"/"text" field is blank; add the article text')
    url = _metadata_text(record.get("url"))
    return Article(
        id=url or fallback_id,
        title=_metadata_text(record.get("title")) or _title_from_body(body),
        body=body,
        source=_metadata_text(record.get("source")),
        url=url,
        published_at=normalise_date(_first_value(record, "published_at", "date", "published")),
        author=_metadata_text(record.get("author")),
        category=_metadata_text(record.get("category")),
        path=rel,
    )


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- dispatch

LOADERS: dict[str, Loader] = {
    ".txt": load_txt,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".json": load_json,
    ".jsonl": load_jsonl,
}
