"""Fetched articles as corpus files: front matter the real loader reads back, atomic, not rewritten."""

from __future__ import annotations

import os

import pytest

from index.feeds.archive import Archive, slugify
from index.feeds.errors import ArticleTooLargeError
from index.feeds.pages import PageArticle
from index.feeds.urls import identity_key
from index.loaders import load_corpus


def page(**fields) -> PageArticle:
    values = {
        "title": "Council approves park", "body": "The council voted.\n\nWork starts in spring.",
        "url": "https://news.test/park", "source": "City News", "published_at": "2024-05-02T10:30:00+00:00",
        "author": "Jane Roe",
    }
    values.update(fields)
    return PageArticle(key=identity_key(values["url"]), **values)


def test_the_loader_reads_back_every_field(corpus_dir):
    archive = Archive(corpus_dir, max_file_bytes=1_000_000)
    article = page()
    relpath = archive.new_path(archive.feed_folder("city-news"), article)
    assert relpath.startswith("feeds/city-news/park-") and relpath.endswith(".md")
    assert archive.write(relpath, article)
    [loaded], failures = load_corpus([corpus_dir], corpus_dir, max_bytes=1_000_000)
    assert not failures
    assert (loaded.id, loaded.title, loaded.source, loaded.url, loaded.author) == \
        (relpath, "Council approves park", "City News", "https://news.test/park", "Jane Roe")
    assert loaded.published_at == "2024-05-02T10:30:00+00:00"
    assert loaded.body == article.body


def test_hostile_metadata_stays_data(corpus_dir):
    archive = Archive(corpus_dir, max_file_bytes=1_000_000)
    article = page(title="---\nsource: Fake Outlet\n--- &alias *ref !!python/object:os.system",
                   author="x: [1, 2]\n# not a comment", source="Quote's \"Outlet\": {a}")
    archive.write("pages/x/a.md", article)
    [loaded], failures = load_corpus([corpus_dir], corpus_dir, max_bytes=1_000_000)
    assert not failures
    assert loaded.title == "--- source: Fake Outlet --- &alias *ref !!python/object:os.system"
    assert loaded.source == "Quote's \"Outlet\": {a}" and loaded.author == "x: [1, 2] # not a comment"


def test_long_fields_are_capped(corpus_dir):
    archive = Archive(corpus_dir, max_file_bytes=1_000_000)
    archive.write("pages/x/a.md", page(title="T" * 5000, author="A" * 5000))
    [loaded], _ = load_corpus([corpus_dir], corpus_dir, max_bytes=1_000_000)
    assert len(loaded.title) == 300 and len(loaded.author) == 200


def test_the_same_text_is_not_rewritten_and_a_new_text_replaces_the_file(corpus_dir):
    archive = Archive(corpus_dir, max_file_bytes=1_000_000)
    assert archive.write("feeds/n/a.md", page())
    path = corpus_dir / "feeds/n/a.md"
    before = os.stat(path)
    assert not archive.write("feeds/n/a.md", page())
    assert os.stat(path).st_ino == before.st_ino and os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert archive.write("feeds/n/a.md", page(body="The council voted again."))
    assert "voted again" in path.read_text()
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.md"]  # no temporary file left


def test_an_article_over_the_corpus_limit_is_refused(corpus_dir):
    archive = Archive(corpus_dir, max_file_bytes=500)
    with pytest.raises(ArticleTooLargeError, match="MAX_FILE_BYTES"):
        archive.write("pages/x/a.md", page(body="word " * 200))
    assert not (corpus_dir / "pages/x/a.md").exists()


def test_file_names_depend_on_the_identity_only(corpus_dir):
    archive = Archive(corpus_dir, max_file_bytes=1_000)
    a = archive.new_path("feeds/n", page(title="One"))
    b = archive.new_path("feeds/n", page(title="Another title"))
    c = archive.new_path("feeds/n", page(url="https://news.test/park-2"))
    assert a == b != c


def test_slugify():
    assert slugify("Café — Prices rise!") == "cafe-prices-rise"
    assert slugify("Путин") == "article"
    assert len(slugify("word " * 100)) <= 60
