"""Keep the bot token out of logs.

The token is part of every Bot API URL, so:
- the `httpx` logger (whose INFO lines print request URLs) and `httpcore` are kept at WARNING by
  `bot.logs.configure_logging` (the one place logging is set);
- a filter that replaces the token by `<token>` (in the message, its arguments and any
  traceback) is attached to the loggers that could see it: python-telegram-bot's, httpx's,
  httpcore's, asyncio's and the bot's own. PTB's `Bot` logs its base URL at DEBUG and
  `InvalidToken` carries the token in its message, so this is not only about httpx.
"""

from __future__ import annotations

import logging

_PREFIXES = ("telegram", "httpx", "httpcore", "asyncio", "tornado", "apscheduler", "bot", "aiohttp")
REDACTED = "<token>"


class RedactTokenFilter(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__(name="")
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix; leave the record alone
            return True
        if self.secret in message:
            record.msg = message.replace(self.secret, REDACTED)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, REDACTED)
        if record.stack_info and self.secret in record.stack_info:
            record.stack_info = record.stack_info.replace(self.secret, REDACTED)
        return True


def protect_token(token: str) -> None:
    """Attach a redacting filter for `token` to every logger that could see it (idempotent)."""
    if not token:
        return
    import telegram.ext  # noqa: F401  (create PTB's loggers so they can be filtered)

    names = {"", *_PREFIXES}
    names.update(
        n for n in list(logging.root.manager.loggerDict) if n.split(".", 1)[0] in _PREFIXES
    )
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokenFilter) and f.secret == token for f in logger.filters):
            logger.addFilter(RedactTokenFilter(token))
