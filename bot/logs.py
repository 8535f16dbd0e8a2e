"""Logging set-up, the one place newsbot sets logging: quiet libraries, newsbot's own loggers at LOG_LEVEL,
and log lines cleaned for the terminal.

Importing a newsbot module never changes logging; `configure_logging` (called by the CLI before any
command runs, the bot included) does it all.
"""

from __future__ import annotations

import logging

from index.textclean import clean_text

#: libraries whose INFO/DEBUG output is noise — or unsafe: httpx INFO lines contain the bot token in URLs
QUIET = ("httpx", "httpcore", "chromadb", "telegram", "openai", "bm25s", "urllib3", "trafilatura", "llama_index",
         "aiohttp")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class TerminalSafeFormatter(logging.Formatter):
    """Log lines without terminal escapes, bidi overrides or other invisible characters.

    File names, URLs and feed titles reach log messages; on a terminal an ESC in one of them would be obeyed.
    """

    def format(self, record: logging.LogRecord) -> str:
        return clean_text(super().format(record))


def _warnings_and_above(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


def configure_logging(level: str = "INFO") -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(format=FORMAT, level=logging.WARNING)
        for handler in logging.getLogger().handlers:
            handler.setFormatter(TerminalSafeFormatter(FORMAT))
    for name in ("bot", "index"):
        logging.getLogger(name).setLevel(level.upper())
    for name in QUIET:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        # a library that sets its own level when imported later (bm25s sets DEBUG) stays quiet all the same
        logger.addFilter(_warnings_and_above)
