"""The page in a real browser (Debian's chromium driven by Playwright) against a real Streamlit server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, SHARED_SAMPLE
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
    yield from serve({"OFSTED_INDEX": str(corpus_index.index)})


@pytest.fixture(scope="module")
def shared_server(shared_index, tmp_path_factory) -> Iterator[str]:
    """The app serving a copy of the index of the corpus and the shared reports (uploads change the copy only)."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copytree(shared_index.index, folder / "index")
    for url in serve({"OFSTED_INDEX": str(folder / "index"), "OFSTED_UPLOADS": str(folder / "uploads"),
                      "OFSTED_OFFICER_PASSWORD": OFFICER}):
        SERVED[url] = folder / "index"
        yield url


OFFICER = "officer secret"  # the officer password of the servers that allow uploads
SERVERS: dict[str, int] = {}  # url -> process id of each Streamlit server started here
SERVED: dict[str, Path] = {}  # url -> the index folder of a server that serves a copy of its own (it may change it)


def peak_memory_mb(pid: int) -> float:
    """The most resident memory the process has held (Linux's VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def serve(settings: dict[str, str]) -> Iterator[str]:
    """`streamlit run app.py` on a free local port with these OFSTED_* settings, until the tests are done."""
    port = free_port()
    env = {**os.environ, **settings}
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
    SERVERS[url] = process.pid
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


def test_a_readers_verdict_is_recorded_and_exported_as_an_evaluation_case(shared_server, browser):
    question = "What did Ofsted say about early help in Leicestershire?"
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    page.goto(f"{shared_server}/?q={urllib.request.quote(question)}")
    page.locator("#passage-1").wait_for(timeout=90_000)
    page.get_by_text("Is this answer right? Tell us").click()
    page.get_by_text("does not answer the question").click()
    page.get_by_label("Anything else (optional)").fill("It quotes the committee paper, not the inspection.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Thank you: your verdict is kept").wait_for(timeout=60_000)
    page.close()
    run = subprocess.run([sys.executable, "-m", "search.feedback", "export", "--index", str(SERVED[shared_server])],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    cases = [case for case in json.loads(run.stdout) if case["q"] == question]
    assert cases and cases[-1]["feedback"] == "does not answer the question"
    assert cases[-1]["comment"] == "It quotes the committee paper, not the inspection."


def test_passage_text_is_shown_exactly_as_written(server, browser, corpus_index, embedder):
    searcher = open_searcher(corpus_index, embedder)
    stored = {" ".join(item.chunk.text.split()) for doc in searcher.index.documents()
              for item in searcher.index.document_chunks(doc.id)}
    question = "What did Ofsted say about the local authority's early help offer?"
    page = browser.new_page()
    page.goto(f"{server}/?q={urllib.request.quote(question)}")
    page.locator("#passage-5 div.passage").wait_for(timeout=90_000)
    shown = [page.locator(f"#passage-{rank} div.passage").inner_text() for rank in range(1, 6)]
    assert all(" ".join(text.split()) in stored for text in shown)  # each card is a passage exactly as stored
    assert any("'" in text or "’" in text for text in shown)  # including the characters HTML would escape
    assert not any("&#" in text or "&amp;" in text for text in shown)
    page.close()


def wait_until_drawn(page, timeout: float = 120_000) -> None:
    """Wait for the app to finish running its script (the running indicator gone)."""
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=timeout)
    page.wait_for_timeout(300)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_a_grade_question_shows_the_grade_table_and_a_citation_opens_the_page(shared_server, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 1600})
    question = "How was Nottinghamshire rated for helping and protecting children at its 2019 inspection?"
    page.goto(f"{shared_server}/?q={urllib.request.quote(question)}")
    table = page.locator("table.grades")
    table.wait_for(timeout=120_000)
    first = table.locator("tbody tr").first.inner_text()
    assert "Nottinghamshire" in first and "help and protection" in first and "requires improvement" in first
    wait_until_drawn(page)
    shot(page, "ask-grades.png")
    page.locator("#passage-1 a.open").click()
    page.locator("#cited mark").wait_for(timeout=120_000)
    wait_until_drawn(page)
    assert "/report?" in page.url
    assert page.locator("[data-testid='stImage'] img").count() == 1
    assert "requires improvement" in page.locator("#cited mark").inner_text().lower()
    shot(page, "report.png")
    page.close()


def test_the_council_page_draws_the_grade_chart(shared_server, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 1600})
    page.goto(f"{shared_server}/councils?council=Leicester")
    page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first.wait_for(
        timeout=120_000)
    wait_until_drawn(page)
    assert page.locator("table.grades").count() >= 4  # 2015, 2017, 2021 and 2024 inspections
    assert "inadequate" in page.locator("table.grades").first.inner_text()
    shot(page, "councils.png")
    page.close()


def test_two_inspections_compared_and_the_briefing_downloaded(shared_server, browser, tmp_path):
    from docx import Document as WordDocument

    page = browser.new_page(viewport={"width": 1300, "height": 1600})
    page.goto(f"{shared_server}/compare?council=Derbyshire")
    page.get_by_text("Change", exact=True).wait_for(timeout=120_000)
    wait_until_drawn(page)
    grades = page.locator("table.grades").first.inner_text()
    assert "▲ improved" in grades and "care leavers" in grades
    assert page.locator("div.card").count() >= 6
    assert "a=" in page.url and "b=" in page.url  # shareable
    shot(page, "compare.png")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Briefing (Word)").click()
    saved = tmp_path / "comparison.docx"
    download.value.save_as(saved)
    document = WordDocument(str(saved))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("Comparison: Derbyshire") and "Grades" in headings
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    citations = [p.text for p in document.paragraphs if p.text.startswith("— ")]
    assert quotes and len(citations) == len(quotes) and all("Derbyshire" in line for line in citations)
    page.close()


def test_an_uploaded_pdf_is_ingested_and_answers(shared_server, browser):
    report = SHARED_SAMPLE / "barnsley-2023-10-27-ofsted-inspection.pdf"
    if not report.is_file():
        pytest.skip("../shared/national-sample is not beside this checkout")
    page = browser.new_page(viewport={"width": 1300, "height": 1600})
    page.goto(f"{shared_server}/library")
    password = page.get_by_role("textbox", name="Officer password")
    password.wait_for(timeout=120_000)
    assert page.locator("input[type='file']").count() == 0  # a visitor cannot add reports
    password.fill(OFFICER)
    password.press("Enter")
    page.locator("input[type='file']").set_input_files(str(report))
    page.get_by_role("button", name="Add to the index").click()
    page.get_by_text("Added 1 report(s)").wait_for(timeout=300_000)
    wait_until_drawn(page)
    shot(page, "library.png")
    assert peak_memory_mb(SERVERS[shared_server]) < 1500  # the upload is read and embedded in a process of its own
    question = "How was Barnsley graded in 2023?"
    page.goto(f"{shared_server}/?q={urllib.request.quote(question)}")
    page.locator("table.grades").wait_for(timeout=120_000)
    assert "Barnsley" in page.locator("table.grades tbody tr").first.inner_text()
    assert "barnsley" in page.locator("#passage-1").inner_text().lower() or \
        "Barnsley" in page.locator("#passage-1 .cite").inner_text()
    page.goto(f"{shared_server}/library")  # the officer signs in again (a new visit) and takes it out
    password = page.get_by_role("textbox", name="Officer password")
    password.wait_for(timeout=120_000)
    password.fill(OFFICER)
    password.press("Enter")
    page.get_by_role("combobox", name="Report to remove").wait_for(timeout=120_000)
    page.get_by_role("combobox", name="Report to remove").click()
    page.get_by_role("option", name="Barnsley", exact=False).first.click()
    page.get_by_text("Every visitor will stop seeing this report").click()
    page.get_by_role("button", name="Remove from the library").click()
    page.get_by_text("Removed Barnsley").wait_for(timeout=120_000)
    shot(page, "library-removed.png")
    page.goto(f"{shared_server}/?q={urllib.request.quote(question)}")
    page.get_by_text("No report for Barnsley is indexed").wait_for(timeout=120_000)
    page.close()


CRAFTED = {  # report text written to look like Markdown, HTML and LaTeX: every page must show it as text
    "rutland-2024-crafted.txt": (
        "# Inspection of Rutland [Sign in again](evil.example/login) ![seal](evil.example/x.png) <b>Bold</b> $x^2$\n\n"
        "Inspection dates: 15 to 26 April 2024\n\n"
        "1. Care leavers in Rutland are supported well by their personal advisers <img src=\"evil.example/y.png\"> "
        "**strong** [advice](evil.example/help) $y^2$ and live in suitable homes.\n\n"
        "2. The overall effectiveness of children's services is good.\n"),
    "rutland-2019-crafted.txt": (
        "# Inspection of Rutland <i>Old</i> [Sign in](evil.example/old)\n\n"
        "Inspection dates: 4 to 15 March 2019\n\n"
        "1. Care leavers in Rutland did not always have a personal adviser <script>alert(1)</script> __under__ "
        "`code` when they needed one.\n\n"
        "2. The overall effectiveness of children's services requires improvement to be good.\n"),
}
# What the crafted text would become if it were rendered: links, images, emphasis, code, formulae, scripts.
RENDERED = ("a[href*='evil']:not([href^='#']), img[src*='evil'], b:text-is('Bold'), i:text-is('Old'), "
            "strong:text-is('strong'), "
            "em:text-is('under'), strong:text-is('under'), code:text-is('code'), .katex, script:text-is('alert(1)')")


@pytest.fixture(scope="module")
def crafted_server(tmp_path_factory, embedder) -> Iterator[tuple[str, Path]]:
    """The app serving an index of two reports whose titles and passages are written as markup; its address and
    index."""
    from ingest.config import Settings
    from ingest.pipeline import ingest

    folder = tmp_path_factory.mktemp("crafted")
    for name, text in CRAFTED.items():
        (folder / "reports").mkdir(exist_ok=True)
        (folder / "reports" / name).write_text(text)
    settings = Settings(index=folder / "index")
    assert not ingest([folder / "reports"], settings, embedder_factory=lambda name: embedder).failures
    for url in serve({"OFSTED_INDEX": str(settings.index)}):
        yield url, settings.index


def test_report_text_written_as_markup_is_shown_as_text_on_every_page(crafted_server, browser):
    from ingest.store import Index
    from search.viewer import key_of

    url, folder = crafted_server
    newest = next(doc for doc in Index.load(folder).documents() if doc.file.startswith("rutland-2024"))
    question = urllib.request.quote("What did Ofsted say about care leavers in Rutland?")
    pages = {
        f"/?q={question}": ["<img src=\"evil.example/y.png\"> **strong** [advice](evil.example/help) $y^2$"],
        f"/report?doc={key_of(newest)}": ["[Sign in again](evil.example/login) ![seal](evil.example/x.png) "
                                           "<b>Bold</b> $x^2$"],
        "/councils?council=Rutland": [],
        "/compare?council=Rutland": ["<script>alert(1)</script> __under__ `code`"],
        "/library": [],
    }
    page = browser.new_page(viewport={"width": 1300, "height": 1600})
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    for address, literal in pages.items():
        page.goto(f"{url}{address}")
        page.locator("h1").first.wait_for(timeout=120_000)
        wait_until_drawn(page)
        shown = " ".join(page.locator("body").inner_text().split())
        assert not page.locator(RENDERED).count(), (address, page.locator(RENDERED).first.evaluate("e => e.outerHTML"))
        for text in literal:
            assert text in shown, (address, text)
    assert not alerts
    page.close()


PAGE_NAMES = ["ask", "ask-grades", "ask-topic", "report", "councils", "compare", "library", "accessibility"]


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)])
def test_no_serious_accessibility_violation_on_any_page(shared_server, shared_index, browser, scheme, width):
    """axe-core (WCAG 2.2 A and AA rules and best practices) finds nothing serious or critical on any page, in both
    themes, at desktop and phone width."""
    from axe_playwright_python.sync_playwright import Axe

    from ingest.store import Index
    from search.viewer import key_of

    index = Index.load(shared_index.index)
    doc = next(doc for doc in index.documents() if doc.file == "rutland-2024-07-12-ofsted-inspection.pdf")
    cited = next(item.chunk for item in index.document_chunks(doc.id) if item.chunk.page and item.chunk.page > 2)
    pages = ["/", f"/?q={urllib.request.quote('How was Leicester graded in 2024?')}",
             f"/?q={urllib.request.quote('What did Ofsted say about care leavers in Rutland?')}",
             f"/report?doc={key_of(doc)}&at={cited.start}", "/councils?council=Leicester",
             "/compare?council=Derbyshire", "/library", "/accessibility"]
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    found = {}
    for address in pages:
        page.goto(f"{shared_server}{address}")
        page.locator("h1").first.wait_for(timeout=120_000)
        wait_until_drawn(page)
        if scheme == "light" and width < 500:  # what a phone shows, to look at (docs/screenshots/phone-*.png)
            shot(page, f"phone-{PAGE_NAMES[pages.index(address)]}.png")
        elif scheme == "light" and address == "/accessibility":  # the other pages' are taken where they are used
            shot(page, "accessibility.png")
        violations = Axe().run(page).response["violations"]
        found[address] = [(item["id"], item["nodes"][0]["html"][:120]) for item in violations
                          if item["impact"] in ("serious", "critical")]
    page.close()
    assert not any(found.values()), {address: problems for address, problems in found.items() if problems}


def test_a_follow_up_typed_in_the_box_keeps_its_council(shared_server, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(shared_server)
    box = page.get_by_label("Your question")
    box.wait_for(timeout=120_000)
    box.fill("how did rutland do last time")
    box.press("Enter")
    page.locator("table.grades tbody tr").first.get_by_text("Rutland").wait_for(timeout=120_000)
    box.fill("and nottinghamshire?")
    page.get_by_role("button", name="Ask", exact=True).click()
    page.locator("table.grades tbody tr").first.get_by_text("Nottinghamshire").wait_for(timeout=120_000)
    wait_until_drawn(page)
    assert page.get_by_text("following on from your last question").count() == 1
    assert page.locator("div.answer").bounding_box()["y"] < 900  # the answer on the first screen
    shot(page, "ask-follow-up.png")
    page.close()


def test_a_citation_opens_the_report_with_the_passage_on_the_first_screen(shared_server, shared_index, browser):
    from ingest.store import Index
    from search.viewer import key_of, passage

    index = Index.load(shared_index.index)
    doc = next(doc for doc in index.documents() if doc.file == "leicestershire-2024-07-12-ofsted-inspection.pdf")
    # the passage with the most text above it (its neighbours before): on a phone, far below the first screen
    cited = max((item.chunk for item in index.document_chunks(doc.id) if item.chunk.page and item.chunk.page >= 3),
                key=lambda chunk: sum(len(item.chunk.text) for item in passage(index, doc, chunk.start).before))
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{shared_server}/report?doc={key_of(doc)}&at={cited.start}")
    page.locator("#cited mark").wait_for(state="attached", timeout=120_000)
    wait_until_drawn(page)
    page.wait_for_timeout(1500)
    box = page.locator("#cited").bounding_box()
    assert box is not None and 0 <= box["y"] < 844 - 40, box  # its first lines in view
    page.close()
    page = browser.new_page(viewport={"width": 1300, "height": 1000})  # the printed page, zoomed and turned
    page.goto(f"{shared_server}/report?doc={key_of(doc)}&at={cited.start}")
    page.get_by_text("Zoom in on the page").click()
    zoomed = page.locator(".zoomed img")
    zoomed.wait_for(timeout=120_000)
    frame = page.locator(".zoomed").bounding_box()
    assert frame is not None and zoomed.evaluate("image => image.getBoundingClientRect().width") >= 1.9 * frame["width"]
    page.locator(".zoomed").focus()  # scrolled across by keyboard
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.zoomed').scrollLeft > 0", timeout=10_000)
    shot(page, "report-zoomed.png")
    page.get_by_role("button", name="Next page").click()
    page.get_by_text(f"Page {cited.page + 1} (the passage is on page {cited.page})").wait_for(timeout=60_000)
    page.close()


def test_keyboard_only_a_question_is_typed_answered_and_its_citation_opened(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server)
    box = page.get_by_label("Your question")
    box.wait_for(timeout=120_000)
    page.wait_for_function("document.activeElement && document.activeElement.getAttribute('aria-label') === "
                           "'Your question'", timeout=30_000)  # the box has the keyboard on load
    page.keyboard.type("What did Ofsted say about care leavers?")
    page.keyboard.press("Enter")
    page.locator("div.answer").wait_for(timeout=120_000)
    wait_until_drawn(page)
    for _ in range(60):  # Tab to the first passage's citation link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('#passage-1 a.open')"):
            break
    else:
        pytest.fail("the first citation link cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.locator("#cited mark").wait_for(timeout=120_000)
    assert "/report?" in page.url
    wait_until_drawn(page)
    for _ in range(60):  # the sidebar's filters are reached with Tab too
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('[data-testid=\"stSidebar\"] input') !== null"):
            break
    else:
        pytest.fail("the sidebar's filters cannot be reached with Tab")
    page.close()


def test_the_sidebar_filters_follow_the_reader_to_another_page(shared_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{shared_server}/?council=Rutland&from=2017")
    page.get_by_label("Your question").wait_for(timeout=120_000)
    wait_until_drawn(page)
    page.get_by_role("link", name="Library").click()  # the navigation bar: its links carry no parameters
    page.locator("h1", has_text="Library").wait_for(timeout=120_000)
    wait_until_drawn(page)
    assert "council=Rutland" in page.url and "from=2017" in page.url
    assert page.locator("[data-testid='stSidebar']").get_by_text("Rutland").count() >= 1
    page.close()
