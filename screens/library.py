"""The library page's script for Streamlit's navigation: it only draws views/library.py."""

from views.library import render
from views.shared import guarded

guarded(render)()
