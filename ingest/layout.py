"""Rules shared by every reader: bullets, numbering, hyphenation and paragraph joins."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from ingest.document import HEADING, ITEM, PARAGRAPH, TABLE, Block, Box, Span

NUMBERED = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
BULLET_GLYPHS = "•◼▪●○◦■□➢➤✓✔·–-*o"
# Sentence ends that close a paragraph; anything else at a break means the paragraph runs on.
TERMINAL = tuple('.!?:;)"”’')
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_SPACES = re.compile(r"[ \t\u00a0]+")


def is_bullet_glyph(char: str) -> bool:
    """True for characters that mark a list item, including private-use symbol-font glyphs."""
    return char in BULLET_GLYPHS or 0xF000 <= ord(char) <= 0xF8FF


def split_bullet(text: str) -> str | None:
    """The item text when ``text`` starts with a bullet glyph and a space, else None."""
    stripped = text.lstrip()
    if len(stripped) > 1 and is_bullet_glyph(stripped[0]) and stripped[1].isspace():
        return stripped[1:].strip()
    return None


def paragraph_number(text: str, limit: int = 400) -> tuple[str, str] | None:
    """(number, rest) when ``text`` opens with a report paragraph number such as "12. "."""
    match = NUMBERED.match(text)
    if not match or int(match.group(1)) >= limit:
        return None
    return match.group(1), text[match.end():]


def vocabulary(lines: Iterable[str]) -> Counter[str]:
    """Lower-cased word counts, used to tell real hyphens from line-break hyphenation."""
    return Counter(word.lower() for line in lines for word in _WORD.findall(line))


def join_lines(lines: Sequence[str], vocab: Counter[str]) -> str:
    """Join wrapped lines into one paragraph, undoing hyphenation the document never uses."""
    text = ""
    for line in (squash(line) for line in lines):
        if not line:
            continue
        if not text:
            text = line
        elif _hyphen_break(text, line):
            text = _join_hyphenated(text, line, vocab)
        else:
            text = f"{text} {line}"
    return text


# Control characters (C0 but tab and line breaks, DEL, C1) and unpaired surrogates: never text a reader means, and each
# breaks something downstream (an ESC the Word briefing, a lone surrogate the tokenizer).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """The text with each control character or unpaired surrogate replaced by a space; otherwise verbatim."""
    return _UNPRINTABLE.sub(" ", text)


def squash(text: str) -> str:
    """Collapse runs of spaces and tabs and trim the ends."""
    return _SPACES.sub(" ", text).strip()


def _hyphen_break(text: str, line: str) -> bool:
    return text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].isalpha()


def _join_hyphenated(text: str, line: str, vocab: Counter[str]) -> str:
    head = _WORD.findall(text[:-1])[-1:] or [""]
    tail = _WORD.findall(line)[:1] or [""]
    whole = (head[0] + tail[0]).lower()
    hyphenated = f"{head[0]}-{tail[0]}".lower()
    # Word-processed reports rarely hyphenate at line ends, so a hyphen stays unless the
    # document spells the joined word without one elsewhere.
    if vocab[whole] > vocab[hyphenated]:
        return text[:-1] + line
    return text + line


def continues(previous: Block, block: Block) -> bool:
    """True when ``block`` is the rest of ``previous``, split by a page or a blank line."""
    if previous.kind not in (PARAGRAPH, ITEM) or block.kind != PARAGRAPH or block.number:
        return False
    return block.text[:1].islower() or not previous.text.rstrip().endswith(TERMINAL)


def merge(previous: Block, block: Block) -> Block:
    """One block holding ``previous`` followed by ``block``."""
    box = previous.box
    if box and block.box and block.page == previous.page:
        box = union([box, block.box])
    return Block(previous.kind, f"{previous.text} {block.text}", previous.page, previous.number, box)


def union(boxes: Sequence[Box]) -> Box:
    """The smallest box holding all ``boxes``."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def merge_continuations(blocks: Iterable[Block]) -> list[Block]:
    """Re-join paragraphs that a page break or stray blank line cut in two."""
    out: list[Block] = []
    for block in blocks:
        if out and continues(out[-1], block):
            out[-1] = merge(out[-1], block)
        else:
            out.append(block)
    return out


def prefix(block: Block) -> str:
    """What the document text shows before a block's own text: its number or bullet."""
    if block.number:
        return f"{block.number}. "
    return "• " if block.kind == ITEM else ""


def assemble(blocks: Sequence[Block]) -> tuple[str, tuple[Span, ...]]:
    """The document text (blocks separated by blank lines) and where each block lies in it."""
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for block in blocks:
        if parts:
            parts.append("\n\n")
            offset += 2
        lead = prefix(block)
        parts.append(lead + block.text)
        start = offset + len(lead)
        offset = start + len(block.text)
        spans.append(Span(block, start, offset))
    return "".join(parts), tuple(spans)


def render_table(rows: Iterable[Sequence[str | None]]) -> str:
    """A table as text: one row a line, non-empty cells separated by " | "."""
    lines = []
    for row in rows:
        cells = [squash(cell.replace("\n", " ")) for cell in row if cell and cell.strip()]
        if cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def table_rows_count(rows: Sequence[Sequence[str | None]]) -> int:
    """How many rows have at least two non-empty cells."""
    return sum(1 for row in rows if sum(1 for cell in row if cell and cell.strip()) >= 2)


__all__ = ["HEADING", "ITEM", "PARAGRAPH", "TABLE"]
