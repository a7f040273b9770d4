"""The library page (/library): what is indexed, what failed and why, and, for officers only, adding reports by
upload and removing them."""

from __future__ import annotations

import hmac
import os
from pathlib import Path

import streamlit as st

from ingest.apart import ingest_apart
from ingest.config import Settings, from_env
from ingest.errors import OfstedError
from ingest.remove import remove, uploaded
from ingest.store import LAST_RUN
from ingest.stores import open_store
from search.library import Library, contents, drop_failed, refused, save_upload
from views.cards import inert
from views.shared import document_label, progress_bar, ready_searcher, show_waiting, sidebar_filters


def render() -> None:
    """Draw the page."""
    st.title("Library")
    settings = from_env()
    engine = ready_searcher()
    where = sidebar_filters(engine)
    shown = st.empty()  # drawn again once an upload has gone in
    with shown.container():
        listing(contents(engine.index, where))
    last = open_store(settings).read_record(LAST_RUN)
    failures = last.get("failures") or []
    if failures:
        st.subheader("Files that could not be added")
        st.caption(f"In the latest ingest ({str(last.get('finished', '')).replace('T', ' ')}):")
        for failure in failures:
            st.warning(inert(f"{Path(failure['path']).name}: {failure['reason']}"))
    st.subheader("Add reports")
    if not officer():
        return
    st.caption(f"PDF, Word (DOCX), HTML or text files up to {settings.max_file_mb:g} MB each. They are kept in the "
               "server's uploads folder (`OFSTED_UPLOADS`) and read with the same checks as `python -m ingest`.")
    # Any file is taken and checked here: the widget's own type filter refuses in MIME types ("application/vnd...").
    files = st.file_uploader("Reports", accept_multiple_files=True)
    reasons = {item.name: refused(item.name) for item in files or ()}
    for reason in filter(None, reasons.values()):
        st.error(inert(reason))
    wanted = [item for item in files or () if not reasons[item.name]]
    if wanted and st.button("Add to the index", type="primary"):
        paths = []
        for item in wanted:
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
            with shown.container():
                listing(contents(ready_searcher().index, where))
            st.success("Done: ask about the new reports on the Ask page.")
    removal(settings)


def removal(settings: Settings) -> None:
    """An officer takes a report out: chosen by name, confirmed, gone for every visitor (the removal runs before the
    page is drawn again, so the totals and the list above already leave it out)."""
    st.subheader("Remove a report")
    done, said = st.session_state.pop("removed", (True, ""))
    if said:
        (st.success if done else st.error)(inert(said))
    documents = sorted(ready_searcher().index.documents(), key=document_label)
    doc = st.selectbox("Report to remove", documents, index=None, format_func=document_label, key="remove_pick",
                       placeholder="Choose a report")
    sure = st.checkbox("Every visitor will stop seeing this report and its grades", key="remove_sure",
                       disabled=doc is None)
    st.button("Remove from the library", icon=":material/delete:", disabled=doc is None or not sure,
              on_click=_remove_chosen, args=(settings,))


def _remove_chosen(settings: Settings) -> None:
    doc = st.session_state.get("remove_pick")
    if doc is None:
        return
    try:
        summary = remove([doc.path], settings, show_waiting)  # waits for an ingest under way, saying so
    except OfstedError as error:
        st.session_state["removed"] = (False, f"Could not remove {doc.file}: {error}")
        return
    deleted = " Its uploaded file was deleted." if uploaded(doc, settings) else ""
    st.session_state["removed"] = (True, f"Removed {document_label(doc)} ({doc.file}); the library now holds "
                                         f"{summary.documents} documents. An ingest of its folder will not add it "
                                         f"back; adding the file itself will.{deleted}")
    st.session_state["remove_pick"] = None
    st.session_state["remove_sure"] = False


def listing(library: Library) -> None:
    """The totals and one row per document."""
    columns = st.columns(4)
    columns[0].metric("Documents", library.documents)
    columns[1].metric("Passages", library.passages)
    columns[2].metric("Councils", library.councils)
    columns[3].metric("Last updated", library.updated[:10] or "–", help=f"Index version built {library.updated}")
    st.dataframe(library.rows, hide_index=True, width="stretch")
    if len(library.rows) < library.documents:
        st.caption(f"Showing the {len(library.rows)} documents the sidebar's filters keep.")


def officer() -> bool:
    """Whether this visitor may change the library (what every visitor is told): signed in through the OpenID
    Connect provider set in ``.streamlit/secrets.toml`` (``[auth]``), else with the officer password
    (``OFSTED_OFFICER_PASSWORD``, or ``officer_password`` in the secrets). With neither, nobody adds reports from the
    page; ``python -m ingest`` still does."""
    if _secret("auth") is not None:
        if getattr(st.user, "is_logged_in", False):  # (absent where no identity was ever given, as in AppTest)
            return True
        st.caption("Adding reports is for officers: sign in with your council account.")
        st.button("Sign in", on_click=st.login, icon=":material/login:")
        return False
    password = os.environ.get("OFSTED_OFFICER_PASSWORD") or _secret("officer_password")
    if not password:
        st.caption("Adding reports from this page is switched off: set OFSTED_OFFICER_PASSWORD (or sign-in in "
                   ".streamlit/secrets.toml) to let officers do it, or run `python -m ingest` on the server.")
        return False
    if st.session_state.get("officer"):
        return True
    typed = st.text_input("Officer password", type="password", key="officer_password",
                          help="Adding reports changes what every visitor is told, so it is for officers only.")
    if typed and hmac.compare_digest(typed.encode(), str(password).encode()):
        st.session_state["officer"] = True
        del st.session_state["officer_password"]
        st.rerun()
    if typed:
        st.error("That is not the officer password.")
    return False


def _secret(name: str) -> object | None:
    """A value of ``.streamlit/secrets.toml``, or None (also when there is no secrets file)."""
    try:
        return st.secrets.get(name)
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None
