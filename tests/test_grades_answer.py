"""Grade questions answered from the grades each report states: the table, its order, CLI and JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.grades import framework_of, stated_area
from search.__main__ import main as search_main
from search.evaluate import first_grade_row_right, load_questions
from search.grades import Areas, asked, grade_rows
from search.parse import parse, with_asks
from search.retrieve import open_searcher
from search.select import EVERY_YEAR, select

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "questions" / "dev.json"


@pytest.fixture(scope="module")
def searcher(shared_index, embedder):
    return open_searcher(shared_index, embedder)


def test_frameworks_follow_the_inspection_dates():
    assert framework_of("sif_inspection", "2016-11-14") == "SIF"
    assert framework_of("ilacs_inspection", "2019-10-07") == "ILACS"
    assert framework_of("ilacs_inspection", "2026-05-11") == "2026 framework"
    assert framework_of("focused_visit", "2019-10-07") is None


@pytest.mark.parametrize(("question", "area", "grade"), [
    ("How was Nottinghamshire rated for helping and protecting children?", "help_and_protection", None),
    ("Which councils' care leavers were judged outstanding?", "care_leavers", "outstanding"),
    ("Which councils were graded inadequate?", None, "inadequate"),
    ("Was it judged good?", None, "good"),
    ("How good were Rutland's services?", None, None),
])
def test_the_area_and_grade_a_question_names(question, area, grade):
    wanted = asked(question, parse(question))
    assert (wanted.area, wanted.grade) == (area, grade)


@pytest.mark.parametrize(("question", "area"), [
    ("What mark did Kent get for the part about how it keeps children safe from harm?", "help_and_protection"),
    ("What grade did Kent get?", None),  # the whole service: no area
    ("How was Kent rated for care leavers?", None),  # named in words, which asked() reads
    # the words asking for the grade kept the topic from every area's name (0.46 against overall effectiveness's
    # 0.41); the words after "for" are read on their own (0.60 against 0.46)
    ("What mark did Kent get in 2026 for how it looks after the children in its care?", "children_in_care"),
])
def test_an_area_described_in_other_words_is_read_from_the_questions_vector(embedder, question, area):
    topic = parse(question).topic
    vector = embedder.embed([topic])[0]
    assert Areas(embedder.embed).described(question, vector, topic) == area


@pytest.mark.parametrize(("question", "area"), [
    # an area named by an abbreviation the glossary spells out: before, the table led with overall effectiveness
    ("leics cla grade 2024", "children_in_care"),
    ("What mark did Derbyshire get in 2024 for how it looks after the children in its care?", "children_in_care"),
])
def test_a_grade_asked_for_an_abbreviated_or_described_area_leads_with_it(searcher, question, area):
    result = searcher.ask(question)
    assert result.grades[0].area == area
    assert "children in care" in result.answer.quotes[0].text


def test_a_grade_asked_for_an_area_in_other_words_leads_with_that_area(searcher):
    # no word of the question names "help and protection"; before, the table led with overall effectiveness
    result = searcher.ask("What did Notts get in 2019 for how it keeps children safe from harm?")
    assert result.grades[0].area == "help_and_protection"
    assert "help and protection" in result.answer.quotes[0].text


def test_every_dev_grade_question_has_the_right_grade_in_the_first_row(searcher):
    if not DEV.is_file():
        pytest.skip("../shared/questions/dev.json is not beside this checkout")
    graded = [question for question in load_questions(DEV) if question.type == "grade"]
    assert len(graded) >= 8
    wrong = [question.q for question in graded if not first_grade_row_right(question, searcher.ask(question.q))]
    assert wrong == []


def test_a_question_across_councils_keeps_only_the_rows_with_the_grade_asked(searcher):
    result = searcher.ask("Which councils were graded inadequate?")
    assert result.grades and {row.grade for row in result.grades} == {"inadequate"}
    assert {row.authority for row in result.grades} >= {"Leicester"}
    result = searcher.ask("Which councils' care leavers were judged outstanding?")
    assert result.grades and all(row.grade == "outstanding" and "care_leavers" in row.area for row in result.grades)


def test_each_row_is_linked_to_the_passage_that_states_it(searcher):
    result = searcher.ask("How has Nottinghamshire's grade changed?")
    assert len({row.document for row in result.grades}) >= 3
    for row in result.grades:
        stored = searcher.index.chunks([row.passage])[0]
        assert stored.document.file == row.document
        assert row.quote and row.quote in stored.chunk.text
        assert row.grade.split()[-1] in row.quote.lower() or "improvement" in row.quote.lower()


def test_a_council_paper_restating_an_indexed_report_adds_no_rows(searcher):
    rows = searcher.ask("How was Leicestershire graded in 2024?").grades
    assert rows and {row.document for row in rows} == {"leicestershire-2024-07-12-ofsted-inspection.pdf"}


def test_one_report_indexed_twice_gives_its_grades_once(searcher):
    # Leicestershire's 2017 inspection is in the corpus as text and among the shared reports as its PDF
    rows = searcher.ask("What grades did Leicestershire get in 2017?").grades
    areas = [(row.inspection_start, row.area) for row in rows]
    assert rows and len(areas) == len(set(areas))
    assert {row.document for row in rows} == {"leicestershire-2017-02-13-ofsted-inspection.pdf"}  # its seven grades


@pytest.mark.parametrize(("question", "area"), [("How was Derbyshire graded in 2019?", "leadership"),
                                                ("How was Nottinghamshire graded in 2019?", "help_and_protection")])
def test_an_area_graded_otherwise_than_the_overall_grade_is_quoted(searcher, question, area):
    # Derbyshire 2019: requires improvement overall, leadership good; Nottinghamshire 2019: good overall, help and
    # protection requires improvement. Quoting only the areas graded alike read as "good throughout".
    result = searcher.ask(question)
    assert result.grades[0].area == "overall"
    assert area in {stated_area(quote.text) for quote in result.answer.quotes}


def test_councils_whose_grade_moved_between_their_last_two_inspections(searcher):
    # naming "the one before" beside "their latest" compares the two, so the previous inspections are not chosen alone
    result = searcher.ask("Which councils got better grades at their latest inspection than the one before?")
    assert "previous inspection" not in result.labels
    assert "rose for Derbyshire (requires improvement in 2019, good in 2023)" in result.notes[0]
    assert "fell for Leicester (good in 2021, requires improvement in 2024)" in result.notes[0]
    pairs = [(row.authority, row.grade) for row in result.grades]
    assert pairs[:2] == [("Derbyshire", "good"), ("Derbyshire", "requires improvement")]
    assert "Nottinghamshire" not in {row.authority for row in result.grades}  # good in 2019 and in 2024
    # quoted: each report's own statement of the grade that moved, the later first, never the table's header row
    quoted = [(result.hits[quote.passages[0] - 1].document.file, quote.text) for quote in result.answer.quotes]
    assert quoted[:2] == [("derbyshire-2024-01-12-ofsted-inspection.pdf", "Overall effectiveness | Good"),
                          ("derbyshire-2019-09-19-ofsted-inspection.pdf",
                           "Overall effectiveness | Requires improvement to be good")]


def test_a_question_not_about_grades_has_no_table(searcher):
    assert searcher.ask("What did Ofsted say about care leavers in Rutland?").grades == ()
    query = with_asks(parse("How is the weather?"), frozenset({"topic"}), {})
    assert grade_rows(searcher.index, query, select(query, searcher.index.documents())).rows == ()


def test_cli_json_lists_grades_best_first(shared_index, capsys):
    code = search_main(["How was the leadership of North Northants children's services rated in 2026?", "--json",
                        "--index", str(shared_index.index)])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    first = out["grades"][0]
    assert set(first) >= {"authority", "inspection_start", "inspection_end", "framework", "area", "grade", "document",
                          "passage"}
    assert (first["authority"], first["area"], first["grade"], first["framework"]) == (
        "North Northamptonshire", "leadership", "outstanding", "2026 framework")
    code = search_main(["What did Ofsted say about care leavers?", "--json", "--index", str(shared_index.index)])
    assert json.loads(capsys.readouterr().out)["grades"] == []


def test_cli_text_prints_the_table(shared_index, capsys):
    search_main(["What was the verdict on Rutland's children's services in 2020?", "--index", str(shared_index.index)])
    out = capsys.readouterr().out
    assert "Grades:" in out and "Rutland" in out and "requires improvement" in out and "ILACS" in out


def test_a_grade_question_across_councils_quotes_the_grades_not_the_grading_scale(searcher):
    result = searcher.ask("Which councils were graded inadequate?")
    assert not result.answer.no_answer
    first = result.answer.quotes[0]
    hit = next(hit for hit in result.hits if hit.rank == first.passages[0])
    assert "inadequate" in first.text.lower() and first.text in hit.chunk.text
    assert hit.document.file == result.grades[0].document and "grades available" not in first.text


def test_a_grade_of_something_graded_in_its_own_inspections_is_not_found(searcher):
    result = searcher.ask("Which councils' children's homes were rated outstanding?")
    assert result.answer.no_answer and result.grades == ()
    assert any("inspections of their own" in note for note in result.notes)
    assert not searcher.ask("What did Ofsted say about children's homes in Derbyshire?").answer.no_answer


@pytest.mark.parametrize("question", ["Where did Derbyshire land overall in 2019?", "derbyshire 2019 - where did they land?"])
def test_a_grade_asked_in_a_word_no_report_uses_is_answered_by_the_grades(searcher, question):
    # national18: "where did X land overall" was "not found" ("No indexed report mentions land."): the example
    # questions now ask grades so, and their words are how people ask (30 of 30 templated questions on two indexes,
    # each council's each inspection, were refused for "land"); a grade asked of a thing no report names still is not
    assert not searcher.index.mentions("land")
    result = searcher.ask(question)
    assert not result.answer.no_answer, result.notes
    assert result.answer.quotes[0].text.startswith("Overall effectiveness")
    assert searcher.ask("How was Derbyshire rated for zorbing?").answer.no_answer


def test_a_grade_another_inspectorate_gives_is_not_found_and_says_who_gives_it(searcher):
    # HM Inspectorate of Probation rates youth offending teams; before, the council's own grades were shown as if
    # they answered ("What rating did Oldham's youth offending team get?": "Overall effectiveness | Good")
    result = searcher.ask("What rating did Derbyshire's youth offending team get from its inspectors?")
    assert result.answer.no_answer and result.grades == ()
    assert any(note.startswith("HM Inspectorate of Probation grades youth offending team") for note in result.notes)
    terse = searcher.ask("derbyshire YOS grade")  # an abbreviation stays one in the note
    assert terse.answer.no_answer and any("grades YOS in inspections" in note for note in terse.notes)


def test_the_grade_of_the_area_asked_is_quoted_before_other_areas_with_the_same_grade(shared_searcher):
    # every area of Leicestershire's 2024 inspection but one is outstanding; the overall grade was asked
    result = shared_searcher.ask("How did Leicestershire do overall at its 2024 Ofsted inspection?")
    assert result.grades[0].area == "overall"
    assert stated_area(result.answer.quotes[0].text) == "overall"


@pytest.mark.parametrize("question", ["How were children's services in Derbyshire rated overall in 2024?",
                                      "Overall, how were Nottinghamshire's children's services graded in 2024?"])
def test_the_area_asked_leads_even_when_another_rows_words_are_closer_to_the_question(shared_searcher, question):
    # "children in care | Good" reads closer to "children's services" than "Overall effectiveness | Good" does
    result = shared_searcher.ask(question)
    assert result.grades[0].area == "overall" and stated_area(result.answer.quotes[0].text) == "overall"


@pytest.mark.parametrize("text, area", [
    ("The overall effectiveness of children's services in Leicestershire has been judged to be Outstanding.", "overall"),
    ("Children’s services in Nottinghamshire County Council are good", "overall"),
    ("The experiences and progress of children in care | Outstanding", "children_in_care"),
    ("Social workers know their children well.", None),
    # every area named at once is the services as a whole, not the first area read
    ("Services for children who need help and protection, children in care and care leavers in the Royal Borough of "
     "Kensington and Chelsea are outstanding.", "overall"),
    ("The experiences and progress of children in care and care leavers | Good", "children_in_care_and_care_leavers"),
    # the services as a whole under other names a headline gives them; an area named still counts first
    ("Children’s social care services in Shropshire continue to require improvement to be good.", "overall"),
    ("Services for children and young people in East Riding are good.", "overall"),
    ("Services for children in care in Derby are good.", "children_in_care"),
])
def test_the_area_a_grade_statement_is_about(text, area):
    assert stated_area(text) == area


def test_a_question_across_councils_naming_a_grade_read_unsurely_as_one_is_a_grade_question(corpus_searcher):
    # the classifier reads a grade here at 0.15 to 0.17 (with more examples or fewer), below its bar (0.4), and the
    # grade table was left out: the grade named as what the service was is read as asking for it, whatever the score
    query, _ = corpus_searcher.read("Which councils were told their care leavers service was good?")
    assert query.wants("grade") and query.wants("across")


def test_a_grade_named_as_what_was_judged_is_told_from_a_grade_word_describing_a_thing():
    from search.grades import stated_grade

    assert stated_grade("Which councils were told their care leavers service was good?")
    assert stated_grade("which LAs got rated outstanding for adoption")
    assert not stated_grade("Which councils have inadequate accommodation for care leavers?")
    assert not stated_grade("Is there good support for care leavers in Derby?")


def test_a_grade_word_in_a_topic_across_councils_does_not_make_a_grade_question(corpus_searcher):
    query, _ = corpus_searcher.read("Which councils have inadequate accommodation for care leavers?")
    assert not query.wants("grade")
    # a practice in the glossary's words whose description reads as a judged area's ("safeguard": help and protection),
    # a grade read only unsurely (0.19): the grade word is the practice's, not a grade asked for; before, the grade
    # table's rows were quoted for it
    query, _ = corpus_searcher.read("Which councils were criticised for inadequate efforts to identify and safeguard "
                                    "privately fostered children?")
    assert query.described_area and query.wants("topic") and not query.wants("grade")
    # read surely as a grade, it stays one
    query, _ = corpus_searcher.read("which councils were judged inadequate for keeping children safe")
    assert query.wants("grade")


def _kent_visit_only(tmp_path, embedder):
    """A searcher over one focused visit letter of Kent, and any other report already in ``tmp_path / "reports"``."""
    from ingest.config import Settings
    from ingest.pipeline import ingest

    folder = tmp_path / "reports"
    folder.mkdir(exist_ok=True)
    (folder / "kent-2024-06-20-ofsted-focused-visit.txt").write_text(
        "Focused visit to Kent children's services\n\n"
        "This letter summarises the findings of the focused visit to Kent children's services on 14 and 15 May 2024. "
        "His Majesty's Inspectors for this visit were Ann Smith and Bob Jones.\n\n"
        "Inspectors looked at the local authority's arrangements for children in need and children subject to a "
        "child protection plan.\n\n"
        "Headline findings\n\n"
        "Children in need of help and protection in Kent receive a timely and effective response. Social workers know "
        "their children well, and plans are reviewed regularly by experienced managers.\n", encoding="utf-8")
    settings = Settings(index=tmp_path / "index")
    assert ingest([folder], settings, embedder_factory=lambda name: embedder).documents == len(list(folder.iterdir()))
    return open_searcher(settings, embedder)


def test_a_grade_asked_of_a_council_whose_reports_give_none_is_not_found(tmp_path, embedder):
    """Only a focused visit of Kent is indexed: "What grade did Kent get?" was answered with a sentence of the letter
    (its best sentence was relevant enough); no indexed report gives Kent a grade, and the reader is told so."""
    result = _kent_visit_only(tmp_path, embedder).ask("What grade did Kent get at its last inspection?")
    assert result.answer.no_answer
    assert any("No indexed report on Kent gives a grade" in note for note in result.notes)


def test_how_a_council_did_is_answered_by_its_visits_findings_when_none_gives_a_grade(tmp_path, embedder):
    """national9's "How did Wakefield get on the last time Ofsted came in?", read as a grade question, was refused
    (its one indexed report is a visit); asked without a grade in words, the visit's findings answer, saying there is
    no grade (every third national-sample council: refused 14/42 -> 0/42; "what grade ..." still 14/42)."""
    result = _kent_visit_only(tmp_path, embedder).ask("How did Kent get on the last time Ofsted came in?")
    assert not result.answer.no_answer
    assert result.answer.quotes[0].text.startswith(("Children in need of help", "Social workers know"))
    assert any("gives a grade" in note and "quoted instead" in note for note in result.notes)


def test_how_a_council_did_at_a_visit_after_its_last_graded_inspection_is_answered_by_that_visit(tmp_path, embedder):
    """national10's "How did Haringey do at its most recent Ofsted visit?": the latest report, a visit, gives no grade,
    so the grade table fell back to the 2014 inspection's grades and the answer quoted that inspection; the visit's
    findings answer, the table still shows the inspection's grades, and the notes say both."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "kent-2019-03-01-ofsted-inspection.txt").write_text(
        "Kent County Council\nInspection of children's social care services\n\nInspection dates: 4 to 15 February 2019\n"
        "\nJudgement\n\nThe overall effectiveness of children's social care: Requires improvement to be good\n\n"
        "Headline findings\n\nChildren's services in Kent require improvement to be good. Assessments are too slow and "
        "plans are not reviewed.\n", encoding="utf-8")
    searcher = _kent_visit_only(tmp_path, embedder)
    assert any(document.judgements for document in searcher.index.documents())
    # so is "the last time Ofsted came in", which names no kind (national16: "How did Milton Keynes get on the last
    # time Ofsted came in?" was given the earlier inspection's grades only); its grade asked in words is the inspection's
    for question in ("How did Kent do at its most recent Ofsted visit?", "How did Kent get on the last time Ofsted came in?"):
        result = searcher.ask(question)
        assert not result.answer.no_answer
        assert result.answer.quotes[0].text.startswith(("Children in need of help", "Social workers know")), question
        assert result.grades and result.grades[0].grade == "requires improvement"
        assert any("The latest report of Kent gives no grades" in note for note in result.notes)
        assert "What the reports chosen found is quoted." in result.notes
    rated = searcher.ask("What was Kent rated last time?")
    assert "Requires improvement" in rated.answer.quotes[0].text


