"""The councils page (/councils): one council's inspections and visits in time order, its grades per area as a
chart across frameworks, and each improvement list followed into the next inspection or visit."""

from __future__ import annotations

import altair as alt
import streamlit as st

from ingest.grades import AREA_SHORT, FRAMEWORKS, GRADES
from search.councils import Event, councils, history
from search.retrieve import Searcher
from search.select import Where
from views.briefing import Briefing, Quoted, Section, cited
from views.cards import grade_table_html, inert
from views.shared import document_label, downloads, grade_link, keep_in_url, ready_searcher, report_link, sidebar_filters, this_view

GRADE_COLOURS = ("#2da44e", "#3d8bfd", "#d29922", "#e5534b")  # outstanding, good, requires improvement, inadequate
# The same shapes mark the grades in the tables (views/cards.py STYLE), so that no grade is told by colour alone.
GRADE_SHAPES = ("circle", "square", "triangle-up", "diamond")


def render() -> None:
    """Draw the page."""
    st.title("Councils")
    engine = ready_searcher()
    where = sidebar_filters(engine)
    names = councils(engine.index)
    if not names:
        st.info("The index holds no council's reports yet: add some on the library page.")
        return
    wanted = st.query_params.get("council") or (where.authorities[0] if where.authorities else names[0])
    council = st.selectbox("Council", names, index=names.index(wanted) if wanted in names else 0, key="council")
    keep_in_url({"council": [council, *[name for name in where.authorities if name != council]]})
    allowed = {doc.id for doc in engine.index.documents() if Where(date_from=where.date_from, date_to=where.date_to,
                                                                   kind=where.kind).keeps(doc)}
    events = history(engine.index, council, allowed)
    if not events:
        st.info(inert(f"No indexed report about {council} matches the filters in the sidebar."))
        return
    st.subheader("Grades by area")
    chart(events)
    st.subheader("Inspections and visits")
    for event in events:
        timeline_entry(engine, event)
    downloads(briefing(council, events), f"{council.lower().replace(' ', '-')}-history")


def chart(events: list[Event]) -> None:
    """One row per judgement area, one point per inspection coloured by grade, framework boundaries marked; each
    point links to the passage stating the grade."""
    points = []
    for event in events:
        for row in event.grades:
            points.append({"date": row.inspection_start or row.published or event.date,
                           "area": AREA_SHORT.get(row.area, row.area),
                           "grade": row.grade, "framework": row.framework or "", "report": document_label(event.document),
                           "link": report_link(event.document, row.passage_start)})
    if not points:
        st.caption("None of these reports is graded (focused and monitoring visits are not).")
        return
    dates = sorted(point["date"] for point in points)
    marks = alt.Chart(alt.Data(values=points)).mark_point(filled=True, size=220).encode(
        x=alt.X("date:T", title="inspection"),
        y=alt.Y("area:N", title=None, sort=[AREA_SHORT[area] for area in AREA_SHORT], axis=alt.Axis(labelLimit=220)),
        # the legend under the chart: beside it, it takes half a phone's width from the inspections
        color=alt.Color("grade:N", scale=alt.Scale(domain=list(GRADES), range=list(GRADE_COLOURS)), title="grade",
                        legend=alt.Legend(orient="bottom", columns=1)),
        shape=alt.Shape("grade:N", scale=alt.Scale(domain=list(GRADES), range=list(GRADE_SHAPES)), title="grade",
                        legend=alt.Legend(orient="bottom", columns=1)),
        href="link:N",
        tooltip=["report:N", "area:N", "grade:N", "framework:N"],
    )
    boundaries = [{"date": since, "framework": name} for since, name in FRAMEWORKS if dates[0] <= since <= dates[-1]]
    layers = [marks]
    if boundaries:
        rules = alt.Chart(alt.Data(values=boundaries)).mark_rule(strokeDash=[4, 4], color="gray").encode(x="date:T")
        labels = alt.Chart(alt.Data(values=boundaries)).mark_text(align="left", dx=4, dy=-6, color="gray").encode(
            x="date:T", text="framework:N", y=alt.value(0))
        layers += [rules, labels]
    # the chart is fitted to its container, legend included: a row per area, the axis and the legend's five lines
    st.altair_chart(alt.layer(*layers).properties(height=160 + 34 * len({p["area"] for p in points})),
                    width="stretch")
    st.caption("Each point is one graded area of one inspection, its shape and colour the grade; click a point to open "
               "the passage that states it. Dashed lines mark a change of inspection framework. The same grades are "
               "listed as text under each inspection below.")


def timeline_entry(engine: Searcher, event: Event) -> None:
    """One inspection or visit: its link, its grades and its improvement points followed up."""
    doc = event.document
    st.markdown(f'**{inert(event.date or "undated")}** · <a href="{inert(report_link(doc))}" target="_self">'
                f'{inert(event.kind.capitalize())}</a> · {inert(doc.file)}', unsafe_allow_html=True)
    if event.grades:
        st.markdown(grade_table_html(event.grades, [grade_link(engine, row) for row in event.grades]),
                    unsafe_allow_html=True)
    if event.improvements:
        later = document_label(event.next_document) if event.next_document else None
        with st.expander(f"What needs to improve ({len(event.improvements)} points)"
                         + (f", each with the closest passage of the next inspection or visit ({later})" if later else "")):
            for follow in event.improvements:
                point = follow.point.chunk
                st.markdown(f'<div class="card"><a href="{inert(report_link(doc, point.start))}" target="_self">'
                            f"{inert(point.text)}</a></div>", unsafe_allow_html=True)
                if follow.later is None:
                    st.caption("No later inspection or visit is indexed yet.")
                    continue
                reading = "close in meaning" if follow.mentioned_again else "not close in meaning"
                closest = follow.later.chunk
                st.markdown(f'<div class="cite">Closest passage of the next inspection or visit (similarity '
                            f'{follow.similarity:.2f}, {reading}): '
                            f'<a href="{inert(report_link(follow.later.document, closest.start))}"'
                            f' target="_self">“{inert(closest.text[:240])}{"…" if len(closest.text) > 240 else ""}”</a>'
                            "</div>", unsafe_allow_html=True)


def briefing(council: str, events: list[Event]) -> Briefing:
    """The council's history as a briefing: every grade, then each inspection's improvement points quoted."""
    rows = tuple(row for event in events for row in event.grades)
    sections = tuple(
        Section(f"{event.kind.capitalize()}, {event.date}",
                tuple(Quoted(follow.point.chunk.text, cited(follow.point.chunk, event.document))
                      for follow in event.improvements),
                "" if event.improvements else "No improvement list in this report.")
        for event in events)
    return Briefing(f"Ofsted history: {council}", "", this_view(), rows, sections)
