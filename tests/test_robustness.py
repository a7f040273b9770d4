"""Real use: bad inputs named within seconds, one index per file wherever it is ingested from, settings recorded,
concurrent visitors getting the answers a single visitor gets, and concurrent ingests serialised."""

from __future__ import annotations

import contextlib
import errno
import html
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import CORPUS, ROOT, FakeEmbedder, fake_settings
from ingest.chunk import ChunkSettings
from ingest.pipeline import ingest
from ingest.sentences import sentence_spans
from ingest.store import Index
from search.answer import Passage, Sentence, quote
from search.render import as_json
from search.retrieve import open_searcher
from views.cards import card, inert

GOOD = CORPUS / "leicestershire-2024-09-03-scrutiny-committee-ofsted-ilacs.txt"


def fake(name: str) -> FakeEmbedder:
    return FakeEmbedder()


def run_ingest(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command in its own process, so that a hang fails the test instead of stalling the run."""
    return subprocess.run([sys.executable, "-m", "ingest", *args, "--quiet"], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_sentence_splitting_is_bounded_for_any_paragraph_length():
    words = "Care leavers are well supported by their personal advisers and they said so to inspectors. " * 3000
    text = words + "x" * 5000 + " " + "word " * 20000  # prose, then a run with no spaces, then no full stops
    spans = sentence_spans(text)
    assert spans and all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b - a <= 1000 for a, b in spans) and spans == sorted(spans)
    covered = sum(b - a for a, b in spans)
    assert covered >= len(text.replace(" ", "")) * 0.9


def test_each_bad_input_is_named_in_one_line_and_the_rest_goes_in(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "one-line.txt").write_text("Care leavers are supported well. " * 160_000)  # 5 MB on one line
    os.mkfifo(bad / "pipe.txt")
    (bad / "zero.txt").symlink_to("/dev/zero")
    (bad / "sidecar.txt").write_text("1. Supervision of social workers is regular and reflective.\n")
    (bad / "sidecar.txt.meta.json").write_text(json.dumps({"authority": {"x": 1}}))
    with zipfile.ZipFile(bad / "junk.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<<< not xml")
        archive.writestr("word/document.xml", "junk")
    good = tmp_path / "good.txt"
    good.write_text("1. Care leavers are supported well by personal advisers.\n")
    paths = [str(bad / name) for name in ("one-line.txt", "pipe.txt", "zero.txt", "sidecar.txt", "junk.docx")]
    result = run_ingest(*paths, str(good), "--index", str(tmp_path / "index"))
    failed = [line for line in result.stderr.splitlines() if line.startswith("FAILED ")]
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert sorted(Path(line.split()[1].rstrip(":")).name for line in failed) == sorted(Path(p).name for p in paths)
    reasons = "\n".join(failed)
    assert "line of" in reasons and "not a regular file" in reasons and "'authority' must be text" in reasons
    assert "not a readable Word file" in reasons
    assert [doc.file for doc in Index.load(tmp_path / "index").documents()] == ["good.txt"]


def test_the_same_files_from_another_working_folder_are_not_indexed_twice(tmp_path):
    index = tmp_path / "index"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, "-m", "ingest", "corpus", "--index", str(index), "--quiet"],
                           cwd=CORPUS.parent, capture_output=True, text=True, timeout=300, env=env)
    assert first.returncode == 0, first.stderr
    relative = os.path.relpath(CORPUS, elsewhere)
    second = subprocess.run([sys.executable, "-m", "ingest", relative, "--index", str(index), "--quiet"], cwd=elsewhere,
                            capture_output=True, text=True, timeout=300, env=env)
    assert second.returncode == 0, second.stderr
    assert "0 added" in second.stdout and "2 unchanged" in second.stdout
    assert len(Index.load(index).documents()) == 2


def test_a_copy_of_an_indexed_file_is_a_duplicate_in_a_later_run(tmp_path):
    settings = fake_settings(tmp_path)
    ingest([GOOD], settings, embedder_factory=fake)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(GOOD.read_bytes())
    summary = ingest([copy], settings, embedder_factory=fake)
    assert summary.duplicates == ((str(copy.resolve()), str(GOOD.resolve())),)
    assert len(Index.load(settings.index).documents()) == 1


def test_a_changed_chunking_setting_is_recorded_and_not_redone(tmp_path):
    settings = fake_settings(tmp_path)
    ingest([CORPUS], settings, embedder_factory=fake)
    smaller = ChunkSettings(max_chars=400)
    changed = ingest([CORPUS], settings, embedder_factory=fake, chunking=smaller)
    again = ingest([CORPUS], settings, embedder_factory=fake, chunking=smaller)
    assert changed.embedded > 0 and changed.written
    assert Index.load(settings.index).manifest.chunking["max_chars"] == 400
    assert again.embedded == 0 and not again.written


def test_two_ingests_at_once_are_serialised_and_the_index_stays_complete(tmp_path):
    index = tmp_path / "index"
    folders = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        for number in range(8):
            (folder / f"{name}-{number}.txt").write_text(
                "".join(f"{p}. Paragraph {p} of report {name}{number} about care leavers.\n\n" for p in range(1, 30)))
        folders.append(folder)
    command = [sys.executable, "-m", "ingest", "--index", str(index), "--quiet"]
    processes = [subprocess.Popen([*command, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for folder in folders]
    outputs = [process.communicate(timeout=600) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert any("waiting" in err for _, err in outputs)
    loaded = Index.load(index)
    assert len(loaded.documents()) == 16 and len(loaded) == sum(1 for _ in loaded.chunks(range(len(loaded))))
    assert not [path for path in index.iterdir() if path.name.endswith(".partial")]


def test_a_killed_writers_leftovers_go_with_the_next_ingest_even_one_with_nothing_to_do(tmp_path):
    settings = fake_settings(tmp_path)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("1. Care leavers are supported well by their personal advisers.\n")
    ingest([folder], settings, embedder_factory=lambda name: FakeEmbedder())
    staging = settings.index / ".v-20260101-000000-1-1.partial"
    staging.mkdir()
    (staging / "chunks.sqlite").write_bytes(b"half written")
    (settings.index / ".last-run.json.99.partial").write_text("{")
    summary = ingest([folder], settings, embedder_factory=lambda name: FakeEmbedder())
    assert not summary.written
    assert not list(settings.index.glob("*.partial")) and len(Index.load(settings.index).documents()) == 1


@pytest.mark.parametrize(("failure", "said"), [
    (OSError(28, "No space left on device"), "the disk is full; free some space"),
    (RuntimeError("Error in faiss::FileIOWriter: could not open vectors.faiss for writing: Read-only file system"),
     "read-only or belongs to another user"),
    (sqlite3.OperationalError("database or disk is full"), "the disk is full"),
])
def test_a_file_system_failure_is_one_line_and_the_previous_index_stands(tmp_path, monkeypatch, capsys, failure, said):
    from ingest.__main__ import main
    from ingest.store import Writer

    settings = fake_settings(tmp_path)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("1. Care leavers are supported well by their personal advisers.\n")
    ingest([folder], settings, embedder_factory=lambda name: FakeEmbedder())
    (folder / "b.txt").write_text("1. Supervision of social workers is regular.\n")

    def fail(self, manifest):
        raise failure

    monkeypatch.setattr(Writer, "commit", fail)
    monkeypatch.setenv("OFSTED_INDEX", str(settings.index))
    monkeypatch.setattr("ingest.pipeline._embedder", lambda factory, model, settings: FakeEmbedder())
    assert main([str(folder), "--quiet", "--model", FakeEmbedder.name]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"error: cannot write the index in {settings.index}/: ") and said in err
    assert err.endswith("The previous index is unchanged.")
    assert [doc.file for doc in Index.load(settings.index).documents()] == ["a.txt"]
    assert not list(settings.index.glob("*.partial"))


def test_many_threads_on_one_searcher_get_the_single_threaded_answers(shared_or_corpus_searcher):
    searcher = shared_or_corpus_searcher
    questions = ["What did Ofsted say about care leavers?", "How often are social workers supervised?",
                 "Are initial child protection conferences timely?", "How were services graded?",
                 "What needs to improve?", "Do children in care get help with their mental health?"]
    expected = {question: json.dumps(as_json(searcher.ask(question))) for question in questions}
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda q: (q, json.dumps(as_json(searcher.ask(q)))), questions * 6))
    assert all(answer == expected[question] for question, answer in got)


def test_sentence_splitting_from_many_threads_gives_the_same_spans():
    text = GOOD.read_text()
    expected = sentence_spans(text)
    barrier = threading.Barrier(8)

    def split(_: int) -> list[tuple[int, int]]:
        barrier.wait()
        return sentence_spans(text)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(spans == expected for spans in pool.map(split, range(8)))


def test_rendered_passage_text_equals_the_source_text(corpus_index, embedder):
    searcher = open_searcher(corpus_index, embedder)
    for hit in searcher.search("What did Ofsted say about the local authority's early help offer?", k=5):
        shown = card(hit)
        body = shown.split('<div class="passage">', 1)[1].rsplit("</div></div>", 1)[0]
        text = html.unescape(re.sub(r"</?mark>", "", body).replace("<br>", "\n"))
        assert text == hit.chunk.text
    assert html.unescape(inert("The local authority's offer & <b>\"x\"</b>")) == "The local authority's offer & <b>\"x\"</b>"
    assert "&amp;#" not in inert("authority's") and "#x27" not in inert("authority's")


def test_an_answer_is_never_empty_when_the_reports_answer():
    from ingest.document import Chunk
    from search.parse import parse

    text = "Good | Yes\nCare leavers are supported well by their advisers."
    chunk = Chunk("a.txt", text, 0, len(text), None, "x", None, ((0, 10), (11, len(text))))
    document = SimpleNamespace(id=1, description=SimpleNamespace(held="2024-01-01", authority="X"))
    sentences = [Sentence(1, 0, 10, "Good | Yes", 0.95, 0.9),
                 Sentence(1, 11, len(text), "Care leavers are supported well by their advisers.", 0.80, 0.8)]
    quotes = quote(parse("care leavers"), sentences, [Passage(1, chunk, document)], ())  # type: ignore[arg-type]
    assert [item.text for item in quotes] == ["Care leavers are supported well by their advisers."]
    fragments = quote(parse("x"), sentences[:1], [Passage(1, chunk, document)], ())  # type: ignore[arg-type]
    assert [item.text for item in fragments] == ["Good | Yes"]  # nothing reads on its own: the fragment, not nothing


def test_json_lists_no_answer_sentences_when_not_found(corpus_index, embedder):
    searcher = open_searcher(replace(corpus_index, no_answer_below=5.0), embedder)
    data = as_json(searcher.ask("What did Ofsted say about care leavers?"))
    assert data["no_answer"] is True and data["answer"] == [] and data["passages"]


@pytest.fixture(scope="module")
def shared_or_corpus_searcher(corpus_index, embedder):
    return open_searcher(corpus_index, embedder)


@contextlib.contextmanager
def read_only(folder: Path, monkeypatch) -> Iterator[None]:
    """``folder`` refuses every write as a read-only file system does (EROFS): really, by its permissions, when the
    tests do not run as root; as the kernel would say it, at Python's and SQLite's doors, when they do (root writes
    through permissions, and mounting a read-only file system needs a privilege CI does not have)."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
        for path in modes:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    inside = lambda path: Path(os.fsdecode(path)).resolve().is_relative_to(folder.resolve())  # noqa: E731

    def refuse(path: object) -> OSError:
        return OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    def guard(original, writes=lambda *args, **kwargs: True):
        def guarded(path, *args, **kwargs):
            if isinstance(path, (str, bytes, os.PathLike)) and inside(path) and writes(*args, **kwargs):
                raise refuse(path)
            return original(path, *args, **kwargs)
        return guarded

    writing_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    monkeypatch.setattr(os, "open", guard(os.open, lambda flags, *rest, **kw: bool(flags & writing_flags)))
    monkeypatch.setattr("builtins.open", guard(open, lambda mode="r", *rest, **kw: any(c in mode for c in "wax+")))
    for name in ("mkdir", "rmdir", "remove", "unlink"):
        monkeypatch.setattr(os, name, guard(getattr(os, name)))
    for name in ("replace", "rename"):
        original = getattr(os, name)
        monkeypatch.setattr(os, name, lambda source, target, *rest, _original=original, **kw:
                            _original(source, target, *rest, **kw) if not inside(target) and not inside(source)
                            else (_ for _ in ()).throw(refuse(target)))
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda database, *args, **kwargs:
                        connect(database, *args, **kwargs) if "mode=ro" in str(database) or not inside(database)
                        else (_ for _ in ()).throw(sqlite3.OperationalError("attempt to write a readonly database")))
    yield


