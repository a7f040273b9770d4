"""An inspection term a question describes in everyday words is searched for too (search/described.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from search.described import DEFAULT, Described, load


def test_the_data_file_gives_each_term_several_everyday_descriptions():
    descriptions = load()
    terms = {item.term for item in descriptions}
    assert len(terms) >= 100
    assert all(sum(item.term == term for item in descriptions) >= 2 for term in terms)
    assert all(item.text for item in descriptions)
    assert DEFAULT.read_text(encoding="utf-8").startswith("#")  # says how it was written


def test_a_line_without_a_description_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "described.txt"
    path.write_text("# how written\nNEET | young people with no job and not studying\nNEET\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"described\.txt, line 3"):
        load(path)


@pytest.mark.parametrize("topic, term", [
    ("help for looked after children to learn about their early life and family background", "life-story work"),
    ("a worker who helps young people after they leave care", "personal advisers"),
    ("young people who are not working or studying", "NEET"),
    ("teenagers groomed to carry drugs to other towns", "county lines"),
])
def test_a_term_described_in_everyday_words_is_recognised_from_the_topics_vector(embedder, topic, term):
    assert Described(embedder).term(topic, embedder.embed([topic])[0]) == term


@pytest.mark.parametrize("topic", [
    "missing children",  # two words: typed as the reports word it
    "personal advisers for care leavers",  # uses the term's own words
    "the council's budget for road repairs",  # describes no term
])
def test_a_topic_in_few_words_in_the_terms_own_words_or_about_nothing_described_is_left_alone(embedder, topic):
    assert Described(embedder).term(topic, embedder.embed([topic])[0]) is None


def test_a_question_describing_a_term_quotes_the_report_sentence_using_it(shared_searcher):
    result = shared_searcher.ask("What did Ofsted say about help for looked after children in Leicestershire to learn "
                                 "about their early life and family background?")
    assert result.query.described == "life-story work"
    assert "Also searched for “life-story work”, the reports' term for what the question describes." in result.notes
    assert "life-story work" in result.answer.quotes[0].text
    assert result.verdict.answered


def test_a_sentence_is_scored_as_close_to_what_the_described_term_means_as_to_the_question(shared_searcher):
    # the passage on life-story work was found, but the sentence quoted first was the one nearest the question's words
    # ("Most children in care have developed positive and trusting relationships with social workers ...", the term
    # only in the sentence after it): the report's sentence uses the term, not the question's everyday words (national
    # sample, 63 councils: "does <council> help children in care make sense of their past" quoted life-story work
    # first for 19, 25 now)
    result = shared_searcher.ask("how well are children in care in Leicestershire helped to understand their family history")
    assert result.query.described == "life-story work"
    opening = result.answer.quotes[0].text.split(". ")[0]  # what a councillor reads out first
    assert "life-story work" in opening, result.answer.quotes[0].text
    assert result.verdict.answered


@pytest.mark.parametrize(("topic", "named"), [
    ("report children who go missing", True),  # every word a term's: it names what it asks
    ("children in care helped to understand their family history", False),  # a term, and a description of another
    ("allegations against people who work with kids", False),  # no term at all
])
def test_a_topic_in_nothing_but_the_sectors_terms_describes_nothing(embedder, topic, named):
    # "Derbyshire most recent report children who go missing" is nearest "return home interviews" by its vector; the
    # sentences quoted for it were then those closest to that term's meaning, from the 2019 report, not the newest
    assert Described(embedder).only_terms(topic) is named


def test_the_descriptions_vectors_are_kept_for_the_next_process(embedder, tmp_path):
    first = Described(embedder, cache=tmp_path).prepare()
    assert [path.name.startswith("described-") for path in tmp_path.iterdir()] == [True]
    counting = _Counting(embedder)
    assert (Described(counting, cache=tmp_path).prepare() == first).all() and counting.calls == 0


class _Counting:
    """The real model, counting how often it is asked to embed."""

    def __init__(self, embedder) -> None:
        self.name, self.dimension, self._embedder, self.calls = embedder.name, embedder.dimension, embedder, 0

    def embed(self, texts, progress=False):
        self.calls += 1
        return self._embedder.embed(texts, progress)


def test_a_term_a_topic_uses_brings_its_meaning(embedder):
    described = Described(embedder)
    meanings = described.meanings("oldham front door delays")
    assert meanings is not None and meanings.shape == (1, embedder.dimension)
    # closer to a sentence on what the term means than the words alone are (the model reads a house's front door)
    sentence, words = embedder.embed(["Contacts about children are screened quickly by social workers.", "front door"])
    assert float(meanings[0] @ sentence) > float(words @ sentence)
    assert described.meanings("the council's budget for road repairs") is None
    assert described.meanings("front doors of the council offices") is None  # a term is matched as its words


@pytest.mark.parametrize("question", ["How well does Leicester's front door work?", "notts front door delays",
                                      "How quickly does Rutland's front door deal with contacts?"])
def test_a_question_in_the_sectors_terms_is_answered_when_the_reports_use_them(shared_searcher, question):
    """Each was told "not found" with a report sentence on the front door quoted first: the model read "front door" as
    the words say, and the relevance fell below the threshold. Judged also against what the term means, it is answered."""
    result = shared_searcher.ask(question)
    assert result.verdict.answered, result.verdict
    assert result.answer.quotes and not result.answer.no_answer


def test_the_words_asking_whether_something_changed_describe_no_term(embedder):
    """"derby care leavers 2022 vs 2025" was read as describing "suitable accommodation" (its topic, "care leavers vs",
    three words); "vs" asks for a comparison, and two words are typed as the reports word them."""
    vector = embedder.embed(["care leavers vs"])[0]
    assert Described(embedder).term("care leavers vs", vector) is not None  # as it was read
    assert Described(embedder).term("care leavers vs", vector, frozenset({"vs"})) is None


@pytest.mark.parametrize("question", ["How many children in care does Derbyshire have?", "Rutland number of foster carers",
                                      "what proportion of foster carers in Leicester"])
def test_the_words_asking_for_a_number_describe_no_term(shared_searcher, question):
    """"How many children in care does Derbyshire have?" was read as describing "school attendance" ("how often
    children in care go to school"), and "number of foster carers" as "foster carer recruitment": "how many" and
    "number of" ask for a figure, and what is left is two words, typed as the reports word them."""
    assert shared_searcher.ask(question, 5).query.described is None


def test_a_short_topic_has_the_term_it_means_and_its_everyday_words_are_the_terms_descriptions(embedder):
    described = Described(embedder)
    # too short to be searched for as a description, but clearly nearest one term
    assert described.term("listen to children", embedder.embed(["listen to children"])[0]) is None
    assert described.nearest(embedder.embed(["listen to children"])[0]) == "voice of the child"
    assert described.says("voice of the child", "listen")  # "listening to what children themselves say"
    assert not described.says("voice of the child", "fostering")
    assert described.used("county lines in Bedford") == [("county", "lines")]
    assert described.used("listen to children") == []


def test_a_council_whose_reports_never_use_an_everyday_word_is_searched_in_the_words_of_the_term_it_means(
        shared_searcher):
    # "No indexed report on Leicestershire uses the words “drugs” or “gangs”" ended the search, although its 2019
    # report says what the words mean: county lines (a national-sample check: "does <council> listen to children"
    # was "not found" for 36 of 63 councils, 15 now, those whose reports have nothing on children's views)
    result = shared_searcher.ask("leicestershire drugs gangs")
    assert result.query.described == "county lines"
    assert not any("uses the words" in note for note in result.notes), result.notes
    assert "county lines" in result.answer.quotes[0].text


def test_a_word_of_a_term_the_topic_uses_is_not_taken_for_an_everyday_word(shared_searcher):
    # "private fostering" is nearest "independent fostering agencies", one of whose descriptions says "private": taken
    # for an everyday word, it let 8 of 27 national-sample councils whose reports never use "private fostering" be
    # answered from their other fostering
    query = shared_searcher.read("what did ofsted say about private fostering in Rutland")[0]
    assert query.nearest_term == "independent fostering agencies"
    assert shared_searcher.described.says(query.nearest_term, "private")
    every = shared_searcher.index.chunk_ids([doc.id for doc in shared_searcher.index.documents()])
    assert shared_searcher._put_otherwise(query, ("private",), every) == frozenset()
    assert shared_searcher._put_otherwise(replace(query, topic="private"), ("private",), every) == {"private"}
