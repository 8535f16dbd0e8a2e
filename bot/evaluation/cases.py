"""The test-case schema: pydantic models of a test set's cases and the validation of their fields.

A case asks one `question`, or a conversation of `turns`, and states what should come back:
`expected_answers` (strings, or lists of aliases; any one found passes), `expected_sources`
(article ids, titles or urls), or `expect_refusal`. Turns may carry their own expectations;
the case-level ones apply to the last turn. A case's `as_of` (YYYY-MM-DD) is the reference date
of all its turns. See docs/evaluation.md.

Validation raises pydantic's `ValidationError`; bot/evaluation/testset.py reads the files and turns
it into a `TestSetError` that names the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from index.models import SearchFilters

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(value: Any) -> Any:
    """A YYYY-MM-DD string (YAML may have read it as a date already); ValueError names the bad value."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            if _DATE_RE.match(text):
                return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    return value


def _scalar_to_str(value: Any, what: str) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{what} was read as the boolean {value}; put it in quotes")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class Expectation(BaseModel):
    """What one answer should be. Empty lists mean "not checked"."""

    model_config = ConfigDict(extra="forbid")

    expected_answers: list[list[str]] = Field(
        default_factory=list, description="Each item a string or a list of aliases; any one found passes."
    )
    expected_sources: list[str] = Field(default_factory=list, description="Article ids, titles or urls.")
    expect_refusal: bool = False

    @field_validator("expected_answers", mode="before")
    @classmethod
    def _answers(cls, value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            value = [value]
        out: list[Any] = []
        for item in value:
            group = item if isinstance(item, list) else [item]
            out.append([_scalar_to_str(v, "an expected answer") for v in group])
        return out

    @field_validator("expected_sources", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            value = [value]
        return [_scalar_to_str(v, "an expected source") for v in value]

    @field_validator("expected_answers")
    @classmethod
    def _no_blank_answers(cls, value: list[list[str]]) -> list[list[str]]:
        for group in value:
            if not group:
                raise ValueError("an alias list must not be empty")
            if any(not s.strip() for s in group):
                raise ValueError("an expected answer must not be blank")
        return value

    @field_validator("expected_sources")
    @classmethod
    def _no_blank_sources(cls, value: list[str]) -> list[str]:
        if any(not s.strip() for s in value):
            raise ValueError("an expected source must not be blank")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Expectation":
        if self.expect_refusal and self.expected_answers:
            raise ValueError("expect_refusal: true can't be combined with expected_answers")
        return self

    @property
    def has_expectations(self) -> bool:
        return bool(self.expected_answers or self.expected_sources or self.expect_refusal)

    def alternatives(self) -> list[str]:
        """Every acceptable answer string (aliases flattened, first occurrence kept)."""
        seen: list[str] = []
        for group in self.expected_answers:
            for s in group:
                if s not in seen:
                    seen.append(s)
        return seen

    def expectation(self) -> "Expectation":
        return Expectation(
            expected_answers=self.expected_answers,
            expected_sources=self.expected_sources,
            expect_refusal=self.expect_refusal,
        )


class TurnSpec(Expectation):
    """One question of a conversation, with optional expectations of its own."""

    question: str

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question must not be blank")
        return value.strip()


class FilterSpec(BaseModel):
    """Optional search filters of a case: outlets and/or a publication date range (ISO dates)."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(default_factory=list)
    since: str | None = None
    until: str | None = None

    @field_validator("sources", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    @field_validator("since", "until", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return iso_date(value)

    def to_search_filters(self) -> SearchFilters:
        return SearchFilters(sources=tuple(self.sources), since=self.since, until=self.until)


class Case(Expectation):
    """One test case: a question, or a conversation of turns, and its expectations."""

    id: str
    question: str | None = None
    turns: list[TurnSpec] | None = None
    tags: list[str] = Field(default_factory=list)
    filters: FilterSpec | None = None
    as_of: str | None = Field(None, description="The reference date (YYYY-MM-DD) of every turn; later articles don't exist.")
    origin: str = Field("", description="file:line the case was read from (set by the loader).")

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        value = _scalar_to_str(value, "the id")
        if isinstance(value, str) and not value.strip():
            raise ValueError("the id must not be blank")
        return value.strip() if isinstance(value, str) else value

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, value: Any) -> Any:
        return iso_date(value)

    @field_validator("turns", mode="before")
    @classmethod
    def _turns(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"question": t} if isinstance(t, str) else t for t in value]
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            value = [value]
        return [_scalar_to_str(v, "a tag") for v in value]

    @model_validator(mode="after")
    def _shape(self) -> "Case":
        if (self.question is None) == (self.turns is None):
            raise ValueError("give exactly one of 'question' (one question) or 'turns' (a conversation)")
        if self.question is not None and not self.question.strip():
            raise ValueError("the question must not be blank")
        if self.turns is not None:
            if not self.turns:
                raise ValueError("'turns' must list at least one question")
            if self.has_expectations and self.turns[-1].has_expectations:
                raise ValueError(
                    "the last turn has expectations both on the turn and on the case; give them in one place"
                )
        if not any(e is not None for e in self.expectations()):
            raise ValueError("the case checks nothing: give expected_answers, expected_sources or expect_refusal")
        return self

    def questions(self) -> list[str]:
        if self.turns is not None:
            return [t.question for t in self.turns]
        return [self.question.strip()] if self.question else []

    def expectations(self) -> list[Expectation | None]:
        """Per turn: what to check (None for a turn that only sets up the conversation)."""
        if self.turns is None:
            return [self.expectation() if self.has_expectations else None]
        out: list[Expectation | None] = [t.expectation() if t.has_expectations else None for t in self.turns]
        if self.has_expectations:
            out[-1] = self.expectation()
        return out

    def reference_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.as_of) if self.as_of else None

    def search_filters(self) -> SearchFilters | None:
        if self.filters is None:
            return None
        f = self.filters.to_search_filters()
        return None if f.empty else f


class TestSet(BaseModel):
    """The cases of one test-set file, with its optional name and description."""

    __test__ = False  # not a pytest test class

    path: str
    name: str = ""
    description: str = ""
    cases: list[Case]

