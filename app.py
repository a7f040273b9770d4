"""The web app's entry: page set-up and the navigation bar; each page is drawn by views/ (through screens/).
Served by ``streamlit run app.py``, which loads the model and index in the background from the start, while the
first visitor's browser is still loading the page."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

if __name__ == "__main__":  # a visitor's run of the page (Streamlit runs the script as __main__)
    from views import PRODUCT
    from views.cards import STYLE

    st.set_page_config(page_title=PRODUCT, page_icon=":material/description:", layout="wide")
    st.markdown(STYLE, unsafe_allow_html=True)  # every page's styles, once
    PAGES = [
        st.Page("screens/ask.py", title="Ask", icon=":material/question_answer:", default=True),
        st.Page("screens/councils.py", title="Councils", icon=":material/account_balance:", url_path="councils"),
        st.Page("screens/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page("screens/report.py", title="Report", icon=":material/description:", url_path="report"),
        st.Page("screens/library.py", title="Library", icon=":material/library_books:", url_path="library"),
        st.Page("screens/accessibility.py", title="Accessibility", icon=":material/accessibility:",
                url_path="accessibility"),
    ]
    st.navigation(PAGES, position="top").run()
else:  # imported by `streamlit run` to serve the app

    @asynccontextmanager
    async def _loading(_: st.App) -> AsyncIterator[None]:
        """The server's lifetime: the model and index start loading as it starts (see views/shared.py preload)."""
        from views.shared import preload

        threading.Thread(target=preload, name="preload", daemon=True).start()
        yield

    app = st.App("app.py", lifespan=_loading)
