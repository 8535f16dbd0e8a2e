"""RealTimeQA weekly files → an archive of news articles + a test set asked in free text.

DIR holds, per week `YYYYMMDD` (the week's last day): `YYYYMMDD_qa.jsonl` (questions: `question_id`,
`question_date`, `question_sentence`, `choices`, `answer` = [index of the right choice]) and
`YYYYMMDD_gcs.jsonl` (per question, `search_result[]`: `url`, `title`, `text`, `publish_date`, `authors`).

- Corpus: the pooled search results of the `--weeks` (unique by URL, first week wins), as article
  records in one JSONL file per week under OUT/corpus/ (split further when a file would pass
  SHARD_BYTES). `source` is the URL's host without "www." (the data names no outlet per article).
- Answerable cases: every question of those weeks; expected answer = the right choice's text,
  `as_of` = the question's date; tags `realtimeqa`, `week-YYYYMMDD`, and `time` when it has time words.
- Refusal cases: questions of the `--refusal-weeks` whose right answer occurs nowhere in the
  archive (neither as a case-insensitive substring nor as normalised words); `as_of` = the archive's
  last day (the last week's date, or the newest article's if later).

The article texts carry no licence: use the output for measurement only, never commit it.
"""

from __future__ import annotations

import html.parser
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.evaluation.metrics import normalize
from bot.evaluation.testset import load_testset
from bot.importers.common import ImporterError, ImportSummary, prepare_out, write_testset

