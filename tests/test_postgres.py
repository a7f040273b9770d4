"""The PostgreSQL store end to end: the same answers as the index folder from the same reports (real model), a killed
ingest leaving the database as it was, the page served from the database, and the database's own refusals."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, new_database
from ingest.boilerplate import BOILERPLATE
from ingest.errors import IndexMissing
from ingest.migrate import copy_index
from ingest.pipeline import ingest
from ingest.stores import open_store
from search.evaluate import load_questions, score
from search.retrieve import open_searcher

DEV = ROOT.parent / "shared" / "questions" / "dev.json"
QUESTIONS = ["What did Ofsted say about care leavers?", "How good is management oversight of social work?",
             "Were children seen alone?", "What grade did Leicestershire get in 2024?",
             "What needs to improve?", "Did Ofsted inspect the public library opening hours?"]


def _copied(settings, postgres):
    """The same index (same passages, same vectors) in a new database."""
    target = replace(settings, database_url=new_database(postgres))
    copy_index(open_store(settings), open_store(target), 10, lambda *_: None, lambda _: None)
    return target


def _shown(result) -> tuple:
    return ([(hit.document.path, hit.chunk.start, round(hit.score, 6)) for hit in result.hits],
            [quote.text for quote in result.answer.quotes], result.verdict.answered, result.labels)


def test_the_database_answers_as_the_folder_does(corpus_index, embedder, postgres):
    database = _copied(corpus_index, postgres)
    folder, shared = open_searcher(corpus_index, embedder), open_searcher(database, embedder)
    assert shared.index.version == open_store(database).current()
    kept = open_store(database).read_record(BOILERPLATE)  # the copy counted its boilerplate as an ingest does
    assert kept["version"] == shared.index.version and kept["wordings"] == sorted(folder.boilerplate.wordings())
    for question in QUESTIONS:
        assert _shown(shared.ask(question)) == _shown(folder.ask(question)), question


@pytest.mark.parametrize("file", ["tests/questions.json", "dev.json"])
def test_quality_on_the_question_files_is_the_same_in_both_stores(shared_index, embedder, postgres, file):
    path = DEV if file == "dev.json" else ROOT / file
    if not path.is_file():
        pytest.skip(f"{path} is not beside this checkout")
    questions = load_questions(path)
    database = _copied(shared_index, postgres)
    folder, shared = open_searcher(shared_index, embedder), open_searcher(database, embedder)
    mine, theirs = score(questions, shared.ask), score(questions, folder.ask)
    for measure, value in theirs.items():
        if isinstance(value, float):
            assert abs(mine[measure] - value) <= 0.01, (measure, mine[measure], value)


def test_an_ingest_killed_mid_write_leaves_the_database_as_it_was(tmp_path, postgres):
    url = new_database(postgres)
    reports = tmp_path / "reports"
    reports.mkdir()
    for n in range(4):
        (reports / f"r{n}.txt").write_text(f"1. Report {n}: care leavers are supported by personal advisers.\n")
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]
        from pathlib import Path
        from conftest import FakeEmbedder, fake_settings
        from dataclasses import replace
        from ingest.pipeline import ingest

        class Stalling(FakeEmbedder):
            calls = 0
            def embed(self, texts, progress=False):
                Stalling.calls += 1
                if Stalling.calls == {{stall}}:  # documents already written in the open transaction; then killed
                    print("stalled", flush=True)
                    time.sleep(60)
                return super().embed(texts, progress)

        settings = replace(fake_settings(Path({str(tmp_path)!r})), database_url={url!r}, readers=0)
        ingest([Path({str(reports)!r})], settings, embedder_factory=lambda name: Stalling())
        print("done", flush=True)
    """)
    first = subprocess.run([sys.executable, "-c", script.replace("{stall}", "0")], capture_output=True, text=True,
                           timeout=120)
    assert first.returncode == 0 and "done" in first.stdout, first.stderr
    store = open_store(replace(_settings(tmp_path), database_url=url))
    version, before = store.current(), sorted(doc.path for doc in store.load().documents())
    for n in range(4, 8):
        (reports / f"r{n}.txt").write_text(f"1. Report {n}: supervision of social workers is regular.\n")
    killed = subprocess.Popen([sys.executable, "-c", script.replace("{stall}", "3")], stdout=subprocess.PIPE, text=True)
    assert killed.stdout is not None and killed.stdout.readline().strip() == "stalled"
    killed.kill()
    killed.wait(30)
    assert store.current() == version
    index = store.load()
    assert sorted(doc.path for doc in index.documents()) == before and not index.mentions("supervision")
    with store.connect() as connection:  # type: ignore[attr-defined]  # nothing of the killed transaction is left in the tables
        assert connection.execute("SELECT count(*) FROM ofsted_documents").fetchone()[0] == 4
    finished = subprocess.run([sys.executable, "-c", script.replace("{stall}", "0")], capture_output=True, text=True,
                              timeout=120)
    assert finished.returncode == 0, finished.stderr  # the lock died with the killed writer
    assert len(store.load().documents()) == 8


