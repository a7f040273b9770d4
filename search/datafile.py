"""Read the "left | right" lines of the data files in search/data, numbered, without blank lines and "#" comments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def pairs(path: Path) -> Iterator[tuple[int, str, str]]:
    """Each line's number, the text before its first "|" and the text after it, both stripped ("" when the line has
    no "|"): each caller says what a line must hold, naming the file and the line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        left, _, right = line.partition("|")
        yield number, left.strip(), right.strip()
