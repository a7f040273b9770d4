"""Reading a question's words: councils as people name and misspell them, dates, kinds of report, recency."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from search.lexical import terms
from search.parse import INSPECTIONS, VISITS, focus, names_latest_and_previous, numerals, parse


@pytest.mark.parametrize("question, expected", [
    ("Has Notts sorted out its strategy meetings?", ("Nottinghamshire",)),
    ("What did Ofsted say about North Northants care leavers?", ("North Northamptonshire",)),
    ("What did Ofsted say about Leicester's care leavers?", ("Leicester",)),
    ("What did Ofsted say about Leicestershire's care leavers?", ("Leicestershire",)),
    ("leics cic placements", ("Leicestershire",)),
    # a county's short name inside another council's name: before, "lincs" alone was read, as Lincolnshire
    ("north east lincs what do they still need to fix", ("North East Lincolnshire",)),
    ("North Lincs care leavers 2023", ("North Lincolnshire",)),
    ("bwd fv apr 2024 care leavers inspector names", ("Blackburn with Darwen",)),
    ("BFfC disabled children 2022", ("Reading",)),  # the company running Reading's children's services
    # the initials a council calls itself by
    ("h&f care leavers in custody", ("Hammersmith and Fulham",)),
    ("LBBD caseloads since the focused visit", ("Barking and Dagenham",)),
    # the former postal counties' short forms (Beds, Yorks, Berks) with the part of the county: no council of its own
    ("central beds most recent ofsted result", ("Central Bedfordshire",)),
    ("north yorks care leavers", ("North Yorkshire",)),
    ("west berks fv 2023", ("West Berkshire",)),
])
def test_councils_as_people_name_them(question, expected):
    assert tuple(council.name for council in parse(question).councils) == expected


def test_a_former_council_stands_for_its_successors():
    query = parse("How are Northants children in care doing?")
    assert query.council_names() == ("Northamptonshire", "North Northamptonshire", "West Northamptonshire")


def test_a_misspelt_council_is_read_as_the_closest_name_and_says_so():
    council = parse("what needs to improve in rotheram").councils[0]
    assert (council.name, council.written, council.guessed) == ("Rotherham", "rotheram", True)


def test_a_council_name_split_in_two_words_is_that_council_not_the_first_word():
    # dictated, "Leicestershire" comes out as "Leicester shire": the exact name "Leicester" was read (another council)
    council, = parse("I know Leicester shire came out as outstanding in 2024").councils
    assert (council.name, council.written, council.guessed) == ("Leicestershire", "Leicester shire", True)
    assert parse("children in care in notting hamshire").council_names() == ("Nottinghamshire",)
    assert parse("Leicester City and Leicestershire").council_names() == ("Leicester", "Leicestershire")


def test_a_council_name_typed_without_its_and_is_that_council_and_leaves_the_topic():
    # "telford wrekin young carers" read "telford" (an alias) and searched "wrekin young carers", ranking passages that
    # name the council above the one on young carers
    query = parse("telford wrekin young carers ofsted", known_word=lambda word: True)
    assert [(council.name, council.written) for council in query.councils] == [("Telford and Wrekin", "telford wrekin")]
    assert "wrekin" not in query.topic
    brighton = parse("brighton hove care leavers")
    assert brighton.council_names() == ("Brighton and Hove",) and "hove" not in brighton.topic
    assert parse("Telford & Wrekin care leavers").council_names() == ("Telford and Wrekin",)


def test_an_ordinary_word_is_never_a_misspelt_council():
    assert parse("Is the service in Rutland responsive to children?").council_names() == ("Rutland",)
    assert parse("what needs to improve in rotheram", known_word=lambda word: True).councils == ()


def test_a_council_typed_with_a_possessive_s_and_no_apostrophe_is_that_council():
    # the reports' index knows "rutlands" (its stem is a name it holds), so it was kept as an ordinary word, searched
    # every council and quoted another's report
    query = parse("why do rutlands strategy meetings get held up", known_word=lambda word: True)
    assert query.council_names() == ("Rutland",)
    assert "rutlands" not in query.topic


def test_a_council_typed_with_its_doubled_last_letter_single_is_that_council():
    # the index's full-text search stems "sandwell" to "sandwel", so it "knew" the misspelling and no council was read:
    # "sandwel grades" listed every council's grades
    query = parse("sandwel grades", known_word=lambda word: True)
    assert query.council_names() == ("Sandwell",)
    assert parse("wall grades", known_word=lambda word: True).councils == ()  # "wal" + "l" is no name


@pytest.mark.parametrize("question, labels, years, since, until", [
    ("Has Nottinghamshire got better or worse since 2015?", ["since 2015"], (), 2015, None),  # since includes the year
    ("Children in care in Rutland before 2020", ["before 2020"], (), None, 2019),
    ("Did Rutland improve between its 2020 and 2024 inspections?", ["2020–2024"], (), 2020, 2024),
    ("What did the May 2024 inspection of Notts find?", ["2024"], (2024,), None, None),
    ("Did assessments in Leicester improve by 2019?", ["by 2019"], (), None, 2019),
    ("kent care leavers in university 2021 %", ["2021"], (2021,), None, None),  # a year, then the sign asking for a share
])
def test_dates_are_read_as_said(question, labels, years, since, until):
    dates = parse(question).dates
    assert (dates.labels(), dates.years, dates.since, dates.until) == (labels, years, since, until)


def test_a_year_in_the_name_of_a_law_is_not_a_date():
    assert not parse("What did Kent do about the Children and Social Work Act 2017 local offer?").dates


def test_in_2024_compared_with_before_is_2024_not_a_range():
    dates = parse("how did rutland do in 2024 compared with before").dates
    assert dates.years == (2024,) and dates.since is None


@pytest.mark.parametrize("question, named, meant", [
    ("How often do social workers visit children in care in Derbyshire?", (), ()),  # a verb, not a document
    ("What does the corporate parenting committee in Leicestershire do?", (), ()),  # a topic, not a council paper
    ("In the focused visit to Rutland, were children seen quickly?", ("focused_visit",), ()),
    ("What did the 2018 visit to Leicestershire find?", (), VISITS),
    ("What did the 2019 inspection of Notts find?", (), INSPECTIONS),
    ("leics scrutiny paper 2024 recommendation pre-proceedings", ("committee_report",), ()),
    ("fv carried out remotely video calls covid which las", ("focused_visit",), ()),  # officers' shorthand
    # "penultimate" said which report as "previous" does: the one before the latest event (a visit) was searched
    ("Suffolk penultimate inspection care leavers", (), INSPECTIONS),
])
def test_a_kind_of_report_only_from_a_phrase_about_the_document(question, named, meant):
    query = parse(question)
    assert (query.kinds, query.kinds_meant) == (named, meant)


@pytest.mark.parametrize(("question", "since", "labels"), [
    # a review: "in or after 2024" was read as "after 2024", from 2025
    ("What did Ofsted find about Rutland's care leavers in or after 2024?", 2024, ["from 2024"]),
    ("rutland front door 2024 or later", 2024, ["from 2024"]),
    ("rutland care leavers after 2024", 2025, ["after 2024"]),
    ("rutland care leavers up to 2020", None, ["up to 2020"]),
])
def test_a_range_starting_with_its_year_includes_it(question, since, labels):
    dates = parse(question).dates
    assert dates.since == since and dates.labels() == labels


@pytest.mark.parametrize("question, recency", [
    ("how did rutland do last time", "latest"),
    ("When inspectors last visited Thurrock, what did they find?", "latest"),
    ("what was found when Bury was last inspected", "latest"),
    ("What did the most recent Ofsted visit to Nottinghamshire say?", "latest"),
    ("the previous full inspection of Derbyshire (the one before the most recent)", "previous"),
    ("What did Ofsted say about care leavers in Derby?", None),
    # national18: "What did Ofsted find most recently about children in care in Birmingham?" quoted a 2016 report
    ("What did Ofsted find most recently about care leavers in Derby?", "latest"),
    ("Has Derby recently improved its care leavers service?", None),  # when something happened, not which report
])
def test_recency(question, recency):
    assert parse(question).recency == recency


@pytest.mark.parametrize(("question", "quantity"), [
    ("How many inspectors came to Nottinghamshire in 2024?", True),
    ("What share of care leavers in Leicestershire went to university?", True),
    ("How well are care leavers supported?", False),
    ("kent 2022 fv no. of inspectors", True),
    ("There were no offers of a school place", False),
    # what a report said about a number is answered by its words, number or not ("high caseloads"): before, a
    # question asking so was told "not found" when the report stated none
    ("what did ofsted say about how many cases social workers in Kent carry", False),
    ("What did the inspectors write about the number of agency staff in Essex?", False),
    ("What did the inspectors find in 2023, and how many children were waiting?", True),
])
def test_questions_asking_for_a_number_are_recognised(question, quantity):
    assert parse(question).quantity is quantity


def test_the_topic_leaves_out_councils_and_dates():
    assert parse("What did Ofsted say about Leicestershire County Council's care leavers in 2024?").topic == "care leavers"


@pytest.mark.parametrize("question", ["Derbyshire's care leavers were criticised by Ofsted in 2014. Any better now?",
                                      "Care leavers in Kent were let down in March 2019 . Is that still so?"])
def test_a_sentence_ending_where_a_date_or_council_was_taken_out_is_still_a_sentence(question):
    # with "2014" taken out, "... by Ofsted in ." was no sentence end: both sentences were read as one, whose opening
    # was then dropped, and the topic was "Any better now"
    assert "care leavers" in parse(question).topic.lower()


@pytest.mark.parametrize(("question", "subject"), [
    ("compare Rutland and Derbyshire on private fostering", "private fostering"),
    ("How do Rutland and Derbyshire compare on private fostering?", "private fostering"),
    ("Rutland vs Derbyshire private fostering", "private fostering"),
    ("private fostering in Rutland, Derbyshire and Kent", "private fostering in"),
])
def test_the_words_joining_the_councils_compared_are_not_topic(question, subject):
    # "compare and on private fostering" was embedded as the topic: "compare and" pulled every council's passages
    # about comparing, not about private fostering
    assert terms(parse(question).topic) == terms(subject)


@pytest.mark.parametrize(("question", "subject"), [
    ("What did the most recent inspection of Kent find about adoption?", "adoption"),
    ("surrey previous full inspection (not latest) fostering", "fostering"),
    ("When Ofsted last visited Essex, how were referrals handled?", "referrals"),
    ("what did the one before the latest say about early help", "early help"),
])
def test_the_topic_leaves_out_which_inspection_is_meant(question, subject):
    # "latest" or "last visited" says which report to read, not what it is about: as topic words they drew sentences
    # such as "Since the last inspection, ..."
    topic = parse(question).topic
    assert subject in topic
    assert not re.search(r"\b(?:most recent|latest|last|previous|one before)\b", topic, re.I), topic


@pytest.mark.parametrize(("question", "subject"), [
    # national18: the topic of "How's Manchester doing these days on kids who are being exploited - what did the 2025
    # report make of it?" was "make of it", and nothing was found close enough
    ("How's Kent doing on kids who are being exploited - what did the 2025 report make of it?", "exploited"),
    ("kent care leavers - so what did ofsted think of that?", "care leavers"),
])
def test_a_last_clause_asking_what_the_report_made_of_it_is_not_the_topic(question, subject):
    topic = parse(question).topic
    assert subject in topic and "make of" not in topic, topic


def test_other_inspectorates_and_welsh_councils_are_recognised():
    query = parse("What did Care Inspectorate Wales say about children's services in Cardiff?")
    assert {item.kind for item in query.out_of_scope} == {"inspectorate", "council outside England"}
    assert parse("north northants council run childrens homes ofsted ratings").out_of_scope  # apostrophe left out
    # national15: "the most recent SEND local area inspection in Central Bedfordshire" was answered from its ILACS
    assert [item.kind for item in parse("outcome of the SEND local area inspection in Luton").out_of_scope] \
        == ["kind of inspection"]
    # national19: the 2023 framework's own name, "SEND local area partnership inspection", was answered from an ILACS;
    # the partnership itself names no inspection
    assert [item.kind for item in parse("findings of Luton's SEND local area partnership inspection").out_of_scope] \
        == ["kind of inspection"]
    assert not parse("How does the SEND local area partnership work with social care in Luton?").out_of_scope


@pytest.mark.parametrize("question, out", [
    ("what did ofsted say about adult social care waiting times in kent", True),
    ("Could officers summarise the inspectors' view of Kent's adults' social care?", True),
    ("kent gcse results all pupils 2024", True),
    ("How are young people with disabilities moved on to adult social care in Kent?", False),
    ("kent cic gcse results", False),
    ("What did Ofsted say about children's services and adult social care working together with parents in Kent?", False),
    # the review's: joint work and the move between the services are the reports' to answer
    ("How well do children's services and adult social care work together in Kent?", False),
    ("How are disabled 17-year-olds handed over to adult social care in Kent?", False),
])
def test_a_service_the_reports_do_not_assess_is_out_of_scope_unless_asked_of_children(question, out):
    kinds = [item.kind for item in parse(question).out_of_scope]
    assert (kinds != [] and all(kind.startswith("outside children's services") for kind in kinds)) == out, kinds


@pytest.mark.parametrize("question, subject", [
    # national10: "What conclusions did Ofsted reach about adult social care provision in Halton?" kept its opening in
    # the topic, and off-topic sentences naming Ofsted were quoted beside the answer
    ("What conclusions did Ofsted reach about early help in Kent?", "early help"),
    ("Which points did the inspectors raise about supervision in Kent?", "supervision"),
    # national15: "Could officers confirm what inspectors found regarding ..." kept "Could officers confirm"
    ("Can officers tell us how Kent handles early help?", "how handles early help"),
    ("Could members check whether Kent visits children in care often enough?", "visits children in care often enough"),
    # the review's: neither a visit nor any plural asker opens a request ("Can families check ..." is about families)
    ("What do visits to children in care show about their wishes in Kent?", "visits to children in care show about their wishes"),
    ("Can families check whether they are eligible for early help in Kent?", "families check whether they are eligible for early help"),
])
def test_an_opening_asking_the_report_or_someone_else_is_not_the_topic(question, subject):
    from search.lexical import terms

    assert terms(parse(question).topic) == terms(subject)


@pytest.mark.parametrize("question, quantity, money", [
    # national18: "... the council's response to the large number of children arriving alone" asked for no number
    ("What did the 2017 report say about the response to the large number of children arriving alone in Kent?", False,
     False),
    ("kent high number of cp plans", False, False),
    ("What number of children are in care in Kent?", True, False),
    # national10, national14: an amount asked as "the level of investment", "the value in pounds of"
    ("What level of financial investment did Kent commit to children's social care?", True, True),
    ("Could officers confirm the value in pounds of Kent's additional investment in social work?", True, True),
    ("What did Ofsted say about investment in early help in Kent?", False, False),
    ("How has the level of investment in early help affected outcomes in Kent?", False, False),
])
def test_a_number_is_asked_only_when_not_described(question, quantity, money):
    query = parse(question)
    assert (query.quantity, query.money) == (quantity, money)


def test_parsing_needs_no_model_and_no_index():
    code = "import sys, search.parse; sys.exit(any(m in sys.modules for m in ('faiss', 'torch', 'sentence_transformers')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_a_question_typed_without_capitals_names_councils_whose_names_are_everyday_words():
    terse = parse("bury latest inspection care leavers")
    assert [(council.name, council.everyday) for council in terse.councils] == [("Bury", True)]
    assert "bury" in terse.topic  # kept: it may be the everyday word
    assert not parse("How do inspectors bury bad news in Leicester?").councils[0].everyday
    assert [council.name for council in parse("How do inspectors bury bad news in Leicester?").councils] == ["Leicester"]
    assert [(c.name, c.everyday) for c in parse("What did Ofsted say about Bury?").councils] == [("Bury", False)]


@pytest.mark.parametrize("question", [
    "Not the latest one, but the full inspection of Derbyshire before that: what did it say about care leavers?",
    "rutland not the most recent inspection, the one before, care leavers",
    "What did the visit before that one find?",
    # in other words for the same: before, each was read as any inspection
    "kent care leavers penultimate full inspection",
    "Essex's second most recent inspection on neglect",
    "what did the inspection before last say about Bury",
    "essex second to last ofsted",
    # the earlier of two (national7: "In the earlier of Hampshire's two focused visits, ..."): read as any report before
    "In the earlier of Hampshire's two focused visits, what did inspectors find about child protection plans?",
    "kent children in care, the older of the two reports",
    "the earlier of hampshires two fvs",
])
def test_the_one_before_the_latest_is_the_previous_inspection(question):
    assert parse(question).recency == "previous"


@pytest.mark.parametrize("question", ["what happened first of all in two councils", "what did kent do first of all two years ago"])
def test_first_of_all_is_not_the_earlier_of_two_reports(question):
    assert parse(question).recency is None


def test_numbers_from_ten_up_written_in_words_become_numerals_as_reports_write_them():
    assert numerals("homeless sixteen and seventeen year olds") == "homeless 16 and 17 year olds"
    assert numerals("Twenty-five days, ninety nine, seventy") == "25 days, 99, 70"
    assert numerals("within three days, the seventeenth, often") == "within three days, the seventeenth, often"
    assert numerals("thirty one-to-one sessions") == "30 one-to-one sessions"


@pytest.mark.parametrize(("said", "written"), [
    ("what was the verdict on kent in twenty twenty", "what was the verdict on kent in 2020"),
    ("essex twenty nineteen visit", "essex 2019 visit"), ("bury twenty twenty-four", "bury 2024"),
    ("since two thousand and fifteen", "since 2015"), ("within twenty five days", "within 25 days"),
])
def test_a_year_said_aloud_is_read_as_the_year(said, written):
    # dictation writes "twenty twenty": before, it became "20 20", no year, and the newest report answered instead
    assert numerals(said) == written


def test_an_opening_left_with_no_topic_word_before_about_is_not_topic():
    # once the council and "last visited" are read, "When Ofsted, what did it find about" says nothing of the topic
    asked = "When Ofsted last visited Nottinghamshire, what did it find about how new referrals are handled?"
    assert parse(asked).topic == "how new referrals are handled"
    assert parse("What did the Ofsted report on Leicester say about children missing from home?").topic == \
        "children missing from home"
    assert parse("Has Ofsted's newest report on Leicester said anything about children going missing?").topic == \
        "children going missing"
    # a word of the topic before "about" keeps the whole
    assert parse("What happens about domestic abuse notifications?").topic == "What happens about domestic abuse notifications"


@pytest.mark.parametrize(("question", "subject"), [
    ("Could you check what the 2021 visit to Kent found about how quickly children are seen?", "how quickly children are seen"),
    ("What did Ofsted find on its latest trip to Essex about the front door?", "the front door"),
    ("Can you tell me what inspectors said in 2019 about whether Bury helps care leavers find work?",
     "whether helps care leavers find work"),
    ("Which councils were praised by inspectors about their work with young carers?", "their work with young carers"),
    ("What did Ofsted say is holding up adoptions for Kent children?", "is holding up adoptions for children"),
])
def test_an_opening_asking_what_a_report_said_is_not_topic(question, subject):
    # "let me know what the 2024 inspection said about" names which report, not what about; as topic words "inspection"
    # and "trip" drew passages about the inspection itself
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # asked passively of councils: before, "Which local authorities were told by Ofsted that" stayed in the topic and
    # drew the reports' lines about local authorities and Ofsted ("The previous inspection of ... was in 2011")
    ("Which local authorities were told by Ofsted that their children in care lack life-story work?",
     "their children in care lack life-story work"),
    ("Which councils were criticised for how they check on privately fostered children?",
     "how they check on privately fostered children"),
    ("which councils got heavily criticised over delays in pre-proceedings", "delays in pre-proceedings"),
    # "which of these councils": before, the whole opening stayed in the topic
    ("Which of these councils were criticised for how they check on privately fostered children?",
     "how they check on privately fostered children"),
])
def test_an_opening_asking_passively_what_a_report_said_is_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # "inspectors" and "unhappy" stayed in the topic and drew a council paper's "The inspectors read case files ..."
    ("Back in 2017 inspectors were unhappy with supervision in Leicestershire", "supervision in"),
    ("Ofsted was critical of the front door in Derby", "the front door in"),
    ("the inspectors had concerns over caseloads in Kent", "caseloads in"),
])
def test_an_opening_saying_what_the_inspectors_thought_is_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # said by a noun of the reporter's: "Members would welcome a summary of Ofsted's view of" stayed in the topic
    ("Members would welcome a summary of Ofsted's view of Camden's multi-agency safeguarding hub",
     "multi-agency safeguarding hub"),
    ("Please outline the inspectors' findings on social worker caseloads in Kent.", "social worker caseloads in"),
    ("what was Ofsted's overall conclusion about early help in Kent", "early help in"),
    ("Ofsted's take on care leavers kent", "care leavers"),
    ("Has Ofsted's newest report on Kent said anything about youngsters going missing?", "youngsters going missing"),
    ("How do the inspectors' visits to Kent compare?", "How do the inspectors' visits to compare"),  # no preposition
])
def test_an_opening_naming_the_reporters_view_is_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # the reports asked for, as "which councils": "focused visits" drew every letter's "Ofsted will take the findings
    # from this focused visit into account ..." (national5, national14: "areas for priority action")
    ("Which focused visits resulted in Ofsted identifying areas for priority action?",
     "resulted in Ofsted identifying areas for priority action"),
    ("Which of the focused visit letters identified areas for priority action?", "identified areas for priority action"),
    ("which inspections praised care leavers", "praised care leavers"),
    ("Which councils were criticised for private fostering?", "private fostering"),
    ("Which care leavers were visited?", "Which care leavers were visited"),  # no report named
    ("Which home visits did social workers miss in Kent?", "Which home visits did social workers miss in"),  # practice
])
def test_the_reports_a_question_asks_for_are_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # the inspectors' verbs of judging ask what a report said as "find" does: "did ofsted rate" stayed in the topic,
    # and "did ofsted rate Lewisham's return home interviews well" was refused as no passage read close enough
    ("did ofsted rate Lewisham's return home interviews well", "return home interviews well"),
    ("how did inspectors assess early help in Kent", "early help in"),
    ("How did Ofsted rate Kent's care leavers?", "care leavers"),
    ("How did the focused visit assess Kent's support for care leavers?", "support for care leavers"),
    # not with another subject, where they are practice
    ("Is risk being assessed properly in Kent?", "Is risk being assessed properly in"),
    ("Did the conversion rate fall in Kent?", "Did the conversion rate fall in"),
    ("How did social workers assess risk in Kent?", "How did social workers assess risk in"),
])
def test_an_opening_asking_how_a_report_judged_something_is_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # "re" was no "about": "inspectors saying re" stayed in the topic
    ("what are inspectors saying re supervision of social workers at Barnsley", "supervision of social workers at"),
    ("what did the inspectors say in relation to early help in Bury", "early help in"),
    ("Ofsted comments with regard to care leavers in Kent", "care leavers in"),
    ("Are care leavers in Kent re-housed quickly?", "Are care leavers in re-housed quickly"),  # no "re" in "re-housed"
])
def test_the_ways_of_saying_about_open_the_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "record"), [
    ("Which HMI was in charge of Derbyshire's 2013 inspection?", ("lead",)),  # quoted the team's size, not its lead
    ("name of lead inspector Nottinghamshire 2019", ("lead",)),
    ("what month was the Peterborough visit", ("end",)),
    ("which dates were inspectors in Kent", ("end",)),
    ("What did Ofsted say about the inspection team's workload in Kent?", ()),
    # "when" joining a clause to another question asks nothing of the record: the findings were quoted as the
    # inspection's dates ("Inspection date: ...") for all 18 of the national sample's SIF reports asked so
    ("what did ofsted find when it inspected Slough in 2015", ()),
    ("Who was the lead inspector when Ofsted inspected Havering in December 2023?", ("lead",)),
    ("When did Ofsted inspect Cumberland, and who led it?", ("lead", "end")),
    ("what did it find, and when was it?", ("end",)),
    ("leicester city next ilacs due when", ("end",)),
    # the inspectors' names asked as a compound noun (national6: "bwd fv apr 2024 care leavers inspector names")
    ("bwd fv apr 2024 care leavers inspector names", ("lead",)),
    ("what were the inspectors' names for Kent", ("lead",)),
    ("HMI names kent 2019", ("lead",)),
    ("inspectors named concerns about the front door", ()),
    ("What did inspectors name as the main weakness in Kent?", ()),  # the verb (after a review)
    ("Did inspectors name any strengths at Kent?", ()),
    ("kent 2019 hmi's name", ("lead",)),
    ("derbys care leavers fv 2021 dates inspectors", ("end",)),  # "dates", a terse query's noun for when
    ("dates of the inspection in kent", ("end",)),
    ("Were children's review dates met in Kent?", ()),  # dates of practice (after a review)
    ("derbyshire 2021 fv care leavers dates inspectors", ("end",)),
    ("Did the Kent visit find plans with no target dates?", ()),
])
def test_what_a_question_asks_of_the_inspections_record_is_read_from_its_question_words(question, record):
    assert parse(question).record == record


@pytest.mark.parametrize(("question", "compared"), [
    ("care leavers: Rutland vs Derbyshire", True),
    ("How does Rutland stack up against Leicester for private fostering?", True),
    ("is early help better in Rutland or Derbyshire", True),
    ("uasc support rutland v derbyshire", True),  # "v", the British short form of versus
    ("care leavers Rutland v. Leicester", True),
    ("part v of the Rutland and Derbyshire reports", False),  # a numeral, not between the councils
    ("care leavers in Rutland and Derbyshire", False),  # both asked, not set side by side
    ("allegations against staff in Rutland", False),
    ("compare Rutland's 2020 and 2024 inspections", False),  # one council
])
def test_councils_set_side_by_side_are_compared(question, compared):
    assert parse(question).compared is compared


def test_the_words_setting_councils_side_by_side_are_not_topic():
    assert parse("How does Rutland stack up against Leicester for private fostering?").topic == "How does for private fostering"
    assert parse("uasc support rutland v derbyshire").topic == "uasc support"


def test_a_question_on_what_children_thought_keeps_its_opening():
    assert "happy" in parse("Were care leavers happy with their accommodation in Derby?").topic


@pytest.mark.parametrize(("question", "subject"), [
    # "get a say": "say" is no participle, and the question's subject is its topic
    ("Do children in care in Kent get a real say in how services are run?",
     "Do children in care in get a real say in how services are run"),
    # the question's subject comes between "were" and its participle
    ("Were care leavers found to lack housing in Essex?", "Were care leavers found to lack housing in"),
])
def test_a_passive_verb_of_the_topic_is_not_an_opening(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # the councils asked for say which reports, not what about: "councils" drew passages about councils' services
    ("Which councils got good feedback for how they help care leavers in custody?",
     "got good feedback for how they help care leavers in custody"),
    ("private fostering monitoring weak which LAs", "private fostering monitoring weak"),
    ("Did any local authorities use bed and breakfast?", "Did use bed and breakfast"),
])
def test_the_councils_a_question_asks_for_are_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # whom a question is addressed to, and a request naming who should answer: before, "Councillors, could the
    # director remind us what" stayed in the topic (and drew passages about directors and councillors)
    ("Councillors, could the director remind us what Ofsted found about adoption in Kent?", "adoption in"),
    ("Mayor, can an officer tell us whether care leavers in Essex get help with money?", "care leavers in get help with money"),
    ("We all know this, Mayor, but has Essex dealt with delays in assessments?",
     "We all know this, but has dealt with delays in assessments"),
    ("So, would the lead member run us through the delays in assessments", "the delays in assessments"),
    # a list's words set off by commas are the topic's
    ("Support with housing, money, jobs for care leavers in Kent", "Support with housing, money, jobs for care leavers in"),
])
def test_words_addressing_someone_or_asking_someone_to_answer_are_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # once the council and "most recent" are read, "ofsted on" and "erm" said nothing of the topic: they stayed in it
    # and its vector, which then read too far from the inspection term it describes (the designated officer's work)
    ("most recent ofsted on Kent um how do they deal with allegations against staff",
     "how do they deal with allegations against staff"),
    ("latest ofsted report on Essex, erm, how do they handle allegations against staff",
     "how do they handle allegations against staff"),
    ("kent inspection how well do they look after disabled children", "how well do they look after disabled children"),
    # words of the topic's own before its question word stay
    ("At what point do care leavers in Kent get a personal adviser?", "At what point do care leavers in get a personal adviser"),
    ("Care leavers: how well are they supported in Kent?", "Care leavers: how well are they supported in"),
])
def test_words_naming_the_report_before_the_topics_question_word_are_not_topic(question, subject):
    assert parse(question).topic == subject


def test_an_opening_with_topic_words_of_its_own_is_not_one_asking_what_a_report_said():
    # "told" is the topic's verb here; the rule for openings had dropped the subject, homeless young people
    question = "Where were homeless 16- and 17-year-olds in Kent not properly told about their rights?"
    assert parse(question).topic == "Where were homeless 16- and 17-year-olds in not properly told about their rights"


def test_the_topic_before_an_opening_asking_what_a_report_said_is_kept_when_nothing_follows_about_it():
    # the opening rule would leave nothing ("them"); the clause asking what Ofsted said goes, the topic before it stays
    assert parse("Care leavers: what did Ofsted say about them?").topic == "Care leavers"


@pytest.mark.parametrize(("question", "subject"), [
    # a second sentence saying only which report: before, "what did the inspectors find" made the topic "on their visit"
    ("Do families in Kent wait long for help with drug problems? What did the inspectors find on their 2025 visit?",
     "Do families in wait long for help with drug problems"),
    ("How quickly are children in Essex seen? What did the inspectors find when they came in May 2021?",
     "How quickly are children in seen"),
    # each sentence's opening is read on its own, and a sentence with a topic stays
    ("Are care leavers in Bury housed well? What did Ofsted say about staying put?", "Are care leavers in housed well. staying put"),
    ("leeds report no. of inspectors", "report no. of inspectors"),
    # typed without stops: a last clause that only asks what a report said
    ("so do families in kent wait for drug help what did the may 2025 visit say", "so do families in wait for drug help"),
    ("Is neglect in Essex handled well, according to the 2024 inspection report?", "Is neglect in handled well"),
    ("Are Bury families waiting for help, and what did inspectors find in 2025?", "Are families waiting for help"),
    # ... and a last clause asking it without "did": before, "and what the inspection concluded" stayed topic
    ("Do children in Kent get help with school, and what the 2023 inspection concluded on that?",
     "Do children in get help with school"),
    ("essex neglect what the inspection report said", "neglect"),
    # a last clause with a topic of its own stays
    ("Are Bury families waiting, and what the reasons are", "Are families waiting, and what the reasons are"),
])
def test_a_sentence_saying_only_which_report_is_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # a last clause saying only when the report was made: before, "when Ofsted visited" drew the lines about the visit
    ("Was there a problem with police contacts to Kent's front door when Ofsted visited in 2023?",
     "Was there a problem with police contacts to front door"),
    ("How did Bury's support for care leavers do when the inspectors came at the end of 2016?",
     "How did support for care leavers do"),
    # a clause with a topic of its own stays
    ("How quickly are children in Kent seen when they are referred?", "How quickly are children in seen when they are referred"),
])
def test_a_clause_saying_only_when_the_report_was_made_is_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "subject"), [
    # a first clause saying only which report: before, "According to the visit" stayed and drew the visit's own lines
    ("According to the inspectors who visited in October 2024, what's getting in the way of care leavers in Kent "
     "finding a settled home?", "what's getting in the way of care leavers in finding a settled home"),
    ("In the 2018 visit, at what point did care leavers in Essex get a PA?", "at what point did care leavers in get a PA"),
    # a first clause with a topic of its own stays
    ("For care leavers in Kent, what did the visit find?", "For care leavers in"),
])
def test_a_first_clause_saying_only_which_report_is_not_topic(question, subject):
    assert parse(question).topic == subject


@pytest.mark.parametrize(("question", "year"), [
    ("What did Ofsted find about Kent's care leavers at the end of 2016?", 2016),
    ("kent care leavers early 2020", 2020),
    ("Essex front door in mid-2019", 2019),
])
def test_a_part_of_a_year_is_part_of_the_date_phrase(question, year):
    query = parse(question)
    assert query.dates.years == (year,)
    assert not {"end", "early", "mid"} & set(query.topic.lower().replace("-", " ").split())


@pytest.mark.parametrize("question", ["leeds children on cp plans number 2019", "hull care leavers eet figures",
                                      "How many children are in care in Kent?", "york agency staff %",
                                      "What is the average caseload in Kent?"])
def test_a_question_asking_for_a_figure_is_read_so_however_typed(question):
    assert parse(question).quantity


def test_the_words_asking_for_a_number_are_told_apart_from_the_topic():
    from search.parse import number_asking

    assert number_asking("How many children in care does Kent have?") == {"how", "many"}
    assert number_asking("kent number of foster carers") == {"number", "of"}
    assert number_asking("What did Ofsted say about care leavers in Kent?") == frozenset()


@pytest.mark.parametrize(("question", "span"), [("How many days did the Kent inspection last?", True),
                                                ("over how many weeks did it run", True), ("hull number of days on site", True),
                                                ("How many children are in care in Kent?", False),
                                                ("How many care leavers were seen in the last six months?", False)])
def test_a_number_asked_of_a_span_of_time(question, span):
    from search.parse import asks_span

    assert asks_span(question) is span


@pytest.mark.parametrize("question", ["when is kent's next inspection", "essex next ILACS when", "next ofsted for bury due",
                                      "When are the inspectors next due to come to Kent?", "is essex next due a visit",
                                      "when is ofsted next coming back to bury",
                                      # six words between "next" and "inspection"; "next" after "when is"
                                      "When is Ofsted next scheduled to carry out a full inspection of Kent's services?",
                                      "when are inspectors next in bury", "next planned visit to essex",
                                      # a past verb with words of what is to come (after a review of the rule below)
                                      "Will Rutland have improved by its next inspection?",
                                      "Rutland was judged inadequate, so when is its next inspection due?",
                                      "When did Ofsted say it would next inspect Rutland?",
                                      "Has Rutland got a date for its next inspection?"])
def test_an_inspection_still_to_come_is_read_so_whatever_it_is_called(question):
    assert parse(question).recency == "next"


@pytest.mark.parametrize("question", ["what did ofsted say the next steps are for kent", "what happens next for care leavers",
                                      "When did Ofsted visit next after 2019?", "is the next step planned for kent"])
def test_next_steps_are_not_an_inspection_still_to_come(question):
    assert parse(question).recency is None


@pytest.mark.parametrize("question", ["Have any councils gone straight from inadequate to good at their next inspection?",
                                      "what grade did kent get at its next inspection"])
def test_a_next_inspection_told_in_the_past_has_happened(question):
    # national15's "Have any councils gone straight from inadequate to good at their next inspection?" was told no
    # report says when the next inspection will be
    assert parse(question).recency is None


@pytest.mark.parametrize(("question", "later"), [
    ("What overall grade did Kent get at its subsequent inspection?", True),
    ("What grade did Kent get at the inspection after its 2022 focused visit?", True),
    ("what grade did kent get at its next inspection", True),
    ("What grade did Kent get at its last inspection?", False),
    ("What grade did Kent get?", False),
])
def test_an_inspection_after_another_is_named_so(question, later):
    from search.parse import names_a_later_inspection

    assert names_a_later_inspection(question) is later


@pytest.mark.parametrize(("question", "asked"), [
    ("Can you tell me whether Kent has fixed its front door?", "Kent has fixed its front door"),
    ("I'd like to know if care leavers in Bury get a PA early", "care leavers in Bury get a PA early"),
    ("Could someone explain why Essex was judged inadequate?", "why Essex was judged inadequate"),
    ("I'm curious what lay behind Derby's outstanding grade", "what lay behind Derby's outstanding grade"),
])
def test_a_request_with_no_topic_in_it_is_not_searched_for(question, asked):
    # "Can someone explain what ... did to be rated outstanding" drew the headline's opening, not what lay behind it
    assert focus(question) == asked


@pytest.mark.parametrize(("text", "both"), [
    ("Which councils got better grades at their latest inspection than the one before?", True),
    ("compare the latest and previous inspections of Kent", True),
    ("what did the one before the latest say about care leavers", False),  # "the latest" is part of the phrase
    ("what did the inspection before its most recent say", False),
    ("essex second to last ofsted", False),  # "last ofsted" is part of the phrase
    ("kent's second most recent inspection", False),
    ("is it better now than at the previous inspection", False),
    ("latest report on Kent", False),
])
def test_a_question_naming_the_latest_inspection_and_apart_from_it_the_one_before(text, both):
    assert names_latest_and_previous(text) is both
