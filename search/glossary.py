"""Load the inspection glossary and expand a question's terms with their synonyms."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT = Path(__file__).with_name("glossary.txt")
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Glossary:
    """Groups of phrases that mean the same thing, each phrase as a tuple of lower-case words."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]

    def expand(self, text: str) -> list[str]:
        """Synonym phrases for every glossary phrase found in ``text`` (not repeating what it already says)."""
        words = tuple(_WORDS.findall(text.lower()))
        extra: list[str] = []
        for group in self.groups:
            if any(_contains(words, phrase) for phrase in group):
                extra += [" ".join(phrase) for phrase in group if not _contains(words, phrase)]
        return extra


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def parse(text: str) -> Glossary:
    """A glossary from its file text: one group a line, phrases separated by "|", "#" comments."""
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0] if line.lstrip().startswith("#") else line
        phrases = tuple(tuple(_WORDS.findall(part.lower())) for part in line.split("|"))
        phrases = tuple(phrase for phrase in phrases if phrase)
        if len(phrases) >= 2:
            groups.append(phrases)
    return Glossary(tuple(groups))


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Glossary:
    """The glossary at ``path``, ``OFSTED_GLOSSARY``, or the one shipped beside this module."""
    return parse(Path(path or os.environ.get("OFSTED_GLOSSARY") or DEFAULT).read_text(encoding="utf-8"))
