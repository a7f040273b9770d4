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
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.chunk import ChunkSettings, chunk_document
from ingest.config import Settings
from ingest.document import Chunk, Document
from ingest.errors import ReadError
from ingest.read import read_document

# Files read ahead of the embedding: at most READ_AHEAD, topped up when READ_AGAIN or fewer are left, so that the
# reader works in bursts and is idle in between (the model can then use its core), and memory stays small.
READ_AHEAD = 12
READ_AGAIN = 4
# A reader process is replaced after this many files, so that what a PDF library leaves behind cannot pile up.
FILES_PER_READER = 25
# Seconds past twice the time limit after which a reader stuck outside Python (where its own alarm cannot stop it)
# is stopped from outside.
BACKSTOP = 30
# prctl(2) option: the signal this process gets when the one that started it dies.
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Job:
    """A file to read: its name in the index, where it is, and its hash."""

    name: str
    path: Path
    sha256: str


@dataclass(frozen=True)
class Limits:
    """What reading one document may take: pages and characters (checked by the reader), memory and time (the reader
    process is stopped past them; only when reading happens in a reader process)."""

    pages: int | None = None
    chars: int | None = None
    memory_mb: int | None = None
    seconds: float | None = None

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """The limits ``settings`` set (OFSTED_MAX_PAGES, OFSTED_MAX_CHARS, OFSTED_READ_MB, OFSTED_READ_SECONDS)."""
        return cls(settings.max_pages, settings.max_chars, settings.read_mb, settings.read_seconds)


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


def read_one(job: Job, chunking: ChunkSettings, limits: Limits = Limits()) -> Outcome:
    """Read and chunk one file; any failure comes back as a reason (one unreadable file never stops the batch)."""
    try:
        with _deadline(_READ_SECONDS):  # set in reader processes only (an alarm needs the process's main thread)
            document = read_document(job.path, job.sha256, limits.pages, limits.chars)
            return Fresh(job.name, document, tuple(chunk_document(document, chunking)))
    except ReadingTooLong as error:
        return Unreadable(job.name, too_long(error.seconds))
    except Exception as error:  # noqa: BLE001 - one unreadable file must never stop the batch
        return Unreadable(job.name, failure_reason(error))


# The libraries the readers parse with, loaded before a reader's memory limit is set: the limit is about reading a
# file, and a library loaded under it could fail to map its code.
PARSERS = ("ingest.pdf", "docx", "lxml.html", "trafilatura")


def start_reader(memory_mb: int | None, seconds: float | None) -> None:
    """A reader process's set-up: ``memory_mb`` of memory to read with beyond its libraries (a file needing more
    fails alone), ``seconds`` per file, and an end with the ingest that started it."""
    global _READ_SECONDS
    _READ_SECONDS = seconds
    if memory_mb:
        import importlib
        import resource

        for name in PARSERS:
            importlib.import_module(name)
        limit = _memory_in_use() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    end_with_parent()


# Seconds one file may take in this reader process (None: no limit, or not a reader process).
_READ_SECONDS: float | None = None


def _memory_in_use() -> int:
    """This process's address space in bytes (what RLIMIT_AS limits)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise ReadingTooLong in this reader process when the block takes over ``seconds`` (a damaged or hostile PDF
    can send the pure-Python parser into an endless loop)."""
    if not seconds:
        yield
        return

    def expire(number: int, frame: object) -> None:
        raise ReadingTooLong(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class ReadingTooLong(BaseException):
    """A file took longer to read than the limit allows (a BaseException, like KeyboardInterrupt, so that no
    library's ``except Exception`` swallows it and reads on)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


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
    if isinstance(error, MemoryError):
        return ("reading it needed more memory than a reader may use (OFSTED_READ_MB); re-export the file, or raise the "
                "limit to allow it")
    if isinstance(error, OSError):
        return f"could not read the file ({error.strerror or error}); check its permissions"
    return (f"could not be read ({error.__class__.__name__}: {error}); "
            "check it opens in its usual program, or re-export it")


def too_long(seconds: float) -> str:
    """Why a file stopped at the time limit failed, and what to do."""
    return (f"reading it took longer than {seconds:g} s, the limit (OFSTED_READ_SECONDS); the file may be damaged: "
            "re-export it, or raise the limit")


class Reading:
    """The outcomes of ``jobs``, in order. With ``processes`` > 0 the files are read by that many worker processes,
    up to READ_AHEAD files ahead of the consumer; with 0 each is read in this process when asked for."""

    def __init__(self, jobs: Sequence[Job], chunking: ChunkSettings, processes: int, limits: Limits = Limits()) -> None:
        self.jobs = list(jobs)
        self.chunking = chunking
        self.processes = processes
        self.limits = limits
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[Job, Future[Outcome]]] = deque()
        self._next = 0  # jobs started (handed over, when read in this process)
        self._given = 0  # jobs given to the current pool

    def __iter__(self) -> Iterator[Outcome]:
        if not self.processes:
            for job in self.jobs:
                outcome = read_one(job, self.chunking, self.limits)
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
            self._pending.append((job, self._executor().submit(read_one, job, self.chunking, self.limits)))
            self._next += 1

    def _result(self, job: Job, future: Future[Outcome]) -> Outcome:
        try:
            # The reader stops a file at the limit itself; this wait is the backstop for one stuck outside Python.
            return future.result(timeout=None if self.limits.seconds is None else 2 * self.limits.seconds + BACKSTOP)
        except FutureTimeout:
            # Still reading far past the limit: the reader is stopped, this file fails, and the files queued behind
            # it are read by a new reader.
            self._restart(kill=True)
            return Unreadable(job.name, too_long(self.limits.seconds or 0))
        except BrokenProcessPool:
            # The reader died (out of memory, or a crash inside a PDF library): this file fails with the reason,
            # and the files queued behind it are read again by a new reader.
            self._restart()
            return Unreadable(job.name, "the reader process stopped while reading this file (out of memory, or a "
                                        "crash in the PDF library); check the file opens, or re-export it")

    def _restart(self, kill: bool = False) -> None:
        queued = [job for job, _ in self._pending]
        if kill and self._pool is not None:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()
        self._stop()
        self._pending.clear()
        for job in queued:
            self._pending.append((job, self._executor().submit(read_one, job, self.chunking, self.limits)))

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is not None and self._given >= FILES_PER_READER:
            # A fresh reader for the next files; the old one finishes its queue and exits. (The executor's own
            # max_tasks_per_child can hang on Python 3.11 when a worker retires with work still queued.)
            self._pool.shutdown(wait=False)
            self._pool = None
        if self._pool is None:
            # "spawn": the parent has the embedding model's threads running, which a forked child must not inherit.
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=start_reader,
                                             initargs=(self.limits.memory_mb, self.limits.seconds))
            self._given = 0
        self._given += 1
        return self._pool

    def _stop(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            processes = list((getattr(pool, "_processes", None) or {}).values())
            try:
                pool.shutdown(wait=True, cancel_futures=True)
            except RuntimeError:  # stopped (Ctrl-C, `kill`) between starting a reader and the pool's own thread, which
                # shutdown then cannot join: the reader is stopped here, and the interruption goes on, not this error
                for process in processes:
                    process.kill()
