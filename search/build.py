"""Build or update the index from files: read, chunk and embed only what changed."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ingest.chunk import ChunkSettings, chunk_document
from ingest.config import DEFAULT_MODEL, Settings
from ingest.embed import Embedder
from ingest.errors import ReadError
from ingest.grades import judgements
from ingest.read import document_hash, read_document, supported
from ingest.sidecar import is_sidecar
from search.index import Entry, Index, IndexMissing, Manifest, check_model, write_index

Progress = Callable[[str, int, int], None]
EMBED_BATCH = 64


@dataclass(frozen=True)
class Failure:
    """A file that could not go in, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Summary:
    """What one ingest run did."""

    documents: int
    chunks: int
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    embedded: int = 0
    failures: tuple[Failure, ...] = ()
    skipped: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    written: bool = False


@dataclass
class _Plan:
    keep: dict[str, Entry] = field(default_factory=dict)
    fresh: list[tuple[str, object, list]] = field(default_factory=list)  # (path, Document, chunks)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)


def _silent(stage: str, done: int, total: int) -> None:
    return None


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    embedder_factory: Callable[[str], Embedder] | None = None,
    chunking: ChunkSettings = ChunkSettings(),
    progress: Progress = _silent,
) -> Summary:
    """Bring the index in ``settings.index`` up to date with ``paths``; the old index stays usable throughout."""
    began = time.perf_counter()
    old = None if rebuild else _load_old(settings)
    model = settings.model or (old.manifest.model if old else DEFAULT_MODEL)
    if old:
        check_model(old.manifest, settings.model, settings.index)
    reusable = old if old and old.manifest.chunking == asdict(chunking) else None
    files, missing, skipped = _expand(paths)
    plan = _plan(files, reusable, settings, chunking, progress)
    plan.failures[:0] = [Failure(str(path), "no such file or folder; check the path") for path in missing]
    plan.skipped += skipped
    _keep_outside(plan, old, paths, files)
    embedder = _embedder(embedder_factory, model, settings) if plan.fresh or not old else None
    fresh = _embed(plan.fresh, embedder, progress) if embedder else []
    entries = sorted([*plan.keep.values(), *fresh], key=lambda entry: entry.path)
    dimension = embedder.dimension if embedder else old.manifest.dimension
    manifest = Manifest(model, dimension, asdict(chunking), {entry.path: entry.sha256 for entry in entries})
    written = old is None or manifest.documents != old.manifest.documents or manifest.model != old.manifest.model
    if written:
        write_index(settings.index, manifest, entries)
    return _summary(plan, old, entries, fresh, written, time.perf_counter() - began)


def _load_old(settings: Settings) -> Index | None:
    try:
        return Index.load(settings.index)
    except IndexMissing:
        return None


def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[Path], list[str]]:
    """Supported files under ``paths`` (sorted), paths that do not exist, and files skipped by type."""
    files, missing, skipped = [], [], []
    for path in paths:
        if not path.exists():
            missing.append(path)
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".") and not is_sidecar(p)):
                (files if supported(child) else skipped).append(child if supported(child) else str(child))
        elif supported(path):
            files.append(path)
        else:
            skipped.append(str(path))
    return files, missing, skipped


