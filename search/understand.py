"""Work out what a question asks for: its topic, councils, years, kinds of report and recency."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ingest import authorities
from ingest.metadata import KINDS
from ingest.store import DocumentRecord
from search import scope
from search.scope import OutOfScope
from search.tone import asked_tone

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
_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|autumn|winter)"
# "its 2019 inspection", "the May 2024 visit", "after its autumn 2023 inspection": a year that names an event.
_EVENT_YEAR = re.compile(rf"\b{_YEAR}\s+(?:ofsted\s+)?(?:[\w']+\s+){{0,3}}?(?:inspections?|visits?|reports?)\b|"
                         rf"\b(?:{_MONTHS})\s+{_YEAR}\b", re.I)
_RANGES = (
    (re.compile(rf"\bbetween {_YEAR} and {_YEAR}\b", re.I), "between"),
    (re.compile(rf"\bfrom {_YEAR} to {_YEAR}\b", re.I), "between"),
    (re.compile(rf"\b(?:since|after|from) {_YEAR}\b", re.I), "since"),
    (re.compile(rf"\b(?:before|until|up to|prior to) {_YEAR}\b", re.I), "before"),
)
_RECENCY = (
    (re.compile(r"\b(?:previous|prior|earlier|last but one|one before)\b", re.I), "previous"),
    (re.compile(r"\b(?:latest|most recent|newest|current)\b|\blast (?:full |ofsted )?(?:inspection|visit|report)", re.I), "latest"),
)
INSPECTIONS = ("sif_inspection", "ilacs_inspection", "ilacs_short_inspection", "ilacs_standard_inspection")
VISITS = ("focused_visit", "monitoring_visit")
_KINDS = (
    (re.compile(r"\bfocused visits?\b", re.I), ("focused_visit",)),
    (re.compile(r"\bmonitoring visits?\b", re.I), ("monitoring_visit",)),
    (re.compile(r"\b(?:committee|scrutiny|cabinet)\b", re.I), ("committee_report",)),
    (re.compile(r"\bvisits?\b|\bwent back\b", re.I), VISITS),
    (re.compile(r"\binspections?\b|\binspected\b", re.I), INSPECTIONS),
)
# A question asking for a number ("how many inspectors", "what share of care leavers") is answered only by a
# sentence that states one.
_QUANTITY = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:share|proportion|percentage|number|amount|fraction)\b", re.I)
# What a question asks for. Checked in this order: the first that matches decides.
ASKS = ("across", "reasons", "improve", "change", "grade", "topic")
_ASKS = (
    ("across", re.compile(r"\b(?:which|what|where|how many)\s+(?:other\s+|english\s+)?(?:councils|local authorities|"
                          r"authorities)\b|\bwhere (?:were|are|have) councils\b|\bany councils?\b", re.I)),
    ("reasons", re.compile(r"\bwhy\b|\bwhat (?:was|is|were) behind\b|\bhow did .{0,80}\bget (?:to|an?)\b|\breasons?\b|"
                           r"\bwhat led to\b|\bhow come\b|\bexplain", re.I)),
    ("improve", re.compile(r"\bareas? (?:for|of) (?:improvement|development|priority action)|\brecommendations?\b|"
                           r"\bpriority actions?\b|\b(?:need|needs|needed|have|has|had|told|asked|required|must)\s+"
                           r"(?:[\w']+\s+){0,3}?to\s+(?:improve|work on|do better|get better|address|strengthen)\b|"
                           r"\bwork on\b|\bimprove on\b", re.I)),
    ("change", re.compile(r"\b(?:since|still|any better|got better|get better|getting better|improved|improving|put right|"
                          r"sorted|recover(?:ed|y)?|move[ds]? up|moved on|changed?|progress(?:ed)?|turn(?:ed)? (?:it )?"
                          r"around|fixed|addressed|resolved|tackled|any more|anymore|went back|compared (?:with|to))\b", re.I)),
    ("grade", re.compile(r"\b(?:grade[ds]?|grading|judge(?:d|ment)s?|rated|ratings?|rating|verdict|outstanding|inadequate|"
                         r"requires? improvement|how good (?:was|were|is|are) .{0,60}\bservices|fail(?:ed|ing|s)?|"
                         r"how did .{0,80}\bdo\b)\b", re.I)),
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
    asks: str = "topic"  # one of ASKS: what the question wants back
    quantity: bool = False  # a question about a topic that asks for a number
    tone: int = 0  # -1: asks what was criticised, +1: what was praised (search/tone.py)
    missing: tuple[str, ...] = ()  # councils the question names that no indexed report is about
    out_of_scope: tuple[OutOfScope, ...] = ()  # other inspectorates, kinds of inspection, councils outside England

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
            "labels": self.labels(), "notes": list(self.notes), "asks": self.asks, "quantity": self.quantity,
            "tone": self.tone,
            "missing": list(self.missing), "out_of_scope": [item.phrase for item in self.out_of_scope],
        }


@dataclass(frozen=True)
class Where:
    """Filters given explicitly (command-line flags), applied on top of what the question says."""

    authority: str | None = None
    date_from: str | None = None  # ISO date or year
    date_to: str | None = None
    kind: str | None = None  # a kind of KINDS, a prefix of one, or "inspection" for any inspection
    authorities: tuple[str, ...] = ()  # any of these councils (the page's council filter)

    def keeps(self, doc: DocumentRecord) -> bool:
        """True when the document passes every filter given."""
        description = doc.description
        if self.authority and (description.authority or "").lower() != self.authority.lower():
            return False
        if self.authorities and description.authority not in self.authorities:
            return False
        if self.kind and not _of_kind(doc, INSPECTIONS if self.kind == "inspection" else (self.kind,)) \
                and not (description.kind or "").startswith(self.kind):
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


def asking_words(question: str) -> set[str]:
    """The words that say what kind of answer is wanted ("why", "rated", "sorted out", "verdict"), not its topic."""
    return {word.lower() for _, pattern in _ASKS for match in pattern.finditer(question)
            for word in re.findall(r"[A-Za-z]+", match.group(0))}


def understand(question: str, documents: Sequence[DocumentRecord]) -> Understanding:
    """Recognise councils, years, kinds, recency and what is asked in ``question``; select the matching documents."""
    topic = focus(question)
    asks = next((name for name, pattern in _ASKS if pattern.search(question)), "topic")
    authorities, missing, spans = _authorities(question, documents)
    years, year_from, year_to = _years(question)
    if asks == "change" and (years or year_from):
        # The answer to "has it improved since 2019?" is in the reports after 2019, which say what changed.
        year_from, years, year_to = min([*years, *([year_from] if year_from else [])]) + 1, (), None
    kinds = tuple(dict.fromkeys(kind for pattern, group in _KINDS if pattern.search(question) for kind in group))
    kinds = kinds[:1] if kinds[:1] == ("focused_visit",) or kinds[:1] == ("monitoring_visit",) else kinds
    if len(kinds) > len(VISITS) and not any(pattern.search(question) for pattern, _ in _RECENCY):
        kinds = ()  # "visits" and "inspections" both named: no narrowing by kind
    recency = next((name for pattern, name in _RECENCY if pattern.search(question)), None)
    topic = _strip_filters(topic, spans)
    quantity = asks == "topic" and bool(_QUANTITY.search(question))
    wanted = Understanding(topic, authorities, years, year_from, year_to, kinds, recency, asks=asks, quantity=quantity,
                           tone=asked_tone(question),
                           missing=missing,
                           out_of_scope=tuple(scope.load().named_in(question)))
    return _select(wanted, documents)


def _authorities(question: str, documents: Sequence[DocumentRecord]) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """Councils named (as the index holds them), councils named that no indexed report is about, and the words
    that named them. A former council stands for its successors ("Northants": North and West Northamptonshire)."""
    indexed = {doc.description.authority for doc in documents if doc.description.authority}
    found: list[str] = []
    missing: list[str] = []
    spans: list[str] = []
    for mention in authorities.load().mentions(question):
        authority = mention.authority
        names = [authority.name] if authority.name in indexed else [name for name in authority.successors if name in indexed]
        found += names
        if not names:
            missing.append(authority.name)
        spans.append(question.replace("’", "'")[mention.start:mention.end])
    for name in sorted(indexed - set(found), key=len, reverse=True):  # councils outside the list, as indexed
        if authorities.load().named(name) is None and re.search(rf"\b{re.escape(name)}\b", question, re.I):
            found.append(name)
            spans.append(name)
    return tuple(sorted(set(found))), tuple(dict.fromkeys(m for m in missing if m not in found)), spans


def _years(question: str) -> tuple[tuple[int, ...], int | None, int | None]:
    year_from = year_to = None
    rest = _EVENT_YEAR.sub(lambda match: f" in {match.group(1) or match.group(2)} ", question)
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


def _strip_filters(topic: str, spans: Sequence[str]) -> str:
    """The topic without the councils' names (with "County Council" and "'s") and years, for full-text search."""
    topic = topic.replace("’", "'")
    for name in sorted(set(spans), key=len, reverse=True):
        topic = re.sub(rf"\b{re.escape(name)}(?:\s+(?:county|city|borough|metropolitan)?\s*council)?(?:'s)?(?!\w)", " ",
                       topic, flags=re.I)
    topic = re.sub(rf"\b(?:in|since|after|from|before|until|between|and|to)?\s*\b{_YEAR}\b", " ", topic)
    return " ".join(topic.split()) or topic


