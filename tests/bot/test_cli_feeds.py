"""`newsbot feeds add|list|remove`, `newsbot fetch`, `newsbot add URL` in-process (`bot.cli.main`).

Everything real: the local news site (testing/news_site.py, 127.0.0.1, so FEEDS_ALLOW_PRIVATE=true),
httpx, feedparser, trafilatura, the feed registry, and the indexer `newsbot index` runs (MiniLM);
`newsbot sources --json` shows what reached the index.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from bot.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from testing.news_site import RSS, NewsSite, article_page

pytestmark = pytest.mark.e2e

PARK = ["The city council voted on Tuesday to turn the old freight yard into a riverside park, the mayor said.",
        "Construction of the riverside park is expected to start next spring and to last two years.",
        "The council approved a budget of 14 million euros for the park, most of it for cleaning the soil."]
TRAM = ["The regional transport authority said on Thursday that the new tram line to the airport will open in "
        "September, after three years of construction.",
        "Building the airport tram line cost 212 million euros, financed partly by the European Investment Bank."]
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as server:
        yield server


@pytest.fixture
def cli(newsbot: Run, tmp_path: Path) -> Run:
    """`newsbot` with the corpus in tmp_path, the local site allowed and no politeness delay."""

    def run(*argv: str, **env: str) -> tuple[int, str, str]:
        base = {"CORPUS_DIR": str(tmp_path / "corpus"), "FEEDS_ALLOW_PRIVATE": "true", "FEED_HOST_DELAY": "0"}
        return newsbot(*argv, **{**base, **env})

    return run


def indexed_urls(cli: Run) -> set[str]:
    status, out, err = cli("sources", "--json")
    assert status == EXIT_OK, err
    return {a["url"] for a in json.loads(out)}


def test_subscribe_fetch_list_and_remove(cli: Run, site: NewsSite, tmp_path: Path) -> None:
    urls = site.publish([("park", "Council approves riverside park", PARK),
                         ("tram", "Airport tram line opens in September", TRAM)])
    status, out, err = cli("feeds", "add", site.url("/feed.xml"), "--name", "City Desk")
    assert status == EXIT_OK, err
    assert "City Desk" in out and site.url("/feed.xml") in out

    status, out, err = cli("feeds", "list")
    assert status == EXIT_OK and "City Desk" in out and "never" in out  # not polled yet

    status, out, err = cli("fetch")
    assert status == EXIT_OK, out + err
    assert "City Desk" in out and "indexed 2 added" in out and "failed:" not in out
    assert indexed_urls(cli) == set(urls.values())
    assert len(list((tmp_path / "corpus" / "feeds").rglob("*.md"))) == 2

    status, out, _ = cli("fetch", "--json")  # the second fetch downloads nothing: the feed answers 304
    report = json.loads(out)
    assert status == EXIT_OK and report["feeds"][0]["status"] == "not-modified"
    assert report["counts"] == {"new": 0, "updated": 0, "unchanged": 0, "failed": 0}
    assert report["index"] is None and report["failures"] == []

    status, out, _ = cli("feeds", "list", "--json")
    [feed] = json.loads(out)
    assert feed["name"] == "City Desk" and feed["url"] == site.url("/feed.xml")
    assert feed["items"] == 2 and feed["last_success"] and feed["last_error"] is None

    status, out, err = cli("feeds", "remove", "city desk")  # names are case-insensitive
    assert status == EXIT_OK and "stay in the corpus" in out, err
    status, out, _ = cli("feeds", "list")
    assert "No feeds are subscribed" in out
    assert indexed_urls(cli) == set(urls.values())  # the articles stay


def test_fetch_names_each_failure_indexes_the_rest_and_exits_1(cli: Run, site: NewsSite) -> None:
    urls = site.publish([("park", "Council approves riverside park", PARK),
                         ("tram", "Airport tram line opens in September", TRAM)])
    site.put("/2024/05/tram", "gone", status=404)
    assert cli("feeds", "add", site.url("/feed.xml"))[0] == EXIT_OK

    status, out, err = cli("fetch")
    assert status == EXIT_FAILED, out + err
    assert f"failed: {urls['tram']}" in out and "404" in out
    assert "everything else was fetched and indexed" in out
    assert indexed_urls(cli) == {urls["park"]}

    status, out, _ = cli("feeds", "list", "--json")
    [feed] = json.loads(out)
    assert urls["tram"] in feed["last_error"] and "404" in feed["last_error"]

    site.put("/2024/05/tram", article_page("Airport tram line opens in September", TRAM, canonical=urls["tram"]))
    status, out, err = cli("fetch")  # retried on the next fetch
    assert status == EXIT_OK, out + err
    assert indexed_urls(cli) == set(urls.values())
    status, out, _ = cli("feeds", "list", "--json")
    assert json.loads(out)[0]["last_error"] is None


def test_add_one_page(cli: Run, site: NewsSite) -> None:
    url = site.url("/2024/05/park")
    site.put("/2024/05/park", article_page("Council approves riverside park", PARK, canonical=url))
    status, out, err = cli("add", url)
    assert status == EXIT_OK, out + err
    assert "indexed 1 added" in out
    assert indexed_urls(cli) == {url}

    status, out, _ = cli("add", site.url("/missing"))
    assert status == EXIT_FAILED and f"failed: {site.url('/missing')}" in out and "404" in out
    status, out, err = cli("add", "ftp://news.example/story")
    assert status == EXIT_USAGE and err.startswith("error: ftp://news.example/story") and out == ""


def test_subscription_errors_say_what_to_do(cli: Run, site: NewsSite) -> None:
    site.publish([("park", "Council approves riverside park", PARK)])
    feed = site.url("/feed.xml")
    status, _, err = cli("feeds", "add", feed, FEEDS_ALLOW_PRIVATE="false")
    assert status == EXIT_USAGE and "FEEDS_ALLOW_PRIVATE" in err and "127.0.0.1" in err
    assert cli("feeds", "add", feed)[0] == EXIT_OK
    status, _, err = cli("feeds", "add", feed + "?utm_source=x")
    assert status == EXIT_USAGE and "already subscribed" in err
    status, _, err = cli("feeds", "add", site.url("/2024/05/park"))
    assert status == EXIT_USAGE and site.url("/2024/05/park") in err  # a page, not a feed
    site.put("/broken.xml", "oops", RSS, status=503)
    status, _, err = cli("feeds", "add", site.url("/broken.xml"))
    assert status == EXIT_FAILED and "503" in err  # the server's fault: may work later
    status, _, err = cli("feeds", "remove", "Nope")
    assert status == EXIT_USAGE and "newsbot feeds list" in err


def test_fetch_without_feeds_and_while_another_fetch_runs(cli: Run, site: NewsSite, tmp_path: Path) -> None:
    status, out, err = cli("fetch")
    assert status == EXIT_OK and "no feeds are subscribed" in err and out == ""
    site.publish([("park", "Council approves riverside park", PARK)])
    assert cli("feeds", "add", site.url("/feed.xml"))[0] == EXIT_OK
    with FileLock(str(tmp_path / "data" / "feeds.lock")):  # what the bot's poll holds
        status, out, err = cli("fetch")
    assert status == EXIT_FAILED and "Another feed fetch is running" in err
    assert not site.hits_for("/2024/05/park")
