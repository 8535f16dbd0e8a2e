"""The bot's commands as users see them: Telegram's command menu and the list in /help.

One entry per command; `admin=True` entries are shown only to admins (their menu is set per
admin chat). A module that adds a command adds its entry here and registers its handler (see
`bot.telegram.app.build_application`). Descriptions are translated (`bot.i18n`); the menu is
set once per language that has a catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import BotCommand

from bot.i18n import Texts


@dataclass(frozen=True)
class MenuEntry:
    command: str
    describe: Callable[[Texts], str]
    admin: bool = False


MENU: tuple[MenuEntry, ...] = (
    # TRANSLATORS: the command descriptions are shown in Telegram's command menu and in /help (short: one line)
    MenuEntry("ask", lambda tr: tr.gettext("Ask a question about the news")),
    MenuEntry("sources", lambda tr: tr.gettext("List the indexed articles")),
    MenuEntry("follow", lambda tr: tr.gettext("Follow a topic: I tell you about new articles on it")),
    MenuEntry("following", lambda tr: tr.gettext("The topics you follow")),
    MenuEntry("unfollow", lambda tr: tr.gettext("Stop following a topic (/unfollow N)")),
    MenuEntry("reset", lambda tr: tr.gettext("Forget our conversation")),
    MenuEntry("help", lambda tr: tr.gettext("What I know and how to ask")),
    MenuEntry("stats", lambda tr: tr.gettext("Index and usage statistics (admins)"), admin=True),
    MenuEntry("reindex", lambda tr: tr.gettext("Re-index the corpus (admins)"), admin=True),
    MenuEntry("feeds", lambda tr: tr.gettext("The news feeds, with their last errors (admins)"), admin=True),
    MenuEntry("addfeed", lambda tr: tr.gettext("Subscribe to a feed: /addfeed URL [NAME] (admins)"), admin=True),
    MenuEntry("removefeed", lambda tr: tr.gettext("Unsubscribe from a feed: /removefeed NAME (admins)"), admin=True),
)


def bot_commands(tr: Texts, *, admin: bool = False) -> list[BotCommand]:
    """The command menu in `tr`'s language: everyone's, or an admin's (everyone's plus theirs)."""
    return [BotCommand(e.command, e.describe(tr)) for e in MENU if admin or not e.admin]
