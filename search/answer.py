"""Compose an answer from sentences quoted verbatim from the top passages, or say there is none."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.document import Chunk
from ingest.embed import Embedder
from ingest.sentences import sentence_spans
from search.lexical import terms

MAX_SENTENCES = 4
# Sentences with no more letters and digits than this are fragments, quoted only when nothing longer is found.
MIN_QUOTE = 20
PASSAGES_READ = 5
# A sentence joins the answer when it scores within this margin of the best one.
MARGIN = 0.08
# Below this best-sentence relevance the reports are taken not to answer the question (the evidence rules of
# search/retrieve.py decide first). Calibrated for all-MiniLM-L6-v2 on ../shared/questions/dev.json, written by
# people who had not seen the product, with `python -m search.evaluate ../shared/questions/dev.json --calibrate`
# (0.4907: at most 5% of its answerable questions flagged); tests/questions.json is reported with it.
# OFSTED_NO_ANSWER_BELOW overrides it.
NO_ANSWER_BELOW = 0.49
# Sentence score = cosine + OVERLAP x share of question words used + PRIOR / passage rank; weights
# chosen on tests/questions.json (first sentence holding a gold phrase: 0.56 at 0.15/0.02, 0.66 here).
OVERLAP = 0.5
PRIOR = 0.05
# Relevance for "not found" leans on meaning: one shared word ("school" in "school dinners" and
# "free school meals") must not make an unrelated passage look like an answer.
RELEVANCE_OVERLAP = 0.15
GRADE_BONUS = 0.5
GRADE_STATEMENT = re.compile(r"\| *(?:outstanding|good|requires improvement|inadequate)|\b(?:is|are|requires?|judged to be) "
                             r"(?:outstanding|good|inadequate|improvement to be good)\b", re.I)
# A number stated in a sentence: digits that are not a year, a day of a month or a paragraph number, a number word,
# a share or an amount of money ("eight inspectors", "291 children", "nineteen per cent", "£2m").
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
QUANTITY = re.compile(rf"(?<![\d./-])\b(?!(?:19|20)\d\d\b)\d[\d,]*(?:\.\d+)?\b"
                      rf"(?!\s*(?:(?:to|and|-|–)\s*\d+\s*)?{_MONTH}\b|\s*/|\.\d)|%|£|\bper ?cent\b|"
                      r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                      r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|"
                      r"thousands?|millions?|dozens?|half|halves|thirds?|quarters?)\b", re.I)
# For a question asking for a number, sentences stating one score this much higher (set, not fitted: a little above
# MARGIN, so a number-stating sentence close to the best one is quoted, and one far below it is not).
QUANTITY_BONUS = 0.1
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Quote:
    """One answer sentence, exactly as written in each passage (by rank) that contains it."""

    text: str
    passages: tuple[int, ...]
    score: float


@dataclass(frozen=True)
class Answer:
    """The quoted answer, how relevant its best sentence was, and whether the reports answer at all."""

    quotes: tuple[Quote, ...]
    confidence: float
    no_answer: bool


@dataclass(frozen=True)
class Sentence:
    """A sentence of a retrieved passage: passage rank, offsets in the passage text, relevance."""

    rank: int
    start: int
    end: int
    text: str
    score: float  # ranks sentences for the answer
    relevance: float = 0.0  # decides whether the reports answer at all


def score_sentences(topic: str, query: np.ndarray, passages: Sequence[tuple[int, Chunk]], embedder: Embedder,
                    grades: bool = False, stored: Mapping[int, np.ndarray] | None = None,
                    quantity: bool = False) -> list[Sentence]:
    """Every sentence of the (rank, chunk) passages, scored by meaning and by the question's own words;
    for a question about grades, sentences that state a grade come first. ``stored`` holds, by rank, the
    sentence vectors kept at ingest; only the sentences of a passage without them are embedded here."""
    pieces = [(rank, a, b, chunk.text[a:b]) for rank, chunk in passages
              for a, b in chunk.sentences or sentence_spans(chunk.text)]
    if not pieces:
        return []
    vectors = _sentence_vectors(passages, pieces, embedder, stored or {})
    similarity = vectors @ query
    words = terms(topic)
    sentences = []
    for (rank, a, b, text), sim in zip(pieces, similarity):
        overlap = _overlap(words, text)
        bonus = GRADE_BONUS if grades and GRADE_STATEMENT.search(text) else 0.0
        bonus += QUANTITY_BONUS if quantity and states_quantity(text) else 0.0
        sentences.append(Sentence(rank, a, b, text, float(sim) + OVERLAP * overlap + PRIOR / rank + bonus,
                                  float(sim) + RELEVANCE_OVERLAP * overlap))
    return sentences


def _sentence_vectors(passages: Sequence[tuple[int, Chunk]], pieces: Sequence[tuple[int, int, int, str]],
                      embedder: Embedder, stored: Mapping[int, np.ndarray]) -> np.ndarray:
    """One vector per piece, in order: the stored ones where a passage has one per sentence, else embedded now."""
    counts = {rank: len(chunk.sentences) for rank, chunk in passages}
    usable = {rank for rank, matrix in stored.items() if counts.get(rank) and len(matrix) == counts[rank]}
    missing = [piece[3] for piece in pieces if piece[0] not in usable]
    embedded = iter(embedder.embed(missing)) if missing else iter(())
    rows, seen = [], dict.fromkeys(usable, 0)
    for rank, _, _, _ in pieces:
        if rank in usable:
            rows.append(stored[rank][seen[rank]])
            seen[rank] += 1
        else:
            rows.append(next(embedded))
    return np.vstack(rows).astype(np.float32)


def _overlap(words: Sequence[str], text: str) -> float:
    """Share of the question's topic words that the sentence uses (matching on a 5-letter stem)."""
    if not words:
        return 0.0
    present = set(_stems(terms(text)))
    return sum(1 for stem in _stems(words) if stem in present) / len(words)


