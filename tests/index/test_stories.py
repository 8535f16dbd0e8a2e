"""Story groups (index/stories.py): near-duplicate articles found at index time, kept incrementally.

The signature and the rule are tested on texts; the groups on a real index (Chroma, the catalogue)
with the fast hashing embedder — grouping does not depend on the embedder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import index.stories as stories
from index.catalog import Catalog
from index.indexer import run_index
from index.settings import IndexSettings
from index.store import Store
from index.stories import StoryGraph, near_duplicates, shingles, signature
from tests.factories import write_jsonl, write_markdown
from tests.index.conftest import HashingEmbedder
from tests.index.invariants import assert_complete, assert_stories_settled, open_store

FERRY = (
    "The ferry company Bluewater cancelled every crossing to Marrow Island on Saturday after a storm tore "
    "two mooring posts out of the pier at Kessel Harbour.\n\n"
    "About four hundred islanders depend on the morning boat for school, work and hospital visits, and the "
    "island council asked the regional government to send a navy landing craft until the pier is repaired.\n\n"
    "Engineers from the port authority said the repairs would take at least nine days, because divers first "
    "have to inspect the foundations of the pier for cracks once the sea has calmed down.\n\n"
    "Bluewater said passengers with tickets for the coming week would get their money back, and that a "
    "smaller boat might run from the fishing jetty on the north shore if the harbour master allows it."
)
UPDATE = FERRY + (
    "\n\nUpdate, Sunday: the harbour master allowed the smaller boat to sail from the fishing jetty twice a day, "
    "and the first forty passengers reached the mainland before noon, the island council said.\n\n"
    "Update, Monday: divers found no cracks in the foundations, so the port authority now expects the pier to "
    "reopen by Thursday; the navy landing craft requested by the council will not be needed, a spokesman said, "
    "and Bluewater will add an evening crossing for the rest of the month to clear the backlog of freight."
)
TRAIN = (
    "The national rail operator will run a new night train between the capital and the coast from June, with "
    "sleeping cars bought second hand from an operator in the north that retired them last winter.\n\n"
    "Tickets go on sale in March; the operator expects the train to be full on summer weekends and said a "
    "second train could follow if the first one pays for itself within three years."
)

#: a syndicated copy: a byline, an edit ("early on Saturday"), a credit line
WIRE_COPY = ("By Ana Ruiz, Wire Service\n\n" + FERRY.replace("on Saturday", "early on Saturday")
             + "\n\n(Copyright 2025 Wire Service. All rights reserved.)")


def ferry_front(source: str, day: str, **more: str) -> dict[str, str]:
    return {"title": "Storm cuts Marrow Island off", "source": source, "published_at": day} | more


def syndicated_corpus(corpus: Path) -> None:
    """One story three times (a syndicated copy with a byline and a credit line, and a URL variant of the
    original as a JSON record), and an unrelated one."""
    write_markdown(corpus, "coast/ferry.md", body=FERRY, front_matter=ferry_front("Coast News", "2025-03-01"))
    write_markdown(corpus, "wire/ferry-copy.md", body=WIRE_COPY,
                   front_matter=ferry_front("Wire Service", "2025-03-02"))
    write_jsonl(corpus, "feed.jsonl", [{"url": "https://coastnews.example/ferry?utm_source=feed", "body": FERRY,
                                        "title": "Storm cuts Marrow Island off", "source": "Coast News",
                                        "published_at": "2025-03-01T18:00:00"}])
    write_markdown(corpus, "rail/train.md", body=TRAIN,
                   front_matter={"title": "Night train to the coast", "source": "National Post",
                                 "published_at": "2025-02-20"})


FERRY_IDS = {"coast/ferry.md", "wire/ferry-copy.md", "url:https://coastnews.example/ferry?utm_source=feed"}


@pytest.fixture
def signings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every body the indexer hashes (a spy on the one function that computes MinHash signatures)."""
    calls: list[str] = []
    real = stories.signature

    def spy(text: str):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(stories, "signature", spy)
    return calls


def catalog_of(settings: IndexSettings, embedder: HashingEmbedder) -> Catalog:
    return Catalog.load(open_store(settings, embedder), settings.cache_dir)


# --------------------------------------------------------------------------- the signature and the rule


def test_the_rule_on_copies_updates_and_other_stories() -> None:
    def related(a: str, b: str, threshold: float = 0.8, containment: float = 0.9) -> bool:
        sa, sb = shingles(a), shingles(b)
        return near_duplicates(len(sa & sb) / len(sa | sb), len(sa), len(sb), threshold, containment)

    assert shingles(FERRY.upper().replace(",", " ,")) == shingles(FERRY)  # case and punctuation don't count
    assert related(FERRY, WIRE_COPY)
    old, new = shingles(FERRY), shingles(UPDATE)
    assert len(old & new) / len(old | new) < 0.8 and related(FERRY, UPDATE)  # contained in the update
    assert not related(FERRY, UPDATE, containment=1.01)
    assert not related(FERRY, TRAIN)
    brief = FERRY.split("\n\n")[0]
    assert not related(brief, FERRY)  # contained, but a quarter of its size: a brief inside a round-up
    assert signature("") is None and signature("  ,.;  ") is None


