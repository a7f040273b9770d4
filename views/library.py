"""The library page (/library): what is indexed, what failed and why, and adding reports by upload."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ingest.apart import ingest_apart
from ingest.config import from_env
from ingest.errors import OfstedError
from ingest.store import read_last_run
from search.library import contents, drop_failed, save_upload
from views.cards import inert
from views.shared import progress_bar, ready_searcher, show_waiting, sidebar_filters

ACCEPTED = ["pdf", "docx", "html", "htm", "txt", "md"]


def render() -> None:
    """Draw the page."""
    st.title("Library")
    settings = from_env()
    engine = ready_searcher()
    library = contents(engine.index, sidebar_filters(engine))
    columns = st.columns(4)
    columns[0].metric("Documents", library.documents)
    columns[1].metric("Passages", library.passages)
    columns[2].metric("Councils", library.councils)
    columns[3].metric("Last updated", library.updated[:10] or "–", help=f"Index version built {library.updated}")
    st.dataframe(library.rows, hide_index=True, width="stretch")
    if len(library.rows) < library.documents:
        st.caption(f"Showing the {len(library.rows)} documents the sidebar's filters keep.")
    last = read_last_run(settings.index)
    failures = last.get("failures") or []
    if failures:
        st.subheader("Files that could not be added")
        st.caption(f"In the latest ingest ({str(last.get('finished', '')).replace('T', ' ')}):")
        for failure in failures:
            st.warning(inert(f"{Path(failure['path']).name}: {failure['reason']}"))
    st.subheader("Add reports")
    st.caption(f"PDF, Word (DOCX), HTML or text files up to {settings.max_file_mb:g} MB each. They are saved in "
               f"{settings.uploads}/ and read with the same checks as `python -m ingest`.")
    uploaded = st.file_uploader("Reports", type=ACCEPTED, accept_multiple_files=True)
    if uploaded and st.button("Add to the index", type="primary"):
        paths = []
        for item in uploaded:
            saved = save_upload(settings.uploads, item.name, item.getvalue(), settings.max_file_mb)
            paths.append(saved)
        with st.status("Adding the reports…", expanded=True) as status:
            try:
                summary, _ = ingest_apart(paths, settings, progress_bar(), show_waiting)
            except OfstedError:
                drop_failed(paths, (str(path.resolve()) for path in paths))  # none went in: none is kept
                raise
            for failure in summary.failures:
                st.error(inert(f"{Path(failure.path).name}: {failure.reason}"))
            if drop_failed(paths, (failure.path for failure in summary.failures)):
                st.caption("Files that could not be added were not kept.")
            added = len(summary.added) + len(summary.updated)
            status.update(label=f"Added {added} report(s); the index now holds {summary.documents} documents",
                          state="complete" if not summary.failures else "error")
        if added:
            st.success("Done: ask about the new reports on the Ask page.")
