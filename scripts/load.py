"""Load test: many browser sessions asking at once against one page server; are answers the same as one visitor's?

Usage: python scripts/load.py [--sessions 20] [--index DIR]   (needs Debian's chromium and the playwright package)

Starts `streamlit run app.py` on a free local port, records one single visitor's answer to each question, then
opens N sessions at once, each asking 3 different questions within a minute. Prints the answers that differ
from the single visitor's, errors shown on the page, sessions never answered, and the server's memory before
and after. Exit code 1 when any answer differed, any error was shown or any session went unanswered.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = (
    "What did Ofsted say about care leavers?",
    "How often are social workers supervised?",
    "Are initial child protection conferences timely?",
    "What did inspectors say about early help?",
    "How were Leicestershire's services graded in 2024?",
    "What needs to improve?",
    "Do children in care get help with their mental health?",
    "What did Ofsted say about the front door?",
    "How stable is the social work workforce?",
    "What did Ofsted say about private fostering?",
    "Are children in care visited often enough?",
    "What did inspectors say about leaders?",
)
ANSWER_WAIT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(settings: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free local port with these OFSTED_* settings; returns it once it is healthy."""
    port = free_port()
    env = {**os.environ, **settings}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the Streamlit server did not start")


async def ask(page, question: str) -> tuple[str, str | None]:
    """Type a question, wait for its answer; (answer text, error shown or None). "" means never answered."""
    box = page.get_by_label("Your question")
    await box.fill(question)
    await box.press("Enter")
    deadline = time.time() + ANSWER_WAIT_S
    while time.time() < deadline:
        error = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
        if await error.count():
            return "", await error.first.inner_text()
        cards = page.locator("#passage-1")
        # The page marks which question its answer belongs to once it has drawn it.
        marker = page.locator("div.answered").last
        done = await marker.count() and await marker.get_attribute("data-question") == " ".join(question.split())
        if done and await cards.count():
            answer = page.locator("div.answer")
            text = await answer.first.inner_text() if await answer.count() else "(no answer: not found)"
            first_card = await cards.inner_text()
            return f"{text}\n{first_card}", None
        await page.wait_for_timeout(300)
    return "", None


async def session(browser, url: str, questions: list[str]) -> list[tuple[str, str, str | None]]:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url)
    await page.get_by_label("Your question").wait_for(timeout=ANSWER_WAIT_S * 1000)
    results = []
    for question in questions:
        answer, error = await ask(page, question)
        results.append((question, answer, error))
    await context.close()
    return results


async def run(url: str, sessions: int) -> tuple[dict[str, str], list[list[tuple[str, str, str | None]]], float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        single = await session(browser, url, list(QUESTIONS))
        reference = {question: answer for question, answer, _ in single}
        plans = [[QUESTIONS[(number * 3 + turn) % len(QUESTIONS)] for turn in range(3)] for number in range(sessions)]
        began = time.time()
        results = await asyncio.gather(*(session(browser, url, plan) for plan in plans))
        seconds = time.time() - began
        await browser.close()
    return reference, list(results), seconds


def main(argv: list[str]) -> int:
    command = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    command.add_argument("--sessions", type=int, default=20)
    command.add_argument("--index", type=Path, help="an existing index (default: build one of corpus/ in a temporary folder)")
    args = command.parse_args(argv)
    index = args.index
    if index is None:
        from ingest.config import Settings
        from ingest.pipeline import ingest

        index = Path(tempfile.mkdtemp()) / "index"
        ingest([ROOT / "corpus"], Settings(index=index))
    process, url = start_server({"OFSTED_INDEX": str(index)})
    try:
        urllib.request.urlopen(url, timeout=30)
        before = rss_mb(process.pid)
        reference, results, seconds = asyncio.run(run(url, args.sessions))
        after = rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    asked = [item for result in results for item in result]
    differing = [(q, a) for q, a, e in asked if a and a != reference.get(q)]
    errors = [(q, e) for q, _, e in asked if e]
    unanswered = [number for number, result in enumerate(results) if any(not a and not e for _, a, e in result)]
    print(f"{args.sessions} sessions x 3 questions in {seconds:.0f} s ({len(asked)} answers; "
          f"reference: one visitor, {len(reference)} questions)")
    print(f"answers differing from a single visitor's: {len(differing)}")
    print(f"errors shown: {len(errors)}")
    print(f"sessions with a question never answered (within {ANSWER_WAIT_S} s): {len(unanswered)}")
    print(f"server memory: {before:.0f} MB before, {after:.0f} MB after")
    for question, answer in differing[:5]:
        print(f"  differs: {question!r}: {answer[:120]!r} vs {reference.get(question, '')[:120]!r}")
    for question, error in errors[:5]:
        print(f"  error: {question!r}: {error[:200]!r}")
    return 1 if differing or errors or unanswered else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
