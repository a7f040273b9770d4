"""Ingest at scale: files read in a worker process, new documents appended without rewriting the others, kept documents
copied with their vectors, and progress for both stages."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, ROOT, FakeEmbedder, fake_settings
from ingest.chunk import DEFAULT_CHUNKING
from ingest.config import Settings
from ingest.pipeline import ingest
from ingest.read import EXTRACTOR, document_hash
from ingest.readers import READ_AHEAD, Fresh, Job, Reading, Unreadable
from ingest.store import Index, Writer


def fake(name):
    return FakeEmbedder()


def _reports(folder, count):
    """``count`` small report files (the corpus's two and numbered variants of a paragraph)."""
    folder.mkdir(exist_ok=True)
    for path in CORPUS.iterdir():
        if path.suffix == ".txt":
            (folder / path.name).write_bytes(path.read_bytes())
    for n in range(count - 2):
        (folder / f"visit-{n}.txt").write_text(
            f"Focused visit {n}\n\n1. Managers check {n} case files of care leavers every month.\n\n"
            f"2. Social workers visit children {n} times a term and record what they say.\n")
    return folder


def _rows(index: Index) -> dict[str, list[tuple]]:
    """Per document path: its chunks' (text, start, vector) in order."""
    return {record.path: [(stored.chunk.text, stored.chunk.start, tuple(index.vector(stored.id).round(5)))
                          for stored in index.document_chunks(record.id)] for record in index.documents()}


def _contiguous(index: Index) -> None:
    """Chunk ids run 0..n-1, each the position of its own vector in FAISS."""
    rows = index._rows("SELECT id, vector FROM chunks ORDER BY id")
    assert [row[0] for row in rows] == list(range(len(index)))
    for row in rows[:: max(1, len(rows) // 20)]:
        assert np.allclose(np.frombuffer(row[1], dtype=np.float32), index.vector(row[0]))


def test_a_worker_process_reads_the_same_documents_in_order_with_a_bounded_read_ahead(tmp_path, monkeypatch):
    monkeypatch.setattr("ingest.readers.FILES_PER_READER", 3)  # readers are replaced, and none hangs
    folder = _reports(tmp_path / "reports", 12)
    paths = sorted(folder.iterdir()) + [tmp_path / "missing.txt"]
    jobs = [Job(str(path), path, "x") for path in paths]
    here = list(Reading(jobs, DEFAULT_CHUNKING, processes=0))
    reading = Reading(jobs, DEFAULT_CHUNKING, processes=1)
    there, ahead = [], []
    for outcome in reading:
        ahead.append(len(reading._pending))
        there.append(outcome)
    assert [type(outcome) for outcome in there] == [Fresh] * 12 + [Unreadable]
    assert there == here  # same documents, chunks and failure reasons, in the order asked
    assert "no such file" in there[-1].reason
    assert max(ahead) <= READ_AHEAD and reading._pool is None  # the reader process is gone afterwards


def test_ingesting_many_files_through_a_reader_process_builds_the_same_index(tmp_path):
    folder = _reports(tmp_path / "reports", 6)
    events = []
    in_process = ingest([folder], Settings(index=tmp_path / "a", model=FakeEmbedder.name, readers=0),
                        embedder_factory=fake)
    summary = ingest([folder], fake_settings(tmp_path / "b"), embedder_factory=fake,
                     progress=lambda stage, done, total: events.append((stage, done, total)))
    assert summary.documents == in_process.documents == 6 and summary.embedded == in_process.embedded
    assert _rows(Index.load(tmp_path / "a")) == _rows(Index.load(fake_settings(tmp_path / "b").index))
    assert ("reading", 6, 6) in events and events[-1] == ("embedding", 6, 6)


def test_a_new_document_is_appended_and_the_others_are_not_rewritten(tmp_path, monkeypatch):
    settings = fake_settings(tmp_path)
    folder = _reports(tmp_path / "reports", 4)
    ingest([folder], settings, embedder_factory=fake)
    before = Index.load(settings.index)
    (folder / "new.txt").write_text("New report\n\n1. Supervision of social workers is now regular and reflective.\n")

    def no_copy(self, record):
        raise AssertionError("an append copied a document row by row")

    monkeypatch.setattr(Writer, "keep", no_copy)
    summary = ingest([folder], settings, embedder_factory=fake)
    after = Index.load(settings.index)
    assert summary.added == (str((folder / "new.txt").resolve()),) and summary.embedded == 1 and summary.written
    old_rows, new_rows = _rows(before), _rows(after)
    assert {path: new_rows[path] for path in old_rows} == old_rows
    assert [(d.id, d.path) for d in after.documents()][:4] == [(d.id, d.path) for d in before.documents()]
    _contiguous(after)
    assert after.lexical(["regular and reflective"], 5) and after.lexical(["care leavers"], 5)
    assert after.manifest.documents[str((folder / "new.txt").resolve())] == document_hash(folder / "new.txt")


def test_removing_or_changing_a_document_copies_the_others_with_their_vectors(tmp_path):
    settings = fake_settings(tmp_path)
    folder = _reports(tmp_path / "reports", 5)
    ingest([folder], settings, embedder_factory=fake)
    before = _rows(Index.load(settings.index))
    (folder / "visit-0.txt").unlink()
    (folder / "visit-1.txt").write_text("Changed\n\n1. Leaders now track every plan for permanence.\n")
    summary = ingest([folder], settings, embedder_factory=fake)
    index = Index.load(settings.index)
    after = _rows(index)
    assert len(summary.removed) == 1 and len(summary.updated) == 1 and summary.embedded == 1
    changed = str((folder / "visit-1.txt").resolve())
    assert {path: rows for path, rows in after.items() if path != changed} == {
        path: rows for path, rows in before.items() if path in after and path != changed}
    assert after[changed][0][0].startswith("Leaders now track")
    _contiguous(index)
    assert index.lexical(["plan for permanence"], 5) and not index.lexical(["visit children 0 times"], 5)


def test_appending_to_an_approximate_index_keeps_its_graph(tmp_path, embedder):
    folder = _reports(tmp_path / "reports", 2)
    settings = Settings(index=tmp_path / "index", hnsw_above=10)
    ingest([folder], settings, embedder_factory=lambda name: embedder)
    (folder / "new.txt").write_text("New report\n\n1. Supervision of social workers is now regular and reflective.\n")
    ingest([folder], settings, embedder_factory=lambda name: embedder)
    index = Index.load(settings.index)
    assert index.manifest.vector_index == "hnsw"
    _contiguous(index)
    query = embedder.embed(["regular reflective supervision of social workers"])[0]
    best = index.chunks([index.search(query, 1)[0][0]])[0]
    assert best.document.file == "new.txt"


@pytest.mark.parametrize("readers", [0, 1])
def test_an_unreadable_update_keeps_the_last_good_version(tmp_path, monkeypatch, readers):
    monkeypatch.setattr("ingest.pipeline.READERS_FROM", 1)  # even one file goes to a reader process
    folder = _reports(tmp_path / "reports", 4)
    settings = Settings(index=tmp_path / "index", model=FakeEmbedder.name, readers=readers)
    ingest([folder], settings, embedder_factory=fake)
    before = _rows(Index.load(settings.index))
    (folder / "visit-0.txt").write_bytes(b"")
    summary = ingest([folder], settings, embedder_factory=fake)
    assert [failure.path.endswith("visit-0.txt") for failure in summary.failures] == [True]
    assert _rows(Index.load(settings.index)) == before


def test_the_estimate_of_time_left_follows_the_slowest_stage():
    from ingest.eta import Estimate

    now = [0.0]
    estimate = Estimate(clock=lambda: now[0])
    assert estimate.seconds_left() is None and estimate.line() == ""
    estimate.update("reading", 0, 30)
    estimate.update("embedding", 0, 30)
    now[0] = 60.0
    estimate.update("reading", 20, 30)  # 30 s left at this rate
    estimate.update("embedding", 10, 30)  # 120 s left: the slower stage decides
    assert estimate.seconds_left() == 120.0 and estimate.share() == 10 / 30
    assert estimate.line() == "reading 20/30 · embedding 10/30 · about 2 min left"
    estimate.update("reading", 30, 30)
    estimate.update("embedding", 30, 30)
    assert estimate.seconds_left() == 0.0 and estimate.share() == 1.0


def test_the_model_leaves_a_core_to_a_busy_reader_and_gives_the_page_its_one_thread_back():
    from ingest.pipeline import Threads

    calls = []

    class Recording(FakeEmbedder):
        threads = 1  # as on the page, which answers questions with one thread

        def set_threads(self, threads):
            calls.append(threads)
            before, self.threads = self.threads, threads
            return before

    embedder = Recording()
    threads = Threads(embedder, cores=2, readers=1, automatic=True)
    for busy in (True, True, False, True, False, False):
        threads.share(busy)
    threads.restore()
    assert calls == [1, 2, 1, 2, 1] and embedder.threads == 1  # changed only when the reader starts or stops
    fixed = Threads(Recording(), cores=2, readers=1, automatic=False)  # OFSTED_THREADS set: left alone
    fixed.share(True)
    fixed.restore()
    in_process = Threads(Recording(), cores=2, readers=0, automatic=True)  # no reader: every core, then back
    in_process.share(False)
    in_process.restore()
    assert calls == [1, 2, 1, 2, 1, 2, 1]


def test_questions_are_embedded_with_two_sleeping_threads_unless_configured(corpus_index):
    from ingest.embed import QUESTION_THREADS, SentenceEmbedder
    from search.retrieve import open_searcher

    embedder = open_searcher(corpus_index).embedder
    assert QUESTION_THREADS == 2 and embedder.threads_in_use() == 2  # type: ignore[attr-defined]
    options = embedder._model._session().get_session_options()  # type: ignore[attr-defined]
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"  # idle threads give cores away
    assert open_searcher(Settings(index=corpus_index.index, threads=1)).embedder.threads_in_use() == 1  # type: ignore[attr-defined]
    import torch

    before = torch.get_num_threads()
    try:
        slow = SentenceEmbedder.for_questions("all-MiniLM-L6-v2@torch", Settings(index=corpus_index.index))
        assert slow.runtime == "torch" and slow.threads_in_use() == 1  # PyTorch's idle threads spin
    finally:
        torch.set_num_threads(before)


def _children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_ingest_stopped_as_its_reader_starts_is_interrupted_and_leaves_no_reader(tmp_path, monkeypatch):
    """Stopped (Ctrl-C, `kill`) after the reader process started but before the pool's own thread did, the pool's
    shutdown cannot join that thread: the interruption must go on (the ingest then says the index is unchanged),
    not that error, and the reader must not outlive it."""
    from concurrent.futures import process as pool

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(pool._ExecutorManagerThread, "start", interrupted)
    folder = _reports(tmp_path / "reports", 3)
    started: list[int] = []
    spawn = pool.ProcessPoolExecutor._spawn_process

    def spawned(self):
        spawn(self)
        started.extend(self._processes)

    monkeypatch.setattr(pool.ProcessPoolExecutor, "_spawn_process", spawned)
    with pytest.raises(KeyboardInterrupt):
        list(Reading([Job(str(path), path, "x") for path in sorted(folder.iterdir())], DEFAULT_CHUNKING, processes=1))
    assert started
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in started)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_ingest_leaves_no_reader_behind(tmp_path, stop):
    """Stopped with `kill` (cleaned up as for Ctrl-C) or killed outright, an ingest takes its reader process with it."""
    folder = _reports(tmp_path / "reports", 30)
    command = [sys.executable, "-m", "ingest", str(folder), "--index", str(tmp_path / "index"), "--quiet"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (readers := _children(process.pid)) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert readers, "the ingest ended before starting a reader"
    process.send_signal(stop)
    _, errors = process.communicate(timeout=60)
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in readers)
    if stop == signal.SIGTERM:
        assert process.returncode == 130 and "previous index is unchanged" in errors, errors[-3000:]
        assert not list((tmp_path / "index").glob("*.partial"))


def test_a_rebuild_keeps_every_document_wherever_it_came_from_and_counts_what_went(tmp_path, capsys):
    from ingest.__main__ import main

    settings = fake_settings(tmp_path)
    first, second = _reports(tmp_path / "first", 3), tmp_path / "second"
    second.mkdir()
    (second / "letter.txt").write_text("Focused visit letter\n\n1. Leaders have improved the front door.\n")
    ingest([first], settings, embedder_factory=fake)
    ingest([second], settings, embedder_factory=fake)
    assert len(Index.load(settings.index).documents()) == 4
    (first / "visit-0.txt").unlink()  # gone since it was ingested
    summary = ingest([second], settings, rebuild=True, embedder_factory=fake)
    held = {Path(record.path).name for record in Index.load(settings.index).documents()}
    assert held == {path.name for path in first.iterdir()} | {"letter.txt"}
    assert summary.removed == (str((tmp_path / "first" / "visit-0.txt").resolve()),)
    assert summary.embedded == sum(len(Index.load(settings.index).document_chunks(record.id))
                                   for record in Index.load(settings.index).documents())
    # From the command line with no paths: what the index holds, nothing added from corpus/.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OFSTED_INDEX", str(settings.index))
        patch.setattr("ingest.pipeline._embedder", lambda factory, model, settings: FakeEmbedder())
        assert main(["--rebuild", "--quiet", "--model", FakeEmbedder.name]) == 0
    assert "3 documents" in capsys.readouterr().out
    assert {Path(record.path).name for record in Index.load(settings.index).documents()} == held


def test_documents_read_by_an_older_extractor_are_read_again_without_embedding_unchanged_passages(tmp_path, monkeypatch):
    settings = replace(fake_settings(tmp_path), readers=0)  # read here, where the newer extractor is patched in
    folder = _reports(tmp_path / "reports", 3)
    ingest([folder], settings, embedder_factory=fake)
    before = Index.load(settings.index)
    assert before.manifest.extractor == EXTRACTOR
    monkeypatch.setattr("ingest.pipeline.EXTRACTOR", EXTRACTOR + 1)
    monkeypatch.setattr("ingest.readers.read_document", _renamed_council)
    summary = ingest([folder], settings, embedder_factory=fake)
    after = Index.load(settings.index)
    assert len(summary.reread) == 3 and summary.embedded == 0 and summary.written and not summary.updated
    assert after.manifest.extractor == EXTRACTOR + 1
    assert {record.description.authority for record in after.documents()} == {"Rutland"}
    assert _rows(after) == _rows(before)
    again = ingest([folder], settings, embedder_factory=fake)
    assert not again.reread and not again.written


def test_a_document_read_again_embeds_only_the_passages_that_changed(tmp_path, monkeypatch):
    """A newer extractor that changes one passage of each document: only those are embedded, the others keep their
    stored vectors (before, a document with one passage changed was embedded again whole: reading the national10
    index again for extractor 5 embedded 799 of its 1,569 passages)."""
    settings = replace(fake_settings(tmp_path), readers=0)
    folder = _reports(tmp_path / "reports", 3)
    ingest([folder], settings, embedder_factory=fake)
    before = _rows(Index.load(settings.index))
    monkeypatch.setattr("ingest.pipeline.EXTRACTOR", EXTRACTOR + 1)
    monkeypatch.setattr("ingest.readers.read_document", _first_words_changed)
    summary = ingest([folder], settings, embedder_factory=fake)
    after = Index.load(settings.index)
    assert len(summary.reread) == 3 and summary.embedded == 3
    rows = _rows(after)
    for path, chunks in rows.items():
        changed = [row for row in chunks if row[0].startswith("Amended")]
        assert len(changed) == 1
        assert changed[0][2] == tuple(FakeEmbedder().embed([changed[0][0]])[0].round(5))
        kept = {(text, vector) for text, _, vector in before[path]}
        assert all((text, vector) in kept for text, _, vector in chunks if not text.startswith("Amended"))
    for record in after.documents():
        stored = after.document_chunks(record.id)
        held = after.sentence_vectors(item.id for item in stored)
        for item in stored:
            texts = [item.chunk.text[a:b] for a, b in item.chunk.sentences]
            assert np.allclose(held[item.id], FakeEmbedder().embed(texts), atol=1e-3)


def _first_words_changed(path, *args):
    """A newer extractor reading the last paragraph of a document with other first words."""
    from ingest.read import read_document

    document = read_document(path, *args)
    last = document.spans[-1]
    text = document.text[:last.start] + "Amended " + document.text[last.start:]
    spans = (*document.spans[:-1], replace(last, end=last.end + len("Amended ")))
    return replace(document, text=text, spans=spans)


def _renamed_council(path, *args):
    """A newer extractor: same text, another reading of the council."""
    from ingest.read import read_document

    document = read_document(path, *args)
    return replace(document, description=replace(document.description, authority="Rutland"))
