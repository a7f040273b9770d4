"""The product's settings: one place, a default and a help line for each."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from ingest.errors import OfstedError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Settings:
    """Where things live and which model embeds; each field can be set by an OFSTED_* variable."""

    corpus: Path = Path("corpus")  # OFSTED_CORPUS: folder ingested when no path is given
    index: Path = Path("index")  # OFSTED_INDEX: folder holding the FAISS index and chunk store
    # OFSTED_DATABASE_URL: a PostgreSQL database (with pgvector) holding the index instead, shared by many servers
    database_url: str | None = None
    model: str | None = None  # OFSTED_MODEL: sentence-transformers name or path; default: the index's, else all-MiniLM-L6-v2
    max_file_mb: float = 50.0  # OFSTED_MAX_FILE_MB: larger files are refused rather than read
    # Per-document limits on reading (a reader process is stopped past its memory or time; a report is tens of pages,
    # a hundred thousand characters, a few seconds and a few hundred MB).
    max_pages: int = 3000  # OFSTED_MAX_PAGES: PDFs with more pages are refused
    max_chars: int = 10_000_000  # OFSTED_MAX_CHARS: documents whose text is longer are refused
    read_mb: int = 3072  # OFSTED_READ_MB: memory a reader process may use
    read_seconds: float = 600.0  # OFSTED_READ_SECONDS: time one document may take to read
    batch_size: int = 16  # OFSTED_BATCH_SIZE: texts embedded per model call (16: least CPU and memory, measured)
    no_answer_below: float = 0.53  # OFSTED_NO_ANSWER_BELOW: answers less relevant than this are "not found"
    lock_wait: float = 900.0  # OFSTED_LOCK_WAIT: seconds an ingest waits for another one on the same index
    hnsw_above: int = 50_000  # OFSTED_HNSW_ABOVE: passages above which the vectors get an approximate (HNSW) index
    threads: int = 0  # OFSTED_THREADS: CPU threads the model uses (0: two for questions, every core for ingest)
    readers: int = 1  # OFSTED_READERS: processes reading files while the model embeds (0: read in the ingesting one)
    uploads: Path = Path("corpus/uploads")  # OFSTED_UPLOADS: where reports added on the library page are saved
    cache: Path = Path.home() / ".cache" / "ofsted-search"  # OFSTED_CACHE: work kept between runs (example vectors)
    operator: str = ""  # OFSTED_OPERATOR: who runs the service, as the accessibility statement names it
    contact: str = ""  # OFSTED_CONTACT: whom readers contact about accessibility (an email address or web page)


HELP = {
    "corpus": "folder ingested when no path is given",
    "index": "folder holding the FAISS index and chunk store",
    "database_url": "PostgreSQL database holding the index instead of the folder, shared by many servers "
                    "(postgresql://user@host/name; default: none, the folder)",
    "model": "sentence-transformers model name or path (default: the index's model, else all-MiniLM-L6-v2)",
    "max_file_mb": "files larger than this many megabytes are refused",
    "max_pages": "PDFs with more pages than this are refused",
    "max_chars": "documents whose text has more characters than this are refused",
    "read_mb": "megabytes of memory a reader process may use before it is stopped",
    "read_seconds": "seconds one document may take to read before its reader is stopped",
    "batch_size": "texts embedded per model call",
    "no_answer_below": "best-sentence relevance under which the reports are taken not to answer",
    "lock_wait": "seconds an ingest waits for another ingest of the same index to finish",
    "hnsw_above": "passages above which the vector index is approximate (HNSW) instead of exact",
    "threads": "CPU threads the embedding model uses (0: two for questions, every core for an ingest)",
    "readers": "processes reading files while the model embeds (0: read in the ingesting process)",
    "uploads": "folder where reports added on the library page are saved",
    "cache": "folder for work kept between runs, such as the vectors of the example questions and term descriptions (safe to delete)",
    "operator": "who runs the service, named in the accessibility statement (e.g. 'Rutland County Council')",
    "contact": "whom readers contact about accessibility, named in the accessibility statement (an email address)",
}


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings with any OFSTED_<FIELD> environment variables applied; a bad value is refused with its name."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for field in fields(Settings):
        raw = environ.get(f"OFSTED_{field.name.upper()}")
        if raw:
            try:
                values[field.name] = _convert(field.name, raw)
            except ValueError as error:
                raise OfstedError(f"OFSTED_{field.name.upper()}={raw!r} is not valid ({error}); "
                                  f"expected a value like {getattr(Settings(), field.name)!r}") from error
    return Settings(**values)  # type: ignore[arg-type]


def _convert(name: str, raw: str) -> object:
    default = getattr(Settings(), name)
    if isinstance(default, Path):
        return Path(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, int):
        return int(raw)
    return raw
