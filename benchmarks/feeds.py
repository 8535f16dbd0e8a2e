"""Publication -> answerable: how long after a story appears in a feed the engine, and the bot in a chat, quote it.

    python -m benchmarks.feeds                 # 6 stories, polls every 5 s (default host delay)
    python -m benchmarks.feeds --quick         # 1 story, polls every 2 s (the bot: 5 s, its minimum)
    python -m benchmarks.feeds --interval 60   # the default FEED_INTERVAL
    python -m benchmarks.feeds --archive DIR   # on a copy of an indexed archive (DIR/chroma, DIR/data)

Three parts, in one run: this module's poller around the engine (below; twice, side by side: items
that link to their pages, and items that carry their text), the real bot in a chat
(`benchmarks.feeds_chat`), and the supports that chose FOLLOW_MIN_SUPPORT (`benchmarks.follow_support`).

A local news site (testing/news_site.py, 127.0.0.1) serves an RSS feed. A poller thread calls
`FeedService.fetch_feeds(engine.reindex)` at a fixed rate (what `newsbot serve` does with PTB's
JobQueue). Each story is published at a random moment of the poll cycle (its page and the feed
updated at once); after every poll the benchmark asks the story's question, and the story is
answerable when `engine.ask` cites its URL. Reported side by side, per story and as medians:

* publication -> answerable (the issue's target: <= 60 s with the default settings);
* the wait for the next poll, and the processing after it (feed + page fetch with the politeness
  delay, extraction, write, incremental index, engine reload, the question);
* the time to embed the article alone (its chunks' sentences, as the indexer embeds them),
  and processing / embedding (the issue's target: <= 2x).
"""

from __future__ import annotations

import argparse
import random
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.common import DEFAULT_WORK, ROOT, Context, fresh, median, quiet_logs, ratio, say, settings_for

TARGET_SECONDS = 60.0
TARGET_EMBED_RATIO = 2.0
#: polls waited for one story before it counts as never answerable
MAX_POLLS_PER_STORY = 10


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: list[str]
    question: str


STORIES = [
    Story("tram", "Airport tram line opens in September", [
        "The regional transport authority said on Thursday that the new tram line to the airport will open in "
        "September, after three years of construction.",
        "The line will have eleven stops, and trams will run every seven minutes during the day.",
        "Building the airport tram line cost 212 million euros, financed partly by the European Investment Bank.",
    ], "How much did the airport tram line cost?"),
    Story("library", "Central library extends its opening hours", [
        "The central library will stay open until midnight on weekdays from next month, the city's culture "
        "department announced.",
        "The longer opening hours of the central library follow a petition signed by 8,400 students.",
        "Four additional librarians will be hired to staff the evening shifts.",
    ], "How many students signed the petition for longer library opening hours?"),
    Story("harbour", "Harbour crane collapses during storm", [
        "A container crane at the northern harbour collapsed during Tuesday night's storm, port officials said.",
        "Wind gusts of 140 kilometres per hour were measured at the harbour when the crane fell.",
        "Nobody was injured, but two ships had to wait at anchor until the wreckage was cleared.",
    ], "How strong were the wind gusts when the harbour crane collapsed?"),
    Story("marathon", "Kenyan runner wins city marathon in record time", [
        "Kenyan runner Grace Wanjiru won the city marathon on Sunday in a course record of 2 hours 19 minutes.",
        "About 14,000 runners took part in the marathon, a thousand more than last year.",
        "The previous course record had stood since 2011.",
    ], "Who won the city marathon?"),
    Story("bakery", "Historic bakery closes after 130 years", [
        "The Müller bakery on Market Street, open since 1894, will close at the end of the month, its owners said.",
        "Rising energy prices made the wood-fired ovens of the historic bakery too expensive to run.",
        "The building will be turned into a café by a local cooperative.",
    ], "Why is the historic Müller bakery closing?"),
]


