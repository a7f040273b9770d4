"""Bad input: each bad file gets one line naming it, the rest go in, and the old index survives."""

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

from conftest import CORPUS, ROOT, FakeEmbedder, fake_settings
from ingest.pipeline import ingest
from ingest.store import Index
from search.retrieve import open_searcher

GOOD = CORPUS / "leicestershire-2024-09-03-scrutiny-committee-ofsted-ilacs.txt"


def fake(name):
    return FakeEmbedder()


def blank_pdf(pages: int, password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf_with_text() -> bytes:
    reader = pypdf.PdfReader(io.BytesIO(blank_pdf(1)))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CASES = {
    "empty.txt": (b"", "empty"),
    "empty.pdf": (b"", "empty"),
    "zero-pages.pdf": (blank_pdf(0), "no pages"),
    "corrupt.pdf": (b"%PDF-1.7\n" + os.urandom(3000), "not a readable PDF"),
    "random.pdf": (b"\x00" + os.urandom(5000), "not a PDF: the file does not begin as a PDF does"),
    "error-page.pdf": (b"<!DOCTYPE html>\n<html><body>Page not found</body></html>", "not a PDF: the file holds a web page"),
    "random.txt": (bytes(range(256)) * 20, "not text"),
    "scanned.pdf": (blank_pdf(2), "OCR"),
    "locked.pdf": (encrypted_pdf_with_text(), "password"),
}


@pytest.fixture
def good_index(tmp_path):
    settings = fake_settings(tmp_path)
    ingest([GOOD], settings, embedder_factory=fake)
    return settings


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_file_is_named_and_the_index_survives(tmp_path, good_index, name):
    data, reason = CASES[name]
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / name).write_bytes(data)
    (folder / "good.txt").write_text("1. Care leavers are supported well by their personal advisers.\n")
    summary = ingest([GOOD, folder], good_index, embedder_factory=fake)
    assert [failure.path.endswith(name) for failure in summary.failures] == [True]
    assert reason.lower() in summary.failures[0].reason.lower()
    index = Index.load(good_index.index)
    assert sorted(doc.file for doc in index.documents()) == sorted([GOOD.name, "good.txt"])
    assert open_searcher(good_index, FakeEmbedder()).search("care leavers", k=2)


def test_a_truncated_real_pdf_is_refused(tmp_path, good_index, shared_reports):
    data = (shared_reports / "rutland-2024-07-12-ofsted-inspection.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    summary = ingest([path], good_index, embedder_factory=fake)
    assert summary.failures and summary.failures[0].path.endswith("truncated.pdf")
    assert len(Index.load(good_index.index).documents()) == 1


def test_a_file_over_the_size_limit_is_refused(tmp_path, good_index):
    from dataclasses import replace

    big = tmp_path / "big.txt"
    big.write_text("1. A paragraph about care leavers.\n" * 40000)
    summary = ingest([big], replace(good_index, max_file_mb=0.5), embedder_factory=fake)
    assert "limit" in summary.failures[0].reason and "OFSTED_MAX_FILE_MB" in summary.failures[0].reason


def test_a_missing_path_is_named(tmp_path, good_index):
    summary = ingest([tmp_path / "nowhere.pdf"], good_index, embedder_factory=fake)
    assert summary.failures[0].path.endswith("nowhere.pdf") and "no such file" in summary.failures[0].reason
    assert len(Index.load(good_index.index).documents()) == 1


def test_other_file_types_are_skipped_not_failed(tmp_path, good_index):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "notes.txt").write_text("1. Supervision of social workers is regular.\n")
    summary = ingest([folder], good_index, embedder_factory=fake)
    assert not summary.failures and [s.endswith("photo.jpg") for s in summary.skipped] == [True]


