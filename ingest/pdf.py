"""Read a PDF report into layout blocks, dropping running headers, footers and footnotes."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils import extract_text
from pdfplumber.utils.exceptions import PdfminerException

from ingest.document import HEADING, ITEM, PARAGRAPH, TABLE, Block, Box
from ingest.errors import ReadError, out_of_memory
from ingest.layout import (
    TERMINAL,
    continues,
    join_lines,
    merge,
    paragraph_number,
    render_table,
    split_bullet,
    squash,
    table_rows_count,
    union,
    vocabulary,
)

# Text smaller than this share of the body size is a footnote, superscript or letterhead.
SMALL_TEXT = 0.85
# A report's cover may print the inspection's facts smaller than its body ("Inspection dates: 15 – 19 July 2013" at 10
# points beside 12-point text, on the looked after children inspections to 2013): on the first page, lines opening with
# one of these labels are kept whatever their size, for the metadata read from them.
_COVER_FACT = re.compile(r"^(?:Inspection dates?|Published|Reporting inspector|Lead inspector)\b", re.I)
# Share of the page height at top and bottom where running headers and footers live.
MARGIN = 0.11
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Line:
    """One printed line with the layout facts the block rules need."""

    text: str
    page: int
    top: float
    bottom: float
    x0: float
    size: float
    bold: bool
    bullet: bool = False
    table: str | None = None
    box: Box | None = None  # (left, top, right, bottom) as shares of the page


def read_pdf(path: Path) -> list[Block]:
    """The blocks of a PDF in reading order; raises ReadError when it has no usable text."""
    try:
        lines, heights, body = _read_lines(path)
    except ReadError:
        raise
    except Exception as error:  # pdfminer raises many unrelated types for damaged files
        if out_of_memory(_cause(error)):  # past the reader's memory limit, not a damaged file
            raise MemoryError from error
        raise _unreadable(path, error) from error
    if sum(len(line.text) for line in lines) < 20:
        raise ReadError(path, "the PDF has no text layer (a scan?); run OCR on it first, e.g. `ocrmypdf IN.pdf OUT.pdf`")
    lines = _drop_running_lines(lines, heights)
    return _blocks(lines, body, vocabulary(line.text for line in lines))


def pdf_facts(path: Path) -> tuple[int, str | None]:
    """What a PDF says of itself, read in one opening before its text: how many pages it has, and the ISO date of its
    ModDate (else CreationDate), e.g. "D:20240711150627+01'00'" -> "2024-07-11". (0, None) when it cannot be opened:
    reading its text then says why."""
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages), _produced(pdf.metadata or {})
    except Exception:  # noqa: BLE001 - reading the file reports the real problem
        return 0, None


def _produced(info: dict) -> str | None:
    for field in ("ModDate", "CreationDate"):
        match = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", str(info.get(field) or ""))
        if match:
            try:
                return date(*map(int, match.groups())).isoformat()
            except ValueError:
                continue
    return None


def _read_lines(path: Path) -> tuple[list[Line], dict[int, float], float]:
    with pdfplumber.open(path) as pdf:
        if not pdf.pages:
            raise ReadError(path, "the PDF has no pages; re-download or re-export it")
        body = _body_size(pdf.pages)
        heights = {page.page_number: float(page.height) for page in pdf.pages}
        lines: list[Line] = []
        for page in pdf.pages:
            lines += _page_lines(page, body)
            page.close()  # drop the page's parsed objects: a long report would otherwise hold them all at once
    return lines, heights, body


def _unreadable(path: Path, error: Exception) -> ReadError:
    start = _start_of(path)
    if not start.lstrip().startswith(b"%PDF") and b"%PDF" not in start:
        if re.search(rb"<!doctype html|<html", start, re.I):
            return ReadError(path, "not a PDF: the file holds a web page (an error page saved in its place?); "
                                   "download the report again")
        return ReadError(path, "not a PDF: the file does not begin as a PDF does; download or export the report again")
    cause = _cause(error)
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(cause).lower():
        return ReadError(path, "the PDF is password-protected; save an unprotected copy and ingest that")
    return ReadError(path, f"not a readable PDF, corrupt or truncated ({cause}); re-download or re-export it")


def _cause(error: Exception) -> object:
    """The error the PDF library met: pdfplumber wraps what pdfminer raises while opening a file."""
    return error.args[0] if isinstance(error, PdfminerException) and error.args else error


def _start_of(path: Path) -> bytes:
    """The file's first kilobyte, where every PDF says "%PDF"."""
    try:
        with path.open("rb") as handle:
            return handle.read(1024)
    except OSError:
        return b"%PDF"  # cannot look: say what the PDF library said


