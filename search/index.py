"""Store chunks, their vectors and document facts on disk; FAISS search (the only faiss import)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np

from ingest.document import Chunk
from ingest.errors import IngestError
from ingest.grades import GRADE_ROW, Judgement
from ingest.metadata import Description

FORMAT = 3  # 2: full-text (FTS5) table beside the chunks; 3: judgement grades per document
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
STORE = "chunks.sqlite"
VECTORS = "vectors.faiss"

SCHEMA = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY, path TEXT UNIQUE, file TEXT, sha256 TEXT, text TEXT,
    title TEXT, authority TEXT, kind TEXT, inspection_start TEXT, inspection_end TEXT,
    published TEXT, lead_inspector TEXT, judgements TEXT
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, document INTEGER REFERENCES documents(id), text TEXT,
    start INTEGER, "end" INTEGER, paragraph TEXT, section TEXT, page INTEGER, vector BLOB
);
CREATE INDEX chunks_document ON chunks(document);
CREATE VIRTUAL TABLE chunks_fts USING fts5(
    text, section, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
"""
# bm25 column weights: passage text counts fully, its section heading half.
BM25 = "bm25(chunks_fts, 1.0, 0.5)"
DESCRIPTION_FIELDS = ("title", "authority", "kind", "inspection_start", "inspection_end", "published", "lead_inspector")


class IndexMissing(IngestError):
    """There is no index where one was expected."""


class IndexBroken(IngestError):
    """The index on disk is damaged or incomplete."""


class IndexMismatch(IngestError):
    """The index was built with settings that do not match the request."""


@dataclass(frozen=True)
class Manifest:
    """What an index was built with, saved beside it and checked on load."""

    model: str
    dimension: int
    chunking: dict
    documents: dict[str, str] = field(default_factory=dict)  # path -> sha256
    format: int = FORMAT
    built: str = ""


@dataclass(frozen=True)
class DocumentRecord:
    """A stored document's identity and description."""

    id: int
    path: str
    file: str
    sha256: str
    description: Description
    judgements: tuple[Judgement, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One document ready to store: its text, description, chunks and their vectors."""

    path: str
    file: str
    sha256: str
    text: str
    description: Description
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray
    judgements: tuple[Judgement, ...] = ()


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as found in the index, with the document it came from."""

    id: int
    chunk: Chunk
    document: DocumentRecord


def same_model(a: str, b: str) -> bool:
    """True when two model names refer to the same model ("sentence-transformers/" prefix aside)."""
    strip = lambda name: name.strip().lower().removeprefix("sentence-transformers/")  # noqa: E731
    return strip(a) == strip(b)


def write_index(root: Path, manifest: Manifest, entries: Sequence[Entry]) -> Path:
    """Write a complete new version of the index, then switch to it atomically; returns its folder."""
    root.mkdir(parents=True, exist_ok=True)
    version = root / f"v-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    staging = root / f".{version.name}.partial"
    staging.mkdir()
    _write_store(staging / STORE, entries)
    vectors = _stack(entries, manifest.dimension)
    faiss.write_index(_flat(vectors), str(staging / VECTORS))
    stamped = Manifest(**{**asdict(manifest), "built": time.strftime("%Y-%m-%dT%H:%M:%S")})
    (staging / MANIFEST).write_text(json.dumps(asdict(stamped), indent=1))
    _fsync_dir(staging)
    staging.rename(version)
    _point_to(root, version.name)
    _remove_old_versions(root, keep=version.name)
    return version


def _write_store(path: Path, entries: Sequence[Entry]) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.executescript(SCHEMA)
        chunk_id = 0
        for doc_id, entry in enumerate(entries):
            description = [getattr(entry.description, name) for name in DESCRIPTION_FIELDS]
            grades = json.dumps([judgement.as_json() for judgement in entry.judgements])
            connection.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, entry.path, entry.file, entry.sha256, entry.text, *description, grades),
            )
            for chunk, vector in zip(entry.chunks, entry.vectors):
                connection.execute(
                    "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)",
                    (chunk_id, doc_id, chunk.text, chunk.start, chunk.end, chunk.paragraph, chunk.section,
                     chunk.page, np.asarray(vector, dtype=np.float32).tobytes()),
                )
                chunk_id += 1
        connection.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('rebuild')")
    connection.close()


