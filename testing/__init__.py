"""Stand-ins for the outside world, started on 127.0.0.1 by tests and benchmarks.

- `telegram_api.FakeTelegramAPI`: a Bot API server that python-telegram-bot talks to over HTTP
  (`base_url` pointed at it), recording what the bot sends and serving queued updates.
- `openai_server.FakeOpenAI`: an OpenAI-compatible server (chat completions and embeddings) with
  queued replies and failure modes (delays, errors, garbage, disconnects).

Not part of the product: never imported by `bot/` or `index/`.
"""
