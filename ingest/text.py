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
    """The blocks of a UTF-8, Windows-1252 or Latin-1 text file."""
    return blocks_from_text(decode(path, path.read_bytes()))


def blocks_from_text(text: str) -> list[Block]:
    """The blocks of plain text: paragraphs separated by blank lines, numbered, bulleted or tabular."""
    groups = [group.strip("\n") for group in _BLANK.split(text) if group.strip()]
    vocab = vocabulary(text.splitlines())
    blocks = [block for group in groups for block in _group_blocks(group.splitlines(), vocab)]
    return merge_continuations(blocks)


def _group_blocks(lines: Sequence[str], vocab) -> Iterator[Block]:
    """Blocks of one blank-line-separated group: a heading, a table, or numbered/bulleted runs."""
    joined = " ".join(line.strip() for line in lines)
    if _is_heading(lines, joined):
        yield Block(HEADING, _strip_markup(joined))
        return
    if all("\t" in line for line in lines):
        yield Block(TABLE, render_table(line.split("\t") for line in lines))
        return
    pending: list[str] = []
    for line in lines:
        if pending and _opens_block(line):
            yield _block(pending, vocab)
            pending = []
        pending.append(line)
    if pending:
        yield _block(pending, vocab)


def _is_heading(lines: Sequence[str], joined: str) -> bool:
    if joined.startswith("**") and joined.endswith("**") or _MD_HEADING.match(joined):
        return True
    return (
        len(lines) == 1
        and len(joined.split()) <= 25
        and not joined.endswith(_TERMINAL)
        and "\t" not in lines[0]
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
