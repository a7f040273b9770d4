"""Find the passages that answer a question, and the sentence in each that answers best."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ingest.config import Settings
from ingest.document import Chunk
from ingest.embed import Embedder
from ingest.sentences import sentence_spans
from search.understand import focus
from search.index import DocumentRecord, Index, IndexMismatch, StoredChunk, check_model


@dataclass(frozen=True)
class Hit:
    """One retrieved passage: where it is from, how well it matched, and its best sentence."""

    rank: int
    score: float
    id: int
    chunk: Chunk
    document: DocumentRecord
    highlight: tuple[int, int] | None = None  # best sentence, as offsets into chunk.text


class Searcher:
    """A loaded index and its embedding model, answering many questions without reloading."""

    def __init__(self, index: Index, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The ``k`` best passages for ``question``, best first, each with its best sentence marked."""
        question = " ".join(question.split())
        if not question or k <= 0:
            return []
        query = self.embedder.embed([focus(question)])[0]
        found = self.index.search(query, k)
        stored = self.index.chunks(i for i, _ in found)
        scores = dict(found)
        return [self._hit(rank, item, scores[item.id], query) for rank, item in enumerate(stored, start=1)]

    def _hit(self, rank: int, item: StoredChunk, score: float, query: np.ndarray) -> Hit:
        return Hit(rank, score, item.id, item.chunk, item.document, self.best_sentence(item.chunk.text, query))

    def best_sentence(self, text: str, query: np.ndarray) -> tuple[int, int] | None:
        """Offsets of the sentence in ``text`` closest to the query vector."""
        spans = sentence_spans(text)
        if len(spans) <= 1:
            return spans[0] if spans else None
        vectors = self.embedder.embed([text[a:b] for a, b in spans])
        return spans[int(np.argmax(vectors @ query))]


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
    return Searcher(index, embedder)
