"""Follow-up questions keep the council and period of the one before; "we" means the reader's own council."""

import pytest

from search.followup import follow_up, with_home


@pytest.mark.parametrize(("before", "question", "asked"), [
    ("how did rutland do last time", "and nottinghamshire?", "how did nottinghamshire do last time"),
    ("How was Leicestershire graded in 2024?", "what about 2019?", "How was Leicestershire graded in 2019?"),
    ("How was Leicestershire graded in 2024?", "and Derby in 2019?", "How was Derby graded in 2019?"),
    ("What did Ofsted say about care leavers?", "and Rutland?", "What did Ofsted say about care leavers in Rutland?"),
    ("What did Ofsted say about care leavers in Rutland in 2024?", "what about private fostering?",
     "private fostering in Rutland in 2024?"),
    ("Did supervision improve in Leicester since 2017?", "and in Derby?", "Did supervision improve in Derby since 2017?"),
])
def test_a_follow_up_keeps_what_it_leaves_out(before, question, asked):
    followed = follow_up(before, question)
    assert followed.question == asked and followed.carried


@pytest.mark.parametrize(("before", "question"), [
    (None, "and Derby?"),  # nothing to follow
    ("How was Rutland graded?", "What did Ofsted say about private fostering in Derby?"),  # names its own council
    ("How was Rutland graded?", "Which councils were praised for their early help?"),  # a new question
    ("How was Rutland graded?", "care leavers"),  # not said as following on
])
def test_a_question_that_says_what_it_asks_stands_alone(before, question):
    assert follow_up(before, question).question == question and not follow_up(before, question).carried


def test_we_and_our_mean_the_readers_own_council():
    # the council where the question says "we" or "our", so it reads as the same question asked of any council (read
    # "how did we do last time in Rutland?", it lost its grade reading to a summary when the examples changed)
    assert with_home("how did we do last time?", "Rutland").question == "how did Rutland do last time?"
    assert with_home("What did Ofsted say about our care leavers?", "Rutland").question == \
        "What did Ofsted say about Rutland's care leavers?"
    assert with_home("why are the delays we're seeing", "Rutland").question == "why are the delays we're seeing in Rutland?"
    assert with_home("What did Ofsted say about Derby's care leavers?", "Rutland").carried == ()  # names its council
    assert with_home("What did Ofsted say about care leavers?", "Rutland").carried == ()  # not about "us"
    assert with_home("how did we do last time?", None).carried == ()


def test_the_council_means_the_readers_own_council():
    # "Is the council good at listening to children?" on the bundled corpus (one council, the page's My council) quoted
    # its grades: the council was read as the topic's words, not as the council asked about
    assert with_home("Is the council good at listening to children?", "Rutland").question == \
        "Is Rutland good at listening to children?"
    assert with_home("What did Ofsted say about the council’s care leavers?", "Rutland").question == \
        "What did Ofsted say about Rutland's care leavers?"
    assert with_home("How is this local authority doing on adoption?", "Rutland").carried == ("Rutland",)
    # a compound naming something else, or councils in general, is not the reader's council
    for question in ("What did the council paper say about care leavers?", "are care leavers exempt from the council tax",
                     "how well does the local authority designated officer work", "Which councils were praised?"):
        assert with_home(question, "Rutland").carried == (), question
