"""What a question asks, read from labelled examples with the real model, never from the evaluation questions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from search import intent
from search.parse import ASKS, parse


@pytest.fixture(scope="module")
def intents(embedder, tmp_path_factory):
    return intent.Intents(embedder, cache=tmp_path_factory.mktemp("cache"))


def test_the_examples_cover_every_label_and_parse():
    examples = intent.load()
    assert len(examples) >= 1500
    for label in intent.LABELS:
        assert sum(label in example.asks for example in examples) >= 60, label


def test_no_example_is_an_evaluation_question():
    """The examples teach ways of asking; they must not hold the questions the product is measured on."""
    key = lambda text: re.sub(r"[^a-z0-9]+", "", text.lower())  # noqa: E731
    examples = {key(example.text) for example in intent.load()}
    files = [ROOT / "tests" / name for name in ("questions.json", "paraphrases.json", "unseen.json")]
    files += [ROOT.parent / "shared" / "questions" / "dev.json"]
    for path in files:
        if path.is_file():
            assert not examples & {key(entry["q"]) for entry in json.loads(path.read_text())}, path.name


@pytest.mark.parametrize("question, asked", [
    ("how did rutland do last time", {"grade"}),
    ("What does Rutland still need to improve?", {"improve"}),
    ("Who was the lead inspector at Rutland?", {"facts"}),
    ("HMI names derbyshire 2023", {"facts"}),  # "HMI" names the inspection as "inspectors" does: was a topic, refused
    ("Which councils were rated inadequate?", {"across", "grade"}),
    ("Why was Rutland judged to require improvement?", {"reasons"}),
    ("What did Ofsted find at Derby's most recent inspection?", {"summary"}),
    ("inadequate accommodation for care leavers in Derby", {"topic"}),  # a grade word describing a service
    ("How often do social workers visit children in care in Derbyshire?", {"topic"}),
    # a grade in everyday words with no grade word (national9: "where BCP stands after its most recent Ofsted
    # inspection" was read as findings, national18's "how did they do on adoption?" as a topic), not the same words
    # asking about practice
    ("Where does Barnet stand with Ofsted these days?", {"grade"}),
    ("barnet 2019 where did they stand", {"grade"}),
    ("Where does Barnet stand on kinship care?", {"topic"}),
])
def test_what_a_question_asks(intents, question, asked):
    assert intents.read(parse(question)).asks == asked


def test_the_examples_teach_that_a_figure_about_practice_is_a_topic_not_a_grade():
    # typed as "<council> <topic> <month year> number", such questions were read as asking for a grade
    from search.parse import _QUANTITY

    figures = [example for example in intent.load() if _QUANTITY.search(example.text)]
    assert sum(example.asks == {"topic"} for example in figures) >= 100
    assert sum("grade" in example.asks for example in figures) < sum(example.asks == {"topic"} for example in figures) / 3


def test_the_examples_teach_that_getting_better_after_a_failed_inspection_is_a_change():
    # "<council> improvement after inadequate <year>", "did <council> recover after failing ofsted in <year>" were read
    # as asking only for the grade named: the examples held few such questions (34), beside grade questions worded alike
    dated_failure = re.compile(r"\b(?:fail\w*|inadequate)\b.*\b(?:19|20)\d\d\b|\b(?:19|20)\d\d\b.*\b(?:fail\w*|inadequate)\b", re.I)
    failed = [example for example in intent.load() if dated_failure.search(example.text)]
    assert sum("change" in example.asks for example in failed) >= 60
    assert sum(example.asks == {"grade"} for example in failed) >= 20  # "did X fail its 2016 inspection": the grade


@pytest.mark.parametrize("question", ["kent care leavers pathway plans 2018 criticism addressed",
                                      "surrey missing children return interviews 2019 weak fixed"])
def test_a_terse_query_asking_whether_a_dated_criticism_was_dealt_with_asks_about_change(intents, question):
    # typed as an officer types: the council, the topic, the year of the criticism, and whether it is fixed now
    assert {"change", "topic"} <= intents.read(parse(question)).asks


def test_how_something_changed_is_phrasing_not_topic(intents):
    # whether the council as a whole got better may read as a grade question too (what it was judged), never a topic
    asks = intents.read(parse("Has Nottinghamshire got better or worse since 2015?")).asks
    assert "change" in asks and "topic" not in asks


@pytest.mark.parametrize(("question", "tone"), [
    ("Which councils were praised for their early help?", 1),
    ("Which councils were criticised for their private fostering work?", -1),
    ("What did Ofsted say about early help in Rutland?", 0),
    ("How quickly are concerns about a child picked up in Derby?", 0),  # a concern about a child is a risk
])
def test_whether_a_question_asks_for_criticism_or_praise(intents, question, tone):
    assert intents.read(parse(question)).tone == tone


def test_unsure_readings_fall_back_to_the_likeliest_or_a_plain_search():
    assert intent.asks_from(dict.fromkeys(ASKS, 0.05)) == {"topic"}
    assert intent.asks_from({**dict.fromkeys(ASKS, 0.05), "grade": 0.3}) == {"grade"}
    assert intent.asks_from({**dict.fromkeys(ASKS, 0.05), "grade": 0.9, "change": 0.5}) == {"grade", "change"}
    assert intent.tone_from({"critical": 0.9, "praised": 0.1}) == -1 and intent.tone_from({"critical": 0.8, "praised": 0.7}) == 0
    assert intent.tone_from({"critical": 1.0, "praised": 0.45}) == -1
    assert intent.tone_from({"critical": 0.999, "praised": 0.64}) == -1  # certain, against a weak other reading


def test_the_example_vectors_are_cached_and_reused(embedder, tmp_path):
    examples = intent.load()[:40]
    first = intent.Intents(embedder, examples, cache=tmp_path)
    first.scores("how did rutland do")
    assert len(list(tmp_path.glob("asks-*.npy"))) == 1

    class Refusing:
        name, dimension = embedder.name, embedder.dimension

        def embed(self, texts, progress=False):
            assert len(texts) == 1, "the examples should come from the cache"
            return embedder.embed(texts)

    again = intent.Intents(Refusing(), examples, cache=tmp_path)  # type: ignore[arg-type]
    assert again.scores("how did rutland do") == pytest.approx(first.scores("how did rutland do"))


def test_a_bad_examples_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "asks.txt"
    path.write_text("grade | How was Kent rated?\nverdict | What was the verdict?\n")
    with pytest.raises(ValueError, match="line 2"):
        intent.load(path)


def test_the_fitted_classifier_is_cached_and_reads_alike_without_fitting(embedder, tmp_path, monkeypatch):
    """A new process reads questions without fitting again (seconds of a page's cold start): the fitted weights and
    word weighting are kept as plain arrays beside the example vectors, and give the same readings."""
    examples = intent.load()[:200]
    questions = ["how did rutland do", "has kent improved since 2019", "What must Derby work on?"]
    first = intent.Intents(embedder, examples, cache=tmp_path)
    expected = [first.scores(question) for question in questions]
    assert len(list(tmp_path.glob("intents-*.npz"))) == 1

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("fitted again")

    monkeypatch.setattr(intent, "fit", refuse)
    again = intent.Intents(embedder, examples, cache=tmp_path)
    assert [again.scores(question) for question in questions] == [pytest.approx(scores) for scores in expected]
    other = intent.Intents(embedder, examples[:100], cache=tmp_path)  # other examples: fitted, not read from the cache
    with pytest.raises(AssertionError, match="fitted again"):
        other.prepare()


def test_the_word_weighting_read_with_numpy_is_scikit_learns_own():
    """Questions are read without scikit-learn (imported only to fit): the tf-idf row of every example and of
    questions with unseen words, repeated words and punctuation equals the fitted vectorizer's."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [intent.framed(example.text).lower() for example in intent.load()]
    fitted = TfidfVectorizer(**intent.WORDS).fit(texts)
    words = intent.Words(tuple(str(term) for term in fitted.get_feature_names_out()), fitted.idf_)
    probes = [*texts[::7], "Care care CARE leavers, leavers!", "zzz unseen words only", "", "a b c d"]
    expected = fitted.transform(probes).toarray()
    for probe, row in zip(probes, expected, strict=True):
        assert np.allclose(words.transform(probe), row, atol=1e-12), probe


def test_a_new_process_reads_questions_from_the_cached_fit_without_scikit_learn(embedder, tmp_path):
    intent.Intents(embedder, intent.load()[:200], cache=tmp_path).prepare()
    script = ("import sys; from pathlib import Path; from ingest.embed import SentenceEmbedder; from search import intent;"
              f"reader = intent.Intents(SentenceEmbedder(), intent.load()[:200], cache=Path({str(tmp_path)!r}));"
              "print(round(reader.scores('has kent improved since 2019')['change'], 6));"
              "print(sorted(name for name in ('sklearn', 'scipy') if name in sys.modules))")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    change, imported = run.stdout.split("\n")[:2]
    assert imported == "[]"
    assert float(change) == pytest.approx(
        intent.Intents(embedder, intent.load()[:200], cache=tmp_path).scores("has kent improved since 2019")["change"],
        abs=1e-5)


def test_validation_tests_each_writer_on_a_fit_to_all_the_others(monkeypatch):
    """`--validate` leaves one writer's examples out at a time: each group is read by a classifier fitted on every
    other group, never on itself; the writers' starts are where the examples file says each writer begins."""
    from conftest import FakeEmbedder

    lines = ["grade | what grade did the council get", "topic | what about care leavers there",
             "grade | how was the council rated", "topic | tell me about fostering", "grade | overall judgement please",
             "topic | anything on adoption", "grade | rating for the council", "topic | what about private fostering"]
    examples = [intent.Example(text.strip(), frozenset(labels.split())) for labels, text in (line.split("|") for line in lines)]
    fitted: list[list[str]] = []
    original = intent.fit

    def recording(train, embedder, vectors=None):
        fitted.append([example.text for example in train])
        return original(train, embedder, vectors)

    monkeypatch.setattr(intent, "fit", recording)
    scores = intent.validate(examples, FakeEmbedder(), (2, 5))
    texts = [example.text for example in examples]
    assert fitted == [texts[2:], texts[:2] + texts[5:], texts[:5]]
    assert 0 <= scores["exact"] <= 1 and {"grade", "topic"} <= set(scores)
    assert intent.WRITERS == tuple(sorted(intent.WRITERS)) and intent.WRITERS[-1] < len(intent.load())


def test_what_a_question_asks_is_settled_by_its_structure_where_plain():
    """The inspection's facts only for a question naming the inspection; the findings with criticism wanted also ask
    for the report's list of what must improve, as surely as the findings."""
    from search.intent import settled
    from search.parse import parse, with_asks

    practice = with_asks(parse("How many care leavers does Derbyshire support?"), frozenset({"facts"}), {"facts": 0.9})
    assert settled(practice).asks == {"topic"} and settled(practice).quantity
    inspection = with_asks(parse("How many inspectors came to Rutland?"), frozenset({"facts"}), {"facts": 0.9})
    assert settled(inspection).asks == {"facts"}
    criticised = with_asks(parse("What did inspectors criticise in Rutland in 2024?"), frozenset({"summary"}),
                           {"summary": 0.8, "improve": 0.1}, tone=-1)
    assert settled(criticised).asks == {"summary", "improve"} and settled(criticised).score("improve") == 0.8
    praised = with_asks(parse("What did Ofsted praise in Rutland in 2024?"), frozenset({"summary"}), {"summary": 0.8}, tone=1)
    assert settled(praised).asks == {"summary"}
    # praise asked, read as the improvement list ("do well" as "do better": 93 of 160 templated national-sample
    # questions quoted that list first): the findings, or the topic, the praise is asked of
    well = with_asks(parse("What does Leicester do well?"), frozenset({"improve"}), {"improve": 0.97}, tone=1)
    assert settled(well).asks == {"summary"}
    topic = with_asks(parse("What does Leicester do well for care leavers?"), frozenset({"improve", "topic"}),
                      {"improve": 0.6, "topic": 0.5}, tone=1)
    assert settled(topic).asks == {"topic"}
    improve = with_asks(parse("What does Leicester need to improve?"), frozenset({"improve"}), {"improve": 0.97})
    assert settled(improve).asks == {"improve"}
    # praise asked, read as a grade ("get ... for" as in "what did it get for leadership"; 14 of 42 templated
    # national-sample councils, those with only focused visits, were told no report gives a grade): the findings
    # praised; with a grade named, the grade
    got = with_asks(parse("what did Rutland get praised for?"), frozenset({"grade"}), {"grade": 0.66}, tone=1)
    assert settled(got).asks == {"summary"}
    rated = with_asks(parse("what did Rutland get praised for when it was rated good?"), frozenset({"grade"}),
                      {"grade": 0.9}, tone=1)
    assert settled(rated).asks == {"grade"}


@pytest.mark.parametrize(("question", "asks"), [
    # a number asked of one council, read as a grade with none named: the findings' figure
    ("How many Leicester City children were unallocated in December 2014?", {"topic"}),
    # a grade named, or councils counted by their grade: the grades
    ("How many areas were judged good at Leicester's 2021 inspection?", {"grade"}),
    ("How many councils were rated inadequate in 2024?", {"grade", "across"}),
    # grades asked for in words: a number asked beside them, or of them
    ("What was Leicester rated in 2021 and how many children were in care?", {"grade"}),
    ("How many judgements did Leicester get at its 2021 inspection?", {"grade"}),
])
def test_a_number_asked_is_no_grade_unless_a_grade_is_named_or_councils_counted(question, asks):
    """"How many Leicester City children were unallocated in December 2014?" read as a grade at 0.67 and quoted the
    2015 grade table."""
    from search.intent import settled
    from search.parse import parse, with_asks

    read = with_asks(parse(question), frozenset({"grade"} | ({"across"} if "across" in asks else set())),
                     {"grade": 0.67})
    assert read.quantity
    assert settled(read).asks == asks


@pytest.mark.parametrize(("question", "counts"), [
    ("How many areas were judged good at Leicester's 2021 inspection?", True),
    ("How many judgements did Leicester get at its 2021 inspection?", True),
    ("how many services were rated outstanding in leicester 2021", True),
    ("How many social workers did Rutland have when it was rated good?", False),
    ("How many children were in care when Rutland was judged good?", False),
])
def test_a_number_of_grades_is_asked_of_grades_or_of_what_got_one(question, counts):
    from search.answer import counts_grades

    assert counts_grades(question) is counts


def test_the_glossary_knows_a_child_without_a_social_worker_is_unallocated():
    """Reports count children "without a social worker" in full ("As recently as 17 December 2014, 291 children did
    not have a social worker."); officers type "unallocated"."""
    from search.glossary import load

    assert "did not have a social worker" in load().expand("leicester unallocated children dec 2014")


@pytest.mark.parametrize(("question", "across"), [
    ("Which council had a focused visit that looked at care leavers?", True),
    ("which council's focused visit looked at the front door", True),
    ("which councils' focused visits looked at the front door", True),
    ("which council looked after care leavers well", False),  # no report named before the words for looking
    ("which council's social workers looked at plans", False),
])
def test_asking_which_councils_reports_looked_at_something_asks_across_councils_in_the_singular_too(question, across):
    """"Which council had a focused visit that looked at care leavers?", in the singular, was read as asking about one
    visit's facts, and quoted the line of the first visit found: as in the plural, each council's line saying so."""
    from search.intent import settled
    from search.parse import parse, with_asks

    read = with_asks(parse(question), frozenset({"facts", "topic"}), {"facts": 0.8, "topic": 0.8, "across": 0.1})
    assert settled(read).wants("across") is across
    assert ("scope" in parse(question).record) is across


def test_a_question_asking_only_for_the_inspections_record_asks_for_its_facts():
    """"what month were ofsted in Barnet in 2025", read as asking for the findings (0 of 92 templated questions
    quoted the dates first): it asks when the inspection was and nothing else, so its facts; a question asking when of
    a practice ("when do care leavers get a personal adviser") or with a topic ("when did Barnet improve its care
    leavers?") does not."""
    from search.intent import settled
    from search.parse import asks_only_the_record, parse, with_asks

    month = with_asks(parse("what month were ofsted in Barnet in 2025"), frozenset({"summary"}), {"summary": 0.6})
    assert settled(month).asks == {"facts"}
    came = parse("which month did the inspectors come to Barnet in 2025")
    assert asks_only_the_record(came)
    # asked of someone ("please confirm", "could officers check"; national18: "Please confirm which aspects of practice
    # the January 2018 focused visit to Leeds examined." was read as a topic and quoted findings)
    assert asks_only_the_record(parse("Please confirm which aspects of practice the 2018 focused visit to Leeds examined."))
    for text in ("When did Barnet improve its care leavers?", "when do care leavers get a personal adviser in Hull",
                 "who supervises social workers in Derby"):
        assert not asks_only_the_record(parse(text)), text
    practice = with_asks(parse("when do care leavers get a personal adviser in Hull"), frozenset({"topic"}), {"topic": 0.9})
    assert settled(practice).asks == {"topic"}


def test_a_council_named_with_nothing_asked_not_even_a_topic_asks_for_its_headline_findings():
    """"how is leicestershire doing": the examples read no ask, not even a topic, so it fell back to a topic search
    on "doing"; naming a council and asking nothing in particular, it asks how the council is doing as a whole."""
    from search.intent import LIKELIEST, settled
    from search.parse import parse, with_asks

    unsure = {"grade": 0.02, "change": 0.02, "summary": 0.01, "topic": 0.001}
    overall = with_asks(parse("how is leicestershire doing"), frozenset({"topic"}), unsure)
    assert settled(overall).asks == {"summary"}
    nowhere = with_asks(parse("how is it doing"), frozenset({"topic"}), unsure)  # no council: a plain search still
    assert settled(nowhere).asks == {"topic"}
    topical = with_asks(parse("leicester adoption"), frozenset({"topic"}), {"topic": LIKELIEST + 0.1})
    assert settled(topical).asks == {"topic"}



def test_a_council_named_with_only_criticism_or_praise_read_surely_asks_for_its_findings_read_that_way():
    """"what's the biggest problem in nottinghamshire": read surely as asking for criticism, as a topic only at 0.2,
    it was a search for "biggest problem" and quoted a 2015 line on "learning from complaints" (praise)."""
    from search.intent import SURE, settled
    from search.parse import parse, with_asks

    scores = {"topic": SURE - 0.2, "reasons": 0.17, "critical": 0.97}
    problem = with_asks(parse("what's the biggest problem in nottinghamshire"), frozenset({"topic"}), scores, -1)
    assert settled(problem).asks >= {"summary"} and not settled(problem).wants("topic")
    # without a tone, or with the topic read surely, or naming no council: a topic search still
    toneless = with_asks(parse("nottinghamshire caseloads"), frozenset({"topic"}), {"topic": SURE - 0.2}, 0)
    assert settled(toneless).asks == {"topic"}
    sure = with_asks(parse("nottinghamshire poor supervision"), frozenset({"topic"}), {"topic": SURE + 0.1}, -1)
    assert settled(sure).asks == {"topic"}
    nowhere = with_asks(parse("what's the biggest problem"), frozenset({"topic"}), scores, -1)
    assert settled(nowhere).asks == {"topic"}


def test_two_councils_named_in_a_change_question_with_no_year_are_compared_by_their_grades():
    """"is derbyshire better than nottinghamshire": read as a change, it answered with Derbyshire's findings alone."""
    from search.intent import settled
    from search.parse import parse, with_asks

    compared = with_asks(parse("is derbyshire better than nottinghamshire"), frozenset({"change"}), {"change": 0.9})
    assert settled(compared).asks == {"across", "grade"}
    since = with_asks(parse("have derbyshire and nottinghamshire improved since 2019"), frozenset({"change"}),
                      {"change": 0.9})
    assert settled(since).asks == {"change"}  # a year: a change from it, council by council
    one = with_asks(parse("is derbyshire better now"), frozenset({"change"}), {"change": 0.9})
    assert settled(one).asks == {"change"}


def test_a_form_of_an_asking_cue_asks_too():
    """"need" is a form of the cue "needs", "improvement" of "improve"; a short word is only itself ("now" is no form of
    "nowhere"), and a topic word is no cue."""
    from search.intent import asking

    cues = frozenset({"needs", "improve", "now"})
    assert asking(["need", "improvement", "care", "leavers", "nowhere", "now"], cues) == {"need", "improvement", "now"}


@pytest.mark.parametrize(("question", "asks", "across"), [
    ("Which of the focused visit letters identified areas for priority action?", {"improve"}, True),  # national8
    ("which monitoring visits found caseloads too high", {"topic"}, True),
    ("which of the inspection reports praised the virtual school", {"topic"}, True),
    # an improvement item on a topic: the reports' own lists answer it, not each council's closest finding
    ("Which inspections listed return home interviews among the things to improve?", {"improve", "topic"}, False),
    ("which visits to Leeds found drift", {"topic"}, False),  # a council named: its reports
])
def test_a_question_asking_which_reports_say_something_is_read_across_councils(question, asks, across):
    from search.intent import settled
    from search.parse import parse, with_asks

    query = settled(with_asks(parse(question), frozenset(asks), {ask: 0.9 for ask in asks}))
    assert query.wants("across") is across
