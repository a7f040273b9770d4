"""Benchmark: ingest time (first run and re-run), peak memory and warm search latency, as ratios and numbers.

Usage: python scripts/benchmark.py [PATH ...]   (default: corpus/ and ../shared/reports if present)
Targets (checked here, not in unit tests, since timings are noisy on 2-core machines):
a re-run must take under 5% of the first run, and a warm search a median under 1 second.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.config import Settings  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from search.evaluate import load_questions  # noqa: E402
from search.retrieve import open_searcher  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RERUN_SHARE = 0.05
MEDIAN_SEARCH_S = 1.0


def main(argv: list[str]) -> int:
    """Run the benchmark; exit 1 when a target is missed."""
    paths = [Path(arg) for arg in argv] or [p for p in (ROOT / "corpus", ROOT.parent / "shared" / "reports") if p.exists()]
    settings = Settings(index=Path(tempfile.mkdtemp()) / "index")
    first = ingest(paths, settings)
    again = ingest(paths, settings)
    searcher = open_searcher(settings)
    questions = [q.q for q in load_questions(ROOT / "tests" / "questions.json")]
    searcher.ask(questions[0])
    times = []
    for question in questions:
        began = time.perf_counter()
        searcher.ask(question)
        times.append(time.perf_counter() - began)
    median = statistics.median(times)
    share = again.seconds / first.seconds if first.seconds else 0.0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ingest: {first.documents} documents, {first.chunks} chunks in {first.seconds:.1f} s; "
          f"re-run {again.seconds:.2f} s ({share:.1%} of the first, {again.embedded} re-embedded)")
    print(f"search: median {median * 1000:.0f} ms over {len(times)} questions; peak memory {peak_mb:.0f} MB")
    ok = share < RERUN_SHARE and again.embedded == 0 and median < MEDIAN_SEARCH_S
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
