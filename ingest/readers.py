"""Read and chunk files in worker processes while the caller embeds: results in order, a bounded read-ahead, and every
failure turned into a reason naming the fix."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ingest.chunk import ChunkSettings, chunk_document
from ingest.document import Chunk, Document
from ingest.errors import ReadError
from ingest.read import read_document

# Files read ahead of the embedding: at most READ_AHEAD, topped up when READ_AGAIN or fewer are left, so that the
# reader works in bursts and is idle in between (the model can then use its core), and memory stays small.
READ_AHEAD = 12
READ_AGAIN = 4
# A reader process is replaced after this many files, so that what a PDF library leaves behind cannot pile up.
FILES_PER_READER = 25
# prctl(2) option: the signal this process gets when the one that started it dies.
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Job:
    """A file to read: its name in the index, where it is, and its hash."""

    name: str
    path: Path
    sha256: str


@dataclass(frozen=True)
class Fresh:
    """A file read and chunked, waiting to be embedded."""

    path: str
    document: Document
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True)
class Unreadable:
    """A file that could not be read, and why, in words that say what to do."""

    path: str
    reason: str


Outcome = Fresh | Unreadable


def read_one(job: Job, chunking: ChunkSettings) -> Outcome:
    """Read and chunk one file; any failure comes back as a reason (one unreadable file never stops the batch)."""
    try:
        document = read_document(job.path, job.sha256)
        return Fresh(job.name, document, tuple(chunk_document(document, chunking)))
    except Exception as error:  # noqa: BLE001 - one unreadable file must never stop the batch
        return Unreadable(job.name, failure_reason(error))


def end_with_parent() -> None:
    """Make this reader stop when the ingest that started it dies, even when killed outright (Linux; elsewhere the
    reader ends once its queue closes)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def failure_reason(error: Exception) -> str:
    """Why a file could not be read, in words that say what to do."""
    if isinstance(error, ReadError):
        return error.reason
    if isinstance(error, OSError):
        return f"could not read the file ({error.strerror or error}); check its permissions"
    return (f"could not be read ({error.__class__.__name__}: {error}); "
            "check it opens in its usual program, or re-export it")


class Reading:
    """The outcomes of ``jobs``, in order. With ``processes`` > 0 the files are read by that many worker processes,
    up to READ_AHEAD files ahead of the consumer; with 0 each is read in this process when asked for."""

    def __init__(self, jobs: Sequence[Job], chunking: ChunkSettings, processes: int) -> None:
        self.jobs = list(jobs)
        self.chunking = chunking
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[Job, Future[Outcome]]] = deque()
        self._next = 0  # jobs started (handed over, when read in this process)
        self._given = 0  # jobs given to the current pool

    def __iter__(self) -> Iterator[Outcome]:
        if not self.processes:
            for job in self.jobs:
                outcome = read_one(job, self.chunking)
                self._next += 1
                yield outcome
            return
        try:
            self._fill()
            while self._pending:
                job, future = self._pending.popleft()
                outcome = self._result(job, future)
                self._fill()
                yield outcome
        finally:
            self._stop()

    @property
    def busy(self) -> bool:
        """True while a reader process is reading (or has files queued)."""
        return any(not future.done() for _, future in self._pending)

    @property
    def finished(self) -> int:
        """Files read so far, including those read ahead and not yet handed over."""
        return self._next - sum(1 for _, future in self._pending if not future.done())

    def _fill(self) -> None:
        if len(self._pending) > READ_AGAIN:
            return
        while self._next < len(self.jobs) and len(self._pending) < READ_AHEAD:
            job = self.jobs[self._next]
            self._pending.append((job, self._executor().submit(read_one, job, self.chunking)))
            self._next += 1

    def _result(self, job: Job, future: Future[Outcome]) -> Outcome:
        try:
            return future.result()
        except BrokenProcessPool:
            # The reader died (out of memory, or a crash inside a PDF library): this file fails with the reason,
            # and the files queued behind it are read again by a new reader.
            self._restart()
            return Unreadable(job.name, "the reader process stopped while reading this file (out of memory, or a "
                                        "crash in the PDF library); check the file opens, or re-export it")

    def _restart(self) -> None:
        queued = [job for job, _ in self._pending]
        self._stop()
        self._pending.clear()
        for job in queued:
            self._pending.append((job, self._executor().submit(read_one, job, self.chunking)))

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is not None and self._given >= FILES_PER_READER:
            # A fresh reader for the next files; the old one finishes its queue and exits. (The executor's own
            # max_tasks_per_child can hang on Python 3.11 when a worker retires with work still queued.)
            self._pool.shutdown(wait=False)
            self._pool = None
        if self._pool is None:
            # "spawn": the parent has the embedding model's threads running, which a forked child must not inherit.
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=end_with_parent)
            self._given = 0
        self._given += 1
        return self._pool

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
