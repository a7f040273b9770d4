"""Compare the model's runtimes (PyTorch, ONNX Runtime float32, ONNX Runtime int8) in one run: CPU to embed the same
passages, time to embed one question, how close the vectors are to PyTorch's, and a fresh process's time and memory
to load the model and embed a question.

Usage: python scripts/runtimes.py [INDEX] [--passages N]   (INDEX: an index folder whose passages are embedded;
default: index/). Compare numbers from one quiet run only.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.config import DEFAULT_MODEL, from_env  # noqa: E402
from ingest.embed import INT8, TORCH, SentenceEmbedder  # noqa: E402
from ingest.store import Index  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "how did rutland do last time"
MODELS = {"torch": f"{DEFAULT_MODEL}@{TORCH}", "onnx": DEFAULT_MODEL, "int8": f"{DEFAULT_MODEL}@{INT8}"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/runtimes.py", description=__doc__.splitlines()[0])
    parser.add_argument("index", nargs="?", type=Path, default=Path("index"))
    parser.add_argument("--passages", type=int, default=400, help="passages embedded (default 400)")
    args = parser.parse_args(argv)
    index = Index.load(args.index)
    texts = [item.chunk.text for doc in index.documents() for item in index.document_chunks(doc.id)]
    texts = random.Random(0).sample(texts, min(args.passages, len(texts))) + ["short", QUESTION]
    cache = from_env().cache
    models = {name: SentenceEmbedder(model, threads=1, cache=cache) for name, model in MODELS.items()}
    reference = models["torch"].embed(texts)
    print(f"{len(texts)} texts, one thread; each runtime twice in turn\n")
    print("| runtime | CPU s (two runs) | one question ms | cosine to PyTorch min / mean | fresh process s | its peak MB |")
    print("|---|---|---|---|---|---|")
    cpu: dict[str, list[float]] = {name: [] for name in models}
    vectors = {}
    for _ in range(2):
        for name, model in models.items():
            began = time.process_time()
            vectors[name] = model.embed(texts)
            cpu[name].append(time.process_time() - began)
    for name, model in models.items():
        began = time.perf_counter()
        for _ in range(50):
            model.embed([QUESTION])
        question_ms = (time.perf_counter() - began) / 50 * 1000
        cosine = (vectors[name] * reference).sum(axis=1)
        seconds, peak = fresh_process(MODELS[name])
        print(f"| {name} ({model.runtime}) | {cpu[name][0]:.1f} / {cpu[name][1]:.1f} | {question_ms:.1f} | "
              f"{cosine.min():.4f} / {cosine.mean():.4f} | {seconds:.2f} | {peak:.0f} |")
    return 0


def fresh_process(model: str) -> tuple[float, float]:
    """Seconds (measured inside, from before the import) and peak MB of a new process loading ``model`` and embedding
    a question."""
    code = ("import time; t = time.perf_counter(); from ingest.embed import SentenceEmbedder; "
            f"SentenceEmbedder({model!r}, threads=1).embed([{QUESTION!r}]); "
            "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
            "print(time.perf_counter() - t, int(peak) / 1024)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"}).stdout
    seconds, peak = out.split()[-2:]
    return float(seconds), float(peak)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