def test_minhash_estimates_agree_with_the_exact_rule() -> None:
    graph = StoryGraph(0.8, 0.9)
    texts = {"ferry": FERRY, "update": UPDATE, "train": TRAIN, "copy": "Reuters - " + FERRY}
    for name, text in texts.items():
        graph.add(name, signature(text), "")

    assert graph.neighbours("ferry") == ["copy", "update"]
    assert graph.neighbours("train") == []
    assert graph.all_groups() == {"copy": "copy", "ferry": "copy", "update": "copy", "train": "train"}  # undated


def test_the_group_id_is_the_oldest_member_whatever_the_order() -> None:
    first, second = StoryGraph(0.8, 0.9), StoryGraph(0.8, 0.9)
    items = [("b", FERRY, "2025-03-02"), ("a", FERRY, ""), ("c", FERRY, "2025-03-01"), ("t", TRAIN, "2025-01-01")]
    for name, text, day in items:
        first.add(name, signature(text), day)
    for name, text, day in reversed(items):
        second.add(name, signature(text), day)

    assert first.all_groups() == second.all_groups() == {"a": "c", "b": "c", "c": "c", "t": "t"}


# --------------------------------------------------------------------------- groups in the index


def test_syndicated_copies_and_a_url_variant_form_one_story_group(settings: IndexSettings, corpus_dir: Path,
                                                                 hashing: HashingEmbedder) -> None:
    syndicated_corpus(corpus_dir)

    report = run_index(settings, embedder=hashing)

    assert report.ok and len(report.added) == 4
    assert report.stories_changed == 0  # copies committed in one group get their story at their first write
    catalog = catalog_of(settings, hashing)
    assert {catalog.story(a) for a in FERRY_IDS} == {"coast/ferry.md"}  # the oldest (then the smallest id)
    assert catalog.story("rail/train.md") == "rail/train.md"
    assert [a.id for a in catalog.duplicates("coast/ferry.md")] == [
        "wire/ferry-copy.md", "url:https://coastnews.example/ferry?utm_source=feed"]  # newest first
    assert [a.id for a in catalog.duplicates("wire/ferry-copy.md", as_of="2025-03-01")] == [
        "url:https://coastnews.example/ferry?utm_source=feed", "coast/ferry.md"]
    assert catalog.duplicates("rail/train.md") == []
    rows = catalog.row_stories
    ferry_rows = {int(rows[i]) for i, r in enumerate(catalog.rows) if r.article_id in FERRY_IDS}
    train_rows = {int(rows[i]) for i, r in enumerate(catalog.rows) if r.article_id == "rail/train.md"}
    assert len(ferry_rows) == 1 and len(train_rows) == 1 and ferry_rows != train_rows
    assert_complete(open_store(settings, hashing), settings)


def test_an_incremental_run_signs_only_the_new_article(settings: IndexSettings, corpus_dir: Path,
                                                       hashing: HashingEmbedder, signings: list[str]) -> None:
    syndicated_corpus(corpus_dir)
    run_index(settings, embedder=hashing)
    assert len(signings) == 4
    signings.clear()

    write_markdown(corpus_dir, "live/ferry-update.md", body=UPDATE,
                   front_matter=ferry_front("Coast News", "2025-03-03"))
    report = run_index(settings, embedder=hashing)

    assert report.added == ["live/ferry-update.md"] and len(report.unchanged) == 4
    assert signings == [UPDATE] and report.articles_signed == 1 and report.stories_changed == 0
    catalog = catalog_of(settings, hashing)
    assert catalog.story("live/ferry-update.md") == "coast/ferry.md"
    assert catalog.duplicates("coast/ferry.md")[0].id == "live/ferry-update.md"

    signings.clear()
    assert run_index(settings, embedder=hashing).unchanged and signings == []  # nothing changed: nothing hashed


def test_an_older_member_renames_the_group_and_deleting_it_restores_the_name(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder, signings: list[str]) -> None:
    syndicated_corpus(corpus_dir)
    run_index(settings, embedder=hashing)
    signings.clear()
    older = write_markdown(corpus_dir, "archive/ferry-early.md", body=FERRY,
                           front_matter=ferry_front("Island Radio", "2025-02-28"))

    report = run_index(settings, embedder=hashing)

    catalog = catalog_of(settings, hashing)
    assert {catalog.story(a) for a in FERRY_IDS | {"archive/ferry-early.md"}} == {"archive/ferry-early.md"}
    assert len(signings) == 1 and report.stories_changed == 3  # the three older records: the new one committed so

    older.unlink()
    report = run_index(settings, embedder=hashing)

    assert report.deleted == ["archive/ferry-early.md"] and len(signings) == 1
    catalog = catalog_of(settings, hashing)
    assert {catalog.story(a) for a in FERRY_IDS} == {"coast/ferry.md"}
    assert_complete(open_store(settings, hashing), settings)


