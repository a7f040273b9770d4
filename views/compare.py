"""The compare page (/compare): two inspections or visits side by side, aligned by judgement area."""

from __future__ import annotations

import streamlit as st

from ingest.store import DocumentRecord
from search.compare import Comparison, Side, compare
from search.councils import dated
from search.render import citation_of
from search.viewer import by_key, key_of
from views.briefing import Briefing, Quoted, Section, cited
from views.cards import inert
from views.shared import document_label, downloads, keep_in_url, ready_searcher, report_link, sidebar_filters, this_view

CHANGE = {"improved": "▲ improved", "declined": "▼ declined", "same": "= same", "": ""}


def render() -> None:
    """Draw the page."""
    st.title("Compare two reports")
    engine = ready_searcher()
    where = sidebar_filters(engine)
    documents = sorted((doc for doc in engine.index.documents() if where.keeps(doc)),
                       key=lambda doc: (doc.description.authority or "", dated(doc)))
    if len(documents) < 2:
        st.info("Comparing needs two reports: widen the filters in the sidebar, or add reports on the library page.")
        return
    linked = [by_key(engine.index, st.query_params.get(name, "")) for name in ("a", "b")]
    first, second = defaults(documents, *(doc if doc in documents else None for doc in linked))
    columns = st.columns(2)
    left = columns[0].selectbox("Report", documents, index=documents.index(first), format_func=document_label,
                               key="compare_a")
    right = columns[1].selectbox("compared with", documents, index=documents.index(second), format_func=document_label,
                                 key="compare_b")
    keep_in_url({"a": key_of(left), "b": key_of(right)})
    if left.id == right.id:
        st.info("Pick two different reports.")
        return
    with st.spinner("Reading both reports area by area…"):
        comparison = compare(engine, left, right)
    show(comparison)
    downloads(briefing(comparison), "comparison")


def defaults(documents: list[DocumentRecord], a: DocumentRecord | None,
             b: DocumentRecord | None) -> tuple[DocumentRecord, DocumentRecord]:
    """The reports named in the address bar, else the two latest graded reports of the first council listed."""
    if a and b:
        return a, b
    council = documents[0].description.authority
    mine = [doc for doc in documents if doc.description.authority == council]
    graded = [doc for doc in mine if doc.judgements] or mine
    if len(graded) >= 2:
        return graded[-2], graded[-1]
    return documents[0], documents[1]


def show(comparison: Comparison) -> None:
    """The grade change on top, then each area's quoted sentences side by side."""
    left, right = comparison.left, comparison.right
    rows = "".join(
        f"<tr><td>{inert(area.name)}</td><td>{inert(area.left.grade.grade if area.left.grade else '–')}</td>"
        f"<td>{inert(area.right.grade.grade if area.right.grade else '–')}</td><td>{inert(CHANGE[area.change])}</td></tr>"
        for area in comparison.areas)
    st.markdown(f'<table class="grades"><thead><tr><th>Area</th><th>{inert(document_label(left))}</th>'
                f'<th>{inert(document_label(right))}</th><th>Change</th></tr></thead><tbody>{rows}</tbody></table>',
                unsafe_allow_html=True)
    for area in comparison.areas:
        st.subheader(area.name.capitalize())
        columns = st.columns(2)
        for column, side, doc in ((columns[0], area.left, left), (columns[1], area.right, right)):
            column.markdown(side_html(side, doc), unsafe_allow_html=True)


def side_html(side: Side, doc: DocumentRecord) -> str:
    """One report's sentences on one area under the report's name (on a phone the two sides stack), each quoted and
    cited with a link to its passage."""
    label = f'<p class="side">{inert(document_label(doc))}</p>'
    if not side.quotes:
        return label + '<div class="cite">This report says nothing clear on this area.</div>'
    return label + "".join(
        f'<div class="card">“{inert(text)}”<div class="cite"><a href="{inert(report_link(doc, hit.chunk.start))}" '
        f'target="_self">{inert(citation_of(hit.chunk, hit.document))}</a></div></div>'
        for text, hit in side.quotes)


def briefing(comparison: Comparison) -> Briefing:
    """The comparison as a briefing: both reports' grades, then each area's quotations from each report."""
    rows = tuple(side.grade for area in comparison.areas for side in (area.left, area.right) if side.grade)
    sections = tuple(
        Section(f"{area.name.capitalize()}: {document_label(doc)}",
                tuple(Quoted(text, cited(hit.chunk, hit.document)) for text, hit in side.quotes),
                "" if side.quotes else "This report says nothing clear on this area.")
        for area in comparison.areas for side, doc in ((area.left, comparison.left), (area.right, comparison.right)))
    title = f"Comparison: {document_label(comparison.left)} and {document_label(comparison.right)}"
    return Briefing(title, "", this_view(), rows, sections)

