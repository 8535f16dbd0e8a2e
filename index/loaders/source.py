"""What every format loader receives and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.loaders.fields import humanise_stem
from index.loaders.ids import file_id
from index.models import Article, LoadFailure


class LoadError(Exception):
    """A file (or record) cannot be loaded; the message is the reason shown to the user."""


@dataclass(frozen=True)
class SourceFile:
    """A decoded, cleaned article file handed to a format loader."""

    path: Path  # as given or walked, for failure messages
    rel: str  # posix path relative to the corpus root (`Article.path`)
    text: str  # cleaned text (see `clean_text`)

    @property
    def id(self) -> str:
        """The article id of the file itself (records of JSON files have their own)."""
        return file_id(self.rel)

    @property
    def stem_title(self) -> str:
        return humanise_stem(self.path)


LoadResult = list[Article | LoadFailure]
Loader = Callable[[SourceFile], LoadResult]
