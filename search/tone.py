"""How critical or approving a passage or sentence reads (whether a question asks for criticism or praise is read from
examples, by search/intent.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from ingest.embed import Embedder, cached_vectors
from search.datafile import pairs

# How an inspector writes each: a sentence's tone is its closeness to the first less its closeness to the second.
CRITICAL_VOICE = "Inspectors found weaknesses: practice is poor, inconsistent and not good enough, with delays and gaps."
APPROVING_VOICE = "Inspectors found strengths: practice is strong, consistent and effective, and children are well supported."
# Across councils, a passage's tone is read along the approving report sentences' mean vector less the critical ones'
# (this file). Held out by report, that direction separates those sentences with an area under the ROC curve of 0.93
# against the voices' 0.78; in ranking passages across councils it puts the answering one first more often, while in
# choosing the sentence to quote, and in ranking one council's findings, the voices quote the gold more often
# (docs/quality.md, twenty-ninth and thirtieth rounds).
LABELLED = Path(__file__).with_name("data") / "tone.txt"
CRITICAL, APPROVING = "critical", "approving"
# The difference from the candidates' median tone that counts as a clear tone, by the voices (set, not fitted: half
# the spread between the quartiles over the shared reports' passages, 0.085-0.236) and along the labelled direction
# (chosen on the development files, 0.024 against 0.048 and 0.096; half the spread between its quartiles too).
SENTENCE_FULL = 0.075
PASSAGE_FULL = 0.024


def load(path: Path = LABELLED) -> tuple[list[str], list[str]]:
    """The labelled sentences of ``path``: the critical ones and the approving ones."""
    labelled: dict[str, list[str]] = {CRITICAL: [], APPROVING: []}
    for number, label, text in pairs(path):
        if label not in labelled or not text:
            raise ValueError(f"{path}, line {number}: expected '{CRITICAL} | sentence' or '{APPROVING} | sentence'")
        labelled[label].append(text)
    if not labelled[CRITICAL] or not labelled[APPROVING]:
        raise ValueError(f"{path}: needs at least one '{CRITICAL}' and one '{APPROVING}' sentence")
    return labelled[CRITICAL], labelled[APPROVING]


class Tone:
    """Tones from stored vectors, above 0 when a text reads more like praise than criticism. Thread-safe: what it
    embeds is embedded once, under a lock (the labelled sentences from the cache when it holds their vectors)."""

    def __init__(self, embedder: Embedder, cache: Path | None = None, path: Path = LABELLED) -> None:
        self._embedder = embedder
        self._cache = cache
        self._path = path
        self._lock = threading.Lock()
        self._voices: np.ndarray | None = None
        self._direction: np.ndarray | None = None

    def prepare(self) -> None:
        """Embed the voices and the labelled sentences now (a first question asking for criticism or praise would
        wait for them)."""
        self._voiced()
        self._along()

    def across(self, vector: np.ndarray) -> float:
        """The tone of a passage with this (unit-length) vector, read along the labelled sentences."""
        return float(np.asarray(vector, dtype=np.float32) @ self._along())

    def voiced(self, vectors: np.ndarray) -> np.ndarray:
        """The tone by the voices of each row of ``vectors`` (sentences, or one council's passages)."""
        approving, critical = self._voiced() @ np.asarray(vectors, dtype=np.float32).T
        return approving - critical

    def _voiced(self) -> np.ndarray:
        with self._lock:
            if self._voices is None:
                self._voices = self._embedder.embed([APPROVING_VOICE, CRITICAL_VOICE])
            return self._voices

    def _along(self) -> np.ndarray:
        with self._lock:
            if self._direction is None:
                critical, approving = load(self._path)
                vectors = cached_vectors(self._embedder, [*critical, *approving], self._cache, "tone")
                self._direction = (vectors[len(critical):].mean(axis=0)
                                   - vectors[:len(critical)].mean(axis=0)).astype(np.float32)
            return self._direction
