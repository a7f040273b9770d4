"""More formats: Word files keep heading styles as sections, web pages lose their boilerplate."""

import docx
import pytest

from ingest.chunk import chunk_document
from ingest.errors import ReadError
from ingest.read import read_document


def test_docx_headings_become_sections_and_tables_stay_whole(tmp_path):
    document = docx.Document()
    document.add_heading("Care leavers", level=2)
    document.add_paragraph("12. Personal advisers keep in touch with care leavers and help them into work.")
    document.add_paragraph("Most care leavers live in suitable accommodation.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip([c for row in table.rows for c in row.cells], ["Judgement", "Grade", "Overall effectiveness", "Good"]):
        cell.text = text
    path = tmp_path / "minutes.docx"
    document.save(path)
    chunks = chunk_document(read_document(path))
    assert chunks[0].section == "Care leavers" and chunks[0].paragraph == "12"
    assert chunks[0].text.startswith("Personal advisers keep in touch")
    assert any(chunk.text == "Judgement | Grade\nOverall effectiveness | Good" for chunk in chunks)


def test_html_boilerplate_is_removed(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Cabinet</title><script>var tracking = 1;</script></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/bins'>Bin collections</a></nav>"
        "<article><h1>Ofsted inspection outcome</h1>"
        "<p>1. The council was judged good overall by Ofsted in its 2024 inspection of children's services.</p>"
        "<p>2. Care leavers are well supported by personal advisers who know them well and stay in touch.</p>"
        "</article><footer>Accept cookies? Privacy policy</footer></body></html>"
    )
    document = read_document(path)
    assert "judged good overall by Ofsted" in document.text and "Care leavers are well supported" in document.text
    assert "cookies" not in document.text.lower() and "tracking" not in document.text
    assert [chunk.paragraph for chunk in chunk_document(document)] == ["1", "2"]


def test_a_broken_docx_is_named(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError, match="broken.docx"):
        read_document(path)


def chunk_texts(path) -> list[str]:
    return [chunk.text for chunk in chunk_document(read_document(path))]


def test_no_line_of_a_text_file_is_lost_as_a_heading(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(
        "Care leavers\n\n"
        "1. Personal advisers stay in touch with care leavers.\n\n"
        "Care leavers told inspectors that their personal advisers helped them find work and somewhere to live\n\n"
        "Inspection dates: 7 October 2019 to 18 October 2019\n\n"
        "Help and protection\n\n"
        "Early help\n"
    )
    texts = "\n".join(chunk_texts(path))
    assert "helped them find work and somewhere to live" in texts
    assert "Inspection dates: 7 October 2019 to 18 October 2019" in texts
    assert "Early help" in texts  # a last line introduces nothing, so it is text
    sections = {chunk.section for chunk in chunk_document(read_document(path))}
    assert "Care leavers" in sections


def test_markdown_headings_are_only_the_marked_ones(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Findings\n\nChildren are seen quickly\n\n## Care leavers\n\n| Area | Grade |\n|---|---|\n| Care leavers | Good |\n")
    chunks = chunk_document(read_document(path))
    assert [chunk.text for chunk in chunks] == ["Children are seen quickly", "Area | Grade\nCare leavers | Good"]
    assert [chunk.section for chunk in chunks] == ["Findings", "Care leavers"]


def test_every_content_line_of_a_web_page_is_kept(tmp_path):
    path = tmp_path / "outcome.html"
    path.write_text(
        "<html><body><header class='site-header'><a href='/'>Council home</a></header>"
        "<nav><ul><li><a href='/bins'>Bins</a></li></ul></nav><main><article>"
        "<h1>Ofsted inspection of children's services</h1>"
        "<p class='meta'>Summary data last updated: 3 March 2025</p>"
        "<p>The council's children's services were inspected in May 2024.</p>"
        "<table><tr><th>Judgement</th><th>Grade</th></tr><tr><td>Overall effectiveness</td><td>Good</td></tr>"
        "<tr><td>Care leavers</td><td>Requires improvement to be good</td></tr></table>"
        "<p>Care leavers said their personal advisers stayed in touch</p>"
        "<div class='cookie-banner'>We use cookies</div></article></main>"
        "<footer>Privacy policy</footer></body></html>"
    )
    texts = chunk_texts(path)
    joined = "\n".join(texts)
    assert "Summary data last updated: 3 March 2025" in joined
    assert "Overall effectiveness | Good" in joined and "Care leavers | Requires improvement to be good" in joined
    assert "Care leavers said their personal advisers stayed in touch" in joined
    assert len(texts) == 4
    assert not any(word in joined for word in ("cookies", "Bins", "Privacy", "Council home"))


def test_page_furniture_goes_by_whole_class_tokens_never_by_substring(tmp_path):
    path = tmp_path / "outcome.html"
    path.write_text(
        "<html><body><main>"
        "<section id='childrens-social-care'><h2>Children's social care</h2>"
        "<p>Care leavers said their personal advisers stayed in touch.</p></section>"
        "<div class='feedback-from-children'><p>Children told inspectors they felt listened to.</p></div>"
        "<div class='govuk-breadcrumbs'><a href='/'>Home</a> Services</div>"
        "<ul class='gem-c-share-links'><li>Share on Facebook</li></ul>"
        "<div class='page-menu'>Menu item</div>"
        "</main></body></html>"
    )
    joined = "\n".join(chunk_texts(path))
    assert "Care leavers said their personal advisers stayed in touch." in joined
    assert "Children told inspectors they felt listened to." in joined
    assert not any(word in joined for word in ("Home", "Facebook", "Menu item"))


@pytest.mark.parametrize("name, statement", [
    ("nottinghamshire-2019-12-19-ofsted-inspection.pdf",
     "The experiences and progress of children who need help and protection: requires improvement to be good"),
    ("leicester-2015-03-20-ofsted-inspection.pdf", "The overall judgement is that children’s services are inadequate"),
    ("nottinghamshire-2024-07-12-ofsted-inspection.pdf", "Inspection dates: 20 to 24 May 2024"),
])
def test_headings_that_state_something_are_searchable_text(shared_reports, name, statement):
    assert any(statement in text for text in chunk_texts(shared_reports / name))
