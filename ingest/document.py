"""The records that cross module boundaries: blocks, documents and chunks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.metadata import Description

HEADING = "heading"
PARAGRAPH = "paragraph"
ITEM = "item"
TABLE = "table"


# Where a block or chunk is printed on its (first) page: (left, top, right, bottom) as shares of the page's width
# and height, so that a page image of any size can show it.
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Block:
    """One unit of a report's layout: a heading, paragraph, list item or table."""

    kind: str
    text: str
    page: int | None = None
    number: str | None = None
    box: Box | None = None  # PDFs only


@dataclass(frozen=True)
class Span:
    """A block placed in the document text: ``text[start:end]`` is its content."""

    block: Block
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A read file: its extracted text, laid-out blocks and metadata."""

    file: str
    sha256: str
    text: str
    spans: tuple[Span, ...]
    description: Description


@dataclass(frozen=True)
class Chunk:
    """One indexed passage: a report paragraph (or part of a long one) with its citation."""

    file: str
    text: str
    start: int
    end: int
    paragraph: str | None
    section: str | None
    page: int | None
    sentences: tuple[tuple[int, int], ...] = ()  # (start, end) of each sentence in ``text``
    box: Box | None = None  # where it is printed on ``page`` (PDFs only)
    part: str = ""  # the part of the report it is in, one of ingest.sections.PARTS
