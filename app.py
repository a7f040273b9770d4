"""The web page: ask a question of the Ofsted reports and read cited, quoted passages."""

from __future__ import annotations

import streamlit as st

from ingest.config import from_env
from ingest.embed import Embedder, SentenceEmbedder
from ingest.errors import OfstedError
from ingest.pipeline import ingest
from ingest.store import IndexMissing, current_folder
from search.cards import STYLE, answer_html, card, chips_html
from search.retrieve import Result, Searcher, open_searcher
from search.understand import Understanding

EXAMPLES = (
    "What did Ofsted say about care leavers?",
    "How were Leicestershire's services graded in 2024?",
    "Did supervision of social workers improve since 2017?",
)


@st.cache_resource(show_spinner="Loading the embedding model…")
def embedder(model: str) -> Embedder:
    """One model per server, shared by every visitor and every index version."""
    return SentenceEmbedder(model, from_env().batch_size)


@st.cache_resource(show_spinner="Loading the index…")
def searcher(index: str, version: str) -> Searcher:
    """One searcher per index version (a re-ingest makes a new one), shared by every visitor."""
    return open_searcher(from_env(), factory=embedder)


def build_index() -> None:
    """Build the index from the corpus folder, showing progress."""
    settings = from_env()
    with st.status(f"No index yet: building one from {settings.corpus}/ (first run only)…", expanded=True) as status:
        bar = st.progress(0.0)
        summary = ingest([settings.corpus], settings, progress=lambda stage, done, total: bar.progress(
            done / total if total else 1.0, text=f"{stage} {done}/{total}"))
        for failure in summary.failures:
            st.warning(f"{failure.path}: {failure.reason}")
        status.update(label=f"Index built: {summary.documents} documents, {summary.chunks} passages", state="complete")


def ready_searcher() -> Searcher:
    """The shared searcher, building the index first when there is none."""
    settings = from_env()
    try:
        folder = current_folder(settings.index)
    except IndexMissing:
        build_index()
        folder = current_folder(settings.index)
    return searcher(str(settings.index), folder.name)


def ask() -> str:
    """The question box and example buttons; the question is kept in the address bar."""
    for column, example in zip(st.columns(len(EXAMPLES)), EXAMPLES):
        if column.button(example, use_container_width=True):
            st.query_params["q"] = example
    question = st.text_input("Your question", value=st.query_params.get("q", ""), placeholder=EXAMPLES[0])
    if question != st.query_params.get("q", ""):
        st.query_params["q"] = question
    return question.strip()


def show(result: Result) -> None:
    """The understood filters, the quoted answer (or an honest "not found") and the passage cards."""
    if not result.hits:
        st.info("The index holds no passages yet: add reports to the corpus folder and ingest them.")
        return
    for note in result.understood.notes:
        st.caption(note)
    if result.answer.no_answer:
        st.warning("The indexed reports do not seem to answer this question. The closest passages are shown as weak matches.")
    else:
        st.markdown(answer_html(result.answer), unsafe_allow_html=True)
    for hit in result.hits:
        st.markdown(card(hit, weak=result.answer.no_answer), unsafe_allow_html=True)


def filters_control(understood: Understanding) -> bool:
    """Show what was understood; return False when the reader chose to search every report instead."""
    labels = understood.labels()
    if not labels:
        return True
    st.markdown(chips_html(labels), unsafe_allow_html=True)
    everything = st.checkbox("Search all reports instead", value=st.query_params.get("all") == "1")
    st.query_params["all"] = "1" if everything else "0"
    return not everything


st.set_page_config(page_title="Ask the Ofsted reports", page_icon="📄", layout="centered")
st.title("Ask the Ofsted reports")
st.caption("Every answer is quoted word for word from the inspection reports, with report, date and paragraph.")
st.markdown(STYLE, unsafe_allow_html=True)
question = ask()
try:
    engine = ready_searcher()
    if question:
        understood = engine.understand(question)
        show(engine.ask(question, k=5, filters=filters_control(understood), understood=understood))
except OfstedError as error:
    st.error(str(error))
