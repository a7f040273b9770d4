"""Load the inspection glossary and expand a question's terms with their synonyms."""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

DEFAULT = Path(__file__).with_name("glossary.txt")
_WORDS = re.compile(r"[a-z0-9]+")
# The most letters and digits of a glossary phrase written without spaces that is taken for an abbreviation to spell
# out ("UASC", "NEET", "EHCP", "B&B").
ABBREVIATION = 5
# Each glossary phrase of a text ("pa"), with the other phrases of its group, as words.
Alternatives = tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]


@dataclass(frozen=True)
class Glossary:
    """Groups of phrases that mean the same thing, each phrase as a tuple of lower-case words."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    written: tuple[str, ...] = ()  # each group's first phrase as the file writes it ("children's services")
    # each abbreviation, lower case as written ("uasc", "b&b"), with its group's number
    abbreviations: tuple[tuple[str, int], ...] = ()

    @cached_property
    def _starting(self) -> dict[str, tuple[int, ...]]:
        """The numbers of the groups holding a phrase that starts with each word, so that a text is matched against
        the few groups its words can start, not every group."""
        starting: dict[str, list[int]] = {}
        for number, group in enumerate(self.groups):
            for phrase in group:
                if phrase and number not in starting.setdefault(phrase[0], []):
                    starting[phrase[0]].append(number)
        return {word: tuple(numbers) for word, numbers in starting.items()}

    def _candidates(self, words: tuple[str, ...]) -> list[tuple[tuple[str, ...], ...]]:
        """The groups a phrase of which may be in ``words``, in the file's order."""
        numbers = sorted({number for word in set(words) for number in self._starting.get(word, ())})
        return [self.groups[number] for number in numbers]

    def expand(self, text: str) -> list[str]:
        """Synonym phrases for every glossary phrase found in ``text`` (not repeating what it already says)."""
        words = tuple(_WORDS.findall(text.lower()))
        extra: list[str] = []
        for group in self._candidates(words):
            if any(_contains(words, phrase) for phrase in group):
                extra += [" ".join(phrase) for phrase in group if not _contains(words, phrase)]
        return extra

    def alternatives(self, text: str) -> Alternatives:
        """For each glossary phrase in ``text``: the phrase, and the other phrases of its group ("PA": "personal
        adviser", "personal advisers", ...), as words."""
        words = tuple(_WORDS.findall(text.lower()))
        return tuple((" ".join(phrase), tuple(other for other in group if other != phrase))
                     for group in self._candidates(words) for phrase in group if _contains(words, phrase))

    def full_forms_of_wordless(self, text: str) -> list[str]:
        """The full form of each abbreviation in ``text`` whose letters a sign splits ("B&B", "B&Bs": "bed and
        breakfast"), once each: a search for the text's words reads only fragments of such an abbreviation ("b", "bs")."""
        lowered = text.lower()
        return list(dict.fromkeys(self.written[number] for abbreviation, number in self.abbreviations
                                  if len(_WORDS.findall(abbreviation)) > 1
                                  and abbreviation in lowered and re.search(_as_token(abbreviation), lowered)))

    def spelled_out(self, text: str) -> str:
        """``text`` with each abbreviation a glossary knows followed by its full form in brackets ("notts UASC" ->
        "notts UASC (unaccompanied asylum-seeking children)"), for the embedding model, which knows few of the sector's
        abbreviations. An abbreviation is a phrase written without spaces, of at most ABBREVIATION letters and digits
        ("UASC", "B&B"), that is not its group's first (full) phrase; one the text already spells out is left alone."""
        lowered = text.lower()
        words = tuple(_WORDS.findall(lowered))
        candidates = {abbreviation: number for abbreviation, number in self.abbreviations
                      if abbreviation in lowered  # most questions hold none: no pattern of them all is tried
                      and len(self.groups[number][0]) >= 2 and not _contains(words, self.groups[number][0])}
        if not candidates:
            return text
        done: set[int] = set()

        def spell(match: re.Match[str]) -> str:  # each group's first abbreviation in the text, once
            number = candidates[match.group(0).lower()]
            if number in done:
                return match.group(0)
            done.add(number)
            return f"{match.group(0)} ({self.written[number]})"

        return re.sub("|".join(_as_token(item) for item in sorted(candidates, key=len, reverse=True)), spell, text,
                      flags=re.I)


def said_otherwise(alternatives: Alternatives, text: str) -> list[str]:
    """The words of each phrase of ``alternatives`` that ``text`` says in another phrase of its group."""
    if not alternatives:
        return []
    words = tuple(_WORDS.findall(text.lower()))
    present = set(words)
    return [word for phrase, others in alternatives
            if any(other[0] in present and _contains(words, other) for other in others) for word in phrase.split()]


def words_said(alternatives: Alternatives, text: str, asked: Collection[str]) -> int:
    """How many of the ``asked`` words are abbreviations (one word of up to five letters: "CP") that ``text`` says in
    full, in a phrase of several words of its group ("child protection"): each counts as a second word of the topic
    used, since a term asked in short is as much a term as one asked in full."""
    if not alternatives:
        return 0
    words = tuple(_WORDS.findall(text.lower()))
    present = set(words)
    return sum(1 for phrase, others in alternatives if phrase in asked and len(phrase) <= ABBREVIATION
               and any(len(other) > 1 and other[0] in present and _contains(words, other) for other in others))


def _as_token(abbreviation: str) -> str:
    """A pattern for ``abbreviation`` as a whole token of a text ("B&B" in "a B&B?", not in "B&Bs")."""
    return rf"(?<![\w&]){re.escape(abbreviation)}(?![\w&])"


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """True when ``phrase`` is a run of ``words`` (both whole words: "pa" is not in "pas")."""
    return f" {' '.join(phrase)} " in _spaced(words)


@lru_cache(maxsize=256)
def _spaced(words: tuple[str, ...]) -> str:
    """The words joined by single spaces, with one before and after: a phrase is in them when its spaced form is."""
    return f" {' '.join(words)} "


def parse(text: str) -> Glossary:
    """A glossary from its file text: one group a line, phrases separated by "|", "#" comments."""
    groups: list[tuple[tuple[str, ...], ...]] = []
    written: list[str] = []
    abbreviations: list[tuple[str, int]] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0] if line.lstrip().startswith("#") else line
        parts = [part.strip() for part in line.split("|") if _WORDS.search(part.lower())]
        # an abbreviation with "&" as said aloud and typed by dictation: "B&Bs" as "b and bs"
        spoken = [" ".join(part.lower().replace("&", " and ").split()) for part in parts[1:] if "&" in part]
        if len(parts) >= 2:
            abbreviations += [(part.lower(), len(groups)) for part in parts[1:]
                              if not any(map(str.isspace, part)) and len("".join(_WORDS.findall(part.lower()))) <= ABBREVIATION]
            abbreviations += [(phrase, len(groups)) for phrase in spoken]
            groups.append(tuple(tuple(_WORDS.findall(part.lower())) for part in (*parts, *spoken)))
            written.append(parts[0])
    return Glossary(tuple(groups), tuple(written), tuple(abbreviations))


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Glossary:
    """The glossary at ``path``, ``OFSTED_GLOSSARY``, or the one shipped beside this module."""
    return parse(Path(path or os.environ.get("OFSTED_GLOSSARY") or DEFAULT).read_text(encoding="utf-8"))
