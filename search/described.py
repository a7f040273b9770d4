"""Recognise the inspection term a question's topic describes in everyday words, from plain descriptions of each."""

from __future__ import annotations

import re
import threading
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.embed import Embedder, cached_vectors
from search.datafile import pairs
from search.lexical import forms, terms

DEFAULT = Path(__file__).with_name("data") / "described.txt"
# A topic at least this close to a term's nearest description, and this much closer than to any other term's, is taken
# to describe that term. Chosen on the development files: 0.72 gained four answers (tests/questions.json, rewordings4,
# rewordings5 twice) and lost none; 0.70 a rewordings5 first sentence more; 0.68 lost a questions.json first
# sentence. A margin of 0.0 or 0.1 did no better.
NEAREST = 0.70
MARGIN = 0.05
# A topic of fewer words than this is not read as a description: two words are typed in the words the asker expects
# the reports to use ("missing children"), and the nearest term would only narrow them ("return home interviews").
MIN_WORDS = 3
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Description:
    """One everyday description of an inspection term."""

    term: str  # as the reports write it ("life-story work")
    text: str  # in everyday words ("helping children in care understand their past and why they're in care")


def load(path: Path = DEFAULT) -> tuple[Description, ...]:
    """The descriptions of the data file: one "term | description" a line, "#" comments."""
    descriptions = []
    for number, term, text in pairs(path):
        if not term or not text:
            raise ValueError(f"{path}, line {number}: write a term, \"|\" and a description of it")
        descriptions.append(Description(term, text))
    return tuple(descriptions)


class Described:
    """The term a question's topic describes without using it. Thread-safe: the descriptions are embedded once, under
    a lock, on first use (or ``prepare``), their vectors kept in ``cache`` (a folder) for the next process."""

    def __init__(self, embedder: Embedder, descriptions: tuple[Description, ...] | None = None,
                 cache: Path | None = None) -> None:
        self._embedder = embedder
        self._descriptions = descriptions
        self._cache = cache
        self._lock = threading.Lock()
        self._vectors: np.ndarray | None = None
        self._terms: tuple[str, ...] = ()
        self._meanings: dict[tuple[str, ...], np.ndarray] = {}  # each term's words: its descriptions' mean vector
        self._words: dict[str, list[list[str]]] = {}  # each term's descriptions, as words

    def prepare(self) -> np.ndarray:
        """The descriptions' vectors, embedded now if they were not (a server does it while it loads)."""
        with self._lock:
            if self._vectors is None:
                descriptions = self._descriptions if self._descriptions is not None else load()
                self._terms = tuple(item.term for item in descriptions)
                for item in descriptions:
                    self._words.setdefault(item.term, []).append(_WORDS.findall(item.text.lower()))
                self._vectors = cached_vectors(self._embedder, [item.text for item in descriptions], self._cache,
                                               "described")
                for term in dict.fromkeys(self._terms):
                    mean = self._vectors[[i for i, other in enumerate(self._terms) if other == term]].mean(axis=0)
                    self._meanings[tuple(_WORDS.findall(term.lower()))] = mean / np.linalg.norm(mean)
            return self._vectors

    def meanings(self, topic: str) -> np.ndarray | None:
        """The meaning, in everyday words, of each term ``topic`` uses ("front door"): its descriptions' mean vector,
        one row a term (None when it uses none). The model reads some of the sector's terms as the words say (a house's
        front door); a sentence on the point is judged as close to what the term means as to the words."""
        used = [self._meanings[words] for words in self.used(topic)]
        return np.vstack(used).astype(np.float32) if used else None

    def used(self, topic: str) -> list[tuple[str, ...]]:
        """The terms ``topic`` uses, as words."""
        self.prepare()
        spaced = f" {' '.join(_WORDS.findall(topic.lower()))} "
        return [words for words in self._meanings if f" {' '.join(words)} " in spaced]

    def is_term(self, phrase: str) -> bool:
        """True when ``phrase`` is one of the described terms, in any case and spacing."""
        self.prepare()
        return tuple(_WORDS.findall(phrase.lower())) in self._meanings

    def only_terms(self, topic: str) -> bool:
        """True when every word of ``topic`` (its ``terms``) is a word of a term it uses ("report children who go
        missing"): it names what it asks in the sector's words and describes nothing in its own."""
        used = {word for words in self.used(topic) for word in words}
        return bool(used) and all(word.lower() in used for word in terms(topic))

    def term(self, topic: str, vector: np.ndarray, phrasing: Container[str] = ()) -> str | None:
        """The term ``vector`` (the topic's) is clearly nearest (``nearest``), unless ``topic`` is of fewer than
        MIN_WORDS words, not counting ``phrasing`` (the words asking whether something changed or comparing councils:
        "care leavers vs", comparing two years, and "compare ... on private fostering" describe no term), or already
        uses each of the term's."""
        return self.described_by(topic, self.nearest(vector), phrasing)

    def described_by(self, topic: str, nearest: str | None, phrasing: Container[str] = ()) -> str | None:
        """``term``, given the term the topic's vector is clearly nearest (``nearest``, computed once a question)."""
        if nearest is None or len([word for word in terms(topic) if word.lower() not in phrasing]) < MIN_WORDS:
            return None
        return None if set(_WORDS.findall(nearest.lower())) <= set(_WORDS.findall(topic.lower())) else nearest

    def nearest(self, vector: np.ndarray) -> str | None:
        """The term whose descriptions ``vector`` is clearly nearest: NEAREST at least, by MARGIN over any other
        term's."""
        closeness = self.prepare() @ np.asarray(vector, dtype=np.float32)
        order = np.argsort(-closeness)
        term = self._terms[int(order[0])]
        other = next((closeness[i] for i in order if self._terms[int(i)] != term), 0.0)
        return None if closeness[order[0]] < NEAREST or closeness[order[0]] - other < MARGIN else term

    def closeness(self, term: str, vector: np.ndarray) -> float:
        """How close ``vector`` is to the nearest description of ``term`` (0 for a term not described)."""
        vectors = self.prepare()
        rows = [i for i, other in enumerate(self._terms) if other == term]
        return float((vectors[rows] @ np.asarray(vector, dtype=np.float32)).max()) if rows else 0.0

    def says(self, term: str, word: str) -> bool:
        """Whether a description of ``term`` uses ``word`` or another form of it ("listening" of "listen")."""
        self.prepare()
        return any(forms(word.lower(), used) for item in self._words.get(term, ()) for used in item)
