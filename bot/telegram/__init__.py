"""The Telegram front end of newsbot (python-telegram-bot v22, asyncio).

- `app`       builds the `Application` (rate limiter, per-chat ordered concurrency, start-up checks)
              and runs it with long polling or a webhook (`serve`: what `newsbot serve` calls).
- `handlers`  commands, questions, documents, group rules, the error handler.
- `render`    `AnswerResult` → Telegram HTML (and plain text), split under 4096 UTF-16 units.
- `access`    admins and allow-lists; `ratelimit` per-user questions per minute.
- `uploads`   safe saving of admin documents into the corpus.

Nothing here creates clients or reads settings at import time.
"""
