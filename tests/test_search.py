"""Searching with the real model, from Python and from the command line."""

import html
import io
import json
import re
import threading
from dataclasses import replace

import numpy as np
import pytest

from search.__main__ import main as search_main
from search.retrieve import open_searcher

COMMITTEE = "leicestershire-2024-09-03-scrutiny-committee-ofsted-ilacs.txt"


@pytest.fixture(scope="module")
def searcher(corpus_index, embedder):
    return open_searcher(corpus_index, embedder)


def test_care_leavers_question_finds_the_personal_advisers_passage(searcher):
    hits = searcher.search("What did Ofsted say about care leavers?", k=3)
    assert any(hit.document.file == COMMITTEE and "Personal advisers (PAs)" in hit.chunk.text for hit in hits)


def test_each_hit_marks_a_sentence_inside_its_passage(searcher):
    for hit in searcher.search("How often are social workers supervised?", k=5):
        a, b = hit.highlight
        assert 0 <= a < b <= len(hit.chunk.text)
        assert hit.chunk.text[a:b].strip() == hit.chunk.text[a:b]


def test_each_sentence_the_answer_quotes_of_a_passage_is_marked_in_its_card(shared_searcher):
    """An answer quoting two or three sentences of one passage marked only the first in the passage's card, so a reader
    checking a quote against its source found it unmarked."""
    from search.render import marked
    from views.cards import card

    result = shared_searcher.ask("At Leicester City's 2024 inspection, were the children placed in unregistered "
                                 "children's homes being visited and checked on enough?")
    by_rank = {hit.rank: hit for hit in result.hits}
    assert any(len(hit.quoted) > 1 for hit in result.hits)
    for quote in result.answer.quotes:
        for rank in quote.passages:
            assert any(quote.text in piece for piece in re.findall(r">>(.*?)<<", marked(by_rank[rank], ">>", "<<"),
                                                                     re.S))
            assert any(html.escape(quote.text[:20]) in piece or quote.text[:20] in html.unescape(piece)
                       for piece in re.findall(r"<mark>(.*?)</mark>", card(by_rank[rank]), re.S))


def test_a_passages_quoted_sentences_are_its_marked_pieces_in_order():
    from ingest.document import Chunk
    from search.answer import Quote, quoted_spans
    from search.render import pieces
    from search.retrieve import Hit

    text = "One sentence here. Two sentences here. Three sentences here."
    quotes = (Quote("Three sentences here.", (1,), 1.0), Quote("One sentence here.", (1, 2), 0.9),
              Quote("Two sentences here. Three", (1,), 0.8), Quote("Elsewhere.", (2,), 0.7))
    spans = quoted_spans(quotes, 1, text)
    assert spans == ((0, 18), (19, len(text)))  # in the text's order, the overlapping two as one
    hit = Hit(1, 1.0, 1, Chunk("a.txt", text, 0, len(text), None, None, None), None, (0, 18), 0.5, spans)  # type: ignore[arg-type]
    assert pieces(hit) == [("One sentence here.", True), (" ", False), (text[19:], True)]
    assert pieces(replace(hit, quoted=())) == [("One sentence here.", True), (text[18:], False)]


def test_hits_carry_citations(searcher):
    hits = searcher.search("care leavers and personal advisers", k=5)
    dates = {hit.document.file: hit.document.description.date for hit in hits}
    assert dates.get(COMMITTEE) == "2024-09-03"
    assert {hit.document.description.authority for hit in hits} == {"Leicestershire"}
    assert any(hit.chunk.paragraph == "15" and hit.chunk.section == "Leicestershire’s Strengths" for hit in hits)


def run_cli(args, monkeypatch, capsys, stdin=None):
    if stdin is not None:
        raw = stdin if isinstance(stdin, bytes) else stdin.encode()
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    code = search_main(args)
    return code, capsys.readouterr()


def test_json_output_has_the_documented_schema(corpus_index, monkeypatch, capsys):
    code, out = run_cli(["How were we graded in 2024?", "--index", str(corpus_index.index), "-k", "3", "--json"], monkeypatch, capsys)
    assert code == 0
    result = json.loads(out.out)
    assert result["question"] == "How were we graded in 2024?"
    assert [p["rank"] for p in result["passages"]] == [1, 2, 3]
    for passage in result["passages"]:
        assert set(passage) >= {"rank", "score", "text", "document", "paragraph", "section", "part", "page", "start", "end"}
        assert set(passage["document"]) >= {"file", "title", "authority", "date", "type"}
        assert isinstance(passage["score"], float) and passage["end"] - passage["start"] == len(passage["text"])


