"""Read plain-text and Markdown reports into layout blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from ingest.document import HEADING, ITEM, PARAGRAPH, TABLE, Block
from ingest.errors import ReadError
from ingest.layout import join_lines, merge_continuations, paragraph_number, render_table, split_bullet, vocabulary

# Encodings tried in order: council documents saved on Windows are often cp1252.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_BLANK = re.compile(r"\n[ \t]*\n")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_TERMINAL = (".", ",", ";", ":")
# A plain-text line this short, unpunctuated, and followed by a paragraph is taken as a heading.
HEADING_WORDS = 12
_GUESSED = "?"  # marks a heading guessed from plain text until it is known to introduce a paragraph
_MD_RULE = re.compile(r"^\|?\s*:?-{3,}")
# No report paragraph comes near this; a longer line is a data dump or a broken export.
MAX_LINE = 100_000


def decode(path: Path, data: bytes) -> str:
    """The text of a file's bytes; raises ReadError for binary or empty content."""
    text = next(text for text in (_try(data, name) for name in ENCODINGS) if text is not None)
    if not text.strip():
        raise ReadError(path, "the file is empty; remove it or add the report's text")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f")
    if controls > 0.01 * len(text) or "\x00" in text:
        raise ReadError(path, "the file is not text (binary content); check that it is the right file")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    longest = max(len(line) for line in text.split("\n"))
    if longest > MAX_LINE:
        raise ReadError(path, f"a line of {longest:,} characters with no line break is not a report's text "
                              f"(paragraphs are under {MAX_LINE:,}); save the report with its line breaks")
    return text


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def read_text(path: Path) -> list[Block]:
    """The blocks of a UTF-8, Windows-1252 or Latin-1 text file (Markdown when it ends in .md)."""
    return blocks_from_text(decode(path, path.read_bytes()), markdown=path.suffix.lower() == ".md")


def blocks_from_text(text: str, markdown: bool = False) -> list[Block]:
    """The blocks of plain text or Markdown: paragraphs separated by blank lines, numbered, bulleted or tabular.
    In Markdown only "#" lines and whole-line bold are headings; in plain text, a short unpunctuated line that
    introduces a paragraph is one. Nothing else ever becomes a heading, so no sentence is lost as a label."""
    groups = [group.strip("\n") for group in _BLANK.split(text) if group.strip()]
    vocab = vocabulary(text.splitlines())
    blocks = [block for group in groups for block in _group_blocks(group.splitlines(), vocab, markdown)]
    return merge_continuations(_labels_only(blocks, markdown))


def _labels_only(blocks: list[Block], markdown: bool) -> list[Block]:
    """Plain-text headings that label nothing (followed by another heading, or last) are text, not headings."""
    if markdown:
        return blocks
    out = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind == HEADING and block.number == _GUESSED and (following is None or following.kind == HEADING):
            block = Block(PARAGRAPH, block.text)
        out.append(Block(block.kind, block.text, block.page, None) if block.number == _GUESSED else block)
    return out


def _group_blocks(lines: Sequence[str], vocab, markdown: bool) -> Iterator[Block]:
    """Blocks of one blank-line-separated group: a heading, a table, or numbered/bulleted runs."""
    joined = " ".join(line.strip() for line in lines)
    if _is_marked_heading(joined):
        yield Block(HEADING, _strip_markup(joined))
        return
    if not markdown and _is_guessed_heading(lines, joined):
        yield Block(HEADING, joined, None, _GUESSED)
        return
    if all("\t" in line for line in lines):
        yield Block(TABLE, render_table(line.split("\t") for line in lines))
        return
    if all(line.strip().startswith("|") for line in lines):
        rows = [line.strip().strip("|").split("|") for line in lines if not _MD_RULE.match(line.strip())]
        yield Block(TABLE, render_table(rows))
        return
    pending: list[str] = []
    for line in lines:
        if pending and _opens_block(line):
            yield _block(pending, vocab)
            pending = []
        pending.append(line)
    if pending:
        yield _block(pending, vocab)


def _is_marked_heading(joined: str) -> bool:
    return len(joined) > 4 and joined.startswith("**") and joined.endswith("**") or bool(_MD_HEADING.match(joined))


def _is_guessed_heading(lines: Sequence[str], joined: str) -> bool:
    return (
        len(lines) == 1
        and len(joined.split()) <= HEADING_WORDS
        and not joined.endswith(_TERMINAL)
        and "\t" not in lines[0]
        and not lines[0].strip().startswith("|")
        and not _opens_block(joined)
    )


def _strip_markup(text: str) -> str:
    return _MD_HEADING.sub("", text).strip("*").strip()


def _opens_block(line: str) -> bool:
    return paragraph_number(line.strip()) is not None or split_bullet(line) is not None or bool(_MD_HEADING.match(line))


def _block(lines: Sequence[str], vocab) -> Block:
    text = join_lines(lines, vocab)
    item = split_bullet(text)
    if item is not None:
        return Block(ITEM, item)
    numbered = paragraph_number(text)
    if numbered:
        return Block(PARAGRAPH, numbered[1], None, numbered[0])
    if _MD_HEADING.match(text):
        return Block(HEADING, _strip_markup(text))
    return Block(PARAGRAPH, text)
