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
