"""Question-answering sets in ../shared/data as corpora and questions, for benchmarks and training.

- XQuAD (CC BY-SA 4.0): 48 English Wikipedia articles; the same 1,190 questions in en, ru, es, zh, ar
  (asked against the English articles; the gold answers are the English spans). `xquad_native(lang)`:
  the same articles translated into `lang` (XQuAD's own translation) with the questions and gold answers
  of that language: an archive in the readers' own language.
- SQuAD 2.0 slice (CC BY-SA 4.0): one article, 418 questions, 221 of them on-topic unanswerable.
- HeQ val (CC BY 4.0): 195 Hebrew articles (news and Wikipedia), 1,501 questions, 443 unanswerable.

Every loader returns `Dataset(articles, questions)`; an article is a record for the JSONL loader
(title, body, source, url = a stable id), a question knows its gold answers and article.
The data is read from ../shared at run time and never copied into the repository.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ../shared/data beside the checkout (a git worktree under wt/ finds it one level further up)
SHARED = next((p / "shared" / "data" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "data").is_dir()),
              ROOT.parent / "shared" / "data")
XQUAD_LANGUAGES = ("en", "ru", "es", "zh", "ar")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]  # gold answer texts; empty for unanswerable questions
    article_id: str  # the article record's url (newsbot indexes it as the id "url:<url>")
    language: str
    dataset: str
    answerable: bool = True
    decoys: tuple[str, ...] = ()  # SQuAD 2.0's plausible (wrong) answers of unanswerable questions


@dataclass
class Dataset:
    name: str
    articles: list[dict] = field(default_factory=list)  # JSONL records: title, body, source, url
    questions: list[Question] = field(default_factory=list)

    def write_corpus(self, folder: Path, article_ids: set[str] | None = None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for record in self.articles:
                if article_ids is None or record["url"] in article_ids:
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return path


def available() -> bool:
    return (SHARED / "xquad" / "xquad.en.json").exists()


def _squad_articles(data: list[dict], prefix: str, source: str) -> tuple[list[dict], dict[str, str]]:
    """Articles (paragraphs of one title joined by blank lines) and question id → article id."""
    bodies: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for art in data:
        title = art["title"].replace("_", " ").strip()
        article_id = f"{prefix}:{title}"
        bodies.setdefault(article_id, []).extend(p["context"].strip() for p in art["paragraphs"])
        for p in art["paragraphs"]:
            for qa in p["qas"]:
                owner[str(qa["id"])] = article_id
    records = [{"title": aid.split(":", 1)[1], "body": "\n\n".join(parts), "source": source, "url": aid}
               for aid, parts in bodies.items()]
    return records, owner


def xquad(languages: tuple[str, ...] = XQUAD_LANGUAGES, limit_articles: int | None = None) -> Dataset:
    en = json.loads((SHARED / "xquad" / "xquad.en.json").read_text(encoding="utf-8"))["data"][:limit_articles]
    articles, owner = _squad_articles(en, "xquad", "Wikipedia")
    gold = {str(qa["id"]): tuple(a["text"] for a in qa["answers"]) for a in en for p in a["paragraphs"]
            for qa in p["qas"]}
    questions: list[Question] = []
    for lang in languages:
        data = en if lang == "en" else \
            json.loads((SHARED / "xquad" / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"]
        for art in data:
            for p in art["paragraphs"]:
                for qa in p["qas"]:
                    qid = str(qa["id"])
                    if qid in owner:
                        questions.append(Question(qid, qa["question"].strip(), gold[qid], owner[qid], lang, "xquad"))
    return Dataset("xquad", articles, questions)


def xquad_native(lang: str, limit_articles: int | None = None) -> Dataset:
    """XQuAD in one language throughout: `lang`'s articles (their titles stay English, as in XQuAD), questions
    and gold answers. Article ids are `xquad-<lang>:<title>`, so two languages' archives never share one."""
    data = json.loads((SHARED / "xquad" / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"][:limit_articles]
    for art in data:  # XQuAD's translated contexts open with a byte-order mark
        for p in art["paragraphs"]:
            p["context"] = p["context"].replace("\ufeff", "")
    articles, owner = _squad_articles(data, f"xquad-{lang}", "Wikipedia")
    questions = [Question(str(qa["id"]), qa["question"].strip(), tuple(a["text"] for a in qa["answers"]),
                          owner[str(qa["id"])], lang, "xquad-native")
                 for art in data for p in art["paragraphs"] for qa in p["qas"]]
    return Dataset(f"xquad-{lang}", articles, questions)


def squad2() -> Dataset:
    data = json.loads((SHARED / "squad2" / "squad2-slice.json").read_text(encoding="utf-8"))["data"]
    articles, owner = _squad_articles(data, "squad2", "Wikipedia")
    questions = []
    for art in data:
        for p in art["paragraphs"]:
            for qa in p["qas"]:
                impossible = bool(qa.get("is_impossible"))
                questions.append(Question(
                    str(qa["id"]), qa["question"].strip(), () if impossible else tuple(a["text"] for a in qa["answers"]),
                    owner[str(qa["id"])], "en", "squad2", answerable=not impossible,
                    decoys=tuple(a["text"] for a in qa.get("plausible_answers", [])),
                ))
    return Dataset("squad2", articles, questions)


def heq() -> Dataset:
    data = json.loads((SHARED / "heq" / "val-v1.1.json").read_text(encoding="utf-8"))["data"]
    articles, owner = _squad_articles(data, "heq", "HeQ")
    questions = []
    for art in data:
        for p in art["paragraphs"]:
            for qa in p["qas"]:
                impossible = bool(qa.get("is_impossible"))
                answers = () if impossible else tuple(a["text"] for a in qa["answers"] if a.get("text"))
                questions.append(Question(str(qa["id"]), qa["question"].strip(), answers, owner[str(qa["id"])], "he",
                                          "heq", answerable=not impossible))
    return Dataset("heq", articles, questions)


def halves(dataset: Dataset) -> tuple[set[str], set[str]]:
    """Article ids split in two (every other article, in file order): indexed, and left out."""
    ids = [a["url"] for a in dataset.articles]
    return set(ids[0::2]), set(ids[1::2])
