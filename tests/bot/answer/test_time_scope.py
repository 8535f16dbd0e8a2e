"""Time words of questions resolved against a reference date, in the 17 languages the bot speaks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.answer.time_scope import MAX_QUESTION_CHARS, SOFT_DAYS, TimeScope, resolve_time_scope, time_sensitive
from bot.i18n import SUPPORTED

REF = date(2026, 1, 8)  # a Thursday
D = date.fromisoformat
SOFT = REF - timedelta(days=SOFT_DAYS)

#: what each column of QUESTIONS means, asked on REF: (start, end, strict, kind)
EXPECTED = {
    "this week": (D("2026-01-02"), REF, True, "this_week"),  # the 7 days ending on REF
    "last week": (D("2025-12-26"), D("2026-01-01"), True, "last_week"),
    "yesterday": (D("2026-01-07"), D("2026-01-07"), True, "yesterday"),
    "in December": (D("2025-12-01"), D("2025-12-31"), True, "month"),  # asked in January: the previous one
    "this year": (D("2026-01-01"), REF, True, "this_year"),
    "recently": (SOFT, REF, False, "recent"),
    "latest": (SOFT, REF, False, "latest"),
}
#: per language, one question per column of EXPECTED, with the words the scope must quote
QUESTIONS = {
    "en": (("What happened this week?", "this week"), ("Who resigned last week?", "last week"),
           ("Who won yesterday?", "yesterday"), ("What did the Fed decide in December?", "December"),
           ("Which films were released this year?", "this year"), ("What has the minister said recently?", "recently"),
           ("What is the latest forecast?", "latest")),
    "ru": (("Что произошло на этой неделе?", "на этой неделе"),
           ("Кто ушёл в отставку на прошлой неделе?", "на прошлой неделе"),
           ("Кто победил вчера?", "вчера"), ("Что решила ФРС в декабре?", "декабре"),
           ("Какие фильмы вышли в этом году?", "в этом году"), ("Что недавно сказал министр?", "недавно"),
           ("Каков последний прогноз?", "последний прогноз")),
    "uk": (("Що сталося цього тижня?", "цього тижня"), ("Хто пішов у відставку минулого тижня?", "минулого тижня"),
           ("Хто переміг учора?", "учора"), ("Що вирішили в грудні?", "грудні"),
           ("Які фільми вийшли цього року?", "цього року"), ("Що нещодавно сказав міністр?", "нещодавно"),
           ("Які останні новини про вибори?", "останні новини")),
    "he": (("מה קרה השבוע?", "השבוע"), ("מי התפטר בשבוע שעבר?", "בשבוע שעבר"), ("מי ניצח אתמול?", "אתמול"),
           ("מה הוחלט בדצמבר?", "בדצמבר"), ("אילו סרטים יצאו השנה?", "השנה"), ("מה אמר השר לאחרונה?", "לאחרונה"),
           ("מהי התחזית העדכנית?", "העדכנית")),
    "ar": (("ماذا حدث هذا الأسبوع؟", "هذا الأسبوع"), ("من استقال الأسبوع الماضي؟", "الأسبوع الماضي"),
           ("من فاز أمس؟", "أمس"), ("ماذا قرر البنك في ديسمبر؟", "ديسمبر"),
           ("ما الأفلام التي صدرت هذا العام؟", "هذا العام"), ("ماذا قال الوزير مؤخراً؟", "مؤخراً"),
           ("ما هي أحدث التوقعات؟", "أحدث")),
    "de": (("Was ist diese Woche passiert?", "diese Woche"), ("Wer ist letzte Woche zurückgetreten?", "letzte Woche"),
           ("Wer hat gestern gewonnen?", "gestern"), ("Was hat die Fed im Dezember beschlossen?", "Dezember"),
           ("Welche Filme kamen dieses Jahr heraus?", "dieses Jahr"),
           ("Was hat der Minister kürzlich gesagt?", "kürzlich"),
           ("Wie lautet die neueste Prognose?", "neueste")),
    "fr": (("Que s'est-il passé cette semaine ?", "cette semaine"),
           ("Qui a démissionné la semaine dernière ?", "la semaine dernière"), ("Qui a gagné hier ?", "hier"),
           ("Qu'a décidé la Fed en décembre ?", "décembre"), ("Quels films sont sortis cette année ?", "cette année"),
           ("Qu'a dit le ministre récemment ?", "récemment"),
           ("Quelle est la prévision la plus récente ?", "la plus récente")),
    "es": (("¿Qué pasó esta semana?", "esta semana"), ("¿Quién dimitió la semana pasada?", "la semana pasada"),
           ("¿Quién ganó ayer?", "ayer"), ("¿Qué decidió la Fed en diciembre?", "diciembre"),
           ("¿Qué películas se estrenaron este año?", "este año"),
           ("¿Qué dijo el ministro recientemente?", "recientemente"),
           ("¿Cuál es el pronóstico más reciente?", "más reciente")),
    "it": (("Cosa è successo questa settimana?", "questa settimana"),
           ("Chi si è dimesso la settimana scorsa?", "la settimana scorsa"), ("Chi ha vinto ieri?", "ieri"),
           ("Cosa ha deciso la Fed a dicembre?", "dicembre"), ("Quali film sono usciti quest'anno?", "quest'anno"),
           ("Cosa ha detto il ministro di recente?", "di recente"),
           ("Qual è la previsione più recente?", "più recente")),
    "pt": (("O que aconteceu esta semana?", "esta semana"), ("Quem renunciou na semana passada?", "semana passada"),
           ("Quem ganhou ontem?", "ontem"), ("O que o Fed decidiu em dezembro?", "dezembro"),
           ("Quais filmes estrearam este ano?", "este ano"), ("O que o ministro disse recentemente?", "recentemente"),
           ("Qual é a previsão mais recente?", "mais recente")),
    "tr": (("Bu hafta ne oldu?", "Bu hafta"), ("Geçen hafta kim istifa etti?", "Geçen hafta"),
           ("Dün kim kazandı?", "Dün"), ("Fed aralık ayında ne karar verdi?", "aralık"),
           ("Bu yıl hangi filmler çıktı?", "Bu yıl"), ("Bakan son zamanlarda ne dedi?", "son zamanlarda"),
           ("En son tahmin nedir?", "En son")),
    "zh": (("本周发生了什么？", "本周"), ("上周谁辞职了？", "上周"), ("昨天谁赢了？", "昨天"),
           ("美联储在十二月做了什么决定？", "十二月"), ("今年上映了哪些电影？", "今年"), ("部长最近说了什么？", "最近"),
           ("最新的预测是什么？", "最新")),
    "hi": (("इस हफ़्ते क्या हुआ?", "इस हफ़्ते"), ("पिछले हफ़्ते किसने इस्तीफ़ा दिया?", "पिछले हफ़्ते"),
           ("कल कौन जीता?", "कल"), ("फेड ने दिसंबर में क्या फ़ैसला किया?", "दिसंबर"),
           ("इस साल कौन सी फ़िल्में रिलीज़ हुईं?", "इस साल"), ("मंत्री ने हाल ही में क्या कहा?", "हाल ही में"),
           ("नवीनतम पूर्वानुमान क्या है?", "नवीनतम")),
    "vi": (("Tuần này đã xảy ra chuyện gì?", "Tuần này"), ("Ai đã từ chức tuần trước?", "tuần trước"),
           ("Ai đã thắng hôm qua?", "hôm qua"), ("Fed đã quyết định gì vào tháng 12?", "tháng 12"),
           ("Năm nay có những bộ phim nào ra mắt?", "Năm nay"), ("Gần đây bộ trưởng đã nói gì?", "Gần đây"),
           ("Dự báo mới nhất là gì?", "mới nhất")),
    "el": (("Τι συνέβη αυτή την εβδομάδα;", "αυτή την εβδομάδα"),
           ("Ποιος παραιτήθηκε την προηγούμενη εβδομάδα;", "την προηγούμενη εβδομάδα"), ("Ποιος κέρδισε χθες;", "χθες"),
           ("Τι αποφάσισε η Fed τον Δεκέμβριο;", "Δεκέμβριο"), ("Ποιες ταινίες κυκλοφόρησαν φέτος;", "φέτος"),
           ("Τι είπε πρόσφατα ο υπουργός;", "πρόσφατα"), ("Ποια είναι η πιο πρόσφατη πρόβλεψη;", "πιο πρόσφατη")),
    "ro": (("Ce s-a întâmplat săptămâna aceasta?", "săptămâna aceasta"),
           ("Cine a demisionat săptămâna trecută?", "săptămâna trecută"), ("Cine a câștigat ieri?", "ieri"),
           ("Ce a decis Fed în decembrie?", "decembrie"), ("Ce filme au apărut anul acesta?", "anul acesta"),
           ("Ce a spus recent ministrul?", "recent"), ("Care este cea mai recentă prognoză?", "cea mai recentă")),
    "th": (("สัปดาห์นี้เกิดอะไรขึ้น", "สัปดาห์นี้"), ("ใครลาออกเมื่อสัปดาห์ที่แล้ว", "สัปดาห์ที่แล้ว"),
           ("ใครชนะเมื่อวาน", "เมื่อวาน"), ("เฟดตัดสินใจอะไรในเดือนธันวาคม", "ธันวาคม"),
           ("ปีนี้มีภาพยนตร์เรื่องอะไรออกฉายบ้าง", "ปีนี้"), ("รัฐมนตรีพูดอะไรเมื่อเร็วๆ นี้", "เมื่อเร็วๆ นี้"),
           ("การคาดการณ์ล่าสุดคืออะไร", "ล่าสุด")),
}
CASES = [(lang, expression, question, phrase) for lang, pairs in QUESTIONS.items()
         for expression, (question, phrase) in zip(EXPECTED, pairs, strict=True)]


def scope(question: str, language: str | None = "en", reference: date = REF) -> tuple | None:
    found = resolve_time_scope(question, reference, language)
    return None if found is None else (found.start, found.end, found.strict, found.kind, found.phrase)


def period(question: str, language: str | None = "en", reference: date = REF) -> tuple | None:
    found = resolve_time_scope(question, reference, language)
    return None if found is None else (found.start, found.end)


def test_every_supported_language_is_covered():
    assert set(QUESTIONS) == set(SUPPORTED)


@pytest.mark.parametrize(("language", "expression", "question", "phrase"), CASES)
def test_time_words_of_every_language(language, expression, question, phrase):
    start, end, strict, kind = EXPECTED[expression]
    assert resolve_time_scope(question, REF, language) == TimeScope(start, end, strict, phrase, kind)
    assert time_sensitive(question, language)


@pytest.mark.parametrize(("language", "expression", "question", "phrase"),
                         [case for case in CASES if case[0] != "tr"])  # short Turkish reads as English: pass it
def test_the_language_is_detected_when_not_given(language, expression, question, phrase):
    start, end, strict, kind = EXPECTED[expression]
    assert resolve_time_scope(question, REF) == TimeScope(start, end, strict, phrase, kind)


# ---------------------------------------------------------------- months


def test_january_asked_in_january_is_this_january_up_to_the_reference():
    assert period("What happened in January?") == (D("2026-01-01"), REF)
    assert period("Что произошло в январе?", "ru") == (D("2026-01-01"), REF)


def test_a_month_later_in_the_year_is_last_years_unless_it_is_about_to_start():
    assert period("Who won in May?") == (D("2025-05-01"), D("2025-05-31"))
    assert scope("Which two teams will meet at the Super Bowl in February?")[2:4] == (False, "upcoming")
    assert scope("Where is the summit in February?")[2:4] == (False, "upcoming")  # starts within NEAR_FUTURE_DAYS


def test_ambiguous_english_month_names_need_a_date_like_context():
    for question in ("Who may become the next president?", "The Mayor was marching with Augustine",
                     "Why did Theresa May resign?", "What did the August committee decide?", "Jan said what?"):
        assert resolve_time_scope(question, REF, "en") is None, question
        assert not time_sensitive(question, "en"), question
    may = (D("2025-05-01"), D("2025-05-31"))
    assert period("What happened in May?") == may
    assert period("What did parliament decide last May?") == may
    assert scope("What happened on May 5?") == (D("2025-05-05"), D("2025-05-05"), True, "date", "May 5")
    assert period("What happened Jan 5?") == (D("2026-01-05"), D("2026-01-05"))


@pytest.mark.parametrize(("language", "plain_word", "as_a_date", "expected"), [
    ("ru", "Что такое окружающая среда?", "Что случилось в среду?", (D("2026-01-07"),) * 2),
    ("fr", "Quand la NASA ira-t-elle sur Mars ?", "Que s'est-il passé en mars 2025 ?",
     (D("2025-03-01"), D("2025-03-31"))),
    ("es", "¿Qué pasó en Santo Domingo?", "¿Quién ganó el domingo?", (D("2026-01-04"),) * 2),
    ("pt", "Quem ficou em segunda posição?", "O que aconteceu na segunda passada?", (D("2026-01-05"),) * 2),
    ("tr", "Ocakta yemek pişti mi?", "Ocak ayında ne oldu?", (D("2026-01-01"), REF)),
    ("ro", "Ce s-a întâmplat în mai multe orașe?", "Ce s-a întâmplat în luna mai?", (D("2025-05-01"), D("2025-05-31"))),
    ("el", "Ποιος πήρε την τρίτη θέση;", "Τι έγινε την Τρίτη;", (D("2026-01-06"),) * 2),
    ("ar", "ما الفرق بين الاثنين؟", "ماذا حدث يوم الاثنين؟", (D("2026-01-05"),) * 2),
    ("he", "מי הבמאי של הסרט?", "מה קרה בינואר?", (D("2026-01-01"), REF)),
    ("vi", "Đây là lần thứ hai anh ấy thắng?", "Thứ Hai tuần trước đã xảy ra chuyện gì?", (D("2025-12-29"),) * 2),
    ("de", "Wen spielte August Diehl?", "Was passierte im August?", (D("2025-08-01"), D("2025-08-31"))),
])
def test_names_that_are_also_ordinary_words_count_only_as_dates(language, plain_word, as_a_date, expected):
    assert resolve_time_scope(plain_word, REF, language) is None
    assert period(as_a_date, language) == expected


@pytest.mark.parametrize(("language", "question", "phrase", "expected"), [
    ("ru", "Что случилось 5 января 2025 г.?", "5 января 2025 г.", (D("2025-01-05"),) * 2),
    ("uk", "Що сталося у листопаді?", "листопаді", (D("2025-11-01"), D("2025-11-30"))),
    ("el", "Τι συνέβη τον Μάιο;", "Μάιο", (D("2025-05-01"), D("2025-05-31"))),
    ("tr", "Eylül'de ne oldu?", "Eylül'de", (D("2025-09-01"), D("2025-09-30"))),
    ("ar", "ماذا حدث في كانون الثاني؟", "كانون الثاني", (D("2026-01-01"), REF)),  # Levantine name
    ("ar", "ماذا حدث في يناير 2025؟", "يناير 2025", (D("2025-01-01"), D("2025-01-31"))),
    ("de", "Was geschah am 5. Januar 2025?", "5. Januar 2025", (D("2025-01-05"),) * 2),
    ("es", "¿Qué pasó el 5 de enero de 2025?", "5 de enero de 2025", (D("2025-01-05"),) * 2),
    ("fr", "Que s'est-il passé le 1er janvier 2025 ?", "1er janvier 2025", (D("2025-01-01"),) * 2),
    ("en", "What happened on January 5th, 2025?", "January 5th, 2025", (D("2025-01-05"),) * 2),
    ("zh", "2025年1月5日发生了什么？", "2025年1月5日", (D("2025-01-05"),) * 2),
    ("vi", "Ngày 5 tháng 1 năm 2025 đã xảy ra gì?", "5 tháng 1 năm 2025", (D("2025-01-05"),) * 2),
    ("th", "5 มกราคม 2568 เกิดอะไรขึ้น", "5 มกราคม 2568", (D("2025-01-05"),) * 2),  # Buddhist era
    ("hi", "5 जनवरी 2025 को क्या हुआ?", "5 जनवरी 2025", (D("2025-01-05"),) * 2),
    ("es", "¿Qué pasó este ano?", "este ano", (D("2026-01-01"), REF)),  # typed without accents
    ("de", "Was geschah im Marz 2025?", "Marz 2025", (D("2025-03-01"), D("2025-03-31"))),
    ("fr", "Qu'est-il arrivé aujourd’hui ?", "aujourd’hui", (REF, REF)),  # a typographic apostrophe
])
def test_babel_names_inflected_dated_and_spelled_loosely(language, question, phrase, expected):
    found = resolve_time_scope(question, REF, language)
    assert (found.start, found.end, found.strict, found.phrase) == (*expected, True, phrase)


def test_a_month_next_to_this_or_last_year_takes_that_year():
    assert scope("What happened in March last year?") == (
        D("2025-03-01"), D("2025-03-31"), True, "month", "March last year")
    assert period("去年3月发生了什么？", "zh") == (D("2025-03-01"), D("2025-03-31"))


# ---------------------------------------------------------------- weekdays, weekends, counted periods


def test_weekdays_are_the_most_recent_one_unless_the_question_is_about_the_future():
    assert scope("Who won on Monday?") == (D("2026-01-05"), D("2026-01-05"), True, "weekday", "Monday")
    assert period("What was announced Thursday?") == (REF, REF)  # today's weekday is today
    assert period("Who won last Thursday?") == (D("2026-01-01"), D("2026-01-01"))
    assert scope("Who will play on Sunday?") == (SOFT, REF, False, "upcoming", "Sunday")
    assert period("Was geschah letzten Montag?", "de") == (D("2026-01-05"),) * 2
    assert period("Qu'est-il arrivé lundi dernier ?", "fr") == (D("2026-01-05"),) * 2
    assert period("Что было в прошлую пятницу?", "ru") == (D("2026-01-02"),) * 2
    assert period("วันจันทร์ที่แล้วเกิดอะไรขึ้น", "th") == (D("2026-01-05"),) * 2


def test_chinese_last_week_monday_is_a_day_of_the_previous_calendar_week():
    assert scope("上周一发生了什么？", "zh") == (D("2025-12-29"), D("2025-12-29"), True, "weekday", "上周一")
    assert period("周一发生了什么？", "zh") == (D("2026-01-05"),) * 2


def test_weekends():
    assert scope("What happened this weekend?") == (D("2026-01-03"), D("2026-01-04"), True, "weekend", "this weekend")
    sunday = D("2026-01-11")
    last_weekend = (D("2026-01-03"), D("2026-01-04"))  # asked on a Sunday: not the weekend in progress
    assert period("Which movie topped the box office last weekend?", reference=sunday) == last_weekend


@pytest.mark.parametrize(("language", "question", "expected"), [
    ("en", "What happened two weeks ago?", (D("2025-12-19"), D("2025-12-25"))),
    ("en", "What happened 3 days ago?", (D("2026-01-05"),) * 2),
    ("ru", "Что было две недели назад?", (D("2025-12-19"), D("2025-12-25"))),
    ("de", "Was geschah vor zwei Wochen?", (D("2025-12-19"), D("2025-12-25"))),
    ("he", "מה קרה לפני שבועיים?", (D("2025-12-19"), D("2025-12-25"))),  # a dual
    ("zh", "三天前发生了什么？", (D("2026-01-05"),) * 2),
    ("es", "¿Qué pasó hace un mes?", (D("2025-12-01"), D("2025-12-31"))),
    ("en", "How many quakes hit in the past 10 years?", (D("2016-01-09"), REF)),
])
def test_ago_and_past_forms(language, question, expected):
    assert period(question, language) == expected


def test_relative_months_and_years():
    assert period("What changed this month?") == (D("2026-01-01"), REF)
    assert period("What changed last month?") == (D("2025-12-01"), D("2025-12-31"))
    assert period("Who won last year?") == (D("2025-01-01"), D("2025-12-31"))


def test_hindi_kal_is_yesterday_or_tomorrow_by_the_tense():
    assert scope("कल क्या हुआ?", "hi")[3] == "yesterday"
    assert scope("कल क्या होगा?", "hi")[2:4] == (False, "upcoming")


# ---------------------------------------------------------------- years, dates, choosing, odd input


def test_years_and_iso_dates():
    assert scope("Who won Wimbledon in 2024?") == (D("2024-01-01"), D("2024-12-31"), True, "year", "2024")
    assert scope("What happened on 2025-01-05?") == (D("2025-01-05"), D("2025-01-05"), True, "date", "2025-01-05")
    assert period("Was geschah am 05.01.2025?", "de") == (D("2025-01-05"),) * 2
    assert period("What does the 12/31/2025 report say?") == (D("2025-12-31"),) * 2
    assert scope("Who will host the 2030 World Cup?")[2:4] == (False, "upcoming")
    assert period("ในปี พ.ศ. 2567 เกิดอะไรขึ้น", "th") == (D("2024-01-01"), D("2024-12-31"))
    for question in ("Who became famous in the 1980s?", "What happened 2,100 years ago to 2100 people?",
                     "How did 1500 people vote?", "What happened on 2025-02-30?", "What happened on Feb 30?"):
        assert resolve_time_scope(question, REF, "en") is None, question


def test_the_narrowest_strict_period_wins_and_soft_words_only_without_one():
    assert scope("Biden spoke Wednesday. What else happened this week?")[3:] == ("weekday", "Wednesday")
    assert scope("What is the latest on the strike this week?")[3:] == ("this_week", "this week")
    assert scope("Who is the current CEO?") == (SOFT, REF, False, "latest", "current")


def test_no_time_words():
    for question, language in (("Who wrote Hamlet?", "en"), ("Кто написал «Гамлета»?", "ru"), ("谁写了哈姆雷特？", "zh")):
        assert resolve_time_scope(question, REF, language) is None
        assert not time_sensitive(question, language)


def test_time_sensitive_means_the_answer_depends_on_when_it_is_asked():
    for question, language in (("Who is the current CEO?", "en"), ("Кто сейчас премьер-министр?", "ru"),
                               ("现任主席是谁？", "zh"), ("Is the bridge still closed?", "en"),
                               ("What happened in May?", "en"), ("What happened two days ago?", "en")):
        assert time_sensitive(question, language), question
    for question in ("Who won Wimbledon in 2018?", "What happened on 2025-01-05?", "What happened in May 2024?"):
        assert not time_sensitive(question, "en"), question


def test_unsupported_or_undetected_languages_fall_back_to_english_and_numbers():
    assert period("What happened this week?", "nl") == (D("2026-01-02"), REF)
    assert period("2025年1月5日に何がありましたか", "ja") == (D("2025-01-05"),) * 2
    assert period("Що сталося цього тижня?", None) == (D("2026-01-02"), REF)  # no і/ї/є: tried as Ukrainian too
    assert period("Ai đã thắng hôm qua?", None) == (D("2026-01-07"),) * 2  # the detector has no Vietnamese


def test_odd_input_never_raises():
    for question in ("", "   ", "?!…", "🙂" * 50, "\x00\x1f", "1234567890", "x" * 100_000, None, 42):
        assert resolve_time_scope(question, REF) is None
        assert not time_sensitive(question)
    assert period("What happened this week?", reference=datetime(2026, 1, 8, 23, 59)) == (D("2026-01-02"), REF)


def test_only_the_first_max_question_chars_are_read():
    assert resolve_time_scope("x" * MAX_QUESTION_CHARS + " this week", REF, "en") is None
    assert period("x" * (MAX_QUESTION_CHARS - 20) + " this week", "en") == (D("2026-01-02"), REF)


@pytest.mark.parametrize(("question", "language", "start"), [
    ("How much aid has the US given Ukraine since its war with Russia began in 2022?", "en", D("2022-01-01")),
    ("Was ist seit Januar passiert?", "de", D("2026-01-01")),
    ("Что изменилось с 2020 года?", "ru", D("2020-01-01")),
    ("מה השתנה מאז 2023?", "he", D("2023-01-01")),
])
def test_since_opens_the_period_up_to_the_reference(question, language, start):
    """"since 2022" is not the year 2022: it runs to the present, which matters most (a preference)."""
    found = resolve_time_scope(question, REF, language)
    assert (found.start, found.end, found.strict, found.kind) == (start, REF, False, "since")
