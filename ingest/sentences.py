"""Split text into sentences with character offsets (pysbd, rule-based, no model)."""

from __future__ import annotations

from functools import lru_cache

import pysbd


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, trailing spaces and newlines excluded."""
    spans = []
    cursor = 0
    for piece in text.split("\n"):
        spans += [(cursor + start, cursor + end) for start, end in _piece_spans(piece)]
        cursor += len(piece) + 1
    return spans


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
