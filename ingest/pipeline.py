"""The ingest pipeline: bring the index up to date with files, reading, chunking and embedding only what changed."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ingest.boilerplate import count_and_keep
from ingest.chunk import DEFAULT_CHUNKING, ChunkSettings
from ingest.config import DEFAULT_MODEL, Settings
from ingest.embed import Embedder
from ingest.errors import IndexMissing, IndexUnwritable, ReadError
from ingest.grades import judgements
from ingest.read import EXTRACTOR, document_hash, supported
from ingest.readers import Fresh, Job, Limits, Reading, Unreadable, failure_reason
from ingest.sidecar import is_sidecar
from ingest.store import LAST_RUN, WITHDRAWN, DocumentRecord, Entry, Manifest, check_model, vector_kind
from ingest.stores import Reader, Store, Writing, open_store

Progress = Callable[[str, int, int], None]
# From this many files to read, a worker process reads them while this one embeds (fewer: the start-up is not worth it).
READERS_FROM = 3
PARSED = (".pdf", ".docx", ".html", ".htm")


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
    reread: tuple[str, ...] = ()  # unchanged files read again because an older extractor had read them
    unchanged: int = 0
    embedded: int = 0
    failures: tuple[Failure, ...] = ()
    skipped: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()
    withdrawn: tuple[str, ...] = ()  # files of a folder given that were taken out on request (ingest/remove.py)
    seconds: float = 0.0
    written: bool = False


@dataclass
class _Plan:
    keep: dict[str, DocumentRecord] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    reread: dict[str, DocumentRecord] = field(default_factory=dict)  # unchanged files an older extractor read
    withdrawn: list[str] = field(default_factory=list)


def _silent(stage: str, done: int, total: int) -> None:
    return None


def _ignore(message: str) -> None:
    return None


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    embedder_factory: Callable[[str], Embedder] | None = None,
    chunking: ChunkSettings = DEFAULT_CHUNKING,
    progress: Progress = _silent,
    waiting: Callable[[str], None] = _ignore,
) -> Summary:
    """Bring the index in ``settings.index`` up to date with ``paths``; the old index stays usable throughout.
    ``rebuild`` reads and embeds everything again: every document the index holds, wherever it came from, and
    ``paths``. One writer at a time: a second ingest of the same index waits for the first (calling ``waiting``
    once)."""
    store = open_store(settings)
    if settings.database_url:  # the database's own errors are explained where they are raised
        with store.lock(settings.lock_wait, waiting):
            return _ingest(paths, settings, store, rebuild, embedder_factory, chunking, progress)
    try:
        with store.lock(settings.lock_wait, waiting):
            return _ingest(paths, settings, store, rebuild, embedder_factory, chunking, progress)
    except (OSError, sqlite3.Error) as error:
        if not _in_index(error, settings.index):  # a report folder, the model's cache: not the index's to explain
            raise
        raise IndexUnwritable(unwritable(settings.index, error)) from error
    except RuntimeError as error:  # FAISS reports a failed write as a RuntimeError naming the system's reason
        if not _FAILED_WRITE.search(str(error)):
            raise
        raise IndexUnwritable(unwritable(settings.index, error)) from error


# How the file system's refusals read in the errors of SQLite, FAISS and Python.
_FAILED_WRITE = re.compile(r"no space left|disk (?:is )?full|read-only|permission denied|write error|could not open", re.I)


def _in_index(error: BaseException, root: Path) -> bool:
    """True when the failed operation was on the index's own files (or names no file, as SQLite's errors do)."""
    name = getattr(error, "filename", None)
    return not name or Path(name).resolve().is_relative_to(root.resolve())


def unwritable(root: Path, error: BaseException) -> str:
    """One line saying that ``root`` could not be written, why in plain words, and what to do."""
    number = getattr(error, "errno", None)
    said = str(error).lower()
    if number == errno.ENOSPC or "no space left" in said or "disk is full" in said or "disk full" in said:
        why, fix = "the disk is full", "free some space and run the command again"
    elif number in (errno.EROFS, errno.EACCES, errno.EPERM) or "read-only" in said or "permission denied" in said:
        why, fix = "the folder is read-only or belongs to another user", \
            "check its permissions, or point OFSTED_INDEX (--index) at a folder this user can write"
    else:
        why, fix = (getattr(error, "strerror", None) or str(error).splitlines()[0]).strip(), "check the disk and the folder"
    return f"cannot write the index in {root}/: {why}; {fix}. The previous index is unchanged."


def _ingest(paths: Sequence[Path], settings: Settings, store: Store, rebuild: bool,
            embedder_factory: Callable[[str], Embedder] | None, chunking: ChunkSettings, progress: Progress) -> Summary:
    began = time.perf_counter()
    held = store.held_paths() if rebuild else []
    old = None if rebuild else _load_old(store)
    if rebuild:  # every document the index holds is read again, wherever it came from; those gone are removed
        paths = [*paths, *(Path(path) for path in held if Path(path).is_file())]
    model = settings.model or (old.manifest.model if old else DEFAULT_MODEL)
    if old:
        check_model(old.manifest, settings.model, store.where, store.rebuild_command())
    reusable = old if old and old.manifest.chunking == asdict(chunking) else None
    files, missing, skipped = _expand(paths)
    files = list({key(path): path for path in files}.values())  # a file given twice (a rebuild's and a folder's) is read once
    withdrawn = store.read_record(WITHDRAWN)
    named = {key(path) for path in paths if not path.is_dir()}  # a file named on its own is added even if taken out
    plan = _plan(files, reusable, settings, withdrawn, named)
    plan.failures[:0] = [Failure(str(path), reason) for path, reason in missing]
    plan.skipped += skipped
    _keep_outside(plan, old, paths, files)
    # Every old document stays as it is: nothing to do, or only new documents to append to a copy of the old version.
    append = old is not None and old is reusable and set(plan.keep) == set(old.manifest.documents)
    before = set(held) if rebuild else set(old.manifest.documents) if old else set()
    if old and append and not plan.jobs:
        return _finish(store, _summary(plan, before, old.manifest.documents, [], False, began, len(old)))
    store.room_for(old, [job.path for job in plan.jobs])
    embedder = _embedder(embedder_factory, model, settings) if plan.jobs or not old else None
    dimension = embedder.dimension if embedder else old.manifest.dimension if old else 0
    with store.writer(dimension, old, append=append) as writer:
        if not append:
            for path in sorted(plan.keep):
                writer.keep(plan.keep[path])
        fresh = list(_read_and_embed(plan, embedder, settings, chunking, progress, writer))
        written = old is None or (writer.documents, model, asdict(chunking), EXTRACTOR) != (
            old.manifest.documents, old.manifest.model, old.manifest.chunking, old.manifest.extractor)
        if written:
            writer.commit(Manifest(model, dimension, asdict(chunking),
                                   vector_index=vector_kind(writer.passages, settings.hnsw_above),
                                   extractor=EXTRACTOR))
        documents = dict(writer.documents)
    if written and set(withdrawn) & set(documents.values()):  # taken out once, named again since: no longer withdrawn
        store.write_record(WITHDRAWN, {sha: entry for sha, entry in withdrawn.items() if sha not in documents.values()})
    if written:
        count_and_keep(store)
    return _finish(store, _summary(plan, before, documents, fresh, written, began, writer.passages))


def _finish(store: Store, summary: Summary) -> Summary:
    store.write_record(LAST_RUN, {"finished": time.strftime("%Y-%m-%dT%H:%M:%S"), **asdict(summary)})
    return summary


def _load_old(store: Store) -> Reader | None:
    try:
        return store.load()
    except IndexMissing:
        return None


def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]], list[str]]:
    """Supported regular files under ``paths`` (sorted); paths that cannot be read, with why; files skipped."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            children = sorted(p for p in path.rglob("*") if not p.name.startswith(".") and not is_sidecar(p) and not p.is_dir())
            for child in children:
                reason = _not_regular(child)
                if reason is None and supported(child):
                    files.append(child)
                else:
                    skipped.append(f"{child}: {reason}" if reason else str(child))
            continue
        reason = _not_regular(path)
        if reason:
            problems.append((path, reason))
        elif supported(path):
            files.append(path)
        else:
            skipped.append(str(path))
    return files, problems, skipped


