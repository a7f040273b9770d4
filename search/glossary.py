"""Load the inspection glossary and expand a question's terms with their synonyms."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT = Path(__file__).with_name("glossary.txt")
_WORDS = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
# The longest one-word glossary phrase taken for an abbreviation to spell out ("UASC", "NEET", "EHCP").
ABBREVIATION = 5


@dataclass(frozen=True)
class Glossary:
    """Groups of phrases that mean the same thing, each phrase as a tuple of lower-case words."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    written: tuple[str, ...] = ()  # each group's first phrase as the file writes it ("children's services")

    def expand(self, text: str) -> list[str]:
        """Synonym phrases for every glossary phrase found in ``text`` (not repeating what it already says)."""
        words = tuple(_WORDS.findall(text.lower()))
        present = set(words)
        extra: list[str] = []
        for group in self.groups:
            if any(phrase[0] in present and _contains(words, phrase) for phrase in group):
                extra += [" ".join(phrase) for phrase in group if not _contains(words, phrase)]
        return extra


    def spelled_out(self, text: str) -> str:
        """``text`` with each abbreviation a glossary knows followed by its full form in brackets ("notts UASC" ->
        "notts UASC (unaccompanied asylum-seeking children)"), for the embedding model, which knows few of the sector's
        abbreviations. An abbreviation is a one-word phrase of at most ABBREVIATION letters that is not its group's
        first (full) phrase; one the text already spells out is left alone."""
        words = tuple(_WORDS.findall(text.lower()))
        spelled: dict[str, str] = {}
        for number, group in enumerate(self.groups):
            full = group[0]
            if len(full) < 2 or _contains(words, full):
                continue
            for phrase in group[1:]:
                if len(phrase) == 1 and len(phrase[0]) <= ABBREVIATION and phrase[0] in words:
                    spelled.setdefault(phrase[0], self.written[number] if self.written else " ".join(full))
        if not spelled:
            return text
        return _TOKEN.sub(lambda match: f"{match.group(0)} ({spelled.pop(match.group(0).lower())})"
                          if match.group(0).lower() in spelled else match.group(0), text)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def parse(text: str) -> Glossary:
    """A glossary from its file text: one group a line, phrases separated by "|", "#" comments."""
    groups, written = [], []
    for line in text.splitlines():
        line = line.split("#", 1)[0] if line.lstrip().startswith("#") else line
        parts = [part.strip() for part in line.split("|") if _WORDS.search(part.lower())]
        if len(parts) >= 2:
            groups.append(tuple(tuple(_WORDS.findall(part.lower())) for part in parts))
            written.append(parts[0])
    return Glossary(tuple(groups), tuple(written))


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Glossary:
    """The glossary at ``path``, ``OFSTED_GLOSSARY``, or the one shipped beside this module."""
    return parse(Path(path or os.environ.get("OFSTED_GLOSSARY") or DEFAULT).read_text(encoding="utf-8"))
