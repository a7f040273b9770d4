"""The report page's script for Streamlit's navigation: it only draws views/report.py."""

from views.report import render
from views.shared import guarded

guarded(render)()
