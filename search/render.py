"""Show search results as citation lines and text, or as the documented JSON object."""

from __future__ import annotations

from datetime import date

from ingest.document import Chunk
from ingest.metadata import KINDS, Description
from ingest.sections import IMPROVE
from ingest.store import DocumentRecord
from search.answer import headed_priority_action
from search.grades import GradeRow
from search.retrieve import Hit, Result


def citation(hit: Hit) -> str:
    """A line a councillor can cite: report, authority, date, then paragraph or page."""
    return citation_of(hit.chunk, hit.document)


def citation_of(chunk: Chunk, document: DocumentRecord) -> str:
    """The citation line of a passage of ``document``."""
    description = document.description
    parts = [report_name_of(document)]
    if description.authority:
        parts.append(description.authority)
    if when_of(description):
        parts.append(when_of(description))
    parts.append(locator_of(chunk, document))
    return " · ".join(parts)


def when_of(description: Description) -> str:
    """When a document's inspection or visit took place, in the words reports print ("inspected 15 to 26 April
    2024", "visited 26 to 27 January 2022"), with its publication date where the document states one ("published
    31 March 2017"); a council paper by its meeting date. A date the document does not state (its PDF's production
    date) is never shown as a publication date."""
    verb = "visited" if description.kind in ("focused_visit", "monitoring_visit") else "inspected"
    held = description.inspection_start or description.inspection_end
    parts = [f"{verb} {days(held, description.inspection_end or held)}"] if held else []
    letter = description.kind in ("focused_visit", "monitoring_visit", "committee_report")  # dated by its own letter
    if description.published and description.published_stated and not (letter and held):
        parts.append(f"{'dated' if letter else 'published'} {days(description.published, description.published)}")
    return ", ".join(parts)


def days(first: str, last: str) -> str:
    """Two ISO dates as reports print them: "15 April 2024", "15 to 26 April 2024", "30 September to 11 October
    2024", "5 December 2022 to 15 February 2023"; an unreadable date as it is."""
    try:
        a, b = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
    except ValueError:
        return first if first == last else f"{first} to {last}"
    end = f"{b.day} {b:%B} {b.year}"
    if a == b:
        return end
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day} to {end}"
    return f"{a.day} {a:%B} to {end}" if a.year == b.year else f"{a.day} {a:%B} {a.year} to {end}"


def report_name(hit: Hit) -> str:
    """The report's title, or what kind of report it is (see ``report_name_of``)."""
    return report_name_of(hit.document)


def report_name_of(document: DocumentRecord) -> str:
    """The report's title; where it has none that says more than the council's name, what kind of report it is
    ("inspection (single inspection framework)"), else its file name."""
    description = document.description
    title = description.title
    if title and title.strip().lower() != (description.authority or "").lower():
        return title
    kind = KINDS.get(description.kind or "", "")
    return kind.capitalize() if kind and description.kind != "other" else document.file


def locator(hit: Hit) -> str:
    """"paragraph 12, page 4", "page 4" or the file name when nothing finer is known."""
    return locator_of(hit.chunk, hit.document)


def locator_of(chunk: Chunk, document: DocumentRecord) -> str:
    """Where in ``document`` a passage is: paragraph and page, else the file name."""
    where = []
    if chunk.paragraph:
        where.append(f"paragraph {chunk.paragraph}")
    if chunk.page:
        where.append(f"page {chunk.page}")
    return ", ".join(where) or document.file


def marked(hit: Hit, left: str = "**", right: str = "**") -> str:
    """The passage with each sentence the answer quotes of it (else its best-matching sentence) wrapped in markers."""
    return "".join(f"{left}{piece}{right}" if quoted else piece for piece, quoted in pieces(hit))


def pieces(hit: Hit) -> list[tuple[str, bool]]:
    """The passage's text in pieces, each with whether it is marked: the sentences the answer quotes of it, else its
    best-matching sentence."""
    text, at, parts = hit.chunk.text, 0, []
    for start, end in hit.quoted or ((hit.highlight,) if hit.highlight else ()):
        if end > start >= at:
            parts += [(text[at:start], False), (text[start:end], True)]
            at = end
    return [part for part in [*parts, (text[at:], False)] if part[0]]


