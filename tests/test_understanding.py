"""What a question asks, as general mechanisms: councils as people name them, change over time, improvement lists,
reasons, grades, several councils, latest inspections, and "not found" from evidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ingest.metadata import Description
from ingest.store import DocumentRecord
from search.answer import Quote
from search.render import as_json
from search.rerank import toned
from search.retrieve import open_searcher
from search.understand import understand


def record(doc_id: int, authority: str, kind: str, start: str, published: str, grades: bool = False) -> DocumentRecord:
    description = Description(f"{authority} {kind}", authority, kind, start, start, published, None)
    judgements = ("x",) if grades else ()
    return DocumentRecord(doc_id, f"/r/{doc_id}.pdf", f"{doc_id}.pdf", "sha", description, judgements)  # type: ignore[arg-type]


DOCUMENTS = [
    record(1, "Nottinghamshire", "ilacs_inspection", "2019-10-07", "2019-12-18"),
    record(2, "Nottinghamshire", "focused_visit", "2022-04-26", "2022-06-01"),
    record(3, "Nottinghamshire", "ilacs_inspection", "2024-05-20", "2024-07-11"),
    record(4, "Leicestershire", "sif_inspection", "2016-11-14", "2017-02-13"),
    record(5, "Leicestershire", "ilacs_inspection", "2024-04-15", "2024-07-11"),
    record(6, "Leicestershire", "committee_report", None, "2024-09-03", grades=True),  # type: ignore[arg-type]
    record(7, "North Northamptonshire", "ilacs_inspection", "2022-10-03", "2022-11-24"),
    record(8, "Leicester", "ilacs_inspection", "2024-09-16", "2025-01-23"),
]


@pytest.mark.parametrize("question, expected", [
    ("Has Notts sorted out its strategy meetings?", ("Nottinghamshire",)),
    ("What did Ofsted say about North Northants care leavers?", ("North Northamptonshire",)),
    ("How are Northants children in care doing?", ("North Northamptonshire",)),  # former council: its successors
    ("What did Ofsted say about Leicester's care leavers?", ("Leicester",)),
    ("What did Ofsted say about Leicestershire's care leavers?", ("Leicestershire",)),
])
def test_councils_as_people_name_them(question, expected):
    assert understand(question, DOCUMENTS).authorities == expected


def test_a_council_the_index_does_not_hold_is_said_not_dropped():
    understood = understand("How did Ofsted rate Nottingham City Council's services?", DOCUMENTS)
    assert understood.authorities == () and understood.missing == ("Nottingham",)
    assert "No report for Nottingham is indexed." in understood.notes


def test_a_question_about_change_reads_the_reports_after_the_year_it_names():
    understood = understand("Is private fostering still a weak spot for Notts, like it was at the 2019 inspection?",
                            DOCUMENTS)
    assert understood.asks == "change" and understood.year_from == 2020
    assert understood.documents == (2, 3)


def test_a_year_that_names_an_inspection_is_that_inspection():
    understood = understand("What were Nottinghamshire's areas for improvement from the May 2024 inspection?", DOCUMENTS)
    assert understood.asks == "improve" and understood.documents == (3,)


@pytest.mark.parametrize("question, asks", [
    ("What was the verdict on Rutland's children's services in 2020?", "grade"),
    ("Why did Leicester City drop from good to 'requires improvement'?", "reasons"),
    ("What does Derbyshire need to do better after its inspection?", "improve"),
    ("Which councils were praised for early help?", "across"),
    ("Did things get better in Rutland between 2017 and 2022?", "change"),
    ("What did Ofsted say about care leavers?", "topic"),
])
def test_what_a_question_asks(question, asks):
    assert understand(question, DOCUMENTS).asks == asks


def test_latest_means_the_latest_inspection_with_the_council_paper_about_it():
    understood = understand("What did the latest inspection of Leicestershire find?", DOCUMENTS)
    assert understood.documents == (5, 6)
    previous = understand("What did the previous inspection of Leicestershire find?", DOCUMENTS)
    assert previous.documents == (4,)


def test_other_inspectorates_and_welsh_councils_are_recognised():
    understood = understand("What did Care Inspectorate Wales say about children's services in Cardiff?", DOCUMENTS)
    assert {item.kind for item in understood.out_of_scope} == {"inspectorate", "council outside England"}


@pytest.fixture(scope="module")
def searcher(shared_index, embedder):
    return open_searcher(shared_index, embedder)


def test_improvement_questions_get_the_reports_own_list(searcher):
    result = searcher.ask("What did Ofsted tell Rutland to work on after its April 2024 inspection?")
    assert "multi-agency strategy meetings" in " ".join(hit.chunk.text for hit in result.hits[:2])
    assert not result.answer.no_answer


def test_change_questions_find_the_later_report(searcher):
    result = searcher.ask("In 2019 Derbyshire was criticised for how it dealt with homeless 16 and 17 year olds. "
                          "Has that been put right?")
    assert all(hit.document.file >= "derbyshire-2020" for hit in result.hits)
    assert any("homeless" in hit.chunk.text for hit in result.hits[:3])


def test_cross_council_questions_show_several_councils(searcher):
    result = searcher.ask("Which councils were praised for their work with privately fostered children?")
    assert len({hit.document.id for hit in result.hits}) == 5
    assert len({hit.document.description.authority for hit in result.hits}) >= 3


def test_grade_questions_lead_with_the_area_asked_about(searcher):
    result = searcher.ask("How was the leadership of North Northants children's services rated in 2026?")
    assert "leaders" in result.hits[0].chunk.text.lower() and "outstanding" in result.hits[0].chunk.text.lower()


@pytest.mark.parametrize("question", [
    "How did Ofsted rate Kent County Council's children's services at its most recent inspection?",
    "What did HMI Probation conclude about Derbyshire's youth justice service?",
    "What grade did Ashby School in Leicestershire get at its last Ofsted inspection?",
])
def test_not_found_from_evidence_with_the_reason(searcher, question):
    result = searcher.ask(question)
    assert result.answer.no_answer and as_json(result)["answer"] == []
    assert any("No indexed report" in note or "not about" in note for note in result.understood.notes)


def test_answers_from_several_reports_name_council_and_year(searcher):
    result = searcher.ask("Which councils were criticised over how they assess privately fostered children?")
    first, second = result.hits[0], result.hits[1]
    quotes = tuple(Quote(hit.chunk.text[slice(*hit.highlight)], (hit.rank,), 1.0) for hit in (first, second))
    data = as_json(replace(result, answer=replace(result.answer, quotes=quotes, no_answer=False)))
    for quote, hit in zip(data["answer"], (first, second), strict=True):
        description = hit.document.description
        assert quote["sources"] == [f"{description.authority}, {description.date[:4]}"]
    one = replace(result, answer=replace(result.answer, quotes=quotes[:1], no_answer=False))
    assert as_json(one)["answer"][0]["sources"] == []  # one report: nothing to tell apart


def test_what_ofsted_said_about_another_inspectorate_is_answered_when_reports_mention_it(searcher):
    mentioned = next(name for name in ("HMI Probation", "Care Quality Commission", "CQC") if searcher.index.mentions(name))
    result = searcher.ask(f"What did Ofsted say about work with the {mentioned}?")
    assert not any("No indexed report mentions" in note for note in result.understood.notes)


@pytest.mark.parametrize(("question", "quantity"), [
    ("How many inspectors came to Nottinghamshire in 2024?", True),
    ("What share of care leavers in Leicestershire went to university?", True),
    ("How many councils were judged inadequate?", False),  # across councils: the grade table answers
    ("How much has Nottinghamshire improved since 2019?", False),  # change over time
    ("How well are care leavers supported?", False),
])
def test_questions_asking_for_a_number_are_recognised(question, quantity):
    assert understand(question, DOCUMENTS).quantity is quantity


@pytest.mark.parametrize(("question", "tone"), [
    ("Which councils were praised for their early help?", 1),
    ("Which councils were criticised over supervision?", -1),
    ("Where were there problems with return home interviews?", -1),
    ("What did Ofsted say about early help in Rutland?", 0),
    ("How quickly are concerns about a child picked up?", 0),  # a concern about a child is a risk, not a criticism
])
def test_questions_asking_for_criticism_or_praise_are_recognised(question, tone):
    assert understand(question, DOCUMENTS).tone == tone


def test_asking_for_criticism_or_praise_changes_the_ranking(searcher):
    praised = searcher.ask("Which councils were praised for the support they give care leavers?")
    criticised = searcher.ask("Which councils were criticised for the support they give care leavers?")
    assert [hit.id for hit in praised.hits] != [hit.id for hit in criticised.hits]
    tone = lambda result: sum(searcher.tone.of(searcher.index.vector(hit.id)) for hit in result.hits)  # noqa: E731
    assert tone(praised) > tone(criticised)


def test_a_tone_nudge_reorders_only_within_one_nudge():
    ranked = [(1, 0.030), (2, 0.029), (3, 0.010)]
    tones = {1: 0.2, 2: 0.0, 3: -0.5}.get
    assert [i for i, _ in toned(ranked, -1, tones)] == [2, 1, 3]  # criticism asked: the approving passage drops
    assert [i for i, _ in toned(ranked, 1, tones)] == [1, 2, 3]
