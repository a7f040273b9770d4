"""Quoted answers, hybrid retrieval, question understanding and honest "not found"."""

import json
from dataclasses import replace

import pytest

from conftest import ROOT
from search.evaluate import load_questions
from search.glossary import parse
from search.lexical import phrases
from search.numbers import states_quantity
from search.render import as_json

QUESTIONS = load_questions(ROOT / "tests" / "questions.json")



def assert_quotes_are_verbatim(result):
    passages = {hit.rank: hit.chunk.text for hit in result.hits}
    for quote in result.answer.quotes:
        assert 1 <= len(quote.passages)
        for rank in quote.passages:
            assert quote.text in passages[rank], (result.question, quote.text)

def one_report(*lines: tuple[str, str, float], lead: str | None = None, end: str | None = None,
               kind: str = "focused_visit") -> tuple[list, list]:
    """Passages (one a line, ranked in order) of one report, each a whole sentence in the given part (each part one
    section of the report) and scored so: the passages and sentences the answer is chosen from, for tests of how it
    is chosen."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from search.answer import Passage, Sentence

    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2025-05-08", authority="X", lead_inspector=lead,
                                                                 inspection_end=end, kind=kind))
    passages = [Passage(rank, Chunk("a.txt", text, 0, len(text), None, part, None, ((0, len(text)),), None, part),
                        document)  # type: ignore[arg-type]
                for rank, (text, part, _) in enumerate(lines, start=1)]
    sentences = [Sentence(rank, 0, len(text), text, score, score) for rank, (text, _, score) in enumerate(lines, start=1)]
    return passages, sentences



def test_every_answer_sentence_is_an_exact_substring_of_its_passage(corpus_searcher):
    for question in QUESTIONS:
        assert_quotes_are_verbatim(corpus_searcher.ask(question.q, k=5))


def test_every_answer_sentence_is_verbatim_over_the_shared_reports(shared_searcher):
    for question in QUESTIONS:
        assert_quotes_are_verbatim(shared_searcher.ask(question.q, k=5))


def test_a_sentence_in_two_documents_is_quoted_once_with_both_sources(shared_searcher):
    result = shared_searcher.ask("Are personal advisers in Leicestershire tenacious with care leavers?", k=5)
    texts = [quote.text for quote in result.answer.quotes]
    assert len(texts) == len(set(texts))
    both = [quote for quote in result.answer.quotes if len(quote.passages) >= 2]
    files = {hit.rank: hit.document.file for hit in result.hits}
    assert both and len({files[rank] for rank in both[0].passages}) == 2


def test_council_and_year_in_the_question_filter_the_documents(shared_searcher):
    result = shared_searcher.ask("What did Ofsted say about care leavers in Leicestershire in 2024?", k=5)
    assert result.labels == ("Leicestershire", "2024")
    for hit in result.hits:
        assert hit.document.description.authority == "Leicestershire"
        assert "2024" in (hit.document.description.published or "") + (hit.document.description.inspection_end or "")


def test_filters_can_be_dropped(shared_searcher):
    result = shared_searcher.ask("What did Ofsted say about care leavers in Leicestershire in 2024?", k=10, filters=False)
    assert len({hit.document.description.authority for hit in result.hits}) > 1


def test_latest_inspection_picks_the_newest_report(shared_searcher):
    result = shared_searcher.ask("What did the latest inspection of Rutland say about care leavers?", k=5)
    assert {hit.document.file for hit in result.hits} == {"rutland-2024-07-12-ofsted-inspection.pdf"}


def test_exact_terms_are_found_by_the_lexical_side(corpus_searcher):
    phone = corpus_searcher.ask("0116 3052649", k=3, mode="lexical")
    assert "0116 3052649" in phone.hits[0].chunk.text
    icpc = corpus_searcher.ask("ICPC", k=3, mode="lexical")
    assert any("initial child protection conference" in hit.chunk.text.lower() for hit in icpc.hits)
    assert any("0116 3052649" in hit.chunk.text for hit in corpus_searcher.ask("Jane Moore 0116 3052649", k=3).hits)


@pytest.mark.parametrize("question", [
    'care AND "leavers', "NEAR(care leavers)", "care* OR -leavers ^", "child-in-need: plans!!!", "\"\"\"", "(((",
    "what's the ofsted grade?", "' OR 1=1; DROP TABLE chunks; --", "PAs/IROs & ICPCs", "   ", "?",
])
def test_punctuation_and_fts_syntax_never_raise(corpus_searcher, question):
    result = corpus_searcher.ask(question, k=3)
    assert isinstance(result.hits, tuple)


def test_a_question_gives_its_topic_words_and_glossary_phrases_as_plain_phrases():
    assert phrases('care "leavers" NEAR(x)', parse("care leavers | young people leaving care")) == [
        "care", "leavers", "near", "young people leaving care"]


def test_glossary_expands_abbreviations_both_ways():
    glossary = parse("# comment\ninitial child protection conference | ICPC\nchildren in care | CLA | LAC\n")
    assert glossary.expand("Were ICPCs late?") == [] and glossary.expand("Was the ICPC late?") == ["initial child protection conference"]
    assert glossary.expand("children in care") == ["cla", "lac"]


def test_the_glossary_spells_out_abbreviations_for_the_model():
    glossary = parse("multi-agency safeguarding hub | MASH | front door\nchildren in care | CLA | CiC\n"
                     "child protection plan | CP plan\nbed and breakfast | B&B | B&Bs\n")
    assert glossary.spelled_out("notts MASH delays, CiC and cic") == \
        "notts MASH (multi-agency safeguarding hub) delays, CiC (children in care) and cic"  # once, as written
    assert glossary.spelled_out("children in care: is the CLA council good?") == "children in care: is the CLA council good?"
    assert glossary.spelled_out("CP plan reviews") == "CP plan reviews"  # two words: not an abbreviation
    assert glossary.spelled_out("which LAs use B&Bs? a b&b") == \
        "which LAs use B&Bs (bed and breakfast)? a b&b"  # written with a sign, and once only


def test_an_abbreviation_with_a_sign_is_known_as_dictation_writes_it():
    # "b and bs": a phone writes "&" as "and"; before, no glossary phrase matched and no passage on it was found
    glossary = parse("bed and breakfast | B&B | B&Bs\n")
    assert glossary.spelled_out("councils putting young people in b and bs") == \
        "councils putting young people in b and bs (bed and breakfast)"
    assert "bed and breakfast" in glossary.expand("a b and b for care leavers")
    assert glossary.full_forms_of_wordless("b and bs for young people") == ["bed and breakfast"]
    assert glossary.spelled_out("a bed and breakfast") == "a bed and breakfast"


def _best_of_two(text: str, split: int, topic: str, closer: float, **options):
    """The best-scoring sentence of a two-sentence passage split at ``split``, the second this much closer in meaning
    (cosine 0.6 against ``closer``), scored for ``topic`` with ``options`` of score_sentences; and each relevance."""
    import numpy as np

    from ingest.document import Chunk
    from ingest.metadata import Description
    from ingest.store import DocumentRecord
    from search.answer import Passage, score_sentences

    chunk = Chunk("a.pdf", text, 0, len(text), None, None, None, ((0, split), (split + 1, len(text))))
    document = DocumentRecord(1, "a.pdf", "a.pdf", "", Description(None, None, "", None, None, None, None))
    query = np.array([1.0, 0.0], dtype=np.float32)
    stored = {1: np.array([[0.6, 0.8], [closer, np.sqrt(1 - closer ** 2)]], dtype=np.float32)}
    scored = score_sentences(topic, query, [Passage(1, chunk, document)], None, stored=stored,  # type: ignore[arg-type]
                             **options)
    return max(scored, key=lambda sentence: sentence.score).text, [sentence.relevance for sentence in scored]


def test_a_sentence_is_judged_relevant_as_read_in_its_paragraph_and_ranked_by_its_own_words():
    """Whether the reports answer is judged on a sentence read in its passage (its vector plus CONTEXT times the
    passage's, normalised): a finding leaving its subject to the sentence before ("Too often, families wait for this
    support") reads closer to the question in its paragraph than alone. Which sentence is quoted first is still chosen
    on the sentences' own vectors; a passage whose vector is not given is judged on its sentences alone."""
    import numpy as np

    from ingest.document import Chunk
    from ingest.metadata import Description
    from ingest.store import DocumentRecord
    from search.answer import CONTEXT, Passage, score_sentences

    text = "Specialist help is offered to parents. Too often, families wait for this support."
    chunk = Chunk("a.pdf", text, 0, len(text), None, None, None, ((0, 38), (39, len(text))))
    document = DocumentRecord(1, "a.pdf", "a.pdf", "", Description(None, None, "", None, None, None, None))
    query = np.array([1.0, 0.0], dtype=np.float32)
    stored = {1: np.array([[0.8, 0.6], [0.6, 0.8]], dtype=np.float32)}
    alone = score_sentences("", query, [Passage(1, chunk, document)], None, stored=stored)  # type: ignore[arg-type]
    passage = np.array([1.0, 0.0], dtype=np.float32)  # the paragraph, as a whole, on the question's point
    read = score_sentences("", query, [Passage(1, chunk, document, vector=passage)], None,  # type: ignore[arg-type]
                           stored=stored)
    expected = (0.6 + CONTEXT) / np.hypot(0.6 + CONTEXT, 0.8)
    assert [round(sentence.relevance, 4) for sentence in alone] == [0.8, 0.6]
    assert read[1].relevance == pytest.approx(expected, abs=1e-4) and read[1].relevance > 0.75
    assert [sentence.score for sentence in read] == [sentence.score for sentence in alone]


def test_an_abbreviation_a_sign_splits_counts_by_its_full_form_in_the_word_overlap():
    """"B&B" gives the word search only fragments ("b"), so a sentence saying "bed and breakfast" shared none of the
    topic's words with it, and one saying "young people" outscored it; its full form counts instead (for the score,
    not the relevance on which "not found" was fitted). An abbreviation of its own word ("PAs") is left alone."""
    glossary = parse("bed and breakfast | B&B | B&Bs\npersonal adviser | PA | PAs\n")
    assert glossary.full_forms_of_wordless("councils using B&Bs or a b&b for young people") == ["bed and breakfast"]
    assert glossary.full_forms_of_wordless("PAs for care leavers") == [] == glossary.full_forms_of_wordless("BBB&Bx")
    text = "Bed and breakfast is never used for young people. Young people are well supported by their workers."
    topic = "councils no B&B for young people"
    plain, relevance = _best_of_two(text, 49, topic, 0.65)
    meant, same = _best_of_two(text, 49, topic, 0.65, meaning=glossary.full_forms_of_wordless(topic))
    assert plain.startswith("Young people") and meant.startswith("Bed and breakfast") and relevance == same


def test_a_rare_topic_word_outweighs_a_common_one_in_the_word_overlap():
    """"care leavers in custody": a sentence using "custody" outscores a slightly closer one using only "care",
    which nearly every passage about care leavers does; without rarity the two share as many topic words and the
    closer wins (for the score, not the relevance on which "not found" was fitted)."""
    text = "Those in custody get variable support. Care leavers are supported into work and training."
    topic = "care custody"
    common = {"care": 0.5, "custody": 3.0}
    plain, relevance = _best_of_two(text, 38, topic, 0.62)
    rare, same = _best_of_two(text, 38, topic, 0.62, rarity=lambda word: common.get(word, 1.0))
    assert plain.startswith("Care leavers") and rare.startswith("Those in custody") and relevance == same


def test_rarity_is_read_from_how_many_report_sentences_use_a_word():
    from search.spelling import Vocabulary

    vocabulary = Vocabulary(lambda: ["Care leavers are seen.", "Care leavers work.", "Care leavers in custody."])
    assert vocabulary.rarity("custody") > vocabulary.rarity("care") > 0
    assert vocabulary.rarity("unheardof") > vocabulary.rarity("custody")


def test_a_question_asking_how_soon_quotes_first_a_near_equal_sentence_saying_how_soon():
    """"How quickly are children seen?": of two sentences about as close to it, the one saying how soon ("within three
    days", "delays") is quoted first; a question not asking how soon keeps the closer one first. The question side
    is read by parse, the report side by search/data/phrasing.txt."""
    from search.parse import parse as parse_question
    from search.rerank import states_timing

    assert parse_question("how quickly are children seen in rutland").timing
    assert parse_question("At what point do care leavers get a personal adviser?").timing
    assert not parse_question("What did Ofsted say about care leavers in Rutland?").timing
    assert states_timing("Children are seen within three working days.") and states_timing("There are delays.")
    assert not states_timing("Children are seen by social workers who know them well.")
    text = "Children are seen by social workers who know them well. Children are seen within three working days."
    plain, relevance = _best_of_two(text, 55, "children seen", 0.58)
    timed, same = _best_of_two(text, 55, "children seen", 0.58, timing=True)
    assert plain.startswith("Children are seen by") and timed.endswith("three working days.") and relevance == same


def test_a_sentence_saying_a_topic_phrase_in_other_glossary_words_counts_as_using_it():
    """"pa allocation timing": the sentence that answers says "personal advisers", and one sharing only "care leavers"
    with the question outscored it; a glossary synonym of a topic phrase counts as the phrase (for the score, not the
    relevance on which "not found" was fitted)."""
    glossary = parse("personal adviser | personal advisers | PA | PAs\ncare leavers | care leaver\n")
    assert glossary.alternatives("care leavers pa timing") == (
        ("pa", (("personal", "adviser"), ("personal", "advisers"), ("pas",))),
        ("care leavers", (("care", "leaver"),)))
    text = "Care leavers enjoy their football club. Personal advisers are only allocated at 18."
    topic = "care leavers pa allocation"
    plain, relevance = _best_of_two(text, 39, topic, 0.62)
    known, same = _best_of_two(text, 39, topic, 0.62, synonyms=glossary.alternatives(topic))
    assert plain.startswith("Care leavers") and known.startswith("Personal advisers") and relevance == same


def test_an_abbreviation_the_glossary_knows_is_not_an_unknown_name(corpus_searcher):
    result = corpus_searcher.ask("leics CiC life story work", k=5)
    assert not any("CiC" in note for note in result.notes)


def test_a_remark_beside_a_question_for_a_part_of_the_report_is_not_its_topic(corpus_searcher):
    # asking only for the improvement list, the second sentence's words are how the asker feels, not what about; two
    # words no report uses ("seemed", "brilliantly") of its three made it "mostly about something no report mentions"
    result = corpus_searcher.ask("What was Leicestershire told to improve in 2017? They seemed to do brilliantly.")
    assert not result.answer.no_answer and not any("seemed" in note for note in result.notes)
    # asked about a topic, they are what it is about
    assert corpus_searcher.ask("What did Ofsted say about Leicestershire's school dinners?").answer.no_answer


def test_unanswerable_question_is_flagged(shared_searcher):
    result = shared_searcher.ask("What did Ofsted say about school dinners in Rutland?", k=5)
    assert result.answer.no_answer
    assert result.hits  # the closest passages are still shown, as weak matches
    assert as_json(result)["no_answer"] is True


def test_answerable_question_is_answered(shared_searcher):
    result = shared_searcher.ask("How well are care leavers supported into education, employment and training?", k=5)
    assert not result.answer.no_answer and 1 <= len(result.answer.quotes) <= 4


def test_json_carries_answer_and_understanding(shared_searcher):
    data = json.loads(json.dumps(as_json(shared_searcher.ask("How were Rutland's services graded in 2024?", k=3))))
    assert set(data) >= {"question", "answer", "understood", "no_answer", "passages"}
    assert data["understood"]["authorities"] == ["Rutland"]
    for quote in data["answer"]:
        assert quote["text"] in data["passages"][quote["passage"] - 1]["text"]


@pytest.mark.parametrize(("text", "states"), [
    ("The inspection involved six inspectors.", True), ("291 children did not have a social worker.", True),
    ("Nineteen per cent of care leavers", True), ("a budget of £2.5m", True), ("20 children seen within 20 days", True),
    ("Inspection dates: 23 to 27 September 2024", False), ("on 20 and 21 October 2021", False),
    ("during the COVID-19 pandemic", False), ("its plan for 2024/25", False), ("since the 2019 inspection", False),
    # an age is not a count
    ("homeless 16- and 17-year-olds", False), ("young people over the age of 16", False), ("a 17-year-old", False),
    ("27 young people were living in such arrangements", True),
    ("Young people aged 16 and 17 who present as homeless", False), ("between the ages of 18 and 25", False),
    ("care leavers aged 19 to 21: 40 of them", True),
    # "how many care leavers does it support?" quoted these as stating a number
    ("Care leavers aged over 21 are actively consulted.", False), ("when young people turn 19, the nurse stops", False),
    ("supported by their PAs until they reach 25", False), ("The No. 11 service provides a drop-in", False),
    ("services for under-18s", False), ("The number of care leavers reached 461.", True), ("until 2019, 30 did", True),
    # "no children under 16 are living in unregistered homes" was read as stating the number of children in care asked
    ("Despite the challenges, no children under 16 are living in unregistered homes.", False),
    ("young people over 18 who are disabled", False), ("Over 20 children are in care.", True),
    # a number naming a thing: ranked up as stating a number, "section 47 enquiries" answered "how many children ..."
    ("Social workers visit children when section 47 enquiries are made.", False), ("under s20 arrangements", False),
    ("Of 287 children looked after, 101 are looked after under section 20.", True),
    ("Caseloads are now under 20.", True), ("Kent’s 300 social workers", True), ("The council's 46 homes", True),
])
def test_a_stated_number_is_told_from_years_and_dates(text, states):
    assert states_quantity(text) is states


@pytest.mark.parametrize("text", ["seen within 20 days", "over the last six months", "by the end of Year 11",
                                  "completed within 10 working days", "from 14 years onwards", "three to six months"])
def test_a_span_of_time_states_a_number_only_when_a_span_is_asked(text):
    # "How many children are in care in Wigan?" quoted "A significant number of children came into care over the last
    # six months." as stating a number (a span counted as a count); "how many weeks did the inspection last?" asks one
    assert not states_quantity(text) and states_quantity(text, spans=True)


def test_a_question_asking_for_a_number_is_answered_by_a_sentence_stating_one(corpus_searcher):
    result = corpus_searcher.ask("How many inspectors carried out Leicestershire's 2024 inspection?")
    assert result.query.quantity and not result.answer.no_answer
    assert "six inspectors" in result.answer.quotes[0].text


def test_a_question_asking_for_a_number_no_passage_states_is_not_found(corpus_searcher):
    result = corpus_searcher.ask("How much money does Leicestershire spend on foster carers?")
    assert result.query.quantity and result.answer.no_answer and result.hits
    assert any("asks for an amount of money" in note for note in result.notes)
    counted = corpus_searcher.ask("How many foster carers does Leicestershire have?")
    assert counted.answer.no_answer and any("asks for a number" in note for note in counted.notes)


def test_a_question_mostly_about_words_no_report_uses_is_not_found(corpus_searcher):
    result = corpus_searcher.ask("What did Ofsted say about children's dinners in Leicestershire?")
    assert corpus_searcher.index.mentions("children") and not corpus_searcher.index.mentions("dinners")
    assert result.answer.no_answer
    assert any("dinners" in note for note in result.notes)


@pytest.mark.parametrize("question", ["derbyshire radicalisation", "What did Ofsted say about trafficking in Rutland?"])
def test_a_term_no_report_on_the_council_named_uses_is_not_found_there(shared_searcher, question):
    # other councils' reports use the term, so it is no unknown word; the council's own never do, and a sentence naming
    # the council read close enough to the question to be quoted ("Derbyshire is a member of a regional adoption
    # agency")
    result = shared_searcher.ask(question)
    council = result.query.councils[0].name
    assert result.answer.no_answer
    assert any(f"No indexed report on {council} uses the words" in note for note in result.notes), result.notes
    # the same term asked of a council whose reports use it is answered
    other = shared_searcher.ask(question.replace("derbyshire", "nottinghamshire").replace("Rutland", "Leicestershire"))
    assert not other.answer.no_answer and not any("uses the words" in note for note in other.notes)


def test_the_words_asking_for_a_number_are_not_a_term_the_councils_reports_must_use(shared_searcher):
    # "figures" is how the question asks, not what about: Rutland's reports never use it, and "No indexed report on
    # Rutland uses the words “figures”" refused a question its 2017 report answers ("just over half of Rutland's
    # children looked after ...")
    result = shared_searcher.ask("rutland looked after children figures")
    assert not any("uses the words" in note for note in result.notes)
    assert not result.answer.no_answer


@pytest.mark.parametrize("question", ["How is neglect handled in Leicester according to the latest inspection?",
                                      "How is adoption handled in Rutland?"])
def test_a_practice_term_the_councils_reports_use_is_answered_whatever_verb_asks_about_it(shared_searcher, question):
    # "handled" is how the question asks about neglect: no report on Leicester uses it, others do, and "No indexed
    # report on Leicester uses the words “handled”" refused a question its reports answer on neglect
    result = shared_searcher.ask(question)
    assert not any("uses the words" in note for note in result.notes), result.notes
    assert not result.answer.no_answer


def test_a_second_practice_term_the_councils_reports_never_use_is_still_not_found(shared_searcher):
    # a review of the rule above: "neglect and trafficking" asked of Rutland, whose reports speak of neglect but never
    # of trafficking, was answered on neglect alone
    result = shared_searcher.ask("What did Ofsted say about neglect and trafficking in Rutland?")
    assert result.answer.no_answer
    assert any("trafficking" in note for note in result.notes), result.notes


def test_words_no_report_on_the_councils_named_uses_decide_not_found():
    from search.decide import EVIDENCE, Evidence, decide
    from search.parse import parse
    from search.select import Selection

    evidence = Evidence(0.9, unmentioned_by=("young", "leaving"))
    verdict = decide(parse("walsall young people leaving care"), Selection(None, councils=("Walsall",)), evidence, 0.5)
    assert not verdict.answered and verdict.by == EVIDENCE
    assert verdict.reasons == ("No indexed report on Walsall uses the words “young” or “leaving” (other councils' "
                               "reports do).",)
    assert decide(parse("walsall care"), Selection(None, councils=("Walsall",)), Evidence(0.9), 0.5).answered


def test_a_practice_no_report_on_the_council_named_mentions_in_any_words_is_not_found_there(shared_searcher):
    # "youth justice service" (a practice term, search/data/described.txt) is in none of North Northamptonshire's four
    # reports under any of the glossary's names for it, while Nottinghamshire's do: the topic is too long for the term
    # rule on words, and a sentence naming the council ("Leaders across NCT and North Northamptonshire Council work
    # seamlessly ...") read close enough to be quoted
    question = "what have inspectors said about {}'s youth justice service working with teenagers who offend"
    result = shared_searcher.ask(question.format("North Northamptonshire"))
    assert result.answer.no_answer
    assert any("No indexed report on North Northamptonshire mentions “youth justice service”" in note
               for note in result.notes), result.notes
    assert not shared_searcher.ask(question.format("Nottinghamshire")).answer.no_answer


def test_a_practice_term_of_several_words_a_report_puts_otherwise_is_not_a_reason_to_refuse(shared_searcher):
    # Derbyshire's reports never write "recruitment and retention", but they do write of "the retention of experienced
    # social workers": a term's rarest word in a council's reports may be the term put otherwise
    result = shared_searcher.ask("how is Derbyshire doing on recruitment and retention of social workers")
    assert not result.answer.no_answer, result.notes
    assert any("retention" in quote.text for quote in result.answer.quotes)


def test_a_term_the_topic_only_loosely_describes_is_not_its_subject_for_not_found(corpus_searcher):
    # "recruitment and retention" is searched for too (0.73 from a description), but Oldham's report answered in other
    # words ("Expansion of the workforce by 55 social worker posts ...") and was refused for never naming the term
    question = "by how many social worker posts did Leicestershire expand its workforce, and with what result"
    query, vectors = corpus_searcher.read(question)
    assert query.described == "recruitment and retention"
    assert corpus_searcher._subjects(query, vectors[1]) == {}
    query, vectors = corpus_searcher.read("how are young people who have left care doing in Leicestershire")
    assert list(corpus_searcher._subjects(query, vectors[1])) == ["care leavers"]


def test_a_practice_the_councils_named_never_mention_decides_not_found():
    from search.decide import EVIDENCE, Evidence, decide
    from search.parse import parse
    from search.select import Selection

    question, selection = parse("walsall support for young people leaving care"), Selection(None, councils=("Walsall",))
    verdict = decide(question, selection, Evidence(0.9, unmentioned_subjects=("care leavers",)), 0.5)
    assert not verdict.answered and verdict.by == EVIDENCE
    assert verdict.reasons == ("No indexed report on Walsall mentions “care leavers”, nor any other name the reports use "
                               "for it (other councils' reports do).",)
    assert decide(question, selection, Evidence(0.9), 0.5).answered


def test_a_topic_described_at_length_is_not_refused_for_words_the_councils_reports_do_not_use(shared_searcher):
    # a longer topic describes its subject in the asker's words, which a report may put otherwise
    question = "What did Ofsted say about how Derbyshire keeps children safe from being drawn into radicalisation by extremists?"
    assert not any("uses the words" in note for note in shared_searcher.ask(question).notes)


def test_one_unknown_word_among_several_is_phrasing_not_a_reason_to_refuse(corpus_searcher):
    question = "Were social workers in Leicestershire grumbling about caseloads and supervision in 2017?"
    assert not corpus_searcher.index.mentions("grumbling")
    assert corpus_searcher._unmentioned(corpus_searcher.read(question)[0]) == []
    # words of the example questions no report uses say how people ask ("verdict"), not what about
    assert corpus_searcher._unmentioned(corpus_searcher.read("What was the verdict on children's services?")[0]) == []
    assert corpus_searcher._unmentioned(corpus_searcher.read("What about potholes and recycling?")[0]) == ["potholes", "recycling"]


def test_a_reading_taken_as_less_than_sure_is_followed_by_the_best_sentence_on_the_topic():
    """A question read as asking why (at 0.5, just over the line) gets the report's headline findings, and then the
    sentence closest to what it is about, in case it was misread; read surely (0.9), the findings alone."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    headline, topic = "Leaders know their services well and act on what they find.", "Care leavers wait too long for a home."
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2024-01-01", authority="X"))
    passages = [Passage(1, Chunk("a.txt", headline, 0, len(headline), None, "x", None, ((0, len(headline)),), None, SUMMARY),
                        document),  # type: ignore[arg-type]
                Passage(2, Chunk("a.txt", topic, 0, len(topic), None, "y", None, ((0, len(topic)),)), document)]  # type: ignore[arg-type]
    sentences = [Sentence(1, 0, len(headline), headline, 0.6, 0.6), Sentence(2, 0, len(topic), topic, 0.9, 0.9)]
    question = parse("why do care leavers wait so long for housing")
    unsure = with_asks(question, frozenset({"reasons"}), {"reasons": 0.5, "topic": 0.3})
    sure = with_asks(question, frozenset({"reasons"}), {"reasons": 0.9, "topic": 0.3})
    assert [item.text for item in quote(unsure, sentences, passages, ())] == [headline, topic]
    assert [item.text for item in quote(sure, sentences, passages, ())] == [headline]
    # why a grade was given, read as asking about its topic too (surely): the topic's sentence leads
    graded = parse("why were care leavers judged inadequate")
    also_topic = with_asks(graded, frozenset({"reasons", "topic"}), {"reasons": 0.5, "topic": 0.9})
    assert [item.text for item in quote(also_topic, sentences, passages, ())] == [topic, headline]
    # why a practice problem happens, read so: its reasons are in what the report says of it, not its headline findings
    practice = with_asks(question, frozenset({"reasons", "topic"}), {"reasons": 0.5, "topic": 0.9})
    assert [item.text for item in quote(practice, sentences, passages, ())] == [topic]


def test_across_councils_a_finding_close_to_an_improvement_item_is_quoted_before_it():
    """The item of a report's list of what must improve names the topic and says nothing of what was found; asked which
    councils were criticised for it, a finding on the point scoring nearly as high comes first (it led national7's
    "which councils got picked up for children in care waiting too long for their health checks?"). Asked of one
    council's topic, so does a finding restating the item (test below)."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA, IMPROVE
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    item = "The timeliness of health assessments for children in care."
    finding = "Too many children in care wait too long for health assessments."
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2024-01-01", authority="X", kind="ilacs_inspection"))
    passages = [Passage(1, Chunk("a.txt", item, 0, len(item), None, "x", None, ((0, len(item)),), None, IMPROVE),
                        document),  # type: ignore[arg-type]
                Passage(2, Chunk("a.txt", finding, 0, len(finding), None, "y", None, ((0, len(finding)),), None, AREA),
                        document)]  # type: ignore[arg-type]
    sentences = [Sentence(1, 0, len(item), item, 0.9, 0.9), Sentence(2, 0, len(finding), finding, 0.85, 0.85)]
    across = with_asks(parse("which councils were criticised for health assessment delays"), frozenset({"across", "topic"}),
                       {"across": 0.9, "topic": 0.9})
    assert quote(across, sentences, passages, ())[0].text == finding
    one = with_asks(parse("X health assessment delays"), frozenset({"topic"}), {"topic": 0.9})
    assert quote(one, sentences, passages, ())[0].text == finding


def test_across_councils_another_councils_finding_joins_one_that_reads_far_closer():
    """"Which councils were told that care leavers in custody were let down?": one council's sentence read far closer
    than another council's finding on the same point (0.26 below it), and the answer named one council only
    (national10); each council's best sentence within ACROSS_MARGIN (0.3) of the best joins the answer."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    luton = "Care leavers leave prison in an unplanned manner, with no multi-agency planning or support in place."
    torbay = "There have been some gaps in identifying care leavers in custody when they are not allocated a PA."
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, AREA),
                        SimpleNamespace(id=rank, description=SimpleNamespace(held="2024-01-01", authority=council,
                                                                             kind="ilacs_inspection")))  # type: ignore[arg-type]
                for rank, text, council in ((1, luton, "Luton"), (2, torbay, "Torbay"))]
    sentences = [Sentence(1, 0, len(luton), luton, 1.13, 0.9), Sentence(2, 0, len(torbay), torbay, 0.87, 0.8)]
    across = with_asks(parse("Which councils were told that care leavers in custody were let down?"),
                       frozenset({"across", "topic"}), {"across": 0.9, "topic": 0.9})
    assert [item.text for item in quote(across, sentences, passages, ())] == [luton, torbay]


def test_the_lines_about_the_inspection_answer_only_a_question_about_the_inspection():
    """A visit letter's line saying when inspectors came and what they looked at shares the most words with a question
    naming the visit, but states no finding: a question on a topic quotes the finding below it; one asking who
    inspected and when quotes the letter's line."""
    from ingest.sections import ABOUT, AREA
    from search.answer import quote
    from search.parse import parse, with_asks

    letter = "Inspectors visited X children's services on 7 and 8 May 2025 to look at specialist services for families."
    finding = "Families wait too long for specialist help with domestic abuse."
    passages, sentences = one_report((letter, ABOUT, 0.9), (finding, AREA, 0.7))
    question = parse("x waiting times for specialist services may 2025 visit")
    topic = with_asks(question, frozenset({"topic"}), {"topic": 0.9})
    facts = with_asks(question, frozenset({"facts"}), {"facts": 0.9})
    assert [item.text for item in quote(topic, sentences, passages, ())] == [finding]
    assert [item.text for item in quote(facts, sentences, passages, ())][0] == letter
    # read as asking about the inspection only unsurely, and about a topic surely ("When inspectors went to X's team,
    # how long were children waiting?"): the topic's best sentence, added first, is a finding, not the letter's line
    unsure = with_asks(question, frozenset({"facts", "topic"}), {"facts": 0.45, "topic": 1.0})
    assert [item.text for item in quote(unsure, sentences, passages, ())][0] == finding


def test_a_line_about_the_inspection_saying_what_is_asked_leads_the_one_stating_its_dates():
    """"Was the Milton Keynes visit in 2020 done remotely because of covid?" (tests/national16.json) quoted the letter's
    dates line first (a fact of the record counted GRADE_BONUS more), although nothing of the record was asked; the line
    saying how the visit was done, closer, leads. Asked when, the line stating it still leads; and the line saying what
    the visit looked at, whose words say which visit, does not count as saying what is asked."""
    from ingest.sections import ABOUT
    from search.answer import quote
    from search.parse import parse, with_asks

    dates = "This letter summarises the findings of the focused visit to X children's services on 7 and 8 May 2025."
    how = "This visit was carried out partly by remote means."
    scope = "Inspectors looked at the local authority's arrangements for care leavers."
    passages, sentences = one_report((dates, ABOUT, 0.75), (how, ABOUT, 0.8), (scope, ABOUT, 0.7), end="2025-05-08")

    def first(question: str) -> str:
        asked = with_asks(parse(question), frozenset({"facts"}), {"facts": 0.9})
        return quote(asked, sentences, passages, ())[0].text

    assert first("Was the X visit in 2025 done remotely because of covid?") == how
    assert first("When was the X visit done remotely?") == dates
    assert first("x care leavers fv 2025 dates inspectors") == dates
    assert first("Tell me about the X care leavers visit in 2025") == dates  # its words are the scope line's
    assert first("Tell me about the focused visit to X children's services in 2025") == dates  # the dates line's own


def test_a_line_about_the_inspection_saying_what_is_asked_in_the_glossarys_other_words_leads():
    """national17: "Did the inspectors actually come into Bromley in 2021 or was it all done online?" quoted the dates
    line first: "done online" is the visit's "remote means" in other words (search/glossary.txt)."""
    from ingest.sections import ABOUT
    from search.answer import quote
    from search.glossary import load
    from search.parse import parse, with_asks

    dates = "This letter summarises the findings of the focused visit to X children's services on 7 and 8 May 2025."
    how = "This visit was carried out fully by remote means."
    passages, sentences = one_report((dates, ABOUT, 0.75), (how, ABOUT, 0.8), end="2025-05-08")
    question = "Was the X visit in 2025 all done online?"
    asked = with_asks(parse(question), frozenset({"facts"}), {"facts": 0.9})
    synonyms = load().alternatives(question)
    assert quote(asked, sentences, passages, (), synonyms=synonyms)[0].text == how
    assert quote(asked, sentences, passages, ())[0].text == dates  # without the glossary the words are not the line's


def test_a_question_across_councils_quotes_each_council_a_little_further_below_the_best():
    """Two councils' best sentences 0.12 apart, in the first and fourth passages read: "which councils ...?" quotes
    both; a question about one topic quotes the best alone (0.12 is beyond the margin for joining an answer, within the
    margin across councils, and the fourth passage is beyond those whose best sentence a topic's answer may add)."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    texts = ("Some care leavers were placed in bed and breakfast accommodation.",
             "Bed and breakfast was used for two young people last year.")
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, AREA),
                        SimpleNamespace(id=rank, description=SimpleNamespace(held="2024-01-01", authority=str(rank))))  # type: ignore[arg-type]
                for rank, text in zip((1, 4), texts)]
    sentences = [Sentence(1, 0, len(texts[0]), texts[0], 0.9, 0.9), Sentence(4, 0, len(texts[1]), texts[1], 0.78, 0.78)]
    question = parse("which councils used bed and breakfast for care leavers")
    across = with_asks(question, frozenset({"across", "topic"}), {"across": 0.9, "topic": 0.9})
    topic = with_asks(question, frozenset({"topic"}), {"topic": 0.9})
    assert [item.text for item in quote(across, sentences, passages, ())] == list(texts)
    assert [item.text for item in quote(topic, sentences, passages, ())] == [texts[0]]


def test_a_question_across_councils_leads_with_the_council_whose_quote_reads_closest_even_from_an_older_report():
    """Across councils, the council with the closest quote comes first, its newer report's quote before the older
    one; another council's quote, further from the question but from its only report, does not jump ahead of them
    (it did, when every older quote went after all the newer ones)."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    lines = (("Not all privately fostered children have an individual assessment of their needs.", "2017-07-13", "A", 1.04),
             ("Awareness-raising about private fostering has had little impact.", "2015-06-04", "B", 0.95),
             ("For some privately fostered children, visits are not always timely.", "2021-10-01", "A", 0.93))
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, AREA),
                        SimpleNamespace(id=rank, description=SimpleNamespace(held=held, authority=council)))  # type: ignore[arg-type]
                for rank, (text, held, council, _) in enumerate(lines, start=1)]
    sentences = [Sentence(rank, 0, len(text), text, score, score) for rank, (text, _, _, score) in enumerate(lines, start=1)]
    across = with_asks(parse("which councils were criticised for how they assess privately fostered children"),
                       frozenset({"across", "topic"}), {"across": 0.9, "topic": 0.9})
    quotes = quote(across, sentences, passages, ())
    assert [(item.text, item.older) for item in quotes] == [(lines[2][0], False), (lines[0][0], True), (lines[1][0], False)]