def _stack(entries: Sequence[Entry], dimension: int) -> np.ndarray:
    arrays = [entry.vectors for entry in entries if len(entry.vectors)]
    if not arrays:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.ascontiguousarray(np.vstack(arrays), dtype=np.float32)


def _flat(vectors: np.ndarray) -> faiss.Index:
    # Exact inner-product search: a council's reports make thousands of chunks, not millions,
    # so a flat index answers in milliseconds and needs no training or tuning.
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index


def _fsync_dir(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())


def _point_to(root: Path, name: str) -> None:
    pointer = root / f".{CURRENT}.{os.getpid()}"
    pointer.write_text(name)
    os.replace(pointer, root / CURRENT)


def _remove_old_versions(root: Path, keep: str) -> None:
    for path in root.iterdir():
        stale_partial = path.name.endswith(".partial") and path.name != f".{keep}.partial"
        if path.is_dir() and (path.name.startswith("v-") and path.name != keep or stale_partial):
            shutil.rmtree(path, ignore_errors=True)


class Index:
    """A loaded index version: FAISS vectors plus the SQLite chunk store."""

    def __init__(self, folder: Path, manifest: Manifest) -> None:
        self.folder = folder
        self.manifest = manifest
        self.vectors = faiss.read_index(str(folder / VECTORS))
        self.db = sqlite3.connect(f"file:{folder / STORE}?mode=ro", uri=True, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self._documents = {record.id: record for record in self._load_documents()}

    @classmethod
    def load(cls, root: Path) -> "Index":
        """The current version under ``root``; raises IndexMissing with the command that builds one."""
        folder = current_folder(root)
        return cls(folder, read_manifest(folder))

    def __len__(self) -> int:
        return int(self.vectors.ntotal)

    def search(self, query: np.ndarray, k: int, allowed: frozenset[int] | None = None) -> list[tuple[int, float]]:
        """(chunk id, cosine score) of the ``k`` nearest chunks, best first, only ``allowed`` ids if given."""
        if len(self) == 0 or k <= 0:
            return []
        depth = len(self) if allowed is not None else min(k, len(self))
        scores, ids = self.vectors.search(np.asarray(query, dtype=np.float32).reshape(1, -1), depth)
        found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        if allowed is not None:
            found = [(i, s) for i, s in found if i in allowed]
        return found[:k]

    def lexical(self, expression: str | None, k: int, allowed: frozenset[int] | None = None) -> list[tuple[int, float]]:
        """(chunk id, BM25 score, higher is better) of the ``k`` best full-text matches of an FTS5 expression."""
        if not expression or k <= 0:
            return []
        sql = f"SELECT rowid, {BM25} AS rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?"
        limit = len(self) if allowed is not None else k
        rows = self.db.execute(sql, (expression, limit)).fetchall()
        found = [(int(row[0]), -float(row[1])) for row in rows]
        if allowed is not None:
            found = [(i, s) for i, s in found if i in allowed]
        return found[:k]

    def judgement_chunks(self, allowed: frozenset[int] | None) -> list[int]:
        """Ids of chunks holding a judgement table row ("area | grade"), within ``allowed`` if given."""
        rows = self.db.execute("SELECT id, text FROM chunks WHERE text LIKE '%|%'").fetchall()
        ids = [row[0] for row in rows if GRADE_ROW.search(row[1])]
        return [i for i in ids if allowed is None or i in allowed]

    def vector(self, chunk_id: int) -> np.ndarray:
        """The stored unit vector of one chunk."""
        return self.vectors.reconstruct(int(chunk_id))

    def chunk_ids(self, document_ids: Iterable[int]) -> frozenset[int]:
        """The ids of every chunk of these documents."""
        ids = list(document_ids)
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id FROM chunks WHERE document IN ({marks})", ids) if ids else []
        return frozenset(int(row[0]) for row in rows)

    def chunks(self, ids: Iterable[int]) -> list[StoredChunk]:
        """The stored chunks with these ids, in the order given."""
        ids = list(ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = {row["id"]: row for row in self.db.execute(f"SELECT * FROM chunks WHERE id IN ({marks})", ids)}
        return [self._stored(rows[i]) for i in ids if i in rows]

    def documents(self) -> list[DocumentRecord]:
        """Every stored document."""
        return list(self._documents.values())

    def document_text(self, document_id: int) -> str:
        """The full extracted text of one document, which chunk offsets index into."""
        return self.db.execute("SELECT text FROM documents WHERE id=?", (document_id,)).fetchone()[0]

    def entry(self, path: str) -> Entry | None:
        """A stored document with its chunks and vectors, for reuse when its file is unchanged."""
        record = next((doc for doc in self._documents.values() if doc.path == path), None)
        if record is None:
            return None
        rows = self.db.execute("SELECT * FROM chunks WHERE document=? ORDER BY id", (record.id,)).fetchall()
        vectors = np.array([np.frombuffer(row["vector"], dtype=np.float32) for row in rows], dtype=np.float32)
        chunks = tuple(self._stored(row).chunk for row in rows)
        return Entry(record.path, record.file, record.sha256, self.document_text(record.id), record.description,
                     chunks, vectors.reshape(len(rows), self.manifest.dimension), record.judgements)

    def _load_documents(self) -> Iterable[DocumentRecord]:
        for row in self.db.execute("SELECT * FROM documents ORDER BY id"):
            description = Description(**{name: row[name] for name in DESCRIPTION_FIELDS})
            grades = tuple(Judgement(**item) for item in json.loads(row["judgements"] or "[]"))
            yield DocumentRecord(row["id"], row["path"], row["file"], row["sha256"], description, grades)

    def _stored(self, row: sqlite3.Row) -> StoredChunk:
        document = self._documents[row["document"]]
        chunk = Chunk(document.file, row["text"], row["start"], row["end"], row["paragraph"], row["section"], row["page"])
        return StoredChunk(row["id"], chunk, document)


def current_folder(root: Path) -> Path:
    """The folder of the version ``root/CURRENT`` names."""
    pointer = root / CURRENT
    if not pointer.is_file():
        raise IndexMissing(f"no index in {root}/; build one with: python -m ingest corpus/ --index {root}")
    folder = root / pointer.read_text().strip()
    if not (folder / MANIFEST).is_file():
        raise IndexBroken(f"the index in {root}/ is incomplete; rebuild it with: python -m ingest --rebuild --index {root}")
    return folder


def read_manifest(folder: Path) -> Manifest:
    """The manifest of one index version; refuses one written by an incompatible version."""
    data = json.loads((folder / MANIFEST).read_text())
    if data.get("format") != FORMAT:
        raise IndexMismatch(
            f"the index in {folder.parent}/ has format {data.get('format')}, this program reads {FORMAT}; "
            f"rebuild it with: python -m ingest --rebuild --index {folder.parent}"
        )
    return Manifest(**data)


def check_model(manifest: Manifest, model: str | None, root: Path) -> None:
    """Refuse a requested model that differs from the one the index was built with."""
    if model and not same_model(model, manifest.model):
        raise IndexMismatch(
            f"the index in {root}/ was built with model {manifest.model!r}, not {model!r}; "
            f"rebuild it with: python -m ingest --rebuild --model {model} --index {root} "
            f"(or search with --model {manifest.model})"
        )
