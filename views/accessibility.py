"""The accessibility statement page, in the pattern of GOV.UK's model statement, with who runs the service and whom to
contact taken from the settings."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ingest.config import from_env

STATEMENT = Path(__file__).with_name("accessibility.md")
# When the statement was last checked against the automatic tests it describes (tests/test_browser.py).
TESTED = "30 November 2026"


def statement(operator: str, contact: str) -> str:
    """The statement's Markdown with the operator and contact filled in (or general wording when they are unset)."""
    operator = operator or "the council or organisation that provides it to you"
    contact = contact or "the council or organisation that provides this service to you"
    return STATEMENT.read_text(encoding="utf-8").format(
        operator=operator, operator_capital=operator[:1].upper() + operator[1:], contact=contact, tested=TESTED)


def render() -> None:
    settings = from_env()
    st.markdown(statement(settings.operator, settings.contact))