def test_across_councils_a_quote_reading_wholly_against_the_tone_asked_goes_after_the_others():
    """Asked which councils were criticised for something, a council whose best sentence praises it is not named first
    (nor dropped: the tone asked may be misread); a quote joined with the sentence turning it round reads as that one."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    praise = "Privately fostered children are visited regularly and their needs are well assessed."
    turned = ("Some privately fostered children benefit from robust assessment.", "However, for others, visits are late.")
    critical = "Awareness-raising about private fostering has had little impact."
    texts = (praise, " ".join(turned), critical)
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, AREA),
                        SimpleNamespace(id=rank, description=SimpleNamespace(held="2021-01-01", authority=council)))  # type: ignore[arg-type]
                for rank, (text, council) in enumerate(zip(texts, "ABC"), start=1)]
    sentences = [Sentence(1, 0, len(praise), praise, 1.0, 1.0, -1.0),
                 Sentence(2, 0, len(turned[0]), turned[0], 0.95, 0.95, -1.0),
                 Sentence(2, len(turned[0]) + 1, len(texts[1]), turned[1], 0.5, 0.5, 1.0),
                 Sentence(3, 0, len(critical), critical, 0.9, 0.9, 1.0)]
    across = with_asks(parse("which councils were criticised for private fostering"),
                       frozenset({"across", "topic"}), {"across": 0.9, "topic": 0.9})
    assert [item.text for item in quote(across, sentences, passages, ())] == [texts[1], critical, praise]
    # no tone asked (every lean 0): the order is the scores'
    plain = [replace(sentence, lean=0.0) for sentence in sentences]
    assert [item.text for item in quote(across, plain, passages, ())][0] == praise


@pytest.mark.parametrize(("opening", "joined"), [
    ("Private fostering arrangements are not consistently robust.", True),  # the paragraph's point, on the topic
    ("Despite this, private fostering arrangements are not consistently robust.", False),  # refers back
    ("Staff turnover has reduced in the last year.", False),  # on another point
])
def test_a_second_sentence_is_quoted_with_its_paragraphs_opening_on_the_topic(opening, joined):
    """"What did inspectors report regarding the arrangements for privately fostered children in Redcar and
    Cleveland?" (tests/national20.json) quoted "Some children are benefiting from living in private fostering
    arrangements." alone, from a paragraph opening "Private fostering arrangements are not consistently robust.": the
    sentence after a paragraph's point, quoted alone, can say the opposite of what the paragraph finds."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    second = "Some children are benefiting from living in private fostering arrangements."
    text = f"{opening} {second}"
    chunk = Chunk("a.txt", text, 0, len(text), None, "x", None, ((0, len(opening)), (len(opening) + 1, len(text))),
                  None, AREA)
    passages = [Passage(1, chunk, SimpleNamespace(id=1, description=SimpleNamespace(held="2019-11-01", authority="X")))]  # type: ignore[arg-type]
    sentences = [Sentence(1, 0, len(opening), opening, 0.5, 0.5), Sentence(1, len(opening) + 1, len(text), second, 1.0, 1.0)]
    asked = with_asks(parse("What did inspectors report on private fostering arrangements in X?"), frozenset({"topic"}),
                      {"topic": 0.9})
    first = quote(asked, sentences, passages, ())[0].text
    assert first == (text if joined else second)


