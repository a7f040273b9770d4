"""Describe a report from its text: authority, kind, dates, lead inspector and title."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest import authorities

MONTHS = {name: index for index, name in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
# Spaces are optional between day, month and year: PDF extraction sometimes loses them ("28February 2018").
_DATE = re.compile(rf"\b(\d{{1,2}})\s*{_MONTH}\s*(\d{{4}})\b", re.I)
_RANGE = re.compile(
    rf"\b(\d{{1,2}})(?:\s*{_MONTH})?(?:\s*(\d{{4}}))?\s*(?:to|–|-|and)\s*(\d{{1,2}})\s*{_MONTH}\s*(\d{{4}})", re.I)
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_APOSTROPHE = "[’']"
# Where a report names the council it is about, most telling first.
_AUTHORITY_PATTERNS = (
    re.compile(rf"Inspection of (?:the )?(.+?) local authority children{_APOSTROPHE}s services", re.I),
    re.compile(rf"(?:Focused|Monitoring) visit to (?:the )?(.+?) (?:local authority )?children{_APOSTROPHE}s services", re.I),
    re.compile(rf"Children{_APOSTROPHE}s (?:social care )?services in (?:the )?(.+?) (?:are|is|requires?|continue)\b", re.I),
    re.compile(r"^(.+?)\s+Inspection of (?:children|services)", re.I | re.M),
)
_COUNCIL_WORDS = re.compile(r"\s+(?:county|city|borough|metropolitan)?\s*(?:council)?$", re.I)

KINDS = {
    "lac_inspection": "inspection of looked after children services (before 2014)",
    "sif_inspection": "inspection (single inspection framework)",
    "ilacs_inspection": "inspection (ILACS)",
    "ilacs_short_inspection": "short inspection (ILACS)",
    "ilacs_standard_inspection": "standard inspection (ILACS)",
    "focused_visit": "focused visit",
    "monitoring_visit": "monitoring visit",
    "jtai": "joint targeted area inspection",
    "committee_report": "council/committee report",
    "other": "other",
}


@dataclass(frozen=True)
class Description:
    """Everything known about a document; None where the text does not say."""

    title: str | None
    authority: str | None
    kind: str
    inspection_start: str | None
    inspection_end: str | None
    published: str | None
    lead_inspector: str | None
    # True when the document states its publication (or letter, or meeting) date, or a sidecar gives it; False when
    # ``published`` is only the date its PDF was produced or its file name's, good for ordering but not to be shown
    # as a publication date.
    published_stated: bool = False

    @property
    def date(self) -> str | None:
        """The date to cite: publication or meeting date, else the end of the inspection."""
        return self.published or self.inspection_end

    @property
    def held(self) -> str | None:
        """When it took place, to put documents in time order: the inspection's last day, else its first, else the
        publication (or meeting) date."""
        return self.inspection_end or self.inspection_start or self.published

    def dates(self) -> tuple[str, ...]:
        """Every date it has: the inspection's first and last days and its publication."""
        return tuple(value for value in (self.inspection_start, self.inspection_end, self.published) if value)

    def years(self) -> frozenset[int]:
        """The years it belongs to: its inspection's and its publication's (a report of an inspection in December
        2024 published in January 2025 is of both)."""
        return frozenset(int(value[:4]) for value in self.dates())

    def within(self, start: str | None = None, end: str | None = None) -> bool:
        """True when its inspection (any day of it) or its publication falls between ``start`` and ``end`` (ISO dates
        or bare years, both inclusive; either may be missing). The one rule for dates, used by questions, filters and
        the sidebar."""
        low, high = (start or "")[:10], (end or "")[:10]
        after = lambda value: not low or value[:len(low)] >= low  # noqa: E731
        before = lambda value: not high or value[:len(high)] <= high  # noqa: E731
        first = self.inspection_start or self.inspection_end
        last = self.inspection_end or self.inspection_start
        held = bool(first and last and before(first) and after(last))
        return held or bool(self.published and after(self.published) and before(self.published))


