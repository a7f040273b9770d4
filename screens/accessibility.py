"""The accessibility statement's script for Streamlit's navigation: it only draws views/accessibility.py."""

from views.accessibility import render
from views.shared import guarded

guarded(render)()
