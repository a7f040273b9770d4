"""The ask page's script for Streamlit's navigation: it only draws views/ask.py."""

from views.ask import render
from views.shared import guarded

guarded(render)()
