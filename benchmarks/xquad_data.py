"""XQuAD (../shared/data/xquad) as a benchmark corpus and question set."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "xquad"


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]
    article_id: str


def available() -> bool:
    return (SHARED / "xquad.en.json").exists()


def article_id(title: str) -> str:
    return f"xquad:{title}"


def write_corpus(folder: Path, limit_articles: int | None = None) -> Path:
    """One JSONL file, one record per XQuAD article (its paragraphs joined by blank lines)."""
    data = json.loads((SHARED / "xquad.en.json").read_text())["data"][:limit_articles]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "xquad.jsonl"
    with path.open("w") as f:
        for art in data:
            body = "\n\n".join(p["context"] for p in art["paragraphs"])
            f.write(json.dumps({"title": art["title"].replace("_", " "), "body": body, "source": "Wikipedia",
                                "url": article_id(art["title"])}) + "\n")
    return path


def questions(language: str = "en", limit_articles: int | None = None) -> list[Question]:
    en = json.loads((SHARED / "xquad.en.json").read_text())["data"][:limit_articles]
    texts = {}
    if language != "en":
        other = json.loads((SHARED / f"xquad.{language}.json").read_text())["data"]
        texts = {qa["id"]: qa["question"] for a in other for p in a["paragraphs"] for qa in p["qas"]}
    out = []
    for art in en:
        for p in art["paragraphs"]:
            for qa in p["qas"]:
                out.append(Question(qa["id"], texts.get(qa["id"], qa["question"]),
                                    tuple(a["text"] for a in qa["answers"]), article_id(art["title"])))
    return out
