"""What the reports cannot answer: other inspectorates, other kinds of inspection, councils outside England, council
services they do not assess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "scope.txt"
# The kind of provision graded in inspections of its own, by Ofsted unless the kind names another grader ("graded on
# its own by HM Inspectorate of Probation"): a question asking its grade is not answered by a council's report.
GRADED_ALONE = "graded on its own"
# A council's service the reports on its children's services do not assess, and who does ("outside children's services,
# assessed by the Care Quality Commission"): a question about it is not answered, unless it is about children too.
OUTSIDE = "outside children's services"
# The kind whose phrases make a question about children, whatever else it names (not itself out of scope).
ABOUT_CHILDREN = "about children"


@dataclass(frozen=True)
class OutOfScope:
    """A phrase a question used that names something outside Ofsted's inspections of English councils."""

    kind: str  # "inspectorate", "kind of inspection", "council outside England", GRADED_ALONE (perhaps "... by <grader>"),
    # OUTSIDE ", <who assesses it>"
    phrase: str  # as the question wrote it


@dataclass(frozen=True)
class Scope:
    """Phrases grouped by kind, with one pattern each."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    children: re.Pattern[str] | None = None  # ABOUT_CHILDREN's phrases

    def named_in(self, question: str) -> list[OutOfScope]:
        """Every out-of-scope thing ``question`` names, longest phrase first within a kind; a service OUTSIDE
        children's services only when the question names none of ABOUT_CHILDREN's words (children, young people,
        parents, a move to adulthood: "adult social care waiting list", not "moving disabled young people on to adult
        social care" nor "how do children's services and adult social care work together")."""
        text = question.replace("’", "'")
        about_children = self.children is not None and bool(self.children.search(text))
        return [OutOfScope(kind, match.group(0)) for kind, pattern in self.patterns for match in pattern.finditer(text)
                if not (kind.startswith(OUTSIDE) and about_children)]


def _word(word: str) -> str:
    """A word of a phrase as a pattern; an apostrophe may be left out, as people typing often do ("childrens")."""
    return "'?".join(map(re.escape, word.split("'")))


@lru_cache(maxsize=2)
def load(path: Path = DATA) -> Scope:
    """The scope file: "kind | phrase | phrase ..." lines, "#" comments."""
    patterns, children = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        kind, *phrases = [part.strip() for part in line.split("|")]
        if kind == ABOUT_CHILDREN:  # on as many lines as it takes
            children += [phrase for phrase in phrases if phrase]
        else:
            patterns.append((kind, _pattern(phrases)))
    return Scope(tuple(patterns), _pattern(children) if children else None)


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    """Any of ``phrases`` as whole words, longest first, case-insensitive; spaces or hyphens between their words."""
    words = sorted((phrase for phrase in phrases if phrase), key=len, reverse=True)
    alternatives = "|".join(r"[\s-]+".join(_word(word) for word in phrase.split()) for phrase in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)