def test_questions_from_standard_input_one_json_object_per_line(corpus_index, monkeypatch, capsys):
    code, out = run_cli(["--index", str(corpus_index.index), "--json", "-k", "2"], monkeypatch, capsys,
                        stdin="What about care leavers?\n\nWho should I contact?\n")
    lines = out.out.strip().splitlines()
    assert code == 0 and len(lines) == 2
    assert [json.loads(line)["question"] for line in lines] == ["What about care leavers?", "Who should I contact?"]


def test_a_line_of_standard_input_that_is_not_utf8_is_named_and_the_rest_answered(corpus_index, monkeypatch, capsys):
    code, out = run_cli(["--index", str(corpus_index.index), "--json", "-k", "2"], monkeypatch, capsys,
                        stdin=b"What about care leavers?\n\xff\xfe care\x1b leavers\nWho should I contact?\n")
    assert code == 1 and "line 2 of standard input is not UTF-8 text" in out.err and "Traceback" not in out.err
    assert [json.loads(line)["question"] for line in out.out.strip().splitlines()] == [
        "What about care leavers?", "Who should I contact?"]


def test_control_characters_in_a_question_are_spaces(corpus_searcher):
    assert corpus_searcher.ask("care\x00leavers\x1b and \udcffsupport").question == "care leavers and support"


def test_text_output_cites_each_passage(corpus_index, monkeypatch, capsys):
    code, out = run_cli(["care leavers", "--index", str(corpus_index.index), "-k", "2"], monkeypatch, capsys)
    assert code == 0 and "[1] " in out.out and "[2] " in out.out and ">>" in out.out


def test_missing_index_is_one_line_error(tmp_path, monkeypatch, capsys):
    code, out = run_cli(["anything", "--index", str(tmp_path / "none")], monkeypatch, capsys)
    assert code == 2 and out.err.count("\n") == 1 and "python -m ingest" in out.err


def test_a_report_whose_title_is_only_its_council_is_cited_by_its_kind(searcher):
    hits = searcher.search("Leicestershire early help offer in 2017", k=5)
    sif = next(hit for hit in hits if hit.document.file.endswith("sif-inspection.txt"))
    from search.render import citation

    line = citation(sif)
    assert line.startswith("Inspection (single inspection framework) · Leicestershire · inspected 14 November to 8 "
                           "December 2016, published 13 February 2017 · ")


def test_a_term_of_most_passages_searched_is_left_out_of_the_full_text_query(searcher):
    """A word in more than half of the filtered passages (as a grade is in every section heading of one report)
    carries no evidence there; the rarer topic words stay. Without a filter, a word in more than half of all the
    passages is left out (FTS5 weighs it at nothing, and reading it is most of a question's full-text time)."""
    index = searcher.index
    report = next(doc for doc in index.documents() if doc.file != COMMITTEE)
    allowed = index.chunk_ids([report.id])
    common, rare = "children", "missing"
    many, few = index.matching([common, rare], allowed)
    assert 2 * many > len(allowed) >= 2 * few > 0

    filtered = searcher._lexical_query("children missing", allowed)
    assert filtered == [rare]
    assert searcher._lexical_query("children", allowed) == []
    everywhere, somewhere = index.matching([common, rare])
    assert 2 * everywhere > len(index) >= 2 * somewhere > 0
    assert searcher._lexical_query("children missing", None) == [rare]
    assert searcher._lexical_query("children missing", frozenset(range(len(index)))) == [rare]
    kept = [i for i, _ in index.lexical([rare], 10)]
    assert kept and [i for i, _ in index.lexical([common, rare], 10)][:len(kept)] == kept  # the same ranking


def test_a_phrase_no_passage_holds_is_left_out_of_the_full_text_query_without_changing_the_ranking(searcher):
    """A word or glossary form of the topic that no passage searched holds scores nothing anywhere, yet FTS5 would
    read the postings of its words for every question: it is not searched, and the ranking is the same."""
    index = searcher.index
    absent, rare = "quokka", "missing"
    assert index.matching([absent, rare])[0] == 0 < index.matching([absent, rare])[1]
    report = next(doc for doc in index.documents() if doc.file != COMMITTEE)
    for allowed in (None, index.chunk_ids([report.id])):
        assert searcher._lexical_query("quokka missing", allowed) == [rare]
    assert index.lexical([absent, rare], 10) == index.lexical([rare], 10)


