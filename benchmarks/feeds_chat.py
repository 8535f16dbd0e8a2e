"""Publication -> answerable *in the chat*: the real bot polls a feed and a reader's question quotes the story.

Part of `python -m benchmarks.feeds` (and `make bench`). The real PTB `Application`
(`bot.telegram.app.build_application`, long polling) runs against the tests' fake Bot API
(testing/telegram_api/) and polls a local news site (testing/news_site.py) with its JobQueue every
FEED_INTERVAL; an admin subscribes with /addfeed. The other settings are the defaults (FEED_HOST_DELAY
1 s, the e5 embedder, offline answers). Each story is published at a random moment of the poll cycle;
after the first poll that indexed it, a reader asks its question in the chat, and the time is taken when
the answer that cites the story's link reaches the chat. Reported per story and as medians:

* publication -> answer in the chat (the issue's target: <= 60 s with the default settings scaled);
* the wait for the poll, and the processing after it (feed and page fetch with the politeness delay,
  extraction, incremental index, engine reload, follow matching, the question and its answer), with
  the poll's own part (fetch and index) and the indexing apart;
* embedding the article alone, and processing / embedding (the issue's target: <= 2x).
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from benchmarks.common import ROOT, fresh, median, ratio, say, settings_for

TOKEN = "123456789:AAH-bench-feeds-token_0123456789abcdef"
ADMIN, READER = 4242, 5151
#: polls waited for one story before it counts as never answerable
MAX_POLLS_PER_STORY = 10


def measure_chat(work: Path, embedder, *, interval: float, stories: list, seed: int = 11,
                 archive: Path | None = None) -> dict:
    return asyncio.run(_measure(work, embedder, interval, stories, seed, archive))


async def _measure(work: Path, embedder, interval: float, stories: list, seed: int, archive: Path | None) -> dict:
    from benchmarks.feeds import embed_alone, seed_archive
    from bot.engine import build_engine
    from bot.telegram.app import build_application, polling
    from index.indexer import run_index
    from testing.news_site import NewsSite
    from testing.telegram_api import FakeTelegramAPI
    from testing.telegram_updates import make_command_update, make_message_update

    rng = random.Random(seed)
    folder = fresh(work)
    seed_archive(folder, archive)
    corpus = folder / "corpus"
    corpus.mkdir()
    first = ROOT / "corpus" / "putin-hosts-ex-hostages.txt"  # the bot refuses an empty index: one article
    (corpus / first.name).write_bytes(first.read_bytes())
    rows: list[dict] = []
    with FakeTelegramAPI(TOKEN) as fake, NewsSite() as site:
        settings = settings_for(folder, telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                                admin_user_ids=frozenset({ADMIN}), feeds_allow_private=True, feed_interval=interval,
                                questions_per_minute=1000, status_after=3600.0)
        # that file only: a full run would delete the seeded archive's articles, whose files are elsewhere
        await asyncio.to_thread(run_index, settings, [corpus / first.name], embedder=embedder)
        engine = await asyncio.to_thread(build_engine, settings, embedder=embedder)
        site.publish([])
        async with polling(build_application(settings, engine)) as app:
            polls = app.bot_data.services.polls
            fake.push_update(make_command_update("addfeed", site.url("/feed.xml"), user_id=ADMIN))
            await fake.wait_for_messages(ADMIN, 1, timeout=120)
            published: list[tuple[str, str, list[str]]] = []
            for story in stories:
                await asyncio.sleep(rng.uniform(0, interval))  # a random moment of the poll cycle
                published.insert(0, (story.slug, story.title, story.paragraphs))
                url = site.publish(published)[story.slug]
                t0, seen = time.perf_counter(), polls.completed
                row = {"story": story.slug, "answerable": False}
                try:
                    await polls.wait(lambda m: m.completed >= seen + MAX_POLLS_PER_STORY
                                     or any(a.url == url for a in engine.articles()), interval * MAX_POLLS_PER_STORY)
                except TimeoutError:
                    pass
                polled, poll_start, report = time.perf_counter(), polls.started_at, polls.last
                before = len(fake.sent_messages(READER))
                fake.push_update(make_message_update(story.question, user_id=READER))
                [answer] = (await fake.wait_for_messages(READER, before + 1, timeout=120))[before:]
                done = time.perf_counter()
                if url in answer.params["text"]:
                    row.update(answerable=True, total_s=done - t0, wait_s=max(0.0, poll_start - t0),
                               processing_s=done - max(poll_start, t0), ask_s=done - polled,
                               fetch_index_s=report.seconds if report is not None else float("nan"),
                               index_s=report.index.seconds if report is not None and report.index else 0.0)
                row["embed_alone_s"] = await asyncio.to_thread(embed_alone, settings, embedder, story, 3)
                rows.append(row)
                say(f"feeds (chat): {story.slug}: " + (f"answered in the chat after {row['total_s']:.2f} s"
                                                       if row["answerable"] else "not answerable"))
    engine.close()
    ok = [r for r in rows if r["answerable"]]
    return {
        "interval_s": interval, "host_delay_s": settings.feed_host_delay, "embed_model": embedder.name,
        "stories": len(rows), "answerable": len(ok), "rows": rows,
        "total_s": median([r["total_s"] for r in ok]),
        "total_max_s": max((r["total_s"] for r in ok), default=float("nan")),
        "wait_s": median([r["wait_s"] for r in ok]), "processing_s": median([r["processing_s"] for r in ok]),
        "ask_s": median([r["ask_s"] for r in ok]), "embed_alone_s": median([r["embed_alone_s"] for r in rows]),
        "processing_to_embed": median([ratio(r["processing_s"], r["embed_alone_s"]) for r in ok]),
    }


def render_chat(result: dict) -> str:
    lines = [
        f"publication -> answer in the chat (real bot, fake Bot API), FEED_INTERVAL {result['interval_s']:g} s "
        f"(FEED_HOST_DELAY {result['host_delay_s']:g} s, {result['embed_model']}), "
        f"{result['answerable']}/{result['stories']} stories answerable",
        "",
        f"{'story':<10} {'total s':>8} {'wait s':>7} {'process s':>9} {'poll s':>7} {'index s':>7} {'ask s':>6} "
        f"{'embed s':>7} {'proc/embed':>10}",
    ]
    for row in result["rows"]:
        if not row["answerable"]:
            lines.append(f"{row['story']:<10} {'never':>8}")
            continue
        lines.append(f"{row['story']:<10} {row['total_s']:>8.2f} {row['wait_s']:>7.2f} {row['processing_s']:>9.2f} "
                     f"{row['fetch_index_s']:>7.2f} {row['index_s']:>7.2f} {row['ask_s']:>6.2f} "
                     f"{row['embed_alone_s']:>7.3f} {ratio(row['processing_s'], row['embed_alone_s']):>10.1f}")
    lines += [
        "",
        f"median publication -> answer in the chat: {result['total_s']:.2f} s (max {result['total_max_s']:.2f} s); "
        f"processing after the poll {result['processing_s']:.2f} s = {result['processing_to_embed']:.1f}x "
        "embedding the article alone",
    ]
    return "\n".join(lines)
