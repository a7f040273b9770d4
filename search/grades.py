"""Answer questions about grades from the grades each report states: a table, best-matching row first."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ingest.document import Chunk
from ingest.grades import AREA_NAMES, GRADES, framework_of
from ingest.store import DocumentRecord
from ingest.stores import Reader
from search.lexical import terms
from search.parse import JUDGED, Query, grade_side, named_grade
from search.select import SAME_EVENT_DAYS, Selection, came_out, changing, days_between

# How a question names a judgement area, in Ofsted's own wording and in plain words (ILACS and SIF handbooks).
_ASKED_AREAS = (
    ("lscb", re.compile(r"\blscb\b|safeguarding (?:children )?(?:board|partnership)", re.I)),
    ("leadership", re.compile(r"\blead(?:er|ers|ership)\b|\bmanagement\b|\bgovernance\b|\bimpact of leaders\b", re.I)),
    ("care_leavers", re.compile(r"\bcare[- ]leavers?\b|\bleaving care\b|\bleft care\b", re.I)),
    ("adoption", re.compile(r"\badopt(?:ion|ed|ing)?\b", re.I)),
    ("help_and_protection", re.compile(r"\bhelp(?:ing)? and protect(?:ion|ing)?\b|\bneed(?:ing)? help\b|"
                                       r"\bprotect(?:ion|ing)? children\b|\bchild protection\b", re.I)),
    ("children_in_care", re.compile(r"\bchildren in care\b|\blooked[- ]after\b|\bin care\b|\bpermanence\b", re.I)),
    ("overall", re.compile(r"\boverall\b", re.I)),
)
# The judged areas as the ILACS framework names them (its evaluation criteria, 2018-2026), for an area a question
# describes in its own words ("what mark did it get for how it keeps children safe from harm"): the question's topic
# vector against each, overall effectiveness among them so that a question about the whole service is read so. An area
# is read when its name is at least NEAREST_AREA close and MARGIN closer than any other (chosen on the development
# files' grade questions: of 113, one describes an area in plain words, at 0.55 against 0.40; no other question
# reaches both).
_AREA_WORDING = (
    (None, "overall effectiveness of children's services"),
    ("leadership", "the impact of leaders on social work practice with children and families"),
    ("help_and_protection", "the experiences and progress of children who need help and protection"),
    ("children_in_care", "the experiences and progress of children in care"),
    ("care_leavers", "the experiences and progress of care leavers"),
)
NEAREST_AREA = 0.5
AREA_MARGIN = 0.1
# What follows the words asking for a grade: "what mark did it get for <area>", "how was it judged on <area>".
_AREA_CLAUSE = re.compile(r"\b(?:for|on|about)\s+(.+)$", re.I)
# Areas that one judgement covered before the frameworks split it (ILACS judged children in care and care
# leavers together until 2023).
_COVERS = {
    "care_leavers": {"care_leavers", "children_in_care_and_care_leavers"},
    "children_in_care": {"children_in_care", "children_in_care_and_care_leavers"},
}


def covers(area: str) -> set[str]:
    """The areas whose judgement covers ``area`` (care leavers: theirs, and children in care and care leavers judged
    together, 2018-2023)."""
    return _COVERS.get(area, {area})


# A grade said to be what something is or was judged ("their service was good"), not a word describing a thing
# ("inadequate accommodation").
_STATED_GRADE = re.compile(rf"{JUDGED}(?:(?:\w+ly|judged|graded|rated|all|now|still|also|both)\s+)?"
                           r"(?:good|outstanding|inadequate|requires? improvement)\b", re.I)
_AREA_ORDER = {area: n for n, area in enumerate(("overall", "leadership", "help_and_protection", "children_in_care",
                                                  "children_in_care_and_care_leavers", "care_leavers", "adoption", "lscb"))}
# Rows kept for a question across every council (the table is for reading, not a dump of the index).
MAX_ROWS = 60


@dataclass(frozen=True)
class GradeRow:
    """One graded area of one inspection, with the passage of the report that states it."""

    authority: str | None
    inspection_start: str | None
    inspection_end: str | None
    published: str | None
    framework: str | None
    area: str
    grade: str
    document: str  # file name
    document_id: int
    passage: int | None  # id of the chunk stating the grade, when found
    stated: str  # the judgement as the report writes its area
    paragraph: str | None
    page: int | None
    start: int | None = None  # offset of the statement in the document's text
    quote: str = ""  # the line or sentence of the passage stating the grade, word for word
    passage_start: int | None = None  # where that passage starts in the document text (for links to it)

    @property
    def area_name(self) -> str:
        """The area in words: "care leavers", "overall effectiveness"."""
        return AREA_NAMES.get(self.area, self.area.replace("_", " "))

    @property
    def when(self) -> str:
        """The inspection's dates as written in a table ("2019-10-07 to 2019-10-18"), else the publication date."""
        if self.inspection_start and self.inspection_end:
            return f"{self.inspection_start} to {self.inspection_end}"
        return self.inspection_start or self.inspection_end or self.published or ""


