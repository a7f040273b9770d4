"""Benchmark: how long visitors wait for answers while an officer's upload is ingested, in the page server or apart.

Usage: python scripts/upload_latency.py REPORT [REPORT ...] [--index DIR]

Asks questions one after another through one shared searcher, as the page's visitors do: first with nothing else
running, then while the reports are ingested into a copy of the index the way the library page did before
(``ingest.pipeline.ingest`` in the same process, with the visitors' shared model) and the way it does now
(``ingest.apart.ingest_apart``: ``python -m ingest`` in a process of its own, at low priority), in that order
reversed so that the peak memory printed after the second case is the page server's own. Prints each case's
answer time p50 / p95 / max and the server process's peak memory, measured in one run so that they compare.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.apart import ingest_apart  # noqa: E402
from ingest.config import from_env  # noqa: E402
from ingest.embed import Embedder, SentenceEmbedder  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from search.retrieve import open_searcher  # noqa: E402

QUESTIONS = (
    "What did Ofsted say about care leavers?",
    "How often are social workers supervised?",
    "What did inspectors say about early help?",
    "How stable is the social work workforce?",
)


def timed_answers(ask: Callable[[str], object], running: Callable[[], bool], least: int) -> list[float]:
    """Seconds per answer, asking in turn while ``running()`` holds (and at least ``least`` times)."""
    seconds: list[float] = []
    while running() or len(seconds) < least:
        began = time.perf_counter()
        ask(QUESTIONS[len(seconds) % len(QUESTIONS)])
        seconds.append(time.perf_counter() - began)
    return seconds


def during(ask: Callable[[str], object], upload: Callable[[], object]) -> tuple[list[float], float]:
    """Answer times while ``upload`` runs in another thread, and how long it took."""
    done = threading.Event()

    def run() -> None:
        try:
            upload()
        finally:
            done.set()

    began = time.perf_counter()
    worker = threading.Thread(target=run)
    worker.start()
    seconds = timed_answers(ask, lambda: not done.is_set(), 3)
    worker.join()
    return seconds, time.perf_counter() - began


def _none(*ignored: object) -> None:
    return None


def line(case: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"{case:<28} {len(seconds):>4} answers  p50 {statistics.median(ordered):6.2f} s  p95 {p95:6.2f} s  "
            f"max {ordered[-1]:6.2f} s  server peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


def main() -> int:
    command = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    command.add_argument("reports", nargs="+", type=Path)
    command.add_argument("--index", type=Path, default=from_env().index)
    args = command.parse_args()
    settings = replace(from_env(), index=args.index)
    shared: dict[str, Embedder] = {}

    def model(name: str) -> Embedder:  # one model, as views.shared.embedder gives every visitor and the old upload
        return shared.setdefault(name, SentenceEmbedder.for_questions(name, settings))

    engine = open_searcher(settings, factory=model)
    engine.prepare()
    print(line("nothing else running", timed_answers(engine.ask, lambda: False, 12)))
    with tempfile.TemporaryDirectory() as scratch:
        for case in ("upload apart", "upload in the page server"):  # apart first: the peak is kept
            copy = Path(scratch) / case.replace(" ", "-")
            shutil.copytree(args.index, copy)
            where = replace(settings, index=copy)
            if case == "upload apart":
                seconds, took = during(engine.ask, partial(ingest_apart, args.reports, where, _none, print))
            else:
                seconds, took = during(engine.ask, partial(ingest, args.reports, where, embedder_factory=model))
            print(line(case, seconds) + f"  (ingest {took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