def _stems(words: Sequence[str]) -> list[str]:
    return [word[:5] for word in words]


def compose(sentences: Sequence[Sentence], threshold: float = NO_ANSWER_BELOW) -> Answer:
    """The best one to four sentences, each once with every passage that holds it word for word; flags no answer."""
    ranked = sorted(sentences, key=lambda sentence: -sentence.score)
    if not ranked:
        return Answer((), 0.0, True)
    # Fragments (a table cell, a heading-like line) are quoted only when nothing longer was found, and the
    # margin is measured from the best sentence that can be quoted, so an answer is never left empty.
    quotable = [sentence for sentence in ranked if len(_key(sentence.text)) > MIN_QUOTE] or ranked
    best = quotable[0].score
    allowed = {id(sentence) for sentence in quotable}
    chosen: dict[str, tuple[Sentence, list[int]]] = {}
    for sentence in ranked:
        key = _key(sentence.text)
        if key in chosen:
            first, ranks = chosen[key]
            if sentence.text == first.text:  # the same words elsewhere: one more source, shown once
                ranks.append(sentence.rank)
            continue
        if len(chosen) < MAX_SENTENCES and sentence.score >= best - MARGIN and id(sentence) in allowed:
            chosen[key] = (sentence, [sentence.rank])
    quotes = tuple(Quote(first.text, tuple(sorted(set(ranks))), round(first.score, 4)) for first, ranks in chosen.values())
    relevance = max(sentence.relevance for sentence in ranked)
    return Answer(quotes, round(relevance, 4), relevance < threshold)


def states_quantity(text: str) -> bool:
    """True when ``text`` states a number (not a year or a date)."""
    return bool(QUANTITY.search(text))


def _key(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


def best_in_passage(sentences: Sequence[Sentence], rank: int) -> tuple[int, int] | None:
    """Offsets of the best-scoring sentence of one passage."""
    mine = [sentence for sentence in sentences if sentence.rank == rank]
    if not mine:
        return None
    top = max(mine, key=lambda sentence: sentence.score)
    return top.start, top.end
