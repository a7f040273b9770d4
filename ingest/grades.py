"""Extract Ofsted judgement grades from a report's tables and sentences, in one vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from ingest.document import Chunk, Document

GRADES = ("outstanding", "good", "requires improvement", "inadequate")
_GRADE = r"(outstanding|good|requires improvement(?: to be good)?|inadequate|improvement to be good)"
UNGRADED_KINDS = {"focused_visit", "monitoring_visit", "committee_report_without_grades"}
# Judgement areas across frameworks, most specific first: (words that must all appear, area).
AREAS = (
    (("overall",), "overall"),
    (("lscb",), "lscb"),
    (("safeguarding children board",), "lscb"),
    (("children in care", "care leavers"), "children_in_care_and_care_leavers"),
    (("looked after", "care leavers"), "children_in_care_and_care_leavers"),
    (("care leavers",), "care_leavers"),
    (("adoption",), "adoption"),
    (("help and protection",), "help_and_protection"),
    (("children in care",), "children_in_care"),
    (("looked after",), "children_in_care"),
    (("impact of leaders",), "leadership"),
    (("leadership",), "leadership"),
)
AREA_NAMES = {
    "overall": "overall effectiveness",
    "leadership": "leadership / impact of leaders",
    "help_and_protection": "children who need help and protection",
    "children_in_care": "children in care (looked after)",
    "children_in_care_and_care_leavers": "children in care and care leavers",
    "adoption": "adoption performance",
    "care_leavers": "care leavers",
    "lscb": "local safeguarding children board",
}
# Short names for charts and narrow tables.
AREA_SHORT = {
    "overall": "overall", "leadership": "leadership", "help_and_protection": "help and protection",
    "children_in_care": "children in care", "children_in_care_and_care_leavers": "in care and care leavers",
    "care_leavers": "care leavers", "adoption": "adoption", "lscb": "LSCB",
}
_ROW = re.compile(rf"^(.+?) \| {_GRADE}\s*$", re.I | re.M)
GRADE_ROW = _ROW
# A short passage that states a grade: "The experiences and progress of children in care: Good", "The overall
# judgement is that children's services are inadequate", "Services for care leavers are good."
GRADE_STATED = re.compile(rf"^(?P<subject>.{{10,250}}?)(?::\s*|\b(?:is|are|is that .{{0,40}}|judged to be|continue to)\s+)"
                          rf"{_GRADE}\b[ .]*$", re.I | re.S)
# What a grade statement's subject must be: a judgement area or the overall judgement, in one clause of the present
# ("Morale is good", "The local authority was judged to be good [in 2011]" and "... are not yet good and ... are
# inadequate" state no judgement of this report).
_JUDGED = re.compile(r"overall (?:judgement|effectiveness)|children[’']s services in", re.I)
# The council's services as a whole, as a report's headline names them when it states the overall grade in words
# ("Children's social care services in Rutland continue to require improvement", "Services for children and young
# people in East Riding are good"), or as a visit's letter recalls it ("Knowsley children's services were last
# inspected by Ofsted in 2017 and were judged to require improvement to be good", "... when services were judged to
# be good", "the local authority was judged as requiring improvement"): wider than _JUDGED, which also decides which
# short passages are judgement lines.
_WHOLE = re.compile(r"(?:children[’']s (?:social care )?services|services for children(?: and young people)?) in "
                    r"(?:the )?(?-i:[A-Z])|"
                    r"(?-i:[A-Z])[\w’'-]+(?: [\w’'-]+){0,3} children[’']s (?:social care )?services (?:were|was) (?:last )?"
                    r"(?:inspected|judged)\b|"
                    r"\b(?:the local authority|(?:all )?services(?: to children)?|children[’']s services) (?:was|were) "
                    r"(?:last )?(?:judged|found|graded|rated)\b", re.I)
_OTHER_CLAUSE = re.compile(r"\b(?:was|were|not)\b|\b(?:is|are)\b(?!\s*$)", re.I)
_S = r"\s+"
# Where a place's grade statement ends: "... are good.", "... are good because:", "... require improvement to be
# good", "... are inadequate overall". Prose that goes on ("are good at identifying risk", "are good value for
# money") states no judgement.
_ENDS = r"(?=[ \t]*(?:[.:;\n]|because\b|overall\b|$))"
# A place named as the report names it: its first word capitalised ("in the Royal Borough of Greenwich", "in Redcar
# and Cleveland area"), never "in the county".
_PLACE = rf"(?:the{_S})?(?-i:[A-Z])[\w '’-]+?"
# The local safeguarding children board as SIF reports name it when they state its grade.
_LSCB = rf"(?:effectiveness{_S}of{_S}the{_S})?(?:LSCB|Local{_S}Safeguarding{_S}Children{_S}Board(?:{_S}\(LSCB\))?)"
_SENTENCES = (
    re.compile(rf"(Children[’']s{_S}services{_S}in{_S}{_PLACE}){_S}(?:is|are|requires?){_S}{_GRADE}{_ENDS}", re.I),
    # "Children's services in Bristol require improvement because:", "The overall judgement is that children's
    # services require improvement" (SIF reports of 2014-15 say "require improvement" without "to be good").
    re.compile(rf"(Children[’']s{_S}services{_S}in{_S}{_PLACE}){_S}requires?{_S}(improvement){_ENDS}", re.I),
    re.compile(rf"(The{_S}overall{_S}judgement){_S}is{_S}that{_S}children[’']s{_S}services{_S}requires?{_S}(improvement)\b",
               re.I),
    re.compile(rf"(The{_S}overall{_S}judgement){_S}is{_S}(?:that{_S}children[’']s{_S}services{_S}are{_S})?{_GRADE}\b", re.I),
    re.compile(rf"(overall{_S}effectiveness{_S}of{_S}children[’']s{_S}services{_S}in[\w ]+?){_S}has{_S}been{_S}judged"
               rf"{_S}to{_S}be{_S}{_GRADE}\b", re.I),
    re.compile(rf"({_LSCB}){_S}(?:is|requires){_S}{_GRADE}\b", re.I),
    # "The Local Safeguarding Children Board requires improvement." (SIF reports of 2016-17, without "to be good")
    re.compile(rf"({_LSCB}){_S}requires?{_S}(improvement){_ENDS}", re.I),
)
# A SIF report's heading for one judged area, a line of its own: "The experiences and progress of children who need help
# and protection require improvement", "Leadership, management and governance are good" (read when the judgement
# table's cells are split over lines, as in Bolton's of 2014).
_AREA_HEADINGS = (
    re.compile(rf"^((?:The[ \t]+)?(?:experiences?[ \t]+and[ \t]+progress[ \t]+of[ \t]+[^.\n]{{5,100}}?|leadership,?[ \t]+"
               rf"management[ \t]+and[ \t]+governance|adoption[ \t]+performance))[ \t]+(?:is|are|requires?)[ \t]+"
               rf"(improvement|{_GRADE[1:-1]})(?:[ \t]+to[ \t]+be[ \t]+good)?[ \t]*$", re.I | re.M),
)


def states_grade(text: str) -> bool:
    """True when a text states a judgement grade on its own: a judgement table's row, or one clause saying a judgement
    area's grade ("The experiences and progress of care leavers: good", "The overall judgement is good")."""
    if any(area_of(row.group(1)) for row in _ROW.finditer(text)):
        return True
    stated = GRADE_STATED.search(text)
    if not stated:
        return False
    subject = re.split(r"(?<=[.!?])\s+", stated.group("subject").strip())[-1]
    return bool(area_of(subject) or _JUDGED.search(subject)) and not _OTHER_CLAUSE.search(subject)


