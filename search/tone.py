"""Whether a question asks for criticism or praise, and how critical or approving a passage reads."""

from __future__ import annotations

import re

import numpy as np

from ingest.embed import Embedder

# Everyday ways of asking for what inspectors found wanting, or found good. ("Concern" and "worry" are left out:
# in child protection they name a risk to a child, not a criticism of the council.)
_CRITICAL = re.compile(r"\b(?:critici[sz]\w*|problems?|weak\w*|poor\w*|not good enough|failings?|shortcomings?|"
                       r"short ?falls?|fell short|falls? short|gaps?|let down|struggl\w+|told off|flaws?|faults?|wrong|"
                       r"badly)\b", re.I)
_APPROVING = re.compile(r"\b(?:prais\w*|strong|strengths?|commend\w*|impress\w*|excellent|good practice|did well|"
                        r"doing well|done well|success\w*|well regarded|positive|best)\b", re.I)
# How an inspector writes each (the model reads a passage's tone as its distance to these two).
CRITICAL_VOICE = "Inspectors found weaknesses: practice is poor, inconsistent and not good enough, with delays and gaps."
APPROVING_VOICE = "Inspectors found strengths: practice is strong, consistent and effective, and children are well supported."


def asked_tone(question: str) -> int:
    """-1 when the question asks what was criticised, +1 when it asks what was praised, 0 for neither or both."""
    return int(bool(_APPROVING.search(question))) - int(bool(_CRITICAL.search(question)))


class Tone:
    """A passage's tone from its stored vector: above 0 when it reads closer to praise than to criticism."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._voices: np.ndarray | None = None

    def of(self, vector: np.ndarray) -> float:
        """The tone of a passage with this (unit-length) vector."""
        if self._voices is None:  # two sentences, embedded once per loaded model
            self._voices = self._embedder.embed([APPROVING_VOICE, CRITICAL_VOICE])
        approving, critical = self._voices @ vector
        return float(approving - critical)