def source_of(document: DocumentRecord) -> str:
    """Whose words a quote is and when: "Rutland, Ofsted inspection, inspected 15 to 26 April 2024",
    "Leicestershire, council paper, dated 3 September 2024"."""
    description = document.description
    return ", ".join(part for part in (description.authority, whose(document), when_of(description)) if part)


def whose(document: DocumentRecord) -> str:
    """Whose words a document holds: "council paper", "Ofsted inspection", "Ofsted focused visit", or "report"."""
    kind = document.description.kind
    if kind == "committee_report":
        return "council paper"
    return f"Ofsted {KINDS.get(kind or '', 'report').split(' (')[0]}" if kind != "other" else "report"


def sources(result: Result) -> dict[int, str]:
    """Each quoted passage's source by rank: council, whose words (an Ofsted report or a council paper) and date, so
    that every quote can be read out with where it comes from; and, for an item of a report's list of what must
    improve, that it is one (read alone, "Children benefiting from consistent help ..." sounds like praise), and which
    when it is one of a focused visit's areas for priority action."""
    by_rank = {hit.rank: hit for hit in result.hits}
    return {rank: source_of(by_rank[rank].document) + _listed(by_rank[rank].chunk)
            for quote in result.answer.quotes for rank in quote.passages if rank in by_rank}


def _listed(chunk: Chunk) -> str:
    """What is said after a quote's source when its passage is of a report's list of what must improve."""
    if headed_priority_action(chunk):
        return PRIORITY
    return LISTED if chunk.part == IMPROVE else ""


# Said after the source of a quote from a report's list of what must improve, or from its areas for priority action.
LISTED = ", in its list of what needs to improve"
PRIORITY = ", in its areas for priority action"


def answer_lines(result: Result) -> list[str]:
    """The quoted answer, each sentence followed by markers of the passages that hold it (and, when the answer
    quotes several documents, the council and year of each)."""
    if result.answer.no_answer:
        return ["The indexed reports do not seem to answer this question. The closest passages (weak matches):"]
    labels = sources(result)
    lines = []
    for quote in result.answer.quotes:
        where = "; ".join(dict.fromkeys(labels[rank] for rank in quote.passages if rank in labels))
        older = ", an older report" if quote.older else ""
        lines.append(f"“{quote.text}” " + "".join(f"[{rank}]" for rank in quote.passages) + (f" ({where}{older})" if where else ""))
    return lines


def as_text(result: Result) -> str:
    """Plain-text results for a terminal: what was understood, the answer, then the cited passages."""
    if not result.hits:
        return f"No passages found for: {result.question}"
    lines = []
    if result.labels:
        lines.append("Looking at: " + " · ".join(result.labels) + "   (--all to search everything)")
    lines += [f"note: {note}" for note in result.notes]
    lines += grade_table(result.grades)
    lines += answer_lines(result) + [""]
    weak = "  WEAK MATCH" if result.answer.no_answer else ""
    blocks = [f"[{hit.rank}] {citation(hit)}{weak}\n{marked(hit, '>>', '<<')}" for hit in result.hits]
    return "\n".join(lines) + "\n" + "\n\n".join(blocks)


GRADE_COLUMNS = ("Council", "Inspected", "Framework", "Area", "Grade")


def grade_cells(row: GradeRow) -> tuple[str, ...]:
    """One row of the grade table as text, in GRADE_COLUMNS order."""
    return (row.authority or "", row.when, row.framework or "", row.area_name, row.grade)


