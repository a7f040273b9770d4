"""Readers' verdicts: kept with what was shown, safe from many threads, exported as question-file entries."""

import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import FakeEmbedder
from ingest.pipeline import ingest
from ingest.store import FolderStore
from ingest.stores import open_store
from search.evaluate import load_questions
from search.feedback import VERDICTS, main, record, recorded, verdict_on


def test_verdicts_from_many_threads_are_all_kept_and_exported(tmp_path, corpus_searcher, capsys, store_settings):
    """In either store: the index folder, or the database many servers share."""
    report = tmp_path / "reports"
    report.mkdir()
    (report / "a.txt").write_text("1. Care leavers are supported well.\n")
    ingest([report], store_settings, embedder_factory=lambda name: FakeEmbedder())
    store = open_store(store_settings)
    result = corpus_searcher.ask("What did Ofsted say about care leavers?")
    verdicts = [verdict_on(result, f"care leavers {n}", VERDICTS[n % 3], f"comment {n}", "v-1") for n in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda verdict: record(open_store(store_settings), verdict), verdicts))
    kept = recorded(store)
    assert sorted(verdict.comment for verdict in kept) == sorted(f"comment {n}" for n in range(24))
    assert kept[0].shown[0].file == result.hits[0].document.file and kept[0].quotes and kept[0].at
    out = tmp_path / "cases.json"
    where = ["--database", store_settings.database_url] if store_settings.database_url else ["--index", str(store_settings.index)]
    assert main(["export", *where, "-o", str(out)]) == 0
    cases = json.loads(out.read_text())
    assert len(cases) == 24 and cases[0]["q"] == result.question and cases[0]["gold"] == []
    assert cases[0]["doc"] and cases[0]["feedback"] in VERDICTS
    main(["list", *where])
    assert len(capsys.readouterr().out.splitlines()) == 24


def test_an_exported_case_becomes_an_evaluation_question_once_its_gold_is_written(tmp_path, corpus_searcher):
    result = corpus_searcher.ask("What did Ofsted say about care leavers?")
    record(FolderStore(tmp_path), verdict_on(result, "care leavers", "does not answer the question", "", "v-1"))
    main(["export", "--index", str(tmp_path), "-o", str(tmp_path / "cases.json")])
    cases = json.loads((tmp_path / "cases.json").read_text())
    cases[0]["gold"] = ["care leavers"]  # what a person who read the report writes
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    assert [question.q for question in load_questions(tmp_path / "cases.json")] == [result.question]


def test_an_unknown_verdict_is_refused(corpus_searcher):
    with pytest.raises(ValueError, match="unknown verdict"):
        verdict_on(corpus_searcher.ask("care leavers"), "care leavers", "great", "", "v-1")


def test_the_page_keeps_a_readers_verdict(tmp_path, corpus_index, monkeypatch):
    from test_pages import open_page

    shutil.copytree(corpus_index.index, tmp_path / "index")
    app = open_page(monkeypatch, tmp_path / "index", "ask", q="What did Ofsted say about care leavers?")
    app.radio[0].set_value("wrong citation")
    app.text_area[0].set_value("The second quote is from another year.")
    next(button for button in app.button if button.label == "Send").click().run()
    assert not app.exception and [item.value for item in app.success][-1].startswith("Thank you")
    kept = recorded(FolderStore(tmp_path / "index"))
    assert [(verdict.verdict, verdict.comment) for verdict in kept] == [("wrong citation", "The second quote is from another year.")]
    assert kept[0].shown and kept[0].index_version.startswith("v-")
