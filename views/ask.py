"""The ask page (/): a question, its quoted and cited answer, the grade table for grade questions, a briefing."""

from __future__ import annotations

import streamlit as st

from ingest.config import from_env
from ingest.stores import open_store
from search.councils import councils
from search.feedback import VERDICTS, record, verdict_on
from search.followup import LAST, FollowUp, follow_up, with_home
from search.render import sources
from search.retrieve import Result, Searcher
from search.select import Where
from views import PRODUCT
from views.briefing import from_result
from views.cards import answer_html, answered_marker, card, chips_html, grade_table_html, inert
from views.shared import downloads, focus, grade_link, keep_in_url, ready_searcher, report_link, sidebar_filters, this_view

EXAMPLES = (
    "What did Ofsted say about care leavers?",
    "How were Leicestershire's services graded in 2024?",
    "Did supervision of social workers improve since 2017?",
)


def use_example(example: str) -> None:
    """Put an example question in the box (a callback runs before the box is drawn again)."""
    st.session_state["question"] = example


def question_box() -> str:
    """The question box, an Ask button and, while the box is empty, example buttons; the question is kept in the
    address bar. The box has a fixed key and owns its value (the address bar only seeds it on a visitor's first
    load), so a newly typed question is never replaced by the previous one."""
    if "question" not in st.session_state:
        st.session_state["question"] = st.query_params.get("q", "")
    box, button = st.columns([6, 1], vertical_alignment="bottom")
    question = box.text_input("Your question", key="question", placeholder=EXAMPLES[0])
    button.button("Ask", type="primary", width="stretch")  # Enter asks too; the click commits what was typed
    if not question.strip():  # examples only while there is no question, so that the answer comes first
        st.caption("Or try one of these:")
        for example in EXAMPLES:  # one per line, so that none is cut off on a narrow screen
            st.button(example, on_click=use_example, args=(example,), type="tertiary", icon=":material/chat:")
    return question.strip()


def home_council(engine: Searcher) -> str | None:
    """The reader's own council, for questions that say "we", "our", "us" or "the council" (chosen in the sidebar,
    kept in the address bar as ``home``): at first the only council when the reports are one council's (a laptop's index, where
    "how did we do last time?" is about it)."""
    names = councils(engine.index)
    kept = st.query_params.get("home", "")
    first = ([""] + names).index(kept) if kept in names else 1 if len(names) == 1 else 0
    home = st.sidebar.selectbox("My council", ["", *names], index=first,
                                format_func=lambda name: name or "none", key="home_council",
                                help='Questions that say "we", "our", "us" or "the council" are about this council.')
    keep_in_url({"home": home})
    return home or None


def followed(typed: str, home: str | None) -> FollowUp:
    """What to ask for the question typed: completed from the question asked before it when it leaves out the
    council or period ("and nottinghamshire?"), or from the reader's council; the same as long as it is not retyped
    (the page runs again on every click). The reader can ask it on its own instead."""
    last = st.session_state.get("asked")
    if last is not None and last[0] == typed:
        return last[1]
    before = last[1].question if last is not None else None
    if st.session_state.pop("alone", None) == typed:
        result = FollowUp(typed)
    else:
        result = follow_up(before, typed)
        if not result.carried:
            result = with_home(typed, home)
    st.session_state["asked"] = (typed, result)
    return result


def ask_alone(typed: str) -> None:
    """Ask the typed question without what was carried into it (a callback of the chip's button)."""
    st.session_state["alone"] = typed
    st.session_state.pop("asked", None)


def show(result: Result, engine: Searcher) -> None:
    """The understood filters, the grade table, the quoted answer (or an honest "not found") and the passage cards."""
    if not result.hits:
        st.info("No indexed passage matches the filters: widen them in the sidebar, or add reports on the library page.")
        return
    for note in result.notes:
        st.caption(inert(note))
    if result.answer.no_answer:
        st.warning("The indexed reports do not seem to answer this question. The closest passages are shown as weak matches.")
    else:  # the quoted answer first, on the first screen; a grade table, however long, below it
        st.markdown(answer_html(result.answer, sources(result)), unsafe_allow_html=True)
        if result.grades:
            st.markdown("**Grades**")
            hrefs = [grade_link(engine, row) for row in result.grades]
            st.markdown(grade_table_html(result.grades, hrefs), unsafe_allow_html=True)
    for hit in result.hits:
        st.markdown(card(hit, weak=result.answer.no_answer, href=report_link(hit.document, hit.chunk.start)),
                    unsafe_allow_html=True)
    downloads(from_result(result, this_view()), "briefing")
    st.markdown(answered_marker(result.question), unsafe_allow_html=True)


def feedback_form(result: Result, typed: str, engine: Searcher) -> None:
    """Ask the reader whether the answer was right, and keep what they say with the question, the index version and
    the passages shown (``python -m search.feedback export`` turns them into evaluation cases)."""
    with st.expander("Is this answer right? Tell us"), st.form("feedback", clear_on_submit=True):
        verdict = st.radio("This answer", VERDICTS, index=None)
        comment = st.text_area("Anything else (optional)", max_chars=2000)
        sent = st.form_submit_button("Send")
    if sent and verdict is None:
        st.warning("Choose one of the three answers first.")
    elif sent and verdict is not None:
        record(open_store(from_env()), verdict_on(result, typed, verdict, comment, engine.index.version))
        st.success("Thank you: your verdict is kept with the question and the passages shown.")


def filters_control() -> bool:
    """The reader's choice to search every report instead of those the question names (kept in the address bar)."""
    everything = st.checkbox("Search all reports instead", value=st.query_params.get("all") == "1")
    keep_in_url({"all": "1" if everything else ""})
    return not everything


def render() -> None:
    """Draw the page."""
    st.title(PRODUCT)
    st.caption("Every answer is quoted word for word from the inspection reports, with report, date and paragraph.")
    typed = question_box()
    engine = ready_searcher()
    where = sidebar_filters(engine)
    home = home_council(engine)
    if not typed:
        focus("Your question")  # a first visit types at once
        keep_in_url({"q": ""})
        st.caption("Type a question about the inspection reports and press Enter or Ask, or pick an example above.")
        return
    follow = followed(typed, home)
    question = follow.question
    keep_in_url({"q": question})  # the whole question, so that the link asks it again
    if follow.carried:
        how = "following on from your last question" if follow.source == LAST else f"about your council, {home}"
        st.caption(inert(f"Asked as “{question}”, {how}."))
        st.button(f"Ask “{typed}” on its own", on_click=ask_alone, args=(typed,), type="tertiary",
                  icon=":material/close:")
    chips = st.container()  # what the search kept to, drawn above the choice to search everything
    result = engine.ask(question, k=5, filters=filters_control(), where=where if where != Where() else None)
    if result.labels:
        chips.markdown(chips_html(list(result.labels)), unsafe_allow_html=True)
    show(result, engine)
    if result.hits:
        feedback_form(result, typed, engine)
