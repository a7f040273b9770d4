"""Read the "left | right" lines of the data files in search/data, numbered, without blank lines and "#" comments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

PHRASING = Path(__file__).with_name("data") / "phrasing.txt"


def pairs(path: Path) -> Iterator[tuple[int, str, str]]:
    """Each line's number, the text before its first "|" and the text after it, both stripped ("" when the line has
    no "|"): each caller says what a line must hold, naming the file and the line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        left, _, right = line.partition("|")
        yield number, left.strip(), right.strip()


@lru_cache(maxsize=4)
def phrasing(path: Path = PHRASING) -> dict[str, re.Pattern[str]]:
    """From search/data/phrasing.txt: for each label ("change", "recalls", "reasons", "timing", "timing asked"), how
    reports (or questions) word it, as one pattern each."""
    parts: dict[str, list[str]] = {}
    for number, label, pattern in pairs(path):
        if not label or not pattern:
            raise ValueError(f"{path}, line {number}: expected 'label | regular expression'")
        parts.setdefault(label, []).append(f"(?:{pattern})")
    return {label: re.compile("|".join(patterns), re.I) for label, patterns in parts.items()}
