"""How FOLLOW_MIN_SUPPORT's default was chosen: the support of followed topics on related and unrelated articles.

Part of `python -m benchmarks.feeds`. The benchmark stories (benchmarks/feeds.py: the real 584-word
corpus article and five short local stories) are indexed; each story has two follow topics, a few
words and a question. Every topic is matched against every article alone, as follow matching does
(`engine.ask(topic, filters=SearchFilters(article_ids=(article,)), offline=True)`): a topic on its
own story is *related*, on any other story *unrelated*. Reported: the supports of both groups and,
for a few thresholds, the share of related pairs that would alert and the unrelated ones that would.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import fresh, median, say, settings_for

#: per story slug: a few words, and a question
TOPICS = {
    "putin": ["freed hostages meet Putin", "What did Putin tell the former hostages?"],
    "tram": ["airport tram line", "How much did the airport tram cost?"],
    "library": ["library opening hours", "Why is the library open longer?"],
    "harbour": ["harbour crane storm", "What happened to the crane at the harbour?"],
    "marathon": ["city marathon", "Who won the marathon?"],
    "bakery": ["bakery closing", "Why does the Müller bakery close?"],
}
THRESHOLDS = (0.5, 0.55, 0.6, 0.7, 0.8)


def measure_support(work: Path, embedder, stories: list) -> dict:
    from bot.engine import build_engine
    from index.indexer import run_index
    from index.models import SearchFilters
    from testing.factories import write_markdown

    folder = fresh(work)
    for story in stories:
        write_markdown(folder / "corpus", f"{story.slug}.md", body="\n\n".join(story.paragraphs),
                       front_matter={"title": story.title, "source": "City News", "published_at": "2024-05-02"})
    settings = settings_for(folder)
    run_index(settings, None, embedder=embedder)
    engine = build_engine(settings, embedder=embedder)
    ids = {a.title: a.id for a in engine.articles()}
    pairs = []
    for story in stories:
        for topic in TOPICS.get(story.slug, []):
            for other in stories:
                result = engine.ask(topic, filters=SearchFilters(article_ids=(ids[other.title],)), offline=True)
                pairs.append({"topic": topic, "article": other.slug, "related": other.slug == story.slug,
                              "support": round(result.support, 4),
                              "answered": not result.refused and not result.partial})
    engine.close()
    related = [p for p in pairs if p["related"]]
    unrelated = [p for p in pairs if not p["related"]]
    say(f"follow support: {len(related)} related and {len(unrelated)} unrelated pairs")

    def alerting(group: list[dict], threshold: float) -> int:
        return sum(1 for p in group if p["answered"] and p["support"] >= threshold)

    return {
        "embed_model": embedder.name, "pairs": pairs,
        "related": len(related), "unrelated": len(unrelated),
        "related_answered": sum(p["answered"] for p in related),
        "related_min": min((p["support"] for p in related if p["answered"]), default=float("nan")),
        "related_median": median([p["support"] for p in related]),
        "unrelated_answered": sum(p["answered"] for p in unrelated),
        "unrelated_max": max((p["support"] for p in unrelated), default=float("nan")),
        "thresholds": [{"threshold": t, "related_alerts": alerting(related, t),
                        "unrelated_alerts": alerting(unrelated, t)} for t in THRESHOLDS],
    }


def render_support(result: dict) -> str:
    lines = [
        f"follow matching ({result['embed_model']}): {result['related']} related topic/article pairs, "
        f"{result['unrelated']} unrelated",
        f"related: {result['related_answered']} answered (not refused), support median {result['related_median']:.2f}, "
        f"lowest answered {result['related_min']:.2f}",
        f"unrelated: {result['unrelated_answered']} answered, highest support {result['unrelated_max']:.2f}",
        "",
        f"{'FOLLOW_MIN_SUPPORT':>18} {'related alerts':>15} {'unrelated alerts':>17}",
    ]
    for row in result["thresholds"]:
        lines.append(f"{row['threshold']:>18.2f} {row['related_alerts']:>8}/{result['related']:<6} "
                     f"{row['unrelated_alerts']:>10}/{result['unrelated']}")
    return "\n".join(lines)
