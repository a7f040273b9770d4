"""Find the sentences every report of a kind repeats ("This letter summarises the findings of the focused visit to
..."): by how many indexed documents share a sentence's wording once names, dates and numbers are set aside."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest.cache import keep

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
    """The wordings shared by many documents of an index, counted once (thread-safe): by the ingest that wrote the
    version, or on first use, or from ``begin()`` on in the background. Kept in ``cache`` (one file per index, naming
    the version counted), so that a server started on that version does not count them again (0.4 s on the national
    sample's 40,000 sentences, which a page's first answer waited for)."""

    def __init__(self, sentences: Callable[[], Iterable[tuple[int, str]]] | None = None,
                 cache: Path | None = None, version: str = "") -> None:
        self._sentences = sentences
        self._cache = cache
        self._version = version
        self._lock = threading.Lock()
        self._common: frozenset[str] | None = None

    def __contains__(self, sentence: object) -> bool:
        return isinstance(sentence, str) and wording(sentence) in self.wordings()

    def begin(self) -> None:
        """Count the wordings in a background thread, so that a first question finds them counted."""
        if self._common is None:
            threading.Thread(target=self.wordings, name="boilerplate", daemon=True).start()

    def wordings(self) -> frozenset[str]:
        """The shared wordings (see ``wording``): from the cache when it holds this version's, else counted and kept."""
        with self._lock:
            if self._common is None:
                self._common = self._cached()
                if self._common is None:
                    counted = common(self._sentences() if self._sentences else ())
                    self._keep(counted)
                    self._common = counted
                self._sentences = None
            return self._common

    def _cached(self) -> frozenset[str] | None:
        if self._cache is None or not self._cache.is_file():
            return None
        try:
            kept = json.loads(self._cache.read_text(encoding="utf-8"))
            return frozenset(str(item) for item in kept["wordings"]) if kept["version"] == self._version else None
        except (OSError, ValueError, TypeError, KeyError):
            return None  # a damaged cache file is counted again and replaced

    def _keep(self, wordings: frozenset[str]) -> None:
        if self._cache is not None:
            kept = {"version": self._version, "wordings": sorted(wordings)}
            keep(self._cache, lambda file: file.write(json.dumps(kept).encode()))


def cache_name(where: str) -> str:
    """The cache file's name for the index at ``where`` and the rules that count its wordings."""
    stamp = f"{where}|{SHARE}|{MIN_DOCUMENTS}|{OPENING}|{_FILLED.pattern}"
    return f"boilerplate-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.json"


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