def test_a_citation_names_the_inspection_by_its_dates_and_a_publication_only_where_stated():
    from dataclasses import replace

    from ingest.metadata import Description
    from search.render import when_of

    # an ILACS report states no publication date: 2024-07-11 is only when its PDF was produced
    ilacs = Description("Inspection of Rutland", "Rutland", "ilacs_inspection", "2024-04-15", "2024-04-26", "2024-07-11",
                        None)
    assert when_of(ilacs) == "inspected 15 to 26 April 2024"
    sif = replace(ilacs, kind="sif_inspection", inspection_start="2016-11-14", inspection_end="2016-12-08",
                  published="2017-02-13", published_stated=True)
    assert when_of(sif) == "inspected 14 November to 8 December 2016, published 13 February 2017"
    visit = replace(ilacs, kind="focused_visit", inspection_start="2022-01-26", inspection_end="2022-01-27",
                    published="2022-03-02", published_stated=True)
    assert when_of(visit) == "visited 26 to 27 January 2022"
    paper = replace(ilacs, kind="committee_report", inspection_start=None, inspection_end=None, published="2024-09-03",
                    published_stated=True)
    assert when_of(paper) == "dated 3 September 2024"
    assert when_of(replace(paper, published_stated=False)) == ""


def test_a_question_that_might_ask_about_change_reads_the_closest_passage_of_a_later_report():
    """"... 2019 criticism resolved" may ask what the 2019 report found or whether it changed: when the 2019 report's
    passages fill the ones read, the later report's closest passage (in the order first ranked) takes the last place."""
    from types import SimpleNamespace

    from search.retrieve import PASSAGES_READ, _with_later

    def stored(year):
        return SimpleNamespace(document=SimpleNamespace(description=SimpleNamespace(years=lambda: {year})))

    chunks = {i: stored(2019) for i in range(10)} | {10: stored(2024), 11: stored(2024)}
    fused = [(11, 0.9), (10, 0.8), *((i, 0.5) for i in range(10))]
    ranked = [*((i, 1.0 - i / 100) for i in range(10)), (10, 0.3), (11, 0.2)]  # the tone asked for put 2019 first
    moved = _with_later(ranked, fused, chunks, 2019)
    assert [i for i, _ in moved[:PASSAGES_READ]] == [0, 1, 2, 3, 11]
    assert sorted(moved) == sorted(ranked)  # nothing lost
    assert _with_later(ranked, fused, chunks, 2024) == ranked  # no later report: as ranked


def test_a_question_naming_no_year_reads_the_closest_passage_of_the_councils_newest_report_in_reach():
    """"rutland strategy meetings delays": the 2017 report's passages filled the five read, and the 2024 report, which
    says what happens now, was twelfth; its closest passage takes the last place read."""
    from types import SimpleNamespace

    from search.retrieve import NEWEST_WITHIN, PASSAGES_READ, _with_newest

    def stored(held, council="Rutland"):
        return SimpleNamespace(document=SimpleNamespace(description=SimpleNamespace(held=held, authority=council)))

    chunks = {i: stored("2017-02-13") for i in range(8)} | {8: stored("2024-07-12"), 9: stored("2024-07-12"),
                                                             10: stored("2025-01-01", "Leicester")}
    fused = [(10, 1.0), *((i, 0.9 - i / 100) for i in range(6)), (9, 0.5), (8, 0.4), (6, 0.3), (7, 0.2)]
    ranked = [*((i, 1.0 - i / 100) for i in range(8)), (8, 0.3), (9, 0.2), (10, 0.1)]
    moved = _with_newest(ranked, fused, chunks)
    assert [i for i, _ in moved[:PASSAGES_READ]] == [0, 1, 2, 3, 9]  # not another council's newer report
    assert sorted(moved) == sorted(ranked)
    older = {20 + i: stored("2017-02-13") for i in range(NEWEST_WITHIN)}
    far = [*((i, 0.9) for i in older), (9, 0.1), (8, 0.05)]  # out of reach: as ranked
    assert _with_newest(ranked, far, chunks | older) == ranked


def test_relevance_feedback_reaches_passages_worded_like_those_found_first():
    import numpy as np

    from search.retrieve import relevance_feedback

    question, answer_wording, other = np.eye(4, dtype=np.float32)[:3]
    found = np.vstack([question + answer_wording, question + answer_wording]) / np.sqrt(2)
    moved = relevance_feedback(question, found, 0.3)
    assert np.isclose(np.linalg.norm(moved), 1.0)
    assert moved @ answer_wording > 0.15 > question @ answer_wording  # shares none of the question's words, now found
    assert moved @ question > moved @ answer_wording and moved @ other == 0  # still the question first, nothing else
    assert np.allclose(relevance_feedback(question, found, 0.0), question)