@dataclass(frozen=True)
class Judgement:
    """One graded area of one report, with where the report states it."""

    area: str
    area_as_written: str
    grade: str
    paragraph: str | None
    page: int | None
    start: int | None = None  # offset of the statement in the document text (None in indexes built before it)

    def as_json(self) -> dict:
        """The documented JSON shape."""
        return asdict(self)


def judgements(document: Document, chunks: Sequence[Chunk]) -> list[Judgement]:
    """The grades a report gives, first statement of each area winning; none for focused visits."""
    if document.description.kind in UNGRADED_KINDS:
        return []
    found: dict[str, Judgement] = {}
    for judgement in [*(j for chunk in chunks for j in _table_rows(chunk)), *_sentences(document)]:
        found.setdefault(judgement.area, judgement)
    return list(found.values())


def _table_rows(chunk: Chunk) -> Iterator[Judgement]:
    for match in _ROW.finditer(chunk.text if " | " in chunk.text else ""):
        area = area_of(match.group(1))
        if area:
            yield Judgement(area, _tidy(match.group(1)), grade_of(match.group(2)), chunk.paragraph, chunk.page,
                            chunk.start + match.start())


def _sentences(document: Document) -> Iterator[Judgement]:
    """Grades stated in prose or headings ("The LSCB is inadequate"), cited to the block that says so."""
    patterns = [*_SENTENCES, *_AREA_HEADINGS]
    hits = sorted(((match.start(), order, match) for order, pattern in enumerate(patterns)
                   for match in pattern.finditer(document.text)), key=lambda hit: hit[:2])
    for start, order, match in hits:
        written = match.group(1)
        area = area_of(written) if order >= len(_SENTENCES) \
            else "lscb" if re.search(r"LSCB|Safeguarding", written, re.I) else "overall"
        if area is None:
            continue
        span = next((span for span in document.spans if span.start - 8 <= start < span.end), None)
        paragraph, page = (span.block.number, span.block.page) if span else (None, None)
        yield Judgement(area, _tidy(written), grade_of(match.group(2)), paragraph, page, start)


