"""The contract both stores keep (the index folder and PostgreSQL), each test run against both: what is written reads
back, searches are exact within filters, a change is seen whole by new readers and not at all by open ones, a failed
write changes nothing, writers take turns."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import FakeEmbedder
from ingest.errors import IndexBusy, IndexMismatch, IndexMissing
from ingest.pipeline import ingest
from ingest.remove import remove
from ingest.store import LAST_RUN, WITHDRAWN, Index
from ingest.stores import open_store
from search.retrieve import open_searcher

REPORTS = {
    "rutland.txt": "1. Care leavers are supported well by their personal advisers.\n\n"
                   "2. Supervision of social workers is regular and reflective.\n\n"
                   "3. Children in care live in stable homes; care leavers have suitable accommodation.\n",
    "derby.txt": "1. Private fostering arrangements are not always assessed promptly.\n\n"
                 "2. Care leavers said their personal advisers visit often.\n",
    "notts.txt": "1. Management oversight of child protection enquiries is inconsistent.\n\n"
                 "2. Children missing from home are offered return home interviews.\n",
}


def fake(name: str) -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def reports(tmp_path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text)
    return folder


def built(settings, folder: Path):
    summary = ingest([folder], settings, embedder_factory=fake)
    assert summary.documents == len(list(folder.iterdir())) and not summary.failures
    return open_store(settings)


def test_what_is_written_reads_back(store_settings, reports):
    store = built(store_settings, reports)
    index = store.load()
    assert sorted(doc.file for doc in index.documents()) == sorted(REPORTS)
    assert index.manifest.model == FakeEmbedder.name and index.manifest.dimension == FakeEmbedder.dimension
    assert sorted(Path(path).name for path in index.manifest.documents) == sorted(REPORTS)
    assert store.held_paths() == sorted(index.manifest.documents)
    for doc in index.documents():
        stored = index.document_chunks(doc.id)
        assert [item.chunk.text for item in stored] == [part.split(". ", 1)[1] for part in
                                                        REPORTS[doc.file].strip().split("\n\n")]
        assert index.document_text(doc.id).startswith("1. ")
        vectors = index.sentence_vectors(item.id for item in stored)
        for item in stored:
            assert np.allclose(index.vector(item.id), FakeEmbedder().embed([item.chunk.text])[0], atol=1e-6)
            assert vectors[item.id].shape == (len(item.chunk.sentences), FakeEmbedder.dimension)
        assert index.record(doc.path) == doc and index.document(doc.id) == doc
    assert len(index) == sum(index.passage_counts().values()) == 7
    assert store.read_record(LAST_RUN)["documents"] == 3
    for doc in index.documents():  # the passage at an offset, read once and then remembered
        stored = index.document_chunks(doc.id)
        at = [(item.chunk.start, item.id) for item in stored] + [(stored[-1].chunk.end + 5, None)]
        assert [index.passage_at(doc.id, offset) for offset, _ in at] == [found for _, found in at]
        assert [index.passage_at(doc.id, offset) for offset, _ in at] == [found for _, found in at]


def test_dense_search_is_exact_and_a_filter_is_applied_inside_the_ranking(store_settings, reports):
    index = built(store_settings, reports).load()
    every = [item for doc in index.documents() for item in index.document_chunks(doc.id)]
    query = FakeEmbedder().embed(["care leavers personal advisers"])[0]
    exact = sorted(((item.id, float(index.vector(item.id) @ query)) for item in every), key=lambda pair: -pair[1])
    found = index.search(query, 4)
    assert np.allclose([s for _, s in found], [s for _, s in exact[:4]], atol=1e-5)  # the best four (ties either way)
    assert all(abs(dict(exact)[i] - score) < 1e-5 for i, score in found)
    derby = next(doc for doc in index.documents() if doc.file == "derby.txt")
    allowed = index.chunk_ids([derby.id])
    assert len(allowed) == 2 and {i for i, _ in index.search(query, 5, allowed)} == allowed
    assert allowed == {item.id for item in index.document_chunks(derby.id)}
    assert index.chunk_ids([derby.id, -1]) == allowed and index.chunk_ids([]) == frozenset()
    assert index.chunk_ids(doc.id for doc in index.documents()) == {item.id for item in every}
    assert index.search(query, 5, frozenset()) == []


def test_each_passage_is_told_its_report_without_reading_it(store_settings, reports):
    index = built(store_settings, reports).load()
    every = [item for doc in index.documents() for item in index.document_chunks(doc.id)]
    assert index.documents_of(item.id for item in every) == {item.id: item.document.id for item in every}
    assert index.documents_of([every[0].id, -1, max(item.id for item in every) + 1]) == {every[0].id: every[0].document.id}
    assert index.documents_of([]) == {}


def test_full_text_ranks_phrases_within_a_filter(store_settings, reports, monkeypatch):
    index = built(store_settings, reports).load()
    found = index.lexical(["care leavers"], 10)
    texts = [item.chunk.text for item in index.chunks(i for i, _ in found)]
    assert len(texts) == 3 and all("are leavers" in text or "Care leavers" in text or "care leavers" in text for text in texts)
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)
    rutland = next(doc for doc in index.documents() if doc.file == "rutland.txt")
    allowed = index.chunk_ids([rutland.id])
    assert {i for i, _ in index.lexical(["care leavers", "supervision"], 10, allowed)} == allowed
    assert index.lexical(["care leavers"], 10, frozenset()) == [] and index.lexical([], 10) == []
    assert index.matching(["care leavers", "fostering", "supervision", "the"], allowed) == [2, 0, 1, 0]
    scattered = frozenset(item.id for doc in index.documents() for item in index.document_chunks(doc.id)[::2])
    searched = (index.lexical(["care leavers", "supervision"], 10, scattered), index.matching(["care"], scattered))
    if isinstance(index, Index):  # the embedded store seeks runs of ids, or passes a list of ids when there are many
        monkeypatch.setattr("ingest.store.SPANS_SEARCHED", 0)
        assert (index.lexical(["care leavers", "supervision"], 10, scattered), index.matching(["care"], scattered)) == searched
    assert {i for i, _ in searched[0]} <= scattered and searched[1][0] == sum(
        index.matching(["care"], frozenset({i}))[0] for i in scattered) > 0
    assert index.matching(["care leavers", "leavers care", "supervision", " "]) == [3, 0, 1, 0] == index.matching(
        ["care leavers", "leavers care", "supervision", " "])  # over every passage (and remembered, where it is)
    assert index.mentions("private fostering") and index.mentions("Fostering") and not index.mentions("leavers care")
    assert "leaver" in index.terms() and index.terms()["leaver"] == 3  # stems, with how many passages use them
    # a word in one passage outranks a word in all three for a passage holding both
    rare = index.lexical(["stable", "care"], 1)
    assert "stable homes" in index.chunks([rare[0][0]])[0].chunk.text


def test_an_added_report_reaches_new_readers_whole_while_an_open_reader_keeps_its_version(store_settings, reports, tmp_path):
    store = built(store_settings, reports)
    before = store.load()
    version = store.current()
    assert before.version == version
    documents, passages = before.documents(), {doc.id: before.document_chunks(doc.id) for doc in before.documents()}
    query = FakeEmbedder().embed(["care leavers"])[0]
    ranked = before.search(query, 5)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "leicester.txt").write_text("1. Care leavers in Leicester are supported by personal advisers.\n")
    assert ingest([extra], store_settings, embedder_factory=fake).added
    assert store.current() != version
    # the open reader still reads the version it opened, whole
    assert before.documents() == documents and before.search(query, 5) == ranked
    assert {doc.id: before.document_chunks(doc.id) for doc in before.documents()} == passages
    assert before.lexical(["leicester"], 5) == [] and not before.mentions("leicester")
    after = store.load()
    assert sorted(doc.file for doc in after.documents()) == sorted([*REPORTS, "leicester.txt"])
    assert after.lexical(["leicester"], 5) and after.mentions("leicester")
    assert len(after) == len(before) + 1


def test_a_changed_report_is_replaced_and_a_removed_one_stays_out(store_settings, reports):
    store = built(store_settings, reports)
    (reports / "derby.txt").write_text("1. Derby's private fostering assessments are now prompt.\n")
    summary = ingest([reports], store_settings, embedder_factory=fake)
    assert [Path(path).name for path in summary.updated] == ["derby.txt"] and summary.unchanged == 2
    index = store.load()
    derby = next(doc for doc in index.documents() if doc.file == "derby.txt")
    assert [item.chunk.text for item in index.document_chunks(derby.id)] == ["Derby's private fostering assessments are now prompt."]
    assert not index.lexical(["not always assessed"], 5) and len(index) == 6

    removed = remove(["notts.txt"], store_settings)
    assert [Path(path).name for path in removed.removed] == ["notts.txt"]
    index = store.load()
    assert sorted(doc.file for doc in index.documents()) == ["derby.txt", "rutland.txt"] and len(index) == 4
    assert not index.mentions("management oversight")
    assert [entry["file"] for entry in store.read_record(WITHDRAWN).values()] == ["notts.txt"]
    again = ingest([reports], store_settings, embedder_factory=fake)
    assert [Path(path).name for path in again.withdrawn] == ["notts.txt"] and not again.written


def test_a_failed_write_leaves_the_previous_version(store_settings, reports, tmp_path):
    store = built(store_settings, reports)
    version, files = store.current(), sorted(doc.file for doc in store.load().documents())

    class Failing(FakeEmbedder):
        def embed(self, texts, progress=False):
            raise RuntimeError("the model stopped")

    (reports / "leicester.txt").write_text("1. Care leavers in Leicester are supported.\n")
    (reports / "rutland.txt").write_text("1. Rutland changed.\n")
    with pytest.raises(RuntimeError, match="the model stopped"):
        ingest([reports], store_settings, embedder_factory=lambda name: Failing())
    assert store.current() == version
    index = store.load()
    assert sorted(doc.file for doc in index.documents()) == files and not index.mentions("leicester")
    assert ingest([reports], store_settings, embedder_factory=fake).written  # and the next writer is not stuck


def test_writers_take_turns_and_one_that_waits_too_long_is_refused(store_settings, reports):
    store = built(store_settings, reports)
    held, release = threading.Event(), threading.Event()

    def holder():
        with store.lock(5, lambda message: None):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    told: list[str] = []
    began = time.monotonic()
    with pytest.raises(IndexBusy, match="another ingest has been updating"):
        with open_store(store_settings).lock(0.3, told.append):
            pass
    assert time.monotonic() - began >= 0.25 and len(told) == 1 and "waiting" in told[0]
    release.set()
    thread.join()
    with store.lock(1, told.append):  # free again
        pass


def test_a_missing_index_says_how_to_build_one(store_settings):
    with pytest.raises(IndexMissing, match="build one with: python -m ingest"):
        open_store(store_settings).load()
    with pytest.raises(IndexMissing):
        open_store(store_settings).current()
    assert open_store(store_settings).held_paths() == [] and open_store(store_settings).read_record(LAST_RUN) == {}


def test_the_model_is_recorded_with_the_index_and_another_is_refused(store_settings, reports):
    built(store_settings, reports)
    with pytest.raises(IndexMismatch, match=f"was built with model '{FakeEmbedder.name}', not 'other-model'"):
        open_searcher(store_settings.__class__(**{**store_settings.__dict__, "model": "other-model"}),
                      factory=lambda name: FakeEmbedder())
    with pytest.raises(IndexMismatch, match=f"was built with model '{FakeEmbedder.name}'"):
        ingest([reports], store_settings.__class__(**{**store_settings.__dict__, "model": "other-model"}),
               embedder_factory=fake)


def test_a_rebuild_fills_a_new_version_while_the_old_one_serves(store_settings, reports):
    store = built(store_settings, reports)
    before = store.load()
    count = len(before)
    assert ingest([], store_settings, rebuild=True, embedder_factory=fake).written
    after = store.load()
    assert after.version != before.version and len(after) == count
    assert sorted(doc.file for doc in after.documents()) == sorted(REPORTS)
    assert len(before.documents()) == 3 and before.search(FakeEmbedder().embed(["care"])[0], 2)  # still readable


def test_an_ingest_keeps_the_reports_words_with_the_index_for_reading_misspelt_questions(store_settings, tmp_path):
    """A server reads the words a misspelt question is matched against from the index instead of counting them over
    every sentence of it (1 s on the national sample) when its first such question comes."""
    from ingest.words import RULES, WORDS

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "rutland.txt").write_text("1. Private fostering arrangements are assessed well.\n\n"
                                        "2. Fostering panels are effective.\n")
    store = built(store_settings, folder)
    kept = store.read_record(WORDS)
    assert kept["version"] == store.load().version and kept["rules"] == RULES and kept["words"]["fostering"] >= 2

    def not_counted(self):
        raise AssertionError("counted again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(store.load()), "sentences", not_counted)
        searcher = open_searcher(store_settings, FakeEmbedder())
        assert searcher.vocabulary.closest("fostring") == "fostering"


def test_an_ingest_and_a_removal_keep_the_new_versions_boilerplate_with_the_index(store_settings, tmp_path):
    """A server started after an ingest or a removal reads the reports' repeated sentences from the index instead of
    counting them over every sentence of it before its first answer."""
    from ingest.boilerplate import BOILERPLATE, RULES, wording

    folder = tmp_path / "letters"
    folder.mkdir()
    for council, finding in (("Rutland", "Care leavers have personal advisers."),
                             ("Derby", "Supervision is regular."), ("Kent", "Plans are clear.")):
        (folder / f"{council.lower()}.txt").write_text(
            f"1. This letter summarises the findings of the focused visit to {council} children's services.\n\n"
            f"2. {finding}\n")
    store = built(store_settings, folder)
    letter = "This letter summarises the findings of the focused visit to Leeds children's services."
    assert store.read_record(BOILERPLATE) == {"version": store.load().version, "rules": RULES, "wordings": [wording(letter)]}

    def not_counted(self):
        raise AssertionError("counted again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(store.load()), "sentences", not_counted)
        searcher = open_searcher(store_settings, FakeEmbedder())
        assert letter in searcher.boilerplate and "Plans are clear." not in searcher.boilerplate

    # an index written before the record was kept: a server counts them in the background while it prepares
    store.write_record(BOILERPLATE, {})
    searcher = open_searcher(store_settings, FakeEmbedder())
    searcher.prepare()
    for thread in threading.enumerate():
        if thread.name == "boilerplate":
            thread.join(timeout=10)
    assert searcher.boilerplate.begin() is None and letter in searcher.boilerplate

    remove(["kent.txt"], store_settings)
    assert store.read_record(BOILERPLATE)["version"] == store.load().version  # counted again for the new version

    # the record only saves time: failing to keep it warns, and the new version is written all the same
    written = type(store).write_record

    def unwritable(self, name, record):
        if name == BOILERPLATE:
            raise OSError("disk full")
        written(self, name, record)

    with pytest.MonkeyPatch.context() as patch, pytest.warns(UserWarning, match="servers will count them"):
        patch.setattr(type(store), "write_record", unwritable)
        (folder / "leeds.txt").write_text("1. This letter summarises the findings of the focused visit to Leeds.\n")
        assert ingest([folder], store_settings, embedder_factory=fake).documents == 3
