"""What the importers share: reading JSON with clear errors, writing articles and the test set."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from index.errors import NewsbotError

CORPUS_DIR = "corpus"
TESTSET_FILE = "testset.yaml"


class ImporterError(NewsbotError):
    """An input that can't be imported, or an output folder that can't be written; says which and why."""


@dataclass
class ImportSummary:
    out: Path
    articles: int = 0
    cases: int = 0
    refusals: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def corpus_dir(self) -> Path:
        return self.out / CORPUS_DIR

    @property
    def testset(self) -> Path:
        return self.out / TESTSET_FILE

    def eval_command(self) -> str:
        return f"newsbot eval {self.testset} --corpus {self.corpus_dir}"


def read_json(path: str | Path, what: str) -> Any:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImporterError(f"{p}: no such file ({what})") from None
    except UnicodeDecodeError as exc:
        raise ImporterError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ImporterError(f"{p}: can't read ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImporterError(f"{p}, line {exc.lineno}: not valid JSON ({exc.msg})") from None


def slugify(text: str, limit: int = 80) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "article"


def prepare_out(out: str | Path, force: bool) -> Path:
    """The output folder with an empty corpus/ in it; refuses to mix with earlier output unless forced."""
    root = Path(out)
    corpus = root / CORPUS_DIR
    existing = [p for p in corpus.iterdir()] if corpus.is_dir() else []
    if (existing or (root / TESTSET_FILE).exists()) and not force:
        raise ImporterError(
            f"{root} already holds an import ({CORPUS_DIR}/ or {TESTSET_FILE}); choose an empty folder or pass --force"
        )
    for p in existing:
        if p.is_file() and p.suffix in (".json", ".jsonl"):
            p.unlink()
        else:
            raise ImporterError(f"{corpus} contains {p.name}, which an import did not write; remove it yourself")
    corpus.mkdir(parents=True, exist_ok=True)
    return root


class ArticleWriter:
    """Writes one `<slug>.json` article record per call, with unique file names."""

    def __init__(self, corpus_dir: Path):
        self.dir = corpus_dir
        self._used: set[str] = set()
        self.count = 0

    def write(self, record: dict[str, str]) -> Path:
        base = slugify(record.get("title") or "article")
        name, n = base, 1
        while name in self._used:
            n += 1
            name = f"{base}-{n}"
        self._used.add(name)
        path = self.dir / f"{name}.json"
        clean = {k: v for k, v in record.items() if v not in (None, "")}
        path.write_text(json.dumps(clean, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.count += 1
        return path


def write_testset(path: Path, name: str, description: str, cases: list[dict[str, Any]]) -> Path:
    doc = {"name": name, "description": description, "cases": cases}
    path.write_text(
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None), encoding="utf-8"
    )
    return path


def language_of(path: str | Path) -> str | None:
    """'ru' for xquad.ru.json, None when the name carries no language code."""
    parts = Path(path).name.split(".")
    if len(parts) >= 3 and re.fullmatch(r"[a-z]{2,3}", parts[-2]):
        return parts[-2]
    return None
