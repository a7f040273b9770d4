"""Misspelt words read as the reports' words: only slips, never an English word or a council's name."""

from __future__ import annotations

from search.render import as_json
from search.spelling import Correction, Vocabulary, corrected

SENTENCES = [
    "Private fostering arrangements are assessed and children are visited regularly.",
    "The health of children in care is monitored; health assessments are timely.",
    "Young people's health needs are met. Children in care receive good health support.",
    "Heath House is a children's home.",
    "Managers improve practice; improvement is evident in children's plans.",
]


def vocabulary() -> Vocabulary:
    return Vocabulary(lambda: SENTENCES)


def never(word: str) -> bool:
    return False


def test_a_slip_is_read_as_the_report_word_and_said():
    text, corrections = corrected("notts private fostring still weak", vocabulary(), never)
    assert text == "notts private fostering still weak"
    assert corrections == (Correction("fostring", "fostering"),)
    # a letter dropped, two swapped; a capital kept
    assert corrected("Improvment in chidlren's plans", vocabulary(), never)[0] == "Improvement in chidlren's plans"


def test_of_two_report_words_one_slip_away_the_one_the_reports_use_most_wins():
    assert corrected("mental helath", vocabulary(), never)[0] == "mental health"  # not "heath"


def test_a_slip_of_a_word_people_ask_with_is_read_as_that_word_though_no_report_uses_it():
    # "ratins": reports say "judgement"; the example questions say "ratings", and so an out-of-scope rule can read it
    asking = Vocabulary(lambda: SENTENCES, asking=lambda: {"ratings", "recs"})
    assert corrected("care homes ofsted ratins", asking, never)[0] == "care homes ofsted ratings"
    assert corrected("care homes ofsted ratins", vocabulary(), never)[0] == "care homes ofsted ratins"
    assert corrected("mental helath", asking, never)[0] == "mental health"  # the reports' words as before


def test_english_words_the_reports_never_use_are_left_alone():
    for question in ("What's stopping care leavers", "A constituent asks about parking charges", "absolutely not"):
        assert corrected(question, vocabulary(), never) == (question, ())


def test_short_words_and_words_the_caller_keeps_are_left_alone():
    assert corrected("hlth fostring", vocabulary(), lambda word: word == "fostring") == ("hlth fostring", ())


def test_a_word_with_no_report_word_one_slip_away_is_left_alone():
    assert corrected("leics xyzzyq", vocabulary(), never) == ("leics xyzzyq", ())


def test_a_misspelt_question_over_the_real_reports_is_answered_and_says_how_it_was_read(shared_searcher):
    result = shared_searcher.ask("notts private fostring still weak since 2019")
    assert result.query.corrections == (Correction("fostring", "fostering"),)
    assert "Read “fostring” as “fostering”." in result.notes
    assert as_json(result)["understood"]["corrected"] == {"fostring": "fostering"}
    assert not result.answer.no_answer
    assert any("private fostering" in quote.text.lower() or "privately fostered" in quote.text.lower()
               for quote in result.answer.quotes)


def test_the_word_counts_are_read_in_the_background_before_a_first_question():
    read = []
    vocabulary = Vocabulary(lambda: read.append(1) or SENTENCES)
    vocabulary.begin().join(timeout=30)
    assert read == [1]
    assert vocabulary.rarity("fostering") > 0 and read == [1]  # read once, not again for the question


def test_the_words_used_in_at_least_so_many_sentences_commonest_first():
    words = vocabulary()
    counts = words._reports().word_frequency
    common = words.used_in(2)
    assert common[0] == "children" and {"care", "health"} <= set(common) and "fostering" not in common  # 5, 2, 2, 1
    assert [counts[word] for word in common] == sorted((counts[word] for word in common), reverse=True)
    assert min(counts[word] for word in common) >= 2 and set(words.used_in(1)) > set(common)
