"""Read Word (.docx) documents into layout blocks: heading styles become sections, list styles items."""

from __future__ import annotations

from pathlib import Path

from ingest.document import HEADING, ITEM, PARAGRAPH, TABLE, Block
from ingest.errors import ReadError, out_of_memory
from ingest.layout import merge_continuations, paragraph_number, render_table, squash


def read_docx(path: Path) -> list[Block]:
    """Paragraphs and tables of a Word file in order; "Heading" styles become section headings."""
    import docx  # python-docx, only needed for Word files
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as error:  # a zip of junk fails deep inside lxml or the package reader, in many ways
        if out_of_memory(error):  # past the reader's memory limit (a zip bomb?), not a damaged file
            raise MemoryError from error
        raise ReadError(path, f"not a readable Word file ({error.__class__.__name__}); open it in Word or LibreOffice "
                              "and save it again as .docx") from error
    blocks = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [[cell.text for cell in row.cells] for row in item.rows]
            blocks.append(Block(TABLE, render_table(rows)))
        elif isinstance(item, Paragraph) and item.text.strip():
            blocks.append(_docx_paragraph(item))
    return merge_continuations(block for block in blocks if block.text)


def _docx_paragraph(paragraph) -> Block:
    text = squash(paragraph.text)
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower().startswith(("heading", "title")):
        return Block(HEADING, text)
    if "list" in style.lower():
        return Block(ITEM, text)
    numbered = paragraph_number(text)
    return Block(PARAGRAPH, numbered[1], None, numbered[0]) if numbered else Block(PARAGRAPH, text)