@dataclass(frozen=True)
class GradeAsk:
    """What a question about grades narrows the table to."""

    area: str | None
    grade: str | None
    across: bool  # a question over councils: keep only the rows that match


@dataclass(frozen=True)
class GradeTable:
    """The grade table answering a question, what the reader should know about it, and, for a question across
    councils that names a grade no indexed report gives, that fact."""

    rows: tuple[GradeRow, ...] = ()
    notes: tuple[str, ...] = ()
    none_match: str = ""
    # the area asked, when the leading inspection grades the service but not it ("adoption" of an ILACS report): what
    # the report says on the area answers, not the grades of others; not overall effectiveness, which no report
    # discusses as a topic (the 2026 framework's grades answer for it)
    ungraded: str = ""
    # the rows are of other reports of the councils asked about than those chosen, none of which gives a grade
    others: bool = False


class Areas:
    """The judged area a question describes without naming it, from its topic's vector. Thread-safe: the areas' names
    are embedded once, under a lock, on first use."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray]) -> None:
        self._embed = embed
        self._lock = threading.Lock()
        self._vectors: np.ndarray | None = None

    def described(self, question: str, vector: np.ndarray, topic: str = "") -> str | None:
        """The area ``vector`` (the question's topic) is clearly nearest, unless the question names one in words; else
        the area the words after the topic's first "for", "on" or "about" are clearly nearest ("What mark did it get
        for how it looks after the children in its care": the asking words before it read as no area)."""
        if named_area(question):
            return None
        area = self._nearest(vector)
        clause = _AREA_CLAUSE.search(topic)
        if area is None and clause and len(terms(clause.group(1))) >= 2:
            area = self._nearest(self._embed([clause.group(1)])[0])
        return area

    def _nearest(self, vector: np.ndarray) -> str | None:
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embed([wording for _, wording in _AREA_WORDING])
        closeness = self._vectors @ np.asarray(vector, dtype=np.float32)
        best, second = np.argsort(-closeness)[:2]
        if closeness[best] < NEAREST_AREA or closeness[best] - closeness[second] < AREA_MARGIN:
            return None
        return _AREA_WORDING[int(best)][0]


def named_area(question: str) -> str | None:
    """The judged area a question names in words."""
    return next((name for name, pattern in _ASKED_AREAS if pattern.search(question)), None)


def stated_grade(question: str) -> bool:
    """True when a question names a grade as what something was judged ("Which councils were told their service was
    good?"), not as a word describing a thing ("Which councils have inadequate accommodation?")."""
    return bool(_STATED_GRADE.search(question))


def asked(question: str, query: Query) -> GradeAsk:
    """The area and grade a question names (or an area it describes), and whether it asks across councils."""
    area = named_area(question) or query.described_area
    grade = named_grade(question)
    return GradeAsk(area, grade, query.wants("across") and not query.councils)


def grade_rows(index: Reader, query: Query, selection: Selection) -> GradeTable:
    """The grade table answering ``query``: the graded areas of the reports it is about, the report asked for (or
    the newest) first and in it the area asked for first; empty when the question does not ask for a grade."""
    if not query.wants("grade"):
        return GradeTable()
    wanted = asked(query.text, query)
    documents = [doc for doc in index.documents() if doc.judgements and selection.allows(doc.id)]
    notes: list[str] = []
    others = not documents and bool(selection.councils)
    if others:  # no graded report in the years, or the latest report, asked: the council's others
        documents = [doc for doc in index.documents() if doc.judgements and doc.description.authority in selection.councils]
        councils = _and(selection.councils)
        chosen = f"The reports of {councils} from {', '.join(query.dates.labels())} give" if query.dates else \
            {"latest": f"The latest report of {councils} gives",
             "previous": f"The report of {councils} before its latest gives"}.get(query.recency or "",
                                                                             f"The reports of {councils} chosen give")
        if documents:
            year = _year_asked(query)
            then = f"the one in force in {year} first" if year and in_force(documents, year) is not None \
                else "the nearest first"
            notes.append(f"{chosen} no grades (visits are not graded); these are the grades of its graded inspections, "
                         f"{then}.")
    kept = _without_restatements(documents)
    rows = [row for doc in kept for row in _rows(doc)]
    if wanted.across and changing(query):  # "which councils got a better grade than last time", "... improved from
        # inadequate": the councils whose grade moved (from or to the grade named)
        moved, said = _moved(rows, wanted.area or "overall", query.tone < 0, wanted.grade, grade_side(query.text))
        if not moved:  # the reports answer: none did
            return GradeTable((), tuple(notes), said)
        return GradeTable(tuple(_with_passage(index, row) for row in moved[:MAX_ROWS]), (*notes, said))
    if wanted.across and wanted.grade:  # "which councils were judged inadequate": only the rows that say so
        rows = [row for row in rows if _matches(row, wanted)]
        if not rows:
            where = f" for {AREA_NAMES.get(wanted.area, wanted.area)}" if wanted.area else ""
            return GradeTable((), (), f"None of the indexed reports grades a council {wanted.grade}{where}.")
    elif wanted.across:
        rows = [row for row in rows if _matches(row, wanted)] or rows
    rows = sorted(rows, key=_ordering(rows, wanted, query, kept))[:MAX_ROWS]
    missing = _missing_area(rows, wanted)
    ungraded = wanted.area if missing and wanted.area and wanted.area != "overall" else ""
    return GradeTable(tuple(_with_passage(index, row) for row in rows), (*notes, *missing), ungraded=ungraded,
                      others=others and bool(rows))


def _moved(rows: Sequence[GradeRow], area: str, fallen_first: bool, grade: str | None = None,
           side: str | None = None) -> tuple[list[GradeRow], str]:
    """Each council whose grade for ``area`` changed between its last two inspections grading it (from or to
    ``grade``, if given, as ``side`` says: "earlier", "later" or either): the two rows, the later first, the councils
    whose grade rose before those whose grade fell (after, when ``fallen_first``); and the changes said in words."""
    graded: dict[str, list[GradeRow]] = {}
    for row in sorted(rows, key=_number):
        if row.authority and row.area in _COVERS.get(area, {area}) and row.grade in GRADES:
            graded.setdefault(row.authority, []).append(row)
    last_two = {council: kept[-2:] for council, kept in graded.items() if len(kept) > 1}
    ends = lambda earlier, later: {"earlier": (earlier,), "later": (later,)}.get(side or "", (earlier, later))  # noqa: E731
    changes = [(GRADES.index(later.grade) - GRADES.index(earlier.grade), council, earlier, later)
               for council, (earlier, later) in last_two.items()
               if later.grade != earlier.grade and (grade is None or grade in ends(earlier.grade, later.grade))]
    name = AREA_NAMES.get(area, area.replace("_", " "))
    if not changes:
        moved = f" {' or '.join(ends('from', 'to'))} {grade}" if grade else ""
        return [], (f"No council's {name} grade changed{moved} between its last two graded inspections in the indexed "
                    "reports.")
    changes.sort(key=lambda change: (change[0] < 0 if fallen_first else change[0] > 0, change[1]))
    said = {direction: [f"{council} ({earlier.grade} in {_year(earlier)}, {later.grade} in {_year(later)})"
                        for step, council, earlier, later in changes if (step < 0) == (direction == "rose")]
            for direction in ("rose", "fell")}
    text = ", and ".join(f"{direction} for {_and(said[direction])}" for direction in ("rose", "fell") if said[direction])
    return ([row for _, _, earlier, later in changes for row in (later, earlier)],
            f"Between each council's last two graded inspections, the {name} grade {text}.")


def _ordering(rows: Sequence[GradeRow], wanted: GradeAsk, query: Query, documents: Sequence[DocumentRecord]):
    """Row order: across councils, the area and grade asked, newest first; for one council, the inspections of the
    years named when it names several (or those then in force), then its inspections from the one whose grades were in
    force in the year asked (the last before it), then the nearest the year (else the newest), each with the area asked
    first. A grade stands until the next inspection: asked of 2022, a council inspected in 2019 and 2024 had 2019's
    grades, though 2024 is nearer."""
    asked_year = _year_asked(query)
    councils: dict[str | None, list[DocumentRecord]] = {}  # each council's graded reports (``documents``)
    for document in documents:
        councils.setdefault(document.description.authority, []).append(document)
    standing = {in_force(reports, asked_year) for reports in councils.values()} if asked_year else set()
    # two years or more named ("2014 vs 2019 overall judgement"): their inspections before any other, or for a year
    # none is from, the inspection whose grades were then in force
    of_named: set[int] = set()
    for year in query.dates.years if len(query.dates.years) > 1 else ():
        for reports in councils.values():
            of_year = [doc.id for doc in reports if year in doc.description.years()]
            standing_then = in_force(reports, year)
            of_named.update(of_year or ([standing_then] if standing_then is not None else []))
    inspections = sorted({row.document_id: row for row in rows}.values(),
                         key=lambda row: (bool(of_named) and row.document_id not in of_named,
                                          row.document_id not in standing,
                                          abs(_year(row) - asked_year) if asked_year else 0, -_number(row)))
    place = {row.document_id: n for n, row in enumerate(inspections)}
    if wanted.across:
        return lambda row: _order(row, wanted)
    return lambda row: (place[row.document_id], *_order(row, wanted))


def _year_asked(query: Query) -> int | None:
    """The year a grade question asks about, for ordering a council's inspections; none for a change (the newest
    first)."""
    return None if changing(query) else query.dates.earliest()


def in_force(documents: Iterable[DocumentRecord], year: int) -> int | None:
    """Of a council's graded reports, the id of the one whose grades stood in ``year``: the last held
    (``Description.held``) in that year or before, since a grade stands until the next inspection; None when all are
    later."""
    before = [doc for doc in documents if doc.description.held and int(doc.description.held[:4]) <= year]
    return max(before, key=lambda doc: doc.description.held or "").id if before else None


def _missing_area(rows: Sequence[GradeRow], wanted: GradeAsk) -> list[str]:
    """A note when the leading inspection gives no grade for the area asked (the 2026 framework gives no overall
    grade; SIF judged adoption and the LSCB, ILACS does not)."""
    if not rows or not wanted.area or wanted.across:
        return []
    lead = [row for row in rows if row.document_id == rows[0].document_id]
    if any(row.area in _COVERS.get(wanted.area, {wanted.area}) for row in lead):
        return []
    framework = lead[0].framework or "this"
    area = AREA_NAMES.get(wanted.area, wanted.area.replace("_", " "))
    return [f"The {framework} inspection of {lead[0].authority} ({_year(lead[0])}) gives no {area} grade; "
            "the grades it gives are below."]


def _year(row: GradeRow) -> int:
    return int((row.inspection_start or row.published or "0")[:4])


def _number(row: GradeRow) -> int:
    return int(re.sub(r"\D", "", row.inspection_start or row.published or "") or 0)


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def grade_rows_of(index: Reader, documents: Sequence[DocumentRecord]) -> list[GradeRow]:
    """Every graded area of these reports (a council paper restating an indexed report's grades left out),
    oldest inspection first, each linked to its passage."""
    kept = _without_restatements(documents)
    rows = [row for doc in kept for row in _rows(doc)]
    rows.sort(key=lambda row: (row.inspection_start or row.published or "", _AREA_ORDER.get(row.area, 9)))
    return [_with_passage(index, row) for row in rows]


def _rows(doc: DocumentRecord) -> list[GradeRow]:
    description = doc.description
    framework = framework_of(description.kind, description.inspection_start or description.published)
    return [GradeRow(description.authority, description.inspection_start, description.inspection_end,
                     description.published, framework, judgement.area, judgement.grade, doc.file, doc.id, None,
                     judgement.area_as_written, judgement.paragraph, judgement.page, judgement.start)
            for judgement in doc.judgements]


def _without_restatements(documents: Sequence[DocumentRecord]) -> list[DocumentRecord]:
    """The reports, without a council paper that restates the grades of an inspection report also indexed, nor a
    second copy of one report (the same council and inspection dates: a PDF and its text both indexed), the copy with
    the most grades kept."""
    kept: set[int] = set()
    seen: set[tuple[str | None, str | None, str | None]] = set()
    for doc in sorted((doc for doc in documents if doc.description.kind != "committee_report"),
                      key=lambda doc: -len(doc.judgements)):  # of two copies, the one with more grades first
        same = (doc.description.authority, doc.description.inspection_start, doc.description.inspection_end)
        if doc.description.inspection_start is None or same not in seen:
            seen.add(same)
            kept.add(doc.id)
    reports = [doc for doc in documents if doc.id in kept]

    def restates(paper: DocumentRecord) -> bool:
        return any(doc.description.authority == paper.description.authority
                   and abs(days_between(came_out(paper), came_out(doc))) <= SAME_EVENT_DAYS for doc in reports)

    return reports + [doc for doc in documents if doc.description.kind == "committee_report" and not restates(doc)]


def _matches(row: GradeRow, wanted: GradeAsk) -> bool:
    return ((wanted.area is None or row.area in _COVERS.get(wanted.area, {wanted.area}))
            and (wanted.grade is None or row.grade == wanted.grade))


def _order(row: GradeRow, wanted: GradeAsk) -> tuple:
    """Rows on the area asked first (else overall effectiveness, else leadership where there is no overall grade),
    then with the grade asked, then the newest inspection."""
    area_rank = 0 if wanted.area and row.area in _COVERS.get(wanted.area, {wanted.area}) else \
        1 if row.area == "overall" else 2 if row.area == "leadership" else 3 + _AREA_ORDER.get(row.area, 9)
    grade_rank = 0 if wanted.grade is None or row.grade == wanted.grade else 1
    return (area_rank, grade_rank, -_number(row), GRADES.index(row.grade) if row.grade in GRADES else 9)


def _with_passage(index: Reader, row: GradeRow) -> GradeRow:
    """The row linked to the passage of its report that states the grade, and that statement quoted."""
    passage = index.passage_at(row.document_id, row.start) if row.start is not None else None
    if passage is None:
        passage = index.passage_stating(row.document_id, row.stated)
    stored = index.chunks([passage]) if passage is not None else []
    if not stored:
        return replace(row, passage=passage)
    return replace(row, passage=passage, quote=statement(stored[0].chunk, row.stated), passage_start=stored[0].chunk.start)


def statement(chunk: Chunk, stated: str) -> str:
    """The line (a table row) or sentence of ``chunk`` that holds the area as ``stated``, verbatim."""
    wanted = " ".join(stated.lower().split())
    spans = [(a, b) for line in _lines(chunk.text) for a, b in [line]] + list(chunk.sentences)
    for a, b in spans:
        if wanted in " ".join(chunk.text[a:b].lower().split()):
            return chunk.text[a:b].strip()
    return ""


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of a table-like passage (only passages with " | " rows have lines worth quoting)."""
    if " | " not in text:
        return []
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans
