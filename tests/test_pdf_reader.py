"""Reading real Ofsted PDFs: numbered paragraphs, running headers, tables, bullets, page breaks."""

import re

import pytest
from pdfplumber.utils.exceptions import PdfminerException

from conftest import SHARED_SAMPLE
from ingest.chunk import chunk_document
from ingest.document import ITEM
from ingest.errors import ReadError
from ingest.read import read_document
from ingest.readers import failure_reason


@pytest.fixture(scope="module")
def leicestershire_2024(shared_reports):
    return read_document(shared_reports / "leicestershire-2024-07-12-ofsted-inspection.pdf")


@pytest.fixture(scope="module")
def rutland_2017(shared_reports):
    return read_document(shared_reports / "rutland-2017-02-13-ofsted-inspection.pdf")


def test_numbered_paragraphs_come_out_in_order(leicestershire_2024):
    numbers = [int(c.paragraph) for c in chunk_document(leicestershire_2024) if c.paragraph]
    distinct = sorted(set(numbers))
    assert distinct == list(range(1, distinct[-1] + 1))
    assert distinct[-1] >= 50


def test_no_running_header_footer_or_page_number_inside_paragraphs(leicestershire_2024):
    for chunk in chunk_document(leicestershire_2024):
        assert "Inspection of Leicestershire local authority children’s services" not in chunk.text
        assert "22 April to 3 May 2024" not in chunk.text or chunk.paragraph is None
        assert not re.search(r"\s\d{1,2}\s*$", chunk.text), chunk.text[-40:]


def test_paragraph_running_across_a_page_is_one_chunk(leicestershire_2024):
    five = next(c for c in chunk_document(leicestershire_2024) if c.paragraph == "5")
    assert five.page == 2
    assert "decision-making is evident on all contacts and at different stages of the referral process." in five.text
    assert five.text.endswith("the right service at the right time.")


def test_judgement_table_is_one_chunk_with_its_rows(leicestershire_2024):
    tables = [c for c in chunk_document(leicestershire_2024) if c.text.startswith("Judgement | Grade")]
    assert len(tables) == 1
    rows = tables[0].text.splitlines()
    assert "The experiences and progress of children who need help and protection | Good" in rows
    assert "Overall effectiveness | Outstanding" in rows


def test_bullets_are_list_items_without_their_glyph(leicestershire_2024):
    items = [span.block.text for span in leicestershire_2024.spans if span.block.kind == ITEM]
    assert "Timeliness of initial child protection conferences." in items
    assert not any(item[:1] in "◼•" for item in items)


def test_hyphenated_compounds_keep_their_hyphen(leicestershire_2024):
    assert "child-focused senior leadership team" in leicestershire_2024.text
    assert "child- focused" not in leicestershire_2024.text


def test_sif_footnotes_and_contents_page_are_left_out(rutland_2017):
    texts = [c.text for c in chunk_document(rutland_2017)]
    assert not any(t.startswith("Ofsted produces this report under its power") for t in texts)
    assert not any("Executive summary 2" in t for t in texts)


def test_a_contents_page_whose_entries_are_set_as_headings_is_left_out(shared_reports):
    # Leicester's 2015 SIF report sets the contents' section names as headings ("The Local Authority 3"): the entries
    # under each were passages of their own ("Summary of findings 3 ..."), quoted as findings
    chunks = chunk_document(read_document(shared_reports / "leicester-2015-03-20-ofsted-inspection.pdf"))
    assert not any(chunk.text.startswith("Summary of findings 3") or "Summary of findings 41" in chunk.text
                   for chunk in chunks)
    assert not any(re.search(r"\s\d{1,2}$", chunk.section or "") for chunk in chunks)
    assert any(chunk.text.startswith("Children’s services in Leicester City are inadequate") for chunk in chunks)


def test_sif_numbered_paragraph_spanning_pages(rutland_2017):
    chunk = next(c for c in chunk_document(rutland_2017) if c.paragraph == "23")
    assert chunk.text.endswith("held appropriately within 15 working days.")


def test_every_shared_report_reads_with_round_trip_offsets(shared_reports):
    for path in sorted(shared_reports.glob("*.pdf")):
        document = read_document(path)
        chunks = chunk_document(document)
        assert len(chunks) >= 15, path.name
        assert all(document.text[c.start:c.end] == c.text for c in chunks), path.name


def test_a_corrupt_pdf_is_refused_with_the_file_named(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n" + bytes(range(256)) * 4)
    with pytest.raises(ReadError, match="broken.pdf"):
        read_document(path)


def test_an_address_block_printed_twice_reads_once_and_legibly(shared_reports):
    text = read_document(shared_reports / "leicestershire-2022-03-02-ofsted-focused-visit.pdf").text
    opening = text[:text.index("Dear Ms Moore")]
    assert "Director of Children’s Services Room 115, County Hall Glenfield Leicestershire LE3 8RF" in opening
    assert opening.count("Director of") == 1 and "JDairneec" not in text


@pytest.mark.parametrize("raised", [MemoryError(), PdfminerException(MemoryError())])
def test_running_out_of_memory_is_not_called_a_damaged_pdf(tmp_path, monkeypatch, raised):
    # pdfplumber wraps what pdfminer raises while opening a file; either way the reader's memory limit was reached
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n")

    def out_of_memory(*args, **kwargs):
        raise raised

    monkeypatch.setattr("ingest.pdf.pdfplumber.open", out_of_memory)
    with pytest.raises(MemoryError) as caught:
        read_document(path)
    assert "OFSTED_READ_MB" in failure_reason(caught.value)


def test_a_lead_in_and_sub_headings_open_the_passage_they_introduce(shared_reports):
    # SIF reports (2013-2017) set "... are inadequate because:" as a heading and "Leadership and management" as text
    chunks = chunk_document(read_document(shared_reports / "leicester-2015-03-20-ofsted-inspection.pdf"))
    texts = {chunk.text.strip() for chunk in chunks}
    lead_in = "Children’s services in Leicester City are inadequate because:"
    assert lead_in not in texts and "Leadership and management" not in texts and "Quality of practice" not in texts
    summary = next(chunk for chunk in chunks if chunk.text.startswith(lead_in))
    assert "There has been a corporate failure of leadership" in summary.text and summary.part == "summary"
    # a "label: value" line still stands alone: the facts questions read it
    assert "Inspection date: 14 January – 4 February 2015" in texts


@pytest.mark.parametrize(("name", "grade"), [("buckinghamshire-2014-08-08-ofsted-inspection.pdf", "inadequate."),
                                             ("north-yorkshire-2014-06-30-ofsted-inspection.pdf", "good.")])
def test_a_grade_set_in_bold_on_the_next_line_ends_its_sentence_not_a_heading(name, grade):
    # a SIF report's cover prints "The effectiveness of the Local Safeguarding Children Board (LSCB) is" and, in bold
    # on the next line, its grade: read as a heading, the quoted sentence stopped at "is" and the grade named the
    # section of what followed
    path = SHARED_SAMPLE / name
    if not path.is_file():
        pytest.skip("../shared/national-sample is not beside this checkout")
    chunks = chunk_document(read_document(path))
    stated = f"The effectiveness of the Local Safeguarding Children Board (LSCB) is {grade}"
    assert any(stated in " ".join(chunk.text.split()) for chunk in chunks)
    assert not any(chunk.section == grade for chunk in chunks)