def grade_table(rows: tuple[GradeRow, ...], limit: int = 12) -> list[str]:
    """The grade table as aligned text lines (the best-matching ``limit`` rows), then a blank line; [] for none."""
    if not rows:
        return []
    cells = [GRADE_COLUMNS, *(grade_cells(row) for row in rows[:limit])]
    widths = [max(len(line[n]) for line in cells) for n in range(len(GRADE_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells]
    more = [f"… and {len(rows) - limit} more rows (--json lists them all)"] if len(rows) > limit else []
    quoted = [f"“{rows[0].quote}” ({rows[0].document}{_where(rows[0])})"] if rows[0].quote else []
    return ["Grades:", *lines, *more, *quoted, ""]


def _where(row: GradeRow) -> str:
    parts = [f"paragraph {row.paragraph}" if row.paragraph else "", f"page {row.page}" if row.page else ""]
    return "".join(f", {part}" for part in parts if part)


def grade_json(row: GradeRow, ranks: dict[int, int]) -> dict:
    """One grade-table row in the documented JSON shape (``passage`` is the rank of the stating passage among
    the result's passages, when it is one of them; ``passage_id`` its id in the index)."""
    return {
        "authority": row.authority, "inspection_start": row.inspection_start, "inspection_end": row.inspection_end,
        "published": row.published, "framework": row.framework, "area": row.area, "area_name": row.area_name,
        "grade": row.grade, "document": row.document, "passage": ranks.get(row.passage) if row.passage else None,
        "passage_id": row.passage, "quote": row.quote, "paragraph": row.paragraph, "page": row.page,
    }


def passage_json(hit: Hit) -> dict:
    """One passage in the documented JSON shape."""
    description = hit.document.description
    return {
        "rank": hit.rank,
        "score": round(hit.score, 4),
        "similarity": round(hit.similarity, 4),
        "text": hit.chunk.text,
        "document": {
            "file": hit.document.file,
            "title": description.title,
            "authority": description.authority,
            "date": description.date,
            "type": KINDS.get(description.kind, description.kind) if description.kind else None,
            "kind": description.kind,
            "inspection_start": description.inspection_start,
            "inspection_end": description.inspection_end,
            "published": description.published,
            "published_stated": description.published_stated,
            "lead_inspector": description.lead_inspector,
            "judgements": [judgement.as_json() for judgement in hit.document.judgements],
        },
        "paragraph": hit.chunk.paragraph,
        "section": hit.chunk.section,
        "part": hit.chunk.part,
        "page": hit.chunk.page,
        "start": hit.chunk.start,
        "end": hit.chunk.end,
    }


def understood_json(result: Result) -> dict:
    """How the question was read and the reports chosen, in the documented JSON shape."""
    query, selection = result.query, result.selection
    return {
        "authorities": list(selection.councils), "years": list(query.dates.years), "from": query.dates.since,
        "to": query.dates.until, "kinds": list(query.kinds), "recency": query.recency,
        "documents": None if selection.documents is None else len(selection.documents),
        "labels": list(result.labels), "notes": list(result.notes), "asks": sorted(query.asks),
        "asks_scores": {ask: round(score, 3) for ask, score in query.scores}, "quantity": query.quantity,
        "tone": query.tone, "missing": list(selection.missing), "out_of_scope": [item.phrase for item in query.out_of_scope],
        "guessed": {council.written: council.name for council in query.councils if council.guessed},
        "corrected": {item.written: item.read_as for item in query.corrections},
        "decided_by": result.verdict.by,
    }


def as_json(result: Result) -> dict:
    """The whole result as one JSON-ready object."""
    labels = sources(result)
    return {
        "question": result.question,
        "understood": understood_json(result),
        "no_answer": result.answer.no_answer,
        "confidence": result.answer.confidence,
        "answer": [] if result.answer.no_answer else [
            {"text": quote.text, "passage": quote.passages[0], "passages": list(quote.passages),
             "sources": list(dict.fromkeys(labels[rank] for rank in quote.passages if rank in labels)), "older": quote.older}
            for quote in result.answer.quotes],
        "passages": [passage_json(hit) for hit in result.hits],
        "grades": [grade_json(row, {hit.id: hit.rank for hit in result.hits}) for row in result.grades],
    }