def corpus_story() -> Story:
    """The project's first corpus article (584 words, a real news article) as a story."""
    from index.loaders import load_corpus

    path = ROOT / "corpus" / "putin-hosts-ex-hostages.txt"
    [article], _ = load_corpus([path], path.parent, max_bytes=5_000_000)
    return Story("putin", article.title, article.body.split("\n\n"), "Where did Putin meet the freed hostages?")


def _page(story: Story, url: str) -> str:
    from testing.news_site import article_page

    return article_page(story.title, story.paragraphs, canonical=url)


@dataclass(frozen=True)
class Poll:
    start: float
    end: float
    report: object  # FetchReport
    politeness_s: float  # slept by the host pacer during the poll


class Poller:
    """Polls at a fixed rate in a thread, recording each poll's start, end and report."""

    def __init__(self, service, index_paths, interval: float) -> None:
        self.service, self.index_paths, self.interval = service, index_paths, interval
        self.polls: list[Poll] = []
        self.changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="feed-poller", daemon=True)

    def __enter__(self) -> Poller:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        next_start = time.perf_counter()
        pacer = self.service.crawler.pacer
        while not self._stop.is_set():
            start, waited = time.perf_counter(), pacer.waited
            report = self.service.fetch_feeds(self.index_paths)
            with self.changed:
                self.polls.append(Poll(start, time.perf_counter(), report, pacer.waited - waited))
                self.changed.notify_all()
            next_start += self.interval
            self._stop.wait(max(0.0, next_start - time.perf_counter()))

    def wait_for_poll_after(self, moment: float, seen: int) -> int:
        """Block until more than `seen` polls ended after `moment`; the index of the newest."""
        with self.changed:
            self.changed.wait_for(lambda: sum(1 for poll in self.polls if poll.end > moment) > seen)
            return len(self.polls) - 1


def embed_alone(settings, embedder, story: Story, repeats: int) -> float:
    """Seconds to embed the article's chunk sentences, as the indexer embeds them (median of runs)."""
    from index.chunker import Chunker
    from index.indexer import sentence_texts
    from index.models import Article

    article = Article(id=story.slug, title=story.title, body="\n\n".join(story.paragraphs))
    texts = [t for chunk in Chunker(settings.chunk_size, settings.chunk_overlap).chunk(article)
             for t in sentence_texts(chunk)]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        embedder.embed_passages(texts)
        times.append(time.perf_counter() - started)
    return median(times)


def seed_archive(folder: Path, archive: Path | None) -> None:
    """Start `folder` from a copy of an indexed archive (its `chroma/` and `data/`, as `settings_for` lays them
    out; indexed with the benchmark's embedder), so that the fixed costs of a poll are those of a real
    archive's size; nothing when `archive` is None (an empty archive)."""
    if archive is None:
        return
    for part in ("chroma", "data"):
        if not (archive / part).is_dir():
            raise SystemExit(f"--archive {archive}: no {part}/ folder there; give the folder of an index built "
                             "with benchmarks.common.settings_for (e.g. a benchmarks.realnews work folder)")
        shutil.copytree(archive / part, folder / part)
    (folder / "data" / "index.lock").unlink(missing_ok=True)


