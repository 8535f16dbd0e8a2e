"""The facts an LLM answer's claims state and their evidence must hold (bot.answer.claims)."""

import pytest

from bot.answer.claims import EvidenceText, anchored, apart, facts, missing, unplaced

ARTICLE = ("Russian President Vladimir Putin met Wednesday evening with freed hostage Sasha Troufanov at the Kremlin "
           "in Moscow. Troufanov was held in Gaza for 498 days and returned in February, before the truce collapsed "
           "in March. His mother Elena Trufanova was freed in November 2023.")


def lacking(claim: str, language: str = "en", evidence: str = ARTICLE) -> list[str]:
    return missing(facts(claim, language, claim), EvidenceText.of(evidence, "en"))


def test_a_claim_whose_facts_are_in_the_evidence_lacks_nothing():
    assert lacking("Sasha Troufanov was held in Gaza for 498 days.") == []
    assert lacking("His mother was one of three women freed.", evidence="The three women were freed.") == []
    assert lacking("The truce collapsed in March.") == []


@pytest.mark.parametrize("claim, fact", [
    ("Troufanov was held in Gaza for 489 days.", "number 489"),
    ("The truce collapsed in May 2025.", "number 2025"),
    ("The truce collapsed in May.", "month 5"),
    ("Putin met Bar Kupershtein at the Kremlin.", "name Bar Kupershtein"),
    ('Putin called it a "gesture of goodwill".', "phrase gesture of goodwill"),
    ("Troufanov was held in Gaza for four hundred days.", "number 4"),
])
def test_a_number_month_name_or_phrase_missing_from_the_evidence_is_reported(claim, fact):
    assert fact in lacking(claim)


def test_a_name_made_of_words_that_stand_apart_in_the_evidence_is_not_in_it():
    evidence = EvidenceText.of("Fresno is served by State Route 99, the main freeway of the California Central Valley. "
                               "State Route 168, the Sierra Freeway, heads east to Clovis.", "en")

    def apart_in(claim: str) -> list[str]:
        return apart(facts(claim, "en", claim), evidence)

    assert apart_in("The Sierra Freeway, also known as the Central Valley Freeway, heads east to Clovis.") == [
        "name Central Valley Freeway (its words stand apart in the evidence)"]
    assert apart_in("State Route 168, called the Sierra Freeway, heads east to Clovis.") == []
    article = EvidenceText.of("Russian President Vladimir Putin met freed hostage Sasha Troufanov at the Kremlin.", "en")
    claim = "President Putin met Sasha Troufanov at the Kremlin."
    assert apart(facts(claim, "en", claim), article) == []  # a given name between the title and the surname


@pytest.mark.parametrize(("claim", "evidence", "language"), [
    ("New York City approved the plan.", "The plan was approved in New York by the city council.", "en"),
    ("President Vladimir Putin met him.", "Vladimir Putin, the Russian president, met him.", "en"),
    ("Hamas Leader Yahya Sinwar was killed.", "Yahya Sinwar, the Hamas leader, was killed.", "en"),
    ("Андрей Иванов сказал это.", "Это сказал Иванов Андрей Петрович.", "ru"),
], ids=["lower-case-word", "title-elsewhere", "title-after", "surname-first"])
def test_a_name_whose_evidence_words_are_lower_case_or_in_another_order_is_not_apart(claim, evidence, language):
    assert apart(facts(claim, language, claim), EvidenceText.of(evidence, language)) == []


