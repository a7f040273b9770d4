"""The councils page's script for Streamlit's navigation: it only draws views/councils.py."""

from views.councils import render
from views.shared import guarded

guarded(render)()