@pytest.mark.parametrize("question", ["which las got ri for care leavers", "Requires improvement councils east midlands",
                                      "Which councils were rated RI?",
                                      # the grade as a participle: "judged as requiring improvement rather than good"
                                      "Why was West Northamptonshire judged as requiring improvement rather than good?",
                                      "Which councils were found to have required improvement in 2019?"])
def test_a_grade_named_in_any_case_is_the_grade_asked(question):
    from search.grades import named_grade

    assert named_grade(question) == "requires improvement"


@pytest.mark.parametrize("question", ["What areas required improvement in Leeds?",
                                      "Did Leeds act on the issues that required improvement?",
                                      "What did Leeds do about the areas requiring improvement identified in 2019?"])
def test_required_improvement_in_plain_english_names_no_grade(question):
    from search.grades import named_grade

    assert named_grade(question) is None


def test_the_judgement_line_of_an_area_named_outside_the_topics_words_is_read(shared_searcher):
    # "leaders" names leadership as the grade table reads the question; the passages read for the answer used to take
    # the area from the topic's words alone, so the judgement line was not read and the table's row was quoted
    quote = shared_searcher.ask("How did Derbyshire's leaders score at the 2024 inspection?").answer.quotes[0].text
    assert stated_area(quote) == "leadership" and " | " not in quote and "good" in quote.lower()