@pytest.mark.parametrize("something_new", [False, True])
def test_a_read_only_index_folder_is_one_line_even_with_nothing_to_add(tmp_path, monkeypatch, capsys, something_new):
    from ingest.__main__ import main

    settings = fake_settings(tmp_path)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("1. Care leavers are supported well by their personal advisers.\n")
    ingest([folder], settings, embedder_factory=lambda name: FakeEmbedder())
    if something_new:
        (folder / "b.txt").write_text("1. Supervision of social workers is regular.\n")
    monkeypatch.setenv("OFSTED_INDEX", str(settings.index))
    monkeypatch.setattr("ingest.pipeline._embedder", lambda factory, model, settings: FakeEmbedder())
    with read_only(settings.index, monkeypatch):
        code = main([str(folder), "--quiet", "--model", FakeEmbedder.name])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err == (f"error: cannot write the index in {settings.index}/: the folder is read-only or belongs to another "
                   "user; check its permissions, or point OFSTED_INDEX (--index) at a folder this user can write. "
                   "The previous index is unchanged.")
    assert [doc.file for doc in Index.load(settings.index).documents()] == ["a.txt"]


def test_an_update_the_disk_has_no_room_for_is_refused_before_any_work(tmp_path, monkeypatch):
    from ingest.errors import IndexUnwritable

    settings = fake_settings(tmp_path)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("1. Care leavers are supported well by their personal advisers.\n")
    ingest([folder], settings, embedder_factory=lambda name: FakeEmbedder())
    (folder / "b.txt").write_text("1. Supervision of social workers is regular.\n" * 1000)
    real = shutil.disk_usage
    monkeypatch.setattr("ingest.store.shutil.disk_usage",
                        lambda path: real(path)._replace(free=10_000_000))  # 10 MB: under the 16 MB margin alone

    def never(name):
        raise AssertionError("the model was loaded for an update there is no room to write")

    with pytest.raises(IndexUnwritable, match=r"^cannot write the index in .*/: the disk has 10 MB free and the new "
                                              r"version needs about \d+ MB; free some space"):
        ingest([folder], settings, embedder_factory=never)
    assert [doc.file for doc in Index.load(settings.index).documents()] == ["a.txt"]
    assert not list(settings.index.glob("*.partial"))
    monkeypatch.setattr("ingest.store.shutil.disk_usage", real)
    assert ingest([folder], settings, embedder_factory=lambda name: FakeEmbedder()).added