def describe(path: Path | str, text: str, title: str | None, produced: str | None = None) -> Description:
    """What the document is, read from its own text (and, for the publication date of a report that does not state
    one, the date its file was produced); the file name is only a last resort."""
    head = text[:4000]
    start, end = inspection_dates(head)
    kind = document_kind(head, Path(path).name)
    published, stated = published_date(head, Path(path).name, kind, produced)
    return Description(
        title=title,
        authority=authority(head, Path(path).name),
        kind=kind,
        inspection_start=start,
        inspection_end=end,
        published=published,
        lead_inspector=lead_inspector(text),
        published_stated=stated,
    )


def authority(head: str, file_name: str) -> str | None:
    """The council a document is about, by the name in England's list of local authorities when it is one."""
    known = authorities.load()
    for pattern in _AUTHORITY_PATTERNS:
        for match in pattern.finditer(head[:2500]):
            written = match.group(1).strip()
            found = known.named(written) if len(written) < 80 else None
            if found:
                return found.name
    counted = Counter(mention.authority.name for mention in known.mentions(head[:2500]))
    if counted:
        return counted.most_common(1)[0][0]
    for pattern in _AUTHORITY_PATTERNS[:2]:  # a council outside the list (a Welsh one, say), as the report writes it
        outside = pattern.search(head)
        if outside and len(outside.group(1)) < 40:
            return tidy_authority(outside.group(1))
    stem = _FILE_DATE.split(Path(file_name).stem)[0].replace("-", " ").replace("_", " ")
    from_name = known.mentions(stem)
    return from_name[0].authority.name if from_name else None


def tidy_authority(name: str) -> str:
    """A council name in one spelling: "Leicester city council" -> "Leicester"."""
    name = _COUNCIL_WORDS.sub("", " ".join(name.split())).strip()
    name = re.sub(r"\s+City$", "", name, flags=re.I)
    return " ".join(word if word.isupper() and len(word) <= 3 else word.capitalize() for word in name.split())


# A document's own title, as each kind words it. The title comes first, so the earliest of these in the opening
# decides: an ILACS report's headline findings may mention a joint targeted area inspection or a committee after its
# title ("Inspection of Barnsley local authority children's services ... a joint targeted area inspection in 2022").
_TITLES = (
    (r"scrutiny committee|overview and scrutiny|report of the director|cabinet report", "committee_report"),
    (r"joint targeted area inspection", "jtai"),
    (r"Monitoring visit (?:to|of)", "monitoring_visit"),
    (r"Focused visit (?:to|of)", "focused_visit"),
    # The SIF report's own title; ILACS reports use the same words in their prose ("... services for children in
    # need of help and protection have improved"), so the title's "Inspection of" is required.
    (r"Review of the effectiveness of the Local Safeguarding|Inspection of services for children in need of help "
     r"and protection", "sif_inspection"),
    # The framework before the SIF (to 2013) inspected children looked after on their own, graded on its own scale
    # ("Grade 3 (Adequate)").
    (r"Inspection of (?:safeguarding and )?looked after children(?:'s)? services", "lac_inspection"),
    (r"Inspection of .{0,80}children's (?:social care )?services", "ilacs_inspection"),
)
# Without any title: a council paper by its wording anywhere in the opening.
_BODY = ((r"\bcommittee\b|report of the director", "committee_report"),)


def document_kind(head: str, file_name: str) -> str:
    """One of KINDS: from the report's own title (the earliest title wording in its opening), then the opening's
    wording, then its file name."""
    opening = " ".join(head[:1500].split()).replace("’", "'")
    found = [(match.start(), order, kind) for order, (pattern, kind) in enumerate(_TITLES)
             if (match := re.search(pattern, opening, re.I))]
    if found:
        kind = min(found)[2]
        if kind == "ilacs_inspection" and re.search(r"\bshort inspection\b", opening, re.I):
            return "ilacs_short_inspection"
        return kind
    for pattern, kind in _BODY:
        if re.search(pattern, opening, re.I):
            return kind
    name = file_name.lower()
    if "focused-visit" in name:
        return "focused_visit"
    return "ilacs_inspection" if "inspection" in name else "other"


