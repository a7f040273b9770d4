"""Find the passages that answer a question: dense and full-text rankings fused, filtered by what it asks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ingest import authorities
from ingest.config import Settings
from ingest.document import Chunk
from ingest.embed import Embedder
from ingest.grades import area_of
from ingest.sections import IMPROVE
from ingest.store import DocumentRecord, Index, IndexMismatch, check_model
from search.answer import (
    MAX_SENTENCES,
    NO_ANSWER_BELOW,
    PASSAGES_READ,
    Answer,
    Quote,
    best_in_passage,
    compose,
    score_sentences,
    states_quantity,
)
from search.glossary import Glossary, load
from search.grades import GradeRow, about_grades, grade_rows
from search.lexical import STOPWORDS, fts_terms, match_any, terms
from search.rerank import improvement_lists_first, nudge, spread, toned
from search.tone import Tone
from search.understand import Understanding, Where, apply_where, asking_words, focus, understand

MODES = ("hybrid", "dense", "lexical")
# Candidates taken from each ranking before fusing: deep enough that a passage ranked
# modestly by both sides still reaches the top after fusion.
CANDIDATES = 50
# Passages stating grades put first for a question about grades.
GRADE_PASSAGES = 3
# Passages re-ranked by what the question asks (the rest keep their fused order).
RERANK_DEPTH = 60
# Filters up to this many passages have their full-text terms weighed within the filter (see _lexical_query).
INFORMATIVE_WITHIN = 5_000
# Reciprocal-rank fusion constant (Cormack et al. 2009); damps the weight of the very top ranks.
RRF_K = 60


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


@dataclass(frozen=True)
class Result:
    """Everything one question produced: what was understood, the passages and the quoted answer."""

    question: str
    understood: Understanding
    hits: tuple[Hit, ...]
    answer: Answer
    grades: tuple[GradeRow, ...] = ()  # for a question about grades, the table that answers it


class Searcher:
    """A loaded index, its embedding model and the glossary, answering many questions without reloading."""

    def __init__(self, index: Index, embedder: Embedder, glossary: Glossary | None = None,
                 no_answer_below: float = NO_ANSWER_BELOW) -> None:
        self.index = index
        self.no_answer_below = no_answer_below
        self.embedder = embedder
        self.glossary = glossary if glossary is not None else load()
        self.tone = Tone(embedder)

    def understand(self, question: str) -> Understanding:
        """What ``question`` names: councils, years, kinds, recency, and the documents that match."""
        return understand(" ".join(question.split()), self.index.documents())

    def ask(self, question: str, k: int = 5, filters: bool = True, mode: str = "hybrid", where: Where | None = None,
            understood: Understanding | None = None) -> Result:
        """Passages, quoted answer and understanding for ``question``, within any explicit ``where`` filters
        (``understood``, when given, is a previous ``understand`` of the same question)."""
        question = " ".join(question.split())
        if not filters:
            understood = Understanding(focus(question))
        understood = apply_where(understood or self.understand(question), where, self.index.documents())
        if not question or k <= 0:
            return Result(question, understood, (), compose([]))
        # The model reads the whole question (names and years help it); full-text search gets the
        # topic alone, since within the filtered reports a council's name matches every passage.
        query = self.embedder.embed([focus(question)])[0]
        allowed = None if understood.documents is None else self.index.chunk_ids(understood.documents)
        ranked = self._rank(understood.topic, query, allowed, mode)
        structural: set[int] = set()
        table = grade_rows(self.index, question, understood)
        graded_across = understood.asks == "across" and bool(table)
        if mode == "hybrid":
            ranked, structural = self._fit(ranked, understood, query, allowed, k)
            if graded_across:  # "which councils were judged inadequate?": the passages stating those grades lead
                firsts = {row.document_id: row.passage for row in reversed(table) if row.passage is not None}
                ranked = _lead([passage for passage in dict.fromkeys(firsts.get(row.document_id) for row in table)
                                if passage is not None], ranked, k)
        ranked = ranked[:k]
        found = self._hits(ranked, query)
        passages = [(hit.rank, hit.chunk) for hit in found[:PASSAGES_READ]]
        stored = self.index.sentence_vectors(hit.id for hit in found[:PASSAGES_READ])
        by_rank = {hit.rank: stored[hit.id] for hit in found[:PASSAGES_READ] if hit.id in stored}
        sentences = score_sentences(understood.topic, query, passages, self.embedder,
                                    understood.asks == "grade" or graded_across, by_rank, understood.quantity)
        hits = tuple(replace(hit, highlight=best_in_passage(sentences, hit.rank) or hit.highlight) for hit in found)
        answer = compose(sentences, self.no_answer_below)
        if graded_across and not answer.no_answer:
            answer = _grade_statements(answer, table, hits)
        if answer.no_answer and (graded_across or self._held(understood, structural, ranked)):
            answer = replace(answer, no_answer=False)
        outside = self._outside(understood, question)
        if understood.quantity and not any(states_quantity(quote.text) for quote in answer.quotes):
            outside.append("The question asks for a number, and no passage found states one.")
        if outside:
            answer = replace(answer, no_answer=True)
            understood = replace(understood, notes=(*understood.notes, *outside))
        # A grade table beside "not found" would answer a question the reports do not (a children's home's rating).
        return Result(question, understood, hits, answer, () if answer.no_answer else table)

    @staticmethod
    def _held(understood: Understanding, structural: set[int], ranked: Sequence[tuple[int, float]]) -> bool:
        """True when the question is about something the index holds, however unlike the question the passages
        read: a named council's grades or improvement list with its report's own judgement or list at hand, or the
        reasons for a named council's grade, or how it changed between inspections (its reports say)."""
        if not understood.authorities or understood.documents == ():
            return False
        if understood.asks in ("reasons", "change"):
            return True
        return bool(structural & {i for i, _ in ranked[:PASSAGES_READ]})

    def _outside(self, understood: Understanding, question: str) -> list[str]:
        """Why the indexed reports cannot answer: the question is only about councils no report is about, names
        another inspectorate, kind of inspection or a council outside England that no report mentions, or names
        something (a capitalised name: a school, a trust, a person) that no indexed report contains."""
        reasons = []
        unknown = [name for name in proper_names(question, understood) if not self.index.mentions(name)]
        unknown += [word for word in self._unmentioned(understood.topic, question) if word not in unknown]
        if unknown:
            reasons.append(f"No indexed report mentions {', '.join(unknown)}.")
        if understood.missing and not understood.authorities:
            reasons.append(f"The indexed reports are not about {', '.join(understood.missing)}.")
        # Another body's findings are not in Ofsted's reports even where a report mentions that body (unless the
        # question asks what Ofsted said); a place outside England is out of scope unless a report names it.
        asks_ofsted = bool(re.search(r"\bofsted\b", question, re.I))
        graded = [item.phrase for item in understood.out_of_scope if item.kind == "graded on its own"]
        if graded and about_grades(question, understood):
            reasons.append(f"Ofsted grades {graded[0].lower()} in inspections of their own; the indexed reports on councils' "
                           "children's services do not give those grades.")
        for item in understood.out_of_scope:
            if item.kind == "graded on its own":
                continue
            if not self.index.mentions(item.phrase) or (item.kind != "council outside England" and not asks_ofsted):
                reasons.append(f"No indexed report mentions {item.phrase} ({item.kind}); these are Ofsted's reports on "
                               "English councils' children's services.")
        return reasons

    def _unmentioned(self, topic: str, question: str) -> list[str]:
        """The topic's words that no indexed report uses (nor any glossary phrase for them), when they are at least
        half of its words: the question is then mostly about something the reports never mention ("school
        dinners"). Words that say what is asked ("verdict", "sorted") are not topic; one unknown word among several
        is only the asker's phrasing."""
        asking = asking_words(question)
        words = [word for word in terms(topic) if word not in asking and not word.isdigit()]
        absent = [word for word in words if not self.index.mentions(word)
                  and not any(self.index.mentions(phrase) for phrase in self.glossary.expand(word))]
        return absent if words and 2 * len(absent) >= len(words) else []

    def _fit(self, ranked: list[tuple[int, float]], understood: Understanding, query: np.ndarray,
             allowed: frozenset[int] | None, k: int) -> tuple[list[tuple[int, float]], set[int]]:
        """The fused ranking adjusted to what the question asks (see search/rerank.py), and the passages put
        first because of their place in a report (a judgement, an improvement list)."""
        structural: set[int] = set()
        if understood.asks == "grade":
            ranked = self._grades_first(ranked, query, allowed, understood.topic)
            structural = {i for i, _ in ranked[:GRADE_PASSAGES]}
        if understood.asks == "improve":
            lists = [(i, float(self.index.vector(i) @ query)) for i in self.index.in_part(IMPROVE, allowed)]
            ranked = improvement_lists_first(ranked, lists)
            structural = {i for i, _ in sorted(lists, key=lambda item: -item[1])[:3]}
        chunks = {item.id: item for item in self.index.chunks(i for i, _ in ranked[:RERANK_DEPTH])}
        ranked = nudge(ranked[:RERANK_DEPTH], chunks, understood.asks) + ranked[RERANK_DEPTH:]
        wanted = understood.tone if understood.asks in ("across", "topic") else 0
        if wanted:  # "which councils were criticised for ...": the critical passages first, the approving last
            ranked = toned(ranked[:RERANK_DEPTH], wanted, lambda i: self.tone.of(self.index.vector(i))) + ranked[RERANK_DEPTH:]
        if understood.asks == "across":
            ranked = spread(ranked, chunks, per_document=1, k=k)
        return ranked, structural

    def search(self, question: str, k: int = 5, filters: bool = True, mode: str = "hybrid") -> list[Hit]:
        """Just the passages for ``question``, best first."""
        return list(self.ask(question, k, filters, mode).hits)

    def _rank(self, topic: str, query: np.ndarray, allowed: frozenset[int] | None, mode: str) -> list[tuple[int, float]]:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        dense = self.index.search(query, CANDIDATES, allowed) if mode != "lexical" else []
        lexical = self.index.lexical(self._lexical_query(topic, allowed), CANDIDATES, allowed) if mode != "dense" else []
        if mode == "dense":
            return dense
        if mode == "lexical":
            return lexical or dense  # a question with no topic words still gets passages
        return fuse([dense, lexical])

    def _lexical_query(self, topic: str, allowed: frozenset[int] | None) -> str | None:
        """The full-text query for ``topic``. Within a filter, terms found in more than half of the allowed passages
        are left out: FTS5 weighs terms by their rarity in the whole index, but within one council's reports a word
        of every section heading (a grade such as "good") matches everywhere and would outvote the passages that
        answer, as the Robertson-Sparck Jones weight, which is negative for such terms, would not let it."""
        parts = fts_terms(topic, self.glossary)
        if allowed and len(allowed) <= INFORMATIVE_WITHIN:
            parts = [part for part in parts if 2 * self.index.matching(part, allowed) <= len(allowed)]
        return match_any(parts)

    def _grades_first(self, ranked: list[tuple[int, float]], query: np.ndarray, allowed: frozenset[int] | None,
                      question_area: str = "") -> list[tuple[int, float]]:
        """For a question about grades, the passages stating grades (judgement tables) lead, closest first."""
        tables = self.index.judgement_chunks(allowed)
        area = area_of(question_area) if question_area else None
        stored = {item.id: item.chunk.text for item in self.index.chunks(tables)} if area else {}

        def closeness(i: int) -> tuple[bool, float]:  # a passage about the area asked for first, then by meaning
            return (bool(area) and area_of(stored.get(i, "")) == area, float(self.index.vector(i) @ query))

        return _lead(sorted(tables, key=closeness, reverse=True), ranked, GRADE_PASSAGES)

    def _hits(self, ranked: Sequence[tuple[int, float]], query: np.ndarray) -> list[Hit]:
        stored = self.index.chunks(i for i, _ in ranked)
        scores = dict(ranked)
        hits = []
        for rank, item in enumerate(stored, start=1):
            similarity = float(self.index.vector(item.id) @ query)
            hits.append(Hit(rank, scores[item.id], item.id, item.chunk, item.document, None, similarity))
        return hits


