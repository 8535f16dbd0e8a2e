"""The `newsbot serve [--webhook URL]` sub-command (registered by `bot.cli`)."""

from __future__ import annotations

import argparse
import logging
import sys

log = logging.getLogger(__name__)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "serve",
        help="run the Telegram bot (long polling, or a webhook with --webhook)",
        description=(
            "Run the Telegram bot with TELEGRAM_BOT_TOKEN. Without --webhook it uses long polling; "
            "with --webhook URL Telegram posts updates to URL, checked against WEBHOOK_SECRET, and the "
            "bot listens on WEBHOOK_LISTEN:WEBHOOK_PORT (put a TLS proxy in front)."
        ),
    )
    parser.add_argument("--webhook", metavar="URL", default=None, help="public https URL Telegram should post to")
    parser.set_defaults(func=serve)
    return parser


def serve(args: argparse.Namespace) -> int:
    # imported here: building settings/engine/PTB is the command's job, not the import's
    from bot.engine import build_engine
    from telegram.error import InvalidToken, NetworkError

    from bot.logs import configure_logging
    from bot.settings import Settings
    from bot.telegram.app import run_bot
    from index.errors import NewsbotError

    settings = Settings()
    configure_logging(settings.log_level)
    engine = None
    try:
        engine = build_engine(settings)
        run_bot(settings, engine, webhook_url=args.webhook)
    except NewsbotError as exc:
        print(f"newsbot serve: {exc}", file=sys.stderr)
        return 1
    except InvalidToken:  # its message contains the token: don't print it
        print("newsbot serve: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather.", file=sys.stderr)
        return 1
    except NetworkError as exc:  # at start-up: Telegram unreachable (later ones are retried by PTB)
        where = settings.telegram_api_base_url or "api.telegram.org"
        print(f"newsbot serve: cannot reach the Telegram Bot API at {where} ({exc.__class__.__name__}). "
              "Check the network, a proxy, or TELEGRAM_API_BASE_URL, then start again.", file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            close = getattr(engine, "close", None)
            if callable(close):
                close()
    return 0
