"""Split text into sentences with character offsets (pysbd, rule-based, no model), in time linear in its length."""

from __future__ import annotations

import re
import threading

import pysbd

# pysbd's cost grows faster than linearly with the text it is given, so it only ever sees windows of at most
# this many characters, cut where a sentence visibly ends (or, failing that, at a space).
WINDOW = 1000
_BOUNDARY = re.compile(r"[.!?][)\"”’']?\s+(?=[A-Z0-9(\"“‘'])")
# A segmenter keeps per-call state, so each thread gets its own (the page serves visitors from many threads).
_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    segmenter = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return segmenter


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, trailing spaces and newlines excluded; a line break always ends one."""
    spans = []
    cursor = 0
    for piece in text.split("\n"):
        for start, end in windows(piece):
            spans += [(cursor + start + a, cursor + start + b) for a, b in _piece_spans(piece[start:end])]
        cursor += len(piece) + 1
    return spans


def windows(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """Consecutive (start, end) slices of ``text`` of at most ``size`` characters, cut after a sentence end where
    one is in reach, else at the last space, else hard."""
    cuts = []
    start = 0
    while len(text) - start > size:
        limit = start + size
        ends = [match.end() for match in _BOUNDARY.finditer(text, start + size // 4, limit)]
        end = ends[-1] if ends else text.rfind(" ", start + 1, limit) + 1 or limit
        cuts.append((start, end))
        start = end
    cuts.append((start, len(text)))
    return cuts


def _piece_spans(piece: str) -> list[tuple[int, int]]:
    spans = []
    for span in _segmenter().segment(piece) if piece.strip() else []:
        start, end = span.start, span.end
        while end > start and piece[end - 1].isspace():
            end -= 1
        while start < end and piece[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans
