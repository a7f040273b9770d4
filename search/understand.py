"""Work out what a question asks for: its topic, councils, years, kinds of report and recency."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ingest.metadata import KINDS
from ingest.store import DocumentRecord

# Openings that say "tell me" without saying about what; they pull results towards any
# paragraph that mentions Ofsted or reports, so they are dropped before embedding.
_PREAMBLE = re.compile(
    r"^\s*(?:please\s+)?(?:(?:what|how)\s+(?:did|does|do|has|have|was|were|is)\s+(?:the\s+)?"
    r"(?:ofsted|inspectors?|the inspection|the reports?|reports?|inspection reports?)\s+"
    r"(?:say|said|find|found|think|report|reported|conclude|concluded|write|wrote)\s+(?:about|of|on|regarding)\s+"
    r"|tell me (?:about|what .{0,40}? (?:about|on))\s+|what is said about\s+|summari[sz]e\s+(?:the findings on\s+)?)",
    re.I,
)
_YEAR = r"((?:19|20)\d{2})"
_RANGES = (
    (re.compile(rf"\bbetween {_YEAR} and {_YEAR}\b", re.I), "between"),
    (re.compile(rf"\bfrom {_YEAR} to {_YEAR}\b", re.I), "between"),
    (re.compile(rf"\b(?:since|after|from) {_YEAR}\b", re.I), "since"),
    (re.compile(rf"\b(?:before|until|up to|prior to) {_YEAR}\b", re.I), "before"),
)
_RECENCY = (
    (re.compile(r"\b(?:previous|prior|earlier|last but one)\s+(?:full\s+)?(?:inspection|visit|report)", re.I), "previous"),
    (re.compile(r"\b(?:latest|most recent|newest)\b|\blast (?:full |ofsted )?(?:inspection|visit|report)", re.I), "latest"),
)
INSPECTIONS = ("sif_inspection", "ilacs_inspection", "ilacs_short_inspection", "ilacs_standard_inspection")
_KINDS = (
    (re.compile(r"\bfocused visits?\b", re.I), ("focused_visit",)),
    (re.compile(r"\bmonitoring visits?\b", re.I), ("monitoring_visit",)),
    (re.compile(r"\b(?:committee|scrutiny|cabinet)\b", re.I), ("committee_report",)),
    (re.compile(r"\b(?:full|graded|ilacs|sif|standard|short) inspections?\b", re.I), INSPECTIONS),
)


@dataclass(frozen=True)
class Understanding:
    """What was recognised in a question and the documents it narrows the search to."""

    topic: str
    authorities: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    kinds: tuple[str, ...] = ()
    recency: str | None = None
    documents: tuple[int, ...] | None = None  # None: every document
    notes: tuple[str, ...] = field(default=())

    def labels(self) -> list[str]:
        """Short chips describing the filters, e.g. ["Leicestershire", "2024", "focused visits"]."""
        chips = list(self.authorities)
        chips += [str(year) for year in self.years]
        if self.year_from and self.year_to:
            chips.append(f"{self.year_from}–{self.year_to}")
        elif self.year_from:
            chips.append(f"since {self.year_from}")
        elif self.year_to:
            chips.append(f"before {self.year_to}")
        chips += sorted({_kind_label(kind) for kind in self.kinds})
        if self.recency:
            chips.append(f"{self.recency} report")
        return chips

    def as_json(self) -> dict:
        """The understanding in the documented JSON shape."""
        return {
            "authorities": list(self.authorities), "years": list(self.years),
            "from": self.year_from, "to": self.year_to, "kinds": list(self.kinds), "recency": self.recency,
            "documents": None if self.documents is None else len(self.documents),
            "labels": self.labels(), "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Where:
    """Filters given explicitly (command-line flags), applied on top of what the question says."""

    authority: str | None = None
    date_from: str | None = None  # ISO date or year
    date_to: str | None = None
    kind: str | None = None

    def keeps(self, doc: DocumentRecord) -> bool:
        """True when the document passes every filter given."""
        description = doc.description
        if self.authority and (description.authority or "").lower() != self.authority.lower():
            return False
        if self.kind and not (description.kind or "").startswith(self.kind):
            return False
        when = description.inspection_end or description.published or ""
        if self.date_from and (not when or when < self.date_from):
            return False
        return not (self.date_to and (not when or when[: len(self.date_to)] > self.date_to))


def apply_where(understood: Understanding, where: Where | None, documents: Sequence[DocumentRecord]) -> Understanding:
    """The understanding narrowed further by explicit filters."""
    if where is None or where == Where():
        return understood
    allowed = set(understood.documents) if understood.documents is not None else {doc.id for doc in documents}
    chosen = tuple(sorted(doc.id for doc in documents if doc.id in allowed and where.keeps(doc)))
    return replace(understood, documents=chosen)


def _kind_label(kind: str) -> str:
    return "inspections" if kind in INSPECTIONS else KINDS.get(kind, kind) + "s"


def focus(question: str) -> str:
    """The question without a content-free opening such as "What did Ofsted say about"."""
    stripped = _PREAMBLE.sub("", question).strip(" ?.!")
    return stripped or question.strip()


def understand(question: str, documents: Sequence[DocumentRecord]) -> Understanding:
    """Recognise councils, years, kinds and recency in ``question`` and select the matching documents."""
    topic = focus(question)
    authorities = _authorities(question, documents)
    years, year_from, year_to = _years(question)
    kinds = tuple(kind for pattern, group in _KINDS if pattern.search(question) for kind in group)
    recency = next((name for pattern, name in _RECENCY if pattern.search(question)), None)
    if recency and not kinds and re.search(r"\binspect", question, re.I):
        kinds = INSPECTIONS
    topic = _strip_filters(topic, authorities)
    wanted = Understanding(topic, authorities, years, year_from, year_to, kinds, recency)
    return _select(wanted, documents)


def _authorities(question: str, documents: Sequence[DocumentRecord]) -> tuple[str, ...]:
    names = sorted({doc.description.authority for doc in documents if doc.description.authority}, key=len, reverse=True)
    found: list[str] = []
    for name in names:
        if re.search(rf"\b{re.escape(name)}\b", question, re.I) and not any(name in other for other in found):
            found.append(name)
    return tuple(sorted(found))


def _years(question: str) -> tuple[tuple[int, ...], int | None, int | None]:
    year_from = year_to = None
    rest = question
    for pattern, kind in _RANGES:
        match = pattern.search(rest)
        if not match:
            continue
        numbers = [int(group) for group in match.groups()]
        if kind == "between":
            year_from, year_to = min(numbers), max(numbers)
        elif kind == "since":
            year_from = numbers[0]
        else:
            year_to = numbers[0] - 1
        rest = rest[:match.start()] + rest[match.end():]
    years = tuple(sorted({int(year) for year in re.findall(rf"\b{_YEAR}\b", rest)}))
    return years, year_from, year_to


def _strip_filters(topic: str, authorities: tuple[str, ...]) -> str:
    for name in authorities:
        topic = re.sub(rf"\b{re.escape(name)}(?:['’]s)?\b", " ", topic, flags=re.I)
    topic = re.sub(rf"\b(?:in|since|after|from|before|until|between|and|to)?\s*\b{_YEAR}\b", " ", topic)
    return " ".join(topic.split()) or topic


def _select(wanted: Understanding, documents: Sequence[DocumentRecord]) -> Understanding:
    """Narrow the documents filter by filter; a filter that matches nothing is dropped with a note."""
    pool = list(documents)
    notes = []
    checks = (
        ("authorities", lambda doc: doc.description.authority in wanted.authorities, bool(wanted.authorities)),
        ("years", lambda doc: _in_years(doc, wanted), bool(wanted.years or wanted.year_from or wanted.year_to)),
        ("kinds", lambda doc: doc.description.kind in wanted.kinds, bool(wanted.kinds)),
    )
    dropped = {}
    for name, keep, active in checks:
        if not active:
            continue
        narrowed = [doc for doc in pool if keep(doc)]
        if narrowed:
            pool = narrowed
        else:
            notes.append(f"no indexed report matches the {name} asked for; searching without that filter")
            dropped[name] = True
    if wanted.recency:
        pool = _by_recency(pool, wanted.recency)
    narrowed_any = any(active for _, _, active in checks) or wanted.recency
    chosen = tuple(sorted(doc.id for doc in pool)) if narrowed_any else None
    return Understanding(
        wanted.topic,
        () if dropped.get("authorities") else wanted.authorities,
        () if dropped.get("years") else wanted.years,
        None if dropped.get("years") else wanted.year_from,
        None if dropped.get("years") else wanted.year_to,
        () if dropped.get("kinds") else wanted.kinds,
        wanted.recency,
        chosen,
        tuple(notes),
    )


def document_years(doc: DocumentRecord) -> set[int]:
    """The years a document belongs to: its inspection and its publication."""
    description = doc.description
    dates = (description.inspection_start, description.inspection_end, description.published)
    return {int(value[:4]) for value in dates if value}


def _in_years(doc: DocumentRecord, wanted: Understanding) -> bool:
    years = document_years(doc)
    if wanted.years and not years & set(wanted.years):
        return False
    if wanted.year_from and not any(year >= wanted.year_from for year in years):
        return False
    return not (wanted.year_to and not any(year <= wanted.year_to for year in years))


def _by_recency(pool: list[DocumentRecord], recency: str) -> list[DocumentRecord]:
    """Per council, the newest document (latest) or the one before it (previous)."""
    position = 0 if recency == "latest" else 1
    chosen = []
    for authority in {doc.description.authority for doc in pool}:
        mine = sorted((doc for doc in pool if doc.description.authority == authority), key=_when, reverse=True)
        if len(mine) > position:
            chosen.append(mine[position])
    return chosen or pool


def _when(doc: DocumentRecord) -> str:
    description = doc.description
    return description.inspection_end or description.published or ""