def test_a_changed_article_leaves_its_group(settings: IndexSettings, corpus_dir: Path,
                                            hashing: HashingEmbedder) -> None:
    syndicated_corpus(corpus_dir)
    run_index(settings, embedder=hashing)
    write_markdown(corpus_dir, "coast/ferry.md", body=TRAIN.replace("night train", "day train"),
                   front_matter=ferry_front("Coast News", "2025-03-01"))

    run_index(settings, embedder=hashing)

    catalog = catalog_of(settings, hashing)
    url = "url:https://coastnews.example/ferry?utm_source=feed"
    assert catalog.story(url) == catalog.story("wire/ferry-copy.md") == url  # the oldest left: the next one
    assert catalog.story("coast/ferry.md") == "rail/train.md"  # now a copy of the train story
    assert_complete(open_store(settings, hashing), settings)


def test_rebuild_recomputes_the_groups(settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder,
                                       signings: list[str]) -> None:
    syndicated_corpus(corpus_dir)
    run_index(settings, embedder=hashing)
    before = assert_stories_settled(open_store(settings, hashing), settings)
    signings.clear()

    report = run_index(settings, embedder=hashing, rebuild=True)

    assert report.ok and len(signings) == 4  # every article hashed again, into the new epoch
    assert assert_stories_settled(open_store(settings, hashing), settings) == before


def test_other_thresholds_regroup_from_the_stored_signatures(make_settings, corpus_dir: Path,
                                                             hashing: HashingEmbedder, signings: list[str]) -> None:
    syndicated_corpus(corpus_dir)
    run_index(make_settings(), embedder=hashing)
    reader = catalog_of(make_settings(), hashing)  # a running bot's catalogue, from before the regrouping
    signings.clear()
    strict = make_settings(near_duplicate_threshold=1.0, near_duplicate_containment=1.0)

    report = run_index(strict, embedder=hashing)

    assert signings == [] and len(report.unchanged) == 4
    catalog = catalog_of(strict, hashing)
    assert catalog.story("url:https://coastnews.example/ferry?utm_source=feed") == "coast/ferry.md"  # same body
    assert catalog.story("wire/ferry-copy.md") == "wire/ferry-copy.md"  # its edits are a difference now
    assert catalog.generation == reader.generation + 1, "a regrouping is one new generation: readers reload"
    updated, _ = reader.updated(open_store(strict, hashing))  # reads only the records that changed
    assert updated.story("wire/ferry-copy.md") == "wire/ferry-copy.md" != reader.story("wire/ferry-copy.md")
    assert_complete(open_store(strict, hashing), strict)


def test_an_index_made_without_signatures_is_signed_once_from_its_bodies(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder, signings: list[str]) -> None:
    syndicated_corpus(corpus_dir)
    run_index(settings, embedder=hashing)
    store = open_store(settings, hashing)
    ids = list(store.article_infos())
    store.update_article_metadata({a: {"minhash_v": "older", "minhash": "", "story": a} for a in ids})
    signings.clear()

    report = run_index(settings, embedder=hashing)

    assert len(report.unchanged) == 4 and report.chunks_embedded == 0
    assert sorted(signings) == sorted(store.article_bodies(ids).values())
    assert catalog_of(settings, hashing).story("wire/ferry-copy.md") == "coast/ferry.md"
    signings.clear()
    run_index(settings, embedder=hashing)
    assert signings == []
    assert_complete(open_store(settings, hashing), settings)


def test_a_run_killed_before_the_groups_are_settled_is_settled_by_the_next(
        settings: IndexSettings, corpus_dir: Path, hashing: HashingEmbedder, signings: list[str]) -> None:
    class Killed(BaseException):
        pass

    def kill_at_regrouping(kind: str) -> None:
        if kind == "update_articles":
            raise Killed(kind)

    syndicated_corpus(corpus_dir)
    run_index(settings, embedder=hashing)
    write_markdown(corpus_dir, "archive/ferry-early.md", body=FERRY,
                   front_matter=ferry_front("Island Radio", "2025-02-28"))
    with pytest.raises(Killed):
        run_index(settings, embedder=hashing, store=Store.open(settings, on_write=kill_at_regrouping))
    signings.clear()

    report = run_index(settings, embedder=hashing)

    assert report.ok and signings == []  # committed before the kill: nothing to hash again
    assert catalog_of(settings, hashing).story("coast/ferry.md") == "archive/ferry-early.md"
    assert_complete(open_store(settings, hashing), settings)
