"""pyproject.toml declares exactly what bot/ and index/ import (the runtime dependencies); no code outside
tests/ imports from tests/ (benchmarks and fakes share `testing/`)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {normalise(re.match(r"[A-Za-z0-9._-]+", spec).group()) for spec in project["dependencies"]}


def imports_of(path: Path) -> set[str]:
    """Dotted names of the modules `path` imports anywhere (top level or inside functions; absolute imports)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def imported_modules() -> set[str]:
    """Dotted names of the third-party modules imported by the packages (absolute imports only)."""
    found = {m for package in ("bot", "index") for path in (ROOT / package).rglob("*.py") for m in imports_of(path)}
    return {m for m in found if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] not in ("bot", "index")}


def distribution_of(module: str) -> str:
    """The distribution that provides `module`; for a namespace shared by several (llama_index), the
    one named after its second part (llama_index.core -> llama-index-core)."""
    top, _, rest = module.partition(".")
    candidates = [normalise(d) for d in importlib.metadata.packages_distributions().get(top, [])]
    assert candidates, f"{module} is imported but no installed distribution provides it"
    if len(candidates) == 1:
        return candidates[0]
    second = normalise(rest.split(".")[0])
    matching = [d for d in candidates if d.endswith("-" + second)]
    assert len(matching) == 1, f"cannot tell which of {candidates} provides {module}"
    return matching[0]


def test_every_imported_distribution_is_declared_and_every_declared_one_is_imported() -> None:
    used = {distribution_of(m) for m in imported_modules()}
    wanted = declared()

    assert sorted(used - wanted) == [], "imported but not declared in pyproject.toml"
    assert sorted(wanted - used) == [], "declared in pyproject.toml but imported nowhere in bot/ or index/"


def test_nothing_outside_tests_imports_from_tests() -> None:
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for folder in ("benchmarks", "testing", "training", "bot", "index", "evals")
        for path in (ROOT / folder).rglob("*.py")
        for module in imports_of(path)
        if module.split(".")[0] == "tests"
    )

    assert offenders == [], "move what they need into testing/ (tests/ may import it from there)"
