"""How reports say that something changed or why (search/data/phrasing.txt), and what that does to a change answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.rerank import gives_reasons, phrasing, recalls_earlier, says_changed


@pytest.mark.parametrize("text, changed", [
    ("Services for care-experienced young people in Derbyshire are now highly effective.", True),
    ("The determined focus since the inspection in 2019 has resulted in significant improvements.", True),
    ("These concerns were raised at the last focused visit in October 2020 and have not improved.", True),
    ("The quality of practice has deteriorated since the focused visit.", True),
    ("Children's services in Leicester require improvement to be good.", False),
    ("Social workers visit children regularly and know them well.", False),
])
def test_a_sentence_saying_what_changed_is_told_from_one_stating_a_finding(text, changed):
    assert says_changed(text) is changed


def test_reasons_are_told_by_their_wording():
    assert gives_reasons("Caseloads are high because of vacancies.") and not gives_reasons("Caseloads are high.")


def test_a_bad_line_in_the_phrasing_file_names_the_file_and_line(tmp_path: Path):
    bad = tmp_path / "phrasing.txt"
    bad.write_text("# comment\nchange | \\bnow\\b\nno bar here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"phrasing.txt, line 3"):
        phrasing(bad)


def quoted(result) -> list[tuple[str, str]]:
    files = {hit.rank: hit.document.file for hit in result.hits}
    return [(files[quote.passages[0]], quote.text) for quote in result.answer.quotes]


def test_a_change_answer_quotes_the_later_reports_own_account_of_the_change(shared_searcher):
    # The 2017 report states the change since 2015 in one sentence; a sentence of the 2017 or 2021 report on the
    # topic without saying what changed was quoted instead.
    result = shared_searcher.ask("Did Leicester's children's services get better after the 2015 inspection?")
    assert result.query.wants("change")
    file, text = quoted(result)[0]
    assert file.startswith("leicester-2017") and "since the last inspection in 2015" in text


def test_a_change_answer_leads_with_what_changed_not_what_continues(shared_searcher):
    result = shared_searcher.ask("Has Derbyshire improved support for care leavers since 2019?")
    first_file, first_text = quoted(result)[0]
    assert first_file > "derbyshire-2020" and says_changed(first_text) and "care leaver" in first_text.lower()


def test_a_change_between_two_years_is_answered_from_the_later_years_report(shared_searcher):
    result = shared_searcher.ask("Were things better for children in care in Nottinghamshire in 2024 than at the 2015 "
                                 "inspection?")
    # what the 2015 report said of it may follow, marked as from an older report
    pairs = [(file, quote.older) for (file, _), quote in zip(quoted(result), result.answer.quotes, strict=True)]
    assert any(not older for _, older in pairs)
    assert all(file < "nottinghamshire-2016" if older else file.startswith("nottinghamshire-2024") for file, older in pairs)


@pytest.mark.parametrize("text, recalls", [
    ("The use of unregistered homes was highlighted in the last inspection as not having sufficient oversight.", True),
    ("At the previous inspection, inspectors found that plans were too long.", True),
    ("At the time of the last full inspection, the timeliness of visits was identified as weak.", True),
    ("Since the previous inspection in 2020, services have improved and they are now good.", False),  # says what is so
    ("Social workers visit children regularly and know them well.", False),
])
def test_a_sentence_recalling_an_earlier_finding_is_told_from_one_saying_what_is_so_now(text, recalls):
    assert recalls_earlier(text) is recalls


def test_a_recalled_finding_is_quoted_with_the_sentence_saying_what_is_so_now(shared_searcher):
    # North Northamptonshire's 2026 report recalls the 2022 concern in one sentence and answers it in the next
    result = shared_searcher.ask("Has North Northamptonshire dealt with the 2022 concern about managers' oversight of "
                                 "unregistered children's homes?")
    file, text = quoted(result)[0]
    assert file.startswith("north-northamptonshire-2026") and "highlighted in the last inspection" in text
    assert "There is now comprehensive strategic and operational oversight" in text


@pytest.mark.parametrize(("text", "states"), [
    ("Inspectors looked at the local authority’s arrangements for care leavers.", True),
    ("During this visit, inspectors evaluated the local authority’s arrangements for children in need.", True),
    ("The visit looked at the quality and impact of key decision-making across help and protection.", True),
    ("Inspectors looked at a range of evidence, including case discussions with social workers.", False),  # the evidence
    ("Inspectors also examined some decisions not to hold an initial child protection conference.", False),  # a finding
])
def test_the_line_saying_what_a_visit_looked_at_is_told_from_what_it_used_and_found(text, states):
    assert bool(phrasing()["scope"].search(text)) is states


@pytest.mark.parametrize(("question", "asks"), [
    ("what did the focused visit to Croydon look at", True),
    ("Which area of practice did Ofsted examine during the 2022 focused visit to Wiltshire?", True),
    ("what was the 2021 visit to kent about", True),
    ("ofsted fv theme kent", True),
    ("When Ofsted looked at Leeds in 2018, how did they describe the work with families?", False),  # a topic
    ("What did Ofsted find when it looked at how Wirral stays in touch with care leavers?", False),
    # what the council must do next is its improvement list, not what the visit looked at ("scope unasked")
    ("what did ofsted say leeds should focus on", False),
    ("What must the council concentrate on now, according to the inspectors?", False),
    ("What does Dudley need to look at after the visit?", False),
    # which reports looked at something ("scope verb" after "which <reports>"); not "which councils ..."
    ("which focused visits looked at care leavers", True),
    ("which of the visits were about the front door", True),
    ("which councils looked at care leavers", False),
    # or after a report the councils had (national15: "Which councils had an Ofsted focused visit from 2019 onwards
    # that looked at ..." was searched for its words "had an Ofsted focused visit", the letters' boilerplate first)
    ("which councils had a focused visit that looked at care leavers", True),
    ("Which councils received an Ofsted visit in 2021 which examined the front door?", True),
    ("which councils had a good inspection that looked at care leavers", False),  # "good" names no report
    ("which councils had social workers that looked at care plans", False),
    # a council paper is no report of Ofsted's; "local authorities" and "LAs" are councils (after a review)
    ("Which councils had a scrutiny committee that reviewed the Ofsted findings?", False),
    ("which councils had a cabinet paper that looked at the Ofsted report?", False),
    ("Which local authorities had a focused visit that looked at care leavers?", True),
    ("which LAs had a visit between 2019 and 2021 that looked at the front door", True),
    # or after the councils' reports named as theirs (national16: "which councils' focused visits examined ...")
    ("Could officers identify which councils' focused visits examined arrangements for permanence?", True),
    ("which councils’ Ofsted visits looked at care leavers", True),
    ("which councils' committee papers looked at care leavers", False),
    ("which councils' children looked after were reviewed", False),
    # and with words saying which of their reports (after a review)
    ("which councils' most recent focused visits looked at care leavers", True),
    ("which councils had their latest visit that looked at the front door", True),
    ("which councils' most recent committee papers looked at care leavers", False),
    # the words for looking only straight after the reports named; obligation only just before the words for looking
    ("Which focused visits were critical about care leavers?", False),
    ("Which focused visits found plans were not reviewed regularly?", False),
    ("What did Ofsted have to say about what the Leeds focused visit looked at?", True),
    ("What was the theme of Kent's focused visit, and should I be worried?", True),
    # nothing looked at after the words for looking but when (national17: "What did the inspectors look at during the
    # 2019 focused visit to Bury?" was answered with the visit's dates)
    ("what did inspectors look at during the 2021 visit to sefton", True),
    ("What did the inspectors look at while they were in Kent?", True),
    ("What did inspectors look at in Kent's care leavers service?", False),  # a topic
])
def test_a_question_asking_what_a_visit_looked_at_asks_its_record(question, asks):
    from search.parse import parse

    assert ("scope" in parse(question).record) is asks