def _settings(tmp_path):
    from conftest import fake_settings

    return fake_settings(tmp_path)


def test_the_page_answers_from_the_database(corpus_index, postgres, monkeypatch):
    database = _copied(corpus_index, postgres)
    monkeypatch.setenv("OFSTED_DATABASE_URL", database.database_url)
    monkeypatch.setenv("OFSTED_INDEX", str(corpus_index.index.parent / "not-used"))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.run()
    assert not app.exception
    app.text_input[0].input("What did Ofsted say about care leavers?").run()
    assert not app.exception, app.exception
    cards = [element.value for element in app.markdown if 'class="card"' in element.value]
    assert len(cards) == 5 and any("Personal advisers" in card for card in cards)
    assert not (corpus_index.index.parent / "not-used").exists()  # nothing was built in the folder


def test_an_unreachable_database_is_named_with_the_fix(tmp_path):
    settings = replace(_settings(tmp_path), database_url=f"postgresql://nobody@/nothing?host={tmp_path}")
    with pytest.raises(IndexMissing, match=r"cannot reach the database nothing on .*check OFSTED_DATABASE_URL"):
        open_store(settings).load()
    with pytest.raises(IndexMissing, match="cannot reach"):
        ingest([tmp_path], settings)


def test_a_council_index_folder_is_copied_into_the_database_from_the_command_line(corpus_index, postgres, capsys):
    from ingest.__main__ import main

    url = new_database(postgres)
    assert main(["--copy-from", str(corpus_index.index), "--database", url]) == 0
    assert "copied the index in" in capsys.readouterr().out
    folder, database = open_store(corpus_index).load(), open_store(replace(corpus_index, database_url=url)).load()
    assert [(doc.path, doc.sha256, doc.description) for doc in database.documents()] == \
        [(doc.path, doc.sha256, doc.description) for doc in folder.documents()]
    assert len(database) == len(folder) and database.manifest.model == folder.manifest.model
    first = folder.documents()[0]
    assert [item.chunk for item in database.document_chunks(first.id)] == [item.chunk for item in folder.document_chunks(first.id)]


def test_a_verdict_sent_to_a_read_only_database_is_refused_with_the_fix(corpus_index, postgres):
    from ingest.errors import IndexUnwritable

    database = _copied(corpus_index, postgres)
    store = open_store(database)
    with store.connect() as connection:  # type: ignore[attr-defined]  # as a streaming replica is
        connection.execute(f"ALTER DATABASE {connection.info.dbname} SET default_transaction_read_only = on")
    with pytest.raises(IndexUnwritable, match="read-only .*point OFSTED_DATABASE_URL at the primary"):
        store.append("feedback", {"verdict": "answers the question"})
    assert open_store(database).load().documents()  # and questions are still answered from it


def test_a_reader_reads_a_passage_from_the_database_once(corpus_index, postgres):
    reader = open_store(_copied(corpus_index, postgres)).load()
    ids = sorted(reader.chunk_ids([record.id for record in reader.documents()]))[:8]
    trips = []
    rows = reader._rows
    reader._rows = lambda *args, **kwargs: trips.append(args) or rows(*args, **kwargs)  # type: ignore[method-assign]
    first = [(item.id, item.chunk.text) for item in reader.chunks([*ids, 10**9])]
    vectors = reader.sentence_vectors(ids)
    asked = len(trips)
    assert [(item.id, item.chunk.text) for item in reader.chunks([10**9, *ids[::-1]])] == first[::-1]
    assert {i: v.tolist() for i, v in reader.sentence_vectors(ids).items()} == {i: v.tolist() for i, v in vectors.items()}
    assert asked == 2 and len(trips) == asked  # none again, and an id that is not there is not asked for twice
    assert len(first) == len(ids)  # the id that is not there gives nothing


@pytest.mark.parametrize("phrase", ["care leavers", "children in care", "initial child protection conference",
                                    "the experiences and progress of children", "children's services", "no such phrase"])
def test_a_phrase_is_found_from_its_words_positions_as_the_database_joins_them(corpus_index, postgres, phrase):
    from psycopg import sql

    from ingest.postgres import _held

    reader = open_store(_copied(corpus_index, postgres)).load()
    words = reader._words_of(phrase)
    ids, tf, size = reader._phrase_postings(words)
    joined = reader._rows(sql.SQL("SELECT id, tf, size FROM ({}) AS h ORDER BY id").format(_held(reader._seen_in, words)),
                          [*words[1:], words[0]])
    assert ids.tolist() == [row[0] for row in joined]
    assert tf.tolist() == [float(row[1]) for row in joined] and size.tolist() == [float(row[2]) for row in joined]
    assert (len(ids) > 0) is (phrase != "no such phrase")