def key(path: Path) -> str:
    """How a file is named in the index: relative to the working folder when inside it."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


def _plan(files: list[Path], old: Index | None, settings: Settings, chunking: ChunkSettings, progress: Progress) -> _Plan:
    plan = _Plan()
    seen: dict[str, str] = {}
    # Files already indexed go first, so that a new copy of one is the duplicate, not the original.
    known = {document.path for document in old.documents()} if old else set()
    files = sorted(files, key=lambda path: (key(path) not in known, str(path)))
    for done, path in enumerate(files, start=1):
        progress("reading", done - 1, len(files))
        _plan_file(plan, path, old, settings, chunking, seen)
    progress("reading", len(files), len(files))
    return plan


def _plan_file(plan: _Plan, path: Path, old: Index | None, settings: Settings, chunking: ChunkSettings, seen: dict) -> None:
    name = key(path)
    try:
        _check_size(path, settings.max_file_mb)
        sha = document_hash(path)
        if sha in seen:
            plan.duplicates.append((name, seen[sha]))
            return
        seen[sha] = name
        if old and old.manifest.documents.get(name) == sha:  # unchanged: reuse without reading its vectors twice
            plan.keep[name] = old.entry(name)
            return
        document = read_document(path, sha)
        plan.fresh.append((name, document, chunk_document(document, chunking)))
    except ReadError as error:
        plan.failures.append(Failure(name, error.reason))
        previous = old.entry(name) if old else None
        if previous:  # a file that turned bad keeps its last good version in the index
            plan.keep[name] = previous
    except OSError as error:
        plan.failures.append(Failure(name, f"could not read the file ({error.strerror or error}); check its permissions"))


def _check_size(path: Path, limit_mb: float) -> None:
    size_mb = path.stat().st_size / 1e6
    if size_mb > limit_mb:
        raise ReadError(path, f"the file is {size_mb:.0f} MB, over the {limit_mb:g} MB limit; raise OFSTED_MAX_FILE_MB to allow it")


def _keep_outside(plan: _Plan, old: Index | None, paths: Sequence[Path], files: list[Path]) -> None:
    """Old documents this run did not look at stay; those under a given folder but now gone are dropped."""
    if old is None:
        return
    looked_at = {key(path) for path in files}
    folders = [key(path) + os.sep for path in paths if path.is_dir()]
    for document in old.documents():
        if document.path in plan.keep or document.path in looked_at:
            continue
        if not any(document.path.startswith(folder) for folder in folders):
            plan.keep[document.path] = old.entry(document.path)


def _embedder(factory: Callable[[str], Embedder] | None, model: str, settings: Settings) -> Embedder:
    if factory is not None:
        return factory(model)
    from ingest.embed import SentenceEmbedder

    return SentenceEmbedder(model, settings.batch_size)


def _embed(fresh: list[tuple[str, object, list]], embedder: Embedder, progress: Progress) -> list[Entry]:
    # Passage text alone: prefixing the section heading was measured worse (hybrid Recall@5 0.873 vs 0.927).
    texts = [chunk.text for _, _, chunks in fresh for chunk in chunks]
    vectors = []
    for start in range(0, len(texts), EMBED_BATCH):
        progress("embedding", start, len(texts))
        vectors.append(embedder.embed(texts[start:start + EMBED_BATCH]))
    progress("embedding", len(texts), len(texts))
    matrix = np.vstack(vectors) if vectors else np.zeros((0, embedder.dimension), dtype=np.float32)
    entries, offset = [], 0
    for name, document, chunks in fresh:
        part = matrix[offset:offset + len(chunks)]
        offset += len(chunks)
        grades = tuple(judgements(document, chunks))
        entries.append(Entry(name, document.file, document.sha256, document.text, document.description, tuple(chunks), part, grades))
    return entries


def _summary(plan: _Plan, old: Index | None, entries: list[Entry], fresh: list[Entry], written: bool, seconds: float) -> Summary:
    before = {document.path for document in old.documents()} if old else set()
    now = {entry.path for entry in entries}
    fresh_paths = [entry.path for entry in fresh]
    return Summary(
        documents=len(entries),
        chunks=sum(len(entry.chunks) for entry in entries),
        added=tuple(path for path in fresh_paths if path not in before),
        updated=tuple(path for path in fresh_paths if path in before),
        removed=tuple(sorted(before - now)),
        unchanged=len(entries) - len(fresh),
        embedded=sum(len(entry.chunks) for entry in fresh),
        failures=tuple(plan.failures),
        skipped=tuple(plan.skipped),
        duplicates=tuple(plan.duplicates),
        seconds=seconds,
        written=written,
    )


def files_in(paths: Iterable[Path]) -> list[Path]:
    """The supported files ``ingest`` would read under ``paths``."""
    return _expand(list(paths))[0]
