"""Each passage knows the part of its report it is in, read from the headings every Ofsted framework uses."""

from __future__ import annotations

import re

import pytest

from ingest.chunk import chunk_document
from ingest.read import read_document
from ingest.sections import ABOUT, AREA, IMPROVE, JUDGEMENT, SUMMARY, part_of


@pytest.mark.parametrize(("section", "text", "part"), [
    # ILACS (2018 on) and the 2026 framework: the headline findings sit under the report's own title
    ("Inspection of Leicester City Council local authority children's services", "Services have declined since 2021.", SUMMARY),
    ("Inspection of Leicester City Council local authority children's services", "Inspection dates: 23 to 27 September 2024", ABOUT),
    ("Lead inspector: Julie Knight, Her Majesty's Inspector", "Services have improved since 2013.", SUMMARY),
    ("What needs to improve?", "The timeliness of initial child protection conferences.", IMPROVE),
    ("The experiences and progress of children in care: good", "Most children in care live in stable homes.", AREA),
    ("", "Overall effectiveness | Requires improvement to be good", JUDGEMENT),
    ("", "Lead inspector: Rachel Griffiths, His Majesty's Inspector", ABOUT),
    # a re-inspection under the single inspection framework dates itself in the singular, under its title: read as
    # findings, the line was not among those read for "when was it?"
    ("Torbay Council Re-inspection of services for children in need of help and protection", "Inspection date: 11 June "
     "2018 to 5 July 2018", ABOUT),
    ("Torbay Council Re-inspection of services for children in need of help and protection", "Report published: 24 "
     "August 2018", ABOUT),
    # focused visits
    ("Focused visit to Derbyshire local authority children's services", "This letter summarises the findings.", ABOUT),
    ("Overview", "Senior leaders know their service well.", SUMMARY),  # focused visits of 2018-2019
    (None, "Dear Ms Moore", ABOUT),
    ("Headline findings", "Care leavers are well supported.", SUMMARY),
    ("Areas for improvement", "Management oversight of assessments.", IMPROVE),
    ("Priority and immediate action", "Ensure that children at risk are seen.", IMPROVE),
    ("Main findings", "Social workers know their children well.", AREA),
    # a letter's sign-off, under its last findings' heading: "What did Ofsted say about Medway in 2021?" quoted
    # "I am copying this letter to the Department for Education. ..." first, as a finding
    ("Main findings", "Ofsted will take the findings from this focused visit into account when planning your next "
                      "inspection or visit.", ABOUT),
    ("Main findings", "I am copying this letter to the Department for Education. It will be published on the Ofsted "
                      "website.", ABOUT),
    ("Main findings", "Yours sincerely\n\nAmanda Maxwell Her Majesty's Inspector", ABOUT),
    ("Main findings", "Ofsted will return to check on progress in the summer.", AREA),
    # the single inspection framework (2013-2017) and council papers
    ("Summary", "Leadership has improved since the last inspection.", SUMMARY),
    ("This local authority requires improvement because:", "Too many children wait for an assessment.", SUMMARY),
    ("Recommendations", "Ensure that all children who go missing are offered a return home interview.", IMPROVE),
    ("Information about this inspection", "The inspection was carried out by eight inspectors.", ABOUT),
    ("Executive summary", "The purpose of this report is to provide the outcome of the inspection.", SUMMARY),
    ("Inspection findings", "Early help is well coordinated.", AREA),
])
def test_the_part_of_a_report_is_read_from_its_heading(section, text, part):
    assert part_of(section, text) == part


def test_a_long_passage_mentioning_a_grade_is_findings_not_a_judgement():
    text = "Since the last inspection in 2019, when services were judged to require improvement to be good, " * 4
    assert part_of("The impact of leaders on social work practice with children and families: good", text) == AREA


@pytest.mark.parametrize(("text", "states"), [
    ("The experiences and progress of children in care: good", True),
    ("The overall judgement is that children’s services are inadequate", True),
    ("The overall effectiveness of children’s services in Leicestershire has been judged to be Outstanding.", True),
    ("Board (LSCB) is requires improvement.", True),
    ("Overall effectiveness | Requires improvement to be good", True),
    # the five passages of the shared reports once marked as judgements that state none of this report's
    ("Attended by the lead member, conferences promote continuous improvement. Morale is good.", False),
    ("The previous inspection of Leicester City’s services for children looked after was in December 2011. The local "
     "authority was judged to be good.", False),
    ("Services for children looked after and care leavers are not yet good and services for children who need help "
     "and protection are inadequate.", False),
    ("The arrangements in place to evaluate the effectiveness of what is done by the authority and board partners to "
     "safeguard and promote the welfare of children are inadequate.", False),
    ("Staff morale | Good", False),
])
def test_a_judgement_states_the_grade_of_a_judgement_area_of_this_report(text, states):
    assert (part_of("Inspection findings", text) == JUDGEMENT) is states


def test_every_ilacs_report_has_its_summary_and_improvement_list_as_data(shared_reports):
    year = lambda path: int(re.search(r"-(\d{4})-", path.name).group(1))  # noqa: E731
    reports = [path for path in sorted(shared_reports.glob("*-ofsted-inspection.pdf")) if year(path) >= 2019]
    assert len(reports) >= 4
    for path in reports[::2]:  # ILACS from 2019 on and the 2026 framework, half of them to keep the test quick
        chunks = chunk_document(read_document(path))
        parts = {chunk.part for chunk in chunks}
        assert {SUMMARY, IMPROVE, AREA} <= parts, path.name
        improving = [chunk for chunk in chunks if chunk.part == IMPROVE]
        assert all("improve" in (chunk.section or "").lower() or "action" in (chunk.section or "").lower()
                   for chunk in improving), path.name
