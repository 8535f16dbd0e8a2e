"""Article ids (index.loaders.ids): a record's url and a file's path never take over each other's id."""

from __future__ import annotations

from pathlib import Path

from tests.factories import multihop_record, write_article, write_json, write_jsonl, write_text
from tests.index.loaders.loading import load


def test_a_record_whose_url_is_another_files_id_does_not_take_it_over(tmp_path: Path) -> None:
    write_article(tmp_path, "world/park.txt", title="Park approved")
    write_json(tmp_path, "a.json", multihop_record(1, url="world/park.txt", title="Impostor"))
    write_text(tmp_path, "url:x.txt", "A file named like a record id\n\nIts body.\n")
    write_text(tmp_path, "file:url:x.txt", "A file named like an escaped one\n\nIts body.\n")
    write_jsonl(tmp_path, "b.jsonl", [multihop_record(2, url="x.txt")])

    articles, failures = load(tmp_path)

    assert failures == []
    by_id = {a.id: a for a in articles}
    assert by_id["world/park.txt"].title == "Park approved"
    assert by_id["url:world/park.txt"].title == "Impostor"
    assert by_id["url:x.txt"].path == "b.jsonl"
    assert by_id["file:url:x.txt"].path == "url:x.txt"
    assert by_id["file:file:url:x.txt"].path == "file:url:x.txt"
    assert len(by_id) == len(articles) == 5
