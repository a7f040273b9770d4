"""Read a question's misspelt words as the words the indexed reports use ("fostring" -> "fostering") or people ask
with ("ratins" -> "ratings"), from how many of the reports' sentences use each word (which also says how rare it is)."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ingest import words

if TYPE_CHECKING:
    from spellchecker import SpellChecker

# Shorter words are abbreviations and names more often than slips ("uni", "PA", "RI").
SHORTEST = 4
# Words looked up, remembered per loaded index (most questions repeat their unknown words).
REMEMBERED = 4096
# A topic word weighs its rarity in the reports' sentences to this power in a sentence's word overlap
# (search/answer.py): a sentence using "bed and breakfast" or "custody" outweighs one using "young people", which
# nearly every passage about care leavers does. Chosen on the development files: 1.0 (plain inverse frequency)
# gained three answers and lost six first sentences, 0.5 gained two answers for one first sentence.
RARITY_POWER = 0.5
_WORD = re.compile(r"(?<![\w'’&-])[A-Za-z]+(?![\w'’&-])")  # a whole word: not part of "children's", "in-house", "B&B"


@dataclass(frozen=True)
class Correction:
    """A word of a question as written and the report word it was read as."""

    written: str
    read_as: str


@lru_cache(maxsize=1)
def english() -> SpellChecker:
    """pyspellchecker's English dictionary (160,000 words, 0.3 s to load, on first need): a word it holds is a word,
    not a slip, even where the reports never use it ("stopping", "constituent")."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


class Vocabulary:
    """The words of the indexed reports (lower case) with how many sentences use each: as counted by the ingest that
    wrote the index version (``counted``), else counted on first need (thread-safe; 1 s for the national sample); and
    the words people ask with (``asking``: the example questions', "ratings", "recs"), as if used once."""

    def __init__(self, sentences: Callable[[], Iterable[str]], counted: dict[str, int] | None = None,
                 asking: Callable[[], Iterable[str]] | None = None) -> None:
        self._sentences: Callable[[], Iterable[str]] | None = sentences
        self._counted = counted
        self._asking = asking
        self._lock = threading.Lock()
        self._checker: SpellChecker | None = None
        self._read: dict[str, str | None] = {}
        self._most: int | None = None

    def closest(self, word: str) -> str | None:
        """The report word ``word`` is plainly a misspelling of, or None. Norvig's method over the reports' words:
        of those one slip away (a letter dropped, added or changed, two swapped), the one the reports use most. A word
        the reports use, or an English word, is no slip."""
        lower = word.lower()
        if len(lower) < SHORTEST:
            return None
        found = self._read.get(lower, "")  # "": not looked up yet
        if found == "":
            reports = self._reports()
            candidates = () if lower in reports.word_frequency.dictionary else reports.candidates(lower) or ()
            if candidates and lower in english():  # the dictionary is loaded only for a word a slip from a report word
                candidates = ()
            found = max(candidates, key=lambda other: reports.word_frequency[other], default=None)
            if len(self._read) >= REMEMBERED:  # a race between threads only repeats a lookup
                self._read.clear()
            self._read[lower] = found
        return found

    def begin(self) -> threading.Thread:
        """Read the reports' word counts in a background thread (returned), so that a first question finds them read
        (0.03 s as an ingest kept them, 1 s to count them for the national sample's index written before it did)."""
        reading = threading.Thread(target=self._reports, name="vocabulary", daemon=True)
        reading.start()
        return reading

    def used_in(self, at_least: int) -> list[str]:
        """The reports' words that at least ``at_least`` sentences use, the commonest first."""
        frequency = self._reports().word_frequency
        return sorted((word for word in frequency.dictionary if frequency[word] >= at_least),
                      key=lambda word: (-frequency[word], word))

    def rarity(self, word: str) -> float:
        """How rare ``word`` is in the reports' sentences: log(1 + the commonest word's count / (1 + its count)), to
        RARITY_POWER. A word no report uses is the rarest."""
        frequency = self._reports().word_frequency
        if self._most is None:
            self._most = max((frequency[w] for w in frequency.dictionary), default=1)
        return math.log1p(self._most / (1 + frequency[word.lower()])) ** RARITY_POWER

    def _reports(self) -> SpellChecker:
        with self._lock:
            if self._checker is None:
                from spellchecker import SpellChecker

                if self._counted is None:
                    self._counted = words.count(self._sentences() if self._sentences else ())
                counted = {word: 1 for word in (self._asking() if self._asking else ()) if word.isalpha()}
                counted.update(self._counted)
                checker = SpellChecker(language=None, distance=1)
                checker.word_frequency.load_json(counted)
                self._checker, self._sentences, self._counted = checker, None, None
            return self._checker


def corrected(text: str, vocabulary: Vocabulary, leave: Callable[[str], bool]) -> tuple[str, tuple[Correction, ...]]:
    """``text`` with each word that is neither the reports' nor English read as the report word it is plainly a
    misspelling of, and what was read so. ``leave`` says which words to keep as written (councils' names, the sector's
    abbreviations, the words people ask with); a capitalised word keeps its capital."""
    corrections: list[Correction] = []

    def read(match: re.Match[str]) -> str:
        written = match.group(0)
        if len(written) < SHORTEST or leave(written):
            return written
        found = vocabulary.closest(written)
        if found is None:
            return written
        read_as = found.capitalize() if written[0].isupper() else found
        corrections.append(Correction(written, read_as))
        return read_as

    return _WORD.sub(read, text), tuple(dict.fromkeys(corrections))
