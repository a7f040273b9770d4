"""The logic behind the workspace pages: briefings, passage boxes on PDF pages, uploads, council history, comparison."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from docx import Document as WordDocument
from PIL import Image

from ingest.errors import ReadError
from ingest.store import Index
from search.compare import compare
from search.councils import history
from search.library import contents, save_upload
from search.viewer import by_key, key_of, page_image, passage
from views.briefing import as_docx, as_markdown, from_result, grades_csv


def test_a_word_briefing_has_headings_grades_quotes_and_citations(corpus_searcher):
    result = corpus_searcher.ask("How were Leicestershire's services graded in 2024?")
    briefing = replace(from_result(result, "http://localhost:8501/?q=graded"), prepared="2026-11-30",
                       held="2 indexed documents (index built 2026-11-29 08:00:00)")
    document = WordDocument(io.BytesIO(as_docx(briefing)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [f"Briefing: {result.question}", "Grades", "Answer"]
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells][:5] == ["Council", "Inspected", "Framework", "Area", "Grade"]
    assert [cell.text for cell in table.rows[1].cells][3:5] == ["overall effectiveness", "outstanding"]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes == [f"“{quote.text}”" for quote in result.answer.quotes]
    citations = [p.text for p in document.paragraphs if p.text.startswith("— ")]
    assert len(citations) == len(quotes) and all("Leicestershire" in line for line in citations)
    by_rank = {hit.rank: hit.document for hit in result.hits}
    kinds = ["council paper" if by_rank[quote.passages[0]].description.kind == "committee_report" else "Ofsted"
             for quote in result.answer.quotes]
    assert "council paper" in kinds  # the 2024 grades are quoted from the council paper presenting them, and say so
    assert all(f"({kind}" in line for kind, line in zip(kinds, citations, strict=True))
    assert any("http://localhost:8501/?q=graded" in p.text for p in document.paragraphs)
    link = next(p for p in document.paragraphs if p.text.startswith("View online: "))
    assert [item.url for item in link.hyperlinks] == ["http://localhost:8501/?q=graded"]  # a live link
    said = "Prepared on 30 November 2026 from 2 indexed documents (index built 2026-11-29 08:00:00)."
    assert document.paragraphs[1].text == said
    properties = document.core_properties
    assert (properties.title, properties.subject, properties.author) == (briefing.title, result.question,
                                                                         "Ask the Ofsted reports")
    assert properties.created.date().isoformat() == "2026-11-30" and properties.comments == said
    assert as_markdown(briefing).splitlines()[2] == f"*{said}*"


def test_a_control_character_in_a_report_is_a_space_and_the_word_briefing_still_builds(tmp_path):
    from conftest import FakeEmbedder, fake_settings
    from ingest.pipeline import ingest
    from search.retrieve import open_searcher

    report = tmp_path / "reports" / "letter.txt"
    report.parent.mkdir()
    report.write_text("Focused visit letter\n\n1. Care leavers\x1b are supported\x07 well by their personal advisers.\n\n"
                      + "".join(f"{n}. Social workers visit children in care often and know them well.\n\n" for n in range(2, 6)))
    settings = fake_settings(tmp_path)
    ingest([report.parent], settings, embedder_factory=lambda name: FakeEmbedder())
    searcher = open_searcher(settings, embedder=FakeEmbedder())
    text = searcher.index.document_text(searcher.index.documents()[0].id)
    assert "Care leavers  are supported  well" in text
    result = searcher.ask("care leavers supported by personal advisers")
    assert WordDocument(io.BytesIO(as_docx(from_result(result, "http://localhost:8501/")))).paragraphs


def test_markdown_briefing_and_csv_hold_the_same_content(corpus_searcher):
    result = corpus_searcher.ask("How were Leicestershire's services graded in 2024?")
    text = as_markdown(from_result(result, "http://x/"))
    assert text.startswith("# Briefing: ") and "## Grades" in text and "| Leicestershire |" in text
    assert all(f"> “{quote.text}”" in text for quote in result.answer.quotes)
    csv_text = grades_csv(result.grades)
    assert csv_text.splitlines()[0].startswith("authority,inspection_start")
    assert len(csv_text.splitlines()) == len(result.grades) + 1


def test_a_not_found_answer_makes_a_briefing_that_says_so(corpus_searcher):
    result = corpus_searcher.ask("What is the price of school dinners in Paris?")
    assert result.answer.no_answer
    assert "do not seem to answer" in as_markdown(from_result(result, "http://x/"))


def test_every_pdf_passage_box_holds_its_own_words(shared_index):
    """The box kept at ingest really surrounds the passage: the words printed inside it are the passage's."""
    index = Index.load(shared_index.index)
    doc = next(doc for doc in index.documents() if doc.file == "nottinghamshire-2019-12-19-ofsted-inspection.pdf")
    chunks = [item.chunk for item in index.document_chunks(doc.id)]
    assert all(chunk.box for chunk in chunks if chunk.page)
    with pdfplumber.open(doc.path) as pdf:
        for chunk in chunks[5:40:5]:
            page = pdf.pages[chunk.page - 1]
            left, top, right, bottom = chunk.box
            inside = page.crop((left * page.width, top * page.height, right * page.width, bottom * page.height))
            printed = " ".join((inside.extract_text() or "").split())
            first_words = " ".join(chunk.text.replace("|", " ").split()[:3])
            assert first_words.split()[0] in printed, (chunk.text[:80], printed[:200])


