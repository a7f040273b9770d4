"""The report viewer (/report): a report opened at a cited paragraph, highlighted in the text and on the page."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import streamlit as st

from ingest.document import Chunk
from ingest.grades import AREA_NAMES
from search.councils import dated
from search.render import citation_of, report_name_of, when_of
from search.viewer import SCALE, ZOOMED, by_key, key_of, original, page_count, page_image, passage
from views.cards import inert
from views.shared import document_label, keep_in_url, ready_searcher, scroll_to, sidebar_filters, whole_number


def render() -> None:
    """Draw the page."""
    engine = ready_searcher()
    where = sidebar_filters(engine)
    linked = by_key(engine.index, st.query_params.get("doc", ""))
    documents = sorted((doc for doc in engine.index.documents() if where.keeps(doc) or doc == linked),
                       key=lambda doc: (doc.description.authority or "", dated(doc)))
    if not documents:
        st.info("No indexed report matches the filters: widen them in the sidebar, or add reports on the library page.")
        return
    chosen = st.selectbox("Report", documents, index=documents.index(linked) if linked else None,
                          format_func=document_label, key="report", placeholder="Choose a report to read")
    if chosen is None:  # opened from the navigation: the reader picks, nothing is opened for them
        keep_in_url({"doc": "", "at": ""})
        st.caption(f"{len(documents)} reports and council papers; type a council's name to find its reports, or follow "
                   "a citation on the Ask page to open a report at the passage it quotes.")
        return
    doc = chosen
    at_text = st.query_params.get("at", "")
    at = whole_number(at_text) if key_of(doc) == st.query_params.get("doc") else None
    keep_in_url({"doc": key_of(doc), "at": str(at) if at is not None else ""})
    found = passage(engine.index, doc, at)
    description = doc.description
    st.title(inert(report_name_of(doc)))  # the report's own words: never markup
    facts = [description.authority, when_of(description),
             description.lead_inspector and f"lead inspector {description.lead_inspector}"]
    st.caption(inert(" · ".join(fact for fact in facts if fact)))
    if doc.judgements:
        st.markdown(" · ".join(f"{inert(AREA_NAMES.get(j.area, j.area))}: **{inert(j.grade)}**" for j in doc.judgements),
                    unsafe_allow_html=True)
    if found is None:
        st.info("This report has no passages.")
        return
    text_column, page_column = st.columns([1, 1]) if found.cited.chunk.page and _is_pdf(doc.path) else (st.container(), None)
    with text_column:
        chunk = found.cited.chunk
        if chunk.section:
            st.markdown(f"**{inert(chunk.section)}**", unsafe_allow_html=True)
        for item in found.before:
            st.markdown(f'<div class="neighbour">{inert(item.chunk.text)}</div><br>', unsafe_allow_html=True)
        st.markdown(f'<div class="cited" id="cited"><mark>{inert(chunk.text)}</mark><div class="cite">'
                    f"{inert(citation_of(chunk, doc))}</div></div><br>", unsafe_allow_html=True)
        for item in found.after:
            st.markdown(f'<div class="neighbour">{inert(item.chunk.text)}</div><br>', unsafe_allow_html=True)
    path = original(doc)
    if page_column is not None and path is not None and chunk.page:
        with page_column:
            printed_page(path, chunk, key_of(doc))
    if st.toggle("Show the whole report's text", key="whole_text"):  # drawn only when asked: a report runs to 100 pages
        whole = inert(engine.index.document_text(doc.id))
        st.markdown(f'<div class="whole" tabindex="0" role="region" aria-label="The whole report">{whole}</div>',
                    unsafe_allow_html=True)
    if at is not None:  # opened from a citation: the cited passage on the first screen
        scroll_to("cited")
    if path is not None:
        st.download_button("Download the original report", path.read_bytes(), doc.file, icon=":material/download:")
    else:
        st.caption(f"The original file is no longer at {doc.path}.")


def printed_page(path: Path, chunk: Chunk, doc_key: str) -> None:
    """The printed page holding the passage (boxed), with the pages before and after it a click away and a zoom
    that shows the page at twice the resolution, as wide as the screen."""
    pages = page_count(path)
    state = f"page-{doc_key}-{chunk.start}"  # each cited passage opens at its own page
    shown = min(max(st.session_state.get(state, chunk.page), 1), pages)
    zoomed = st.toggle("Zoom in on the page", key=f"{state}-zoom", help="The page at twice the size; scroll across "
                       "and down to read it")
    picture = st.container()  # drawn once the buttons under it have said which page
    back, where, ahead = st.columns(3, vertical_alignment="center")
    if back.button("Previous page", disabled=shown <= 1, key=f"{state}-back", width="stretch"):
        shown -= 1
    if ahead.button("Next page", disabled=shown >= pages, key=f"{state}-ahead", width="stretch"):
        shown += 1
    st.session_state[state] = shown
    where.markdown(f'<p style="text-align: center; margin: 0">Page {shown} of {pages}</p>', unsafe_allow_html=True)
    cited = shown == chunk.page
    caption = f"Page {shown}" + (", the passage boxed" if cited else f" (the passage is on page {chunk.page})")
    alt = f"Page {shown} of the report as printed" + (", with the cited passage boxed; its text is beside the image"
                                                       if cited else "; the whole report's text is below")
    image = page_image(path, shown, chunk.box if cited else None, ZOOMED if zoomed else SCALE)
    with picture:
        if zoomed:
            source = f"data:image/png;base64,{base64.b64encode(image).decode()}"
            st.markdown(f'<div class="zoomed" tabindex="0" role="region" aria-label="The page zoomed in">'
                        f'<img src="{source}" alt="{html.escape(alt)}"></div>', unsafe_allow_html=True)
            st.caption(caption)
        else:
            st.image(image, caption=caption, width="stretch", alt=alt)


def _is_pdf(path: str) -> bool:
    return path.lower().endswith(".pdf")
