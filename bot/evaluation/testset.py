"""Test sets: YAML (or JSON) and JSONL files of evaluation cases, loaded into pydantic models.

A case asks one `question`, or a conversation of `turns`, and states what should come back:
`expected_answers` (strings, or lists of aliases; any one found passes), `expected_sources`
(article ids, titles or urls), or `expect_refusal`. Turns may carry their own expectations;
the case-level ones apply to the last turn. A case's `as_of` (YYYY-MM-DD) is the reference date
of all its turns. See docs/evaluation.md.

Invalid files raise `TestSetError`, whose message names the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from index.errors import NewsbotError
from index.models import SearchFilters

YAML_SUFFIXES = {".yaml", ".yml", ".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TOP_LEVEL_KEYS = {"name", "description", "cases"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TestSetError(NewsbotError):
    """A test set that can't be used; the message says where and why."""

    __test__ = False  # not a pytest test class

    def __init__(self, file: str | Path, message: str, *, line: int | None = None, field: str | None = None):
        self.file = str(file)
        self.line = line
        self.field = field
        self.message = message
        where = self.file if line is None else f"{self.file}, line {line}"
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}: {what}{message}")


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
    __test__ = False  # not a pytest test class

    path: str
    name: str = ""
    description: str = ""
    cases: list[Case]


# --- locating errors ----------------------------------------------------------------


def _field_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _node_at(node: yaml.Node, loc: Sequence[int | str]) -> yaml.Node:
    """The deepest YAML node that `loc` reaches (stops where the path no longer exists)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    node = value
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _first_error(exc: ValidationError) -> tuple[tuple[int | str, ...], str]:
    err = exc.errors(include_url=False)[0]
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return tuple(err["loc"]), msg


def _case_label(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), (str, int)) and str(raw.get("id")).strip():
        return f"case '{raw['id']}'"
    return f"case #{index + 1}"


# --- loading ------------------------------------------------------------------------


class _TextDatesLoader(yaml.SafeLoader):
    """YAML's safe loader, but dates stay the text written: a date that doesn't exist (2025-02-30)
    becomes an error of its field, with its line, instead of a crash inside the YAML library."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(path: Path, text: str) -> TestSet:
    try:
        root = yaml.compose(text, Loader=_TextDatesLoader)
        data = yaml.load(text, Loader=_TextDatesLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise TestSetError(path, f"not valid YAML: {exc.problem or exc}", line=line) from exc
    except yaml.YAMLError as exc:
        raise TestSetError(path, f"not valid YAML: {exc}") from exc
    if root is None or data is None:
        raise TestSetError(path, "the file is empty; expected a list of cases")

    name = description = ""
    cases_node: yaml.Node = root
    raw_cases: Any = data
    if isinstance(data, dict):
        for key_node, _ in root.value:
            if key_node.value not in TOP_LEVEL_KEYS:
                raise TestSetError(
                    path,
                    f"unknown top-level key; expected one of {sorted(TOP_LEVEL_KEYS)}",
                    line=key_node.start_mark.line + 1,
                    field=str(key_node.value),
                )
        if "cases" not in data:
            raise TestSetError(path, "missing: the list of cases", line=root.start_mark.line + 1, field="cases")
        name, description = str(data.get("name") or ""), str(data.get("description") or "")
        raw_cases = data["cases"]
        cases_node = _node_at(root, ["cases"])
    if not isinstance(raw_cases, list):
        raise TestSetError(
            path, "expected a list of cases", line=cases_node.start_mark.line + 1, field="cases" if isinstance(data, dict) else None
        )

    cases: list[Case] = []
    for i, raw in enumerate(raw_cases):
        node = cases_node.value[i]
        line = node.start_mark.line + 1
        if not isinstance(raw, dict):
            raise TestSetError(path, f"{_case_label(raw, i)}: expected a mapping of fields", line=line)
        try:
            case = Case.model_validate(raw)
        except ValidationError as exc:
            loc, msg = _first_error(exc)
            bad = _node_at(node, loc)
            raise TestSetError(
                path, f"{_case_label(raw, i)}: {msg}", line=bad.start_mark.line + 1, field=_field_path(loc) or None
            ) from None
        cases.append(case.model_copy(update={"origin": f"{path}:{line}"}))
    return TestSet(path=str(path), name=name, description=description, cases=cases)


def _load_jsonl(path: Path, text: str) -> TestSet:
    cases: list[Case] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TestSetError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", line=lineno) from None
        if not isinstance(raw, dict):
            raise TestSetError(path, "expected one JSON object (a case) per line", line=lineno)
        try:
            case = Case.model_validate(raw)
        except ValidationError as exc:
            loc, msg = _first_error(exc)
            raise TestSetError(
                path, f"{_case_label(raw, len(cases))}: {msg}", line=lineno, field=_field_path(loc) or None
            ) from None
        cases.append(case.model_copy(update={"origin": f"{path}:{lineno}"}))
    if not cases:
        raise TestSetError(path, "the file has no cases")
    return TestSet(path=str(path), cases=cases)


def load_testset(path: str | Path) -> TestSet:
    """Read one test set file (.yaml/.yml/.json or .jsonl)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in YAML_SUFFIXES | JSONL_SUFFIXES:
        raise TestSetError(p, f"unknown test-set format '{p.suffix}'; use .yaml, .yml, .json or .jsonl")
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TestSetError(p, "no such file") from None
    except UnicodeDecodeError as exc:
        raise TestSetError(p, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise TestSetError(p, f"can't read: {exc.strerror or exc}") from None
    ts = _load_jsonl(p, text) if suffix in JSONL_SUFFIXES else _load_yaml(p, text)
    seen: dict[str, str] = {}
    for case in ts.cases:
        if case.id in seen:
            raise TestSetError(
                p, f"duplicate case id '{case.id}' (first at {seen[case.id]})", line=_line_of(case), field="id"
            )
        seen[case.id] = case.origin
    return ts


def _line_of(case: Case) -> int | None:
    tail = case.origin.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def load_cases(paths: Iterable[str | Path]) -> list[Case]:
    """All cases of several files, in order; ids must be unique across the files."""
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in paths:
        for case in load_testset(path).cases:
            if case.id in seen:
                raise TestSetError(
                    path,
                    f"duplicate case id '{case.id}' (first at {seen[case.id]})",
                    line=_line_of(case),
                    field="id",
                )
            seen[case.id] = case.origin
            cases.append(case)
    return cases