def test_killing_an_ingest_midway_leaves_the_previous_index_loadable(tmp_path):
    index = tmp_path / "index"
    command = [sys.executable, "-m", "ingest", "--index", str(index)]
    subprocess.run([*command, str(GOOD), "--quiet"], cwd=ROOT, check=True, capture_output=True, timeout=300)
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(60):
        (folder / f"report-{number}.txt").write_text(
            "".join(f"{p}. Paragraph {p} of report {number} about care leavers and supervision.\n\n" for p in range(1, 40)))
    process = subprocess.Popen([*command, str(GOOD), str(folder)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    seen = ""
    while "embedding" not in seen and time.time() < deadline:
        seen += process.stderr.read(1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert "embedding" in seen
    assert [doc.file for doc in Index.load(index).documents()] == [GOOD.name]
    finished = subprocess.run([*command, str(GOOD), str(folder), "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert len(Index.load(index).documents()) == 61


@pytest.mark.parametrize(("limit", "said"), [
    ({"max_pages": 3}, "the PDF has 11 pages, over the 3 page limit; raise OFSTED_MAX_PAGES"),
    ({"max_chars": 1000}, "over the 1,000 limit; raise OFSTED_MAX_CHARS"),
    ({"read_seconds": 0.2}, "reading it took longer than 0.2 s, the limit (OFSTED_READ_SECONDS)"),
    ({"read_mb": 8}, "memory"),  # beyond its libraries: far under what reading a PDF takes
])
def test_a_document_past_a_reading_limit_fails_alone_and_the_lock_is_released(tmp_path, good_index, shared_reports,
                                                                               limit, said):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "report.pdf").write_bytes((shared_reports / "rutland-2024-07-12-ofsted-inspection.pdf").read_bytes())
    (folder / "good.txt").write_text("1. Care leavers are supported well by their personal advisers.\n")
    settings = replace(good_index, **limit)
    summary = ingest([GOOD, folder], settings, embedder_factory=fake)
    assert [Path(failure.path).name for failure in summary.failures] == ["report.pdf"]
    assert said in summary.failures[0].reason
    assert sorted(doc.file for doc in Index.load(good_index.index).documents()) == sorted([GOOD.name, "good.txt"])
    again = ingest([GOOD, folder], replace(settings, lock_wait=5), embedder_factory=fake)  # the lock was released
    assert [Path(failure.path).name for failure in again.failures] == ["report.pdf"]


def reference_loop_pdf() -> bytes:
    """243 bytes that send pdfminer round a loop for ever: the page tree is object 2, which is object 3, which is 2."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % table


def docx_bomb(paragraphs: int = 2_000_000) -> bytes:
    """A Word file of 0.6 MB whose text unpacks to 150 MB: one sentence repeated."""
    package = io.BytesIO()
    main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
            '+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006'
            '/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'))
        with archive.open("word/document.xml", "w") as document:
            document.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{main}"><w:body>'.encode())
            thousand = ("<w:p><w:r><w:t>Care leavers are supported well by their advisers.</w:t></w:r></w:p>"
                        * 1000).encode()
            for _ in range(paragraphs // 1000):
                document.write(thousand)
            document.write(b"</w:body></w:document>")
    return package.getvalue()


@pytest.mark.parametrize(("name", "made", "limit", "said"), [
    ("loop.pdf", reference_loop_pdf, {"read_seconds": 3}, "reading it took longer than 3 s, the limit"),
    ("bomb.docx", docx_bomb, {"read_mb": 256}, "more memory than a reader may use (OFSTED_READ_MB)"),
])
def test_a_hostile_file_is_stopped_at_its_limit_and_the_rest_go_in(tmp_path, good_index, name, made, limit, said):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / name).write_bytes(made())
    (folder / "good.txt").write_text("1. Care leavers are supported well by their personal advisers.\n")
    summary = ingest([GOOD, folder], replace(good_index, **limit), embedder_factory=fake)
    assert [(Path(failure.path).name, said in failure.reason) for failure in summary.failures] == [(name, True)]
    assert sorted(doc.file for doc in Index.load(good_index.index).documents()) == sorted([GOOD.name, "good.txt"])


def test_an_upload_that_could_not_go_in_is_not_kept(tmp_path):
    from search.library import drop_failed, save_upload

    kept = save_upload(tmp_path, "good.txt", b"1. Care leavers are supported.\n", 50)
    bad = save_upload(tmp_path, "bad.pdf", b"not a pdf", 50)
    assert drop_failed([kept, bad], [str(bad.resolve())]) == [bad]
    assert kept.exists() and not bad.exists()


def test_an_ingest_apart_passes_on_its_progress_and_its_one_line_error(tmp_path, corpus_index):
    from ingest.apart import ingest_apart
    from ingest.errors import OfstedError

    shutil.copytree(corpus_index.index, tmp_path / "index")
    (tmp_path / "care.txt").write_text("1. Care leavers in Upton are supported well by their personal advisers.\n")
    stages = []
    summary, pid = ingest_apart([tmp_path / "care.txt"], replace(corpus_index, index=tmp_path / "index"),
                                lambda stage, done, total: stages.append(stage), print)
    assert pid != os.getpid() and summary.added == (str((tmp_path / "care.txt").resolve()),)
    assert {"reading", "embedding"} <= set(stages)
    (tmp_path / "not-a-folder").write_text("x")
    with pytest.raises(OfstedError, match=r"^cannot write the index in .*not-a-folder/: .*The previous index is unchanged"):
        ingest_apart([tmp_path / "care.txt"], replace(corpus_index, index=tmp_path / "not-a-folder"), print, print)
