"""The token never reaches a log record (unit level; end to end in test_app.py)."""

from __future__ import annotations

import logging

from bot.telegram.logsafety import REDACTED, RedactTokenFilter, protect_token


def test_token_redaction_filter(caplog):
    token = "123:SECRET-token"
    protect_token(token)
    log = logging.getLogger("telegram.ext.Updater")
    caplog.set_level(logging.DEBUG)
    log.debug("url http://x/bot%s/getMe", token)
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        log.exception("boom")
    assert token not in caplog.text and REDACTED in caplog.text
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a %s", (token,), None)
    RedactTokenFilter(token).filter(record)
    assert record.getMessage() == f"a {REDACTED}"