def test_the_dense_ranking_also_searches_with_the_question_moved_towards_what_it_found(searcher, monkeypatch):
    import numpy as np

    from search.retrieve import FEEDBACK_FROM, RELEVANCE_FEEDBACK, fuse, relevance_feedback

    searched = []
    original = searcher.index.search
    monkeypatch.setattr(searcher.index, "search", lambda vector, *rest: searched.append(vector) or original(vector, *rest))
    query, vectors = searcher.read("How are young people helped when they leave care?")
    searcher._rank(query.topic, vectors, None, "dense")
    assert len(searched) == 3  # the question, its topic, and the question moved towards the passages found first
    first = fuse([original(vector, 50) for vector in vectors])[:FEEDBACK_FROM]
    found = np.vstack([searcher.index.vector(i) for i, _ in first])
    assert np.allclose(searched[2], relevance_feedback(vectors[0], found, RELEVANCE_FEEDBACK), atol=1e-6)


def test_days_and_months_are_not_names_the_reports_must_mention():
    from search.parse import parse
    from search.retrieve import proper_names

    question = "Before Thursday's meeting, what rating did North Northamptonshire get for leadership in May 2026?"
    assert proper_names(parse(question)) == []
    assert proper_names(parse("What did Ofsted say about Oakwood Academy in Leicester?")) == ["Oakwood", "Academy"]


def test_a_passage_of_nothing_but_boilerplate_is_not_read_but_the_lines_about_the_inspection_are():
    """"Ofsted will take the findings from this focused visit into account ..." on its own was read and quoted, five
    times over, for "Which focused visits resulted in areas for priority action?"; a passage holding it and a finding,
    or a line about the inspection (a template's opening, what was looked at after it), is still read."""
    from types import SimpleNamespace

    from ingest.boilerplate import Boilerplate, wording
    from ingest.document import Chunk
    from ingest.sections import ABOUT, AREA
    from search.retrieve import Searcher

    template = "Ofsted will take the findings from this focused visit into account when planning your next inspection."
    looked = "Inspectors looked at the local authority's arrangements for children in need."
    finding = "Children in need are seen quickly."
    searcher = SimpleNamespace(boilerplate=Boilerplate(counted=frozenset({wording(template), wording(looked)})))

    def chunk(text: str, part: str) -> Chunk:
        spans = [(0, len(template))] if text == template else [(0, len(text))]
        if text.startswith(template + " "):
            spans = [(0, len(template)), (len(template) + 1, len(text))]
        return Chunk("a.txt", text, 0, len(text), None, "x", None, tuple(spans), None, part)

    assert Searcher._all_boilerplate(searcher, chunk(template, AREA))  # type: ignore[arg-type]
    assert not Searcher._all_boilerplate(searcher, chunk(f"{template} {finding}", AREA))  # type: ignore[arg-type]
    assert not Searcher._all_boilerplate(searcher, chunk(looked, ABOUT))  # type: ignore[arg-type]


def test_a_question_embeds_each_distinct_text_once(corpus_searcher, monkeypatch):
    """A question is embedded whole, as its topic and framed for the classifier; with no council, date or opening
    those are the same words, embedded once (the model is most of a question's time)."""
    embedded: list[list[str]] = []
    embed = corpus_searcher.embedder.embed
    monkeypatch.setattr(corpus_searcher.embedder, "embed", lambda texts, *rest: embedded.append(list(texts)) or embed(texts, *rest))
    plain, vectors = corpus_searcher.read("care leavers housing")
    assert len(embedded[-1]) == 1 and vectors.shape == (2, corpus_searcher.embedder.dimension)
    assert np.allclose(vectors[0], vectors[1])
    named, vectors = corpus_searcher.read("What did Ofsted say about care leavers in Leicestershire in 2017?")
    assert len(embedded[-1]) == 3 and not np.allclose(vectors[0], vectors[1])


