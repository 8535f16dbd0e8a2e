"""`.json` (one record or a list) and `.jsonl` (one record per line): the MultiHop-RAG schema
(title, body or text, source, url, published_at, author, category)."""

from __future__ import annotations

import json

from index.loaders.fields import FIELD_LIMITS, cap, first_value, metadata_text, normalise_date, title_from_body
from index.loaders.ids import record_id
from index.loaders.source import LoadError, LoadResult, SourceFile
from index.models import Article, LoadFailure
from index.textclean import clean_text


_TOO_DEEP = ("nested too deeply for an article record (lists or objects inside each other hundreds of levels "
             "deep); a record is one flat object: title, body, source, url, published_at, author, category")


def load_json(src: SourceFile) -> LoadResult:
    """One record (an object) or a list of records; a bad record fails alone."""
    try:
        data = json.loads(src.text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
            "fix the syntax (for one record per line, name the file .jsonl)"
        ) from None
    except RecursionError:
        raise LoadError(f"the JSON is {_TOO_DEEP}") from None
    if isinstance(data, dict):
        return [_record_or_failure(src, data, where="the record", fallback_id=src.id)]
    if not isinstance(data, list):
        raise LoadError(f"expected a JSON object or a list of objects, found {_json_type(data)}")
    if not data:
        raise LoadError("the JSON list is empty; add article records or delete the file")
    return [
        _record_or_failure(src, record, where=f"record {index}", fallback_id=f"{src.id}#{index}")
        for index, record in enumerate(data)
    ]


def load_jsonl(src: SourceFile) -> LoadResult:
    """One JSON record per line (blank lines ignored); ids are `url:<url>`, else `<relpath>#<line>`."""
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
        except RecursionError:
            results.append(LoadFailure(src.path, f"{where}: the JSON is {_TOO_DEEP}"))
            continue
        results.append(_record_or_failure(src, record, where=where, fallback_id=f"{src.id}#{number}"))
    return results


def _record_or_failure(src: SourceFile, record: object, *, where: str, fallback_id: str) -> Article | LoadFailure:
    try:
        return record_to_article(record, rel=src.rel, fallback_id=fallback_id)
    except LoadError as exc:
        return LoadFailure(src.path, f"{where}: {exc}")


def record_to_article(record: object, *, rel: str, fallback_id: str) -> Article:
    """A MultiHop-RAG style record -> Article (id `url:<url>`, else `fallback_id`); raises LoadError
    for an unusable record."""
    if not isinstance(record, dict):
        raise LoadError(f"expected a JSON object, found {_json_type(record)}")
    raw_body = first_value(record, "body", "text")
    if raw_body is None:
        raise LoadError('no "body" or "text" field; add the article text')
    if not isinstance(raw_body, str):
        raise LoadError(f'"body"/"text" must be a string, found {_json_type(raw_body)}')
    body = clean_text(raw_body).strip()
    if not body:
        raise LoadError('the "body"/"text" field is blank; add the article text')
    url = cap(metadata_text(record.get("url")), FIELD_LIMITS["url"])
    return Article(
        id=record_id(url) if url else fallback_id,
        title=metadata_text(record.get("title")) or title_from_body(body),
        body=body,
        source=metadata_text(record.get("source")),
        url=url,
        published_at=normalise_date(first_value(record, "published_at", "date", "published")),
        author=metadata_text(record.get("author")),
        category=metadata_text(record.get("category")),
        path=rel,
    )


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
