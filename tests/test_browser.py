"""The page in a real browser (Debian's chromium driven by Playwright) against a real Streamlit server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from search.retrieve import open_searcher

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(corpus_index) -> Iterator[str]:
    """`streamlit run app.py` on a free local port, serving the corpus index."""
    port = free_port()
    env = {**os.environ, "OFSTED_INDEX": str(corpus_index.index)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the Streamlit server did not start")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def first_quote(page, previous: str | None, timeout: float = 90) -> str:
    """The text of the answer's first quoted sentence once it differs from ``previous`` (or "" on timeout)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        answers = page.locator("div.answer p")
        if answers.count():
            text = answers.first.inner_text()
            if text != previous:
                return text
        page.wait_for_timeout(250)
    return ""


def test_four_questions_typed_in_a_row_each_get_their_own_answer(server, browser, corpus_index, embedder):
    searcher = open_searcher(corpus_index, embedder)
    questions = ["What did Ofsted say about care leavers?", "How often are social workers supervised?",
                 "Are initial child protection conferences timely?", "What did inspectors say about early help?"]
    expected = [searcher.ask(question).answer.quotes[0].text for question in questions]
    assert len(set(expected)) == len(expected)
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    page.goto(server)
    box = page.get_by_label("Your question")
    box.wait_for(timeout=90_000)
    shown = None
    for question, quote in zip(questions, expected, strict=True):
        box.fill(question)
        box.press("Enter")
        shown = first_quote(page, shown)
        assert quote in shown, (question, shown)
        assert box.input_value() == question
    page.locator("#passage-5").wait_for(timeout=60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "ask.png"), full_page=True)
    page.close()


def test_passage_text_is_shown_exactly_as_written(server, browser, corpus_index, embedder):
    searcher = open_searcher(corpus_index, embedder)
    question = "What did Ofsted say about the local authority's early help offer?"
    hits = searcher.search(question, k=5)
    page = browser.new_page()
    page.goto(f"{server}/?q={urllib.request.quote(question)}")
    page.locator("div.passage").first.wait_for(timeout=90_000)
    shown = [page.locator(f"#passage-{hit.rank} div.passage").inner_text() for hit in hits]
    assert [" ".join(text.split()) for text in shown] == [" ".join(hit.chunk.text.split()) for hit in hits]
    assert not any("&#" in text or "&amp;" in text for text in shown)
    page.close()
