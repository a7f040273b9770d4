"""The web app's pages: each draws one view with Streamlit, using search/ for everything it shows."""

PRODUCT = "Ask the Ofsted reports"  # the service's name: the browser tab, the Ask page's title, a briefing's author
