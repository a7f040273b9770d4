"""What the reports cannot answer: other inspectorates, other kinds of inspection, councils outside England."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "scope.txt"
# The kind of provision graded in inspections of its own, by Ofsted unless the kind names another grader ("graded on
# its own by HM Inspectorate of Probation"): a question asking its grade is not answered by a council's report.
GRADED_ALONE = "graded on its own"


@dataclass(frozen=True)
class OutOfScope:
    """A phrase a question used that names something outside Ofsted's inspections of English councils."""

    kind: str  # "inspectorate", "kind of inspection", "council outside England", GRADED_ALONE (perhaps "... by <grader>")
    phrase: str  # as the question wrote it


@dataclass(frozen=True)
class Scope:
    """Phrases grouped by kind, with one pattern each."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    def named_in(self, question: str) -> list[OutOfScope]:
        """Every out-of-scope thing ``question`` names, longest phrase first within a kind."""
        text = question.replace("’", "'")
        return [OutOfScope(kind, match.group(0)) for kind, pattern in self.patterns for match in pattern.finditer(text)]


def _word(word: str) -> str:
    """A word of a phrase as a pattern; an apostrophe may be left out, as people typing often do ("childrens")."""
    return "'?".join(map(re.escape, word.split("'")))


@lru_cache(maxsize=2)
def load(path: Path = DATA) -> Scope:
    """The scope file: "kind | phrase | phrase ..." lines, "#" comments."""
    patterns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        kind, *phrases = [part.strip() for part in line.split("|")]
        words = sorted((phrase for phrase in phrases if phrase), key=len, reverse=True)
        alternatives = "|".join(r"[\s-]+".join(_word(word) for word in phrase.split()) for phrase in words)
        patterns.append((kind, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)))
    return Scope(tuple(patterns))
