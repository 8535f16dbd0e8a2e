"""While a slow answer is prepared: a status message that becomes the answer.

When the engine has not answered after `STATUS_AFTER` seconds, a short status is sent in the
reply language ("Looking through the articles…", then "Reading 3 articles…" or "Writing the
answer from 3 articles…" as the engine reports `Progress`), and the final answer's first message
replaces it (edited); the answer's other messages follow. So the chat never looks dead, and
nothing but the status and the final, verified answer is ever shown.

The engine reports progress from its worker thread; `StatusLine.report` marshals it onto the
event loop (`call_soon_threadsafe`). Status edits and the final edit are serialised under one
lock and a late report after the answer is ignored, so progress can never overwrite an answer.
The status is in the language the engine will answer in: the question's, else the user's
(`bot.i18n.reply_language`, as the engine decides it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, TypeVar

from telegram import Message
from telegram.error import TelegramError

from bot.engine_api import Progress
from bot.i18n import Texts, reply_language, texts
from bot.telegram.fragments import OutMessage, render_text
from bot.telegram.send import edit_part, reply_parts
from index.language import detect_language

if TYPE_CHECKING:
    from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)

T = TypeVar("T")

#: a status is edited at most this often (progress reports are few, but they come from outside)
MAX_STATUS_EDITS = 5


def status_text(tr: Texts, progress: Progress | None) -> str:
    if progress is None or progress.articles <= 0:
        # TRANSLATORS: the status message shown while a slow answer is prepared (then replaced by the answer)
        return tr.gettext("Looking through the articles…")
    if progress.stage == "writing":
        return tr.ngettext("Writing the answer from {n} article…", "Writing the answer from {n} articles…",
                           progress.articles)
    return tr.ngettext("Reading {n} article…", "Reading {n} articles…", progress.articles)


class StatusLine:
    """The status message of one answer: `report` is the engine's `on_progress`; `wait` runs the
    answer and shows the status when it is slow; `finish` delivers the answer (or an error text)."""

    def __init__(self, context: "NewsContext", message: Message, question: str, after: float) -> None:
        self._context = context
        self._message = message
        self._question = question
        self._after = after
        self._loop = asyncio.get_running_loop()
        self._lock = asyncio.Lock()
        self._progress: Progress | None = None
        self._tr: Texts | None = None
        self._sent: Message | None = None
        self._shown = ""
        self._started = False
        self._finished = False
        self._edits = 0

    @property
    def shown(self) -> bool:
        return self._sent is not None

    # -- progress (any thread) ----------------------------------------------------------

    def report(self, progress: Progress) -> None:
        """The engine's `on_progress`: called from its worker thread."""
        try:
            self._loop.call_soon_threadsafe(self._on_progress, progress)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass

    def _on_progress(self, progress: Progress) -> None:
        self._progress = progress
        if self._started and not self._finished:
            # the application keeps the task (and awaits it when it stops); a failure reaches the error handler
            self._context.application.create_task(self._refresh(), name="newsbot:status")

    # -- on the loop ----------------------------------------------------------------------

    async def wait(self, answer: Awaitable[T]) -> T:
        """The answer's result; the status is shown if it takes longer than `after` seconds."""
        task = asyncio.ensure_future(answer)
        try:
            done, _ = await asyncio.wait({task}, timeout=self._after)
            if not done:
                await self._show()
            return await task
        finally:
            if not task.done():
                task.cancel()

    async def _render(self, text: str) -> OutMessage:
        return (await self._context.render(render_text, text))[0]

    async def _show(self) -> None:
        self._started = True
        async with self._lock:
            if self._finished:
                return
            # on the render threads: the answer threads may all be busy with slow answers
            language = await self._context.render(detect_language, self._question)
            self._tr = texts(reply_language(language, self._context.user_language))
            text = status_text(self._tr, self._progress)
            try:
                sent = await reply_parts(self._message, [await self._render(text)])
            except TelegramError as exc:  # cosmetic: the answer still comes
                log.info("Could not send a status message: %s", exc)
                return
            self._sent, self._shown = sent[0], text

    async def _refresh(self) -> None:
        async with self._lock:
            if self._finished or self._sent is None or self._tr is None or self._edits >= MAX_STATUS_EDITS:
                return
            text = status_text(self._tr, self._progress)
            if text == self._shown:
                return
            try:
                await edit_part(self._sent, await self._render(text))
            except TelegramError as exc:
                log.info("Could not update a status message: %s", exc)
                return
            self._shown = text
            self._edits += 1

    async def finish(self, parts: Sequence[OutMessage]) -> list[Message]:
        """Deliver the final messages: a shown status becomes the first of them."""
        async with self._lock:
            self._finished = True
            status = self._sent
        if status is None:
            return await reply_parts(self._message, parts)
        try:
            await edit_part(status, parts[0])
        except TelegramError as exc:  # e.g. the status was deleted meanwhile, or can't be edited
            log.warning("Could not turn the status message into the answer (%s); sending it anew", exc)
            # a status still there would go on saying "Reading 3 articles…" above the answer (and
            # after a timed-out edit that did arrive, the answer would be shown twice)
            await self._remove(status)
            return await reply_parts(self._message, parts)
        return [status, *await reply_parts(self._message, parts[1:], quote=False)]

    async def discard(self) -> None:
        """The answer failed: remove the status (the error handler tells the user what happened)."""
        async with self._lock:
            self._finished = True
            status, self._sent = self._sent, None
        if status is not None:
            await self._remove(status)

    @staticmethod
    async def _remove(status: Message) -> None:
        try:
            await status.delete()
        except TelegramError as exc:  # already deleted by the user, or the chat is gone
            log.info("Could not remove a status message: %s", exc)
