"""The inspection vocabulary: groups of names for one thing, searched for together (search/glossary.py)."""

from __future__ import annotations

from search.glossary import load as glossary


def test_the_glossary_joins_the_old_and_new_names_and_the_short_forms_officers_type():
    expanded = glossary().expand
    assert "child safeguarding practice review" in expanded("the serious case review")
    assert "kinship care" in expanded("connected carers")
    assert "section 47 enquiries" in expanded("derbyshire s47 timeliness")
    assert "local authority" not in expanded("which councils")  # a word every question uses widens every search


def test_a_question_in_another_name_for_a_practice_quotes_the_reports_name_for_it(shared_searcher):
    result = shared_searcher.ask("nottinghamshire connected carers not assessed 2019")
    assert "family and friends carers" in result.answer.quotes[0].text


def test_a_phrase_is_found_only_as_whole_words_wherever_it_starts():
    from search.glossary import parse

    words = parse("care leavers | leaving care\npersonal adviser | PA")
    assert words.expand("childcare leavers in spa towns") == []
    assert words.expand("support for care leavers") == ["leaving care"]
    assert words.expand("when is a PA allocated") == ["personal adviser"]


def test_an_abbreviation_asked_and_said_in_full_counts_as_a_second_word_of_the_topic():
    from search.glossary import parse, words_said

    glossary = parse("child protection | CP\nlocal authority designated officer | LADO | designated officer\n"
                     "improve | improvement\nfocused visit | FV\n")
    asked = glossary.alternatives("cin cp lado")
    assert words_said(asked, "Information-sharing at child protection conferences.", ["cin", "cp", "lado"]) == 1
    assert words_said(asked, "Referrals to the local authority designated officer are timely.", ["cp", "lado"]) == 1
    assert words_said(asked, "The CP plans are reviewed.", ["cp"]) == 0  # said as asked: no more words
    assert words_said(glossary.alternatives("child protection"), "Child protection plans.", ["child", "protection"]) == 0
    # a glossary phrase of the question that is not its topic ("improve", "fv") adds nothing
    phrasing = glossary.alternatives("lambeth fv what needs to improve for care leavers")
    assert words_said(phrasing, "The areas for improvement since the focused visit have been addressed.",
                      ["care", "leavers"]) == 0
