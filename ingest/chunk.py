"""Split a document into paragraph chunks with their citations and offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ingest.document import HEADING, ITEM, PARAGRAPH, Block, Chunk, Document, Span
from ingest.layout import union
from ingest.sections import part_of
from ingest.sentences import sentence_spans

# Sections that index the report rather than say anything about children's services.
SKIPPED_SECTIONS = {"contents"}


@dataclass(frozen=True)
class ChunkSettings:
    """How paragraphs become chunks; recorded in the index manifest."""

    max_chars: int = 1000  # MiniLM reads 256 word pieces, about 1,000 characters of report prose
    item_chars: int = 250  # list items shorter than this are kept together with their lead-in
    # A line shorter than this with no sentence end ("Leadership and management", "Quality of practice") is a
    # sub-heading set as text; it opens the passage after it rather than being a passage of its own.
    label_chars: int = 60


DEFAULT_CHUNKING = ChunkSettings()


# A heading that says something ("Inspection dates: 7 to 18 October 2019", "The overall judgement is that children's
# services are inadequate", "Help and protection: requires improvement to be good") is a passage as well as a label.
_LABEL_VALUE = re.compile(r":\s*\S")
_STATEMENT = re.compile(r"\b(?:is|are|was|were|has|have|had|requires?|remains?|continues?)\b", re.I)


def states_something(heading: str) -> bool:
    """True when a heading's text is a statement or a "label: value" line, not just a topic."""
    text = heading.strip()
    if text.endswith("?") or len(text.split()) < 3:
        return False
    return bool(_LABEL_VALUE.search(text) or _STATEMENT.search(text))


def chunk_document(document: Document, settings: ChunkSettings = DEFAULT_CHUNKING) -> list[Chunk]:
    """The document's chunks in reading order; headings label chunks, and are chunks only when they state something."""
    chunks: list[Chunk] = []
    for unit, section in _units(document.spans, settings):
        chunks += _split(document, unit, section, settings)
    return chunks


def _units(spans: Sequence[Span], settings: ChunkSettings) -> Iterator[tuple[list[Span], str | None]]:
    """Groups of spans that make one passage: a paragraph, a table, or a run of short items."""
    section: str | None = None
    pending: list[Span] = []
    contents = False  # within a table of contents: its entries, headings or not, are no passages
    for span in spans:
        block = span.block
        contents = _opens_contents(block) or (contents and _contents_entry(block))
        if block.kind == HEADING:
            yield from _flush(pending, section)
            if block.text.rstrip().endswith(":") and not contents:  # a lead-in set as a heading ("The LSCB is
                # inadequate because:")
                pending, section = [span], block.text
                continue
            if states_something(block.text) and not contents:
                yield [span], section
            pending, section = [], block.text
            continue
        if contents:
            continue
        if pending and not _joins(pending, span, settings):
            yield from _flush(pending, section)
            pending = []
        pending.append(span)
    yield from _flush(pending, section)


def _opens_contents(block: Block) -> bool:
    """True for a report's "Contents" heading (set alone, or run into its first entry: "Contents Section 1: the local
    authority 3")."""
    return block.kind == HEADING and block.text.strip().lower().split(" ", 1)[0] in SKIPPED_SECTIONS


def _contents_entry(block: Block) -> bool:
    """True for a block of a table of contents: each of its lines ends in a page number ("Summary of key findings 3")."""
    lines = [line.strip() for line in block.text.split("\n") if line.strip()]
    return bool(lines) and all(_PAGE_NUMBERED.search(line) for line in lines)


# A table of contents' entry: words, then the page number.
_PAGE_NUMBERED = re.compile(r"[^\W\d]\W*\s+\d{1,3}$")


def _flush(pending: list[Span], section: str | None) -> Iterator[tuple[list[Span], str | None]]:
    if pending:
        yield pending, section


def _joins(pending: Sequence[Span], span: Span, settings: ChunkSettings) -> bool:
    """True when ``span`` belongs with the passage before it: what a lead-in or sub-heading introduces, or a list
    item with short sibling items."""
    if all(_introduces(item.block, settings) for item in pending):
        return True
    if span.block.kind != ITEM or span.end - pending[0].start > settings.max_chars:
        return False
    lead = pending[0].block
    if lead.kind == PARAGRAPH and lead.text.rstrip().endswith(":"):
        return all(item.block.kind == ITEM for item in pending[1:])
    short = lambda block: block.kind == ITEM and len(block.text) < settings.item_chars  # noqa: E731
    return short(span.block) and all(short(item.block) for item in pending)


def _introduces(block: Block, settings: ChunkSettings) -> bool:
    """True for a line that only introduces what follows: a lead-in ending in ":" or a short line with no sentence
    end (a sub-heading set as text), not a table row or a "label: value" line ("Lead inspector: ...")."""
    text = block.text.strip()
    if " | " in text or _LABEL_VALUE.search(text):
        return False
    return text.endswith(":") or (len(text) < settings.label_chars and not text.endswith((".", "!", "?")))


def _split(document: Document, unit: Sequence[Span], section: str | None, settings: ChunkSettings) -> list[Chunk]:
    """The unit as one chunk, or cut at sentence ends when it is one overlong paragraph; each chunk carries
    its sentences (offsets into its own text), split once here so that no question ever splits them again."""
    first = unit[0]
    start, end = first.start, unit[-1].end
    sentences = [(start + a, start + b) for a, b in sentence_spans(document.text[start:end])]
    pieces = [(start, end)]
    if end - start > settings.max_chars and sentences and all(_introduces(span.block, settings) for span in unit[:-1]):
        pieces = _sentence_pieces(document.text, sentences, start, end, settings.max_chars)
    boxes = [span.block.box for span in unit if span.block.box and span.block.page == first.block.page]
    box = union(boxes) if boxes else None
    return [
        Chunk(document.file, document.text[a:b], a, b, first.block.number, section, first.block.page,
              tuple((x - a, y - a) for x, y in sentences if a <= x and y <= b), box, part_of(section, document.text[a:b]))
        for a, b in pieces
    ]


def _sentence_pieces(text: str, sentences: Sequence[tuple[int, int]], start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` at sentence ends into near-equal pieces of at most ``limit`` (where sentences allow)."""
    target = (end - start) / -(-(end - start) // limit)
    pieces: list[tuple[int, int]] = []
    piece_start, piece_end = sentences[0][0], None
    for a, b in sentences:
        if piece_end is not None and b - piece_start > limit:
            pieces.append((piece_start, piece_end))
            piece_start = a
        piece_end = b
        if b - piece_start >= target:
            pieces.append((piece_start, b))
            piece_start, piece_end = b, None
    if piece_end is not None:
        pieces.append((piece_start, piece_end))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in pieces]