@pytest.mark.parametrize(("text", "quoted"), [
    ("Scrutiny, awareness and challenge", None),  # a heading
    ("Appendix Inspection of Rutland County Council Local Authority Children's Services", None),  # a title
    ("Leadership and management\n\n• Leaders have acted to strengthen the quality of services for children.",
     "Leaders have acted to strengthen the quality of services for children."),  # the heading over it left off
    ("Children's services in Rutland requires improvement to be good",
     "Children's services in Rutland requires improvement to be good"),  # a grade stated without a full stop
    ("Care leavers are well supported", "Care leavers are well supported"),  # short, but a statement
    ("Jane Moore Director of Children and Family Services 0116 3052649", "Jane Moore Director of Children and "
     "Family Services 0116 3052649"),  # names with a telephone number: a contact, not a title
])
def test_a_heading_is_not_quoted(text, quoted):
    from ingest.document import Chunk
    from search.answer import Sentence, readable

    chunk = Chunk("a.txt", text, 0, len(text), None, "x", None, ((0, len(text)),))
    assert readable(Sentence(1, 0, len(text), text, 1.0), chunk, ()) == quoted


@pytest.mark.parametrize(("heading", "after", "quoted"), [
    # national17: a 2015 report's "Priority and immediate action" list quoted its heading first
    ("Quality of work with children and young people", "1. Review all those care leavers about whom the local "
     "authority does not have up-to-date information.", False),
    ("Management oversight, challenge and decision making for children", "2) Ensure that managers record their "
     "decisions.", False),
    # a numbered item with no stop over the next is an item (a review: "(1) ..." was left out)
    ("(1) Strengthen management oversight of the quality of assessments", "(2) Ensure that plans are reviewed.", True),
    # a table's row and a numbered line are no heading; nor is a line over a paragraph
    ("2.2 Experiences and progress of care leavers | Good", "3. Leadership, management and governance | Good", True),
    ("1.1 The quality of assessment and planning for children in care", "2. Ensure that plans are reviewed.", True),
    ("The quality of assessment and planning for children in care", "Plans are reviewed regularly.", True),
])
def test_a_heading_over_a_numbered_list_is_not_quoted(heading, after, quoted):
    from ingest.document import Chunk
    from search.answer import Sentence, readable

    text = f"{heading}\n\n{after}"
    chunk = Chunk("a.txt", text, 0, len(text), None, "x", None, ((0, len(heading)), (len(heading) + 2, len(text))))
    assert (readable(Sentence(1, 0, len(heading), heading, 1.0), chunk, (), rows=True) is not None) is quoted


def test_what_a_visit_looked_at_is_quoted_with_the_items_its_lead_in_opens():
    """"What did the 2023 focused visit to Leicestershire look at?" quoted the letter's opening and its inspectors'
    names: the line saying what it looked at ends in ":", which reads on its own only with the items it opens. For the
    inspection's record it is quoted with them (without a heading over it); a finding's lead-in is still no quote; nor
    one followed by prose, nor one among the findings."""
    from ingest.document import Chunk
    from ingest.sections import ABOUT, AREA
    from search.answer import Sentence, readable

    lead = "Inspectors looked at the local authority's arrangements for children in care, with a particular focus on:"
    items = ["• Decision-making for children who come into care.", "• The experiences of disabled children in care."]
    text = "\n\n".join([lead, *items])
    spans, start = [], 0
    for part in [lead, *items]:
        spans.append((start, start + len(part)))
        start += len(part) + 2
    chunk = Chunk("a.txt", text, 0, len(text), None, None, None, tuple(spans), part=ABOUT)
    sentence = Sentence(1, 0, len(lead), lead, 1.0)
    assert readable(sentence, chunk, (), templates=True) == text
    assert readable(sentence, chunk, ()) is None  # asked about a topic
    findings = Chunk("a.txt", text, 0, len(text), None, None, None, tuple(spans), part=AREA)
    assert readable(sentence, findings, (), templates=True) is None
    headed = f"Scope of the visit\n{text}"
    chunk = Chunk("a.txt", headed, 0, len(headed), None, None, None, tuple((a + 19 if n else 0, b + 19)
                                                                          for n, (a, b) in enumerate(spans)), part=ABOUT)
    assert readable(Sentence(1, 0, len(lead) + 19, f"Scope of the visit\n{lead}", 1.0), chunk, (), templates=True) == text
    prose = f"{lead}\n\nDecision-making for children who come into care is timely."
    chunk = Chunk("a.txt", prose, 0, len(prose), None, None, None, ((0, len(lead)), (len(lead) + 2, len(prose))),
                  part=ABOUT)
    assert readable(sentence, chunk, (), templates=True) is None


def test_a_sentence_opening_with_there_under_a_heading_is_quoted_alone():
    from ingest.document import Chunk
    from search.answer import Sentence, readable

    heading, sentence = "Leadership and management", "There has been a corporate failure of leadership."
    text = f"{heading}\n\n{sentence}"
    chunk = Chunk("a.txt", text, 0, len(text), None, "x", None, ((0, len(heading)), (len(heading) + 2, len(text))))
    assert readable(Sentence(1, len(heading) + 2, len(text), sentence, 1.0), chunk, ()) == sentence


@pytest.mark.parametrize("text, quoted", [
    ("There is a joint homeless protocol between children's social care and housing.",
     "There is a joint homeless protocol between children's social care and housing."),  # states something itself
    ("There have been continued improvements in children's services.",
     "There have been continued improvements in children's services."),
    ("They are visited regularly by their social workers.", None),  # who "they" are is in a passage not read
    ("There, children are visited regularly by their social workers.", None),
    # the document itself: the letter's opening states the visit's dates, which a question about them needs
    ("This letter summarises the findings of the focused visit to Kent children's services on 14 and 15 May 2025.",
     "This letter summarises the findings of the focused visit to Kent children's services on 14 and 15 May 2025."),
    ("This visit was carried out fully by remote means.", "This visit was carried out fully by remote means."),
    ("This has improved since the last inspection.", None),  # what "this" is was said before
])
def test_a_sentence_opening_its_passage_with_there_is_reads_on_its_own(text, quoted):
    from ingest.document import Chunk
    from search.answer import Sentence, readable

    chunk = Chunk("a.txt", text, 0, len(text), None, "x", None, ((0, len(text)),))
    assert readable(Sentence(1, 0, len(text), text, 1.0), chunk, ()) == quoted


def _older_and_newer(old: tuple[str, str], new: tuple[str, str], council: str) -> tuple[list, list]:
    """A passage of one sentence from each of two reports of ``council``, (sentence, date) each, the older ranked
    first and scoring far higher: (passages, sentences)."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence

    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, AREA),
                        SimpleNamespace(id=rank, description=SimpleNamespace(
                            held=held, authority=council, years=lambda held=held: {int(held[:4])})))  # type: ignore[arg-type]
                for rank, (text, held) in enumerate((old, new), start=1)]
    sentences = [Sentence(1, 0, len(old[0]), old[0], 1.1, 0.8), Sentence(2, 0, len(new[0]), new[0], 0.8, 0.7)]
    return passages, sentences


def test_a_question_that_might_ask_about_change_since_a_year_also_quotes_the_later_report():
    """A terse question naming 2019 that might ask whether what was found then changed: the 2019 sentence scores far
    above the 2024 report's, yet the 2024 report's best sentence is quoted too, first, as the newer; read as a plain
    topic question it gets 2019's alone."""
    from search.answer import quote
    from search.parse import parse, with_asks

    old, new = ("Homeless 16- and 17-year-olds are not told of their rights.",
                "A joint protocol ensures that homeless 16- and 17-year-olds are assessed quickly.")
    passages, sentences = _older_and_newer((old, "2019-09-19"), (new, "2024-01-12"), "Derbyshire")
    question = parse("derbyshire homeless 16 17 year olds 2019 criticism resolved")
    maybe = with_asks(question, frozenset({"topic"}), {"topic": 0.9, "change": 0.3})
    assert [item.text for item in quote(maybe, sentences, passages, ())] == [new, old]
    topic = with_asks(question, frozenset({"topic"}), {"topic": 0.9, "change": 0.05})
    assert [item.text for item in quote(topic, sentences, passages, ())] == [old]


def test_a_change_read_unsurely_quotes_the_topics_best_from_before_the_change_after_what_followed():
    """Read as asking about change only unsurely (and about the topic surely), the answer leads with the topic's best
    sentence, unless that is from the year the change is counted from: "... 2019 improved" then quotes what the later
    report says first, and the 2019 criticism after it."""
    from search.answer import quote
    from search.parse import parse, with_asks

    old, new = ("The written plans for children in long-term foster care are lengthy and hard to understand.",
                "The time it takes to achieve permanence through long-term fostering continues to reduce.")
    passages, sentences = _older_and_newer((old, "2019-11-04"), (new, "2023-06-16"), "Kent")
    unsure = with_asks(parse("kent long term foster care plans unclear permanence delay 2019 improved"),
                       frozenset({"change", "topic"}), {"change": 0.44, "topic": 1.0})
    assert [item.text for item in quote(unsure, sentences, passages, ())] == [new, old]


def test_a_later_reports_sentence_recalling_the_earlier_finding_is_quoted_with_the_one_saying_what_is_so_now():
    """For a question that might ask about change, the later report's best sentence may only recall what the earlier
    one found ("... was highlighted in the last inspection as ..."), which read alone says the opposite of what is so
    now: the sentence after it in its passage is quoted with it, as for a question read as asking about change."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    old = "Senior managers have too little oversight of unregistered homes."
    recall, now = ("The use of unregistered homes was highlighted in the last inspection as lacking oversight.",
                   "There is now comprehensive oversight at every level.")
    later = f"{recall} {now}"
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, spans, None, AREA),
                        SimpleNamespace(id=rank, description=SimpleNamespace(
                            held=held, authority="Kent", years=lambda held=held: {int(held[:4])})))  # type: ignore[arg-type]
                for rank, text, held, spans in ((1, old, "2022-11-25", ((0, len(old)),)),
                                                (2, later, "2026-02-01", ((0, len(recall)), (len(recall) + 1, len(later)))))]
    sentences = [Sentence(1, 0, len(old), old, 1.1, 0.8), Sentence(2, 0, len(recall), recall, 0.8, 0.7),
                 Sentence(2, len(recall) + 1, len(later), now, 0.5, 0.4)]
    maybe = with_asks(parse("kent 2022 unregistered homes oversight resolved"), frozenset({"topic"}),
                      {"topic": 0.9, "change": 0.3})
    assert [item.text for item in quote(maybe, sentences, passages, ())] == [later, old]


def _kent_2024(first: str, second: str, part: str, scores: tuple[float, float], relevance: tuple[float, float]):
    """One passage of a 2024 Kent report of two sentences, with their scores: (passage, sentences)."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from search.answer import Passage, Sentence

    text = f"{first} {second}"
    passage = Passage(1, Chunk("1.txt", text, 0, len(text), None, "x", None,
                               ((0, len(first)), (len(first) + 1, len(text))), None, part),
                      SimpleNamespace(id=1, description=SimpleNamespace(held="2024-07-12", authority="Kent",
                                                                        years=lambda: {2024})))  # type: ignore[arg-type]
    return passage, [Sentence(1, 0, len(first), first, scores[0], relevance[0]),
                     Sentence(1, len(first) + 1, len(text), second, scores[1], relevance[1])]


