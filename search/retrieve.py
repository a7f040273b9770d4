"""Answer a question: parse it, read what it asks, select its reports, rank their passages (dense and full-text
fused, then fitted to what is asked), quote the answer and decide whether the reports answer at all."""

from __future__ import annotations

import difflib
import re
import threading
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import takewhile
from pathlib import Path

import numpy as np

from ingest import authorities, words
from ingest.boilerplate import BOILERPLATE, Boilerplate, counted
from ingest.config import Settings
from ingest.document import Chunk
from ingest.embed import Embedder
from ingest.grades import area_of, stated_area, states_grade
from ingest.layout import printable
from ingest.metadata import KINDS
from ingest.sections import ABOUT, AREA, IMPROVE, SUMMARY
from ingest.sentences import sentence_spans
from ingest.store import DocumentRecord, IndexMismatch, StoredChunk, check_model
from ingest.stores import Reader, open_store
from search.answer import (
    GRADE_STATEMENT,
    NO_ANSWER_BELOW,
    PASSAGES_READ,
    Answer,
    Passage,
    Quote,
    asks_priority_actions,
    best_in_passage,
    by_then,
    compares_councils,
    compares_grades,
    counted_by_names,
    counts_grades,
    grades_first,
    headed_priority_action,
    how_it_did,
    lists_reasons,
    names_a_topic,
    on_the_topic,
    primary,
    quote,
    quoted_in_passage,
    quoted_spans,
    reads_newest,
    reasons_area,
    relevance,
    says_grade,
    scope_asked,
    score_sentences,
    several_years,
    states_record,
    topical_words,
)
from search.datafile import phrasing
from search.decide import Evidence, Verdict, decide, no_grade
from search.described import MIN_WORDS, Described
from search.glossary import Glossary, load
from search.grades import Areas, GradeRow, GradeTable, asked, covers, grade_rows, in_force, named_area, stated_grade
from search.intent import LIKELIEST, RULED_OUT, SURE, Intents, asking, framed, settled
from search.lexical import STOPWORDS, phrases, terms
from search.numbers import states_asked
from search.parse import (
    DAY_NAMES,
    INSPECTIONS,
    MONTH_NAMES,
    Query,
    about_practice,
    asks_grade_in_words,
    asks_which_looked_at,
    focus,
    named_grade,
    names_a_kind,
    names_a_later_inspection,
    number_asking,
    numerals,
    parse,
)
from search.rerank import NUDGE, first, nudge, says_changed, spread, toned
from search.select import EVERY_YEAR, Selection, Where, changing, maybe_changing, select
from search.spelling import Vocabulary, corrected
from search.tone import PASSAGE_FULL, SENTENCE_FULL, Tone

MODES = ("hybrid", "dense", "lexical")
# Candidates taken from each ranking before fusing: deep enough that a passage ranked
# modestly by both sides still reaches the top after fusion.
CANDIDATES = 50
# Passages put first because of their place in a report (the judgements, the improvement list, the headline findings,
# the lines about the inspection) for a question asking for that part.
STRUCTURAL = 3
# For a change on no particular topic counted from a year ("inadequate in 2015: did they turn it round?"), this many
# passages of later reports that say what changed since that year's inspection are put first (set, not fitted: the
# next report's headline is the one that says so).
RECALLING = 1
# The common words' full-text scores are read ahead (``Searcher.keep_scores``, 1.5-2 s of CPU on the national sample)
# after a server's first question, or after this many seconds with none: read as the page first loads, they slowed the
# first answer by about 0.3 s on two cores.
SCORE_AHEAD_AFTER = 5.0
# Passages closest to the question before re-ranking whose sentences also count for whether the reports answer.
PLAIN = 3
# Passages re-ranked by what the question asks (the rest keep their fused order).
RERANK_DEPTH = 60
# Filters up to this many passages have their full-text terms weighed within the filter (see _lexical_query).
INFORMATIVE_WITHIN = 5_000
# A topic of at most this many words (that some indexed report uses) is read as a term, which a council's reports
# either use or say nothing on (Searcher._unmentioned_by); a longer one as a description in the asker's words. Set,
# not fitted: the sector's terms run to three words ("private fostering arrangements", "return home interviews").
TERM_WORDS = 3
# A term the topic only describes (not names) is its subject for "not found" (Searcher._subjects) when the topic is at
# least this close to one of the term's descriptions: refusing asks surer reading than searching for it too
# (search/described.py NEAREST, 0.70). Set between what the development files showed: "how are young people who have
# left care doing" 0.84 and "is <c> good at finding foster carers" 0.85 describe their terms; "by how many social worker
# posts did <c> expand its workforce" is 0.73 from "recruitment and retention", which its report answers in other words.
SURE_SUBJECT = 0.8
# Pseudo-relevance feedback (Rocchio): the question's vector moved towards the mean of the passages found first, as a
# third dense ranking, so that passages worded like those that answer are found though they share little of the
# question's own wording. Chosen on the development files (dev.json, tests/rewordings.json, tests/questions.json):
# 0.3 gained a rewording's first sentence and a question's answer and lost nothing; 0.5 and 1.0 the same gains with a
# lower MRR on dev.json (0.851 -> 0.839, 0.830); the top 5 instead of 3 likewise (0.828).
RELEVANCE_FEEDBACK = 0.3
FEEDBACK_FROM = 3
# Reciprocal-rank fusion constant (Cormack et al. 2009); damps the weight of the very top ranks. Chosen on the
# development files (dev.json, tests/rewordings.json, tests/questions.json) over 10-100: from the paper's 60 to 40, the
# answer holding a gold phrase 0.983 -> 1.000, 0.897 -> 0.922 and 0.873 -> 0.891, MRR 0.848 -> 0.876, 0.785 -> 0.809 and
# 0.768 -> 0.800, one rewording's first sentence lost; 30-50 about as good, 20 and 100 worse. A smaller constant also
# makes the re-ranking's nudges (search/rerank.py, in these units) count for less against a clear lead.
RRF_K = 40
# How far the reports a question prefers (the newer, when it names no year; the later, for a change) are ranked up, in
# reciprocal-rank-fusion units: half a re-ranking nudge (chosen on tests/questions.json: first sentence holding a gold
# phrase 0.673 at a whole nudge, 0.691 at half and at none; half keeps the newest report first on the point).
PREFER = NUDGE / 2
# For a question about change, how far the later reports are ranked up: they say what changed, and only they are
# quoted (search/answer.py), so the earlier report's passages, which match the topic as well, come after them.
PREFER_LATER = 2 * NUDGE
# A word of the question no report uses is taken for a misspelling of one that a report uses when they are at least
# this alike (difflib ratio), or when it starts with a stem the reports use of at least TYPO_STEM letters.
TYPO_ALIKE = 0.8
TYPO_STEM = 5
# For a question on one council's topic naming no year, the newest of its reports with a passage this high in the
# fused ranking has its closest passage read (and its best sentence quoted after the others, search/answer.py).
# Chosen on the development files: at 10 a terse rewording's answer gained and nothing was lost; at 20 and 60 a
# tests/questions.json answer was lost to a newer report's passage off the point ("agencies" for "agency staff").
NEWEST_WITHIN = 10
# The part of a report each reading of a question is answered from.
PARTS = {"improve": (IMPROVE,), "facts": (ABOUT,), "summary": (SUMMARY,), "reasons": (SUMMARY,)}


@dataclass(frozen=True)
class Hit:
    """One retrieved passage: where it is from, how well it matched, and its best sentence."""

    rank: int
    score: float
    id: int
    chunk: Chunk
    document: DocumentRecord
    highlight: tuple[int, int] | None = None  # best sentence, as offsets into chunk.text
    similarity: float = 0.0  # cosine between question and passage
    quoted: tuple[tuple[int, int], ...] = ()  # every sentence the answer quotes of it, as offsets, in the text's order


@dataclass(frozen=True)
class Result:
    """Everything one question produced: how it was read, the reports chosen, the passages, the quoted answer and
    whether the reports answer."""

    question: str
    query: Query
    selection: Selection
    hits: tuple[Hit, ...]
    answer: Answer
    grades: tuple[GradeRow, ...] = ()  # for a question about grades, the table that answers it
    verdict: Verdict = Verdict(True, (), "")
    notes: tuple[str, ...] = ()  # what the reader should be told: how the reports were chosen, why not found

    @property
    def labels(self) -> tuple[str, ...]:
        """Chips naming what the search kept to ("Rutland", "since 2015", "latest inspection")."""
        return self.selection.labels


