"""MultiHop-RAG (ODC-BY; users download it themselves) → corpus folder + test set.

corpus.json: a list of articles {title, body, source, url, published_at, author, category}.
queries (MultiHop-RAG.json): a list of {query, answer, question_type, evidence_list[{title, url,
source, fact, …}]}. Each query becomes a case: expected answer = `answer`, expected sources = the
evidence articles' urls (titles when there is no url), tags = multihop + question_type. A query
whose answer is "Insufficient information." (the null queries) becomes a refusal case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.evaluation.testset import load_testset
from bot.importers.common import ArticleWriter, ImporterError, ImportSummary, prepare_out, read_json, write_testset

ARTICLE_FIELDS = ("title", "body", "source", "url", "published_at", "author", "category")
NO_ANSWER = "insufficient information"


def _articles(data: Any, path: Path) -> list[dict[str, str]]:
    if not isinstance(data, list):
        raise ImporterError(f"{path}: expected a JSON list of articles")
    out: list[dict[str, str]] = []
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise ImporterError(f"{path}: record [{i}] is not an object")
        body = rec.get("body") if rec.get("body") is not None else rec.get("text")
        if not isinstance(body, str) or not body.strip():
            raise ImporterError(f"{path}: record [{i}] has no 'body' text")
        if not isinstance(rec.get("title"), str) or not rec["title"].strip():
            raise ImporterError(f"{path}: record [{i}] has no 'title'")
        article = {f: str(rec.get(f) or "").strip() for f in ARTICLE_FIELDS}
        article["body"] = body
        out.append(article)
    return out


def _is_refusal(answer: str, question_type: str) -> bool:
    return answer.strip().rstrip(".").casefold() == NO_ANSWER or question_type == "null_query"


def _case(i: int, rec: Any, path: Path, known: set[str]) -> tuple[dict[str, Any], int]:
    """The case for one query, and how many of its evidence articles are not in the corpus."""
    if not isinstance(rec, dict):
        raise ImporterError(f"{path}: query [{i}] is not an object")
    query, answer = rec.get("query"), rec.get("answer")
    if not isinstance(query, str) or not query.strip():
        raise ImporterError(f"{path}: query [{i}] has no 'query' text")
    if not isinstance(answer, str) or not answer.strip():
        raise ImporterError(f"{path}: query [{i}] has no 'answer'")
    qtype = str(rec.get("question_type") or "").strip()
    case: dict[str, Any] = {"id": f"mh-{i + 1:04d}", "question": query.strip()}
    if _is_refusal(answer, qtype):
        case["expect_refusal"] = True
    else:
        case["expected_answers"] = [answer.strip()]
    evidence = rec.get("evidence_list") or []
    if not isinstance(evidence, list):
        raise ImporterError(f"{path}: query [{i}] evidence_list is not a list")
    sources: list[str] = []
    unknown = 0
    for ev in evidence:
        if not isinstance(ev, dict):
            continue
        ref = str(ev.get("url") or "").strip() or str(ev.get("title") or "").strip()
        if ref and ref not in sources:
            sources.append(ref)
            unknown += ref not in known
    if sources and not case.get("expect_refusal"):
        case["expected_sources"] = sources
    case["tags"] = ["multihop"] + ([qtype] if qtype else [])
    if "expected_answers" not in case and "expect_refusal" not in case:
        raise ImporterError(f"{path}: query [{i}] checks nothing")
    return case, unknown


def import_multihop(
    corpus_file: str | Path,
    queries_file: str | Path,
    out: str | Path,
    *,
    limit: int | None = None,
    force: bool = False,
) -> ImportSummary:
    """Write `out/corpus/*.json` (one per article) and `out/testset.yaml`."""
    cpath, qpath = Path(corpus_file), Path(queries_file)
    articles = _articles(read_json(cpath, "MultiHop-RAG corpus"), cpath)
    queries = read_json(qpath, "MultiHop-RAG queries")
    if not isinstance(queries, list):
        raise ImporterError(f"{qpath}: expected a JSON list of queries")
    if limit is not None:
        if limit < 1:
            raise ImporterError("--limit must be at least 1")
        queries = queries[:limit]
    known = {a["url"] for a in articles if a["url"]} | {a["title"] for a in articles}
    summary = ImportSummary(out=Path(out))
    cases: list[dict[str, Any]] = []
    unknown = 0
    for i, rec in enumerate(queries):
        case, missing = _case(i, rec, qpath, known)
        unknown += missing
        summary.refusals += bool(case.get("expect_refusal"))
        cases.append(case)
    if not cases:
        raise ImporterError(f"{qpath}: no queries")
    if unknown:
        summary.notes.append(f"{unknown} evidence references name no article of {cpath.name}")

    root = prepare_out(out, force)
    writer = ArticleWriter(root / "corpus")
    for article in articles:
        writer.write(article)
    summary.articles, summary.cases = writer.count, len(cases)
    write_testset(summary.testset, "multihop-rag", f"Imported from {cpath.name} and {qpath.name} (MultiHop-RAG, ODC-BY)", cases)
    load_testset(summary.testset)
    return summary