def test_a_sif_reports_sentence_stating_an_areas_grade_is_quoted_before_its_row(shared_searcher):
    """A SIF report states each area's grade in a sentence ("The graded judgment about the experience and progress of
    care leavers is that it requires improvement"), which may end the passage of another area's judgement: it was
    not read, and the table's row ("2.2 Experiences and progress of care leavers | Requires improvement") was quoted
    (national11's Darlington, national13's Barnsley)."""
    quote = shared_searcher.ask("How was Leicester rated for care leavers in 2015?").answer.quotes[0].text
    assert stated_area(quote) == "care_leavers" and " | " not in quote and "requires improvement" in quote.lower()


def test_a_grade_asked_of_a_year_with_no_report_is_the_one_then_in_force_or_not_found(shared_searcher):
    """No Derbyshire report is from 2015 or 2012: in 2015 the grade of its 2014 inspection was in force, and is
    quoted; in 2012 none of its reports had been written, and quoting a later grade as 2012's would mislead."""
    then = shared_searcher.ask("What rating did Derbyshire get in 2015?")
    assert not then.answer.no_answer and "good" in then.answer.quotes[0].text.lower()
    before = shared_searcher.ask("What rating did Derbyshire get in 2012?")
    assert before.answer.no_answer and any("from 2012" in note for note in before.notes), before.notes


