from bot.answer.condense import Condenser, key_terms, looks_like_follow_up
from bot.answer.result import Turn


def turn(question: str) -> Turn:
    return Turn(question=question, standalone_question=question, answer="…")


def test_key_terms_are_names_and_numbers_without_question_words():
    assert key_terms("How long was Sasha Troufanov held in Gaza in 2023?") == ["Sasha Troufanov", "Gaza", "2023"]


def test_follow_ups_are_detected_in_several_languages():
    for q in ["When was she freed?", "And his mother?", "Когда его освободили?", "Wann wurde er freigelassen?",
              "מתי הוא שוחרר?", "Why?"]:
        assert looks_like_follow_up(q), q
    assert not looks_like_follow_up("How long was Sasha Troufanov held in Gaza?")


def test_heuristic_carries_the_previous_entities_forward():
    history = [turn("How long was Sasha Troufanov held in Gaza?")]
    assert Condenser.heuristic("When was he freed?", history) == "When was he freed? (Sasha Troufanov, Gaza)"


def test_standalone_question_is_left_alone():
    history = [turn("How long was Sasha Troufanov held in Gaza?")]
    q = "Who is the Chief Rabbi of Russia?"
    assert Condenser.heuristic(q, history) == q
