"""Reading the plain-text seeds: paragraphs, numbers, headings, tables and offsets."""

from pathlib import Path

from conftest import CORPUS
from ingest.chunk import ChunkSettings, chunk_document, states_something
from ingest.document import HEADING, TABLE
from ingest.read import read_document

COMMITTEE = CORPUS / "leicestershire-2024-09-03-scrutiny-committee-ofsted-ilacs.txt"
SIF = CORPUS / "leicestershire-2017-02-13-ofsted-sif-inspection.txt"


def test_offsets_round_trip_for_every_chunk():
    for path in (COMMITTEE, SIF):
        document = read_document(path)
        chunks = chunk_document(document)
        assert chunks
        assert all(document.text[chunk.start:chunk.end] == chunk.text for chunk in chunks)


def test_numbered_paragraphs_keep_their_numbers_and_sections():
    chunks = chunk_document(read_document(COMMITTEE))
    by_number = {chunk.paragraph: chunk for chunk in chunks if chunk.paragraph}
    assert set(map(str, range(1, 21))) <= set(by_number)
    assert by_number["15"].text.startswith("Personal advisers (PAs) are tenacious")
    assert by_number["15"].section == "Leicestershire’s Strengths"
    assert not by_number["15"].text.startswith("15.")


def test_paragraph_split_by_a_blank_line_is_rejoined():
    by_number = {c.paragraph: c for c in chunk_document(read_document(COMMITTEE)) if c.paragraph}
    assert by_number["6"].text.endswith("children and young people in Leicestershire.")


def test_judgement_table_is_one_chunk_with_rows_intact():
    chunks = chunk_document(read_document(COMMITTEE))
    tables = [chunk for chunk in chunks if "Judgement | Grade" in chunk.text]
    assert len(tables) == 1
    rows = [line for line in tables[0].text.splitlines() if " | " in line]
    assert "The experiences and progress of care leavers | Outstanding" in rows
    assert len(rows) == 5
    # with the line that introduces it, which is not a passage of its own
    assert tables[0].text.startswith("Leicestershire has been graded as follows:")
    assert "Leicestershire has been graded as follows:" not in {chunk.text.strip() for chunk in chunks}


def test_topic_headings_are_never_chunks_on_their_own():
    document = read_document(SIF)
    headings = {span.block.text for span in document.spans if span.block.kind == HEADING}
    assert "Executive summary" in headings
    as_chunks = {chunk.text for chunk in chunk_document(document)} & headings
    assert "Executive summary" not in as_chunks  # a topic labels its passages and is never one
    assert as_chunks and all(states_something(text) for text in as_chunks)  # "Inspection date: ..." says something


def test_list_items_stay_with_their_lead_in():
    chunks = chunk_document(read_document(COMMITTEE))
    lead = next(chunk for chunk in chunks if chunk.paragraph == "20")
    assert "• Monitoring of pre-proceedings" in lead.text


def test_long_paragraphs_are_split_at_sentence_ends():
    document = read_document(SIF)
    chunks = chunk_document(document, ChunkSettings(max_chars=300))
    assert max(len(chunk.text) for chunk in chunks if chunk.text.count("|") == 0) <= 450
    block_ends = {span.end for span in document.spans}
    cuts = [chunk for chunk in chunks if chunk.end not in block_ends and "|" not in chunk.text]
    assert cuts and all(chunk.text.rstrip()[-1] in ".:;)" for chunk in cuts)
    assert all(document.text[chunk.start:chunk.end] == chunk.text for chunk in chunks)


def test_windows_1252_text_is_read(tmp_path: Path):
    path = tmp_path / "minutes.txt"
    path.write_bytes("1. The committee noted the council’s “good” grade – café.\n".encode("cp1252"))
    document = read_document(path)
    assert "council’s “good” grade – café" in document.text


def test_sif_seed_table_is_a_table_block():
    document = read_document(SIF)
    tables = [span.block for span in document.spans if span.block.kind == TABLE]
    assert tables and "2.2 Experiences and progress of care leavers | Requires improvement" in tables[0].text