def test_an_areas_grade_stated_in_any_sentence_of_a_passage_is_found():
    from ingest.document import Chunk
    from search.retrieve import _states_grade_of

    text = ("Adopters are well supported. The graded judgment about the experiences and progress of care leavers is "
            "that it is good.")
    chunk = Chunk("x.pdf", text, 0, len(text), "1", "Adoption", 1)
    assert _states_grade_of(chunk, "care_leavers") and not _states_grade_of(chunk, "adoption")
    row = "2.2 Experiences and progress of care leavers | Good"
    assert not _states_grade_of(Chunk("x.pdf", row, 0, len(row), "1", "", 1), "care_leavers")


def test_the_headline_stating_the_tables_grade_in_words_is_read_before_one_recalling_an_earlier_grade():
    """A grade question reads, beside the grade table, the headline passage stating the grade in words: of those
    stating a grade, one stating the table's leading grade, though a headline recalling an earlier inspection's grade
    ("... since 2015, when all its services were judged inadequate") reads closer to the question. Before, the closer
    one was read, and the table's row was quoted first instead of "Children's services in X are outstanding"."""
    from types import SimpleNamespace

    import numpy as np

    from search.retrieve import Searcher

    texts = {1: "This impressive progress follows the 2015 inspection, when all services were judged to be inadequate.",
             2: "Children's services in Kent are outstanding. Leaders know their services well.",
             3: "Leaders know their services well and act on what they find."}
    vectors = {1: np.array([1.0, 0.0]), 2: np.array([0.6, 0.8]), 3: np.array([0.9, 0.1])}
    chunks = [SimpleNamespace(id=i, chunk=SimpleNamespace(text=text)) for i, text in texts.items()]
    index = SimpleNamespace(chunk_ids=lambda documents: frozenset(texts), in_part=lambda part, ids: sorted(ids),
                            chunks=lambda ids: [item for item in chunks if item.id in ids], vector=vectors.__getitem__)
    question = np.array([1.0, 0.0])
    assert Searcher._stated_in_words(SimpleNamespace(index=index), 1, question, "outstanding") == [2]  # type: ignore[arg-type]
    # stating none of the table's grade: the closest of those stating a grade
    assert Searcher._stated_in_words(SimpleNamespace(index=index), 1, question, "good") == [1]  # type: ignore[arg-type]