def inspection_dates(head: str) -> tuple[str | None, str | None]:
    """ISO start and end of the inspection or visit, where the text states them."""
    match = re.search(r"Inspection dates?:\s*(.{0,120})", head, re.I)
    if not match:
        match = re.search(r"(?:visit|services)[^.]{0,120}? (?:on|between) (.{0,60})", head, re.I)
    if not match:
        return None, None
    window = _plain_days(" ".join(match.group(1).split()))
    ranges = list(_RANGE.finditer(window))
    if ranges and ranges[0].start() < 50:
        # "8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019": first start, last end.
        day1, month1, year1, day2, month2, year2 = ranges[0].groups()
        end = _iso(*ranges[-1].groups()[3:])
        return _iso(day1, month1 or month2, year1 or year2), end
    single = _DATE.search(window[:40])
    if single:
        return (_iso(*single.groups()),) * 2
    return _without_year(window, head)


def _plain_days(window: str) -> str:
    """Days written as "the 15 and 16 of May 2018" or "the 3rd to 5th of June" as "15 and 16 May 2018"."""
    window = re.sub(r"\bthe\s+(?=\d)", "", window, flags=re.I)
    return re.sub(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s*(?={_MONTH}|and\b|to\b|[–-])", r"\1 ", window, flags=re.I)


_NO_YEAR = re.compile(rf"^(\d{{1,2}})\s*(?:{_MONTH}\s*)?(?:(?:and|to|–|-)\s*(\d{{1,2}})\s*)?{_MONTH}\b(?!\s*\d{{4}})", re.I)


def _without_year(window: str, head: str) -> tuple[str | None, str | None]:
    """"on 13 and 14 July": the visit's days, in the year of the letter's date (the year before, if that month
    is later than the letter's)."""
    match = _NO_YEAR.match(window)
    letter = _DATE.search(head[:600])
    if not match or not letter:
        return None, None
    day1, month1, day2, month2 = match.groups()
    year = int(letter.group(3))
    if MONTHS[month2.lower()] > MONTHS[letter.group(2).lower()]:
        year -= 1
    return _iso(day1, month1 or month2, str(year)), _iso(day2 or day1, month2, str(year))


def published_date(head: str, file_name: str, kind: str, produced: str | None = None) -> tuple[str | None, bool]:
    """ISO date of publication (reports), the letter (visits) or the meeting (committee papers), and whether the
    document states it; for a report that does not (ILACS reports do not), the date its PDF was produced, a few days
    before Ofsted lists it, else its file name's date, neither stated."""
    match = re.search(r"(?:Report published|Date published|Published):?\s*" + _DATE.pattern, head, re.I)
    if match:
        return _iso(*match.groups()[-3:]), True
    if kind in ("focused_visit", "monitoring_visit", "committee_report"):
        first = _DATE.search(head[:1500])
        if first:
            return _iso(*first.groups()), True
    if produced:
        return produced, False
    found = _FILE_DATE.search(file_name)
    return ("-".join(found.groups()) if found else None), False


_SIGNED = re.compile(r"Yours? sincerely,?\s+([A-Z][\w'’.-]+(?:[ \t]+[A-Z][\w'’.-]*){1,3})\s+(?:Her|His) Majesty")


def lead_inspector(text: str) -> str | None:
    """The lead inspector's name where the report names one ("Lead inspector: Jane Doe HMI", "Lead inspector on site:
    Jane Doe", the first of "Lead inspectors: ..."; before 2014, "Reporting inspector Jane Doe HMI"), or the inspector
    who signs a visit letter."""
    match = re.search(r"(?:Lead|Reporting) inspectors?(?: on site)?:?\s*([A-Z][\w'’-]+(?: \(?[A-Z][\w'’.-]*\)?)+)", text) \
        or _SIGNED.search(text[-3000:])
    if not match:
        return None
    name = re.split(r",? (?:Her|His) Majesty", match.group(1))[0]
    return re.sub(r"\s*\(?HMI\)?$", "", name).strip()


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), MONTHS[month.lower()], int(day)).isoformat()
    except (KeyError, ValueError):
        return None
