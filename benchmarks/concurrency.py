"""4. Concurrency through the tests' fake Telegram Bot API server (real HTTP, real PTB
`Application` built by `bot.telegram.app.build_application`, long polling, the real engine).

* Load: U users each send Q questions at once (all updates queued before the bot fetches
  them). Every question must be answered exactly once (the engine is asked each question once
  and every chat gets exactly Q messages); we report questions/s and end-to-end time per
  question (update queued → answer message received by the fake server), p50/p95.
* Slow LLM: LLM mode against the fake OpenAI server; one chat's LLM call takes 2 s
  (`Delay`), the others' are immediate. The other chats' end-to-end times are compared with the
  same run without the slow chat. A third run makes as many chats slow as the default thread
  pool has workers (`asyncio.to_thread`: min(32, cores + 4)).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter

from benchmarks import xquad_data
from benchmarks.common import Context, articles_limit, median, percentile, say
from benchmarks.latency import sizes, store_folder

TOKEN = "123456789:AAH-bench-token_0123456789abcdefghij"
SLOW_MARK = "zqxslowchat"
SLOW_SECONDS = 2.0
FIRST_USER = 50_001


class CountingEngine:
    """Delegates to the real engine; records every question asked (and when it finished)."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.asked: list[tuple[str, float]] = []

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    async def ask_async(self, question, history=(), **kwargs):
        result = await self._inner.ask_async(question, history, **kwargs)
        self.asked.append((question, time.monotonic()))
        return result


def running_bot(settings, engine):
    """The bot polling the fake, and what it has in flight (for a deterministic settle)."""
    from bot.telegram.app import build_application, polling
    from testing.app_activity import AppActivity

    app = build_application(settings, engine)
    return polling(app), AppActivity(app)


async def _load(fake, engine, settings, questions: dict[int, list[str]], timeout: float) -> dict:
    from testing.telegram_updates import make_message_update

    counting = CountingEngine(engine)
    bot, activity = running_bot(settings, counting)
    async with bot:
        rounds = max(len(qs) for qs in questions.values())
        t0 = time.monotonic()
        for i in range(rounds):
            for user, qs in questions.items():
                if i < len(qs):
                    fake.push_update(make_message_update(qs[i], user_id=user))

        def all_answered() -> bool:
            return all(len(fake.sent_messages(u)) >= len(qs) for u, qs in questions.items())

        await fake.wait_for(all_answered, timeout=timeout, interval=0.02)
        await fake.settle(activity, timeout=timeout)
    sent = {u: fake.sent_messages(u) for u in questions}
    e2e = {u: [c.at - t0 for c in sent[u]] for u in questions}
    asked = Counter(q.strip() for q, _ in counting.asked)  # the bot strips messages
    expected = Counter(q.strip() for qs in questions.values() for q in qs)
    exactly_once = asked == expected and all(len(sent[u]) == len(qs) for u, qs in questions.items())
    from bot.answer.modes import FALLBACK_NOTICE

    fallbacks = sum(FALLBACK_NOTICE in (c.visible_text or "") for calls in sent.values() for c in calls)
    times = [t for ts in e2e.values() for t in ts]
    last = max(times)
    return {"users": len(questions), "questions": sum(len(q) for q in questions.values()),
            "exactly_once": exactly_once, "wall_s": last, "questions_per_s": len(times) / last,
            "p50_s": median(times), "p95_s": percentile(times, 95), "max_s": last, "e2e": e2e,
            "fallback_answers": fallbacks,
            "api_calls": Counter(c.method for c in fake.calls())}


def _llm_responder():
    """A fake model that answers with a verbatim first sentence of passage 1; slow for SLOW_MARK."""
    from testing.openai_server import Delay, message_texts

    passage = re.compile(r"<<<PASSAGE 1 (\w+)>>>\n[^\n]*\n(.*?)\n<<<END PASSAGE 1 \1>>>", re.S)

    def respond(request: dict):
        user = "\n".join(t for role, t in message_texts(request) if role == "user")
        match = passage.search(user)
        if not match:  # the condense prompt: the last message is already standalone
            last = re.search(r"Last message: (.*)", user)
            return last.group(1).strip() if last else json.dumps({"supported": False, "answer": "", "quotes": []})
        text = match.group(2).strip()
        sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        reply = json.dumps({"supported": True, "answer": "The article says so [1].",
                            "quotes": [{"n": 1, "quote": sentence}]})
        return Delay(SLOW_SECONDS, reply) if SLOW_MARK in user else reply

    return respond


