"""Logging set-up for the command line: quiet libraries, newsbot's own loggers at LOG_LEVEL."""

from __future__ import annotations

import logging

#: libraries whose INFO/DEBUG output is noise — or unsafe: httpx INFO lines contain the bot token in URLs
QUIET = ("httpx", "httpcore", "chromadb", "telegram", "openai", "bm25s", "urllib3", "trafilatura")


def configure_logging(level: str = "INFO") -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.WARNING)
    for name in ("bot", "index"):
        logging.getLogger(name).setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
