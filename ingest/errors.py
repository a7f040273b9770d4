"""The product's errors: one base class, each message naming what went wrong and how to fix it."""

from __future__ import annotations

from pathlib import Path


class OfstedError(Exception):
    """Something went wrong in a way the user can fix; the message says how. CLIs print it as one line,
    the page as one error box."""


class ReadError(OfstedError):
    """One file could not be read; the other files of a batch still go in."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str]]:
        """Rebuilt from its path and reason when it crosses from a worker process."""
        return ReadError, (self.path, self.reason)


def out_of_memory(error: object) -> bool:
    """Whether a parser gave up for want of memory (a reader past its memory limit), not because the file is bad:
    a MemoryError, or lxml's syntax error whose log says ERR_NO_MEMORY."""
    return isinstance(error, MemoryError) or any(getattr(entry, "type_name", "") == "ERR_NO_MEMORY"
                                                 for entry in getattr(error, "error_log", None) or ())


class ModelError(OfstedError):
    """The embedding model could not be loaded."""


class IndexMissing(OfstedError):
    """There is no index where one was expected."""


class IndexBroken(OfstedError):
    """The index on disk is damaged or incomplete."""


class IndexMismatch(OfstedError):
    """The index was built with settings that do not match the request."""


class IndexBusy(OfstedError):
    """Another ingest holds the index's write lock for longer than we were willing to wait."""


class IndexUnwritable(OfstedError):
    """The file system refused a write to the index (a full disk, a read-only folder); the previous index stands."""