def _not_regular(path: Path) -> str | None:
    """Why ``path`` cannot be read as a report file (missing, a pipe, a device), or None for a regular file.
    Only regular files are read: a pipe or a device such as /dev/zero would never end."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file or folder; check the path"
    except OSError as error:
        return f"cannot look at the file ({error.strerror or error}); check its permissions"
    if not stat.S_ISREG(mode):
        return "not a regular file (a pipe, device or socket); give the report file itself"
    return None


def key(path: Path) -> str:
    """How a file is named in the index: its absolute path with links resolved, the same from any working folder."""
    return str(path.resolve())


def _plan(files: list[Path], old: Reader | None, settings: Settings, withdrawn: Container[str] = (),
          named: Container[str] = ()) -> _Plan:
    """Sort files into those to read, those unchanged (kept as they are), copies of another file and those taken out
    on request (``withdrawn``: their hashes) that were not ``named`` on their own."""
    plan = _Plan()
    # Content already indexed under another, still present name is a copy: the original keeps its place.
    seen: dict[str, str] = {}
    if old:
        seen = {sha: path for path, sha in old.manifest.documents.items() if Path(path).is_file()}
    # Files already indexed go first, so that a new copy of one is the duplicate, not the original.
    known = set(old.manifest.documents) if old else set()
    for path in sorted(files, key=lambda path: (key(path) not in known, str(path))):
        name = key(path)
        try:
            _check_size(path, settings.max_file_mb)
            sha = document_hash(path)
        except (ReadError, OSError) as error:
            _failed(plan, old, name, failure_reason(error))
            continue
        if sha in withdrawn and name not in named:
            plan.withdrawn.append(name)
            continue
        if seen.get(sha, name) != name:
            plan.duplicates.append((name, seen[sha]))
            continue
        seen[sha] = name
        record = old.record(name) if old and old.manifest.documents.get(name) == sha else None
        if record and old and old.manifest.extractor != EXTRACTOR:  # unchanged, but read by an older extractor
            plan.reread[name] = record
            plan.jobs.append(Job(name, path, sha))
        elif record:  # unchanged: its chunks and vectors are reused as they are
            plan.keep[name] = record
        else:
            plan.jobs.append(Job(name, path, sha))
    return plan


def _failed(plan: _Plan, old: Reader | None, name: str, reason: str) -> None:
    """Record a failure; a file that turned bad keeps its last good version in the index."""
    plan.failures.append(Failure(name, reason))
    previous = old.record(name) if old else None
    if previous:
        plan.keep[name] = previous


def _check_size(path: Path, limit_mb: float) -> None:
    size_mb = path.stat().st_size / 1e6
    if size_mb > limit_mb:
        raise ReadError(path, f"the file is {size_mb:.0f} MB, over the {limit_mb:g} MB limit; "
                              "raise OFSTED_MAX_FILE_MB to allow it")


def _keep_outside(plan: _Plan, old: Reader | None, paths: Sequence[Path], files: list[Path]) -> None:
    """Old documents this run did not look at stay; those under a given folder but now gone are dropped."""
    if old is None:
        return
    looked_at = {key(path) for path in files}
    folders = [key(path) + os.sep for path in paths if path.is_dir()]
    for document in old.documents():
        if document.path in plan.keep or document.path in looked_at:
            continue
        if any(document.path.startswith(folder) for folder in folders):
            continue  # under a folder given this run, and gone from it
        plan.keep[document.path] = document


def _embedder(factory: Callable[[str], Embedder] | None, model: str, settings: Settings) -> Embedder:
    if factory is not None:
        return factory(model)
    from ingest.embed import SentenceEmbedder

    return SentenceEmbedder(model, settings.batch_size, settings.threads, settings.cache)


def _read_and_embed(plan: _Plan, embedder: Embedder | None, settings: Settings, chunking: ChunkSettings,
                    progress: Progress, writer: Writing) -> Iterator[tuple[str, int]]:
    """Read the planned files (in a worker process when there are several, so that reading overlaps embedding) and
    embed and write each document as it arrives; memory holds only the documents read ahead. Yields each document
    written and how many passages were embedded for it (none when a re-read gave the passages already stored)."""
    total = len(plan.jobs)
    if not total or embedder is None:
        return
    # Files parsed by a library (PDF, Word, web pages) are read in a reader process even alone, where a file that
    # stalls or swells its reader can be stopped (OFSTED_READ_SECONDS, OFSTED_READ_MB).
    parsed = any(job.path.suffix.lower() in PARSED for job in plan.jobs)
    processes = settings.readers if total >= READERS_FROM or parsed else 0
    reading = Reading(plan.jobs, chunking, processes, Limits.of(settings))
    threads = Threads(embedder, os.cpu_count() or 1, processes, automatic=settings.threads == 0)
    progress("reading", 0, total)
    progress("embedding", 0, total)
    try:
        for done, outcome in enumerate(reading, start=1):
            threads.share(reading.busy)
            progress("reading", reading.finished, total)
            if isinstance(outcome, Unreadable):
                _failed(plan, writer.old, outcome.path, outcome.reason)
                if outcome.path in plan.keep:
                    writer.keep(plan.keep[outcome.path])
            else:
                entry, embedded = _embed(outcome, embedder, _stored(plan.reread.get(outcome.path), writer.old))
                writer.add(entry)
                yield entry.path, embedded
            progress("embedding", done, total)
    finally:
        threads.restore()


class Threads:
    """The model's CPU threads during an ingest, when OFSTED_THREADS leaves them automatic: every core, except that
    while a reader process is reading the model leaves it one (two busy processes each wanting both cores make the
    model's threads wait on each other). Afterwards the count in use before is restored (a page answers questions
    with one thread)."""

    def __init__(self, embedder: Embedder, cores: int, readers: int, automatic: bool) -> None:
        self.set: Callable[[int], int] | None = getattr(embedder, "set_threads", None) if automatic else None
        self.cores, self.readers = cores, readers
        self.current: int | None = None
        self.before: int | None = None

    def share(self, reader_busy: bool) -> None:
        wanted = max(1, self.cores - self.readers) if reader_busy else self.cores
        if self.set is not None and wanted != self.current:
            previous = self.set(wanted)
            self.before = previous if self.before is None else self.before
            self.current = wanted

    def restore(self) -> None:
        if self.set is not None and self.before is not None:
            self.set(self.before)


def _embed(fresh: Fresh, embedder: Embedder, stored: Stored | None = None) -> tuple[Entry, int]:
    """Embed one document's passages and every sentence of them in one call (the sentence vectors let a question be
    answered by embedding only the question), each distinct text once: a one-sentence passage is its sentence; a
    text whose vector the index holds already (``stored``, for a document read again) is not embedded again, a
    passage only from a passage's vector (sentences' are kept at half precision). With how many passages were
    embedded."""
    # Passage text alone: prefixing the section heading was measured worse (hybrid Recall@5 0.873 vs 0.927).
    document, chunks, stored = fresh.document, fresh.chunks, stored or Stored()
    sentences = [chunk.text[a:b] for chunk in chunks for a, b in chunk.sentences]
    known = {**stored.sentences, **stored.passages}
    new = list(dict.fromkeys([*(chunk.text for chunk in chunks if chunk.text not in stored.passages),
                              *(text for text in sentences if text not in known)]))
    vectors = {**known, **dict(zip(new, embedder.embed(new)))} if new else known
    matrix = np.stack([vectors[text] for text in (*(chunk.text for chunk in chunks), *sentences)]).astype(np.float32)
    per_chunk, offset = [], len(chunks)
    for chunk in chunks:
        per_chunk.append(matrix[offset:offset + len(chunk.sentences)])
        offset += len(chunk.sentences)
    return Entry(fresh.path, document.file, document.sha256, document.text, document.description, chunks,
                 matrix[:len(chunks)], tuple(judgements(document, chunks)), time.strftime("%Y-%m-%dT%H:%M:%S"),
                 tuple(per_chunk)), sum(chunk.text not in stored.passages for chunk in chunks)


@dataclass(frozen=True)
class Stored:
    """The vectors an index holds for a document, by text: its passages' and its sentences'."""

    passages: Mapping[str, np.ndarray] = field(default_factory=dict)
    sentences: Mapping[str, np.ndarray] = field(default_factory=dict)


def _stored(record: DocumentRecord | None, old: Reader | None) -> Stored:
    """The vectors the index holds for a document read again (none for a new or changed file)."""
    if record is None or old is None:
        return Stored()
    chunks = old.document_chunks(record.id)
    held = old.sentence_vectors(item.id for item in chunks)
    sentences = {item.chunk.text[start:end]: vector.astype(np.float32) for item in chunks
                 for (start, end), vector in zip(item.chunk.sentences, held.get(item.id, ()))}
    return Stored({item.chunk.text: old.vector(item.id) for item in chunks}, sentences)


def _summary(plan: _Plan, before: set[str], documents: dict[str, str], fresh: list[tuple[str, int]], written: bool,
             began: float, passages: int) -> Summary:
    read = [path for path, _ in fresh]
    return Summary(
        documents=len(documents),
        chunks=passages,
        added=tuple(path for path in read if path not in before),
        updated=tuple(path for path in read if path in before and path not in plan.reread),
        removed=tuple(sorted(before - set(documents))),
        reread=tuple(path for path in read if path in plan.reread),
        unchanged=len(documents) - len(fresh),
        embedded=sum(count for _, count in fresh),
        failures=tuple(plan.failures),
        skipped=tuple(plan.skipped),
        duplicates=tuple(plan.duplicates),
        withdrawn=tuple(plan.withdrawn),
        seconds=time.perf_counter() - began,
        written=written,
    )


def files_in(paths: Iterable[Path]) -> list[Path]:
    """The supported files ``ingest`` would read under ``paths``."""
    return _expand(list(paths))[0]