def _questions(pool: list[str], users: int, per_user: int, slow_users: int = 0) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    it = iter(pool)
    for u in range(users):
        qs = [next(it) for _ in range(per_user)]
        if u < slow_users:
            qs = [f"{q} {SLOW_MARK}" for q in qs]
        out[FIRST_USER + u] = qs
    return out


async def _run(ctx: Context, llm) -> dict:
    from bot.engine import build_engine
    from testing.telegram_api import FakeTelegramAPI

    from benchmarks.common import settings_for

    embedded, _ = sizes(ctx.quick)
    folder = store_folder(ctx, "embedded", embedded[0])
    users, per_user = (5, 2) if ctx.quick else (30, 5)
    from bot.telegram.app import ANSWER_THREADS

    workers = ANSWER_THREADS
    llm_users = workers + 3 if ctx.quick else 30
    pool = list(dict.fromkeys(q.question.strip() for q in xquad_data.questions("en", articles_limit(ctx.quick))))
    timeout = 900  # a bound for a hung bot, never expected to be reached (a busy machine is slow, not stuck)
    result: dict = {"index_chunks": embedded[0], "executor_workers": workers}

    def bot_settings(fake, **extra):
        history = ctx.work / "concurrency" / "history.sqlite3"  # fresh for every scenario
        for path in history.parent.glob(history.name + "*"):
            path.unlink()
        # no status messages: the benchmark times the answers themselves (one message each)
        return settings_for(folder, telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                            questions_per_minute=1000, history_db=history, status_after=3600.0, **extra)

    (ctx.work / "concurrency").mkdir(parents=True, exist_ok=True)
    say(f"concurrency: {users} users x {per_user} questions at once (offline mode)")
    with FakeTelegramAPI(TOKEN) as fake:
        settings = bot_settings(fake)
        engine = await asyncio.to_thread(build_engine, settings, embedder=ctx.embedder)
        load = await _load(fake, engine, settings, _questions(pool, users, per_user), timeout)
    result["load"] = {k: v for k, v in load.items() if k != "e2e"}

    if True:
        llm.default = _llm_responder()
        scenarios = [("all fast", 0), ("one slow chat", 1), (f"{workers} slow chats", workers)]
        result["slow_llm"] = []
        for name, slow in scenarios:
            say(f"concurrency: LLM mode, {llm_users} chats, {name}")
            with FakeTelegramAPI(TOKEN) as fake:
                settings = bot_settings(fake, answer_mode="llm", openai_base_url=llm.base_url,
                                        openai_api_key="bench", llm_max_retries=0)
                engine = await asyncio.to_thread(build_engine, settings, embedder=ctx.embedder)
                # different questions per scenario, so no run profits from another's warm caches
                offset = len(result["slow_llm"]) * llm_users
                qs = _questions(pool[offset:] + pool[:offset], llm_users, 1, slow)
                run = await _load(fake, engine, settings, qs, timeout)
            slow_ids = [FIRST_USER + u for u in range(slow)]
            others = [t for u, ts in run["e2e"].items() if u not in slow_ids for t in ts]
            slow_times = [t for u in slow_ids for t in run["e2e"][u]]
            result["slow_llm"].append({
                "scenario": name, "slow_chats": slow, "chats": llm_users, "exactly_once": run["exactly_once"],
                "others_p50_s": median(others), "others_p95_s": percentile(others, 95),
                "others_max_s": max(others), "slow_s": median(slow_times) if slow_times else None,
                "others_before_slow": sum(t < min(slow_times) for t in others) if slow_times else None,
                "fallback_answers": run["fallback_answers"],
            })
    return result


def run(ctx: Context) -> dict:
    from testing.openai_server import FakeOpenAI

    # the fake serves from its own thread and loop (testing.aiohttp_thread), beside this benchmark's loop
    with FakeOpenAI() as llm:
        return asyncio.run(_run(ctx, llm))
