"""England's local authorities as data: their names, the names people use, former ones; found in any text."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "authorities.csv"


@dataclass(frozen=True)
class Authority:
    """One local authority: the name the product uses, other names for it, and what replaced a former one."""

    name: str
    aliases: tuple[str, ...] = ()
    former: bool = False
    successors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """Where a text names an authority."""

    start: int
    end: int
    authority: Authority


class Authorities:
    """Every authority, and one pattern that finds any of their names in a text, longest name first."""

    def __init__(self, authorities: tuple[Authority, ...]) -> None:
        self.all = authorities
        self._by_name = {_fold(name): authority for authority in authorities for name in (authority.name, *authority.aliases)}
        names = sorted(((name, authority) for authority in authorities for name in _spellings(authority)),
                       key=lambda pair: -len(pair[0]))
        self._owner: dict[str, Authority] = {}
        alternatives = []
        for number, (name, authority) in enumerate(names):
            group = f"a{number}"
            self._owner[group] = authority
            alternatives.append(f"(?P<{group}>{_pattern(name)})")
        self._pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.I)
        # the same names in any case ("bury"), for a text that uses no capitals at all
        self._any_case = re.compile(self._pattern.pattern.replace("(?-i:", "(?:"), re.I)

    def mentions(self, text: str, any_case: bool = False) -> list[Mention]:
        """Every authority named in ``text``, in order ("Leicester" never inside "Leicestershire"); with ``any_case``,
        names matched only with their capitals ("Bury") are found in lower case too."""
        return list(self._mentions(text, any_case))

    @lru_cache(maxsize=4096)  # noqa: B019 (one Authorities per data file, kept for the process anyway)
    def _mentions(self, text: str, any_case: bool) -> tuple[Mention, ...]:
        """The mentions, remembered: a question is looked through several times on its way (parsed, framed for the
        classifier, its topic), and one pass of the pattern over every authority's names takes half a millisecond."""
        text = text.replace("’", "'")
        pattern = self._any_case if any_case else self._pattern
        return tuple(Mention(match.start(), match.end(), self._owner[match.lastgroup or ""])
                     for match in pattern.finditer(text))

    def named(self, name: str) -> Authority | None:
        """The authority a name (or alias) stands for, e.g. "Notts" or "Nottinghamshire County Council"."""
        folded = _fold(_COUNCIL_WORDS.sub("", name.strip()))
        if folded in self._by_name:
            return self._by_name[folded]
        found = self.mentions(name)
        return found[0].authority if len(found) == 1 else None

    def get(self, name: str) -> Authority | None:
        """The authority whose product name is exactly ``name``."""
        return next((authority for authority in self.all if authority.name == name), None)


_COUNCIL_WORDS = re.compile(r"\s+(?:(?:metropolitan\s+)?(?:county|city|borough|district)\s+)?council$", re.I)


def _spellings(authority: Authority) -> list[str]:
    """The names to look for; a name marked "=" (capitals only) replaces its case-blind form."""
    names = [authority.name, *authority.aliases]
    return [name for name in names if f"={name}" not in names]


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ").replace("’", "'")).strip()


def _pattern(name: str) -> str:
    """A regex for a name: any spacing or hyphens between words, "and", "&" or neither ("telford wrekin", as people
    type it), capitals kept when marked "="."""
    exact = name.startswith("=")
    words = re.split(r"[\s-]+", name.lstrip("="))
    parts = [r"(?:and|&)" if word.lower() == "and" else re.escape(word).replace(r"\.", r"\.?") for word in words]
    body = r"[\s-]+".join(parts).replace(r"[\s-]+(?:and|&)[\s-]+", r"[\s-]+(?:(?:and|&)[\s-]+)?")
    return f"(?-i:{body})" if exact else body


@lru_cache(maxsize=2)
def load(path: Path = DATA) -> Authorities:
    """The authorities in the data file (comment lines start with "#")."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    authorities = tuple(
        Authority(row["name"].lstrip("="), tuple(alias for alias in (row["aliases"] or "").split("|") if alias),
                  row["status"] == "former", tuple(name for name in (row["successors"] or "").split("|") if name))
        for row in rows
    )
    named = tuple(_with_exact_name(authority, row["name"]) for authority, row in zip(authorities, rows, strict=True))
    return Authorities(_with_short_parts(named))


def _with_short_parts(authorities: tuple[Authority, ...]) -> tuple[Authority, ...]:
    """Each authority whose name holds another's with the short names of that one in its place: "North East Lincs"
    and "North Northants" from "Lincs" and "Northants" (people shorten the county inside the name too)."""
    short = {authority.name: [alias for alias in authority.aliases if not alias.startswith("=") and " " not in alias]
             for authority in authorities}
    extended = []
    for authority in authorities:
        derived = [re.sub(rf"\b{re.escape(other)}\b", alias, authority.name) for other, aliases in short.items()
                   if other != authority.name and other in authority.name  # (a regex each for the few that hold it)
                   and re.search(rf"\b{re.escape(other)}\b", authority.name) for alias in aliases]
        new = [name for name in derived if name not in authority.aliases]
        extended.append(Authority(authority.name, (*authority.aliases, *new), authority.former, authority.successors)
                        if new else authority)
    return tuple(extended)


def _with_exact_name(authority: Authority, written: str) -> Authority:
    """Keep the "=" (match with capitals) of a name as an alias, since the product name itself is stored bare."""
    if written.startswith("="):
        return Authority(authority.name, (written, *authority.aliases), authority.former, authority.successors)
    return authority
