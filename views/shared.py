"""What every page shares: the model and index loaded once per server, the sidebar filters kept in the address
bar, links between pages, briefing downloads and errors shown as one message."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import streamlit as st

from ingest.config import from_env
from ingest.embed import Embedder, SentenceEmbedder
from ingest.errors import IndexMissing, OfstedError
from ingest.eta import Estimate
from ingest.metadata import KINDS
from ingest.pipeline import ingest
from ingest.store import DocumentRecord
from ingest.stores import open_store
from search.councils import councils
from search.grades import GradeRow
from search.render import when_of
from search.retrieve import Searcher, open_searcher
from search.select import Where
from search.viewer import key_of
from views.briefing import Briefing, as_docx, as_markdown, grades_csv

# The kinds offered in the sidebar: "inspection" is any inspection framework's full inspection.
KIND_CHOICES = {"": "any kind", "inspection": "inspections", "focused_visit": "focused visits",
                "monitoring_visit": "monitoring visits", "committee_report": "council and committee papers"}


@st.cache_resource(show_spinner="Loading the embedding model (first visit only)…")
def embedder(model: str) -> Embedder:
    """One model per server, shared by every visitor and every index version."""
    return SentenceEmbedder.for_questions(model, from_env())


@st.cache_resource(show_spinner="Loading the index and learning how questions are asked (first visit only)…",
                   max_entries=2)
def searcher(index: str, version: str) -> Searcher:
    """One searcher per index version (a re-ingest makes a new one), shared by every visitor, prepared before the first
    question: the reading of questions fitted (a fraction of a second once its example vectors are cached) and the
    index read ahead (Searcher.prepare; 1.8 s for a database holding the national sample, little for a folder)."""
    engine = open_searcher(from_env(), factory=embedder)
    engine.prepare()
    return engine


def preload() -> None:
    """Load the model and the index into the server's shared cache before the first visitor asks (run by app.py as
    the server starts). A missing index is left to the first visit, which builds it showing progress; an index that
    cannot be opened is left to the visit too, which says why."""
    # the cached functions' spinners have no page to show on here; Streamlit warns of that once for this thread
    this = threading.current_thread().name
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: record.threadName != this)
    try:
        store = open_store(from_env())
        searcher(store.where, store.current())
    except OfstedError:
        return


def build_index() -> None:
    """Build the index from the corpus folder, showing progress."""
    settings = from_env()
    with st.status(f"No index yet: building one from {settings.corpus}/ (first run only)…", expanded=True) as status:
        summary = ingest([settings.corpus], settings, progress=progress_bar(), embedder_factory=embedder,
                         waiting=show_waiting)
        for failure in summary.failures:
            st.warning(f"{failure.path}: {failure.reason}")
        status.update(label=f"Index built: {summary.documents} documents, {summary.chunks} passages", state="complete")


def progress_bar() -> Callable[[str, int, int], None]:
    """A progress bar that an ingest reports its stages to ("reading 12/30 · embedding 10/30 · about 2 min left")."""
    bar = st.progress(0.0)
    estimate = Estimate()

    def progress(stage: str, done: int, total: int) -> None:
        estimate.update(stage, done, total)
        bar.progress(estimate.share(), text=estimate.line())

    return progress


def show_waiting(message: str) -> None:
    st.info(f"{message}…")


def ready_searcher() -> Searcher:
    """The shared searcher, building the index first when there is none."""
    store = open_store(from_env())
    try:
        version = store.current()
    except IndexMissing:
        build_index()
        version = store.current()
    return searcher(store.where, version)


def guarded(page: Callable[[], None]) -> Callable[[], None]:
    """The page drawn with any product error shown as one message instead of a traceback."""

    def draw() -> None:
        try:
            page()
        except OfstedError as error:
            st.error(str(error))

    draw.__name__ = page.__name__
    return draw


FILTERS = ("council", "from", "to", "kind")  # the sidebar's parameters in the address bar


def sidebar_filters(engine: Searcher) -> Where:
    """Councils, years and kind of document chosen in the sidebar, restored from and kept in the address bar, and
    carried to the next page (the navigation bar's links drop the address's parameters)."""
    kept: dict[str, list[str]] = st.session_state.get("filters", {})
    if kept and not any(st.query_params.get_all(name) for name in FILTERS):
        for name, values in kept.items():
            st.query_params[name] = values
    names = councils(engine.index)
    years = sorted({year for doc in engine.index.documents() for year in doc.description.years()})
    chosen = [name for name in st.query_params.get_all("council") if name in names]
    picked = st.sidebar.multiselect("Councils", names, default=chosen, placeholder="every council",
                                    key="filter_councils")
    low, high = (years[0], years[-1]) if years else (2013, 2026)
    start = _year(st.query_params.get("from"), low)
    end = _year(st.query_params.get("to"), high)
    if low < high:
        start, end = st.sidebar.slider("Years", low, high, (max(low, min(start, high)), min(high, max(end, low))),
                                       key="filter_years")
    kinds = list(KIND_CHOICES)
    kind = st.sidebar.selectbox("Kind of document", kinds, format_func=KIND_CHOICES.__getitem__, key="filter_kind",
                                index=kinds.index(st.query_params.get("kind", "")) if st.query_params.get("kind", "") in kinds else 0)
    keep_in_url({"council": picked, "from": str(start) if start > low else "", "to": str(end) if end < high else "",
                 "kind": kind})
    st.session_state["filters"] = {name: st.query_params.get_all(name) for name in FILTERS
                                   if st.query_params.get_all(name)}
    return Where(date_from=str(start) if start > low else None, date_to=str(end) if end < high else None,
                 kind=kind or None, authorities=tuple(picked))


def _year(value: str | None, default: int) -> int:
    number = whole_number(value)
    return default if number is None else number


def whole_number(value: str | None) -> int | None:
    """A number written in the address bar in ASCII digits, else None ("²" is a digit to Python but no number)."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,9}", value) else None


