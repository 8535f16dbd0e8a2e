"""Follows: readers follow a topic (`/follow TOPIC`) and hear about newly indexed articles that support it.

* `store`   — follows, the alerts already sent and the hourly cap, in SQLite (FOLLOWS_DB);
* `matcher` — which new articles support which topics (the answers' own support judgment,
  offline, restricted to the new articles).

Nothing here knows Telegram: `bot.telegram.follows` has the commands and `bot.telegram.alerts`
sends the alerts.
"""

from bot.follows.matcher import Match, match_follows
from bot.follows.store import (
    MAX_FOLLOWS,
    MAX_TOPIC_CHARS,
    AlreadyFollowing,
    Follow,
    FollowRefused,
    FollowStore,
    TooManyFollows,
    TopicEmpty,
    TopicTooLong,
)

__all__ = [
    "MAX_FOLLOWS",
    "MAX_TOPIC_CHARS",
    "AlreadyFollowing",
    "Follow",
    "FollowRefused",
    "FollowStore",
    "Match",
    "TooManyFollows",
    "TopicEmpty",
    "TopicTooLong",
    "match_follows",
]
