"""Logging is set in one place (bot/logs.py): importing newsbot's modules changes no logger, and
`configure_logging` keeps the libraries quiet even when one of them is imported afterwards."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter (import-time effects are per process) with this checkout on the path."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


def test_importing_newsbot_modules_sets_no_logger_level() -> None:
    result = run_python("""
        import logging
        import index.feeds.client, index.lexical, bot.telegram.app, bot.telegram.logsafety, bot.cli
        from bot.telegram.logsafety import protect_token
        protect_token("123:SECRET")
        for name in ("httpx", "httpcore"):
            print(name, logging.getLogger(name).level)
    """)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["httpx", str(0), "httpcore", str(0)]  # NOTSET: untouched


def test_configured_logging_keeps_libraries_at_warning_and_cleans_lines() -> None:
    result = run_python("""
        import logging
        from bot.logs import configure_logging
        configure_logging("DEBUG")
        import index.lexical  # bm25s sets its own logger to DEBUG when imported
        for name in ("httpx", "httpcore", "bm25s"):
            logging.getLogger(name).info("%s info line", name)
        logging.getLogger("httpx").warning("httpx warning line")
        logging.getLogger("index.x").debug("a file called bin\\x1b]0;pwned\\u202e.txt")
        print(logging.getLogger("httpx").level == logging.WARNING)
    """)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    assert "info line" not in result.stderr and "httpx warning line" in result.stderr
    assert "bin]0;pwned.txt" in result.stderr and "\x1b" not in result.stderr and "\u202e" not in result.stderr