class Searcher:
    """A loaded index, its embedding model, the glossary and the reading of questions, answering many questions
    without reloading. Thread-safe: what it computes once (boilerplate, the classifier) is computed under locks."""

    def __init__(self, index: Reader, embedder: Embedder, glossary: Glossary | None = None,
                 no_answer_below: float = NO_ANSWER_BELOW, intents: Intents | None = None,
                 boilerplate: Boilerplate | None = None, vocabulary: Vocabulary | None = None,
                 described: Described | None = None, tone: Tone | None = None) -> None:
        self.index = index
        self.no_answer_below = no_answer_below
        self.embedder = embedder
        self.glossary = glossary if glossary is not None else load()
        self.tone = tone if tone is not None else Tone(embedder)
        self.areas = Areas(embedder.embed)
        self.described = described if described is not None else Described(embedder)
        self.intents = intents if intents is not None else Intents(embedder)
        self.boilerplate = boilerplate if boilerplate is not None else Boilerplate(index.sentences)
        self.vocabulary = vocabulary if vocabulary is not None else \
            Vocabulary(lambda: (sentence for _, sentence in index.sentences()), asking=lambda: self.intents.vocabulary)
        self._headlines: dict[int, frozenset[int]] = {}  # each report's headline passages (``_headline``)
        self._priority: frozenset[int] | None = None  # the passages under areas for priority action (``_priority_actions``)
        self._priority_lock = threading.Lock()
        self._asking = 0  # questions being answered now: work done ahead waits for none to be (``_idle``)
        self._asking_lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._answered = threading.Event()  # set once a first question is answered

    def prepare(self) -> threading.Thread:
        """Do now what the first questions would otherwise wait for: fit the reading of questions, and read ahead
        what the index reads slowest the first time (the database's commonest words); the reports' boilerplate and
        word counts are read meanwhile in the background, and, after the first question, the commonest words'
        full-text scores (the thread doing so is returned)."""
        self.boilerplate.begin()
        self.vocabulary.begin()
        self.intents.prepare()
        self.described.prepare()
        self.tone.prepare()
        self.index.warm()
        scoring = threading.Thread(target=self._keep_scores_soon, name="full-text scores", daemon=True)
        scoring.start()
        return scoring

    def _keep_scores_soon(self) -> None:
        """``keep_scores`` once a first question is answered or SCORE_AHEAD_AFTER seconds have passed, whichever is
        sooner: a server's first visitor does not share the CPU with it."""
        self._answered.wait(SCORE_AHEAD_AFTER)
        self.keep_scores()

    def keep_scores(self) -> int:
        """Have the index score ahead what a first question would otherwise have FTS5 read in full: the glossary's
        common phrases, then the reports' common words, commonest first (only what a question's full-text query can
        hold: no stopword, nor a phrase in more than half the passages, ``_lexical_query``); how many it scored."""
        glossary = [" ".join(phrase) for group in self.glossary.groups for phrase in group]
        phrases = [*glossary, *terms(" ".join(self.vocabulary.used_in(1)))]
        return self.index.keep_scores(phrases, len(self.index) // 2, between=self._idle.wait)

    def read(self, question: str) -> tuple[Query, np.ndarray]:
        """The question parsed, with what it asks for read from examples, and its vectors for the search: the whole
        question's and its topic's (without councils, dates or an opening such as "What did Ofsted say about")."""
        query, vectors = self._read(question)
        return query, vectors[:2]

    def _read(self, question: str) -> tuple[Query, np.ndarray]:
        """``read``, with a third vector: the question's framed form's (councils and years as placeholders, as the
        examples are read)."""
        text = numerals(" ".join(question.split()))
        query = parse(text, self.index.mentions)
        text, corrections = corrected(text, self.vocabulary, self._as_written(query))
        if corrections:  # "notts private fostring": read as "fostering", and said on the page
            query = replace(parse(text, self.index.mentions), corrections=corrections)
        spelled = self.glossary.spelled_out  # the model knows few of the sector's abbreviations
        texts = [spelled(focus(text)), spelled(query.topic), framed(text)]
        unique = list(dict.fromkeys(texts))  # a question with no council, date or opening: its topic is itself
        embedded = self.embedder.embed(unique)
        vectors = embedded[[unique.index(item) for item in texts]]
        query = settled(self.intents.read(query, vectors[2]))
        # a word of a practice is the topic's, not how the question asks: "need" of "children in need" ("needs")
        practice = {word for phrase in self._practices(query.text, query.asking_cues) for word in phrase.split()}
        query = replace(query, asking_cues=query.asking_cues - practice)
        if query.compared:  # "care leavers: Hull vs Rotherham", read as a topic: each council on the point
            query = replace(query, asks=query.asks | {"across"})
        if query.wants("topic") or query.wants("across"):  # "help to make sense of their past": "life-story work"
            nearest = self.described.nearest(vectors[1])
            query = replace(query, nearest_term=nearest, described=self.described.described_by(
                query.topic, nearest, query.asking_cues | number_asking(query.text)))
        if grades_across(query):
            query = replace(query, asks=query.asks | {"grade"})
        # "what mark did it get for how it keeps children safe": an area in other words, or by an abbreviation the
        # glossary spells out ("cic judgement": children in care); one named in words asked() reads itself
        if query.wants("grade") and not named_area(query.text):
            query = replace(query, described_area=named_area(spelled(query.text))
                            or self.areas.described(query.text, vectors[1], query.topic))
        # "early help - which authorities are good", read as a grade across councils, names a practice but no judged
        # area (in words or described): which councils do it well, not which got the grade overall; nor, read as a
        # grade only unsurely, one whose practice in the glossary's words reads as describing an area ("which councils
        # had inadequate ways of safeguarding children in private fostering?": help and protection described, but the
        # grade word is the practice's)
        if query.wants("across") and query.wants("grade") and names_a_topic(query) and not named_area(query.text) \
                and (not query.described_area or (query.score("grade") < SURE and self._names_a_practice(query))):
            query = replace(query, asks=query.asks - {"grade"})
        # "what does Wiltshire need to improve for care leavers?", read as asking for the improvement list alone,
        # "have things got better for Kent's care leavers since the 2013 inspection?", read as asking whether anything
        # changed, or "in the latest Windsor and Maidenhead inspection, how were things looking for care leavers?", read
        # as asking what it found, names a practice in the sector's words (the glossary): the list's item on it, or
        # what the report says of it; the change on it; what it found on it, not its headline
        changed = query.wants("change") and not query.wants("grade")
        if (query.wants("improve") or changed or query.wants("summary")) and not query.wants("topic") \
                and self._names_a_practice(query):
            query = replace(query, asks=query.asks | {"topic"})
        return query, vectors

    def _names_a_practice(self, query: Query) -> bool:
        """True when the words of what ``query`` is about hold a phrase of the glossary naming a practice (see
        ``_practices``: "care leavers")."""
        return bool(self._practices(query.about(), query.asking_cues))

    def _practices(self, text: str, cues: frozenset[str]) -> list[str]:
        """The glossary's phrases in ``text`` naming a practice: whose group names no kind of report ("ILACS"), no
        grade ("RI") and no way of asking (a phrase of nothing but stopwords and the words questions ask with: "areas
        for improvement", "need to improve"), holding a word that is neither a stopword nor one of the ``cues`` this
        question asks with ("children in need")."""
        asking_words = self.intents.cues()

        def other_than_practice(words: Sequence[str]) -> bool:
            joined = " ".join(words)
            return names_a_kind(joined) or bool(named_grade(joined)) or _names_the_whole_service(words) \
                or all(word in STOPWORDS for word in words if not asking([word], asking_words))

        return [phrase for phrase, others in self.glossary.alternatives(text)
                if not any(other_than_practice(words) for words in (phrase.split(), *others))
                and any(word not in STOPWORDS and word not in cues for word in phrase.split())]

    def _as_written(self, query: Query) -> Callable[[str], bool]:
        """Which words of a question are kept as written, not read as a report word they resemble: those naming
        councils ("leics", "rotheram"), the glossary's, those naming what the reports cannot answer ("HMIP", of
        search/data/scope.txt, read as "HMI"), the words the example questions ask with ("sorted"), in a
        question written with capitals, capitalised words after its first (names: "Thursday"), and the words the
        full-text index knows in some form ("childrens"; also a slip that keeps a word's stem, "improvment", which the
        full-text search finds anyway)."""
        councils = {word.lower() for council in query.councils for word in re.findall(r"[A-Za-z]+", council.written)}
        capitals = query.text[:1].isupper() and any(character.islower() for character in query.text)
        opening = re.match(r"\W*([A-Za-z]+)", query.text)

        def keep(word: str) -> bool:
            lower = word.lower()
            return lower in STOPWORDS or lower in councils or lower in self.intents.vocabulary \
                or (capitals and word[0].isupper() and not (opening and word == opening.group(1))) \
                or bool(self.glossary.expand(lower)) or any(lower == item.phrase.lower() for item in query.out_of_scope) \
                or self.index.mentions(lower)

        return keep

    def ask(self, question: str, k: int = 5, filters: bool = True, mode: str = "hybrid", where: Where | None = None,
            within: Sequence[int] | None = None) -> Result:
        """Passages, quoted answer and decision for ``question``, within any ``where`` filters the reader set.
        ``filters`` False searches every report whatever the question names (the reader's choice); ``within``
        keeps to these documents and reads the question as a plain topic (the compare page). Work done ahead in the
        background (``keep_scores``) waits while it is answered."""
        with self._asking_lock:
            self._asking += 1
            self._idle.clear()
        try:
            return self._ask(question, k, filters, mode, where, within)
        finally:
            with self._asking_lock:
                self._asking -= 1
                if not self._asking:
                    self._idle.set()
            self._answered.set()

    def _ask(self, question: str, k: int, filters: bool, mode: str, where: Where | None,
             within: Sequence[int] | None) -> Result:
        question = " ".join(printable(question).split())
        query, vectors = self._read(question) if question else (parse(""), np.zeros((2, self.embedder.dimension)))
        if within is not None:
            query = replace(query, asks=frozenset({"topic"}), scores=())
        selection = select(query, self.index.documents(), where, from_question=filters and within is None)
        if query.nearest_term and not query.described and self._said_otherwise(query, selection.councils):
            query = replace(query, described=query.nearest_term)
        if within is not None:
            selection = replace(selection, documents=tuple(within), preferred=())
        if not question or k <= 0:
            return Result(question, query, selection, (), Answer((), 0.0, True))
        result = self._answer(question, query, vectors, selection, k, mode)
        if _latest_only(query, selection, filters and within is None):
            # "what did they say about care leavers last time", where the latest report (a visit on another
            # subject) does not answer, or answers far less closely than an earlier one: the report before it, if
            # that answers on the point, else the council's other reports, saying so
            others = self._answer_from(question, replace(query, recency=None), vectors, where, k, mode)
            if others is None or not others[0].verdict.answered:
                return result
            # a term the latest report never uses, which the council's others do, is not answered there however
            # closely its other sentences read
            silent = bool(self._unmentioned_in(query, selection.documents or ())) \
                and not self._unmentioned_by(query, selection.councils)
            if not (silent or _closer(result, others[0])):
                return result  # the latest answers about as closely as any other report (the one before it among them)
            before = self._answer_from(question, replace(query, recency="previous"), vectors, where, k, mode)
            if before is not None and before[0].verdict.answered and not self._unmentioned_in(query, before[1]) \
                    and (_closer(result, before[0]) or _closer(result, others[0])):
                return replace(before[0], notes=(_not_in_latest(selection, self.index, "previous"), *before[0].notes))
            return replace(others[0], notes=(_not_in_latest(selection, self.index), *others[0].notes))
        return result

    def _answer_from(self, question: str, query: Query, vectors: np.ndarray, where: Where | None, k: int,
                     mode: str) -> tuple[Result, tuple[int, ...]] | None:
        """``_answer`` within the documents ``query`` selects (from what the question names), with them; None when
        it selects none."""
        chosen = select(query, self.index.documents(), where, from_question=True)
        if not chosen.documents:
            return None
        return self._answer(question, query, vectors, chosen, k, mode), tuple(chosen.documents)

    def _answer(self, question: str, query: Query, vectors: np.ndarray, selection: Selection, k: int,
                mode: str) -> Result:
        """Passages, quoted answer and decision for ``query`` within ``selection``; ``vectors``: the question's, its
        topic's and (if given) its framed form's, with councils and years as placeholders."""
        framed_vector, vectors = vectors[2:], vectors[:2]
        vector = vectors[0]
        allowed = None if selection.documents is None else self.index.chunk_ids(selection.documents)
        # a date no report is from is one a report's text may name ("As recently as 17 December 2014, ..."): its words
        # are searched for with the topic's
        words = " ".join([query.searched(), *query.date_spans]) if "dates" in selection.set_aside else query.searched()
        ranked = self._rank(words, vectors, allowed, mode)
        plain = ranked[:PLAIN]  # the closest passages before a report's parts are put first: for "not found"
        table = grade_rows(self.index, query, selection)
        shaped = query  # what the answer is shaped for: the passages read and the sentences quoted
        if table.ungraded:  # an area the inspection does not grade: what it says on it answers, the grades below
            shaped = replace(query, asks=(query.asks - {"grade"}) | {"topic"})
        findings = _findings_for_how_it_did(query, selection, table)
        if findings:  # "how did Wakefield get on last time?", its reports here all visits: what they found
            shaped = replace(query, asks=(query.asks - {"grade"}) | {"summary"})
        if mode == "hybrid":
            ranked = self._fit(ranked, shaped, selection, vectors, allowed, table.rows, k)
        found = self._hits(ranked[:k], vector)
        aside = self._secondary_summaries(found[:PASSAGES_READ])
        passages = [Passage(hit.rank, hit.chunk, hit.document, selection.preference(hit.document.id),
                            self.index.vector(hit.id), hit.id in aside) for hit in found[:PASSAGES_READ]]
        stored = self.index.sentence_vectors(hit.id for hit in found[:PASSAGES_READ])
        by_rank = {hit.rank: stored[hit.id] for hit in found[:PASSAGES_READ] if hit.id in stored}
        wanted = tone_wanted(shaped)
        topic = query.searched()
        meanings = self.described.meanings(topic)
        synonyms = self.glossary.alternatives(topic)  # for the score, and for which improvement item is on the topic
        sentences = score_sentences(topic, vectors, passages, self.embedder, grades_first(shaped), by_rank,
                                    query.quantity, self.tone.voiced, wanted,
                                    self.glossary.full_forms_of_wordless(topic), synonyms,
                                    query.timing, self.vocabulary.rarity, topical_words(shaped),
                                    meanings, self._scoring_rows(shaped, vectors, framed_vector), query.span,
                                    query.money)
        ranks = {hit.id: hit.rank for hit in found}
        statements = [(ranks[row.passage], row.quote) for row in table.rows
                      if row.passage in ranks and row.quote and not table.ungraded]
        quotes = quote(shaped, sentences, passages, self.boilerplate, statements, synonyms)
        hits = tuple(replace(hit, highlight=quoted_in_passage(quotes, hit.rank, hit.chunk.text)
                             or best_in_passage(sentences, hit.rank) or hit.highlight,
                             quoted=quoted_spans(quotes, hit.rank, hit.chunk.text)) for hit in found)
        best = max(relevance(sentences), self._relevance(query, vectors, meanings, [i for i, _ in plain if i not in ranks]))
        recalled = _recalled(query, selection, table, quotes, found)
        evidence = self._evidence(shaped if findings else query, selection, best, quotes, hits, table, vectors[1],
                                  bool(recalled))
        verdict = decide(query, selection, evidence, self.no_answer_below)
        answer = Answer(quotes, best, not verdict.answered)
        read_as = tuple(f"Read “{item.written}” as “{item.read_as}”." for item in query.corrections)
        # the term searched for too is said, as a misspelling read otherwise is: the reader sees why a quote uses it
        described = (f"Also searched for “{query.described}”, the reports' term for what the question describes.",) \
            if query.described else ()
        unquoted = _unquoted(selection.councils, quotes, hits) if verdict.answered else ()
        recalled = recalled if verdict.answered else ()
        # not found because no report is from the years asked: not "searching every year" beside it
        dated = not verdict.answered and bool(evidence.unreported_since or evidence.unreported_years)
        chosen = tuple(note for note in selection.notes if not (dated and note.endswith(EVERY_YEAR)))
        notes = (*read_as, *described, *chosen, *table.notes, *findings, *recalled, *verdict.reasons, *unquoted)
        # A grade table beside "not found" would answer a question the reports do not (a children's home's rating).
        return Result(question, query, selection, hits, answer, table.rows if verdict.answered else (), verdict,
                      tuple(dict.fromkeys(notes)))

    def _scoring_rows(self, query: Query, vectors: np.ndarray, framed: np.ndarray | None) -> np.ndarray | None:
        """The rows a sentence's score is close to (``_scored_by``; None: the question's and its topic's), and, for a
        question describing a term in everyday words ("helped to understand their family history": "life-story
        work"), what the term means, as its descriptions say: the sentence on the point uses the report's term, not
        the question's words (the relevance counts that meaning already)."""
        scored = _scored_by(query, vectors, framed)
        meaning = self.described.meanings(query.described) if query.described else None
        if meaning is None or self.described.only_terms(query.topic):  # naming a term, it asks about that one
            return scored
        return np.vstack([vectors if scored is None else scored, meaning])

    def _relevance(self, query: Query, vector: np.ndarray, meanings: np.ndarray | None, ids: Sequence[int]) -> float:
        """How relevant the best sentence of these passages is to the question (and the ``meanings`` of its terms)."""
        stored = self.index.chunks(ids)
        passages = [Passage(PASSAGES_READ + n, item.chunk, item.document, vector=self.index.vector(item.id))
                    for n, item in enumerate(stored, start=1)]
        vectors = self.index.sentence_vectors(item.id for item in stored)
        by_rank = {passage.rank: vectors[item.id] for passage, item in zip(passages, stored) if item.id in vectors}
        return relevance(score_sentences(query.searched(), vector, passages, self.embedder, stored=by_rank,
                                         meanings=meanings))

    def _evidence(self, query: Query, selection: Selection, best: float, quotes: Sequence, hits: Sequence[Hit],
                  table: GradeTable, topic: np.ndarray, recalled: bool = False) -> Evidence:
        """What bears on whether the reports answer: relevance, the part asked for, unknown words, stated numbers;
        ``topic`` is the topic's vector; ``recalled``: a quote states the grade asked though no report chosen gives
        one (``_recalled``)."""
        unknown = [name for name in proper_names(query) if not self.index.mentions(name)
                   and not any(self.index.mentions(phrase) for phrase in self.glossary.expand(name))]  # "CiC"
        if not _asks_a_part_only(query):  # else its words are how it asks ("... told to improve? They seemed to do
            # brilliantly."), not what about
            unknown += [word for word in self._unmentioned(query) if word not in unknown]
        absent = () if unknown else self._unmentioned_by(query, selection.councils)
        unsaid = () if unknown or absent else self._subject_unmentioned_by(query, selection.councils, topic)
        mentioned = frozenset(item.phrase for item in query.out_of_scope if self.index.mentions(item.phrase))
        spans = query.span
        # a number of grades asked ("how many areas were judged good?"): the grades quoted are what is counted
        grades = counts_grades(query.text)
        counted = any(states_asked(item.text, spans, query.money)
                      or (not query.money and counted_by_names(query.text, item.text))
                      or (grades and states_grade(item.text)) for item in quotes)
        return Evidence(best, self._structural(query, selection, hits, table, recalled), tuple(unknown), mentioned, counted,
                        table.none_match or _no_priority_actions(query, quotes),
                        () if recalled else _ungraded(query, selection, table), absent, unsaid,
                        _unreported_years(query, selection, quotes, self._in_force(query, selection, quotes, hits)),
                        _unreported_since(query, selection, self.index.documents))

    def _in_force(self, query: Query, selection: Selection, quotes: Sequence[Quote], hits: Sequence[Hit]) -> frozenset[int]:
        """The years a question names in which the grade of a report it quotes was in force: that report is the last
        inspection of the councils named before the year ("What was Norfolk's rating in 2019?", its 2017 inspection
        quoted); asked only when the years were set aside for the councils named (``_unreported_years``)."""
        if "dates" not in selection.set_aside or not selection.councils or not query.dates.years:
            return frozenset()
        documents = {hit.rank: hit.document.id for hit in hits}
        quoted = {documents[rank] for quote in quotes for rank in quote.passages if rank in documents}
        inspections = [doc for doc in _of_councils(selection, self.index.documents) if doc.description.kind in INSPECTIONS]
        return frozenset(year for year in query.dates.years if in_force(inspections, year) in quoted)

    @staticmethod
    def _structural(query: Query, selection: Selection, hits: Sequence[Hit], table: GradeTable,
                    recalled: bool = False) -> bool:
        """True when the question asks for a named council's grades, improvement list, headline findings or
        inspection facts, and the top passages hold that part of its report (a grade: the table has its rows, or a
        quote ``recalled`` it); or asks which councils got a grade, and the grade table has rows that meet the
        condition."""
        if query.wants("grade") and query.wants("across") and table.rows and selection.documents != ():
            return True
        if not selection.councils or selection.documents == ():
            return False
        if query.wants("grade") and (table.rows or recalled):
            return True
        if primary(query) == "topic" and names_a_topic(query):  # "what did Ofsted say about <topic> in <council>":
            return False  # the topic is what is asked, however surely the headline findings are there
        return bool(set(asked_parts(query)) & {hit.chunk.part for hit in hits[:PASSAGES_READ]})

    def _unmentioned(self, query: Query) -> list[str]:
        """The topic's words that no indexed report uses, nor a word they are a misspelling of, nor any glossary
        phrase for them, when they are at least half of its words: the question is then mostly about something the
        reports never mention ("school dinners"). Words of the example questions that no report uses are how people
        ask ("verdict", "sorted", "worse"), not topic; one unknown word among several is only the asker's phrasing."""
        words = [word for word in terms(query.topic) if not word.isdigit()]
        known = {word: self._known(word) for word in words}
        words = [word for word in words if known[word] or word not in self.intents.vocabulary]
        absent = [word for word in words if not known[word]
                  and not any(self.index.mentions(phrase) for phrase in self.glossary.expand(word))]
        return absent if words and 2 * len(absent) >= len(words) else []

    def _unmentioned_by(self, query: Query, councils: Sequence[str]) -> tuple[str, ...]:
        """For a question about a topic in named councils, the topic a term (TERM_WORDS words at most): the words
        that other indexed reports use but none on those councils does (nor any glossary phrase for them, nor the term
        the topic describes), when they are at least half of its words. Their reports then say nothing on it ("care
        leavers" asked of a council whose only report is a focused visit on its front door), however closely a sentence
        naming the council reads to the question. A longer topic describes its subject, in words a report may not use
        ("how they deal with allegations against people who work with kids": "a designated officer service")."""
        if not councils or primary(query) != "topic" or query.wants("across"):
            return ()
        return self._unmentioned_in(query, self._reports_on(councils))

    def _subject_unmentioned_by(self, query: Query, councils: Sequence[str], topic: np.ndarray) -> tuple[str, ...]:
        """For a question about a topic in named councils, the practice terms its topic is about (``_subjects``) when
        none of their reports uses any form of them while other indexed reports do. A topic of more words than a term
        (``_unmentioned_by``) still has a subject: a council whose reports never mention it (its only report a focused
        visit on its front door) is not answered with whatever reads closest."""
        if not councils or primary(query) != "topic" or query.wants("across"):
            return ()
        subjects = self._subjects(query, topic)
        allowed = self.index.chunk_ids(self._reports_on(councils))
        if not subjects or any(self._mentions(term, forms, allowed) for term, forms in subjects.items()):
            return ()
        said = [term for term, forms in subjects.items() if any(self.index.matching(forms))]
        return tuple(said) if len(said) == len(subjects) else ()

    def _mentions(self, term: str, forms: Sequence[str], allowed: frozenset[int]) -> bool:
        """True when the ``allowed`` passages use any of a term's ``forms``, or the rarest word of the term itself: a
        report may put a term of several words otherwise ("the retention of experienced social workers" is on
        "recruitment and retention", "placement stability" perhaps on "workforce stability"), and only a term none of
        whose words it uses is surely not its subject."""
        words = [word for word in terms(term) if len(word) > 3]
        if len(words) > 1:  # the word of the term fewest passages use
            forms = [*forms, min(zip(self.index.matching(words), words))[1]]
        return any(self.index.matching(forms, allowed))

    def _subjects(self, query: Query, topic: np.ndarray) -> dict[str, list[str]]:
        """The practice terms (those search/data/described.txt describes) the topic is about, each with its glossary
        forms: those it names in any form ("support for young people leaving care": "care leavers"), else the one it
        clearly describes ("how are young people who have left care doing"), when it is not too short to describe one.
        Not "young people" or "children's social care": every report is about them in some words."""
        named = self._named_terms(query)
        subjects = self._as_terms(named)
        if not subjects and (term := query.described or query.nearest_term) and len(terms(query.topic)) >= MIN_WORDS \
                and self.described.closeness(term, topic) >= SURE_SUBJECT:
            subjects = self._as_terms([(term, [])])
        return subjects

    def _as_terms(self, named: Sequence[tuple[str, list[str]]]) -> dict[str, list[str]]:
        """Of phrases with their glossary alternatives (none given: looked up), those of a described term, by term."""
        subjects: dict[str, list[str]] = {}
        for phrase, others in named:
            forms = [phrase, *(others or [" ".join(other) for _, alternatives in self.glossary.alternatives(phrase)
                                          for other in alternatives])]
            term = next((form for form in forms if self.described.is_term(form)), None)
            if term is not None:
                subjects.setdefault(term, forms)
        return subjects

    def _reports_on(self, councils: Sequence[str]) -> list[int]:
        """The indexed documents on any of ``councils``."""
        return [doc.id for doc in self.index.documents() if doc.description.authority in councils]

    def _unmentioned_in(self, query: Query, documents: Sequence[int]) -> tuple[str, ...]:
        """The words of the question's topic, a term, that none of ``documents`` uses (see _unmentioned_by), when
        they are at least half of its words; nothing when the topic is no term or the documents use it."""
        if not documents:
            return ()
        allowed = self.index.chunk_ids(documents)
        # a word half the passages use ("children") names no subject: every report uses it, whatever it is on;
        # nor do the words by which it asks ("figures", "how many"; "since", "sorted")
        asking = query.asking_cues | number_asking(query.text)
        words = [word for word in terms(query.topic) if not word.isdigit() and word not in asking and self.index.mentions(word)]
        words = [word for word, held in zip(words, self.index.matching(words)) if 2 * held < len(self.index)]
        if not words or len(words) > TERM_WORDS or (query.described and self.index.matching([query.described], allowed)[0]):
            return ()
        held = dict(zip(words, self.index.matching(words, allowed)))
        # the words of a glossary phrase the documents put another way ("looked-after children": "children in care")
        held.update((word, 1) for phrase, others in self.glossary.alternatives(query.topic)
                    if any(self.index.matching([" ".join(other) for other in others], allowed))
                    for word in phrase.split())
        absent = tuple(word for word in words if not held[word]
                       and not any(self.index.matching(self.glossary.expand(word), allowed)))
        absent = tuple(word for word in absent if word not in self._put_otherwise(query, absent, allowed))
        named = self._named_terms(query) if absent and len(absent) < len(words) else []
        if named and self._names_a_subject_used(named, allowed) and not self._of_an_unused_term(named, absent, allowed):
            return ()  # "how is neglect handled": the documents speak of its subject, in words of their own
        return absent if 2 * len(absent) >= len(words) else ()

    def _named_terms(self, query: Query) -> list[tuple[str, list[str]]]:
        """The phrases of practice terms the topic names, each with its glossary alternatives: its glossary phrases,
        and the words of terms search/data/described.txt describes that it uses (no alternatives given)."""
        named = [(phrase, [" ".join(other) for other in others]) for phrase, others in self.glossary.alternatives(query.topic)]
        return named + [(" ".join(used), []) for used in self.described.used(query.topic)]

    def _of_an_unused_term(self, named: Sequence[tuple[str, list[str]]], words: Sequence[str],
                           allowed: frozenset[int]) -> bool:
        """True when any of ``words`` is of a practice term the topic names (``named``: a glossary phrase, a term
        search/data/described.txt describes, or the word itself such a term) that the ``allowed`` passages never use
        in any form: a second subject ("neglect and radicalisation" of a council whose reports never mention
        radicalisation), not a way of asking."""
        terms_named = [*named, *((word, []) for word in words if self.described.is_term(word))]
        return any(set(words) & set(phrase.lower().split())
                   and not self._mentions(phrase, forms or self.glossary.expand(phrase), allowed)
                   for phrase, forms in terms_named)

    def _names_a_subject_used(self, named: Sequence[tuple[str, list[str]]], allowed: frozenset[int]) -> bool:
        """True when the topic names a practice term (``named``; search/data/described.txt, in any glossary form) that
        the ``allowed`` passages use: its other words are how the question puts it ("handled"), not another subject."""
        return any(self._mentions(term, forms, allowed) for term, forms in self._as_terms(named).items())

    def _put_otherwise(self, query: Query, words: Sequence[str], allowed: frozenset[int]) -> frozenset[str]:
        """Of ``words``, which the ``allowed`` passages never use, the everyday ones (of no term the topic uses) that
        the descriptions of the term the topic means use, when the passages use that term or the glossary's words for
        it ("listen to children": "voice of the child", "wishes and feelings")."""
        term = query.nearest_term
        if not words or not term or not any(self.index.matching([term, *self.glossary.expand(term)], allowed)):
            return frozenset()
        of_terms = {word for phrase, _ in self.glossary.alternatives(query.topic) for word in phrase.split()}
        of_terms.update(word for used in self.described.used(query.topic) for word in used)
        return frozenset(word for word in words if word not in of_terms and self.described.says(term, word))

    def _said_otherwise(self, query: Query, councils: Sequence[str]) -> bool:
        """True when the topic, too short to be searched for as the term it means, uses a word the named councils'
        reports never use and that they put in that term's words (``_put_otherwise``): the term is searched for too
        ("does Lambeth listen to children")."""
        absent = self._unmentioned_by(replace(query, nearest_term=None), councils)
        return bool(absent) and bool(self._put_otherwise(query, absent, self.index.chunk_ids(self._reports_on(councils))))

    def _known(self, word: str) -> bool:
        """True when the reports use ``word``, or a word it is plainly a misspelling of ("exploitaton")."""
        word = word.lower()
        if self.index.mentions(word):
            return True
        if len(word) < 4:
            return False
        stems = [term for term in self.index.terms() if term[:1] == word[:1]]
        if any(len(stem) >= TYPO_STEM and word.startswith(stem) for stem in stems):
            return True
        return bool(difflib.get_close_matches(word, stems, n=1, cutoff=TYPO_ALIKE))

    def _fit(self, ranked: list[tuple[int, float]], query: Query, selection: Selection, vectors: np.ndarray,
             allowed: frozenset[int] | None, table: Sequence[GradeRow], k: int) -> list[tuple[int, float]]:
        """The fused ranking fitted to what the question asks: the reports it prefers nudged up, the part of a report
        it asks for first (search/rerank.py), one passage per report across councils, a later report's passage among
        those read when the question might ask about change."""
        vector, topic = vectors  # the question's and its topic's
        chunks = {item.id: item for item in self.index.chunks(i for i, _ in ranked[:RERANK_DEPTH])}
        # a passage of nothing but what every report of its kind says ("Ofsted will take the findings from this
        # focused visit into account ...") answers nothing: out of what is read (the lines about the inspection stay:
        # their openings are a template, their ends say what was looked at)
        ranked = [item for item in ranked if item[0] not in chunks or not self._all_boilerplate(chunks[item[0]].chunk)]
        fused = ranked
        if selection.preferred:
            strength = PREFER_LATER if changing(query) else PREFER
            ranked = sorted(((i, score + strength * selection.preference(chunks[i].document.id if i in chunks else -1))
                             for i, score in ranked), key=lambda item: -item[1])
        ranked = nudge(ranked[:RERANK_DEPTH], chunks, query) + ranked[RERANK_DEPTH:]
        wanted = tone_wanted(query)
        if wanted:  # "which councils were criticised for ...": the critical passages first, the approving last
            ranked = toned(ranked[:RERANK_DEPTH], wanted, *self._passage_tone(query)) + ranked[RERANK_DEPTH:]
        ranked = first(self._asked_part(query, selection, vector, allowed, ranked, table, k), ranked,
                       k if query.wants("across") else STRUCTURAL)
        if query.wants("across"):
            chunks.update({item.id: item for item in self.index.chunks(i for i, _ in ranked[:RERANK_DEPTH])
                           if item.id not in chunks})
            # each council compared by its passage closest to the topic, of its findings (not "Inspectors looked at
            # the 'front door'", a line about the inspection that names the topic and says nothing of it)
            ranked = spread(ranked, chunks, per_document=1, k=k, closeness=(
                lambda i: float(self.index.vector(i) @ topic) - (chunks[i].chunk.part == ABOUT))
                if compares_councils(query) and not query.wants("facts") else None)
        if changing(query) and names_a_topic(query) and not query.wants("across"):
            ranked = _with_earlier(ranked, fused, chunks, query)
        if maybe_changing(query):
            ranked = _with_later(ranked, fused, chunks, query.dates.start())
        elif reads_newest(query) and len(selection.councils) == 1:
            ranked = _with_newest(ranked, fused, chunks)
        return ranked

    def _all_boilerplate(self, chunk: Chunk) -> bool:
        """True when every sentence of ``chunk``, outside the lines about the inspection, is one most reports of its
        kind repeat."""
        spans = chunk.sentences or sentence_spans(chunk.text)
        return chunk.part != ABOUT and bool(spans) and all(chunk.text[start:end].strip() in self.boilerplate for start, end in spans)

    def _passage_tone(self, query: Query) -> tuple[Callable[[int], float], float]:
        """How a passage's tone is read in ranking, and the difference from the median that counts fully: across
        councils, along the labelled report sentences (passages of many councils compete, and read so the answering
        one comes first more often); within one council's reports, by the voices its sentences are read by, which
        keep its findings in the order its quote is chosen from (docs/quality.md, thirtieth round)."""
        if query.wants("across"):
            return lambda i: self.tone.across(self.index.vector(i)), PASSAGE_FULL
        return lambda i: float(self.tone.voiced(self.index.vector(i)[None, :])[0]), SENTENCE_FULL

    def _asked_part(self, query: Query, selection: Selection, vector: np.ndarray, allowed: frozenset[int] | None,
                    ranked: Sequence[tuple[int, float]], table: Sequence[GradeRow], k: int) -> list[int]:
        """The passages to put first for the part of a report the question asks for: across councils, the statements
        of the grade asked ("which councils were judged inadequate?"); the part the answer is shaped for (the
        improvement list, the headline findings for the reasons or a summary, the lines about the inspection), though
        a grade is read too; for a grade, the report's judgements and its grade in words (for a change, the newer
        report's grade in words); for a change on no particular topic, what later reports say changed since the year
        named; else the part of another reading."""
        if query.wants("across") and asks_which_looked_at(query.text):  # "which focused visits looked at care leavers?"
            return self._scoped(query, vector, _found(ranked, allowed))
        if asks_priority_actions(query):  # "which focused visits identified areas for priority action?": each
            # letter's passages under that heading
            return self._priority_actions(vector, allowed)
        if query.wants("across") and primary(query) == "improve" and query.wants("topic"):
            # "which councils were told to improve return home interviews?": each report's list on it
            return self._listed_on(query, vector, _found(ranked, allowed))
        if query.wants("across"):
            return list(dict.fromkeys(row.passage for row in table if row.passage is not None))
        ask = primary(query)
        area = reasons_area(query) if ask == "reasons" else None
        if area and allowed is not None:  # why a council's area got its grade: the report's findings on that area
            return self._in_area(area, ranked, selection, vector, allowed)
        if ask in PARTS:  # what the answer is shaped for, though a grade is read too
            # the improvement list asked for on no topic is read from its start (a SIF report's "Priority and
            # immediate action" comes before its "Areas for improvement"), not by its items' closeness to the question
            return self._in_parts(PARTS[ask], ranked, selection, vector, allowed, query.record,
                                  in_order=ask == "improve" and not query.wants("topic"))
        if query.wants("grade") and changing(query) and not compares_grades(query):  # a grade asked of two years
            # ("2014 vs 2019 overall judgement"): each year's grade (``_grade_passages``), not only the later one's
            if query.dates and not asks_grade_in_words(query.text) and not query.wants("topic"):
                # a change counted from a year, a grade only implied ("got the bottom mark in 2015, did they turn it
                # around?"): the later report saying what changed since, as for a change read alone
                return self._recalling(query, selection, vector, allowed)
            if not table:
                return []
            newer = table[0]
            in_words = self._stated_in_words(newer.document_id, vector, newer.grade)
            # with no year to count from ("is it still good?"), the newest report's table states the grade too
            as_tabled = [newer.passage] if newer.passage is not None and not query.dates else []
            return in_words or as_tabled
        if query.wants("grade"):
            return self._grade_passages(query, selection, vector, allowed, table)
        if changing(query) and not query.wants("topic"):
            return self._recalling(query, selection, vector, allowed)
        parts = asked_parts(query)
        return self._in_parts(parts, ranked, selection, vector, allowed) if parts else []

    def _in_area(self, area: str, ranked: Sequence[tuple[int, float]], selection: Selection, vector: np.ndarray,
                 allowed: frozenset[int] | None) -> list[int]:
        """The passages of one report's findings on a judged area (its section on it): the section's opening, its two
        closest to the question, the two of the report's headline findings closest (which may say why in a word: "...
        there is still more to do to strengthen the consistency of support to care leavers"), then the section's others;
        the report as ``_in_parts`` chooses it."""
        inside = [item for item in self.index.chunks(self.index.in_part(AREA, allowed))
                  if area_of(item.chunk.section or "") in covers(area)]
        ids = {item.id for item in inside}
        chosen = self._in_parts((AREA,), [item for item in ranked if item[0] in ids] or ranked, selection, vector,
                                frozenset(ids))
        mine = [item for item in inside if item.id in set(chosen)]
        opening = min(mine, key=lambda item: item.chunk.start, default=None)
        headline = self._in_parts((SUMMARY,), ranked, selection, vector, allowed)
        return list(dict.fromkeys([*([opening.id] if opening else []), *chosen[:2], *headline[:2], *chosen]))

    def _priority_actions(self, vector: np.ndarray, allowed: frozenset[int] | None) -> list[int]:
        """The passages of reports' improvement lists under a heading of areas for priority action, within ``allowed``,
        closest to the question first. Which passages those are is read once (every list's heading; a second or so on
        the whole country), a passage's heading not changing in an index version."""
        with self._priority_lock:
            if self._priority is None:
                self._priority = frozenset(item.id for item in self.index.chunks(self.index.in_part(IMPROVE, None))
                                           if headed_priority_action(item.chunk))
        ids = [i for i in self._priority if allowed is None or i in allowed]
        return sorted(ids, key=lambda i: -float(self.index.vector(i) @ vector))

    def _listed_on(self, query: Query, vector: np.ndarray, allowed: frozenset[int] | None) -> list[int]:
        """The passages of reports' improvement lists on the topic asked (``on_the_topic``), closest to the question
        first."""
        synonyms = self.glossary.alternatives(query.searched())
        listed = [item for item in self.index.chunks(self.index.in_part(IMPROVE, allowed))
                  if on_the_topic(query, item.chunk.text, synonyms)]
        return [item.id for item in sorted(listed, key=lambda item: -float(self.index.vector(item.id) @ vector))]

    def _scoped(self, query: Query, vector: np.ndarray, allowed: frozenset[int] | None) -> list[int]:
        """The passages about an inspection with a line saying it looked at what the question names
        (``scope_asked``), closest to the question first: asked which reports looked at something, each report's own
        line."""
        about, states = self.index.chunks(self.index.in_part(ABOUT, allowed)), scope_asked(query)
        saying = [item for item in about if any(states(item.chunk.text[start:end])
                                                for start, end in item.chunk.sentences or sentence_spans(item.chunk.text))]
        return [item.id for item in sorted(saying, key=lambda item: -float(self.index.vector(item.id) @ vector))]

    def _recalling(self, query: Query, selection: Selection, vector: np.ndarray,
                   allowed: frozenset[int] | None) -> list[int]:
        """For a change one council's question counts from a year: its later reports' headline passages that say what
        changed since that year's inspection, naming the year ("... have improved significantly since the last
        inspection in 2015"), closest to the question first."""
        start = query.dates.start()
        if start is None or len(selection.councils) != 1 or allowed is None:
            return []
        recalling = [item for item in self.index.chunks(self.index.in_part(SUMMARY, allowed))
                     if min(item.document.description.years(), default=0) > start and str(start) in item.chunk.text
                     and says_changed(item.chunk.text)]
        recalling.sort(key=lambda item: -float(self.index.vector(item.id) @ vector))
        return [item.id for item in recalling[:RECALLING]]

    def _grade_passages(self, query: Query, selection: Selection, vector: np.ndarray, allowed: frozenset[int] | None,
                        table: Sequence[GradeRow]) -> list[int]:
        """The passages stating the leading rows' grades (with several years named, each report's leading row), then
        the report's other judgement passages, the area asked about and the closest to the question first."""
        if not table:  # no report chosen is graded: a visit's letter recalling the last inspection's grade in words
            return self._recalling_grade(query, selection, vector, allowed)
        heads = [next(row for row in table if row.document_id == document)
                 for document in dict.fromkeys(row.document_id for row in table)]
        several = several_years(query)
        lead = [row.passage for row in (heads if several else table[:2]) if row.passage is not None]
        document = table[0].document_id if table else None
        for row in heads if several else heads[:1]:  # the report's headline saying the grade in words, beside its table
            lead += self._stated_in_words(row.document_id, vector, row.grade)
        if how_it_did(query):  # and its headline's opening, the report's own account of how it did
            opening = sorted(self.index.chunks(self._headline(heads[0].document_id)), key=lambda item: item.chunk.start)
            lead += [item.id for item in opening[:1] if not lists_reasons(item.chunk)]
        judgements = self.index.judgement_chunks(allowed)
        # the area as the grade table reads it (named, or described in other words), else the one its rows lead with
        area = asked(query.text, query).area or (table[0].area if table else None)
        if several and changing(query) and area in (None, "overall"):  # the overall grade's change between the years
            # named: the later report's words first, which say what it moved from ("... are now good, having been
            # judged requires improvement in 2020")
            lead = [*self._stated_in_words(heads[0].document_id, vector, heads[0].grade), *lead]
        stored = {item.id: item for item in self.index.chunks(judgements)}
        if area and area != "overall" and document is not None:  # the report's own sentence stating the area's grade
            # in words, beside its row, though its passage opens on another area ("The graded judgment about the
            # experiences and progress of care leavers is that it is good." at the end of adoption's)
            said = [i for i in judgements if i in stored and stored[i].document.id == document
                    and _states_grade_of(stored[i].chunk, area)]
            lead[1:1] = sorted(said, key=lambda i: -float(self.index.vector(i) @ vector))[:1]

        def closeness(i: int) -> tuple[bool, bool, float, float]:
            item = stored.get(i)
            return (item is not None and item.document.id == document,
                    bool(area) and item is not None and area_of(item.chunk.text) == area,
                    selection.preference(item.document.id) if item else 0.0, float(self.index.vector(i) @ vector))

        return list(dict.fromkeys([*lead, *sorted(judgements, key=closeness, reverse=True)]))

    def _recalling_grade(self, query: Query, selection: Selection, vector: np.ndarray,
                         allowed: frozenset[int] | None) -> list[int]:
        """The summary passages of the reports chosen with a sentence stating the grade of the area asked (overall,
        when none is named) in words, closest to the question first: a visit's letter recalling the last inspection's
        ("At the last inspection, in March 2020, the overall effectiveness of services was judged to be outstanding.");
        none across every report, nor when a recalled grade cannot answer (``_may_recall``)."""
        if allowed is None or not _may_recall(query, selection):
            return []
        area = asked(query.text, query).area or "overall"
        saying = [item for item in self.index.chunks(self.index.in_part(SUMMARY, allowed))
                  if _states_grade_of(item.chunk, area)]
        return [item.id for item in sorted(saying, key=lambda item: -float(self.index.vector(item.id) @ vector))]

    def _stated_in_words(self, document: int, vector: np.ndarray, grade: str) -> list[int]:
        """The passage of a report's summaries that states a grade in words, the closest to the question of
        those stating ``grade`` (the grade table's leading row's) if any does: a headline recalling the grade of an
        earlier inspection ("... from 2015, when all its services were judged inadequate") can read closer."""
        stated = [item for item in self.index.chunks(self.index.in_part(SUMMARY, self.index.chunk_ids([document])))
                  if GRADE_STATEMENT.search(item.chunk.text)]
        return [item.id for item in sorted(stated, key=lambda item: (not says_grade(item.chunk.text, grade),
                                                                     -float(self.index.vector(item.id) @ vector)))[:1]]

    def _in_parts(self, parts: Sequence[str], ranked: Sequence[tuple[int, float]], selection: Selection,
                  vector: np.ndarray, allowed: frozenset[int] | None, record: Sequence[str] = (),
                  in_order: bool = False) -> list[int]:
        """The passages of these parts of one report (the preferred one, else the best-ranked report that has
        them), closest to the question first; those stating what the question asks of the report's ``record`` before
        all ("who led it?": the line naming the lead inspector the record holds, though "The inspection team consisted
        of seven inspectors" reads closer to the question)."""
        owner = self.index.documents_of(i for part in parts for i in self.index.in_part(part, allowed))
        if not owner:
            return []
        position = {i: n for n, (i, _) in enumerate(ranked)}
        first: dict[int, int] = {}  # each report's best place in the ranking
        for i, document in owner.items():
            place = position.get(i, len(position))
            first[document] = min(first.get(document, place), place)
        chosen = max(sorted(first), key=lambda document: (selection.preference(document), -first[document]))
        # only the chosen report's passages are read (a part of every report is a thousand passages nationally)
        mine = sorted(self.index.chunks(i for i, document in owner.items() if document == chosen),
                      key=lambda item: item.chunk.start)
        if SUMMARY in parts:
            aside = self._secondary_summaries(mine)
            mine = [item for item in mine if item.id not in aside]
        if in_order:
            return [item.id for item in mine]
        return [item.id for item in sorted(mine, key=lambda item: (
            not (record and states_record(item.document.description, item.chunk.text, record)),
            -float(self.index.vector(item.id) @ vector)))]

    def _headline(self, document: int) -> frozenset[int]:
        """The passages of a report's headline findings: its first summary section holding more than one passage, else
        the first; not a section in the report's second half (a SIF report's review of the LSCB has a summary of its
        own, under the same heading, "Executive summary") unless it has no other; and a single passage ahead of the
        headline is passed over (a SIF report's cover states the LSCB's grade in a line read as a summary, and its key
        findings follow under their own heading). The section's passages in a row from its first, so the same heading
        further on is not it. Read once per report (a report's passages do not change in an index version)."""
        known = self._headlines.get(document)
        if known is not None:
            return known
        passages = sorted(self.index.chunks(self.index.chunk_ids([document])), key=lambda item: item.chunk.start)
        summary = [item for item in passages if item.chunk.part == SUMMARY]
        if not summary:
            return self._headlines.setdefault(document, frozenset())
        middle = max(item.chunk.end for item in passages) // 2
        sections = Counter(item.chunk.section for item in summary if item.chunk.start < middle)
        heading = next((section for section, count in sections.items() if count > 1),
                       next(iter(sections), summary[0].chunk.section))
        first = passages.index(next(item for item in summary if item.chunk.section == heading))
        run = takewhile(lambda item: item.chunk.section == heading, passages[first:])
        return self._headlines.setdefault(document, frozenset(item.id for item in run if item.chunk.part == SUMMARY))

    def _secondary_summaries(self, found: Sequence[StoredChunk | Hit]) -> set[int]:
        """The summary passages among ``found`` outside their report's headline findings (``_headline``)."""
        summaries = [item for item in found if item.chunk.part == SUMMARY]
        headlines = {document: self._headline(document) for document in {item.document.id for item in summaries}}
        return {item.id for item in summaries if item.id not in headlines[item.document.id]}

    def search(self, question: str, k: int = 5, filters: bool = True, mode: str = "hybrid") -> list[Hit]:
        """Just the passages for ``question``, best first."""
        return list(self.ask(question, k, filters, mode).hits)

    def _rank(self, topic: str, vectors: np.ndarray, allowed: frozenset[int] | None, mode: str) -> list[tuple[int, float]]:
        """Dense (the question's and its topic's vectors, and the question's moved towards what they find first,
        fused) and full-text rankings, fused."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        rankings = [self.index.search(vector, CANDIDATES, allowed) for vector in vectors] if mode != "lexical" else []
        found = [self.index.vector(i) for i, _ in fuse(rankings)[:FEEDBACK_FROM]]
        if found and RELEVANCE_FEEDBACK:
            moved = relevance_feedback(vectors[0], np.vstack(found), RELEVANCE_FEEDBACK)
            rankings.append(self.index.search(moved, CANDIDATES, allowed))
        dense = fuse(rankings)
        lexical = self.index.lexical(self._lexical_query(topic, allowed), CANDIDATES, allowed) if mode != "dense" else []
        if mode == "dense":
            return dense
        if mode == "lexical":
            return lexical or dense  # a question with no topic words still gets passages
        return fuse([dense, lexical])

    def _lexical_query(self, topic: str, allowed: frozenset[int] | None) -> list[str]:
        """The full-text query for ``topic``, without the terms found in more than half of the passages searched.
        Within a filter, those of the allowed passages: FTS5 weighs terms by their rarity in the whole index, but within
        one council's reports a word of every section heading (a grade such as "good") matches everywhere and would
        outvote the passages that answer, as the Robertson-Sparck Jones weight, which is negative for such terms, would
        not let it. Otherwise those of the whole index, which FTS5 already weighs at nothing ("children", in four
        passages of five) but would still read in full for every question: a third of a question's time on 11,000
        passages. A phrase no passage searched holds is left out too: it adds nothing to any passage's score, yet FTS5
        would still read the posting lists of its words ("children who are looked after", of the glossary's forms)."""
        parts = phrases(topic, self.glossary)
        if allowed and len(allowed) <= INFORMATIVE_WITHIN:
            counts, searched = self.index.matching(parts, allowed), len(allowed)
        else:
            counts, searched = self.index.matching(parts), len(self.index)
        return [part for part, count in zip(parts, counts) if 0 < 2 * count <= searched]

    def _hits(self, ranked: Sequence[tuple[int, float]], query: np.ndarray) -> list[Hit]:
        stored = self.index.chunks(i for i, _ in ranked)
        scores = dict(ranked)
        hits = []
        for rank, item in enumerate(stored, start=1):
            similarity = float(self.index.vector(item.id) @ query)
            hits.append(Hit(rank, scores[item.id], item.id, item.chunk, item.document, None, similarity))
        return hits


def _names_the_whole_service(words: Sequence[str]) -> bool:
    """True when a glossary phrase's ``words`` name the whole service ("children s social care"), not a practice
    within it ("children in care", "leaving care service"; search/data/phrasing.txt, "whole service")."""
    return bool(phrasing()["whole service"].search(" ".join(word for word in words if word not in STOPWORDS)))


def grades_across(query: Query) -> bool:
    """True when a question across councils, not read surely as a grade, asks for grades all the same: "Which
    councils were judged inadequate ...?", read unsurely as a grade, naming one as what was judged (unless the reading
    all but rules a grade out: "Which councils were good at life story work?", 0.01, praises); or read as one as likely
    as a likeliest reading must be and naming one at all, or asking what changed ("Which councils got better grades at
    their latest inspection than the one before?", a grade at 0.24: whose grades moved)."""
    return query.wants("across") and not query.wants("grade") and (
        (bool(stated_grade(query.text)) and query.score("grade") >= RULED_OUT)
        or (query.score("grade") >= LIKELIEST and (named_grade(query.text) is not None or query.wants("change"))))


def _unreported_years(query: Query, selection: Selection, quotes: Sequence[Quote],
                      in_force: Collection[int] = frozenset()) -> tuple[int, ...]:
    """The years a question names as its report's ("how did Hertfordshire get on in its 2023 inspection?", "durham
    2023 full inspection findings": a year beside a kind of report; any year a question asking only for a grade names,
    since a grade is given by an inspection, unless the grade quoted was then in force (``in_force``): "what rating did
    Camden get in 2019?", only its 2022 grades quoted) when no indexed report
    of the councils it names is from them (``select`` set the years aside) and no quoted sentence names them: the
    reports quoted are another year's and answer another question. Not a year a change counts from, nor one beside a
    range ("in 2016 and since 2019": the reports since answer part of it), nor one a sentence may name ("how many
    children had no social worker in December 2014?", answered by a later report)."""
    if "dates" not in selection.set_aside or not selection.councils or changing(query) \
            or query.dates.since or query.dates.until:
        return ()
    grade_alone = primary(query) == "grade" and not names_a_topic(query)
    years = query.dates.reports or (query.dates.years if query.kinds else ()) or (
        tuple(year for year in query.dates.years if year not in in_force) if grade_alone else ())
    if any(str(year) in quote.text for quote in quotes for year in years):
        return ()
    return tuple(years)


def _of_councils(selection: Selection, documents: Callable[[], Sequence[DocumentRecord]]) -> list[DocumentRecord]:
    """The indexed reports of the councils a question names, whatever the page's filters."""
    return [doc for doc in documents() if doc.description.authority in selection.councils]


def _unreported_since(query: Query, selection: Selection, documents: Callable[[], Sequence[DocumentRecord]]) -> str:
    """A range with no end the question names, as it put it ("after 2017", "since 2019"), when none of the indexed
    reports of the councils it names is from it ("Did Barnet get out of inadequate at its next inspection after 2017?",
    its only indexed report from 2017, quoted that report's grade); else "". Not when it names a year besides ("in
    2015 and since 2019": that year's reports answer part of it), nor by what a filter set on the page leaves out."""
    since = query.dates.since
    if since is None or query.dates.until is not None or query.dates.years or not selection.councils:
        return ""
    if any(doc.description.within(str(since)) for doc in _of_councils(selection, documents)):  # read only if asked
        return ""
    return next((said for said in query.dates.said if str(since) in said or str(since - 1) in said), f"since {since}")


def _scored_by(query: Query, vectors: np.ndarray, framed: np.ndarray | None = None) -> np.ndarray | None:
    """The rows a sentence's score is close to: for a question across councils its topic's alone ("Which councils
    were criticised for ..." raised sentences naming a council over those on the point: six first sentences gained
    on the development files, none lost); for a change asked with no topic its ``framed`` form's, with its council
    and year as placeholders ("Did things get worse in Leicester after 2021?" raised "Leicester has a young and
    diverse population."); else the question's and its topic's (None)."""
    if query.wants("across") and query.searched().strip() and len(vectors) > 1:
        return vectors[1:]
    if primary(query) == "change" and not names_a_topic(query) and framed is not None and len(framed):
        return framed
    return None


def asked_parts(query: Query) -> tuple[str, ...]:
    """The parts of a report a question asks for, by what it asks (PARTS; not the headline findings for the reasons of a
    practice problem); for a change asked about no particular topic ("has Hartlepool got any better since 2018?"),
    the later report's headline findings."""
    parts = [part for ask, wanted in PARTS.items() if query.wants(ask) and not (ask == "reasons" and about_practice(query))
             for part in wanted]
    if query.wants("change") and not query.wants("topic"):
        parts.append(SUMMARY)
    return tuple(dict.fromkeys(parts))


def relevance_feedback(question: np.ndarray, found: np.ndarray, weight: float) -> np.ndarray:
    """The question's unit vector moved towards the mean of ``found`` (one passage vector a row) by ``weight``, as a unit
    vector: Rocchio's pseudo-relevance feedback, without negatives."""
    moved = np.asarray(question, dtype=np.float32) + weight * found.mean(axis=0)
    return moved / max(float(np.linalg.norm(moved)), 1e-12)


_NAME = re.compile(r"(?<![.?!]\s)(?<!^)(?<![&\w])[A-Z][A-Za-z]{2,}(?:[-\s][A-Z][A-Za-z]{2,})*\b")
_COMMON_NAMES = frozenset({"ofsted", "i", "council", "county", "city", "borough", "hmi", "ilacs", "sif"})
# Days and months are capitalised without naming anything a report would be about ("before Thursday's meeting").
_CALENDAR = frozenset((*DAY_NAMES, *MONTH_NAMES))


def _asks_a_part_only(query: Query) -> bool:
    """True when a question asks for a part of a report (the improvement list, the headline findings or their reasons,
    the inspection's facts) and is not read as asking about a topic, nor across councils."""
    return primary(query) in PARTS and not query.wants("topic") and not query.wants("across")


def proper_names(query: Query) -> list[str]:
    """Capitalised words or runs inside the question (not its first word), other than the councils it names."""
    text = query.text
    for mention in reversed(authorities.load().mentions(text)):  # "Notts", "North Northants": councils, not unknowns
        text = text[:mention.start] + " x " + text[mention.end:]
    councils = " ".join(name for council in query.councils for name in (council.name, council.written)).lower()
    names = []
    for match in _NAME.finditer(text):
        words = [word for word in match.group(0).split() if word.lower() not in _COMMON_NAMES | _CALENDAR
                 and word.lower() not in councils]
        names += [word for word in words if word.lower() not in STOPWORDS and not word.isupper()]
    return list(dict.fromkeys(names))


def fuse(rankings: Sequence[Sequence[tuple[int, float]]]) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion of several rankings into one, best first."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for position, (chunk_id, _) in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + position)
    return sorted(fused.items(), key=lambda item: -item[1])


_INTENTS: dict[tuple[int, Path | None], tuple[Embedder, Intents]] = {}
_INTENTS_LOCK = threading.Lock()


def shared_intents(embedder: Embedder, cache: Path | None) -> Intents:
    """One classifier per loaded model in a process, shared by every searcher of it (so it is fitted once)."""
    with _INTENTS_LOCK:
        key = (id(embedder), cache)
        if key not in _INTENTS or _INTENTS[key][0] is not embedder:
            _INTENTS[key] = (embedder, Intents(embedder, cache=cache))
        return _INTENTS[key][1]


def open_searcher(
    settings: Settings, embedder: Embedder | None = None, factory: Callable[[str], Embedder] | None = None
) -> Searcher:
    """Load the current index (the folder ``settings.index``, or the database ``settings.database_url``) and the model
    it was built with (or refuse another)."""
    store = open_store(settings)
    index = store.load()
    check_model(index.manifest, settings.model, store.where, store.rebuild_command())
    model = settings.model or index.manifest.model  # a runtime giving the same vectors may be asked for
    if embedder is None and factory is not None:
        embedder = factory(model)
    if embedder is None:
        from ingest.embed import SentenceEmbedder

        embedder = SentenceEmbedder.for_questions(model, settings)
    if embedder.dimension != index.manifest.dimension:
        raise IndexMismatch(
            f"the model makes {embedder.dimension}-dimensional vectors but the index in {store.where} holds "
            f"{index.manifest.dimension}; rebuild it with: {store.rebuild_command()}"
        )
    boilerplate = Boilerplate(index.sentences, counted(store.read_record(BOILERPLATE), index.version))
    intents = shared_intents(embedder, settings.cache)
    vocabulary = Vocabulary(lambda: (sentence for _, sentence in index.sentences()),
                            words.counted(store.read_record(words.WORDS), index.version), lambda: intents.vocabulary)
    return Searcher(index, embedder, no_answer_below=settings.no_answer_below, intents=intents,
                    boilerplate=boilerplate, vocabulary=vocabulary, described=Described(embedder, cache=settings.cache),
                    tone=Tone(embedder, cache=settings.cache))


def _unquoted(councils: Sequence[str], quotes: Sequence[Quote], hits: Sequence[Hit]) -> tuple[str, ...]:
    """For a question naming several councils, a line for each the answer quotes nothing of ("compare Medway and
    Swindon on care leavers", where Swindon's one report never mentions them): said, not left out silently."""
    if len(councils) < 2:
        return ()
    by_rank = {hit.rank: hit.document.description.authority for hit in hits}
    quoted = {by_rank.get(rank) for item in quotes for rank in item.passages}
    return tuple(f"Nothing from {name}'s reports is quoted: none of the passages found is close enough to the question."
                 for name in councils if name not in quoted)


def _with_newest(ranked: list[tuple[int, float]], fused: Sequence[tuple[int, float]],
                 chunks: Mapping[int, StoredChunk]) -> list[tuple[int, float]]:
    """For a question on one council's topic naming no year: among the passages read, the closest passage (as the
    search first ranked them) of the council's newest report with a passage in the first NEWEST_WITHIN."""
    first = chunks.get(ranked[0][0]) if ranked else None
    if first is None:
        return ranked
    council = first.document.description.authority
    own = [i for i, _ in fused[:NEWEST_WITHIN] if i in chunks and chunks[i].document.description.authority == council]
    newest = max((chunks[i].document.description.held or "" for i in own), default="")
    read = [i for i, _ in ranked[:PASSAGES_READ]]
    if any(chunks[i].document.description.held == newest for i in read if i in chunks):
        return ranked
    return _read_last(ranked, next((i for i in own if chunks[i].document.description.held == newest), None))


def _with_later(ranked: list[tuple[int, float]], fused: Sequence[tuple[int, float]], chunks: Mapping[int, StoredChunk],
                year: int | None) -> list[tuple[int, float]]:
    """For a question that might ask whether something changed since ``year`` ("<topic> <year> resolved"): among the
    passages read, the closest passage of a later report as the search first ranked them (``fused``: before the
    tone asked for, which describes what was found then, and the question's years ranked anything up)."""
    later = next((i for i, _ in fused[:RERANK_DEPTH] if year is not None and i in chunks
                  and min(chunks[i].document.description.years(), default=0) > year), None)
    return _read_last(ranked, later)


def _with_earlier(ranked: list[tuple[int, float]], fused: Sequence[tuple[int, float]],
                  chunks: Mapping[int, StoredChunk], query: Query) -> list[tuple[int, float]]:
    """For a change on a topic counted from a year: among the passages read, the closest passage on the topic of a
    report of that year or before (``by_then``) as the search first ranked them (what was said then)."""
    year = query.dates.start()
    earlier = next((i for i, _ in fused[:RERANK_DEPTH] if year is not None and i in chunks
                    and by_then(chunks[i].document.description, year) and on_the_topic(query, chunks[i].chunk.text)),
                   None)
    return _read_last(ranked, earlier)


def _states_grade_of(chunk: Chunk, area: str) -> bool:
    """True when a sentence of ``chunk`` states the grade of ``area`` (or of the area whose judgement covers it) in
    words, not as a table row."""
    spans = chunk.sentences or sentence_spans(chunk.text)
    return any(_says_grade_of(chunk.text[start:end], area) for start, end in spans)


def _says_grade_of(text: str, area: str) -> bool:
    """True when ``text``, a sentence, states the grade of ``area`` (or of the area whose judgement covers it) in
    words, as a report states its own or a later letter recalls it ("... when the local authority was judged as
    requiring improvement"), not as a table row."""
    return " | " not in text and bool(GRADE_STATEMENT.search(text) or _JUDGED_AS.search(text)) \
        and stated_area(text) in covers(area)


# A grade as a letter recalls an inspection's: "was judged good overall", "were found to be outstanding", "was judged
# as requiring improvement" (GRADE_STATEMENT reads a grade stated as what something is).
_JUDGED_AS = re.compile(r"\b(?:judged|found|graded|rated)\s+(?:to\s+be\s+|as\s+)?(?:outstanding|good|inadequate|"
                        r"requir(?:es|ed|ing|e)\s+improvement)\b", re.I)


def _recalled(query: Query, selection: Selection, table: GradeTable, quotes: Sequence[Quote],
              hits: Sequence[Hit]) -> tuple[str, ...]:
    """The note saying so when a question asks a named council's grade, none of its reports chosen gives one, and for
    each such council a quote from its reports states the grade asked in words: a visit's letter recalling the last
    inspection's ("At the last inspection, in March 2020, the overall effectiveness of services was judged to be
    outstanding."); else nothing."""
    ungraded = _ungraded(query, selection, table)
    if not ungraded or not _may_recall(query, selection):
        return ()
    area = asked(query.text, query).area or "overall"
    councils = {hit.rank: hit.document.description.authority for hit in hits}
    stating = {councils.get(rank) for item in quotes if _says_grade_of(item.text, area) for rank in item.passages}
    if not set(ungraded) <= stating:
        return ()
    return (f"{no_grade(ungraded)}: a later report's words on an earlier inspection's grade are quoted.",)


def _no_priority_actions(query: Query, quotes: Sequence[Quote]) -> str:
    """What the reader is told when a question asks which reports set areas for priority action and none of those
    searched has a passage under that heading (nothing is quoted); else nothing."""
    return "None of the indexed reports searched sets areas for priority action." \
        if asks_priority_actions(query) and not quotes else ""


def _may_recall(query: Query, selection: Selection) -> bool:
    """True when a grade a report recalls may answer the question: not one about an inspection after another ("its
    next full inspection after the 2019 visit", "the subsequent inspection"), whose grade a report recalls never, nor
    one naming a year none of the council's reports is from, since when the recalled inspection was is not read."""
    return not names_a_later_inspection(query.text) and "dates" not in selection.set_aside


def _read_last(ranked: list[tuple[int, float]], chosen: int | None) -> list[tuple[int, float]]:
    """``ranked`` with the passage ``chosen`` in the last place of those read, unless it is read already."""
    if chosen is None or chosen in [i for i, _ in ranked[:PASSAGES_READ]]:
        return ranked
    moved = next(item for item in ranked if item[0] == chosen)
    return [*ranked[:PASSAGES_READ - 1], moved, *(item for item in ranked[PASSAGES_READ - 1:] if item[0] != chosen)]


# A council's latest report does not answer a topic question asked of it "last time" when the best sentence of its
# other reports is this much more relevant than the latest's (or the latest's is below the "not found" threshold).
# Set above the largest such difference where the latest report held the answer, over the development files' 30
# questions asking about a topic "last time" (0.19); 0.1 took four of them away from the latest report.
NOT_ON_THE_POINT = 0.25


def _found(ranked: Sequence[tuple[int, float]], allowed: frozenset[int] | None) -> frozenset[int]:
    """The passages the search found (fused from each ranking's CANDIDATES), within ``allowed``: where a question
    across councils looks for each report's line on what it asks (reading every report's list or opening would take
    a tenth of a second on the national sample, and more on the whole country)."""
    return frozenset(i for i, _ in ranked if allowed is None or i in allowed)


def _ungraded(query: Query, selection: Selection, table: GradeTable) -> tuple[str, ...]:
    """For a question asking for a named council's grade (not across councils, nor a change): the councils named, when
    none of the reports chosen gives one and no other report of theirs does either; else nothing."""
    return tuple(council.name for council in query.councils) \
        if _asks_a_councils_grade(query) and not table.rows and selection.documents != () else ()


def _asks_a_councils_grade(query: Query) -> bool:
    """True when a question asks for a council's grade, not for councils by their grades nor for a change of grade."""
    return query.wants("grade") and not query.wants("across") and not query.wants("change")


def _findings_for_how_it_did(query: Query, selection: Selection, table: GradeTable) -> tuple[str, ...]:
    """For a question read as asking how a council did ("how did Wakefield get on last time?") without asking for a
    grade in words, when none of the reports chosen is graded: the note saying their findings answer instead (after
    the table's saying whose grades it shows, when the council has graded reports too: "how did Haringey do at its
    most recent visit?", a visit after its last inspection); else nothing. A question asking for the grade in words
    is told that no report gives one, or given the grades of the others."""
    if not _asks_a_councils_grade(query) or not selection.documents or asks_grade_in_words(query.text):
        return ()
    if table.others:
        return ("What the reports chosen found is quoted.",)
    ungraded = _ungraded(query, selection, table)
    return (f"{no_grade(ungraded)}: what the reports found is quoted instead.",) if ungraded else ()


def _latest_only(query: Query, selection: Selection, from_question: bool) -> bool:
    """True when the question's "latest" alone chose one council's reports, for a topic (not the grade, findings or
    list of that inspection, which "last time" names; the findings read beside a topic named are that topic's: "latest
    report on Derbyshire, children who go missing")."""
    return from_question and query.recency == "latest" and query.wants("topic") \
        and query.asks - {"summary"} <= {"topic", "across"} \
        and selection.documents is not None and len(selection.councils) == 1


def _closer(latest: Result, again: Result) -> bool:
    """True when the latest report's answer ``latest`` is "not found", or reads far less closely than ``again``
    (NOT_ON_THE_POINT)."""
    return not latest.verdict.answered or again.answer.confidence - latest.answer.confidence > NOT_ON_THE_POINT


def _not_in_latest(selection: Selection, index: Reader, recency: str | None = None) -> str:
    """The note for an answer from the report before a council's latest (``recency`` "previous") or from its other
    reports, naming the latest report that did not answer."""
    documents = [document for i in selection.documents or () if (document := index.document(i)) is not None]
    latest = max(documents, key=lambda document: document.description.held or "", default=None)
    held = latest.description.held if latest else None
    instead = "quoted from the report before it" if recency == "previous" else "quoted from its other reports"
    if latest is None or not held:
        return f"The latest report does not answer this; {instead}."
    kind = KINDS.get(latest.description.kind, "report")
    month = f"{MONTH_NAMES[int(held[5:7]) - 1].capitalize()} {held[:4]}"
    return f"{latest.description.authority}'s latest report, its {kind} of {month}, does not answer this; {instead}."


def tone_wanted(query: Query) -> int:
    """The tone a question asks for (-1 criticism, +1 praise, 0 neither) where it ranks what is read and quoted: for a
    topic, across councils, and for the headline findings or their reasons ("What did Ofsted praise in Leicester in
    2024?", "What are the weaknesses in Nottinghamshire's services?", read as asking for reasons); not where the answer
    is the grade, a change or the inspection's facts."""
    return query.tone if query.wants("across") or query.wants("topic") or query.wants("summary") \
        or query.wants("reasons") else 0