def test_councils_whose_grade_moved_from_or_to_the_grade_named(searcher):
    # "improved from requires improvement" listed every council graded requires improvement at its latest inspection
    # (Leicester among them, whose grade fell to it): the grade named is where the change starts
    result = searcher.ask("Which councils improved from requires improvement?")
    assert "rose for Derbyshire (requires improvement in 2019, good in 2023)" in result.notes[-1]
    assert {row.authority for row in result.grades} == {"Derbyshire", "Leicestershire", "Rutland"}
    assert {row.grade for row in result.grades[1::2]} == {"requires improvement"}  # each council's earlier grade
    # none moved so: the reports answer that none did
    none = searcher.ask("Which councils fell to inadequate?")
    assert none.grades == () and not none.verdict.answered
    assert "No council's overall effectiveness grade changed to inadequate" in " ".join(none.verdict.reasons)


@pytest.mark.parametrize("question", ["What mark did North Northamptonshire get from Ofsted in 2026?",
                                      "north northants 2026 rating"])
def test_with_no_area_asked_the_judgement_line_of_the_area_the_table_leads_with_is_read(searcher, question):
    # the 2026 framework gives no overall grade, so the table leads with leadership; the judgement lines were read
    # for an area asked only, and the line stating leadership's grade in words was not among the passages quoted from
    result = searcher.ask(question)
    assert result.grades[0].area == "leadership"
    quote = result.answer.quotes[0].text
    assert stated_area(quote) == "leadership" and " | " not in quote and "outstanding" in quote.lower()


