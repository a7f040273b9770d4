"""The web app's pages: each draws one view with Streamlit, using search/ for everything it shows."""
