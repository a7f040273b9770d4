"""Find the sentences every report of a kind repeats ("This letter summarises the findings of the focused visit to
..."): by how many indexed documents share a sentence's wording once names, dates and numbers are set aside."""

from __future__ import annotations

import re
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ingest import words

if TYPE_CHECKING:
    from ingest.stores import Store

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


# The record an ingest keeps them in, with the index (ingest.stores.Store.write_record): {"version", "rules",
# "wordings"}; "rules" names how they were counted, so that a record counted by other rules is counted again.
BOILERPLATE = "boilerplate.json"
RULES = f"{SHARE} {MIN_DOCUMENTS} {OPENING} {_FILLED.pattern}"


class Boilerplate:
    """The wordings shared by many documents of an index (thread-safe): as counted by the ingest that wrote the index
    version (``counted``), else counted on first use or from ``begin()`` on in the background (0.4 s on the national
    sample's 40,000 sentences, which a page's first answer waited for)."""

    def __init__(self, sentences: Callable[[], Iterable[tuple[int, str]]] | None = None,
                 counted: frozenset[str] | None = None) -> None:
        self._sentences = sentences
        self._lock = threading.Lock()
        self._common = counted

    def __contains__(self, sentence: object) -> bool:
        return isinstance(sentence, str) and wording(sentence) in self.wordings()

    def begin(self) -> threading.Thread | None:
        """Count the wordings in a background thread (returned), so that a first question finds them counted; None
        when they are known already."""
        if self._common is not None:
            return None
        counting = threading.Thread(target=self.wordings, name="boilerplate", daemon=True)
        counting.start()
        return counting

    def wordings(self) -> frozenset[str]:
        """The shared wordings (see ``wording``), counted on first use unless given."""
        with self._lock:
            if self._common is None:
                self._common = common(self._sentences() if self._sentences else ())
                self._sentences = None
            return self._common


def count_and_keep(store: Store) -> None:
    """Count the current version's boilerplate sentences, and its words (ingest/words.py), and keep them with the
    index (the BOILERPLATE and WORDS records), so that a server started on that version does not count them before
    its first answer (0.4 s and 1 s for the national sample, measured). Called by whatever writes a version, holding
    the write lock, after the version is committed: the records only save time, so a failure is reported as a
    warning, never as a failed write (a server then counts them when it needs them)."""
    try:
        reader = store.load()
        try:
            store.write_record(BOILERPLATE, record(reader.version, reader.sentences()))
            store.write_record(words.WORDS, words.record(reader.version, reader.sentences()))
        finally:
            reader.close()
    except Exception as error:  # noqa: BLE001  # whatever the store raises; the new version is written already
        warnings.warn(f"the reports' boilerplate sentences and words were not kept with the index in {store.where} "
                      f"({error}); servers will count them when they need them", stacklevel=2)


def record(version: str, sentences: Iterable[tuple[int, str]]) -> dict:
    """The BOILERPLATE record of an index version: its shared wordings, counted by the rules of RULES."""
    return {"version": version, "rules": RULES, "wordings": sorted(common(sentences))}


def counted(kept: dict, version: str) -> frozenset[str] | None:
    """The wordings a BOILERPLATE record holds for ``version``, or None when it was counted for another version (an
    index written before records were kept, or a version written since) or by other rules (an upgrade that changed
    them)."""
    wordings = kept.get("wordings")
    if kept.get("version") != version or kept.get("rules") != RULES or not isinstance(wordings, list):
        return None
    return frozenset(str(item) for item in wordings)


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
