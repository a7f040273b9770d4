"""Export a view as a briefing for a committee paper: Word, Markdown, and CSV of its grade table."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ingest.document import Chunk
from ingest.store import DocumentRecord
from search.grades import GradeRow
from search.render import GRADE_COLUMNS, citation_of, grade_cells, whose
from search.retrieve import Result
from views import PRODUCT

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

FOOTER = "Every quotation is word for word from the report or council paper cited after it."


@dataclass(frozen=True)
class Quoted:
    """One sentence quoted word for word, with its full citation (report, council, date, paragraph, page)."""

    text: str
    citation: str


@dataclass(frozen=True)
class Section:
    """A heading and the quotations under it (an answer, one judgement area of a comparison, one inspection)."""

    heading: str
    quotes: tuple[Quoted, ...]
    note: str = ""


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing holds: what was asked, the grade table, the quoted sections and a link to the view."""

    title: str
    question: str
    link: str
    grades: tuple[GradeRow, ...] = ()
    sections: tuple[Section, ...] = ()
    prepared: str = ""  # ISO date the briefing was made
    held: str = ""  # what the index held then ("38 documents; index built 2026-11-30T08:12:00")


def provenance(briefing: Briefing) -> str:
    """When the briefing was made and from what: "Prepared on 30 November 2026 from 38 documents; index built ..."."""
    when = ""
    if briefing.prepared:
        day = date.fromisoformat(briefing.prepared)
        when = f"Prepared on {day.day} {day:%B %Y}"
    return " from ".join(part for part in (when, briefing.held) if part) + ("." if when or briefing.held else "")


def cited(chunk: Chunk, document: DocumentRecord) -> str:
    """A quotation's citation in a briefing: report, council, date, paragraph, and whose words they are ("council
    paper" or the kind of Ofsted report)."""
    return f"{citation_of(chunk, document)} ({whose(document)})"


def from_result(result: Result, link: str) -> Briefing:
    """The briefing for one answered question: the grade table, then the quoted answer."""
    by_rank = {hit.rank: hit for hit in result.hits}
    quotes = tuple(Quoted(quote.text, "; ".join(cited(by_rank[rank].chunk, by_rank[rank].document)
                                                for rank in quote.passages if rank in by_rank))
                   for quote in result.answer.quotes)
    if result.answer.no_answer:
        section = Section("Answer", (), "The indexed reports do not seem to answer this question.")
    else:
        section = Section("Answer", quotes)
    return Briefing(f"Briefing: {result.question}", result.question, link, result.grades, (section,))


def as_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown: title, question, grade table, quoted sections, link."""
    lines = [f"# {briefing.title}", ""]
    if provenance(briefing):
        lines += [f"*{provenance(briefing)}*", ""]
    if briefing.question:
        lines += [f"**Question:** {briefing.question}", ""]
    if briefing.grades:
        lines += ["## Grades", "", "| " + " | ".join(GRADE_COLUMNS) + " | Stated in |",
                  "|" + "---|" * (len(GRADE_COLUMNS) + 1)]
        lines += ["| " + " | ".join(_cell(cell) for cell in (*grade_cells(row), _stated_in(row))) + " |"
                  for row in briefing.grades]
        lines.append("")
    for section in briefing.sections:
        lines += [f"## {section.heading}", ""]
        if section.note:
            lines += [section.note, ""]
        for quote in section.quotes:
            lines += [f"> “{quote.text}”", ">", f"> — {quote.citation}", ""]
    lines += ["---", FOOTER, f"View online: <{briefing.link}>", ""]
    return "\n".join(lines)


def as_docx(briefing: Briefing) -> bytes:
    """The briefing as a Word document with real headings, a grade table and quotations with citations."""
    from docx import Document

    document = Document()
    properties = document.core_properties
    properties.title, properties.subject, properties.author = briefing.title, briefing.question, PRODUCT
    properties.keywords, properties.comments = "Ofsted; briefing", provenance(briefing)
    if briefing.prepared:
        properties.created = datetime.fromisoformat(briefing.prepared)
    document.add_heading(briefing.title, level=1)
    if provenance(briefing):
        document.add_paragraph().add_run(provenance(briefing)).italic = True
    if briefing.question:
        paragraph = document.add_paragraph()
        paragraph.add_run("Question: ").bold = True
        paragraph.add_run(briefing.question)
    if briefing.grades:
        document.add_heading("Grades", level=2)
        table = document.add_table(rows=1, cols=len(GRADE_COLUMNS) + 1)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (*GRADE_COLUMNS, "Stated in"), strict=True):
            cell.text = text
        for row in briefing.grades:
            cells = table.add_row().cells
            for cell, text in zip(cells, (*grade_cells(row), _stated_in(row)), strict=True):
                cell.text = text
    for section in briefing.sections:
        document.add_heading(section.heading, level=2)
        if section.note:
            document.add_paragraph(section.note)
        for quote in section.quotes:
            document.add_paragraph(f"“{quote.text}”", style="Quote")
            document.add_paragraph().add_run(f"— {quote.citation}").italic = True
    document.add_paragraph(FOOTER)
    online = document.add_paragraph("View online: ")
    if briefing.link:
        _hyperlink(online, briefing.link)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _hyperlink(paragraph: Paragraph, url: str) -> None:
    """A live link to ``url`` at the end of ``paragraph`` (python-docx has no call for one: the relationship and the
    ``w:hyperlink`` element are written as Word writes them), underlined in the theme's link colour."""
    from docx.enum.dml import MSO_THEME_COLOR_INDEX
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.text.run import Run

    target = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), target)
    run = OxmlElement("w:r")
    link.append(run)
    paragraph._p.append(link)
    shown = Run(run, paragraph)
    shown.text = url
    shown.font.underline = True
    shown.font.color.theme_color = MSO_THEME_COLOR_INDEX.HYPERLINK


def grades_csv(rows: Sequence[GradeRow]) -> str:
    """A grade table as CSV, one row per graded area, with the document and the statement quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["authority", "inspection_start", "inspection_end", "published", "framework", "area", "grade",
                     "document", "paragraph", "page", "quote"])
    for row in rows:
        writer.writerow([row.authority or "", row.inspection_start or "", row.inspection_end or "", row.published or "",
                         row.framework or "", row.area_name, row.grade, row.document, row.paragraph or "",
                         row.page or "", row.quote])
    return out.getvalue()


def _stated_in(row: GradeRow) -> str:
    where = [row.document] + ([f"paragraph {row.paragraph}"] if row.paragraph else []) + \
        ([f"page {row.page}"] if row.page else [])
    return ", ".join(where)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
