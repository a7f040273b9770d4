"""Find the passages that answer a question: dense and full-text rankings fused, filtered by what it asks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ingest.config import Settings
from ingest.document import Chunk
from ingest.embed import Embedder
from ingest.grades import GRADE_QUESTION
from ingest.store import DocumentRecord, Index, IndexMismatch, check_model
from search.answer import NO_ANSWER_BELOW, PASSAGES_READ, Answer, best_in_passage, compose, score_sentences
from search.glossary import Glossary, load
from search.lexical import fts_query
from search.understand import Understanding, Where, apply_where, focus, understand

MODES = ("hybrid", "dense", "lexical")
# Candidates taken from each ranking before fusing: deep enough that a passage ranked
# modestly by both sides still reaches the top after fusion.
CANDIDATES = 50
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


class Searcher:
    """A loaded index, its embedding model and the glossary, answering many questions without reloading."""

    def __init__(self, index: Index, embedder: Embedder, glossary: Glossary | None = None,
                 no_answer_below: float = NO_ANSWER_BELOW) -> None:
        self.index = index
        self.no_answer_below = no_answer_below
        self.embedder = embedder
        self.glossary = glossary if glossary is not None else load()

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
        grades = bool(GRADE_QUESTION.search(question))
        if grades:
            ranked = self._grades_first(ranked, query, allowed)
        ranked = ranked[:k]
        found = self._hits(ranked, query)
        passages = [(hit.rank, hit.chunk) for hit in found[:PASSAGES_READ]]
        sentences = score_sentences(understood.topic, query, passages, self.embedder, grades)
        hits = tuple(replace(hit, highlight=best_in_passage(sentences, hit.rank) or hit.highlight) for hit in found)
        return Result(question, understood, hits, compose(sentences, self.no_answer_below))

    def search(self, question: str, k: int = 5, filters: bool = True, mode: str = "hybrid") -> list[Hit]:
        """Just the passages for ``question``, best first."""
        return list(self.ask(question, k, filters, mode).hits)

    def _rank(self, topic: str, query: np.ndarray, allowed: frozenset[int] | None, mode: str) -> list[tuple[int, float]]:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        dense = self.index.search(query, CANDIDATES, allowed) if mode != "lexical" else []
        lexical = self.index.lexical(fts_query(topic, self.glossary), CANDIDATES, allowed) if mode != "dense" else []
        if mode == "dense":
            return dense
        if mode == "lexical":
            return lexical or dense  # a question with no topic words still gets passages
        return fuse([dense, lexical])

    def _grades_first(self, ranked: list[tuple[int, float]], query: np.ndarray, allowed: frozenset[int] | None) -> list[tuple[int, float]]:
        """For a question about grades, the passages stating grades (judgement tables) lead, closest first."""
        tables = self.index.judgement_chunks(allowed)
        tables = sorted(tables, key=lambda i: -float(self.index.vector(i) @ query))[:2]
        top = ranked[0][1] if ranked else 1.0
        lead = [(i, top + 0.01 * (len(tables) - n)) for n, i in enumerate(tables)]
        return lead + [(i, score) for i, score in ranked if i not in tables]

    def _hits(self, ranked: Sequence[tuple[int, float]], query: np.ndarray) -> list[Hit]:
        stored = self.index.chunks(i for i, _ in ranked)
        scores = dict(ranked)
        hits = []
        for rank, item in enumerate(stored, start=1):
            similarity = float(self.index.vector(item.id) @ query)
            hits.append(Hit(rank, scores[item.id], item.id, item.chunk, item.document, None, similarity))
        return hits


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

        embedder = SentenceEmbedder(index.manifest.model, settings.batch_size)
    if embedder.dimension != index.manifest.dimension:
        raise IndexMismatch(
            f"the model makes {embedder.dimension}-dimensional vectors but the index in {settings.index}/ holds "
            f"{index.manifest.dimension}; rebuild it with: python -m ingest --rebuild --index {settings.index}"
        )
    return Searcher(index, embedder, no_answer_below=settings.no_answer_below)
