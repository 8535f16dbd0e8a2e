"""A few invented records in RealTimeQA's weekly file format (never the real texts): two archive weeks,
20250103 and 20250110, and one week of other questions, 20250117, with a few malformed lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LIBRARY_URL = "https://www.example-news.com/2025/01/02/floating-library"
REGATTA_URL = "https://sport.example.org/regatta"
ARCHIVE = "20250103..20250110"
OTHER_WEEK = "20250117"


def _question(qid: str, day: str, text: str, choices: list[str], answer: int) -> dict[str, Any]:
    return {"question_id": qid, "question_date": day, "question_source": "Test Quiz",
            "question_url": "https://quiz.example/", "question_sentence": text, "choices": choices,
            "answer": [str(answer)], "evidence": ""}


def _result(url: str, title: str, text: str, day: str = "", authors: Any = ()) -> dict[str, Any]:
    return {"url": url, "title": title, "text": text, "publish_date": day,
            "authors": authors if isinstance(authors, str) else list(authors)}


LIBRARY = _result(LIBRARY_URL, "Tallinn opens a floating library",
                  "Tallinn opened a floating library on Thursday. Its 450 lanterns were lit at dusk.",
                  "2025/01/02", ["Mari Tamm", "Jaan Kask"])
WEEKS: dict[str, dict[str, list[Any]]] = {
    "20250103": {
        "qa": [
            _question("20250103_0", "2025/01/02",
                      'Which city opened a <a href="https://quiz.example/t">floating library</a> this week?',
                      ["Oslo", "Lisbon", "Tallinn", "Porto"], 2),
            _question("20250103_1", "2025-01-03", "How many lanterns were lit at the library?",
                      ["120", "450", "800", "1,000"], 1),
            _question("20250103_2", "2025/01/03", "A question whose answer index is wrong?", ["a", "b"], 7),
        ],
        "gcs": [
            {"question_id": "20250103_0", "search_time": "2025/01/04/00:09", "search_result": [
                LIBRARY,
                _result("https://news.example.net/archive/old", "An undated piece",
                        "Porto's libraries keep long opening hours, a reader wrote."),
            ]},
            "{not json at all",
            {"question_id": "20250103_1", "search_time": "2025/01/04/00:10", "search_result": [
                LIBRARY,  # the same URL again: pooled once
                {"url": "https://www.example-news.com/no-text", "title": "Only a title"},
            ]},
        ],
    },
    "20250110": {
        "qa": [
            _question("20250110_0", "2025/01/09", "Who won the harbour regatta last week?",
                      ["Ines Duarte", "Ola Berg", "Ana Lima", "Tom Ruud"], 0),
        ],
        "gcs": [
            {"question_id": "20250110_0", "search_time": "2025/01/10/00:01", "search_result": [
                _result(REGATTA_URL, "Duarte takes the regatta", "Ines Duarte won the harbour regatta on Sunday.",
                        "2025/01/11", "Sports Desk"),
                LIBRARY,
            ]},
        ],
    },
    OTHER_WEEK: {
        "qa": [
            _question("20250117_0", "2025/01/16", "Which composer premiered a symphony for bells?",
                      ["Kaija Aalto", "Ola Berg", "Ana Lima", "Tom Ruud"], 0),
            _question("20250117_1", "2025/01/16", "Which city's library floats?", ["TALLINN", "Riga"], 0),
            ["not", "an", "object"],
        ],
        "gcs": [],
    },
}


def write_sample(folder: Path, weeks: dict[str, dict[str, list[Any]]] = WEEKS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for week, files in weeks.items():
        for kind, lines in files.items():
            text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
            (folder / f"{week}_{kind}.jsonl").write_text(text, encoding="utf-8")
    return folder
