"""Read any supported file into a Document: text, laid-out blocks and description."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ingest.chunk import states_something
from ingest.document import HEADING, Block, Document
from ingest.errors import ReadError
from ingest.layout import assemble, printable
from ingest.metadata import describe
from ingest.sidecar import apply_sidecar, sidecar_path

Reader = Callable[[Path], list[Block]]
# What reading a file gives (text, description, grades, report parts). Raise it with any change to them: documents an
# older extractor read are read again on the next ingest (and embedded again only where their passages changed).
# 1: kind from the report's own title; grade statements only of judgement areas; doubled PDF lines untangled; web
# furniture by whole class tokens. 2: control characters replaced by spaces. 3: a visit letter's sign-off is part
# "about" (ingest/sections.py). 4: a PDF line in bold starting in lower case ends the unfinished paragraph above it
# (a SIF report's cover: "The effectiveness of the ... (LSCB) is" / "good"), not a heading. 5: a table of contents'
# entries set as headings are left out with it (ingest/chunk.py). 6: a lead inspector "on site", or the first of two;
# a visit's days written "on the 15 and 16 of May 2018" (ingest/metadata.py).
EXTRACTOR = 6


def _pdf(path: Path) -> list[Block]:
    from ingest.pdf import read_pdf  # pdfplumber loads in a fraction of a second, but only PDFs need it

    return read_pdf(path)


def _text(path: Path) -> list[Block]:
    from ingest.text import read_text

    return read_text(path)


def _docx(path: Path) -> list[Block]:
    from ingest.office import read_docx

    return read_docx(path)


def _html(path: Path) -> list[Block]:
    from ingest.web import read_html

    return read_html(path)


READERS: dict[str, Reader] = {".pdf": _pdf, ".txt": _text, ".md": _text, ".docx": _docx, ".html": _html, ".htm": _html}


def supported(path: Path) -> bool:
    """True when a reader exists for the file's extension."""
    return path.suffix.lower() in READERS


def file_hash(path: Path) -> str:
    """The sha256 of a file's bytes, the key that decides whether it must be re-read."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_document(path: Path, sha256: str | None = None, max_pages: int | None = None,
                  max_chars: int | None = None) -> Document:
    """The document in ``path``; raises ReadError naming the file and the fix, also when it has more than
    ``max_pages`` pages (PDFs) or its text more than ``max_chars`` characters."""
    if not path.is_file():
        raise ReadError(path, "no such file; check the path")
    if path.stat().st_size == 0:
        raise ReadError(path, "the file is empty; remove it or replace it with the full report")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(path, f"unsupported file type {path.suffix!r}; supported: {', '.join(sorted(READERS))}")
    pages, produced = _pdf_facts(path)
    if max_pages is not None and pages > max_pages:
        raise ReadError(path, f"the PDF has {pages} pages, over the {max_pages} page limit; raise OFSTED_MAX_PAGES "
                              "to allow it")
    blocks = [replace(block, text=printable(block.text)) for block in reader(path)]
    if not any(block.kind != HEADING for block in blocks):
        raise ReadError(path, "no paragraphs found in the file; is it the full report?")
    text, spans = assemble(blocks)
    if max_chars is not None and len(text) > max_chars:
        raise ReadError(path, f"its text has {len(text):,} characters, over the {max_chars:,} limit; raise "
                              "OFSTED_MAX_CHARS to allow it")
    description = describe(path, text, title(blocks), produced)
    return apply_sidecar(Document(path.name, sha256 or document_hash(path), text, spans, description), path)


def _pdf_facts(path: Path) -> tuple[int, str | None]:
    """A PDF's page count (for the page limit) and the date it says it was last modified (its producer's stamp, used
    when the text states no date); (0, None) for other files."""
    if path.suffix.lower() != ".pdf":
        return 0, None
    from ingest.pdf import pdf_facts

    return pdf_facts(path)


def document_hash(path: Path) -> str:
    """The key that decides re-reading: the file's sha256, combined with its sidecar's when it has one."""
    side = sidecar_path(path)
    if not side.is_file():
        return file_hash(path)
    return hashlib.sha256((file_hash(path) + file_hash(side)).encode()).hexdigest()


def title(blocks: Sequence[Block]) -> str | None:
    """The first heading that reads like a title (three words or more), else the first heading."""
    headings = [block.text for block in blocks[:12] if block.kind == HEADING and not states_something(block.text)]
    return next((text for text in headings if len(text.split()) >= 3), headings[0] if headings else None)
