"""Where an index lives: the interfaces every store implements (what search and the pages read, what an ingest
writes) and the choice between the embedded store (a folder: SQLite and FAISS, the default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.config import Settings
from ingest.store import DocumentRecord, Entry, Manifest, StoredChunk


class Reader(Protocol):
    """One version of an index as search and the pages read it. Everything one reader returns belongs to the same
    version (no report half-added or half-removed), however the store changes meanwhile. Thread-safe."""

    manifest: Manifest

    @property
    def version(self) -> str:
        """The version this reader reads (changes whenever a document is added, replaced or removed)."""
        ...

    def __len__(self) -> int: ...

    def search(self, query: np.ndarray, k: int, allowed: frozenset[int] | None = None) -> list[tuple[int, float]]:
        """(chunk id, cosine) of the ``k`` nearest passages, best first, only ``allowed`` ids if given."""
        ...

    def lexical(self, phrases: Sequence[str], k: int, allowed: frozenset[int] | None = None) -> list[tuple[int, float]]:
        """(chunk id, score, higher is better) of the ``k`` best full-text matches of any of ``phrases``."""
        ...

    def matching(self, phrases: Sequence[str], allowed: frozenset[int] | None = None) -> list[int]:
        """How many of the ``allowed`` passages (or of all) hold each of ``phrases``."""
        ...

    def mentions(self, phrase: str) -> bool:
        """True when any passage holds ``phrase``."""
        ...

    def terms(self) -> dict[str, int]:
        """Every full-text term (a stem) with how many passages use it."""
        ...

    def warm(self) -> None:
        """Read ahead what the first questions would otherwise wait for (a server does it as it loads)."""
        ...

    def keep_scores(self, phrases: Iterable[str], at_most: int | None = None,
                    between: Callable[[], object] | None = None) -> int:
        """Score ahead, and keep, the full-text scores of the common ones of ``phrases`` (held by at most ``at_most``
        passages, if given), as a server loads; returns how many were scored."""
        ...

    def judgement_chunks(self, allowed: frozenset[int] | None) -> list[int]: ...

    def in_part(self, part: str, allowed: frozenset[int] | None) -> list[int]: ...

    def sentences(self) -> Iterator[tuple[int, str]]: ...

    def close(self) -> None:
        """Let go of the store (its database connection); only for a reader opened for one task."""

    def passage_at(self, document_id: int, offset: int) -> int | None: ...

    def passage_stating(self, document_id: int, words: str) -> int | None: ...

    def vector(self, chunk_id: int) -> np.ndarray: ...

    def chunk_ids(self, document_ids: Iterable[int]) -> frozenset[int]: ...

    def documents_of(self, ids: Iterable[int]) -> dict[int, int]: ...

    def chunks(self, ids: Iterable[int]) -> list[StoredChunk]: ...

    def document_chunks(self, document_id: int) -> list[StoredChunk]: ...

    def passage_counts(self) -> dict[int, int]: ...

    def document(self, document_id: int) -> DocumentRecord | None: ...

    def documents(self) -> list[DocumentRecord]: ...

    def document_text(self, document_id: int) -> str: ...

    def record(self, path: str) -> DocumentRecord | None: ...

    def sentence_vectors(self, ids: Iterable[int]) -> dict[int, np.ndarray]: ...


class Writing(Protocol):
    """A change to an index that readers see all at once at ``commit``, or not at all."""

    documents: dict[str, str]  # path -> sha256 of every document the new version holds so far
    passages: int

    @property
    def old(self) -> Reader | None:
        """The version this one replaces, if any."""
        ...

    def __enter__(self) -> Writing: ...

    def __exit__(self, kind: object, error: object, trace: object) -> None: ...

    def add(self, entry: Entry) -> None:
        """Write one newly read document."""
        ...

    def keep(self, record: DocumentRecord) -> None:
        """Carry one document of the old version into the new one, without embedding it again."""
        ...

    def commit(self, manifest: Manifest) -> str:
        """Make the new version the one readers get; returns its name."""
        ...


class Store(Protocol):
    """Where an index lives, and how it is read, written, locked and described."""

    @property
    def where(self) -> str:
        """How messages name the store (a folder, or a database without its password)."""
        ...

    def load(self) -> Reader:
        """The current version; raises IndexMissing with the command that builds one."""
        ...

    def current(self) -> str:
        """The name of the current version (cheap: checked before every question on the page)."""
        ...

    def writer(self, dimension: int, old: Reader | None, append: bool = False) -> Writing:
        """A new version: ``old``'s documents kept only where ``keep`` says (or all of them with ``append``)."""
        ...

    def lock(self, wait: float, waiting: Callable[[str], None]) -> AbstractContextManager[None]:
        """Writers one at a time; another waits up to ``wait`` seconds (calling ``waiting`` once) and is refused."""
        ...

    def held_paths(self) -> list[str]:
        """The documents the current version holds, whatever its format (a rebuild re-reads them)."""
        ...

    def room_for(self, old: Reader | None, reading: Sequence[Path]) -> None:
        """Refuse, before any work, an update the store has clearly no room for."""
        ...

    def read_record(self, name: str) -> dict:
        """A small JSON record kept with the index (the last run, the documents taken out), or {}."""
        ...

    def write_record(self, name: str, record: dict) -> None:
        """Replace a record whole (only the write lock's holder calls this)."""
        ...

    def append(self, log: str, body: dict) -> None:
        """Add an entry, stamped with the time, to a log kept with the index across rebuilds (readers' verdicts);
        safe from many threads, processes and servers at once."""
        ...

    def entries(self, log: str) -> list[tuple[str, dict]]:
        """(time, entry) of every entry of a log, oldest first; [] when there is none."""
        ...

    def rebuild_command(self) -> str:
        """The command that rebuilds this index (for messages)."""
        ...


def open_store(settings: Settings) -> Store:
    """PostgreSQL when a database is given (OFSTED_DATABASE_URL or --database), else the index folder."""
    if settings.database_url:
        from ingest.postgres import PostgresStore

        return PostgresStore(settings.database_url)
    from ingest.store import FolderStore

    return FolderStore(settings.index)