def scroll_to(element_id: str) -> None:
    """Scroll the page so that the element with ``element_id`` is in the middle of the screen, once it is drawn."""
    _when_drawn(f"document.getElementById({json.dumps(element_id)})", 'scrollIntoView({block: "center"})')


def focus(label: str) -> None:
    """Put the keyboard in the field labelled ``label`` once it is drawn, so that a reader can type at once instead of
    tabbing past the navigation."""
    _when_drawn(f"document.querySelector({json.dumps(f'input[aria-label={json.dumps(label)}]')})", "focus()")


def _when_drawn(find: str, act: str) -> None:
    """Run ``act`` on the element ``find`` (JavaScript expressions of ours, nothing from a report in them) once the
    page has drawn it, giving up after 10 s; in a scope of its own, so that a page run again can run it again."""
    st.html(f"""<script>(() => {{
      let tries = 0;
      const look = setInterval(() => {{
        const element = {find};
        if (element) {{ element.{act}; }}
        if (element || ++tries > 100) {{ clearInterval(look); }}
      }}, 100);
    }})();</script>""", unsafe_allow_javascript=True)


def keep_in_url(values: Mapping[str, str | list[str]]) -> None:
    """Write the view's state into the address bar (empty values removed), so that the view can be shared."""
    for name, value in values.items():
        if value and (st.query_params.get_all(name) if isinstance(value, list) else st.query_params.get(name)) != value:
            st.query_params[name] = value
        elif not value and name in st.query_params:
            del st.query_params[name]


def link(page: str, **params: object) -> str:
    """A relative link to a page of the app with query parameters ("report?doc=…&at=…")."""
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")}, doseq=True)
    return f"{page}?{query}" if query else page


def report_link(doc: DocumentRecord, at: int | None = None) -> str:
    """The link opening a report at a character offset (a passage) in the report viewer."""
    return link("report", doc=key_of(doc), at=at)


def grade_link(engine: Searcher, row: GradeRow) -> str | None:
    """The link opening the passage that states a grade-table row."""
    doc = engine.index.document(row.document_id)
    return report_link(doc, row.passage_start) if doc else None


def this_view() -> str:
    """The full address of the view being drawn, with its query parameters (for briefings)."""
    base = str(st.context.url or "").split("?")[0]
    query = urlencode([(name, value) for name in st.query_params for value in st.query_params.get_all(name)])
    return f"{base}?{query}" if query else base


def downloads(briefing: Briefing, name: str) -> None:
    """Download buttons for a briefing: Word, Markdown, and CSV of its grade table; each dated, saying what the index
    held."""
    index = ready_searcher().index
    briefing = replace(briefing, prepared=date.today().isoformat(),
                       held=f"{len(index.documents())} indexed documents (index built {index.manifest.built.replace('T', ' ')})")
    columns = st.columns(3)
    columns[0].download_button("Briefing (Word)", as_docx(briefing), f"{name}.docx", icon=":material/description:",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    columns[1].download_button("Briefing (Markdown)", as_markdown(briefing), f"{name}.md", mime="text/markdown",
                               icon=":material/article:")
    if briefing.grades:
        columns[2].download_button("Grades (CSV)", grades_csv(briefing.grades), f"{name}-grades.csv", mime="text/csv",
                                   icon=":material/table:")


def document_label(doc: DocumentRecord) -> str:
    """How a document is named in pickers, with the dates its citations give: "Rutland · inspection (ILACS) ·
    inspected 15 to 26 April 2024"."""
    description = doc.description
    return " · ".join(part for part in (description.authority or doc.file, KINDS.get(description.kind or "", ""),
                                        when_of(description) or description.held or "")
                      if part)
