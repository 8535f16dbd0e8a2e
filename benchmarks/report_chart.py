"""The latency chart of docs/benchmarks.md: answer latency against corpus size, newsbot and llama-index, p50 and
p95 beside the targets (a PNG next to the report)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.report_format import _by_size


def chart(results: dict, path: Path) -> Path | None:
    lat = results.get("latency") or {}
    if not lat or "error" in lat:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    styles = {("embedded", "newsbot"): ("tab:blue", "-", "o"), ("embedded", "llama"): ("tab:orange", "-", "s"),
              ("server", "newsbot"): ("tab:blue", "--", "o"), ("server", "llama"): ("tab:orange", "--", "s")}
    labels = {"newsbot": "newsbot engine.ask", "llama": "llama-index retriever"}
    for ax, stat in zip(axes, ("p50", "p95")):
        for (kind, who), (color, line, marker) in styles.items():
            points = [(size, m["en"][who][stat]) for size, m in _by_size(lat.get(kind))]
            if points:
                xs, ys = zip(*points)
                ax.plot(xs, ys, color=color, linestyle=line, marker=marker,
                        label=f"{labels[who]} ({'embedded' if kind == 'embedded' else 'Chroma server'})")
        if stat == "p50":
            ax.axhline(60, color="grey", linestyle=":", linewidth=1, label="target p50 at 10k (60 ms)")
        else:
            ax.axhline(150, color="grey", linestyle=":", linewidth=1, label="target p95 at 10k (150 ms)")
            ax.axhline(300, color="grey", linestyle="-.", linewidth=1, label="target p95 at 100k (300 ms)")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_xlabel("chunks in the index")
        ax.set_title(f"{stat} latency, English XQuAD questions")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("ms per question")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
