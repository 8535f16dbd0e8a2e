"""SQuAD-format files (SQuAD v1.1/v2.0, XQuAD, …) → corpus folder + test set.

Every `data[]` entry becomes one article (`title`, `body` = its paragraphs' contexts separated by
blank lines); every question becomes a case whose expected answers are the gold answer texts
(aliases) and whose expected source is the article title. v2.0's `is_impossible` questions become
refusal cases. `questions=` takes each question's text from another file with the same ids (e.g.
`xquad.ru.json` for Russian questions about the English articles).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.evaluation.testset import load_testset
from bot.importers.common import (
    ArticleWriter,
    ImporterError,
    ImportSummary,
    language_of,
    prepare_out,
    read_json,
    write_testset,
)


def _entries(data: Any, path: Path) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ImporterError(f"{path}: not SQuAD format (expected an object with a 'data' list)")
    for i, entry in enumerate(data["data"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("paragraphs"), list):
            raise ImporterError(f"{path}: data[{i}] has no 'paragraphs' list")
        for j, par in enumerate(entry["paragraphs"]):
            if not isinstance(par, dict) or not isinstance(par.get("context"), str):
                raise ImporterError(f"{path}: data[{i}].paragraphs[{j}] has no 'context' text")
            if not isinstance(par.get("qas", []), list):
                raise ImporterError(f"{path}: data[{i}].paragraphs[{j}].qas is not a list")
    return data["data"]


def question_texts(path: str | Path) -> dict[str, str]:
    """id → question text of a SQuAD-format file."""
    p = Path(path)
    out: dict[str, str] = {}
    for entry in _entries(read_json(p, "questions"), p):
        for par in entry["paragraphs"]:
            for qa in par.get("qas", []):
                if isinstance(qa, dict) and qa.get("id") is not None and isinstance(qa.get("question"), str):
                    out[str(qa["id"])] = qa["question"].strip()
    return out


def _title(entry: dict[str, Any], index: int) -> str:
    raw = entry.get("title")
    return str(raw).replace("_", " ").strip() if raw else f"Article {index + 1}"


def _aliases(qa: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for ans in qa.get("answers") or []:
        text = ans.get("text", "").strip() if isinstance(ans, dict) else ""
        if text and text not in seen:
            seen.append(text)
    return seen


def import_squad(
    file: str | Path,
    out: str | Path,
    *,
    questions: str | Path | None = None,
    limit: int | None = None,
    force: bool = False,
) -> ImportSummary:
    """Write `out/corpus/*.json` (with `limit`: only the articles its questions need) and `out/testset.yaml`."""
    src = Path(file)
    entries = _entries(read_json(src, "SQuAD file"), src)
    other = question_texts(questions) if questions else None
    if limit is not None and limit < 1:
        raise ImporterError("--limit must be at least 1")
    lang = language_of(questions) if questions else language_of(src)
    base_tags = ["squad"] + ([lang] if lang else []) + (["cross-lingual"] if questions else [])

    summary = ImportSummary(out=Path(out))
    cases: list[dict[str, Any]] = []
    articles: dict[str, list[str]] = {}  # title → contexts (entries with a repeated title are merged)
    used_titles: list[str] = []
    missing_translation = 0
    for i, entry in enumerate(entries):
        title = _title(entry, i)
        articles.setdefault(title, []).extend(p["context"] for p in entry["paragraphs"])
        for par in entry["paragraphs"]:
            for qa in par.get("qas", []):
                if limit is not None and len(cases) >= limit:
                    break
                if not isinstance(qa, dict) or qa.get("id") is None:
                    summary.skipped += 1
                    continue
                qid = str(qa["id"])
                text = other.get(qid) if other is not None else str(qa.get("question") or "").strip()
                if not text:
                    summary.skipped += 1
                    missing_translation += other is not None
                    continue
                case: dict[str, Any] = {"id": qid, "question": text}
                if qa.get("is_impossible"):
                    case["expect_refusal"] = True
                    case["tags"] = [*base_tags, "unanswerable"]
                    summary.refusals += 1
                else:
                    aliases = _aliases(qa)
                    if not aliases:
                        summary.skipped += 1
                        continue
                    case["expected_answers"] = [aliases if len(aliases) > 1 else aliases[0]]
                    case["expected_sources"] = [title]
                    case["tags"] = list(base_tags)
                cases.append(case)
                if title not in used_titles:
                    used_titles.append(title)
    if not cases:
        raise ImporterError(f"{src}: no usable questions (skipped {summary.skipped})")
    if missing_translation:
        summary.notes.append(f"{missing_translation} questions have no text in {questions} and were skipped")

    root = prepare_out(out, force)
    writer = ArticleWriter(root / "corpus")
    # with --limit only the articles the chosen questions need; else every article (distractors too)
    for title in used_titles if limit is not None else list(articles):
        writer.write({"title": title, "body": "\n\n".join(c.strip() for c in articles[title]), "source": "Wikipedia"})
    summary.articles = writer.count
    summary.cases = len(cases)
    desc = f"Imported from {src.name}" + (f" with questions from {Path(questions).name}" if questions else "")
    write_testset(summary.testset, src.stem + (f"-{lang}-questions" if questions and lang else ""), desc, cases)
    load_testset(summary.testset)  # what we wrote must load
    return summary