MAX_WEEKS = 520
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_BODY_CHARS = 1_000_000
MAX_TITLE_CHARS = 300
MAX_AUTHOR_CHARS = 300
SHARD_BYTES = 2_000_000  # well under the indexer's MAX_FILE_BYTES
SHOWN_SKIPS = 20
_WEEK_RE = re.compile(r"^(\d{8})(?:\.\.(\d{8}))?$")
_DATE_RE = re.compile(r"^(\d{4})[/-](\d{2})[/-](\d{2})")
TIME_WORDS = re.compile(
    r"\b(?:(?:this|last|past|next|previous) (?:week|weekend|month|year)|yesterday|today|tonight|recently|recent|"
    r"latest|currently|so far|earlier this|this (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


@dataclass(frozen=True)
class Weeks:
    first: date
    last: date

    @property
    def names(self) -> list[str]:
        n = (self.last - self.first).days // 7
        return [(self.first + timedelta(weeks=i)).strftime("%Y%m%d") for i in range(n + 1)]

    def __str__(self) -> str:
        return f"{self.first:%Y%m%d}..{self.last:%Y%m%d}"


def parse_weeks(text: str, option: str) -> Weeks:
    """`FROM..TO` (or one week), weeks as YYYYMMDD, inclusive and 7 days apart."""
    m = _WEEK_RE.match(text.strip())
    example = f"e.g. {option} 20250103..20250328"
    if not m:
        raise ImporterError(f"{option} {text!r}: expected FROM..TO as YYYYMMDD..YYYYMMDD ({example})")
    try:
        first = date(int(m[1][:4]), int(m[1][4:6]), int(m[1][6:]))
        last = date(int(m[2][:4]), int(m[2][4:6]), int(m[2][6:])) if m[2] else first
    except ValueError as exc:
        raise ImporterError(f"{option} {text!r}: not a date ({exc})") from None
    if last < first:
        raise ImporterError(f"{option} {text!r}: TO is before FROM")
    if (last - first).days % 7:
        raise ImporterError(f"{option} {text!r}: weeks are 7 days apart; {last:%Y%m%d} is not a whole number of "
                            f"weeks after {first:%Y%m%d}")
    if (last - first).days // 7 >= MAX_WEEKS:
        raise ImporterError(f"{option} {text!r}: more than {MAX_WEEKS} weeks")
    return Weeks(first, last)


class _TextOnly(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(text: str) -> str:
    """Text without HTML markup (questions carry links), entities decoded, whitespace collapsed."""
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _day(value: Any) -> str:
    """YYYY-MM-DD from "2025/01/03" or "2025-01-03…"; "" when absent or not a date."""
    m = _DATE_RE.match(value.strip()) if isinstance(value, str) else None
    if not m:
        return ""
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return ""


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Reader:
    """Reads the week files, skipping malformed lines and counting them with file:line."""

    def __init__(self) -> None:
        self.skipped: list[str] = []

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append(f"{where}: {reason}")

    def records(self, path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImporterError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB; is it a RealTimeQA week file?")
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                where = f"{path.name}:{number}"
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    self.skip(where, f"not a JSON line ({exc.__class__.__name__})")
                    continue
                if not isinstance(record, dict):
                    self.skip(where, "not a JSON object")
                    continue
                yield where, record

    def question(self, where: str, rec: dict[str, Any], ids: set[str]) -> tuple[str, str, str, str] | None:
        """(id, day, question, answer text), or None (skipped) when the line is malformed or its id is in `ids`.

        The id is added to `ids`.
        """
        qid, text, choices, answer = (rec.get(k) for k in ("question_id", "question_sentence", "choices", "answer"))
        day = _day(rec.get("question_date"))
        question = plain(text) if isinstance(text, str) else ""
        if not isinstance(qid, (str, int)) or not str(qid).strip() or not question or not day:
            self.skip(where, "needs question_id, question_sentence and question_date (YYYY/MM/DD)")
            return None
        index = answer[0] if isinstance(answer, list) and len(answer) == 1 else answer
        choices = choices if isinstance(choices, list) else []
        if not str(index).strip().isdigit() or int(index) >= len(choices) \
                or not isinstance(choices[int(index)], str) or not plain(choices[int(index)]):
            self.skip(where, f"question {qid}: 'answer' {answer!r} names none of its {len(choices)} choices")
            return None
        if str(qid).strip() in ids:
            self.skip(where, f"question {qid} was seen before")
            return None
        ids.add(str(qid).strip())
        return str(qid).strip(), day, _short(question, 2000), plain(choices[int(index)])

    def articles(self, where: str, rec: dict[str, Any]) -> Iterator[dict[str, str]]:
        results = rec.get("search_result")
        if not isinstance(results, list):
            self.skip(where, "no 'search_result' list")
            return
        for i, r in enumerate(results):
            url = r.get("url") if isinstance(r, dict) else None
            if not isinstance(url, str) or not url.strip().startswith(("http://", "https://")):
                self.skip(where, f"search_result[{i}] has no http(s) url")
                continue
            body = r.get("text")
            if not isinstance(body, str) or not body.strip() or len(body) > MAX_BODY_CHARS:
                self.skip(where, f"search_result[{i}] ({_short(url, 80)}) has no text or more than "
                                 f"{MAX_BODY_CHARS:,} characters")
                continue
            authors = r.get("authors")
            authors = [authors] if isinstance(authors, str) else authors if isinstance(authors, list) else []
            host = (urlsplit(url.strip()).hostname or "").removeprefix("www.")
            yield {
                "url": url.strip(), "title": _short(plain(str(r.get("title") or "")), MAX_TITLE_CHARS),
                "source": host, "published_at": _day(r.get("publish_date")),
                "author": _short(", ".join(str(a).strip() for a in authors if str(a).strip()), MAX_AUTHOR_CHARS),
                "body": body,
            }


def _week_files(folder: Path, archive: Weeks, refusal: Weeks | None) -> None:
    """A clear error naming every week file the spans need that DIR lacks."""
    if not folder.is_dir():
        raise ImporterError(f"{folder}: no such folder (expected RealTimeQA's YYYYMMDD_qa.jsonl / _gcs.jsonl files)")
    needed = [f"{w}_{kind}.jsonl" for w in archive.names for kind in ("qa", "gcs")]
    needed += [f"{w}_qa.jsonl" for w in (refusal.names if refusal else [])]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        present = sorted(p.name[:8] for p in folder.glob("*_qa.jsonl"))
        have = f"weeks present: {present[0]}..{present[-1]} ({len(present)})" if present else "no week files there"
        raise ImporterError(f"{folder}: missing {len(missing)} week file(s): {', '.join(missing[:10])}"
                            f"{' …' if len(missing) > 10 else ''}; {have}")


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_PLAIN).casefold().split())


def _tags(week: str, question: str, *extra: str) -> list[str]:
    return ["realtimeqa", *extra, f"week-{week}"] + (["time"] if TIME_WORDS.search(question) else [])


class _Shards:
    """Article records as JSONL, one file per week, split when a file would pass SHARD_BYTES."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.count = folder, 0
        self._name = ""
        self._path: Path | None = None
        self._size, self._parts = 0, 0

    def week(self, name: str) -> None:
        self._name, self._path, self._parts = name, None, 0

    def write(self, record: dict[str, str]) -> None:
        line = (json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False) + "\n").encode("utf-8")
        if self._path is None or self._size + len(line) > SHARD_BYTES and self._size:
            self._parts += 1
            self._path = self.folder / (f"{self._name}.jsonl" if self._parts == 1 else f"{self._name}-{self._parts}.jsonl")
            self._size = 0
        with self._path.open("ab") as f:
            f.write(line)
        self._size += len(line)
        self.count += 1


def import_realtimeqa(folder: str | Path, weeks: str, out: str | Path, *, refusal_weeks: str | None = None,
                      force: bool = False) -> ImportSummary:
    """Write OUT/corpus/*.jsonl (the pooled articles) and OUT/testset.yaml."""
    src = Path(folder)
    archive = parse_weeks(weeks, "--weeks")
    refusal = parse_weeks(refusal_weeks, "--refusal-weeks") if refusal_weeks else None
    if refusal and set(refusal.names) & set(archive.names):
        raise ImporterError(f"--refusal-weeks {refusal} overlaps --weeks {archive}: their questions are answerable; "
                            "choose weeks outside the archive")
    _week_files(src, archive, refusal)
    reader = _Reader()
    pooled: dict[str, list[dict[str, str]]] = {w: [] for w in archive.names}
    seen_urls: set[str] = set()
    cases: list[dict[str, Any]] = []
    ids: set[str] = set()  # question ids seen
    repeats = 0
    for week in archive.names:
        for where, rec in reader.records(src / f"{week}_gcs.jsonl"):
            for article in reader.articles(where, rec):
                repeats += article["url"] in seen_urls
                if article["url"] not in seen_urls:
                    seen_urls.add(article["url"])
                    pooled[week].append(article)
        for where, rec in reader.records(src / f"{week}_qa.jsonl"):
            q = reader.question(where, rec, ids)
            if q is None:
                continue
            qid, day, question, answer = q
            cases.append({"id": f"rtqa-{qid}", "question": question, "expected_answers": [answer], "as_of": day,
                          "tags": _tags(week, question)})
    articles = [a for week in archive.names for a in pooled[week]]
    if not articles:
        raise ImporterError(f"{src}: the weeks {archive} hold no usable articles")
    newest = max((a["published_at"] for a in articles if a["published_at"]), default="")
    archive_end = max(archive.last.isoformat(), newest)

    refusals, answered_elsewhere = 0, 0
    if refusal:
        words = f" {normalize(' '.join(a['title'] + ' ' + a['body'] for a in articles))} "
        folded = _fold(" ".join(a["title"] + " " + a["body"] for a in articles))
        for week in refusal.names:
            for where, rec in reader.records(src / f"{week}_qa.jsonl"):
                q = reader.question(where, rec, ids)
                if q is None:
                    continue
                qid, _, question, answer = q
                if _fold(answer) in folded or (normalize(answer) and f" {normalize(answer)} " in words):
                    answered_elsewhere += 1
                    continue
                cases.append({"id": f"rtqa-{qid}", "question": question, "expect_refusal": True,
                              "as_of": archive_end, "tags": _tags(week, question, "refusal")})
                refusals += 1
    if not cases:
        raise ImporterError(f"{src}: no usable questions in the weeks {archive}")

    root = prepare_out(out, force)
    shards = _Shards(root / "corpus")
    for week in archive.names:
        shards.week(week)
        for article in pooled[week]:
            shards.write(article)
    summary = ImportSummary(out=Path(out), articles=shards.count, cases=len(cases), refusals=refusals,
                            skipped=len(reader.skipped))
    summary.notes += [f"skipped {s}" for s in reader.skipped[:SHOWN_SKIPS]]
    if len(reader.skipped) > SHOWN_SKIPS:
        summary.notes.append(f"… and {len(reader.skipped) - SHOWN_SKIPS} more skipped lines or results")
    if repeats:
        summary.notes.append(f"{repeats} search results repeat an article already pooled (kept once, by URL)")
    if refusal:
        summary.notes.append(f"{answered_elsewhere} questions of --refusal-weeks {refusal} were left out: their "
                             "answer occurs in the archive")
    summary.notes.append(f"archive {archive}: {len(archive.names)} weeks; refusal cases are asked as of {archive_end}")
    desc = (f"RealTimeQA weeks {archive} ({shards.count} articles pooled)"
            + (f"; refusals from weeks {refusal}" if refusal else "")
            + ". Measurement only: the article texts carry no licence.")
    write_testset(summary.testset, f"realtimeqa-{archive}", desc, cases)
    load_testset(summary.testset)  # what we wrote must load
    return summary
