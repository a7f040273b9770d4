"""Taking documents out of the index on request: the others kept with their vectors, the removal remembered by later
ingests of the folder, a file named on its own added again, bad names refused with the index untouched."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from conftest import CORPUS, ROOT, FakeEmbedder, fake_settings
from ingest.pipeline import ingest
from ingest.remove import NotIndexed, remove
from ingest.store import WITHDRAWN, Index


def fake(name):
    return FakeEmbedder()


@pytest.fixture
def library(tmp_path):
    """Three small reports in a folder, ingested; and the settings (uploads in the folder's uploads/)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in CORPUS.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "uploads").mkdir()
    (folder / "uploads" / "visit.txt").write_text("Focused visit\n\n1. Managers check case files of care leavers "
                                                 "every month.\n\n2. Social workers see children often.\n")
    settings = replace(fake_settings(tmp_path / "index"), uploads=folder / "uploads")
    ingest([folder], settings, embedder_factory=fake)
    return folder, settings


def _vectors(index: Index) -> dict[str, list[tuple]]:
    return {record.path: [tuple(index.vector(stored.id).round(5)) for stored in index.document_chunks(record.id)]
            for record in index.documents()}


def test_a_removed_document_goes_and_the_others_keep_their_passages_and_vectors(library):
    folder, settings = library
    before = Index.load(settings.index)
    target = next(doc for doc in before.documents() if doc.file.endswith(".txt") and "uploads" not in doc.path)
    summary = remove([target.file], settings)
    after = Index.load(settings.index)
    assert summary.removed == (target.path,) and summary.documents == len(before.documents()) - 1
    kept = _vectors(before)
    del kept[target.path]
    assert _vectors(after) == kept  # every other document's passages and vectors, as they were
    assert len(after) == sum(len(rows) for rows in kept.values())
    question = np.asarray(next(iter(kept.values()))[0], dtype=np.float32)
    assert all(after.chunks([i])[0].document.path != target.path for i, _ in after.search(question, 50))
    assert after._rows("SELECT count(*) FROM chunks_fts")[0][0] == len(after)  # full text: the kept passages only
    assert (folder / target.file).is_file()  # a file outside the uploads folder stays where it is


def test_a_folder_ingest_does_not_add_a_removed_document_back_but_naming_the_file_does(library):
    folder, settings = library
    target = next(doc for doc in Index.load(settings.index).documents() if "uploads" not in doc.path)
    remove([target.path], settings)
    again = ingest([folder], settings, embedder_factory=fake)
    assert again.withdrawn == (target.path,) and target.path not in again.added
    assert target.path not in Index.load(settings.index).manifest.documents
    back = ingest([folder / target.file], settings, embedder_factory=fake)
    assert back.added == (target.path,)
    assert target.sha256 not in json.loads((settings.index / WITHDRAWN).read_text())  # no longer taken out
    assert ingest([folder], settings, embedder_factory=fake).withdrawn == ()


def test_removing_an_upload_deletes_the_saved_file(library):
    folder, settings = library
    upload = next(doc for doc in Index.load(settings.index).documents() if "uploads" in doc.path)
    remove([upload.sha256[:12]], settings)  # by the key a report link carries
    assert not (folder / "uploads" / "visit.txt").exists()
    assert upload.path not in Index.load(settings.index).manifest.documents


@pytest.mark.parametrize("names, said", [(["no-such-report.pdf"], "no document in the index"),
                                         ([], "name the documents"),
                                         (["2019"], "no document in the index")])
def test_a_bad_name_is_refused_and_the_index_is_untouched(library, names, said):
    _, settings = library
    version = (settings.index / "CURRENT").read_text()
    with pytest.raises(NotIndexed, match=said):
        remove(names, settings)
    assert (settings.index / "CURRENT").read_text() == version
    assert not (settings.index / WITHDRAWN).exists()


def test_the_command_removes_by_file_name_and_says_so(library):
    _, settings = library
    target = next(doc for doc in Index.load(settings.index).documents() if "uploads" not in doc.path)
    run = subprocess.run([sys.executable, "-m", "ingest", "--remove", target.file, "--index", str(settings.index)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert f"removed {target.path}\n" in run.stderr and "1 removed" in run.stdout and "index updated" in run.stdout
    wrong = subprocess.run([sys.executable, "-m", "ingest", "--remove", "nothing.pdf", "--index", str(settings.index)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "no document in the index" in wrong.stderr and "Nothing was removed" in wrong.stderr


def test_removing_every_document_leaves_an_empty_index_that_still_loads(library):
    _, settings = library
    everything = [doc.path for doc in Index.load(settings.index).documents()]
    assert remove(everything, settings).documents == 0
    empty = Index.load(settings.index)
    assert empty.documents() == [] and empty.search(np.ones(FakeEmbedder.dimension, dtype=np.float32), 5) == []


def test_a_removal_that_fails_before_its_commit_leaves_the_index_as_it_was_and_the_next_ingest_finishes_it(
        library, monkeypatch):
    folder, settings = library
    version = (settings.index / "CURRENT").read_text()
    target = next(doc for doc in Index.load(settings.index).documents() if "uploads" not in doc.path)

    def killed(self, manifest):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr("ingest.store.Writer.commit", killed)
        with pytest.raises(KeyboardInterrupt):
            remove([target.path], settings)
    assert (settings.index / "CURRENT").read_text() == version  # readers still see every document
    assert target.path in Index.load(settings.index).manifest.documents
    assert not list(settings.index.glob(".*.partial"))  # the staging folder was dropped
    assert ingest([folder], settings, embedder_factory=fake).removed == (target.path,)
    assert target.path not in Index.load(settings.index).manifest.documents