def measure(work: Path, embedder, *, interval: float, stories: list[Story], seed: int = 7,
            full_text: bool = False, archive: Path | None = None) -> dict:
    """`full_text`: the feed's items carry the stories' text (content:encoded), so no page is downloaded.
    `archive`: start from a copy of this indexed archive (`seed_archive`)."""
    from bot.engine import build_engine
    from index.feeds import FeedService
    from testing.news_site import RSS, NewsSite, paragraphs_html, rss20
    from testing.news_site import Story as FeedStory

    rng = random.Random(seed)
    folder = fresh(work)
    seed_archive(folder, archive)
    settings = settings_for(folder, feeds_allow_private=True)  # the local site is on 127.0.0.1
    (folder / "corpus").mkdir(parents=True, exist_ok=True)
    engine = build_engine(settings, embedder=embedder)
    archive_articles = len(engine.catalog.articles)
    published: list = []
    rows = []
    when = datetime(2024, 5, 1, tzinfo=timezone.utc)
    with NewsSite() as site, FeedService(settings) as service:
        site.put("/feed.xml", rss20("City News", []), RSS)
        service.add_feed(site.url("/feed.xml"))
        with Poller(service, engine.reindex, interval) as poller:
            for n, story in enumerate(stories):
                time.sleep(rng.uniform(0, interval))  # a random moment of the poll cycle
                url = site.url(f"/2024/05/{story.slug}")
                site.put(f"/2024/05/{story.slug}", _page(story, url))
                published.insert(0, FeedStory(story.title, url, published=when + timedelta(hours=n),
                                              content=paragraphs_html(story.paragraphs) if full_text else ""))
                site.put("/feed.xml", rss20("City News", published), RSS)
                t0 = time.perf_counter()
                row = {"story": story.slug, "answerable": False}
                for attempt in range(MAX_POLLS_PER_STORY):
                    index = poller.wait_for_poll_after(t0, attempt)
                    poll = poller.polls[index]
                    answer = engine.ask(story.question)
                    if any(c.url == url for c in answer.citations):
                        done = time.perf_counter()
                        report = poll.report
                        indexed = report.index.seconds if report.index is not None else 0.0
                        row.update(answerable=True, total_s=done - t0, wait_s=max(0.0, poll.start - t0),
                                   processing_s=done - max(poll.start, t0), politeness_s=poll.politeness_s,
                                   fetch_s=report.seconds - indexed - poll.politeness_s, index_s=indexed,
                                   ask_s=done - poll.end)
                        break
                row["embed_alone_s"] = embed_alone(settings, embedder, story, repeats=3)
                rows.append(row)
                say(f"feeds: {story.slug}: " + (f"answerable after {row['total_s']:.2f} s" if row["answerable"]
                                                else f"not answerable after {MAX_POLLS_PER_STORY} polls"))
    engine.close()
    ok = [r for r in rows if r["answerable"]]

    def med(key: str) -> float:
        return median([r[key] for r in ok])

    embed = median([r["embed_alone_s"] for r in rows])
    return {
        "interval_s": interval, "host_delay_s": settings.feed_host_delay, "embed_model": embedder.name,
        "full_text": full_text, "archive_articles": archive_articles,
        "stories": len(rows), "answerable": len(ok), "rows": rows,
        "total_s": med("total_s"), "total_max_s": max((r["total_s"] for r in ok), default=float("nan")),
        "wait_s": med("wait_s"), "processing_s": med("processing_s"), "politeness_s": med("politeness_s"),
        "fetch_s": med("fetch_s"), "index_s": med("index_s"), "embed_alone_s": embed,
        "processing_to_embed": median([ratio(r["processing_s"], r["embed_alone_s"]) for r in ok]),
        "without_politeness_to_embed": median([ratio(r["processing_s"] - r["politeness_s"], r["embed_alone_s"])
                                               for r in ok]),
        "target_s": TARGET_SECONDS, "target_embed_ratio": TARGET_EMBED_RATIO,
    }


def chosen_stories(quick: bool, count: int | None = None) -> list[Story]:
    """Quick: one short story. Full: the real 584-word corpus article first, then the short ones."""
    stories = STORIES[:1] if quick else [corpus_story(), *STORIES]
    return stories[: max(1, min(count, len(stories)))] if count else stories


