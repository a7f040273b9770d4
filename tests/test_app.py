"""The web page through Streamlit's AppTest: ask, read cited passages, stay inert to report markup."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from ingest.config import Settings
from ingest.pipeline import ingest

APP = str(ROOT / "app.py")


def run_app(monkeypatch, index: Path, question: str) -> AppTest:
    monkeypatch.setenv("OFSTED_INDEX", str(index))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(APP, default_timeout=180)
    app.run()
    assert not app.exception
    app.text_input[0].input(question).run()
    assert not app.exception, app.exception
    return app


def cards(app: AppTest) -> list[str]:
    return [element.value for element in app.markdown if 'class="card"' in element.value]


def test_asking_a_question_shows_cited_passages(corpus_index, monkeypatch):
    app = run_app(monkeypatch, corpus_index.index, "What did Ofsted say about care leavers?")
    shown = cards(app)
    assert len(shown) == 5
    assert any("paragraph 15" in card and "Personal advisers" in card for card in shown)
    assert all("<mark>" in card for card in shown)
    assert app.query_params["q"] == "What did Ofsted say about care leavers?"
    assert not app.error


def test_report_html_and_markdown_are_shown_inert(tmp_path, embedder, monkeypatch):
    report = tmp_path / "hostile.txt"
    report.write_text(
        "1. Care leavers were <script>alert('x')</script> supported by **personal advisers** "
        "and [click here](http://evil.example) <img src=x onerror=alert(1)>.\n"
    )
    settings = Settings(index=tmp_path / "index")
    ingest([report], settings, embedder_factory=lambda name: embedder)
    app = run_app(monkeypatch, settings.index, "care leavers personal advisers")
    shown = " ".join(cards(app))
    assert "&#60;script&#62;" in shown and "<script" not in shown
    assert "<img" not in shown and "&#60;img" in shown
    assert "**personal" not in shown and "&#42;&#42;personal" in shown
    assert "](http" not in shown


def test_a_broken_index_shows_an_error_not_a_traceback(tmp_path, monkeypatch):
    index = tmp_path / "index"
    index.mkdir()
    (index / "CURRENT").write_text("v-missing")
    monkeypatch.setenv("OFSTED_INDEX", str(index))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception
    assert app.error and "python -m ingest" in app.error[0].value


@pytest.mark.parametrize("missing", [True])
def test_no_index_builds_one_from_the_corpus(tmp_path, monkeypatch, missing):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text((ROOT / "corpus" / "leicestershire-2024-09-03-scrutiny-committee-ofsted-ilacs.txt").read_text())
    monkeypatch.setenv("OFSTED_CORPUS", str(corpus))
    app = run_app(monkeypatch, tmp_path / "index", "personal advisers")
    assert (tmp_path / "index" / "CURRENT").is_file()
    assert any("Index built" in status.label for status in app.get("expandable")) or cards(app)
    assert cards(app)


def test_page_shows_quoted_answer_with_markers_and_understood_chips(corpus_index, monkeypatch):
    app = run_app(monkeypatch, corpus_index.index, "How were Leicestershire's services graded in 2024?")
    page = " ".join(element.value for element in app.markdown)
    assert 'class="chip">Leicestershire<' in page and 'class="chip">2024<' in page
    answer = next(element.value for element in app.markdown if 'class="answer"' in element.value)
    markers = [int(m) for m in __import__("re").findall(r'href="#passage-(\d+)"', answer)]
    assert markers and all(f'id="passage-{m}"' in page for m in markers)
    assert app.checkbox[0].label == "Search all reports instead"
    app.checkbox[0].check().run()
    assert app.query_params["all"] == "1" and not app.exception


def test_streamlit_run_serves_the_app_loading_the_model_and_index_as_the_server_starts(corpus_index, monkeypatch):
    """`streamlit run app.py` finds app.py's st.App, whose lifespan starts loading the searcher in the background; the
    first visitor's page then gets the one loaded (the page's cold start: 2.96 -> 2.74 s on the national sample)."""
    import asyncio
    import importlib
    import sys
    import threading

    from streamlit import config
    from streamlit.web.server.app_discovery import discover_asgi_app

    import views.shared as shared

    assert discover_asgi_app(Path(APP)).is_asgi_app
    monkeypatch.setenv("OFSTED_INDEX", str(corpus_index.index))
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.setattr(config, "_main_script_path", config._main_script_path)  # the App sets it for the process
    served = importlib.import_module("app")  # as `streamlit run` imports it: not a visitor's run of the page
    monkeypatch.delitem(sys.modules, "app")
    opened = []
    real = shared.open_searcher
    monkeypatch.setattr(shared, "open_searcher", lambda *args, **kwargs: opened.append(1) or real(*args, **kwargs))
    shared.searcher.clear()

    async def serve() -> None:
        async with served._loading(served.app):
            for thread in [thread for thread in threading.enumerate() if thread.name == "preload"]:
                thread.join(timeout=120)

    asyncio.run(serve())
    assert opened == [1]
    store = shared.open_store(shared.from_env())
    assert shared.searcher(store.where, store.current()) is shared.searcher(store.where, store.current())
    assert opened == [1]  # the visitor's page took the searcher the server loaded