def test_why_a_grade_was_given_is_answered_by_the_headline_sentence_giving_the_reason_not_the_grade_restated():
    """"How did it get to outstanding?": the headline's opening restates the grade ("much improved ... now
    outstanding") and scored first; the sentence saying what the improvement was underpinned by answers, so it comes
    first, and sentences stating a grade get no bonus when the reasons are what is asked first."""
    from ingest.sections import SUMMARY
    from search.answer import grades_first, quote
    from search.parse import parse, with_asks

    reason = "The improvement has been underpinned by an ambitious senior leadership team."
    passage, sentences = _kent_2024("Services have much improved since 2019 and are now outstanding.", reason, SUMMARY,
                                    (0.9, 0.7), (0.6, 0.5))
    question = parse("How did Kent get to outstanding in 2024, what was behind it?")
    why = with_asks(question, frozenset({"grade", "reasons"}), {"grade": 0.8, "reasons": 0.8})
    assert quote(why, sentences, [passage], ())[0].text == reason
    assert not grades_first(why)
    assert grades_first(with_asks(question, frozenset({"grade"}), {"grade": 0.9, "reasons": 0.1}))


def test_why_a_grade_was_given_is_not_answered_by_a_sentence_only_stating_that_grade():
    """"Why was Kent rated inadequate?": the headline's "Children's services in Kent are inadequate." reads closest
    and gives no reason; the finding below it is what led to the grade, so it leads. A sentence stating the grade
    with a reason or a change still counts as one."""
    from ingest.sections import SUMMARY
    from search.answer import quote, restates_grade
    from search.parse import parse, with_asks

    grade = "Children’s services in Kent are inadequate."
    finding = "Fundamental weaknesses remain in management oversight and in the response to risk."
    passage, sentences = _kent_2024(grade, finding, SUMMARY, (0.9, 0.6), (0.8, 0.6))
    why = with_asks(parse("Why was Kent rated inadequate in 2024?"), frozenset({"reasons"}), {"reasons": 0.9})
    assert [item.text for item in quote(why, sentences, [passage], ())][:1] == [finding]
    assert restates_grade(why, grade) and not restates_grade(why, finding)
    assert not restates_grade(why, "Services are inadequate because leaders did not act on the audits.")
    assert not restates_grade(why, "Services have declined since 2019 and are now inadequate.")
    assert restates_grade(why, "Leadership, management and governance are inadequate in Kent.")
    assert not restates_grade(why, "Services are inadequate and leaders have not acted on repeated warnings.")
    assert not restates_grade(why, "Services for care leavers are good, but help and protection is inadequate.")
    assert not restates_grade(with_asks(parse("Why was Kent rated good?"), frozenset({"reasons"}), {"reasons": 0.9}),
                              grade)  # another grade than the one asked


def test_why_a_grade_was_given_leads_with_what_the_report_writes_straight_after_stating_it():
    """"Why was Torbay rated inadequate?": the report's headline states the grade, then why ("Some improvements have
    been made, but not enough, ..."); a finding further on read closer to the question and led. The sentences
    following the grade stated in words are the report's own account of it, and lead (FOLLOWS_GRADE)."""

    from ingest.document import Chunk
    from ingest.sections import SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    why = "Some improvements have been made, but not enough, and the judgements of 2015 are unchanged."
    other = "Children develop trusting relationships with their carers."
    asked = with_asks(parse("Why was Kent rated inadequate in 2024?"), frozenset({"reasons"}), {"reasons": 0.9})
    # the grade by its name, or in its description's words ("widespread or serious failures": search/data/phrasing.txt)
    for grade in ("Children’s services in Kent are inadequate.", "There are serious failures in the services in Kent."):
        passage, sentences = _kent_2024(grade, why, SUMMARY, (0.6, 0.55), (0.6, 0.55))
        start = len(passage.chunk.text) + 2
        later = Passage(2, Chunk("1.txt", other, start, start + len(other), None, "x", None, ((0, len(other)),), None,
                                 SUMMARY), passage.document)
        sentences = [*sentences, Sentence(2, 0, len(other), other, 0.7, 0.7)]
        assert [item.text for item in quote(asked, sentences, [passage, later], ())][:1] == [why], grade


@pytest.mark.parametrize("text, asked, states", [
    ("Children’s services in Torbay are inadequate.", "inadequate", True),
    ("There are serious failures in the services provided to children and young people in Devon.", None, True),
    ("There are widespread and serious failures in the services provided to children in Bromley.", "inadequate",
     True),
    # the review's: the description of requires improvement, failures recalled, another grade than the one asked
    ("There are no widespread or serious failures that create or leave children being harmed.", None, False),
    ("Progress made by leaders in addressing serious and widespread failures identified previously is slow.", None,
     False),
    ("There are serious failures in the services in Kent.", "good", False),
    ("Services to children in need of help and protection are now good.", "requires improvement", False),
    ("Progress has been made since the last inspection in 2017, when the local authority was judged to be inadequate.",
     "requires improvement", False),
    ("Judgement | Inadequate", None, False),
    # an earlier grade named beside what changed since: the sentences after it are the report's account of the change
    ("Since the last inspection in 2018, when services were judged to be good, the quality of practice has deteriorated.",
     None, True),
])
def test_what_states_a_reports_own_grade_for_the_reasons_after_it(text, asked, states):
    from search.answer import _states_its_grade

    assert _states_its_grade(text, asked) is states


def test_why_a_grade_stated_in_a_passage_of_its_own_is_answered_from_the_passage_straight_after():
    """Devon's "There are serious failures in the services ..." is a passage of its own; the passage after it opens
    with the report's account of why, and that leads, not a sentence further on that read closer."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    grade = "There are serious failures in the services provided to children in Kent."
    why = "Until this inspection, senior leaders did not know about the extent of the failures to protect children."
    other = "Children develop trusting relationships with their carers."
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2024-07-12", authority="Kent",
                                                                 years=lambda: {2024}))
    spans = [(grade, 0), (why, len(grade) + 2), (other, len(grade) + len(why) + 900)]
    passages = [Passage(rank, Chunk("1.txt", text, start, start + len(text), None, "x", None, ((0, len(text)),), None,
                                    SUMMARY), document)  # type: ignore[arg-type]
                for rank, (text, start) in enumerate(spans, 1)]
    sentences = [Sentence(rank, 0, len(text), text, score, score)
                 for rank, ((text, _), score) in enumerate(zip(spans, (0.6, 0.55, 0.7)), 1)]
    asked = with_asks(parse("Why was Kent rated inadequate in 2024?"), frozenset({"reasons"}), {"reasons": 0.9})
    assert [item.text for item in quote(asked, sentences, passages, ())][:1] == [why]


def test_a_change_asked_is_not_answered_by_the_later_reports_opening_recalling_the_earlier_visit():
    """"How has quality assurance changed between the 2020 visit and the next inspection?": the later report opens
    "In 2020, Ofsted conducted a focused visit ..." and, naming the visit and the year asked, it read closest and led;
    it says nothing of what changed, and the report's finding on quality assurance answers."""
    from ingest.sections import SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    history = "In 2020, Ofsted conducted a focused visit that resulted in two areas for priority action."
    finding = "The application of quality assurance processes does not give leaders a reliable picture of practice."
    passage, sentences = _kent_2024(history, finding, SUMMARY, (0.75, 0.55), (0.7, 0.55))
    asked = with_asks(parse("How has quality assurance in Kent changed between the 2020 focused visit and the "
                            "subsequent inspection?"), frozenset({"change", "topic"}), {"change": 0.8, "topic": 0.8})
    assert [item.text for item in quote(asked, sentences, [passage], ())][:1] == [finding]
    # an opening on the topic asked stays: it is what the topic was at the start
    on_topic = "In 2020, a focused visit found that quality assurance was weak."
    passage, recalled = _kent_2024(on_topic, finding, SUMMARY, (0.75, 0.55), (0.7, 0.55))
    assert [item.text for item in quote(asked, recalled, [passage], ())][:1] == [on_topic]
    # asked how the whole has changed, the opening recalling where it started is the start asked about
    whole = with_asks(parse("Is Kent still where it was at the 2020 visit, or has it moved on?"),
                      frozenset({"change"}), {"change": 0.8})
    assert [item.text for item in quote(whole, sentences, [passage], ())][:1] == [history]


def test_the_reason_for_a_change_of_grade_leads_what_changed_even_when_that_reads_closer():
    """"What lay behind Kent's rise to outstanding in 2024?", read as reasons and change: the headline's sentence
    saying what changed ("much improved since 2019") reads closer and is raised as a change; the sentence saying why
    ("because") is the reason asked for and leads (REASONED 0.3 let the change lead)."""
    from ingest.sections import SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    reason = "Leaders kept a stable workforce because they invested early in training."
    passage, sentences = _kent_2024("Services have much improved since the previous inspection in 2019.", reason, SUMMARY,
                                    (0.9, 0.65), (0.6, 0.5))
    why = with_asks(parse("What lay behind Kent's rise to outstanding in 2024?"), frozenset({"reasons", "change"}),
                    {"reasons": 0.8, "change": 0.7})
    assert quote(why, sentences, [passage], ())[0].text == reason


def test_a_change_question_on_a_topic_is_answered_by_a_change_on_that_topic_not_a_general_one():
    """"has Kent fixed the problems found in 2019 with homeless 16 and 17 year olds?": the later report's general
    "the issues identified by Ofsted have been much improved" read closer than its sentence on the homeless young
    people; only a sentence sharing a topic word counts as saying what changed on it."""
    from ingest.sections import AREA
    from search.answer import quote
    from search.parse import parse, with_asks

    specific = "Homeless 16 and 17 year olds are now quickly assessed by a joint team."
    passage, sentences = _kent_2024("Since the last inspection, the issues identified by Ofsted have been much improved.",
                                    specific, AREA, (0.68, 0.66), (0.5, 0.6))
    question = with_asks(parse("Has Kent fixed the problems found in 2019 with homeless 16 and 17 year olds?"),
                         frozenset({"change", "topic"}), {"change": 0.9, "topic": 0.5})
    assert quote(question, sentences, [passage], ())[0].text == specific


def test_a_change_sharing_only_the_words_that_ask_about_change_is_not_a_change_on_the_topic():
    """"... homeless 16 and 17 year olds. Has that been fixed since?": the later report's "The problems in services
    for care leavers have been fixed since the inspection in 2019" shares "fixed" and "since" with the question, which
    asks about change with them; the sentence on the homeless young people is the change on the topic."""
    from ingest.sections import AREA
    from search.answer import quote
    from search.parse import parse, with_asks

    general = "The problems in services for care leavers have been fixed since the inspection in 2019."
    specific = "Homeless 16 and 17 year olds are now quickly assessed by a joint team."
    passage, sentences = _kent_2024(general, specific, AREA, (0.62, 0.66), (0.5, 0.6))
    text = "In 2019 Kent was criticised over homeless 16 and 17 year olds. Has that been fixed since?"
    asks, scores = frozenset({"change", "topic"}), {"change": 0.9, "topic": 0.9}
    read = with_asks(parse(text), asks, scores, asking_cues=frozenset({"since", "fixed"}))
    assert quote(read, sentences, [passage], ())[0].text == specific
    assert quote(with_asks(parse(text), asks, scores), sentences, [passage], ())[0].text == general  # without the cues


def test_the_words_the_examples_ask_about_change_with_are_cues_not_topic(corpus_searcher):
    query, _ = corpus_searcher.read("In 2019 Kent was criticised over homeless 16 and 17 year olds. Has that been fixed since?")
    assert {"since", "fixed"} <= query.asking_cues
    assert not query.asking_cues & {"homeless", "kent", "criticised", "year", "olds"}


def test_a_question_naming_no_year_also_quotes_the_newest_report_read_marking_the_older_quote():
    """The best sentence is from 2017, far above anything in the 2024 report read beside it: a question naming no year
    gets the 2024 report's best sentence too, and the 2017 quote says it is older; one naming 2017 gets 2017 alone."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    old, new = "Most care leavers value their personal advisers.", "Personal advisers are tenacious and determined."
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, AREA),
                        SimpleNamespace(id=rank, description=SimpleNamespace(held=held, authority="Leicestershire")))  # type: ignore[arg-type]
                for rank, text, held in ((1, old, "2017-01-20"), (2, new, "2024-05-03"))]
    sentences = [Sentence(1, 0, len(old), old, 1.2, 0.9), Sentence(2, 0, len(new), new, 0.9, 0.8)]
    undated = with_asks(parse("How good are personal advisers in Leicestershire?"), frozenset({"topic"}), {"topic": 0.9})
    quotes = quote(undated, sentences, passages, ())
    assert [(item.text, item.older) for item in quotes] == [(old, True), (new, False)]
    dated = with_asks(parse("How good were personal advisers in Leicestershire in 2017?"), frozenset({"topic"}), {"topic": 0.9})
    assert [item.text for item in quote(dated, sentences, passages, ())] == [old]


@pytest.mark.parametrize("scores, shaped", [
    ({"grade": 1.0, "reasons": 0.75}, "grade"),  # "leicester 2015 inadequate judgement": reasons read less surely
    ({"grade": 0.96, "reasons": 1.0}, "reasons"),  # "how did it get to outstanding - what was behind it?"
    ({"grade": 1.0, "reasons": 0.9}, "reasons"),  # both about as sure: the reasons, which say more
    ({"change": 1.0, "grade": 1.0}, "change"),
])
def test_the_answer_is_shaped_for_the_reading_about_as_sure_as_the_surest(scores, shaped):
    from search.answer import primary
    from search.parse import parse, with_asks

    query = with_asks(parse("leicester city 2015 inadequate judgement"), frozenset(scores), scores)
    assert primary(query) == shaped


@pytest.mark.parametrize("question, shaped", [
    ("What did Ofsted say about Medway in 2021?", "summary"),  # no word of a topic once council and year are out
    ("What did Ofsted say about care leavers in Medway in 2021?", "topic"),
])
def test_the_findings_are_what_is_asked_when_the_topic_read_has_no_words(question, shaped):
    from search.answer import primary
    from search.parse import parse, with_asks

    query = with_asks(parse(question), frozenset({"summary", "topic"}), {"summary": 0.9, "topic": 0.9})
    assert primary(query) == shaped


def test_a_sentence_stating_a_grade_sets_no_bar_for_the_findings_quoted_beside_it():
    """A topic question whose best sentence states the grade ("... require improvement.") also quotes the findings
    close to it, though they score more than the margin below it, and quotes them first; a finding far below is still
    left out. A question read as asking why keeps the grade's statement first."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import MARGIN, Passage, Sentence, quote
    from search.parse import parse, with_asks

    grade = "The support provided to care leavers in Derbyshire requires improvement."
    near = "Care leavers who met with inspectors were critical of the support provided to them."
    far = "Leaders have invested in accommodation for young people."
    text = " ".join((grade, near, far))
    spans = [(text.index(part), text.index(part) + len(part)) for part in (grade, near, far)]
    passages = [Passage(1, Chunk("a.txt", text, 0, len(text), None, "x", None, tuple(spans), None, AREA),
                        SimpleNamespace(id=1, description=SimpleNamespace(held="2019-09-19", authority="Derbyshire")))]  # type: ignore[arg-type]
    scores = (1.15, 1.15 - 1.1 * MARGIN, 1.15 - 4 * MARGIN)
    sentences = [Sentence(1, start, end, part, score, score) for (start, end), part, score in zip(spans, (grade, near, far), scores)]
    topic = with_asks(parse("what did the 2019 inspection of derbyshire find about care leavers"), frozenset({"topic"}),
                      {"topic": 0.9})
    assert [item.text for item in quote(topic, sentences, passages, ())] == [near, grade]
    why = with_asks(parse("why did derbyshire require improvement for care leavers in 2019"), frozenset({"reasons"}),
                    {"reasons": 0.9})
    assert [item.text for item in quote(why, sentences, passages, ())] == [grade, near]


@pytest.mark.parametrize(("rank", "score", "added"), [
    (2, 0.7, True),  # another of the first three passages, within the margin: its best sentence too
    (3, 0.7, True),
    (2, 0.6, False),  # too far below the best sentence
    (4, 0.7, False),  # beyond the first three passages
])
def test_a_topic_answered_from_one_passage_also_quotes_another_passage_close_behind(rank, score, added):
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import ANOTHER_MARGIN, Passage, Sentence, quote
    from search.parse import parse, with_asks

    first = "Care leavers value their personal advisers, who keep in touch. Most live in suitable homes."
    second = "Planning for leaving care starts too late for some young people."
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2024-01-01", authority="X"))
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, spans, None, AREA), document)  # type: ignore[arg-type]
                for rank, text, spans in ((1, first, ((0, 62), (63, len(first)))), (rank, second, ((0, len(second)),)))]
    sentences = [Sentence(1, 0, 62, first[:62], 0.9, 0.9), Sentence(1, 63, len(first), first[63:], 0.85, 0.85),
                 Sentence(rank, 0, len(second), second, score, score)]
    assert 0.9 - 0.7 < ANOTHER_MARGIN < 0.9 - 0.6
    topic = with_asks(parse("how are care leavers supported in X"), frozenset({"topic"}), {"topic": 0.9})
    quoted = [item.text for item in quote(topic, sentences, passages, ())]
    assert quoted == [first[:62], first[63:], *([second] if added else [])]
    grade = with_asks(parse("how are care leavers supported in X"), frozenset({"grade"}), {"grade": 0.9})
    assert second not in [item.text for item in quote(grade, sentences, passages, ())]  # a topic's answer only