def _body_size(pages: Sequence) -> float:
    sizes = Counter(round(char["size"] * 2) / 2 for page in pages[:6] for char in page.chars if char["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _page_lines(page, body: float) -> list[Line]:
    # pdfplumber finds tables from ruling lines; a page with none (most pages) cannot hold one, and looking costs
    # more than reading the page.
    found = page.find_tables() if page.edges else []
    tables = [table for table in found if table_rows_count(table.extract()) >= 2]
    readable = page.filter(lambda obj: obj.get("object_type") != "char" or obj.get("size", body) >= SMALL_TEXT * body)
    size = (float(page.width) or 1.0, float(page.height) or 1.0)
    raws = _untangled(readable.extract_text_lines(strip=True))
    if page.page_number == 1:
        raws += [raw for raw in page.extract_text_lines(strip=True) if _COVER_FACT.match(raw["text"])
                 and all(char.get("size", body) < SMALL_TEXT * body for char in raw["chars"])]
    lines = [_line(raw, page.page_number, size) for raw in raws]
    lines = [line for line in lines if line.text and not _inside(line, tables)]
    lines += [_table_line(table, page.page_number, body, size) for table in tables]
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _untangled(raws: list[dict]) -> list[dict]:
    """Printed lines as drawn. Two rows printed less than a line apart (a letter's address block drawn twice, the
    copy shifted down by a point or two) come out of pdfplumber as one line with their letters interleaved ("JDairneec
    tMoor oorfe"); such a line is split back into its rows, and a row repeating one just above it is dropped."""
    result: list[dict] = []
    for raw in raws:
        rows = _rows_of(raw)
        for row in rows:
            copy = len(rows) > 1 and any(_letters(earlier) == _letters(row) and abs(earlier["x0"] - row["x0"]) < 2
                                         and 0 < row["top"] - earlier["top"] < 3 * (row["bottom"] - row["top"])
                                         for earlier in result[-4:])
            if not copy:
                result.append(row)
    return result


def _letters(raw: dict) -> str:
    return "".join(raw["text"].split())


def _rows_of(raw: dict) -> list[dict]:
    """One line's rows: itself, unless its letters overlap each other (two rows printed over each other)."""
    chars = sorted((char for char in raw["chars"] if char["text"].strip()), key=lambda char: char["x0"])
    overlaps = sum(after["x0"] < before["x1"] - 1.0 for before, after in zip(chars, chars[1:]))
    if overlaps < 2:
        return [raw]
    groups: list[list[dict]] = []
    for char in sorted(raw["chars"], key=lambda char: char["top"]):
        if groups and char["top"] - groups[-1][-1]["top"] <= 1.0:
            groups[-1].append(char)
        else:
            groups.append([char])
    if len(groups) < 2:
        return [raw]
    rows = []
    for group in groups:
        group.sort(key=lambda char: char["x0"])
        text = extract_text(group).strip()
        if text:
            rows.append({"text": text, "chars": group, "x0": min(c["x0"] for c in group), "x1": max(c["x1"] for c in group),
                         "top": min(c["top"] for c in group), "bottom": max(c["bottom"] for c in group)})
    return rows


def _share(bbox: Sequence[float], size: tuple[float, float]) -> Box:
    """A (x0, top, x1, bottom) box in points as shares of the page's width and height."""
    width, height = size
    return (round(bbox[0] / width, 4), round(bbox[1] / height, 4), round(bbox[2] / width, 4), round(bbox[3] / height, 4))


def _line(raw: dict, page: int, page_size: tuple[float, float]) -> Line:
    chars = [char for char in raw["chars"] if char["text"].strip()]
    text = squash(raw["text"])
    bold = sum("Bold" in char["fontname"] for char in chars) >= 0.6 * max(len(chars), 1)
    size = statistics.median(char["size"] for char in chars) if chars else 0.0
    first = chars[0] if chars else None
    bullet = first is not None and (_symbol_font(first["fontname"]) or split_bullet(text) is not None)
    if first is not None and bullet:
        text = text[len(first["text"]):].strip()
        bold = sum("Bold" in char["fontname"] for char in chars[1:]) >= 0.6 * max(len(chars) - 1, 1)
    box = _share((raw["x0"], raw["top"], raw["x1"], raw["bottom"]), page_size)
    return Line(text, page, float(raw["top"]), float(raw["bottom"]), float(raw["x0"]), size, bold, bullet, box=box)


def _symbol_font(fontname: str) -> bool:
    return any(name in fontname for name in ("Wingdings", "Symbol", "Dingbats"))


def _inside(line: Line, tables: Iterable) -> bool:
    middle = (line.top + line.bottom) / 2
    return any(table.bbox[1] <= middle <= table.bbox[3] for table in tables)


def _table_line(table, page: int, body: float, size: tuple[float, float]) -> Line:
    x0, top, _, bottom = table.bbox
    return Line("table", page, float(top), float(bottom), float(x0), body, False, table=render_table(table.extract()),
                box=_share(table.bbox, size))


def _drop_running_lines(lines: list[Line], heights: dict[int, float]) -> list[Line]:
    """Lines in the page margins that are page numbers or repeat on many pages."""
    marginal = [line for line in lines if _in_margin(line, heights[line.page])]
    pages_with: Counter[str] = Counter()
    for key, _page in {(_key(line.text), line.page) for line in marginal}:
        pages_with[key] += 1
    threshold = max(2, len(heights) // 3)
    drop = {id(line) for line in marginal if line.text.isdigit() or pages_with[_key(line.text)] >= threshold}
    return [line for line in lines if id(line) not in drop]


def _in_margin(line: Line, height: float) -> bool:
    return line.table is None and (line.top < MARGIN * height or line.bottom > (1 - MARGIN) * height)


def _key(text: str) -> str:
    return _DIGITS.sub("#", text.lower())


def _blocks(lines: Sequence[Line], body: float, vocab: Counter[str]) -> list[Block]:
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not _starts_block(groups[-1][-1], line, body):
            groups[-1].append(line)
        else:
            groups.append([line])
    blocks: list[Block] = []
    for index, group in enumerate(groups):
        block = _block(group, body, vocab)
        first_on_page = index == 0 or groups[index - 1][-1].page != group[0].page
        if blocks and first_on_page and _runs_over_page(blocks[-1], block):
            blocks[-1] = merge(blocks[-1], block)
        elif blocks and not first_on_page and (continues(blocks[-1], block) or _ends_as_heading(blocks[-1], block)) \
                and block.text[:1].islower():
            blocks[-1] = merge(blocks[-1], block)
        else:
            blocks.append(block)
    return blocks


def _ends_as_heading(previous: Block, block: Block) -> bool:
    """True when ``block``, read as a heading (bold or large), ends the unfinished paragraph before it (a SIF report's
    cover: "The effectiveness of the Local Safeguarding Children Board (LSCB) is" / "requires improvement" set in bold
    on the next line); a heading would not start in lower case (the caller checks that)."""
    return previous.kind == PARAGRAPH and block.kind == HEADING and not previous.text.rstrip().endswith(TERMINAL)


def _runs_over_page(previous: Block, block: Block) -> bool:
    """A page's first block continues the last one unless it clearly starts something new."""
    if continues(previous, block):
        return True
    # Numbered paragraphs run across pages; an unnumbered body paragraph after one is its tail.
    return bool(previous.number) and block.kind == PARAGRAPH and not block.number and previous.text.endswith(TERMINAL)


def _heading_line(line: Line, body: float) -> bool:
    return line.table is None and not line.bullet and (line.bold or line.size >= 1.25 * body)


def _starts_block(previous: Line, line: Line, body: float) -> bool:
    if line.table is not None or previous.table is not None or line.bullet or line.page != previous.page:
        return True
    if _heading_line(line, body) != _heading_line(previous, body):
        return True
    if line.top - previous.bottom > 0.45 * max(previous.size, 1.0):
        return True
    # A paragraph number opens a block only where it hangs left of the text above it.
    return paragraph_number(line.text) is not None and line.x0 < previous.x0 - 3


def _block(group: Sequence[Line], body: float, vocab: Counter[str]) -> Block:
    first = group[0]
    box = union([line.box for line in group if line.box and line.page == first.page] or [(0.0, 0.0, 1.0, 1.0)])
    if first.table is not None:
        return Block(TABLE, first.table, first.page, box=box)
    text = join_lines([line.text for line in group], vocab)
    if first.bullet:
        return Block(ITEM, text, first.page, box=box)
    if all(_heading_line(line, body) for line in group) and len(text.split()) <= 30:
        return Block(HEADING, text, first.page, box=box)
    numbered = paragraph_number(text)
    if numbered:
        return Block(PARAGRAPH, numbered[1], first.page, numbered[0], box)
    return Block(PARAGRAPH, text, first.page, box=box)