def test_a_name_the_evidence_holds_in_part_needs_its_other_words_somewhere_in_the_article():
    quote = "The institute offered a prize for each of the Millennium Prize Problems."
    article = EvidenceText.of(f"Seven problems\n{quote} Perelman declined it.", "en")

    def unplaced_in(claim: str, evidence: str, whole: EvidenceText) -> list[str]:
        return unplaced(facts(claim, "en", claim), EvidenceText.of(evidence, "en"), whole)

    claim = "The institute offered a prize for the Alpha Prize Problems."
    assert lacking(claim, evidence=quote) == []  # two of its three words: enough for `missing`
    assert unplaced_in(claim, quote, article) == ["name Alpha Prize Problems (alpha nowhere in its article)"]
    assert unplaced_in("The institute offered a prize for the Millennium Prize Problems.", quote, article) == []
    surname = "Troufanov was held in Gaza for 498 days."
    assert unplaced_in("Sasha Troufanov was held for 498 days.", surname, EvidenceText.of(ARTICLE, "en")) == []
    assert unplaced_in("Sasha Troufanov was held for 498 days.", surname, EvidenceText.of(surname, "en")) == [
        "name Sasha Troufanov (sasha nowhere in its article)"]
    assert unplaced_in("Саша Труфанов провёл в Газе 498 дней.", surname, EvidenceText.of(surname, "en")) == []
    ministry = "The Hamas-controlled health ministry said so."
    assert unplaced_in("The Hamas-run health ministry said so.", ministry, EvidenceText.of(ministry, "en")) == []


def test_a_namesake_in_the_evidence_is_another_person():
    evidence = ("Troufanov and Cohen were taken hostage along with Sasha’s mother and grandmother Irena Tati, while "
                "his father and Elana’s husband Vitaly Troufanov was murdered during the Hamas-led atrocities.")
    assert lacking("Sasha Troufanov was murdered during the Hamas-led atrocities.", evidence=evidence) == [
        "name Sasha Troufanov (the evidence's is Vitaly Troufanov)"]
    assert lacking("Vitaly Troufanov was murdered during the Hamas-led atrocities.", evidence=evidence) == []
    pair = evidence + "\n\nThe women were freed in November, while Sasha Troufanov was returned from Gaza in February."
    assert lacking("Sasha Troufanov was murdered during the Hamas-led atrocities.", evidence=pair) == [
        "name Sasha Troufanov (the evidence's is Vitaly Troufanov)"]  # the next sentence lends no name
    assert lacking("President Putin met Troufanov.", evidence="President Vladimir Putin met Troufanov.") == []
    assert lacking("Sasha Troufanov met Putin.") == []  # the whole name is there


def test_names_and_months_written_in_another_script_are_matched_with_the_articles_spelling():
    assert lacking("Саша Труфанов провёл в плену в Газе 498 дней.", "ru") == []
    assert lacking("Перемирие рухнуло в марте.", "ru") == []
    assert "month 5" in lacking("Перемирие рухнуло в мае.", "ru")
    assert lacking("Путин встретился с Борисом Джонсоном.", "ru")  # a name the article does not have


def test_a_capitalised_first_word_is_a_name_only_when_it_is_one_elsewhere():
    assert facts("The meeting was in Moscow.", "en", "").names[0].text == "Moscow"
    assert [n.text for n in facts("Biden met him.", "en", "Did Biden meet him?").names] == ["Biden"]


def test_references_to_the_prompts_passages_are_not_facts():
    assert lacking("According to passage 1, he was held in Gaza for 498 days.") == []


def test_a_claim_is_anchored_in_evidence_of_another_script_by_a_number_month_or_name_found_there():
    evidence = EvidenceText.of("Russian President Vladimir Putin met Troufanov in March; he was held for 498 days.", "en")

    def anchored_in(claim: str) -> bool:
        found = facts(claim, "ru", claim)
        return not missing(found, evidence) and anchored(found, evidence)

    assert anchored_in("Он провёл в плену 498 дней.")
    assert anchored_in("Его принял Путин.")
    assert anchored_in("Они встретились в марте.")
    assert not anchored_in("Его освободили благодаря хорошим отношениям.")
    tesla = EvidenceText.of("Tesla designed the illumination systems the company installed.", "en")
    chinese = facts("照明系统是 Tesla 设计的。", "zh")  # no names are read in Chinese: a Latin word anchors it
    assert anchored(chinese, tesla) and not anchored(facts("照明系统是公司设计的。", "zh"), tesla)
    assert anchored(facts("照明系统是Tesla设计的。", "zh"), tesla)  # no spaces around the Latin word