# Inspection frameworks by the date an inspection began (Ofsted, "Inspecting local authority children's services"):
# the single inspection framework (SIF, November 2013 - December 2017, which also judged adoption and the LSCB),
# ILACS from January 2018 (children in care and care leavers one judgement until the 2023 revision), and the
# renewed framework of 2026, which gives no overall effectiveness grade.
FRAMEWORKS = (("2026-01-01", "2026 framework"), ("2018-01-01", "ILACS"), ("2013-11-01", "SIF"))


def framework_of(kind: str | None, started: str | None) -> str | None:
    """The framework a graded report was inspected under, from its kind and start date; None when unknown."""
    if kind == "sif_inspection":
        return "SIF"
    if not started or kind in UNGRADED_KINDS:
        return None
    return next((name for since, name in FRAMEWORKS if started >= since), None)


def area_of(written: str) -> str | None:
    """The normalised area for a judgement's wording, or None when it is not a judgement area."""
    lowered = " ".join(written.lower().replace("’", "'").split())
    if lowered.startswith(("judgement", "key judgement")):
        return None
    return next((area for words, area in AREAS if all(word in lowered for word in words)), None)


def stated_area(text: str) -> str | None:
    """The area a statement of a grade is about: the judgement area its words name, the overall judgement when they
    name several ("Services for children who need help and protection, children in care and care leavers ... are
    outstanding") or when it states the grade of the council's children's services ("Children's services in Bury are
    good")."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    named = {area for words, area in AREAS if all(word in lowered for word in words)}
    if "children_in_care_and_care_leavers" in named:  # one area, named by both its groups
        named -= {"children_in_care", "care_leavers"}
    if len(named - {"overall"}) > 1:
        return "overall"
    return area_of(text) or ("overall" if _JUDGED.search(text) or _WHOLE.search(text) else None)


def grade_of(written: str) -> str:
    """One of GRADES for a grade as written ("Requires improvement to be good" -> "requires improvement")."""
    lowered = written.lower()
    return "requires improvement" if "improvement" in lowered else lowered


def _tidy(written: str) -> str:
    return re.sub(r"^\d+(?:\.\d+)?\.?\s+", "", " ".join(written.split()))
