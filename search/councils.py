"""A council's history: its reports in time order, its grades per area, and whether each improvement asked for
is taken up again by the next inspection or visit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.metadata import KINDS
from ingest.sections import IMPROVE
from ingest.store import DocumentRecord, StoredChunk
from ingest.stores import Reader
from search.grades import GradeRow, grade_rows_of
from search.select import events_of

# A passage of the next report this close in meaning to an improvement point is shown as taking it up again.
# A first choice (a cosine at which MiniLM passages are usually on the same subject), not fitted or validated on
# labelled pairs; the closest passage is always shown with its similarity, so a reader can judge for themselves.
MENTIONED_AGAIN = 0.6


@dataclass(frozen=True)
class FollowUp:
    """One point of a report's improvement list and the closest passage of the council's next report."""

    point: StoredChunk
    later: StoredChunk | None
    similarity: float

    @property
    def mentioned_again(self) -> bool:
        """True when the next report has a passage close in meaning to the point."""
        return self.later is not None and self.similarity >= MENTIONED_AGAIN


@dataclass(frozen=True)
class Event:
    """One inspection, visit or council paper, with its grades and improvement list followed up."""

    document: DocumentRecord
    date: str
    kind: str
    grades: tuple[GradeRow, ...]
    improvements: tuple[FollowUp, ...]
    next_document: DocumentRecord | None


def councils(index: Reader) -> list[str]:
    """Every council the index has a report about, in alphabetical order."""
    return sorted({doc.description.authority for doc in index.documents() if doc.description.authority})


def dated(doc: DocumentRecord) -> str:
    """The date a report belongs to in a timeline: when it took place (the one rule, ``Description.held``)."""
    return doc.description.held or ""


def history(index: Reader, authority: str, allowed: set[int] | None = None) -> list[Event]:
    """The council's reports, oldest first, each with its grades and its improvement points followed into the next
    inspection or visit (not a copy of the same report, nor the council paper presenting it)."""
    documents = [doc for doc in index.documents() if doc.description.authority == authority
                 and (allowed is None or doc.id in allowed)]
    rows = grade_rows_of(index, documents)
    grouped = events_of(documents)
    events = []
    for position, group in enumerate(grouped):
        later = _the_report(grouped[position + 1]) if position + 1 < len(grouped) else None
        for doc in group:
            events.append(Event(doc, dated(doc), KINDS.get(doc.description.kind or "", "report"),
                                tuple(row for row in rows if row.document_id == doc.id), _follow_up(index, doc, later),
                                later))
    return events


def _the_report(group: list[DocumentRecord]) -> DocumentRecord:
    """An event's own report: its inspection or visit rather than a council paper about it."""
    return next((doc for doc in group if doc.description.kind != "committee_report"), group[0])


def improvement_points(index: Reader, doc: DocumentRecord) -> list[StoredChunk]:
    """The passages of a report's "what needs to improve" list (or recommendations, areas for priority action)."""
    return [item for item in index.document_chunks(doc.id) if item.chunk.part == IMPROVE]


def _follow_up(index: Reader, doc: DocumentRecord, later: DocumentRecord | None) -> tuple[FollowUp, ...]:
    points = improvement_points(index, doc)
    if not points:
        return ()
    if later is None:
        return tuple(FollowUp(point, None, 0.0) for point in points)
    candidates = index.document_chunks(later.id)
    if not candidates:
        return tuple(FollowUp(point, None, 0.0) for point in points)
    matrix = np.vstack([index.vector(item.id) for item in candidates])
    follow = []
    for point in points:
        scores = matrix @ index.vector(point.id)
        best = int(np.argmax(scores))
        follow.append(FollowUp(point, candidates[best], float(scores[best])))
    return tuple(follow)