def _select(wanted: Understanding, documents: Sequence[DocumentRecord]) -> Understanding:
    """Narrow the documents filter by filter; a filter that matches nothing is dropped with a note."""
    pool = list(documents)
    notes = []
    checks = (
        ("authorities", lambda doc: doc.description.authority in wanted.authorities, bool(wanted.authorities)),
        ("years", lambda doc: _in_years(doc, wanted), bool(wanted.years or wanted.year_from or wanted.year_to)),
        ("kinds", lambda doc: _of_kind(doc, wanted.kinds), bool(wanted.kinds)),
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
    notes += [f"No report for {name} is indexed." for name in wanted.missing]
    return replace(
        wanted,
        authorities=() if dropped.get("authorities") else wanted.authorities,
        years=() if dropped.get("years") else wanted.years,
        year_from=None if dropped.get("years") else wanted.year_from,
        year_to=None if dropped.get("years") else wanted.year_to,
        kinds=() if dropped.get("kinds") else wanted.kinds,
        documents=chosen,
        notes=tuple(notes),
    )


def _of_kind(doc: DocumentRecord, kinds: Sequence[str]) -> bool:
    """A council paper that restates an inspection's grades is about that inspection, so it counts as one."""
    kind = doc.description.kind
    return kind in kinds or (kind == "committee_report" and bool(doc.judgements) and set(INSPECTIONS) <= set(kinds))


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


# Documents of one council dated this close together are about the same inspection (a report and the council
# paper that presents it to a committee).
SAME_EVENT_DAYS = 120


def _by_recency(pool: list[DocumentRecord], recency: str) -> list[DocumentRecord]:
    """Per council, the documents of its newest inspection or visit (latest) or of the one before (previous)."""
    position = 0 if recency == "latest" else 1
    chosen: list[DocumentRecord] = []
    for authority in {doc.description.authority for doc in pool}:
        mine = sorted((doc for doc in pool if doc.description.authority == authority), key=_when, reverse=True)
        events: list[list[DocumentRecord]] = []
        for doc in mine:
            if events and days_between(_published(events[-1][0]), _published(doc)) <= SAME_EVENT_DAYS:
                events[-1].append(doc)
            else:
                events.append([doc])
        if len(events) > position:
            chosen += events[position]
    return chosen or pool


def _published(doc: DocumentRecord) -> str:
    """When a document came out: a report and the council paper presenting it come out weeks apart."""
    return doc.description.published or doc.description.inspection_end or ""


def days_between(later: str, earlier: str) -> int:
    try:
        return (date.fromisoformat(later[:10]) - date.fromisoformat(earlier[:10])).days
    except ValueError:
        return 10**6


def _when(doc: DocumentRecord) -> str:
    description = doc.description
    return description.inspection_end or description.published or ""
