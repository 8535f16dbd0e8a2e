"""Conversation state kept between messages (chat histories for follow-up questions)."""

from bot.conversation.history import HistoryStore

__all__ = ["HistoryStore"]
