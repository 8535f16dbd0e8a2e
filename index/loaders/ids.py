"""Article ids, in two namespaces that cannot collide.

- A file's article: its posix path relative to the corpus root (`world/park.txt`), or the
  record fallback `<path>#<n>` for a JSON record without a url.
- A JSON record with a url: `url:<url>`.

A relative path never starts with `url:` after `file_id`: a file whose path starts with
`url:` or `file:` gets a `file:` prefix (`url:x.txt` -> `file:url:x.txt`), so the mapping
stays one-to-one and no record can take over a file's article (nor the other way round).
"""

from __future__ import annotations

RECORD_PREFIX = "url:"
_ESCAPE_PREFIX = "file:"


def file_id(rel: str) -> str:
    """The article id of the file at `rel` (posix, relative to the corpus root)."""
    return _ESCAPE_PREFIX + rel if rel.startswith((RECORD_PREFIX, _ESCAPE_PREFIX)) else rel


def record_id(url: str) -> str:
    """The article id of a JSON record with this url."""
    return RECORD_PREFIX + url