def test_the_common_words_full_text_scores_are_kept_ahead_but_never_while_a_question_is_answered(corpus_index, embedder,
                                                                                                monkeypatch):
    """Once a server has answered its first question, the searcher has the index score its common words and glossary
    phrases ahead (so that later questions' full-text queries are summed in memory); that work waits while any
    question is being answered."""
    searcher = open_searcher(corpus_index, embedder)
    answering, release = threading.Event(), threading.Event()
    embed = searcher.embedder.embed

    def slow(texts):
        answering.set()
        release.wait(10)
        return embed(texts)

    monkeypatch.setattr(searcher.embedder, "embed", slow)
    asking = threading.Thread(target=searcher.ask, args=("What did Ofsted say about care leavers?",))
    asking.start()
    assert answering.wait(10)
    scoring = threading.Thread(target=searcher.keep_scores)
    scoring.start()
    scoring.join(0.5)
    assert scoring.is_alive() and not searcher.index._scores  # waiting for the question
    monkeypatch.setattr(searcher.embedder, "embed", embed)
    release.set()
    asking.join(10)
    scoring.join(10)
    assert not scoring.is_alive() and "care" in searcher.index._scores
    prepared = open_searcher(corpus_index, embedder)  # as a server loads: scored after its first question
    scoring = prepared.prepare()
    scoring.join(0.5)
    assert scoring.is_alive() and not prepared.index._scores
    prepared.ask("How is Leicestershire doing?")
    scoring.join(30)
    assert set(prepared.index._scores) >= set(searcher.index._scores)


def test_a_prepared_searcher_has_the_tones_ready_and_leaning_reads_from_the_median(corpus_index, embedder):
    searcher = open_searcher(corpus_index, embedder)
    assert searcher.tone._voices is None and searcher.tone._direction is None
    searcher.prepare()  # a first question asking what was criticised does not wait to embed voices or examples
    assert searcher.tone._voices is not None and searcher.tone._voices.shape == (2, embedder.dimension)
    assert searcher.tone._direction is not None and searcher.tone._direction.shape == (embedder.dimension,)
    from search.rerank import leaning

    for tones in (np.array([0.3, -0.1, 0.2], dtype=np.float32), np.array([0.4, 0.0, 0.1, 0.25], dtype=np.float32)):
        expected = np.clip((tones - np.median(tones)) / 0.075, -1, 1)
        assert np.array_equal(leaning(tones, 1, 0.075), expected) and np.array_equal(leaning(tones, -1, 0.075), -expected)


def test_a_passages_tone_across_councils_is_read_along_the_labelled_report_sentences(embedder, tmp_path):
    from search.tone import Tone

    tone = Tone(embedder, cache=tmp_path)
    approving, critical = embedder.embed([
        "Care leavers are very well supported by personal advisers who know them well, and most live in suitable homes.",
        "Too many care leavers live in unsuitable accommodation, and their pathway plans are poor and out of date."])
    assert tone.across(approving) > tone.across(critical)
    assert len(list(tmp_path.glob("tone-*.npy"))) == 1  # the labelled sentences' vectors, kept for the next start

    class Counting:  # the same model, counting what it is asked to embed
        name, dimension = embedder.name, embedder.dimension
        texts = 0

        def embed(self, texts: list[str]) -> np.ndarray:
            Counting.texts += len(texts)
            return embedder.embed(texts)

    again = Tone(Counting(), cache=tmp_path)  # type: ignore[arg-type]
    assert again.across(approving) == pytest.approx(tone.across(approving), abs=1e-6)
    assert Counting.texts == 0


@pytest.mark.parametrize(("text", "message"), [("neutral | Inspectors visited.", "line 2: expected 'critical | sentence'"),
                                               ("critical | Too slow.", "needs at least one 'critical' and one")])
def test_a_bad_tone_examples_file_names_itself_and_the_line(tmp_path, text, message):
    from search.tone import load

    path = tmp_path / "tone.txt"
    path.write_text(f"# examples\n{text}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        load(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(("question", "scores", "grades"), [
    # a change across councils read as a grade as likely as a likeliest reading must be: whose grades moved
    ("Which councils got better grades at their latest inspection than the one before?",
     {"across": 1.0, "change": 1.0, "grade": 0.24}, True),
    # the same reading of grade, asking neither change nor naming a grade: not grades
    ("Which councils have the best support for care leavers?", {"across": 1.0, "topic": 0.9, "grade": 0.24}, False),
    # a grade all but ruled out
    ("Which councils got better grades at their latest inspection than the one before?",
     {"across": 1.0, "change": 1.0, "grade": 0.1}, False),
])
def test_a_question_across_councils_asks_for_grades_when_its_reading_and_words_say_so(question, scores, grades):
    from search.parse import parse, with_asks
    from search.retrieve import grades_across

    assert grades_across(with_asks(parse(question), frozenset(ask for ask in scores if scores[ask] >= 0.4), scores)) \
        is grades