def test_the_page_image_shades_the_passage_box(shared_index):
    index = Index.load(shared_index.index)
    doc = next(doc for doc in index.documents() if doc.file == "rutland-2024-07-12-ofsted-inspection.pdf")
    chunk = next(item.chunk for item in index.document_chunks(doc.id) if item.chunk.page == 3)
    shaded = np.asarray(Image.open(io.BytesIO(page_image(Path(doc.path), 3, chunk.box))).convert("RGB"), dtype=int)
    plain = np.asarray(Image.open(io.BytesIO(page_image(Path(doc.path), 3, None))).convert("RGB"), dtype=int)
    height, width, _ = shaded.shape
    left, top, right, bottom = chunk.box
    y, x = int((top + bottom) / 2 * height), int((left + right) / 2 * width)
    changed = np.abs(shaded - plain).sum(axis=2) > 30
    assert changed[int(top * height):int(bottom * height), int(left * width):int(right * width)].mean() > 0.5
    assert changed.mean() < 0.3  # only the box, not the page
    assert shaded[y, x, 2] <= plain[y, x, 2]  # yellow shading takes blue away


def test_links_find_documents_and_passages_by_stable_keys(corpus_index):
    index = Index.load(corpus_index.index)
    doc = index.documents()[0]
    assert by_key(index, key_of(doc)) == doc and by_key(index, "") is None
    chunks = index.document_chunks(doc.id)
    found = passage(index, doc, chunks[7].chunk.start + 5)
    assert found is not None and found.cited.id == chunks[7].id
    assert [item.id for item in found.before] == [chunks[5].id, chunks[6].id]
    assert [item.id for item in found.after] == [chunks[8].id, chunks[9].id]


def test_uploads_are_saved_safely_or_refused_with_the_file_named(tmp_path):
    first = save_upload(tmp_path, "../../etc/report one.pdf", b"%PDF-1 one", 1)
    assert first.parent == tmp_path and first.name == "report-one.pdf"
    assert save_upload(tmp_path, "report one.pdf", b"%PDF-1 one", 1) == first  # the same file again
    second = save_upload(tmp_path, "report one.pdf", b"%PDF-1 two", 1)
    assert second.name == "report-one-2.pdf" and first.read_bytes() == b"%PDF-1 one"
    with pytest.raises(ReadError, match="empty.pdf: the uploaded file is empty"):
        save_upload(tmp_path, "empty.pdf", b"", 1)
    with pytest.raises(ReadError, match="big.pdf: the file is 2 MB, over the 1 MB limit"):
        save_upload(tmp_path, "big.pdf", b"x" * 2_000_000, 1)


def test_the_library_lists_each_document_with_its_passages(corpus_index):
    library = contents(Index.load(corpus_index.index))
    assert library.documents == 2 and library.councils == 1
    assert sum(row["passages"] for row in library.rows) == library.passages
    assert all(row["ingested"] and row["council"] == "Leicestershire" for row in library.rows)


def test_a_council_history_is_in_time_order_with_grades_and_follow_ups(shared_index):
    index = Index.load(shared_index.index)
    events = history(index, "Nottinghamshire")
    dates = [event.date for event in events]
    assert dates == sorted(dates) and len(events) >= 5
    graded = [event for event in events if event.grades]
    assert [event.document.file for event in graded][:2] == ["nottinghamshire-2015-07-20-ofsted-inspection.pdf",
                                                             "nottinghamshire-2019-12-19-ofsted-inspection.pdf"]
    followed = [event for event in events if event.improvements and event.next_document]
    assert followed
    for event in followed:
        assert all(f.later is not None and f.later.document == event.next_document for f in event.improvements)


def test_follow_ups_go_to_the_next_inspection_or_visit_never_a_restatement_of_the_same_one(shared_index):
    events = {event.document.file: event for event in history(Index.load(shared_index.index), "Leicestershire")}
    sif = events["leicestershire-2017-02-13-ofsted-inspection.pdf"]
    assert sif.improvements and sif.next_document is not None
    assert sif.next_document.file not in ("leicestershire-2017-02-13-ofsted-sif-inspection.txt",)
    assert sif.next_document.description.held > sif.document.description.held
    assert sif.next_document.description.kind != "committee_report"
    latest = events["leicestershire-2024-07-12-ofsted-inspection.pdf"]
    assert latest.next_document is None  # the council paper presenting it is not a next inspection
    assert all(follow.later is None for follow in latest.improvements)


def test_a_comparison_splits_a_combined_judgement_to_meet_the_later_framework(shared_searcher):
    index = shared_searcher.index
    by_file = {doc.file: doc for doc in index.documents()}
    comparison = compare(shared_searcher, by_file["derbyshire-2024-01-12-ofsted-inspection.pdf"],
                         by_file["derbyshire-2019-09-19-ofsted-inspection.pdf"])
    assert comparison.left.file.startswith("derbyshire-2019")  # the older on the left
    areas = {area.area: area for area in comparison.areas}
    assert "children_in_care_and_care_leavers" not in areas
    assert areas["care_leavers"].left.grade.grade == "requires improvement"  # the 2019 combined judgement
    assert areas["care_leavers"].right.grade.grade == "good"
    assert areas["overall"].change == "improved"
    for area in comparison.areas:
        for side, doc in ((area.left, comparison.left), (area.right, comparison.right)):
            assert all(hit.document == doc and text in hit.chunk.text for text, hit in side.quotes)
