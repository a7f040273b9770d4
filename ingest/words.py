"""Count the reports' words, kept with each index version, so that a server reading a misspelt question
(search/spelling.py) need not count them first (1 s on the national sample)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# The record an ingest keeps them in, with the index (ingest.stores.Store.write_record): {"version", "rules", "words"};
# "rules" names how they were counted, so that a record counted otherwise is counted again.
WORDS = "words.json"
_LETTERS = re.compile(r"[a-z]+")
RULES = _LETTERS.pattern


def count(sentences: Iterable[str]) -> dict[str, int]:
    """How many of ``sentences`` use each word (lower case, letters only)."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(set(_LETTERS.findall(sentence.lower())))
    return dict(counts)


def record(version: str, sentences: Iterable[tuple[int, str]]) -> dict:
    """The WORDS record of an index version (``sentences`` as the store gives them: document id, sentence)."""
    return {"version": version, "rules": RULES, "words": count(sentence for _, sentence in sentences)}


def counted(kept: dict, version: str) -> dict[str, int] | None:
    """The words a WORDS record holds for ``version``, or None when it was counted for another version (an index
    written before records were kept, or a version written since) or by other rules."""
    words = kept.get("words")
    if kept.get("version") != version or kept.get("rules") != RULES or not isinstance(words, dict):
        return None
    return {str(word): int(number) for word, number in words.items()}