@pytest.mark.parametrize(("score", "quoted_too"), [
    (0.55, True),  # the paragraph's sentences on the parts of the question its best sentence leaves out
    (0.35, False),  # too far below the best quote (REST_MARGIN)
])
def test_each_part_of_a_topic_is_quoted_from_the_paragraph_quoted(score, quoted_too):
    """"social workers working from home and how they get supervised" quoted only "Social workers are positive about
    working in North Yorkshire.", the paragraph's best sentence by its words; its sentences on working from home and on
    supervision, further down, answer the rest of the question."""
    from search.answer import REST_MARGIN, Sentence, quote
    from search.parse import parse, with_asks

    lead = "Social workers are positive about working in the county."
    home = "The majority we met like working from home and the increased use of virtual meetings."
    supervision = "Supervision is routine, helpful and undertaken both in groups and individually."
    aside = "Child-centred work is key to what they do."
    text, spans, passage = _one_passage([lead, aside, home, supervision], "area", "2021-07-26")
    sentences = [Sentence(1, a, b, text[a:b], value, value)
                 for (a, b), value in zip(spans, (0.95, 0.8, score, score - 0.02))]
    assert 0.95 - REST_MARGIN < 0.55 - 0.02 and 0.35 < 0.95 - REST_MARGIN
    query = with_asks(parse("social workers working from home and how they get supervised in X"), frozenset({"topic"}),
                      {"topic": 1.0})
    quoted = [item.text for item in quote(query, sentences, [passage], ())]
    assert quoted[0] == lead
    assert aside not in quoted  # within the margin, yet no word of the question: not quoted for one
    assert (home in quoted and supervision in quoted) is quoted_too
    assert quoted.index(home) < quoted.index(supervision) if quoted_too else True


@pytest.mark.parametrize(("question", "asks", "leads_with_shortfall"), [
    ("why did rochdale only get requires improvement in 2018", {"reasons": 1.0}, True),
    ("why solihull ri 2019 inspection", {"reasons": 1.0, "grade": 0.8}, True),
    ("why was rochdale judged inadequate in 2018", {"reasons": 1.0}, False),  # an inadequate grade's reasons are failures
    ("why did rochdale drop from good to requires improvement in 2018", {"reasons": 1.0, "change": 0.9}, False),
])
def test_why_a_council_requires_improvement_leads_with_what_is_not_yet_good(question, asks, leads_with_shortfall):
    """"Why did Rochdale only get requires improvement overall in its 2018 inspection?" led with "Children who are in
    care ... get a good service and the quality of practice has improved": the headline's sentence saying what is not
    yet good is the reason asked for."""
    from ingest.sections import SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    improved = "Children who are in care, or who are care leavers, get a good service and practice has improved."
    short = "Improvements are evident throughout the service, although practice is not yet consistent."
    bare = "Children's services in Rochdale are not yet good."  # the grade restated: no reason
    passages, sentences = one_report((improved, SUMMARY, 0.6), (bare, SUMMARY, 0.5))
    assert [item.text for item in quote(with_asks(parse(question), frozenset(asks), asks), sentences, passages, ())][0] \
        == improved
    passages, sentences = one_report((improved, SUMMARY, 0.6), (short, SUMMARY, 0.5))
    query = with_asks(parse(question), frozenset(asks), asks)
    first = [item.text for item in quote(query, sentences, passages, ())][0]
    assert first == (short if leads_with_shortfall else improved)


@pytest.mark.parametrize(("sentence", "recalled"), [
    ("Since the last inspection in 2018, when children’s services were judged to be requires improvement to be good "
     "overall, the local authority has not made sufficient progress.", True),
    ("At the last inspection, in May 2019, the local authority was judged to be ‘requires improvement to be good’.", True),
    # the grade now, after the earlier one or on its own
    ("Since the previous inspection in 2020, when services for children were judged to require improvement, services "
     "have improved and they are now good.", False),
    ("Services for children and families in Ealing have deteriorated since the last inspection in 2016, and now require "
     "improvement to be good.", False),
    ("For these reasons, overall effectiveness requires improvement to be good.", False),
    # an earlier grade in words GRADE_STATEMENT does not read, then the grade now in the present
    ("Since the last inspection in 2019, when services were judged inadequate, services have improved and are now "
     "good.", False),
    ("Services for children, which were good at the last inspection in 2016, have deteriorated and now require "
     "improvement to be good.", False),
])
def test_a_grade_the_headline_recalls_from_the_last_inspection_is_not_the_reports_own(sentence, recalled):
    """"rochdale latest ofsted result" led with "Since the last inspection in 2018, when children's services were judged
    to be requires improvement to be good overall, ...", the grade of 2018, as if it were the 2023 report's statement of
    its grade (the same words by chance)."""
    from search.answer import _grade_recalled

    assert _grade_recalled(sentence, 2023) is recalled


def test_a_latest_result_leads_with_the_reports_grade_not_the_one_it_recalls():
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    row = "Overall effectiveness | Requires improvement to be good"
    recalling = ("Since the last inspection in 2018, when children’s services were judged to be requires improvement to "
                 "be good overall, the local authority has not made sufficient progress.")
    passages, sentences = one_report((row, JUDGEMENT, 0.7), (recalling, SUMMARY, 1.0))
    query = with_asks(parse("rochdale latest ofsted result"), frozenset({"grade"}), {"grade": 1.0})
    assert [item.text for item in quote(query, sentences, passages, (), [(1, row)])][0] == row


def test_an_improvement_item_with_sub_items_is_quoted_whole_and_a_list_lead_in_is_not():
    """Cornwall's list opens "The provision of suitable accommodation for 16- and 17-year-old homeless young people,
    including:" over three sub-items; the item was taken for the list's lead-in and dropped, and its sub-items quoted
    alone ("̶ assessment and support available to young people"). A lead-in naming the list ("... the following areas
    for improvement have been identified:") is still left off its items."""
    from ingest.sections import IMPROVE
    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    item = "The provision of suitable accommodation for homeless young people, including:"
    subs = ["\u0336 sufficiency of accommodation", "\u0336 assessment and support available to young people."]
    other = "The quality of plans for children across the service."
    text, spans, passage = _one_passage([item, *subs, other], IMPROVE, "2019-11-05", joiner="\n\n")
    sentences = [Sentence(1, a, b, text[a:b], 0.5, 0.5) for a, b in spans]
    query = with_asks(parse("what did cornwall have to improve in 2019"), frozenset({"improve"}), {"improve": 1.0})
    assert [item.text for item in quote(query, sentences, [passage], ())] == ["\n\n".join([item, *subs]), other]

    lead = "In addition, the following areas for improvement have been identified at this visit:"
    items = ["• the sufficiency and stability of the social care workforce", "• social worker caseloads."]
    text, spans, passage = _one_passage([lead, *items], IMPROVE, "2021-05-01", joiner="\n\n")
    sentences = [Sentence(1, a, b, text[a:b], 0.5, 0.5) for a, b in spans]
    assert [item.text for item in quote(query, sentences, [passage], ())] == [
        "the sufficiency and stability of the social care workforce", "social worker caseloads."]


def test_a_part_of_a_topic_is_not_quoted_again_nor_from_a_heading():
    """The sentence answering the rest of a question is quoted once: one referring back ("They value ...") comes with
    the sentence before it, which replaces that sentence's quote; a sub-heading using the words is no quote."""
    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    lead = "Social workers are positive about working in the county."
    back = "They value regular supervision from their managers."
    text, spans, passage = _one_passage([lead, back], "area", "2021-07-26")
    sentences = [Sentence(1, a, b, text[a:b], value, value) for (a, b), value in zip(spans, (0.95, 0.55))]
    query = with_asks(parse("social workers working in the county and how they get supervised"), frozenset({"topic"}),
                      {"topic": 1.0})
    assert [item.text for item in quote(query, sentences, [passage], ())] == [f"{lead} {back}"]

    heading = "Supervision and oversight"
    text, spans, passage = _one_passage([lead, heading], "area", "2021-07-26", joiner="\n")
    sentences = [Sentence(1, a, b, text[a:b], value, value) for (a, b), value in zip(spans, (0.95, 0.55))]
    assert [item.text for item in quote(query, sentences, [passage], ())] == [lead]


def test_a_list_lead_in_not_naming_the_list_is_left_off_its_items_and_sub_items_stop_at_their_parents_level():
    from ingest.sections import IMPROVE
    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    query = with_asks(parse("what did cornwall have to improve in 2019"), frozenset({"improve"}), {"improve": 1.0})
    before = "Leaders have made progress since the last visit, but more needs to be done."
    lead, first, second = "Leaders should now focus on:", "The quality of plans for children in care.", "Management oversight of casework."
    text, spans, passage = _one_passage([before, lead, first, second], IMPROVE, "2019-11-05", joiner="\n\n")
    sentences = [Sentence(1, a, b, text[a:b], 0.5, 0.5) for a, b in spans]
    assert [item.text for item in quote(query, sentences, [passage], ())] == [first, second]

    parts = ["Areas for improvement:", "• management oversight, including:", "– supervision", "– case recording",
             "• the timeliness of assessments."]
    text, spans, passage = _one_passage(parts, IMPROVE, "2019-11-05", joiner="\n")
    sentences = [Sentence(1, a, b, text[a:b], 0.5, 0.5) for a, b in spans]
    assert [item.text for item in quote(query, sentences, [passage], ())] == [
        "\n".join(parts[1:4]).lstrip("• "), "the timeliness of assessments."]


def test_why_a_grade_changed_leads_with_the_headline_saying_what_changed():
    """Asked why a council went down a grade, the headline's sentence saying services declined leads its sentence
    setting the scene, though that one reads a little closer to a terse question."""
    from ingest.sections import SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    scene = "Bolton has a young and growing population."
    declined = "The overall effectiveness of services for children in Bolton has declined since the last inspection."
    passages, sentences = one_report((scene, SUMMARY, 0.5), (declined, SUMMARY, 0.45))
    query = with_asks(parse("bolton 2025 went from good to ri why"), frozenset({"reasons", "change", "grade"}),
                      {"reasons": 1.0, "change": 0.95, "grade": 0.9})
    assert [item.text for item in quote(query, sentences, passages, ())][0] == declined


def test_asked_only_what_a_report_found_its_headline_sentence_comes_first():
    """"what did ofsted find in Kent in 2016": the report's opening finding leads, though the question's vector (near
    the council's name) reads closer to a sentence of context in the same passage and to a finding further on under the
    same heading; the others follow as before."""
    from dataclasses import replace
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    headline, context = "Children's services in Kent are inadequate.", "The population of Kent is richly diverse."
    opening = f"{headline} {context}"
    later = "Ofsted found that children in Kent do not get help that is good enough."
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2016-05-08", authority="Kent"))
    passages = [Passage(1, Chunk("a.txt", later, 5000, 5000 + len(later), None, "1", None, ((0, len(later)),), None,
                                 SUMMARY), document),  # type: ignore[arg-type]
                Passage(2, Chunk("a.txt", opening, 100, 100 + len(opening), None, "1", None,
                                 ((0, len(headline)), (len(headline) + 1, len(opening))), None, SUMMARY),
                        document)]  # type: ignore[arg-type]
    sentences = [Sentence(1, 0, len(later), later, 0.7, 0.7), Sentence(2, 0, len(headline), headline, 0.5, 0.5),
                 Sentence(2, len(headline) + 1, len(opening), context, 0.6, 0.6)]
    query = with_asks(parse("what did ofsted find in Kent in 2016"), frozenset({"summary"}), {"summary": 0.9})
    quoted = [item.text for item in quote(query, sentences, passages, ())]
    assert quoted[0] == headline
    assert later in quoted[1:]
    praise = with_asks(parse("what did ofsted praise in Kent in 2016"), frozenset({"summary"}), {"summary": 0.9})
    praise = replace(praise, tone=1)  # asked for praise: the tone decides among the findings, not their order
    assert [item.text for item in quote(praise, sentences, passages, ())][0] != headline


def test_a_headline_setting_the_scene_gives_way_to_its_sentence_on_the_overall_effectiveness():
    """A headline passage opening on the area ("Leicester has a young and diverse population."), then saying how the
    overall effectiveness moved: asked what the report found, that sentence leads. Before, the scene-setting one was
    quoted first. An opening stating a grade or a change stays first, and so does one followed by a change that is
    not the overall effectiveness's."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    def first_quoted(opening: str, later: str) -> str:
        text = f"{opening} {later}"
        document = SimpleNamespace(id=1, description=SimpleNamespace(held="2024-11-08", authority="Leicester"))
        passages = [Passage(1, Chunk("a.txt", text, 100, 100 + len(text), None, "1", None,
                                     ((0, len(opening)), (len(opening) + 1, len(text))), None, SUMMARY),
                            document)]  # type: ignore[arg-type]
        sentences = [Sentence(1, 0, len(opening), opening, 0.6, 0.6),
                     Sentence(1, len(opening) + 1, len(text), later, 0.5, 0.5)]
        query = with_asks(parse("what did ofsted find in Leicester"), frozenset({"summary"}), {"summary": 0.9})
        return quote(query, sentences, passages, ())[0].text

    scene = "Leicester has a young and diverse population."
    moved = "The overall effectiveness of services in Leicester has declined since the last inspection in 2021."
    assert first_quoted(scene, moved) == moved
    graded = "Children's services in Leicester require improvement to be good."
    assert first_quoted(graded, moved) == graded
    assert first_quoted(scene, "Practice has improved since the last inspection in 2021.") == scene


def test_a_summary_the_search_marks_outside_the_headline_is_not_quoted_as_the_findings():
    """"what did ofsted find in Kent in 2016": a summary passage the search says is outside the report's headline
    findings (a SIF cover's line on the LSCB, ranked first) is not quoted as them; the headline passage ranked after
    it is (another report's, ranked after both, is not)."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    cover, headline = "The LSCB is not yet demonstrating the characteristics of good.", "Children's services in Kent are good."
    other = "Children's services in Medway are inadequate."
    kent = SimpleNamespace(id=1, description=SimpleNamespace(held="2016-05-08", authority="Kent"))
    medway = SimpleNamespace(id=2, description=SimpleNamespace(held="2016-05-08", authority="Medway"))
    chunk = lambda text, start, section: Chunk("a.txt", text, start, start + len(text), None, section, None,  # noqa: E731
                                              ((0, len(text)),), None, SUMMARY)
    passages = [Passage(1, chunk(cover, 10, "Cover"), kent, secondary_summary=True),  # type: ignore[arg-type]
                Passage(2, chunk(headline, 500, "Key findings"), kent),  # type: ignore[arg-type]
                Passage(3, chunk(other, 500, "Key findings"), medway)]  # type: ignore[arg-type]
    sentences = [Sentence(rank, 0, len(text), text, score, score)
                 for rank, text, score in ((1, cover, 0.8), (2, headline, 0.6), (3, other, 0.5))]
    query = with_asks(parse("what did ofsted find in Kent in 2016"), frozenset({"summary"}), {"summary": 0.9})
    assert [item.text for item in quote(query, sentences, passages, ())] == [headline]


def test_a_change_not_asking_for_a_grade_is_not_answered_with_a_judgement_line():
    """"cumbria care leavers progress since 2019": the later report's judgement line on care leavers ("The experiences
    and progress of care leavers: good") reads closest, but states a grade, not what changed; what the report says
    changed for them leads."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA, JUDGEMENT
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    line = "The experiences and progress of care leavers: good"
    changed = "Support for care leavers has improved considerably since the last inspection in 2019."
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, part),
                        SimpleNamespace(id=1, description=SimpleNamespace(
                            held="2024-03-01", authority="Cumbria", years=lambda: {2024})), 1.0)  # type: ignore[arg-type]
                for rank, text, part in ((1, line, JUDGEMENT), (2, changed, AREA))]
    sentences = [Sentence(rank, 0, len(text), text, score, score) for rank, text, score in ((1, line, 1.5), (2, changed, 1.1))]
    query = with_asks(parse("cumbria care leavers progress since 2019"), frozenset({"change", "topic"}),
                      {"change": 0.95, "topic": 0.9})
    assert [item.text for item in quote(query, sentences, passages, ())][0] == changed


def test_a_grade_and_a_change_asked_together_quote_the_later_grade_and_what_the_later_report_says_changed():
    """Read surer as a grade question than as a change one ("leicester grade after the inadequate of 2015, improved?"),
    the answer states the later grade in the report's words, and also what that report says changed since 2015."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    grade, changed, old = ("Children's services in Leicester require improvement to be good",
                           "Services for children have improved significantly since the last inspection in 2015.",
                           "Children's services in Leicester are inadequate")
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, part),
                        SimpleNamespace(id=rank, description=SimpleNamespace(
                            held=held, authority="Leicester", years=lambda held=held: {int(held[:4])})),
                        preference)  # type: ignore[arg-type]
                for rank, text, held, part, preference in ((1, grade, "2017-09-04", JUDGEMENT, 1.0),
                                                           (2, changed, "2017-09-04", SUMMARY, 1.0),
                                                           (3, old, "2015-03-20", JUDGEMENT, 0.0))]
    sentences = [Sentence(rank, 0, len(text), text, score, score - 0.2)
                 for rank, text, score in ((1, grade, 1.3), (2, changed, 0.9), (3, old, 1.2))]
    query = with_asks(parse("leicester grade after inadequate 2015 improved"), frozenset({"grade", "change"}),
                      {"grade": 0.97, "change": 0.74})
    quotes = [item.text for item in quote(query, sentences, passages, (), [(1, grade)])]
    assert quotes[0] == grade and changed in quotes and old not in quotes


