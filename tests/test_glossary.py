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
