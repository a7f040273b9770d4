"""Each page of the app through Streamlit's AppTest, on the bundled corpus and (where it needs PDFs) the shared
reports: grade table, council history chart, comparison, report viewer and library."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from types import SimpleNamespace

import pypdfium2
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from ingest.store import Index
from search.render import report_name_of
from search.viewer import key_of
from views.cards import inert
from views.shared import document_label

APP = str(ROOT / "app.py")


def open_page(monkeypatch, index: Path, page: str, **params: str) -> AppTest:
    """The app switched to ``page`` with the address bar holding ``params``, run once."""
    monkeypatch.setenv("OFSTED_INDEX", str(index))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(APP, default_timeout=240)
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    if page != "ask":
        app.switch_page(f"screens/{page}.py").run()
    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    return app


def page_html(app: AppTest) -> str:
    return " ".join(element.value for element in app.markdown)


def documents(index: Path) -> dict[str, str]:
    """file name -> link key of every indexed document."""
    return {doc.file: key_of(doc) for doc in Index.load(index).documents()}


def test_ask_page_answers_a_grade_question_with_the_grade_table(corpus_index, monkeypatch):
    app = open_page(monkeypatch, corpus_index.index, "ask", q="How were Leicestershire's services graded in 2024?")
    html = page_html(app)
    assert '<table class="grades">' in html
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    assert "Leicestershire" in first_row and "overall effectiveness" in first_row and "outstanding" in first_row
    assert 'href="report?doc=' in first_row
    assert [button.label for button in app.get("download_button")][:2] == ["Briefing (Word)", "Briefing (Markdown)"]


def test_ask_page_keeps_sidebar_filters_in_the_address_bar(corpus_index, monkeypatch):
    app = open_page(monkeypatch, corpus_index.index, "ask", q="care leavers", kind="committee_report")
    assert app.selectbox(key="filter_kind").value == "committee_report"
    cards = [element.value for element in app.markdown if 'class="card"' in element.value]
    assert cards and all("Report of the Director" in card or "committee" in card.lower() for card in cards)
    app.selectbox(key="filter_kind").set_value("").run()
    assert "kind" not in app.query_params


def test_councils_page_draws_the_grade_chart_and_the_timeline(corpus_index, monkeypatch):
    app = open_page(monkeypatch, corpus_index.index, "councils", council="Leicestershire")
    assert app.selectbox(key="council").value == "Leicestershire"
    charts = app.get("vega_lite_chart")
    assert len(charts) == 1
    html = page_html(app)
    assert html.count('<table class="grades">') == 2  # the SIF inspection and the council paper on ILACS
    assert "outstanding" in html and "requires improvement" in html


def test_compare_page_aligns_two_reports_by_area(corpus_index, monkeypatch):
    keys = documents(corpus_index.index)
    app = open_page(monkeypatch, corpus_index.index, "compare", a=keys["leicestershire-2017-02-13-ofsted-sif-inspection.txt"],
                    b=keys["leicestershire-2024-09-03-scrutiny-committee-ofsted-ilacs.txt"])
    html = page_html(app)
    assert "▲ improved" in html  # requires improvement (2016) to outstanding (2024)
    assert [header.value for header in app.subheader][:2] == ["Overall effectiveness", "Leadership / impact of leaders"]
    assert html.count('class="card"') >= 4 and "“" in html
    sides = [element.value for element in app.markdown if element.value.startswith('<p class="side">')]
    assert len(sides) == 2 * len(app.subheader)  # each side of each area names its report (on a phone they stack)
    assert {side.split("</p>")[0] for side in sides} == {
        '<p class="side">' + inert(document_label(doc)) for doc in Index.load(corpus_index.index).documents()}


def test_report_page_opens_a_report_at_the_cited_paragraph(corpus_index, monkeypatch):
    index = Index.load(corpus_index.index)
    doc = next(doc for doc in index.documents() if doc.file.startswith("leicestershire-2017"))
    cited = index.document_chunks(doc.id)[10].chunk
    app = open_page(monkeypatch, corpus_index.index, "report", doc=key_of(doc), at=str(cited.start + 3))
    html = page_html(app)
    assert f"<mark>{cited.text[:20]}" in html.replace("&#32;", " ") or "<mark>" in html
    marked = html.split("<mark>")[1].split("</mark>")[0]

    assert marked == inert(cited.text)
    assert app.get("download_button")[0].label == "Download the original report"


def test_the_report_page_opened_from_the_navigation_asks_which_report(corpus_index, monkeypatch):
    app = open_page(monkeypatch, corpus_index.index, "report")
    picker = app.selectbox(key="report")
    assert picker.value is None and not app.title and "doc" not in app.query_params  # nothing opened for the reader
    doc = Index.load(corpus_index.index).documents()[1]
    picker.set_value(doc).run()
    assert app.query_params["doc"] == key_of(doc) and app.title[0].value == inert(report_name_of(doc))


@pytest.mark.parametrize(("page", "params"), [
    ("report", {"at": "²"}), ("ask", {"from": "²", "to": "٣"}), ("ask", {"q": "care\x00leavers"}),
    ("councils", {"council": "\x1b"}), ("compare", {"a": "²", "b": "%"}),
])
def test_a_crafted_link_opens_the_page_without_a_traceback(corpus_index, monkeypatch, page, params):
    if page == "report":
        params = {"doc": key_of(Index.load(corpus_index.index).documents()[0]), **params}
    open_page(monkeypatch, corpus_index.index, page, **params)  # fails on any exception or error box


def test_report_text_shown_as_a_title_or_message_is_never_markup(tmp_path, embedder, monkeypatch):
    import re

    from ingest.config import Settings
    from ingest.pipeline import ingest

    folder = tmp_path / "reports"
    folder.mkdir()
    crafted = "Inspection of Rutland [Sign in again](evil.example/login) ![logo](evil.example/x.png) $x^2$"
    (folder / "crafted.txt").write_text(f"{crafted}\n\n1. Care leavers are supported well by their advisers.\n")
    settings = Settings(index=tmp_path / "index")
    ingest([folder], settings, embedder_factory=lambda name: embedder)
    doc = Index.load(settings.index).documents()[0]
    assert doc.description.title == crafted
    app = open_page(monkeypatch, settings.index, "report", doc=key_of(doc))
    shown = [element.value for element in app.title] + [element.value for element in app.caption]
    assert shown and not any(re.search(r"\]\(|\$x", value) for value in shown)


def test_report_page_shows_the_pdf_page_with_the_passage(shared_index, monkeypatch):
    index = Index.load(shared_index.index)
    doc = next(doc for doc in index.documents() if doc.file == "rutland-2024-07-12-ofsted-inspection.pdf")
    cited = next(item.chunk for item in index.document_chunks(doc.id) if item.chunk.page and item.chunk.page > 2)
    app = open_page(monkeypatch, shared_index.index, "report", doc=key_of(doc), at=str(cited.start))
    images = app.get("image")
    assert images, "the PDF page image is missing"
    pages = len(pypdfium2.PdfDocument(str(doc.path)))
    assert any(f"Page {cited.page} of {pages}<" in element.value for element in app.markdown)
    next(button for button in app.button if button.label == "Next page").click().run()
    assert any(f"Page {cited.page + 1} of {pages}<" in element.value for element in app.markdown)
    assert app.get("image")[0].proto.imgs[0].caption == f"Page {cited.page + 1} (the passage is on page {cited.page})"
    next(button for button in app.button if button.label == "Previous page").click().run()
    next(button for button in app.button if button.label == "Previous page").click().run()
    assert any(f"Page {cited.page - 1} of {pages}<" in element.value for element in app.markdown)
    next(toggle for toggle in app.toggle if toggle.label == "Zoom in on the page").set_value(True).run()
    assert 'class="zoomed"' in page_html(app) and 'alt="Page' in page_html(app)  # twice the size, still described
    assert 'class="whole"' not in page_html(app)  # the whole text only when asked for
    app.toggle(key="whole_text").set_value(True).run()
    whole = next(element.value for element in app.markdown if 'class="whole"' in element.value)
    assert whole.count("<br>") > 50 and inert(cited.text[:40]) in whole  # the report's whole text, as text


def test_library_page_lists_documents_and_failures(tmp_path, corpus_index, monkeypatch):
    app = open_page(monkeypatch, corpus_index.index, "library")
    assert [metric.value for metric in app.metric][:2] == ["2", str(len(Index.load(corpus_index.index)))]
    assert app.dataframe and len(app.dataframe[0].value) == 2


def test_an_upload_is_ingested_in_a_process_of_its_own_and_a_rejected_file_is_not_kept(tmp_path, corpus_index,
                                                                                        monkeypatch):
    shutil.copytree(corpus_index.index, tmp_path / "index")
    monkeypatch.setenv("OFSTED_UPLOADS", str(tmp_path / "uploads"))

    def in_this_process(*args, **kwargs):
        raise AssertionError("the page server ingested the upload itself, under the visitors' shared model")

    monkeypatch.setattr("ingest.pipeline.ingest", in_this_process)
    monkeypatch.setenv("OFSTED_OFFICER_PASSWORD", "officer secret")
    app = open_page(monkeypatch, tmp_path / "index", "library")
    app.text_input(key="officer_password").set_value("officer secret").run()
    app.file_uploader[0].set_value([
        ("care leavers.txt", b"1. Care leavers in Upton are supported well by their personal advisers.\n", "text/plain"),
        ("broken.pdf", b"<!doctype html><html>Sign in</html>", "application/pdf")]).run()
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert [status.label for status in app.status] == ["Added 1 report(s); the index now holds 3 documents"]
    assert [html.unescape(error.value) for error in app.error] == [  # shown as text, never as markup
        "broken.pdf: not a PDF: the file holds a web page (an error page saved in its place?); download the report again"]
    assert sorted(path.name for path in (tmp_path / "uploads").iterdir()) == ["care-leavers.txt"]
    assert app.metric[0].value == "3"  # the totals drawn again
    assert len(Index.load(tmp_path / "index").documents()) == 3


def test_an_officer_removes_a_report_and_every_total_leaves_it_out(tmp_path, corpus_index, monkeypatch):
    shutil.copytree(corpus_index.index, tmp_path / "index")
    monkeypatch.setenv("OFSTED_OFFICER_PASSWORD", "officer secret")
    app = open_page(monkeypatch, tmp_path / "index", "library")
    assert "remove_pick" not in [box.key for box in app.selectbox]  # a visitor sees no way to remove anything
    app.text_input(key="officer_password").set_value("officer secret").run()
    remove_button = next(button for button in app.button if button.label == "Remove from the library")
    assert remove_button.disabled  # nothing chosen, nothing confirmed
    doc = next(doc for doc in Index.load(tmp_path / "index").documents() if doc.description.kind == "committee_report")
    app.selectbox(key="remove_pick").set_value(doc).run()
    app.checkbox(key="remove_sure").check().run()
    next(button for button in app.button if button.label == "Remove from the library").click().run()
    assert not app.exception and not app.error, (app.exception, app.error)
    assert [success.value for success in app.success][0].startswith("Removed Leicestershire")
    assert app.metric[0].value == "1" and len(app.dataframe[0].value) == 1
    assert doc.path not in Index.load(tmp_path / "index").manifest.documents
    assert app.selectbox(key="remove_pick").value is None and not app.checkbox(key="remove_sure").value


def test_a_follow_up_question_keeps_the_council_it_leaves_out(shared_index, monkeypatch):
    app = open_page(monkeypatch, shared_index.index, "ask", q="how did rutland do last time")
    assert "<td>Rutland</td>" in page_html(app)
    app.text_input(key="question").set_value("and nottinghamshire?").run()
    assert not app.exception, app.exception
    shown = page_html(app)
    assert "<td>Nottinghamshire</td>" in shown and "<td>Rutland</td>" not in shown
    assert any("following on from your last question" in caption.value for caption in app.caption)
    assert app.query_params["q"] == "how did nottinghamshire do last time"  # the link asks the whole question
    alone = next(button for button in app.button if "on its own" in button.label)
    alone.click().run()
    assert not any("following on" in caption.value for caption in app.caption)


def test_we_means_my_council(shared_index, monkeypatch):
    app = open_page(monkeypatch, shared_index.index, "ask", q="how did we do last time?", home="Rutland")
    assert "<td>Rutland</td>" in page_html(app)
    assert any("about your council, Rutland" in caption.value for caption in app.caption)


def test_only_an_officer_can_add_reports(corpus_index, monkeypatch):
    monkeypatch.delenv("OFSTED_OFFICER_PASSWORD", raising=False)
    app = open_page(monkeypatch, corpus_index.index, "library")
    assert not app.file_uploader and any("switched off" in caption.value for caption in app.caption)
    monkeypatch.setenv("OFSTED_OFFICER_PASSWORD", "officer secret")
    app = open_page(monkeypatch, corpus_index.index, "library")
    assert not app.file_uploader
    app.text_input(key="officer_password").set_value("a guess").run()
    assert not app.file_uploader and [error.value for error in app.error] == ["That is not the officer password."]
    app.text_input(key="officer_password").set_value("officer secret").run()
    assert app.file_uploader and not app.error
    app.switch_page("screens/ask.py").run()
    app.switch_page("screens/library.py").run()
    assert app.file_uploader  # signed in for the rest of the visit


def test_with_sign_in_configured_a_visitor_is_asked_to_sign_in(corpus_index, monkeypatch):
    monkeypatch.setenv("OFSTED_OFFICER_PASSWORD", "officer secret")  # sign-in, when configured, is what counts
    monkeypatch.setenv("OFSTED_INDEX", str(corpus_index.index))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(APP, default_timeout=240)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                           "client_id": "id", "client_secret": "secret",
                           "server_metadata_url": "https://login.example/.well-known/openid-configuration"}
    app.run()
    app.switch_page("screens/library.py").run()
    assert not app.exception and not app.file_uploader
    assert [button.label for button in app.button] == ["Sign in"] and not app.text_input
    # Signed in through the provider (what st.login leaves behind: a logged-in user), the officer adds and removes.
    import streamlit

    monkeypatch.setattr(streamlit, "user", SimpleNamespace(is_logged_in=True, email="officer@council.example"))
    app.run()
    assert not app.exception and app.file_uploader and "Sign in" not in [button.label for button in app.button]
    assert "Remove from the library" in [button.label for button in app.button]



def test_the_accessibility_statement_names_who_runs_the_service_and_whom_to_contact(corpus_index, monkeypatch):
    """GOV.UK's model statement: its sections, the known problems, and the operator and contact from the settings."""
    monkeypatch.setenv("OFSTED_OPERATOR", "Rutland County Council")
    monkeypatch.setenv("OFSTED_CONTACT", "accessibility@rutland.gov.uk")
    app = open_page(monkeypatch, corpus_index.index, "accessibility")
    text = next(element.value for element in app.markdown if "Accessibility statement" in element.value)
    for heading in ("# Accessibility statement for Ask the Ofsted reports", "## How accessible this service is",
                    "## Feedback and contact information", "## Enforcement procedure", "### Compliance status",
                    "### Non-accessible content", "## Preparation of this accessibility statement"):
        assert heading in text
    assert "This service is run by Rutland County Council." in text
    assert "Rutland County Council is committed" in text and "contact accessibility@rutland.gov.uk." in text
    assert "partially compliant with the [Web Content Accessibility Guidelines version 2.2]" in text
    assert "{" not in text  # every placeholder filled


def test_we_means_the_only_council_when_the_reports_are_one_councils(corpus_index, monkeypatch):
    # the bundled corpus is Leicestershire's: "how did we do last time?" was about no council and told "not found"
    app = open_page(monkeypatch, corpus_index.index, "ask", q="how did we do last time?")
    assert any("about your council, Leicestershire" in caption.value for caption in app.caption)
    assert "<td>Leicestershire</td>" in page_html(app) and "Outstanding" in page_html(app)
    assert app.query_params["home"] == "Leicestershire"
