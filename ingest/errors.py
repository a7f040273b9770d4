"""Errors raised while ingesting, each naming the file and how to fix it."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Something in ingestion went wrong in a way the user can fix."""


class ReadError(IngestError):
    """One file could not be read; the other files of a batch still go in."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")
