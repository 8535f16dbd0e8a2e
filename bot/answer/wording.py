"""The words of an answer that the bot writes itself, in the reply language.

The quotes are the articles' own words and are never translated; what is written here is the frame:
the lead ("According to CNN, 8 Jan 2026 [1]:"), the stated answer ("498 days [1]."), "As of …" for
questions about the present, the partial-support sentence, the note that nothing from the period a question
asks about ("this week") answers it, the refusal and the notices. A stated
number with a unit or a date is rendered in the reply language ("498 дней", "7 окт. 2023 г.");
anything else stays verbatim.
"""

from __future__ import annotations

import re
from datetime import date

from dateutil import parser as date_parser

from bot.answer.spans import DAY_OF_MONTH, MONTH_NAMES
from bot.i18n import Texts

_DURATION = re.compile(r"^(\d[\d,]*)[\s-]+(day|week|month|year|hour|minute)s?$", re.IGNORECASE)
#: a date with its day, month and year (one day: "March 2025" has none to localise, and none is invented)
_FULL_DATE = re.compile(rf"^(?:{DAY_OF_MONTH} (?:of )?{MONTH_NAMES},? \d{{4}}|{MONTH_NAMES} {DAY_OF_MONTH},? \d{{4}})$",
                        re.IGNORECASE)
_DEFAULT = date(2000, 1, 1)


def refusal(tr: Texts) -> str:
    return tr.gettext("I couldn't find this in the indexed articles.")


def empty_question(tr: Texts) -> str:
    return tr.gettext("Please ask a question.")


def llm_unavailable(tr: Texts) -> str:
    return tr.gettext("The language model is unavailable right now, so this answer quotes the articles directly.")


def source_label(tr: Texts, outlet: str, published_at: str) -> str:
    """'CNN, 8 Jan 2026' (the outlet with the article's date, when known)."""
    day = published_at[:10]
    # TRANSLATORS: a news outlet and the article's date, e.g. "CNN, 8 Jan 2026"
    return tr.gettext("{outlet}, {date}", outlet=outlet, date=tr.date(day)) if day else outlet


def lead(tr: Texts, sources: list[tuple[str, int]]) -> str:
    """'According to The Times of Israel [1] and CNN, 8 Jan 2026 [2]:' for (label, n) pairs."""
    # TRANSLATORS: the lead before quotes; {sources} is a list like "CNN, 8 Jan 2026 [1] and BBC [2]"
    return tr.gettext("According to {sources}:", sources=tr.join([f"{label} [{n}]" for label, n in sources]))


def stated(tr: Texts, answer: str, n: int, as_of: str | None = None) -> str:
    """'498 days [1].' — or 'As of 8 Jan 2026: Minneapolis [1].' for a question about the present."""
    if as_of:
        # TRANSLATORS: a short answer taken from an article, for a question about the present; [{n}] cites it
        return tr.gettext("As of {date}: {answer} [{n}].", date=tr.date(as_of), answer=answer, n=n)
    # TRANSLATORS: a short answer taken word for word from an article (e.g. "498 days"); [{n}] cites it
    return tr.gettext("{answer} [{n}].", answer=answer, n=n)


def partial(tr: Texts, asked: list[str], found: list[str], n: int) -> str:
    """What the articles don't say, and what they do: 'The articles don't mention 2018; they report 2022 [1]:'."""
    if found:
        # TRANSLATORS: {asked} is what the question asked about (e.g. "2018"), {found} what the article has
        return tr.gettext("The articles don't mention {asked}; they report {found} [{n}]:",
                          asked=tr.join(asked), found=tr.join(found), n=n)
    return tr.gettext("The articles don't mention {asked}; here is the closest they report [{n}]:",
                      asked=tr.join(asked), n=n)


def out_of_period(tr: Texts, period: str, sources: list[tuple[str, int]]) -> str:
    """A question about "this week" that only older articles touch: 'No article from Aug 8 – 14, 2025 answers
    this. The closest are from usatoday.com, Nov 2, 2024 [1]:'."""
    # TRANSLATORS: {period} is a date or a range of dates ("Aug 8 – 14, 2025"); {sources} a list like
    # "CNN, Nov 2, 2024 [1] and BBC [2]" of older articles shown instead
    return tr.gettext("No article from {period} answers this. The closest are from {sources}:", period=period,
                      sources=tr.join([f"{label} [{n}]" for label, n in sources]))


def out_of_period_notice(tr: Texts, period: str) -> str:
    """The same as a notice, for an answer that keeps its own words (the language model's, a partial one)."""
    # TRANSLATORS: {period} is a date or a range of dates ("Aug 8 – 14, 2025")
    return tr.gettext("No article from {period} answers this; what is shown is from earlier reports.",
                      period=period)


def localise_span(tr: Texts, span: str, article_language: str = "en") -> str:
    """A stated number with a unit or a full date in the reply language; anything else verbatim."""
    if tr.language == article_language:
        return span
    text = " ".join(span.split())
    match = _DURATION.match(text)
    if match:
        n = int(match.group(1).replace(",", ""))
        unit = match.group(2).lower()
        return _duration(tr, n, unit)
    if _FULL_DATE.match(text):
        try:
            return tr.date(date_parser.parse(text, default=_DEFAULT))
        except (ValueError, OverflowError, TypeError):
            return span
    return span


def _duration(tr: Texts, n: int, unit: str) -> str:
    forms = {
        "day": lambda: tr.ngettext("{n} day", "{n} days", n),
        "week": lambda: tr.ngettext("{n} week", "{n} weeks", n),
        "month": lambda: tr.ngettext("{n} month", "{n} months", n),
        "year": lambda: tr.ngettext("{n} year", "{n} years", n),
        "hour": lambda: tr.ngettext("{n} hour", "{n} hours", n),
        "minute": lambda: tr.ngettext("{n} minute", "{n} minutes", n),
    }
    return forms[unit]()
