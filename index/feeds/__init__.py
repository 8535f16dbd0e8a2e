"""Feeds: subscribe to RSS/Atom feeds, fetch their article pages into the corpus, index them.

The rules a maintainer relies on are in docs/feeds.md. Modules, one job each:

* `urls` — which URLs are fetched, the link an article keeps, when two URLs are one article;
* `addresses` — which network addresses may be connected to (no private ones by default);
* `client` — the careful HTTP client (timeouts, caps, types, redirects, conditional GET, pacing);
* `parsing` — RSS 2.0 / RSS 1.0 / Atom with feedparser;
* `pages` — an article page into an article record (trafilatura, via `index.htmltext`);
* `archive` — article records as `.md` files with front matter under the corpus folder;
* `registry` — subscriptions, items and articles in SQLite under DATA_DIR;
* `service` — the orchestrator (`FeedService`, `fetch_feeds`, `add_page`);
* `report` — what a fetch did (`FetchReport`).

Nothing here imports the bot: indexing is a callable handed in (`index_paths`).
"""

from index.feeds.errors import FeedRegistryError, FeedsBusyError, FetchError
from index.feeds.registry import Feed
from index.feeds.report import Failure, FeedResult, FetchReport, ItemResult
from index.feeds.service import MAX_ITEM_ATTEMPTS, FeedService, IndexPaths, add_page, fetch_feeds

__all__ = [
    "MAX_ITEM_ATTEMPTS",
    "Failure",
    "Feed",
    "FeedRegistryError",
    "FeedResult",
    "FeedService",
    "FeedsBusyError",
    "FetchError",
    "FetchReport",
    "IndexPaths",
    "ItemResult",
    "add_page",
    "fetch_feeds",
]
