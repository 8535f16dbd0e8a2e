"""The words of time per language: data only, read by bot.answer.time_scope (which documents the semantics).

The tables themselves are in bot.answer.time_words_europe (en ru uk de fr es it pt el ro) and
bot.answer.time_words_asia (he ar tr zh hi vi th); this module documents their keys and joins them into WORDS.

Month and weekday names are NOT here: they come from Babel's locale data. This table holds what Babel has no
data for: relative expressions ("this week", "yesterday"), the modifiers around names ("last Monday",
"lunedì scorso"), words that make an ambiguous name a date ("in May"), future-tense markers, "ago" forms.

Every value is a regular-expression alternation, written as a reader types it; time_scope folds it like the
question (lower case; accents, niqqud, harakat and hamza seats dropped except in Vietnamese, Thai and
Hindi vowel signs), so "año"/"ano", "März"/"Marz", "Ιανουάριο"/"Ιανουαριο" all match. "future" is the
exception: it is matched on the lower-cased question with its accents ("tendrá" is future, "tendra" isn't).
Keys:
  today yesterday this_week last_week this_weekend last_weekend this_month last_month this_year last_year
      relative expressions resolved to a period; recent, latest: soft (recency) words; upcoming: the
      near future ("tomorrow", "next week": articles about it are recent ones).
  yesterday_or_tomorrow  Hindi कल: yesterday, or tomorrow when the verb is in the future tense.
  future     future-tense markers: "on Sunday" then means the coming Sunday, "in March" the coming March.
  last this next prev_week  modifiers before or after a weekday/month name ("last Monday", "lundi dernier";
             prev_week: that weekday of the previous calendar week, Chinese 上周一); "modifiers": "before" or
             "after" where they stand on one side only (Vietnamese "trước thứ Hai" is "before Monday"); a
             value starting with "<" or ">" is read only before or only after the name ("lundi dernier").
  ctx, ctx_after  words before/after an ambiguous name that make it a date ("in May", "ocak ayında").
  ago, past  templates with {n} (a number: digits or the words of "numbers") and {u} (a unit: day/week/
             month/year); "(?:{n} )?" means the number may be left out (= 1).
  numbers    the words for 1, 2, 3, 4, 5, comma-separated (Arabic/Hebrew duals count as 2).
  ambiguous  base forms (Babel's) of names that are also ordinary words; they need a date-like context.
  inflect    "endings|suffixes": word endings stripped from Babel's forms, suffixes added (в январе, στον Μάιο).
  prefix     clitics glued to a word (Hebrew ב/ל/מ/ה/ו/ש/כ, Arabic و/ف/ب/ل/ك).
  spaced     False where words are not separated by spaces (Chinese, Thai): substrings match.
  capital    True where a capital letter tells a weekday from an ordinal (Greek Τρίτη/τρίτη).
  alone      True where an ambiguous name followed by another word is an ordinal ("segunda posição").
  locales    more Babel locales whose names readers use (Levantine and Maghrebi months, traditional Chinese).
"""

from __future__ import annotations

from bot.answer.time_words_asia import ASIA
from bot.answer.time_words_europe import EUROPE

WORDS: dict[str, dict[str, object]] = {**EUROPE, **ASIA}