def test_requires_improvement_to_be_good_does_not_state_good():
    """A report judged good recalls its earlier grade in its summary ("was judged to require improvement to be good"):
    that sentence holds "good" but does not state it, and was quoted first for "<council> 2018 judgements"; the
    sentence saying the grade now leads."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    row, earlier, now = ("Overall effectiveness | Good",
                         "At the last inspection in 2015, services in X were judged to require improvement to be good.",
                         "Leaders have improved services, and overall effectiveness is now good.")
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2018-06-01", authority="X", years=lambda: {2018}))
    passages = [Passage(rank, Chunk(f"{rank}.txt", text, 0, len(text), None, "x", None, ((0, len(text)),), None, part),
                        document)  # type: ignore[arg-type]
                for rank, text, part in ((1, row, JUDGEMENT), (2, earlier, SUMMARY), (3, now, SUMMARY))]
    sentences = [Sentence(rank, 0, len(text), text, score, score)
                 for rank, text, score in ((1, row, 0.5), (2, earlier, 0.9), (3, now, 0.5))]
    query = with_asks(parse("x 2018 ofsted judgements"), frozenset({"grade"}), {"grade": 1.0})
    quotes = [item.text for item in quote(query, sentences, passages, (), [(1, row)])]
    assert quotes[0] != earlier and now in quotes


def test_a_question_asking_how_many_gets_the_figure_the_sentence_on_its_topic_leads_into():
    """"kirklees staying put how many young people": the sentence on staying put states no number, the next one ("At
    the time of the inspection, 27 young people were living in such arrangements.") shares no word with the question;
    before, a sentence holding an age was quoted first as stating a number."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    topic, figure = ("Staying put arrangements, for care leavers to remain with their foster carers, are well used.",
                     "At the time of the inspection, 27 young people were living in such arrangements.")
    aged = "Support for young people over the age of 16 helps them to stay in education."
    text = f"{topic} {figure}"
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2019-06-01", authority="X", years=lambda: {2019}))
    passages = [Passage(1, Chunk("a.txt", text, 0, len(text), None, "x", None,
                                 ((0, len(topic)), (len(topic) + 1, len(text))), None, AREA), document),  # type: ignore[arg-type]
                Passage(2, Chunk("b.txt", aged, 0, len(aged), None, "y", None, ((0, len(aged)),), None, AREA), document)]  # type: ignore[arg-type]
    sentences = [Sentence(1, 0, len(topic), topic, 0.9, 0.9), Sentence(1, len(topic) + 1, len(text), figure, 0.4, 0.4),
                 Sentence(2, 0, len(aged), aged, 0.88, 0.88)]
    query = with_asks(parse("x 2019 staying put how many young people"), frozenset({"topic"}), {"topic": 1.0})
    assert query.quantity
    assert [item.text for item in quote(query, sentences, passages, ())][0] == text


@pytest.mark.parametrize(("line", "stated"), [
    ("This letter summarises the findings of a focused visit to Durham children's services on 13 and 14 July.", True),
    ("Inspectors visited on 13 and 14 July 2021.", True),
    ("Inspectors visited on 13 and 14 July 2019.", False),  # another year's July
    ("A plan was agreed on 14 June.", False),
    # national14's Camden letter: "When did Ofsted visit Camden in 2018?" quoted the inspectors' names, not the day
    ("... a focused visit to Camden children’s services on the 13 and 14 of July 2021.", True),
    ("Inspectors visited on the 13th and 14th of July.", True),
])
def test_an_inspections_last_day_is_recognised_with_or_without_its_year(line, stated):
    """A visit's letter often gives its days without the year ("on 13 and 14 July."): before, only "14 July 2021"
    counted, so the line naming the inspectors outranked the one saying when, for "When was the visit?"."""
    from search.answer import _stated_facts

    assert any(fact.search(line) for _, fact in _stated_facts(None, "2021-07-14")) is stated


def test_an_inspections_last_day_is_recognised_with_a_leading_zero():
    """Bolton's 2018 report: "Inspection dates: 23 April 2018 to 04 May 2018"; "dates of Bolton's 2018 inspection"
    quoted the line naming the lead inspector instead."""
    from search.answer import _stated_facts

    assert any(fact.search("Inspection dates: 23 April 2018 to 04 May 2018") for _, fact in _stated_facts(None, "2018-05-04"))
    assert not any(fact.search("Inspection dates: 23 April 2018 to 14 May 2018") for _, fact in _stated_facts(None, "2018-05-04"))


@pytest.mark.parametrize(("question", "first"), [
    ("Which inspectors carried out the July 2025 focused visit to X?", "lead"),
    ("Who led the visit to X?", "lead"),
    ("When was the focused visit to X?", "dates"),
])
def test_the_line_stating_what_the_question_asks_of_the_inspection_comes_first(question, first):
    """The letter's opening line shares most words with "Which inspectors carried out the focused visit to X?" and
    scored above the line naming the inspectors; a question's "who" or "when" now says which line it wants."""
    from ingest.sections import ABOUT
    from search.answer import quote
    from search.parse import parse, with_asks

    lines = {"dates": "This letter summarises the findings of the focused visit to X children's services on 30 to 31 July 2025.",
             "lead": "His Majesty's Inspectors for this visit were Ann Smith and Bo Jones."}
    passages, sentences = one_report((lines["dates"], ABOUT, 1.2), (lines["lead"], ABOUT, 0.7), lead="Ann Smith",
                                     end="2025-07-31")
    asked = with_asks(parse(question), frozenset({"facts"}), {"facts": 0.9})
    assert quote(asked, sentences, passages, ())[0].text == lines[first]


@pytest.mark.parametrize(("finding", "kind", "finding_first"), [
    ("Unacceptable delay in responding to referrals out of hours by the emergency duty team leaves some children at "
     "risk.", "focused_visit", True),
    ("The changes have been incremental and are yet to be embedded in practice.", "focused_visit", False),  # another point
    ("Unacceptable delay in responding to referrals out of hours by the emergency duty team leaves some children at "
     "risk.", "committee_report", False),  # a council paper's list: its own recommendations
])
def test_a_finding_comes_before_the_improvement_item_restating_it_on_one_councils_topic(finding, kind, finding_first):
    """national8: "what Ofsted found about Croydon's out-of-hours emergency duty team" was answered first with "The
    effectiveness of the emergency duty team in terms of response times and quality of practice.", an item of the
    visit's list that names the point; the finding saying what was found scored 0.05 below it."""
    from ingest.sections import AREA, IMPROVE
    from search.answer import quote
    from search.parse import parse, with_asks

    item = "The effectiveness of the emergency duty team in terms of response times and quality of practice."
    passages, sentences = one_report((item, IMPROVE, 1.13), (finding, AREA, 1.08), kind=kind)
    asked = with_asks(parse("what did ofsted find about x's emergency duty team"), frozenset({"topic"}), {"topic": 0.9})
    assert (quote(asked, sentences, passages, ())[0].text == finding) is finding_first


def test_a_line_every_visit_letter_repeats_answers_an_inspections_facts_only_when_it_states_this_ones():
    """national7: "Which areas of practice did the October 2020 focused visit to Rotherham examine?" quoted the
    letters' closing formula ("Ofsted will take the findings ... into account ..."), which every visit's letter
    repeats and which says nothing of this one, before the line saying what the visit looked at."""
    from ingest.sections import ABOUT
    from search.answer import quote
    from search.parse import parse, with_asks

    dates = "This letter summarises the findings of a focused visit to X children's services between 20 and 22 October 2020."
    formula = "Ofsted will take the findings from this focused visit into account when planning your next inspection."
    scope = "The visit looked at the quality and impact of key decision-making across help and protection."
    passages, sentences = one_report((dates, ABOUT, 1.0), (formula, ABOUT, 0.86), (scope, ABOUT, 0.5),
                                     end="2020-10-22")
    asked = with_asks(parse("tell me about the focused visit to x"), frozenset({"facts"}), {"facts": 0.9})
    quoted = [item.text for item in quote(asked, sentences, passages, {dates, formula})]
    assert quoted[:2] == [dates, scope]


@pytest.mark.parametrize(("question", "about_quoted"), [
    ("focused visits done remotely during covid", True),  # a kind of report named: what the visits were is asked
    ("was the work done remotely during covid", False),  # the lines about the inspection state no finding
])
def test_the_lines_about_a_visit_answer_a_question_naming_that_kind_of_report(question, about_quoted):
    from ingest.sections import ABOUT, AREA
    from search.answer import quote
    from search.parse import parse, with_asks

    about = "This visit was carried out fully by remote means during the COVID-19 pandemic."
    finding = "Social workers kept in touch with families by video calls during the pandemic."
    passages, sentences = one_report((about, ABOUT, 0.9), (finding, AREA, 0.6))
    asked = with_asks(parse(question), frozenset({"topic"}), {"topic": 0.9})
    assert (quote(asked, sentences, passages, ())[0].text == about) is about_quoted


@pytest.mark.parametrize(("question", "spelled"), [
    ("nqsw caseloads which las", "newly qualified social workers"),  # national6: found second, not first, without it
    ("north east lincs CiC placements", "children in care"),
])
def test_the_shipped_glossary_spells_out_the_sectors_abbreviations(question, spelled):
    from search.glossary import load

    assert spelled in load().spelled_out(question).lower() or spelled in " ".join(load().expand(question))


def test_the_reasons_of_a_practice_problem_are_looked_for_in_what_the_report_says_of_it():
    """"Why are strategy meetings held up?" asks why, but its answer is in the report's section on that practice, not
    in its headline findings (which give the reasons for a grade): no part of the report is put first for it. Why a
    grade was given still reads the headline findings."""
    from ingest.sections import SUMMARY
    from search.parse import parse, with_asks
    from search.retrieve import asked_parts

    practice = with_asks(parse("why are strategy meetings held up in rutland"), frozenset({"reasons", "topic"}),
                         {"reasons": 0.5, "topic": 0.9})
    grade = with_asks(parse("why was rutland judged inadequate for care leavers"), frozenset({"reasons", "topic"}),
                      {"reasons": 0.5, "topic": 0.9})
    alone = with_asks(parse("why did rutland get that verdict"), frozenset({"reasons"}), {"reasons": 0.9})
    assert asked_parts(practice) == ()
    assert asked_parts(grade) == asked_parts(alone) == (SUMMARY,)


def test_the_reasons_of_a_practice_problem_lead_with_the_sentence_giving_a_reason():
    """"Why do reviews of foster placements slip?": the sentence saying the reviews happen reads a little closer, but
    the one saying why they slip ("due to") answers, so it leads; without a "why" the closer sentence still leads."""
    from search.answer import quote
    from search.parse import parse, with_asks

    held = "Reviews of foster placements are mostly held on time with carers."
    reason = "Some reviews are postponed due to a shortage of independent reviewing officers."
    passages, sentences = one_report((held, "", 0.80), (reason, "", 0.74))
    why = with_asks(parse("why do reviews of foster placements slip in kent"), frozenset({"reasons", "topic"}),
                    {"reasons": 0.5, "topic": 0.9})
    what = with_asks(parse("reviews of foster placements in kent"), frozenset({"topic"}), {"topic": 0.9})
    assert quote(why, sentences, passages, ())[0].text == reason
    assert quote(what, sentences, passages, ())[0].text == held


def test_a_date_no_report_is_from_is_searched_for_in_the_reports_words(corpus_searcher, monkeypatch):
    """No report is from December 2015, so the question's date filters nothing; but a later report may say what was
    the case then ("As recently as 17 December 2014, 291 children did not have a social worker"): the date's words
    join the topic's in the full-text search. A date that chose the reports is not searched for."""
    searched: list[str] = []
    lexical_query = corpus_searcher._lexical_query
    monkeypatch.setattr(corpus_searcher, "_lexical_query", lambda topic, allowed: searched.append(topic) or lexical_query(topic, allowed))
    corpus_searcher.ask("How many Leicestershire care leavers had no personal adviser in December 2015?")
    assert "December 2015" in searched[-1] and "personal adviser" in searched[-1]
    corpus_searcher.ask("How many Leicestershire care leavers had no personal adviser in 2024?")
    assert "2024" not in searched[-1]


def test_a_grade_is_quoted_first_as_the_report_says_it_in_words():
    """Asked for a council's grades, the answer leads with the report's own sentence saying the grade ("overall
    effectiveness is now good"), not the table row it sits in ("Overall effectiveness | Good"), which reads closer to
    a terse question; the row still follows, and the table is beside the answer."""
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    row, in_words = "Overall effectiveness | Good", "Since then, leaders have worked well, and overall effectiveness is now good."
    passages, sentences = one_report((row, JUDGEMENT, 0.9), (in_words, SUMMARY, 0.6))
    query = with_asks(parse("brighton 2018 ofsted judgements"), frozenset({"grade"}), {"grade": 1.0})
    assert [item.text for item in quote(query, sentences, passages, (), [(1, row)])][:2] == [in_words, row]


def test_a_grade_statement_naming_the_area_asked_leads_one_that_names_no_area():
    """Of two sentences of a report stating its overall grade, the headline naming what was judged ("Children's
    services in X are good") leads one that names nothing ("This has led to services being judged as good at this
    inspection"), though the other reads closer to a terse question about judgements."""
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    row, headline = "Overall effectiveness | Good", "Children's services in Somerset County Council are good"
    unnamed = "Investment in the workforce means that services are judged to be good at this inspection."
    passages, sentences = one_report((row, JUDGEMENT, 0.9), (headline, JUDGEMENT, 0.6), (unnamed, SUMMARY, 1.0))
    query = with_asks(parse("somerset 2016 inspection judgements"), frozenset({"grade"}), {"grade": 1.0})
    assert [item.text for item in quote(query, sentences, passages, (), [(1, row)])][0] == headline


def test_a_headline_stating_the_grade_without_naming_an_area_leads_the_row_that_reads_closer():
    """"how did X do last time": the headline says the grade in words without naming what was judged ("services have
    improved and they are now good"); it leads the table's row ("Overall effectiveness | Good"), which reads much
    closer to so short a question, and the row follows."""
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    row = "Overall effectiveness | Good"
    in_words = "Since the previous inspection, when services required improvement, they have improved and are now good."
    passages, sentences = one_report((row, JUDGEMENT, 0.9), (in_words, SUMMARY, 0.55))
    query = with_asks(parse("how did kent do last time"), frozenset({"grade"}), {"grade": 1.0})
    assert [item.text for item in quote(query, sentences, passages, (), [(1, row)])][:2] == [in_words, row]


def test_a_grade_asked_across_councils_is_quoted_as_the_report_states_it_in_words():
    """The report's own sentence stating the grade, when a passage read holds one, before the grade table's row."""
    from ingest.sections import JUDGEMENT, SUMMARY
    from search.answer import quote
    from search.parse import parse, with_asks

    row = "Overall effectiveness | Inadequate"
    in_words = "Children's services in X are inadequate."
    other = "Children in care | Good"
    passages, sentences = one_report((row, JUDGEMENT, 0.9), (other, JUDGEMENT, 0.85), (in_words, SUMMARY, 0.6))
    asked = with_asks(parse("Which councils were judged inadequate?"), frozenset({"across", "grade"}),
                      {"across": 1.0, "grade": 1.0})
    assert [item.text for item in quote(asked, sentences, passages, (), [(1, row)])] == [in_words]
    # a statement in words of another grade or area is not that row's grade
    passages, sentences = one_report((row, JUDGEMENT, 0.9), (other, JUDGEMENT, 0.85),
                                     ("Services for care leavers in X are inadequate.", SUMMARY, 0.6))
    assert [item.text for item in quote(asked, sentences, passages, (), [(1, row)])] == [row]


def test_an_improvement_list_asked_about_a_topic_leads_with_the_item_on_it():
    """"Did the 2024 inspection list return home interviews among what must improve?": the list's item on them first,
    then the rest of the list in the report's order."""
    from ingest.sections import IMPROVE
    from search.answer import quote
    from search.parse import parse, with_asks

    items = ["The response to children who have experienced neglect.", "The timeliness and quality of return home interviews.",
             "The consistency of management oversight."]
    passages, sentences = one_report(*((item, IMPROVE, score) for item, score in zip(items, (0.6, 0.8, 0.5))))
    topic = with_asks(parse("did the 2024 inspection list return home interviews among what must improve"),
                      frozenset({"improve", "topic"}), {"improve": 1.0, "topic": 0.9},
                      asking_cues=frozenset({"what", "must", "improve"}))
    assert [item.text for item in quote(topic, sentences, passages, ())] == [items[1], items[0], items[2]]
    alone = with_asks(parse("what must they improve"), frozenset({"improve"}), {"improve": 1.0})
    assert [item.text for item in quote(alone, sentences, passages, ())] == items


def test_an_improvement_list_asked_about_a_topic_in_an_abbreviation_leads_with_the_item_in_full_words():
    """"what does <council> need to improve for CiC": the list's item saying "children in care" is on the topic asked,
    as its glossary group says (the item was matched on the question's own words only, so no item was on "CiC", and
    the list came in the report's order)."""
    from ingest.sections import IMPROVE
    from search.answer import quote
    from search.glossary import parse as parse_glossary
    from search.parse import parse, with_asks

    glossary = parse_glossary("children in care | children looked after | CiC | CLA\n")
    items = ["The response to children who have experienced neglect.", "The consistency of management oversight.",
             "The stability of placements for children looked after."]
    passages, sentences = one_report(*((item, IMPROVE, score) for item, score in zip(items, (0.6, 0.8, 0.5))))
    text = "what does X need to improve for CiC"
    asked = with_asks(parse(text), frozenset({"improve", "topic"}), {"improve": 1.0, "topic": 0.9},
                      asking_cues=frozenset({"what", "does", "need", "improve"}))
    synonyms = glossary.alternatives(asked.searched())
    assert [item.text for item in quote(asked, sentences, passages, (), synonyms=synonyms)] == [items[2], *items[:2]]
    assert [item.text for item in quote(asked, sentences, passages, ())] == items  # without the glossary: no item on it


