"""Ingesting: summaries, bad files named, the rest still going in, and re-runs doing no work."""

import subprocess
import sys

from conftest import CORPUS, ROOT, FakeEmbedder, fake_settings
from ingest.__main__ import report
from ingest.pipeline import ingest
from ingest.store import Index


def fake(name):
    return FakeEmbedder()


def test_a_bad_file_is_named_and_the_others_still_go_in(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"not a pdf at all")
    summary = ingest([CORPUS, bad], fake_settings(tmp_path), embedder_factory=fake)
    assert summary.documents == 2
    assert [failure.path.endswith("scan.pdf") for failure in summary.failures] == [True]
    assert "not a PDF: the file does not begin as a PDF does" in summary.failures[0].reason
    assert report(summary)[0].startswith("FAILED ") and "scan.pdf" in report(summary)[0]


def test_a_second_run_reuses_everything(tmp_path):
    settings = fake_settings(tmp_path)
    first = ingest([CORPUS], settings, embedder_factory=fake)
    second = ingest([CORPUS], settings, embedder_factory=fake)
    assert first.embedded == first.chunks > 0
    assert second.embedded == 0 and second.unchanged == 2 and not second.written


def test_cli_summary_line_and_exit_code(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "ingest", str(CORPUS), str(bad), "--index", str(tmp_path / "index"), "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "empty.txt" in result.stderr and "empty" in result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("2 documents, ") and " chunks " in summary and " s; " in summary
    assert len(Index.load(tmp_path / "index").documents()) == 2