_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z]+(?:[-\s][A-Z][A-Za-z]+)*\b")
_COMMON_NAMES = frozenset({"ofsted", "i", "council", "county", "city", "borough", "hmi", "ilacs", "sif"})


def proper_names(question: str, understood: Understanding) -> list[str]:
    """Capitalised words or runs inside the question (not its first word), other than the councils it names."""
    text = question.replace("’", "'")
    for mention in reversed(authorities.load().mentions(text)):  # "Notts", "North Northants": councils, not unknowns
        text = text[:mention.start] + " x " + text[mention.end:]
    councils = " ".join(understood.authorities + understood.missing).lower()
    names = []
    for match in _NAME.finditer(text):
        words = [word for word in match.group(0).split() if word.lower() not in _COMMON_NAMES and word.lower() not in councils]
        names += [word for word in words if word.lower() not in STOPWORDS and not word.isupper()]
    return list(dict.fromkeys(names))


def _grade_statements(answer: Answer, table: Sequence[GradeRow], hits: Sequence[Hit]) -> Answer:
    """The answer to a question across councils about grades: each leading row's own statement of its grade,
    one per report, quoted from its passage (the composed answer when no row's passage is among the hits)."""
    ranks = {hit.id: hit.rank for hit in hits}
    quotes: list[Quote] = []
    documents: set[int] = set()
    for row in table:
        if row.quote and row.passage in ranks and row.document_id not in documents and len(quotes) < MAX_SENTENCES:
            quotes.append(Quote(row.quote, (ranks[row.passage],), answer.confidence))
            documents.add(row.document_id)
    return replace(answer, quotes=tuple(quotes)) if quotes else answer


