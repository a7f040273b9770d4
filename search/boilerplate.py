"""Find the sentences every report of a kind repeats ("This letter summarises the findings of the focused visit to
..."): by how many indexed documents share a sentence's wording once names, dates and numbers are set aside."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable

# A wording shared by at least this share of the indexed documents (and by MIN_DOCUMENTS of them) is boilerplate: it
# says what every such report says, not what this one found. (Set, not fitted: focused-visit letters, the commonest
# kind, are about two fifths of every sample of Ofsted's reports; a finding repeated word for word by a quarter of
# all councils' reports is a template.)
SHARE = 0.25
MIN_DOCUMENTS = 3
# Capitalised words (names of councils, people, months), numbers and punctuation: what a template fills in.
_FILLED = re.compile(r"\b[A-Z][\w'’-]*|\d+|[^\w\s]")


# Sentences are told apart by their first words: a template's opening stays the same while what follows varies
# ("This letter summarises the findings of a focused visit to Rutland Council children's services" / "... to
# Derbyshire local authority children's services").
OPENING = 6


def wording(sentence: str) -> str:
    """A sentence's opening words without what differs from report to report (its first word is kept, in lower case)."""
    head, _, rest = sentence.strip().partition(" ")
    return " ".join(f"{head.lower()} {_FILLED.sub(' ', rest)}".split()[:OPENING])


class Boilerplate:
    """The wordings shared by many documents of an index, counted once (on first use, thread-safe)."""

    def __init__(self, sentences: Iterable[tuple[int, str]] | None = None) -> None:
        self._sentences = sentences
        self._lock = threading.Lock()
        self._common: frozenset[str] | None = None

    def __contains__(self, sentence: object) -> bool:
        return isinstance(sentence, str) and wording(sentence) in self._load()

    def _load(self) -> frozenset[str]:
        with self._lock:
            if self._common is None:
                self._common = common(self._sentences or ())
                self._sentences = None
            return self._common


def common(sentences: Iterable[tuple[int, str]]) -> frozenset[str]:
    """The wordings found in at least SHARE of the documents and at least MIN_DOCUMENTS of them."""
    documents: dict[str, set[int]] = {}
    seen: set[int] = set()
    for document, sentence in sentences:
        seen.add(document)
        documents.setdefault(wording(sentence), set()).add(document)
    needed = max(MIN_DOCUMENTS, SHARE * len(seen))
    counts = Counter({key: len(value) for key, value in documents.items()})
    return frozenset(key for key, count in counts.items() if count >= needed and key)