def test_councils_good_at_a_practice_are_praised_not_graded(searcher):
    # "good at" read as the grade: the table listed every council graded good overall, and the quotes were its rows
    result = searcher.ask("Which councils were good at life story work?")
    assert not result.query.wants("grade") and result.grades == ()
    assert "life" in result.answer.quotes[0].text.lower()
    assert searcher.ask("Which councils were judged inadequate at the inspection covered in these reports?").query.wants("grade")


@pytest.mark.parametrize("question", ["What was Derbyshire rated in 2019 and 2024?", "rutland ofsted grades 2016 and 2024",
                                      "How was Leicester judged in 2021 and in 2025?"])
def test_a_councils_grades_asked_in_several_years_are_quoted_from_each_years_report(searcher, question):
    """Before, only the leading row's report was quoted ("in 2021 and 2025": the 2021 grades alone)."""
    result = searcher.ask(question, 10)
    years = {str(year) for year in result.query.dates.years}
    by_rank = {hit.rank: hit for hit in result.hits}
    quoted = {by_rank[quote.passages[0]].document.description.held[:4] for quote in result.answer.quotes}
    assert len(quoted) == len(years), (quoted, years)
    # a report counts for the year it happened and the year it was published (Derbyshire's 2024 report: November 2023)
    reports = [by_rank[quote.passages[0]].document.description for quote in result.answer.quotes]
    assert all(any(int(year) in report.years() for report in reports) for year in years), (quoted, years)


@pytest.mark.parametrize("question", ["Did Derbyshire's rating go up or down between 2019 and 2024?",
                                      "rutland 2016 vs 2024 overall judgement",
                                      "Did Leicester's care leavers rating improve between the 2021 inspection and the 2025 one?"])
def test_a_grade_change_between_two_years_quotes_each_years_grade(searcher, question):
    """national18: "Did Blackburn's care leavers rating go up or down between the 2017 inspection and the 2025 one?"
    quoted only the later report (its table led, newest first, and a change read only the later grade); "isle of wight
    2014 vs 2019 overall judgement" quoted a third inspection's rows. Each year's report states its grade, and what
    the later one says changed may follow."""
    result = searcher.ask(question, 10)
    by_rank = {hit.rank: hit for hit in result.hits}
    graded = [by_rank[quote.passages[0]].document.description for quote in result.answer.quotes
              if re.search(r"outstanding|good|requires? improvement|inadequate", quote.text, re.I)]
    years = [int(year) for year in re.findall(r"\b20\d\d\b", question)]
    assert all(any(year in report.years() for report in graded) for year in years), [r.file for r in graded]
    assert all(report.years() & set(years) for report in graded)  # no third inspection's


def test_a_grade_change_naming_a_year_with_no_inspection_quotes_the_grade_then_in_force(searcher):
    """A review: "leicester 2015 vs 2023 overall judgement" quoted the 2015 grade alone (no report is from 2023); the
    grade in force in 2023 is the 2021 inspection's."""
    result = searcher.ask("leicester 2015 vs 2023 overall judgement", 10)
    by_rank = {hit.rank: hit for hit in result.hits}
    quoted = {by_rank[quote.passages[0]].document.description.held[:4] for quote in result.answer.quotes}
    assert {"2014", "2021"} <= quoted or {"2015", "2021"} <= quoted, quoted


def test_a_change_asked_between_two_years_without_a_grade_word_quotes_what_changed(searcher):
    """A review: "Has Nottinghamshire improved between 2015 and 2024?", read as a grade question too, quoted three grade
    rows and nothing on what improved; a grade asked in words compares the grades, this asks what improved."""
    result = searcher.ask("Has Nottinghamshire improved between 2015 and 2024?", 10)
    assert result.answer.quotes and " | " not in result.answer.quotes[0].text