def run(ctx: Context, *, interval: float | None = None, count: int | None = None,
        archive: Path | None = None) -> dict:
    """The three parts: the engine's poller, the real bot in a chat, the follow-support distribution."""
    from benchmarks.feeds_chat import measure_chat
    from benchmarks.follow_support import measure_support

    interval = interval or (2.0 if ctx.quick else 5.0)
    stories = chosen_stories(ctx.quick, count)
    return {
        "engine": measure(ctx.work / "feeds", ctx.embedder, interval=interval, stories=stories, archive=archive),
        "engine_full_text": measure(ctx.work / "feeds-full-text", ctx.embedder, interval=interval, stories=stories,
                                    full_text=True, archive=archive),
        # FEED_INTERVAL is at least 5 s: the bot's poll job runs at that rate
        "chat": measure_chat(ctx.work / "feeds-chat", ctx.embedder, interval=max(5.0, interval), stories=stories,
                             archive=archive),
        "follow_support": measure_support(ctx.work / "follow-support", ctx.embedder,
                                          chosen_stories(False)[:2] if ctx.quick else chosen_stories(False)),
    }


def render(result: dict) -> str:
    from benchmarks.feeds_chat import render_chat
    from benchmarks.follow_support import render_support

    parts = [render_engine(result["engine"])]
    if "engine_full_text" in result:
        parts.append(render_engine(result["engine_full_text"]))
    return "\n\n".join((*parts, render_chat(result["chat"]), render_support(result["follow_support"])))


def render_engine(result: dict) -> str:
    lines = [
        f"publication -> answerable, polling every {result['interval_s']:g} s "
        f"(FEED_HOST_DELAY {result['host_delay_s']:g} s, {result['embed_model']}), "
        f"{result['answerable']}/{result['stories']} stories answerable, "
        f"archive of {result.get('archive_articles', 0):,} articles; "
        + ("the items carry the text (no page downloaded)" if result.get("full_text") else
           "the items link to their pages (downloaded)"),
        "",
        f"{'story':<10} {'total s':>8} {'wait s':>7} {'process s':>9} {'polite s':>8} {'fetch s':>7} "
        f"{'index s':>7} {'embed s':>7} {'proc/embed':>10} {'-polite/embed':>13}",
    ]
    for row in result["rows"]:
        if not row["answerable"]:
            lines.append(f"{row['story']:<10} {'never':>8}")
            continue
        lines.append(
            f"{row['story']:<10} {row['total_s']:>8.2f} {row['wait_s']:>7.2f} {row['processing_s']:>9.2f} "
            f"{row['politeness_s']:>8.2f} {row['fetch_s']:>7.2f} {row['index_s']:>7.2f} {row['embed_alone_s']:>7.3f} "
            f"{ratio(row['processing_s'], row['embed_alone_s']):>10.1f} "
            f"{ratio(row['processing_s'] - row['politeness_s'], row['embed_alone_s']):>13.1f}")
    lines += [
        "",
        f"median publication -> answerable: {result['total_s']:.2f} s (max {result['total_max_s']:.2f} s; "
        f"target <= {result['target_s']:g} s)",
        f"median processing after the poll: {result['processing_s']:.2f} s, of which {result['politeness_s']:.2f} s "
        f"politeness delay; {result['processing_to_embed']:.1f}x the time to embed the article alone, "
        f"{result['without_politeness_to_embed']:.1f}x without the politeness delay "
        f"(target <= {result['target_embed_ratio']:g}x)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.feeds", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one story, a poll every 2 s")
    parser.add_argument("--interval", type=float, help="seconds between polls (FEED_INTERVAL of the run)")
    parser.add_argument("--stories", type=int, help=f"how many stories to publish (1-{len(STORIES) + 1})")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="working folder (default .bench/)")
    parser.add_argument("--archive", type=Path,
                        help="start from a copy of this indexed archive (its chroma/ and data/; same embedder)")
    args = parser.parse_args(argv)
    quiet_logs()
    ctx = Context(quick=args.quick, work=args.work.resolve())
    result = run(ctx, interval=args.interval, count=args.stories, archive=args.archive)
    print(render(result))
    parts = ("engine", "engine_full_text", "chat")
    return 0 if all(result[part]["answerable"] == result[part]["stories"] for part in parts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