def test_an_improvement_list_asked_about_two_terms_in_short_after_naming_the_visit_leads_with_an_item_on_one():
    """"wigan fv 2023 what needs to improve cin cp": "fv" names the report, not the topic, and an item saying "child
    protection" in full is on a topic asked as "cp" as one saying both words would be (the topic was "fv cin cp",
    two of whose three words no item could use, so the list came in the report's order after a finding)."""
    from ingest.sections import IMPROVE
    from search.answer import quote
    from search.glossary import parse as parse_glossary
    from search.parse import parse, with_asks

    glossary = parse_glossary("child protection | CP\nchild in need | children in need | CIN\n")
    items = ["Effective transition arrangements between social work teams.", "Timely assessment and planning for children.",
             "Effective multi-agency information-sharing at child protection conferences."]
    passages, sentences = one_report(*((item, IMPROVE, score) for item, score in zip(items, (0.6, 0.8, 0.5))))
    asked = with_asks(parse("wigan fv 2023 what needs to improve cin cp"), frozenset({"improve", "topic"}),
                      {"improve": 1.0, "topic": 0.2}, asking_cues=frozenset({"what", "needs", "to", "improve"}))
    assert asked.about().split() == ["cin", "cp"]
    synonyms = glossary.alternatives(asked.searched())
    assert [item.text for item in quote(asked, sentences, passages, (), synonyms=synonyms)] == [items[2], *items[:2]]


@pytest.mark.parametrize("question", ["leics 2019 areas for improvement CiC", "what does nottinghamshire need to improve for CLA"])
def test_an_improvement_list_asked_in_abbreviations_leads_with_the_item_on_them(shared_searcher, question):
    """The same over the shared reports: Leicestershire's 2019 list and Nottinghamshire's 2024 one each hold an item
    on children in care, which led neither answer."""
    result = shared_searcher.ask(question, k=5)
    assert "children in care" in result.answer.quotes[0].text, [quote.text for quote in result.answer.quotes]


def test_an_improvement_list_with_no_item_on_the_topic_asked_follows_what_the_report_says_of_it():
    """"What does X need to improve for care leavers?" when no item of the list is on care leavers: the report's
    sentence on them first, then the list in its order (the list alone answered another question); the words asking
    for the list ("need", "improve") are no topic, so a question with no other words gets the list alone, as does one
    not read as asking about a topic (its other words may be phrasing: "what must they work on")."""
    from ingest.sections import AREA, IMPROVE
    from search.answer import quote
    from search.parse import parse, with_asks

    items = ["The response to children who have experienced neglect.", "The stability of placements for children in care."]
    said = "Care leavers do not have up-to-date pathway plans that reflect their needs."  # the list's "care" is not on them
    passages, sentences = one_report((items[0], IMPROVE, 0.7), (items[1], IMPROVE, 0.6), (said, AREA, 0.65))
    cues = frozenset({"need", "improve", "what", "does"})
    text = "What does X need to improve for care leavers?"
    asked = with_asks(parse(text), frozenset({"improve", "topic"}), {"improve": 0.9, "topic": 0.5}, asking_cues=cues)
    assert [item.text for item in quote(asked, sentences, passages, ())] == [said, *items]
    alone = with_asks(parse("What does X need to improve?"), frozenset({"improve", "topic"}), {"improve": 0.9, "topic": 0.5},
                      asking_cues=cues)
    assert [item.text for item in quote(alone, sentences, passages, ())] == items
    unread = with_asks(parse(text), frozenset({"improve"}), {"improve": 0.9}, asking_cues=cues)
    assert [item.text for item in quote(unread, sentences, passages, ())] == items


def test_an_improvement_list_asked_about_the_topic_its_report_looked_at_is_quoted_whole_in_its_order():
    """"What was X asked to work on after inspectors looked at its care leavers?" of a visit that looked at care
    leavers: its whole list is on them, though no item names them, so the list leads, not a finding naming them."""
    from ingest.sections import ABOUT, AREA, IMPROVE
    from search.answer import quote
    from search.parse import parse, with_asks

    items = ["The response to children who have experienced neglect.", "The stability of placements for children in care."]
    said = "Care leavers do not have up-to-date pathway plans that reflect their needs."
    scope = "Inspectors looked at the local authority’s arrangements for care leavers."
    cues = frozenset({"need", "improve", "what", "does"})
    asked = with_asks(parse("What does X need to improve for care leavers?"), frozenset({"improve", "topic"}),
                      {"improve": 0.9, "topic": 0.5}, asking_cues=cues)
    passages, sentences = one_report((items[0], IMPROVE, 0.7), (items[1], IMPROVE, 0.6), (said, AREA, 0.65),
                                     (scope, ABOUT, 0.3))
    assert [item.text for item in quote(asked, sentences, passages, ())] == items
    # a line saying the visit looked at something else leaves the finding on the topic first
    passages, sentences = one_report((items[0], IMPROVE, 0.7), (items[1], IMPROVE, 0.6), (said, AREA, 0.65),
                                     (scope.replace("care leavers", "the front door"), ABOUT, 0.3))
    assert [item.text for item in quote(asked, sentences, passages, ())] == [said, *items]
    # nor does a finding worded as what inspectors looked at
    passages, sentences = one_report((items[0], IMPROVE, 0.7), (items[1], IMPROVE, 0.6), (said, AREA, 0.65),
                                     ("Inspectors looked at the plans of care leavers and found most out of date.", AREA,
                                      0.3))
    assert [item.text for item in quote(asked, sentences, passages, ())] == [said, *items]


def test_the_words_the_examples_ask_for_the_improvement_list_with_are_cues_not_topic(corpus_searcher):
    query, _ = corpus_searcher.read("What does Leicestershire need to improve for care leavers?")
    assert {"need", "improve"} <= query.asking_cues  # "need": a form of the cue "needs"
    assert not query.asking_cues & {"care", "leavers", "leicestershire"}
    assert query.wants("improve") and query.wants("topic")  # care leavers: a practice the glossary names


def test_an_improvement_list_asked_naming_a_practice_asks_about_it_too_but_not_naming_a_kind_of_report(corpus_searcher):
    """The sector's words for a practice (the glossary) say a question asking for the improvement list asks about a
    topic too; a kind of report ("ILACS", "focused visit") is no practice, nor are the words asking for the list."""
    from search.parse import parse, with_asks

    def names(text: str) -> bool:
        cues = frozenset({"what", "does", "need", "to", "improve", "areas", "for", "improvement"})
        return corpus_searcher._names_a_practice(with_asks(parse(text), frozenset({"improve"}), {}, asking_cues=cues))

    assert names("What does Rutland need to improve for children in care?")
    assert names("rutland child protection areas for improvement")
    assert not names("rutland ilacs 2024 areas for improvement")
    assert not names("What does Rutland need to improve after its focused visit?")
    assert not names("What does Rutland need to improve?")


def test_what_a_report_found_asked_on_a_practice_asks_about_it_too(corpus_searcher):
    """A question read as asking only what the latest report found, naming a practice in the sector's words ("how were
    things for children in care?"), asks about that practice: read as the findings alone, it quoted the report's
    headline on the whole service first ("In the latest Windsor and Maidenhead inspection, how were things looking
    for care leavers?", tests/national20.json)."""
    query, _ = corpus_searcher.read("At Leicestershire's most recent inspection, how were things for children in care?")
    assert query.wants("summary") and query.wants("topic")
    query, _ = corpus_searcher.read("What did Leicestershire's most recent inspection find?")
    assert query.wants("summary") and not query.wants("topic")  # no practice named: the headline findings
    # the whole service named, no practice within it
    query, _ = corpus_searcher.read("Summarise the latest inspection of Leicestershire's children's social care")
    assert query.wants("summary") and not query.wants("topic")


def test_what_a_report_found_on_a_practice_is_quoted_on_it_first(shared_searcher):
    """The findings on the practice named lead, not the headline on the whole service ("Services for children and
    families in Leicestershire have much improved ...")."""
    result = shared_searcher.ask("At Leicestershire's most recent inspection, how were things for children in care?")
    assert "children in care" in result.answer.quotes[0].text.lower()


def test_a_number_of_unallocated_children_is_answered_by_the_figure_not_the_grades(shared_searcher):
    """Read as a grade, and with no sentence saying "unallocated", the question quoted Leicester's 2015 grade table."""
    result = shared_searcher.ask("How many Leicester City children were unallocated in December 2014?")
    assert "291 children did not have a social worker" in result.answer.quotes[0].text


def test_a_number_of_grades_asked_is_answered_by_the_grades_quoted(shared_searcher):
    """"How many areas were judged good ...?" quoted Leicester's 2021 grades and was still told "not found": no quote
    stated a number. The grades quoted are what is counted."""
    result = shared_searcher.ask("How many areas were judged good at Leicester's 2021 inspection?")
    assert not result.answer.no_answer
    assert any(quote.text.endswith("| Good") for quote in result.answer.quotes)
    # a number of something else, asked beside a grade: grades quoted do not count it
    assert shared_searcher.ask("How many social workers did Rutland have when it was rated good?").answer.no_answer


def test_an_improvement_list_is_quoted_from_its_lead_in_not_the_paragraph_before_it():
    """A passage of the improvement part that opens with the end of the findings before the list's lead-in."""
    from ingest.sections import IMPROVE
    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    parts = ["Senior leaders have needed to make widespread changes to children's services.",
             "The following areas for improvement have been identified at this visit:",
             "• the sufficiency and stability of the social care workforce",
             "• social worker caseloads, so that social workers can carry out direct work with children."]
    text, spans, passage = _one_passage(parts, IMPROVE, "2021-06-18", "\n\n")
    sentences = [Sentence(1, a, b, text[a:b], 0.5, 0.5) for a, b in spans]
    asked = with_asks(parse("what do they still need to fix"), frozenset({"improve"}), {"improve": 1.0})
    assert [item.text for item in quote(asked, sentences, [passage], ())] == \
        ["the sufficiency and stability of the social care workforce",
         "social worker caseloads, so that social workers can carry out direct work with children."]


@pytest.mark.parametrize("turn", ["However, for others, visits to review their circumstances are not always timely.",
                                  "Too often, though, visits to review their circumstances are not timely."])
def test_a_sentence_turned_round_by_the_next_is_quoted_with_it(turn):
    """"Some children benefit ... However, for others ..." (or "Too often, though, ..."): the point is both sentences,
    quoted together verbatim."""
    from ingest.sections import AREA
    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    parts = ["A very small number of children live in private fostering arrangements and some benefit from robust "
             "assessment and support.", turn, "Social workers know the children well."]
    text, spans, passage = _one_passage(parts, AREA, "2021-11-12")
    sentences = [Sentence(1, a, b, text[a:b], score, score) for (a, b), score in zip(spans, (0.9, 0.7, 0.5))]
    asked = with_asks(parse("private fostering assessments"), frozenset({"topic"}), {"topic": 1.0})
    assert quote(asked, sentences, [passage], ())[0].text == text[:spans[1][1]]


@pytest.mark.parametrize("first_score", [0.5, 0.95])
def test_a_sentence_referring_back_to_one_that_refers_back_is_quoted_from_the_sentence_they_both_refer_to(first_score):
    """"However, despite this, ..." refers to "They are making good use of data ...", which refers to "Leaders in X":
    the quote starts where the reference is resolved, whichever of the three scores best."""
    from ingest.sections import SUMMARY
    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    parts = ["Leaders in X know themselves well.", "They are making good use of data and management information.",
             "However, despite this, progress in the application of the Public Law Outline has not been quick enough."]
    text, spans, passage = _one_passage(parts, SUMMARY, "2022-03-25")
    sentences = [Sentence(1, a, b, text[a:b], score, score) for (a, b), score in zip(spans, (0.3, first_score, 0.9))]
    asked = with_asks(parse("why was the help and protection judgement below good"), frozenset({"reasons"}),
                      {"reasons": 1.0})
    assert [item.text for item in quote(asked, sentences, [passage], ())] == [text]


def test_a_sentence_referring_back_is_quoted_from_a_there_is_sentence_before_it():
    """"There is a culture ... This is shown by ... Their voice ...": "There is" states something of its own, so the
    quote starts there, not at the unresolved "This"."""
    from ingest.sections import AREA
    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    parts = ["Young people leaving care are well supported by committed staff.",
             "There is a culture across the council that care leavers are its own children.",
             "This is shown by the high numbers of care leavers in apprenticeships.",
             "Their voice and experiences are benefiting other care leavers."]
    text, spans, passage = _one_passage(parts, AREA, "2024-05-16")
    sentences = [Sentence(1, a, b, text[a:b], score, score) for (a, b), score in zip(spans, (0.2, 0.3, 0.4, 0.9))]
    asked = with_asks(parse("care leavers voice"), frozenset({"topic"}), {"topic": 1.0})
    assert quote(asked, sentences, [passage], ())[0].text == " ".join(parts[1:])


@pytest.mark.parametrize(("text", "quoted"), [("Judgement | Grade", False), ("Overall effectiveness | Good", True),
                                              ("Number of children in care | 542", True)])
def test_a_tables_header_row_is_not_quoted_where_table_rows_are(text, quoted):
    from ingest.document import Chunk
    from search.answer import Sentence, readable

    chunk = Chunk("a.pdf", text, 0, len(text), None, "1", None, ((0, len(text)),), None, "judgement")
    assert (readable(Sentence(1, 0, len(text), text, 1.0), chunk, (), rows=True) is not None) is quoted
    # when nothing reads on its own, the best fragment is quoted rather than nothing, whatever it is
    assert readable(Sentence(1, 0, len(text), text, 1.0), chunk, (), rows=True, strict=False) == text


@pytest.mark.parametrize(("text", "quoted"), [("Three areas for improvement were identified, as listed below.", False),
                                              ("The findings are as follows.", False),
                                              ("School attendance of children in care fell below the national rate.", True)])
def test_a_lead_in_pointing_on_to_what_follows_is_not_quoted(text, quoted):
    from ingest.document import Chunk
    from search.answer import Sentence, readable

    chunk = Chunk("a.pdf", text, 0, len(text), None, "1", None, ((0, len(text)),), None, "summary")
    assert (readable(Sentence(1, 0, len(text), text, 1.0), chunk, ()) is not None) is quoted


def _one_passage(parts: list[str], part: str, held: str, joiner: str = " "):
    """One passage of report X (held ``held``) in ``part``, made of ``parts``: its text, sentence spans and Passage."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from search.answer import Passage

    text = joiner.join(parts)
    spans = tuple((text.index(item), text.index(item) + len(item)) for item in parts)
    document = SimpleNamespace(id=1, description=SimpleNamespace(held=held, authority="X", years=lambda: {int(held[:4])}))
    return text, spans, Passage(1, Chunk("a.txt", text, 0, len(text), None, "1", None, spans, None, part), document)  # type: ignore[arg-type]


def test_a_grade_asked_still_to_hold_is_quoted_from_its_table_row_although_most_reports_word_it_alike():
    """"Is Rotherham still inadequate?" quoted two sentences about new children's homes: the newer report's table row
    ("Overall effectiveness | Good"), which answers it, is worded as in most reports and was left out as boilerplate."""
    from dataclasses import replace

    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    row = "Overall effectiveness | Good"
    _, _, table = _one_passage([row], "judgement", "2022-08-12")
    finding = "Positively, since the last inspection, the council has opened three new children's homes."
    _, _, other = _one_passage([finding], "area", "2022-08-12")
    table, other = replace(table, preference=1.0), replace(other, rank=2, preference=1.0)
    sentences = [Sentence(1, 0, len(row), row, 0.89, 0.89), Sentence(2, 0, len(finding), finding, 0.64, 0.64)]
    asked = with_asks(parse("Is X still inadequate?"), frozenset({"change", "grade"}), {"change": 0.99, "grade": 0.99})
    quoted = [item.text for item in quote(asked, sentences, [table, other], {row}, [(1, row)])]
    assert quoted[0] == row, quoted
    # a sentence most reports repeat is still left out when no grade is asked for, also from the second passage's
    # sentence a topic's answer adds (which once fell back on quoting a fragment: the row)
    topic = with_asks(parse("X new children's homes"), frozenset({"topic"}), {"topic": 1.0})
    assert row not in [item.text for item in quote(topic, sentences, [table, other], {row})]


def test_a_grade_asked_still_to_hold_of_a_councils_one_report_is_quoted_as_the_report_states_it_first():
    """"So Sunderland's been rated outstanding again, is that right?" (tests/national16.json), with one report of the
    council: no report is preferred over another, so none counted as "later" and the answer fell back on the closest
    sentences, without the grade. The report's own sentence stating the grade now comes first, then what changed."""
    from dataclasses import replace

    from search.answer import Sentence, quote
    from search.parse import parse, with_asks

    row, headline = "Overall effectiveness | Outstanding", "Children's services in X are outstanding."
    changed = "The experiences of children in X continue to improve."
    passages = [replace(_one_passage([text], part, "2025-01-20")[2], rank=rank)  # preference 0.0: none preferred
                for rank, text, part in ((1, row, "judgement"), (2, headline, "summary"), (3, changed, "area"))]
    sentences = [Sentence(rank, 0, len(text), text, score, score)
                 for rank, text, score in ((1, row, 0.6), (2, headline, 0.7), (3, changed, 0.9))]
    asked = with_asks(parse("Is X still outstanding?"), frozenset({"change", "grade"}), {"change": 0.99, "grade": 0.99})
    quoted = [item.text for item in quote(asked, sentences, passages, (), [(1, row)])]
    assert quoted[0] == headline and changed in quoted, quoted
    # the statement chosen is not quoted again below, however it scores (a review found it twice when it led the rest)
    closer = [replace(sentence, score=0.95) if sentence.text == headline else sentence for sentence in sentences]
    again = [item.text for item in quote(asked, closer, passages, (), [(1, row)])]
    assert again[0] == headline and len(again) == len(set(again)), again
    # with a year to count from, what changed since then still leads
    since = with_asks(parse("Is X still outstanding since 2019?"), frozenset({"change", "grade"}),
                      {"change": 0.99, "grade": 0.99})
    assert [item.text for item in quote(since, sentences, passages, (), [(1, row)])][0] == changed


