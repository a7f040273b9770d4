"""Two reports side by side, aligned by judgement area: the grade change, then what each says on each area."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.grades import AREA_NAMES, GRADES, states_grade
from ingest.store import DocumentRecord
from search.answer import GRADE_STATEMENT
from search.grades import GradeRow, grade_rows_of
from search.retrieve import Hit, Searcher

# What is asked of each report for each area: the area in the words the frameworks use for it.
AREA_QUESTIONS = {
    "overall": "overall effectiveness of children's services",
    "leadership": "the impact of leaders on social work practice with children and families",
    "help_and_protection": "the experiences and progress of children who need help and protection",
    "children_in_care": "the experiences and progress of children in care",
    "children_in_care_and_care_leavers": "the experiences and progress of children in care and care leavers",
    "care_leavers": "the experiences and progress of care leavers",
    "adoption": "adoption performance",
    "lscb": "the effectiveness of the local safeguarding children board",
}
# Areas compared when neither report is graded (focused and monitoring visits look at these).
UNGRADED_AREAS = ("leadership", "help_and_protection", "children_in_care", "care_leavers")
QUOTES_PER_SIDE = 3
PASSAGES = 8  # passages read per report and area; each gives at most its best sentence
# ILACS judged children in care and care leavers together until its 2023 revision, apart after it.
COMBINED = "children_in_care_and_care_leavers"
SPLIT = {"children_in_care", "care_leavers"}


@dataclass(frozen=True)
class Side:
    """What one report says on one area: its grade (if graded) and sentences quoted from its passages."""

    grade: GradeRow | None
    quotes: tuple[tuple[str, Hit], ...]  # (sentence, the passage holding it)


@dataclass(frozen=True)
class AreaComparison:
    """One judgement area across the two reports."""

    area: str
    left: Side
    right: Side

    @property
    def name(self) -> str:
        """The area in words."""
        return AREA_NAMES.get(self.area, self.area.replace("_", " "))

    @property
    def change(self) -> str:
        """"improved", "declined", "same", or "" when either side has no grade."""
        if not (self.left.grade and self.right.grade):
            return ""
        before, after = GRADES.index(self.left.grade.grade), GRADES.index(self.right.grade.grade)
        return "same" if before == after else "improved" if after < before else "declined"


@dataclass(frozen=True)
class Comparison:
    """Two reports (older on the left) and their areas compared."""

    left: DocumentRecord
    right: DocumentRecord
    areas: tuple[AreaComparison, ...]


def compare(searcher: Searcher, first: DocumentRecord, second: DocumentRecord) -> Comparison:
    """``first`` and ``second`` side by side (the older on the left), aligned by judgement area."""
    left, right = sorted((first, second), key=lambda doc: doc.description.held or "")
    grades = {(row.document_id, row.area): row for row in grade_rows_of(searcher.index, [left, right])}
    areas = [area for area in AREA_QUESTIONS if (left.id, area) in grades or (right.id, area) in grades]
    if SPLIT <= set(areas):  # one report judged children in care and care leavers apart: compare them apart
        areas = [area for area in areas if area != COMBINED]
    if not areas:
        areas = list(UNGRADED_AREAS)

    def grade(doc: DocumentRecord, area: str) -> GradeRow | None:  # a combined judgement stands for both parts
        return grades.get((doc.id, area)) or (grades.get((doc.id, COMBINED)) if area in SPLIT else None)

    return Comparison(left, right, tuple(
        AreaComparison(area, _side(searcher, left, area, grade(left, area)),
                       _side(searcher, right, area, grade(right, area))) for area in areas))


def _side(searcher: Searcher, doc: DocumentRecord, area: str, grade: GradeRow | None) -> Side:
    """The best sentence of each of the report's passages closest to the area, best passage first (grade lines
    left out: the grade is shown above)."""
    question = AREA_QUESTIONS[area]
    result = searcher.ask(question, k=PASSAGES, within=(doc.id,))
    quotes: list[tuple[str, Hit]] = []
    for hit in result.hits:
        if not hit.highlight or " | " in hit.chunk.text:
            continue
        text = hit.chunk.text[hit.highlight[0]:hit.highlight[1]].strip()
        if text and not GRADE_STATEMENT.search(text) and not states_grade(text):
            quotes.append((text, hit))
    return Side(grade, tuple(quotes[:QUOTES_PER_SIDE]))