def test_a_range_no_report_is_from_is_not_also_said_to_be_searched_in_every_year(searcher):
    result = searcher.ask("Did Rutland get out of requires improvement at its next inspection after 2024?", 10)
    assert result.answer.no_answer and any("all from before then" in note for note in result.notes)
    assert not any(note.endswith(EVERY_YEAR) for note in result.notes), result.notes


@pytest.mark.parametrize("question", ["Is Derbyshire any good at adoption?", "What was Derbyshire's adoption grade in 2023?"])
def test_an_area_the_inspection_does_not_grade_is_answered_from_what_it_says_on_the_area(searcher, question):
    # ILACS grades no adoption performance: the quotes were the rows of other areas ("Overall effectiveness | Good"),
    # answering another question; the report's sentences on adoption answer, the grades it gives below with a note
    result = searcher.ask(question)
    assert any("gives no adoption performance grade" in note for note in result.notes)
    assert result.grades and result.verdict.answered
    quotes = [quote.text for quote in result.answer.quotes]
    assert "adoption" in quotes[0].lower() and not any(" | " in text for text in quotes)


def test_councils_good_at_a_practice_no_grade_judges_are_not_given_the_grade_table(searcher):
    # read as a grade across councils, the table of every council graded good overall was the answer (its rows the
    # quotes), saying nothing of early help, which no inspection grades on its own
    result = searcher.ask("early help - which authorities are good")
    assert not result.query.wants("grade") and result.grades == ()
    assert "early help" in result.answer.quotes[0].text.lower().replace("-", " ")
    # a judged area asked so keeps its grades
    kept = searcher.ask("care leavers - which authorities are good")
    assert kept.query.wants("grade") and kept.grades


def test_a_councils_grade_is_quoted_from_a_visit_letter_recalling_it_when_no_report_of_it_is_graded(
        tmp_path, embedder, shared_reports):
    """national15's City of London: its only indexed report is a focused visit letter opening "At the last inspection,
    in March 2020, the overall effectiveness of services was judged to be outstanding.", yet asked its grade the
    reader was told no report gives one. A letter recalls the grade before it, never the one after."""
    import shutil

    from ingest.config import Settings
    from ingest.pipeline import ingest

    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("leicester-2019-02-14-ofsted-focused-visit.pdf", "rutland-2019-05-08-ofsted-focused-visit.pdf"):
        shutil.copy(shared_reports / name, folder)  # Rutland's letter recalls no overall grade
    settings = Settings(index=tmp_path / "index")
    assert ingest([folder], settings, embedder_factory=lambda name: embedder).documents == 2
    searcher = open_searcher(settings, embedder)
    result = searcher.ask("What overall rating did Leicester's children's services get at their last full inspection?")
    assert not result.answer.no_answer, result.notes
    assert "judged to require improvement" in result.answer.quotes[0].text
    assert any("earlier inspection's grade" in note for note in result.notes), result.notes
    for later in ("What grade did Leicester get at its next inspection after the 2019 focused visit?",
                  "What overall grade did Leicester get at its subsequent inspection?",
                  "What overall grade did Leicester get in 2016?"):  # when the recalled inspection was is not read
        refused = searcher.ask(later)
        assert refused.answer.no_answer, later
        assert not any("earlier inspection's grade" in note for note in refused.notes), refused.notes
    both = searcher.ask("What overall grades did Leicester and Rutland get?")  # one council's letter answers not both
    assert both.answer.no_answer and any("gives a grade" in note for note in both.notes), both.notes


def test_a_letter_naming_the_council_before_its_services_states_the_overall_grade():
    # national15's Knowsley: "Knowsley children's services were last inspected ... judged to require improvement"
    text = ("Knowsley children’s services were last inspected by Ofsted in 2017 and were judged to require improvement "
            "to be good.")
    assert stated_area(text) == "overall"
    assert stated_area("Most children’s services staff are positive about working in Knowsley.") is None


@pytest.mark.parametrize(("text", "area", "says"), [
    ("Since the single inspection in 2016, when services were judged to be good, leaders have continued to improve.",
     "overall", True),
    ("Cheshire East children’s services were last inspected in July 2015, when the local authority was judged as "
     "requiring improvement to be good.", "overall", True),
    ("Since the last inspection in 2021, services for children and families remain good overall.", "overall", True),
    ("Since the last inspection, when care leavers’ services were judged as good, leaders have acted.", "overall", False),
    ("Since the last inspection, when care leavers’ services were judged as good, leaders have acted.", "care_leavers",
     True),
    ("Leaders judged the service to be improving.", "overall", False),
    ("2.2 Experiences and progress of care leavers | Good", "care_leavers", False),  # a row, not words
])
def test_a_grade_a_letter_recalls_in_words_is_read_for_its_area(text, area, says):
    # visit letters recall the last inspection's grade in many ways; those a question about a council with no graded
    # report indexed may be answered by (national15's City of London, Knowsley)
    from search.retrieve import _says_grade_of

    assert _says_grade_of(text, area) is says


