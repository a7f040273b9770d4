"""The compare page's script for Streamlit's navigation: it only draws views/compare.py."""

from views.compare import render
from views.shared import guarded

guarded(render)()
