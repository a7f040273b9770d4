"""The web page: ask a question of the Ofsted reports and read cited, quoted passages."""

from __future__ import annotations

import streamlit as st

from ingest.config import from_env
from ingest.embed import Embedder, SentenceEmbedder
from ingest.errors import IndexMissing, OfstedError
from ingest.pipeline import ingest
from ingest.store import current_folder
from search.cards import STYLE, answer_html, answered_marker, card, chips_html
from search.render import sources
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


@st.cache_resource(show_spinner="Loading the index…", max_entries=2)
def searcher(index: str, version: str) -> Searcher:
    """One searcher per index version (a re-ingest makes a new one), shared by every visitor."""
    return open_searcher(from_env(), factory=embedder)


def build_index() -> None:
    """Build the index from the corpus folder, showing progress."""
    settings = from_env()
    with st.status(f"No index yet: building one from {settings.corpus}/ (first run only)…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"{stage} {done}/{total}")

        # A second visitor arriving meanwhile waits for the first build (the index's write lock), then finds it done.
        summary = ingest([settings.corpus], settings, progress=progress, embedder_factory=embedder,
                         waiting=show_waiting)
        for failure in summary.failures:
            st.warning(f"{failure.path}: {failure.reason}")
        status.update(label=f"Index built: {summary.documents} documents, {summary.chunks} passages", state="complete")


def show_waiting(message: str) -> None:
    st.info(f"{message}…")


def ready_searcher() -> Searcher:
    """The shared searcher, building the index first when there is none."""
    settings = from_env()
    try:
        folder = current_folder(settings.index)
    except IndexMissing:
        build_index()
        folder = current_folder(settings.index)
    return searcher(str(settings.index), folder.name)


def use_example(example: str) -> None:
    """Put an example question in the box (a callback runs before the box is drawn again)."""
    st.session_state["question"] = example


def ask() -> str:
    """The question box and example buttons; the question is kept in the address bar.
    The box has a fixed key and owns its value (the address bar only seeds it on a visitor's first load),
    so a newly typed question is never replaced by the previous one."""
    if "question" not in st.session_state:
        st.session_state["question"] = st.query_params.get("q", "")
    for column, example in zip(st.columns(len(EXAMPLES)), EXAMPLES, strict=True):
        column.button(example, use_container_width=True, on_click=use_example, args=(example,))
    question = st.text_input("Your question", key="question", placeholder=EXAMPLES[0])
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
        st.markdown(answer_html(result.answer, sources(result)), unsafe_allow_html=True)
    for hit in result.hits:
        st.markdown(card(hit, weak=result.answer.no_answer), unsafe_allow_html=True)
    st.markdown(answered_marker(result.question), unsafe_allow_html=True)


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
    if not question:
        st.caption("Type a question about the inspection reports and press Enter, or pick an example above.")
    else:
        understood = engine.understand(question)
        show(engine.ask(question, k=5, filters=filters_control(understood), understood=understood))
except OfstedError as error:
    st.error(str(error))
