"""Test-set files: YAML (or JSON) and JSONL files of evaluation cases, read into `TestSet`.

The cases' schema (what a case may say) is bot/evaluation/cases.py; see docs/evaluation.md.
Invalid files raise `TestSetError`, whose message names the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.evaluation.cases import Case, TestSet
from index.errors import NewsbotError

YAML_SUFFIXES = {".yaml", ".yml", ".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TOP_LEVEL_KEYS = {"name", "description", "cases"}


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