def _lead(first: Sequence[int], ranked: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
    """``ranked`` with the passages ``first`` (up to ``k``) put ahead, in that order."""
    lead = list(dict.fromkeys(first))[:k]
    top = ranked[0][1] if ranked else 1.0
    chosen = set(lead)
    return [(i, top + 0.01 * (len(lead) - n)) for n, i in enumerate(lead)] + [(i, s) for i, s in ranked if i not in chosen]


def fuse(rankings: Sequence[Sequence[tuple[int, float]]]) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion of several rankings into one, best first."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for position, (chunk_id, _) in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + position)
    return sorted(fused.items(), key=lambda item: -item[1])


def open_searcher(
    settings: Settings, embedder: Embedder | None = None, factory: Callable[[str], Embedder] | None = None
) -> Searcher:
    """Load the index in ``settings.index`` and the model it was built with (or refuse another)."""
    index = Index.load(settings.index)
    check_model(index.manifest, settings.model, settings.index)
    if embedder is None and factory is not None:
        embedder = factory(index.manifest.model)
    if embedder is None:
        from ingest.embed import SentenceEmbedder

        embedder = SentenceEmbedder.for_questions(index.manifest.model, settings)
    if embedder.dimension != index.manifest.dimension:
        raise IndexMismatch(
            f"the model makes {embedder.dimension}-dimensional vectors but the index in {settings.index}/ holds "
            f"{index.manifest.dimension}; rebuild it with: python -m ingest --rebuild --index {settings.index}"
        )
    return Searcher(index, embedder, no_answer_below=settings.no_answer_below)
