"""How critical or approving a passage reads (whether a question asks for criticism or praise is read from
examples, by search/intent.py)."""

from __future__ import annotations

import numpy as np

from ingest.embed import Embedder

# How an inspector writes each (the model reads a passage's tone as its distance to these two).
CRITICAL_VOICE = "Inspectors found weaknesses: practice is poor, inconsistent and not good enough, with delays and gaps."
APPROVING_VOICE = "Inspectors found strengths: practice is strong, consistent and effective, and children are well supported."


class Tone:
    """A passage's tone from its stored vector: above 0 when it reads closer to praise than to criticism."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._voices: np.ndarray | None = None

    def prepare(self) -> None:
        """Embed the two voices now (a first question asking for criticism or praise would wait for them)."""
        self._voiced()

    def of(self, vector: np.ndarray) -> float:
        """The tone of a passage with this (unit-length) vector."""
        return float(self.of_many(np.asarray(vector)[None, :])[0])

    def of_many(self, vectors: np.ndarray) -> np.ndarray:
        """The tone of each row of ``vectors``."""
        approving, critical = self._voiced() @ np.asarray(vectors, dtype=np.float32).T
        return approving - critical

    def _voiced(self) -> np.ndarray:
        """The two voices' vectors, embedded once per loaded model (a race embeds them twice, harmlessly)."""
        if self._voices is None:
            self._voices = self._embedder.embed([APPROVING_VOICE, CRITICAL_VOICE])
        return self._voices
