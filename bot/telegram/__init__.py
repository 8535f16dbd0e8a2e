"""The Telegram front end of newsbot (python-telegram-bot v22, asyncio).

- `app`       builds the `Application` (typed context, Defaults, rate limiter, per-conversation
              ordered concurrency, start-up checks, command menus) and runs it (polling or webhook).
- `context`   `NewsContext`, the typed `CallbackContext` (`context.engine`, `.services`, `.tr`,
              `.render`); `services` what it holds besides the engine.
- `access`    admins and allow-lists: the one guard before every handler, `@admin_only`.
- `chats`     the one definition of a group, conversations, whether the bot is addressed.
- `handlers`  questions and user commands, the error handler; `admin` /reindex, /stats, uploads
              (`uploads` saves them safely and takes back what fails to index).
- `feeds`     the admins' /feeds, /addfeed, /removefeed and the background feed poll (JobQueue).
- `follows`   /follow, /following, /unfollow and the bot's membership changes; `alerts` tells
              followers about newly indexed articles (after a poll, /reindex or an upload).
- `waiting`   the status message of a slow answer, edited into the answer.
- `replies`   the bot's own wording (through `bot.i18n`); `menu` its commands.
- `render`    answers and listings → Telegram HTML (and plain text); `fragments` the escaping,
              splitting under 4096 UTF-16 units and packing; `send` sends them.
- `ratelimit` per-user questions per minute; `logsafety` keeps the token out of logs.
  `app.serve` is what `newsbot serve` calls.

Nothing here creates clients or reads settings at import time.
"""