def test_the_words_left_of_a_question_asking_only_whether_things_changed_are_not_its_topic():
    """"How is Westminster doing compared to 2016?" asks no topic: its words left once the council and year are taken
    out ("How is doing compared to") quoted "Many children in care obtain impressive GCSE grades ... a comparatively high
    number ..." first, for sharing "compar". Such words no longer raise a sentence's score (its relevance, on which
    "not found" is decided, still counts them); a question on a topic, or naming the grade area it asks, keeps them."""
    from search.answer import topical_words
    from search.parse import parse, with_asks

    text = "Children in care obtain comparatively high grades. Services have developed further since the last inspection."
    split = text.index(".") + 1
    # the first sentence shares "compar" with the question, the second is a little closer in meaning
    assert _best_of_two(text, split, "How is doing compared to", 0.62)[0].startswith("Children")
    chosen, relevance = _best_of_two(text, split, "How is doing compared to", 0.62, topical=False)
    assert chosen.startswith("Services")
    assert relevance == _best_of_two(text, split, "How is doing compared to", 0.62)[1]

    question = parse("How is Westminster doing compared to 2016?")
    assert not topical_words(with_asks(question, frozenset({"change"}), {"change": 0.99}))
    assert topical_words(with_asks(question, frozenset({"change", "topic"}), {"change": 0.99, "topic": 0.9}))
    assert topical_words(with_asks(parse("leics 2024 overall effectiveness grade"), frozenset({"grade"}), {"grade": 0.99}))


def test_a_sentence_across_councils_is_scored_by_the_topic_not_the_question_naming_councils():
    """Across councils the question's own vector ("Which councils were criticised for ...") is close to sentences
    naming a council; the score counts the topic's alone (six first sentences gained on the development files, none
    lost), the relevance both."""
    import numpy as np

    from ingest.document import Chunk
    from ingest.metadata import Description
    from ingest.store import DocumentRecord
    from search.answer import Passage, score_sentences
    from search.parse import parse, with_asks
    from search.retrieve import _scored_by

    text = "Rutland is a small council. Few children are placed in bed and breakfast."
    chunk = Chunk("a.pdf", text, 0, len(text), None, None, None, ((0, 27), (28, len(text))))
    document = DocumentRecord(1, "a.pdf", "a.pdf", "", Description(None, None, "", None, None, None, None))
    question, topic = np.array([1.0, 0.0], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32)
    stored = {1: np.array([[0.9, np.sqrt(1 - 0.81)], [0.5, np.sqrt(0.75)]], dtype=np.float32)}
    vectors = np.vstack([question, topic])
    across = with_asks(parse("Which councils use B&B for young people?"), frozenset({"across", "topic"}),
                       {"across": 0.99, "topic": 0.9})
    by_both = score_sentences("B&B for young people", vectors, [Passage(1, chunk, document)], None, stored=stored)  # type: ignore[arg-type]
    by_topic = score_sentences("B&B for young people", vectors, [Passage(1, chunk, document)], None, stored=stored,  # type: ignore[arg-type]
                               scored_by=_scored_by(across, vectors))
    assert max(by_both, key=lambda item: item.score).text.startswith("Rutland")
    assert max(by_topic, key=lambda item: item.score).text.startswith("Few children")
    assert [item.relevance for item in by_topic] == [item.relevance for item in by_both]
    one = with_asks(parse("Does Rutland use B&B for young people?"), frozenset({"topic"}), {"topic": 0.9})
    assert _scored_by(one, vectors) is None


def test_a_change_sharing_one_common_word_with_the_topic_is_not_a_change_on_it():
    """"Have things got better for Kent's children in need since 2019?": "Services for children and families have much
    improved." shares only "children" with the topic; the sentence on child in need plans is the change on the topic
    (a change is on the topic when it uses two of its words, or all of fewer)."""
    from ingest.sections import AREA
    from search.answer import quote
    from search.parse import parse, with_asks

    general = "Services for children and families have much improved."
    specific = "Child in need plans are now reviewed regularly and have improved."
    passage, sentences = _kent_2024(general, specific, AREA, (0.66, 0.62), (0.6, 0.5))
    read = with_asks(parse("Have things got better for Kent's children in need since 2019?"),
                     frozenset({"change", "topic"}), {"change": 0.9, "topic": 0.9}, asking_cues=frozenset({"better", "since"}))
    assert quote(read, sentences, [passage], ())[0].text == specific


def test_a_later_sentence_naming_the_year_a_change_starts_from_is_not_a_change_on_the_topic_unless_on_it():
    """"Did contact and referral screening in Kent get better between the 2019 visit and the inspection that
    followed?": the later report's history ("In 2019, Ofsted conducted a focused visit ...") names the year but says
    nothing of screening; the sentence saying screening improved is the change on the topic."""
    from ingest.sections import AREA
    from search.answer import quote
    from search.parse import parse, with_asks

    history = "In 2019, Ofsted conducted a focused visit that resulted in two areas for priority action."
    specific = "The screening of contacts and referrals has improved."
    passage, sentences = _kent_2024(history, specific, AREA, (0.70, 0.62), (0.6, 0.5))
    text = "Did contact and referral screening in Kent get better between the 2019 visit and the inspection that followed?"
    read = with_asks(parse(text), frozenset({"change", "topic"}), {"change": 0.9, "topic": 0.9},
                     asking_cues=frozenset({"better", "between"}))
    assert quote(read, sentences, [passage], ())[0].text == specific


def test_why_an_area_got_its_grade_quotes_the_headline_of_the_report_whose_section_answers():
    """"Why did Kent get requires improvement for help and protection?": the 2024 report's section on help and
    protection answers, with its own headline; another report's headline ranked first (2019's) is not quoted beside
    them."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA, SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    def report(number: int, year: int) -> SimpleNamespace:
        return SimpleNamespace(id=number, description=SimpleNamespace(held=f"{year}-07-12", authority="Kent",
                                                                      years=lambda: {year}))

    def passage(rank: int, text: str, part: str, section: str | None, document: SimpleNamespace) -> Passage:
        chunk = Chunk(f"{rank}.txt", text, 0, len(text), None, section, None, ((0, len(text)),), None, part)
        return Passage(rank, chunk, document)  # type: ignore[arg-type]

    older, newer = report(1, 2019), report(2, 2024)
    texts = ["Services for children in Kent have declined since the last inspection.",
             "Assessments of children who need help are not timely enough because managers do not track them.",
             "Leaders have not yet made sure that practice is consistently good."]
    passages = [passage(1, texts[0], SUMMARY, None, older),
                passage(2, texts[1], AREA, "The experiences and progress of children who need help and protection", newer),
                passage(3, texts[2], SUMMARY, None, newer)]
    sentences = [Sentence(rank, 0, len(text), text, score, 0.6)
                 for rank, text, score in zip((1, 2, 3), texts, (0.7, 0.6, 0.55), strict=True)]
    read = with_asks(parse("Why did Kent get requires improvement for help and protection?"),
                     frozenset({"reasons", "grade"}), {"reasons": 0.9, "grade": 0.5})
    quoted = [item.text for item in quote(read, sentences, passages, ())]
    assert texts[1] in quoted and texts[2] in quoted and texts[0] not in quoted


@pytest.mark.parametrize(("text", "opening", "told"), [
    ("In 2020, Ofsted conducted a focused visit that resulted in two wide-reaching areas for priority action.", True, True),
    ("At the last inspection in 2017, children’s services required improvement to be good.", True, True),
    ("Children living in the borough were not protected effectively.", False, True),
    ("There has been progress since then despite the challenges of the pandemic.", False, False),
    ("Services for children in Lambeth require improvement to be good, as was the case at the last inspection in May 2018.",
     True, False),  # the report's own grade, then the last inspection's
    ("Since the last inspection in 2018, social work practice at the front door has improved.", True, False),
    ("Children were seen promptly during this visit.", True, False),  # no earlier year or inspection named
    ("Since 2019, senior leaders made steady progress in improving services.", True, False),  # what followed
    ("Since the inspection in 2018, when services were judged inadequate, leaders took decisive action.", True, False),
    ("The director of children’s services, appointed in 2019, brought stability to the service.", True, False),
    # national15's Knowsley visit: a grade's name after "judged to", and a later letter's words quoted, are not now
    ("Knowsley children’s services were last inspected by Ofsted in 2017 and were judged to require improvement to be "
     "good.", True, True),
    ("The letter following that visit stated that progress ‘has been sustained and built on’.", False, True),
    ("A focused visit took place in October 2018, which specifically considered the front door.", False, True),
])
def test_an_opening_telling_what_an_earlier_inspection_found_is_history(text, opening, told):
    from search.rerank import tells_history

    assert tells_history(text, 2021, opening) is told


def test_what_a_report_found_is_quoted_after_its_opening_history():
    """"What did Ofsted find in Kent in 2021?": the headline findings open with what the 2020 visit found; the
    headline is the first sentence after that history, and the history is not quoted as the report's findings."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import SUMMARY
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    texts = ["In 2020, Ofsted conducted a focused visit that resulted in two areas for priority action.",
             "Children in Kent were not protected effectively.",
             "Services for children in Kent are still inadequate, although some progress has been made."]
    text = " ".join(texts)
    starts = [text.index(item) for item in texts]
    chunk = Chunk("1.txt", text, 0, len(text), None, None, None,
                  tuple((start, start + len(item)) for start, item in zip(starts, texts, strict=True)), None, SUMMARY)
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2021-12-10", authority="Kent", years=lambda: {2021}))
    passage = Passage(1, chunk, document)  # type: ignore[arg-type]
    sentences = [Sentence(1, start, start + len(item), item, score, 0.6)
                 for start, item, score in zip(starts, texts, (0.7, 0.68, 0.6), strict=True)]
    read = with_asks(parse("What did Ofsted find in Kent in 2021?"), frozenset({"summary"}), {"summary": 0.9})
    quoted = [item.text for item in quote(read, sentences, [passage], ())]
    assert quoted[0] == texts[2] and texts[0] not in quoted and texts[1] not in quoted


@pytest.mark.parametrize(("asks", "authority", "added"), [
    (frozenset({"change", "topic"}), "Kent", True),
    (frozenset({"change", "topic", "across"}), "Kent", False),  # across councils: each council's own answer
    (frozenset({"change", "topic"}), "Medway", False),  # another council's earlier report says nothing of Kent's
])
def test_what_the_report_a_change_is_counted_from_said_is_added_only_for_the_council_answered(asks, authority, added):
    """"Have Kent's care leavers got better since 2019?": what the 2019 report said of care leavers follows what the
    2024 report says changed, marked older; not across councils, nor from another council's report."""
    from types import SimpleNamespace

    from ingest.document import Chunk
    from ingest.sections import AREA
    from search.answer import Passage, Sentence, quote
    from search.parse import parse, with_asks

    def passage(rank: int, text: str, year: int, council: str) -> Passage:
        document = SimpleNamespace(id=rank, description=SimpleNamespace(held=f"{year}-07-12", authority=council,
                                                                        years=lambda: {year}))
        chunk = Chunk(f"{rank}.txt", text, 0, len(text), None, None, None, ((0, len(text)),), None, AREA)
        return Passage(rank, chunk, document)  # type: ignore[arg-type]

    now = "Support for care leavers has improved and personal advisers now visit them regularly."
    then = "Care leavers do not receive regular visits from their personal advisers."
    passages = [passage(1, now, 2024, "Kent"), passage(2, then, 2019, authority)]
    sentences = [Sentence(1, 0, len(now), now, 0.7, 0.7), Sentence(2, 0, len(then), then, 0.65, 0.65)]
    read = with_asks(parse("Have Kent's care leavers got better since 2019?"), asks,
                     {ask: 0.9 for ask in asks}, asking_cues=frozenset({"better", "since"}))
    quotes = quote(read, sentences, passages, ())
    assert quotes[0].text == now
    assert any(item.text == then and item.older for item in quotes[1:]) is added


def test_the_headline_findings_read_far_surer_than_a_grade_shape_the_answer():
    """"What did the last inspection of Wirral conclude?", read as a summary at 1.0 and a grade at 0.48, quoted the
    grade table's rows: a summary is weighed beside the shaped readings, and one far surer shapes the answer."""
    from search.answer import primary
    from search.parse import parse, with_asks

    question = parse("What did the last inspection of Wirral conclude?")
    assert primary(with_asks(question, frozenset({"summary", "grade"}), {"summary": 1.0, "grade": 0.48})) == "summary"
    assert primary(with_asks(question, frozenset({"summary", "grade"}), {"summary": 1.0, "grade": 0.85})) == "grade"
    assert primary(with_asks(question, frozenset({"grade"}), {"summary": 0.3, "grade": 0.6})) == "grade"


def test_a_grade_asked_in_words_shapes_the_answer_however_sure_the_findings_read():
    """national17: "What was the result of Devon's latest Ofsted inspection?", a summary at 0.98 and a grade at 0.78,
    was answered with the headline findings, no grade: a grade asked in words ("result", "rated") is asked."""
    from search.answer import primary
    from search.parse import parse, with_asks

    for text, shaped in (("What was the result of Devon's latest Ofsted inspection?", "grade"),
                         ("How was Devon rated at its last inspection?", "grade"),
                         ("What did the last inspection of Devon conclude?", "summary")):
        read = with_asks(parse(text), frozenset({"summary", "grade"}), {"summary": 0.98, "grade": 0.7})
        assert primary(read) == shaped, text


def _kent_with_adult_services(tmp_path, embedder):
    """A searcher over one Kent inspection report that names adult social care and pupils' GCSEs only in passing, as
    the reports do."""
    from ingest.config import Settings
    from ingest.pipeline import ingest
    from search.retrieve import open_searcher

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "kent-2023-03-01-ofsted-inspection.txt").write_text(
        "Kent County Council\nInspection of children's social care services\n\nInspection dates: 6 to 17 February 2023"
        "\n\nHeadline findings\n\nThe director of children's services is also responsible for adult social care and "
        "public health. Disabled young people are helped to move on to adult social care in good time, with transition "
        "plans agreed from the age of 16. Children in care achieve better GCSE results than their peers nationally, "
        "supported by the virtual school. Assessments of children in need are timely and thorough.\n", encoding="utf-8")
    settings = Settings(index=tmp_path / "index")
    ingest([folder], settings, embedder_factory=lambda name: embedder)
    return open_searcher(settings, embedder)


def test_a_service_the_reports_do_not_assess_is_not_found_unless_asked_of_children(tmp_path, embedder):
    """Blind question files' writers asked what Ofsted concluded about a council's adult social care, or about its
    pupils' GCSE results (national5, national9, national16: answered with a sentence about social workers); the reports
    name both only in passing, so such a question is not found and told who reports on it. Asked of children, the
    reports answer."""
    searcher = _kent_with_adult_services(tmp_path, embedder)
    adults = searcher.ask("What view did Ofsted take of the quality of adult social care in Kent?")
    assert adults.answer.no_answer
    assert any("Care Quality Commission" in note for note in adults.notes)
    exams = searcher.ask("How good were the GCSE results in Kent's secondary schools last year?")
    assert exams.answer.no_answer and any("Department for Education" in note for note in exams.notes)
    moving = searcher.ask("How are disabled young people in Kent helped to move on to adult social care?")
    assert not moving.answer.no_answer and "adult social care in good time" in moving.answer.quotes[0].text
    in_care = searcher.ask("What did Ofsted say about the GCSE results of Kent's children in care?")
    assert not in_care.answer.no_answer and "GCSE results" in in_care.answer.quotes[0].text


def test_a_question_asking_for_a_number_ranks_first_the_passage_stating_one(shared_searcher):
    # dev rewordings asking how many IT systems MASH workers use, what share of care leavers went to university, ...
    # ranked the passage stating the number second or third, under passages on the same topic that state none
    result = shared_searcher.ask("How many IT systems do North Northamptonshire's MASH social workers have to use?")
    assert result.query.quantity
    assert "seven different systems" in result.hits[0].chunk.text
