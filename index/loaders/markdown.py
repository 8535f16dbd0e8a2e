"""`.md` / `.markdown`: optional YAML front matter, else the first `# heading`, else the file name."""

from __future__ import annotations

import re

import yaml
from frontmatter.default_handlers import YAMLHandler

from index.loaders.fields import first_value, metadata_text, normalise_date, same_text
from index.loaders.source import LoadError, LoadResult, SourceFile
from index.models import Article

#: front matter holds a few short fields; a bigger block is refused before YAML parses it
MAX_FRONT_MATTER_BYTES = 64 * 1024
#: nesting deeper than this is refused while the YAML is composed (no recursion blow-up)
MAX_FRONT_MATTER_DEPTH = 20

_H1_LINE = re.compile(r"^#[ \t]+(?P<title>.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def load_markdown(src: SourceFile) -> LoadResult:
    """Markdown: optional YAML front matter, title from it, the first `# heading` or the file name."""
    meta, content = _split_front_matter(src.text)
    title = metadata_text(meta.get("title"))
    heading = _H1_LINE.search(content)
    if heading and (not title or same_text(heading["title"], title) and not content[: heading.start()].strip()):
        title = title or heading["title"].strip()
        content = content[: heading.start()] + content[heading.end() :].removeprefix("\n")
    body = _LEADING_BLANK_LINES.sub("", content).rstrip()
    if not body:
        raise LoadError("has a title but no body text; add the article text below the title or front matter")
    article = Article(
        id=src.id,
        title=title or src.stem_title,
        body=body,
        source=metadata_text(meta.get("source")),
        url=metadata_text(meta.get("url")),
        published_at=normalise_date(first_value(meta, "published_at", "date", "published")),
        author=metadata_text(meta.get("author")),
        category=metadata_text(meta.get("category")),
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
    size = len(raw.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise LoadError(
            f"the front matter is {size:,} bytes, over the limit of {MAX_FRONT_MATTER_BYTES:,}; it holds only "
            "title, source, url, published_at, author and category: move the rest into the body"
        )
    try:
        meta = yaml.load(raw, Loader=_FrontMatterLoader)  # noqa: S506 (a SafeLoader, stricter still)
    except yaml.YAMLError as exc:
        raise LoadError(f"malformed YAML front matter ({_yaml_problem(exc)}); {_FIX_FRONT_MATTER}") from None
    if meta is None:
        return {}, content
    if not isinstance(meta, dict):
        raise LoadError(f"front matter must be 'key: value' lines (a YAML mapping); {_FIX_FRONT_MATTER}")
    return {str(key): value for key, value in meta.items()}, content


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses anchors and aliases and deep nesting while composing.

    Aliases are how a few hundred bytes of YAML expand to gigabytes ("billion laughs");
    front matter has no use for them, so the first anchor or alias ends the parse.
    """

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise LoadError(
                f"the front matter uses YAML anchors and aliases (&name, *name) at line {event.start_mark.line + 1}; "
                "they are not allowed: write each value out in full"
            )
        if self._depth >= MAX_FRONT_MATTER_DEPTH:
            raise LoadError(
                f"the front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep "
                f"(line {event.start_mark.line + 1}); use plain 'key: value' lines"
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _yaml_problem(exc: Exception) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    # the block starts on the opening '---' line and the mark counts from 0: +1 is the file line
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else str(problem)