@pytest.mark.parametrize("text", ["Disabled children’s services are good.", "Many children’s services are inadequate.",
                                  "Neighbouring children’s services have been judged to be inadequate."])
def test_words_before_childrens_services_that_are_no_place_name_no_council(text):
    assert stated_area(text) is None


def test_the_headline_stating_the_overall_grade_as_a_word_of_its_council_leads_the_grade_answer():
    """A newer report's headline states its grade as a word of its council's service ("Children living in Richmond
    upon Thames receive an outstanding service."), a form no grade statement reads ("are outstanding", ": good"):
    asked how the council did, it is the report's own statement of the overall grade and leads the rows. Before, the
    rows alone were quoted (found on a development file, national21). Not a headline naming no council, nor one using
    another grade's word."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import Passage, Sentence, quote

    def answer(headline: str) -> list[str]:
        row = "Overall effectiveness | Outstanding"
        document = SimpleNamespace(id=1, description=SimpleNamespace(held="2025-06-01", authority="Richmond upon Thames"))
        lines = ((row, JUDGEMENT, 0.7), (headline, SUMMARY, 0.6))
        passages = [Passage(rank, Chunk("a.pdf", text, 0, len(text), None, part, None, ((0, len(text)),), None, part),
                            document)  # type: ignore[arg-type]
                    for rank, (text, part, _) in enumerate(lines, start=1)]
        sentences = [Sentence(rank, 0, len(text), text, score, score) for rank, (text, _, score) in enumerate(lines, start=1)]
        question = with_asks(parse("how did richmond do at its last inspection"), frozenset({"grade"}), {"grade": 0.9})
        return [item.text for item in quote(question, sentences, passages, (), statements=((1, row),))]

    stated = "Children living in Richmond upon Thames receive an outstanding service."
    assert answer(stated)[0] == stated
    for other in ("Leaders provide an outstanding service to children.",
                  "Children living in Richmond upon Thames receive a good service."):
        assert answer(other)[0] == "Overall effectiveness | Outstanding"


def test_how_a_council_did_is_answered_by_its_grade_then_its_headline(shared_searcher):
    """Asked how a council did, not for a grade in words, the answer is the grade and then the report's own account of
    how it did, its headline findings' opening (the rows alone say it in a word); asked for the grade, the rows."""
    result = shared_searcher.ask("How did Derbyshire get on at its latest inspection?", k=10)
    by_rank = {hit.rank: hit for hit in result.hits}
    first, second = result.answer.quotes[:2]
    assert "Overall effectiveness" in first.text and "Good" in first.text
    headline = by_rank[second.passages[0]]
    assert headline.chunk.part == "summary" and headline.document.file == by_rank[first.passages[0]].document.file
    asked = shared_searcher.ask("What grade did Derbyshire get at its latest inspection?", k=10)
    assert all(" | " in item.text for item in asked.answer.quotes)


def test_how_a_council_did_is_not_answered_by_one_item_of_a_sif_headlines_list_of_reasons():
    """A SIF report's headline is a list of reasons under a heading stating the grade ("This local authority requires
    improvement and is not yet good because"): its first item is one reason of many, not the report's account of how
    the council did, so asked how it did the answer is the grade's rows alone. Before, the first item was quoted
    second ("Common assessments are of variable quality.", a review's national21 question of its own)."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import Passage, Sentence, quote

    def answer(section: str) -> list[str]:
        row, item = "Overall effectiveness | Requires improvement", "Common assessments are of variable quality."
        document = SimpleNamespace(id=1, description=SimpleNamespace(held="2014-03-01", authority="Nottingham"))
        passages = [Passage(1, Chunk("a.pdf", row, 0, len(row), None, "Judgements", None, ((0, len(row)),), None,
                                     JUDGEMENT), document),  # type: ignore[arg-type]
                    Passage(2, Chunk("a.pdf", item, 900, 900 + len(item), None, section, None, ((0, len(item)),), None,
                                     SUMMARY), document)]  # type: ignore[arg-type]
        sentences = [Sentence(1, 0, len(row), row, 0.7, 0.7), Sentence(2, 0, len(item), item, 0.3, 0.3)]
        question = with_asks(parse("how did nottingham get on in 2014"), frozenset({"grade"}), {"grade": 0.9})
        return [quoted.text for quoted in quote(question, sentences, passages, (), statements=((1, row),))]

    assert answer("This local authority requires improvement and is not yet good because") == [
        "Overall effectiveness | Requires improvement"]
    assert answer("Headline findings")[1] == "Common assessments are of variable quality."
