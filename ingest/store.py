"""The index format on disk: write a version, load it, and look chunks up by vector, text or id (the only faiss import)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

import faiss
import numpy as np
from filelock import FileLock, Timeout

from ingest.document import Chunk
from ingest.embed import same_vectors
from ingest.errors import IndexBroken, IndexBusy, IndexMismatch, IndexMissing, IndexUnwritable, OfstedError
from ingest.grades import Judgement
from ingest.metadata import Description
from ingest.sections import JUDGEMENT, PARTS

# 2: full-text (FTS5) table; 3: judgement grades per document; 4: absolute paths, sentence spans per chunk;
# 5: where each chunk is printed on its page, when each document was ingested; 6: each sentence's vector;
# 7: the part of the report each chunk is in (summary, judgement, improvement list, about, findings by area);
# 8: visit letters' opening paragraphs and text before any heading are "about", a 2018-19 letter's "Overview" summary;
# 9: whether a document states its publication date
FORMAT = 9
CURRENT = "CURRENT"
FLAT = "flat"
HNSW = "hnsw"
# HNSW graph: neighbours per node and search breadth. With these, recall@10 against exact search is measured by
# `python scripts/benchmark.py` (and checked in tests/test_index.py). On the whole country's 66,162 passages, two sets
# of 300 of them as queries: breadth 128 gave 0.986 and 0.993, 160 gave 0.996 and 0.996 (issue 11 asks 0.99), at 0.08-0.09
# of exact search's time instead of 0.06-0.08.
HNSW_NEIGHBOURS = 32
HNSW_BUILD_DEPTH = 200
HNSW_SEARCH_DEPTH = 160
# A filtered search over at most this many passages is exact even in an HNSW index (a few milliseconds).
EXACT_WITHIN = 20_000
LOCK = "write.lock"
# Versions kept besides the current one, so that a reader who read CURRENT just before a switch still finds its folder.
KEEP_PREVIOUS = 1
MANIFEST = "manifest.json"
STORE = "chunks.sqlite"
VECTORS = "vectors.faiss"
# Stored vectors read back per step while the vector index is built, so that they are never all in memory twice.
VECTOR_BLOCK = 8192
# Passages found by their offset a reader remembers (see Index.passage_at).
REMEMBERED = 100_000
# Full-text search within this many runs of passages (a few councils' reports) asks FTS5 for each run's rowids, which
# it seeks without reading the rest of the index; more runs are passed as one list of ids.
SPANS_SEARCHED = 8
# Passages a reader keeps parsed (1.8 KB each, measured over 10,000 of the national sample: about 37 MB at most).
CHUNKS_REMEMBERED = 20_000
# A phrase's BM25 share in each passage holding it, kept by a reader once the phrase is searched for a second time: a
# question's full-text score is the sum over its phrases (FTS5's bm25 of "a" OR "b" is that of "a" plus that of "b"),
# and the dearest phrases to score, the commonest ("care", "children in care"), come back question after question.
# Scoring a phrase alone reads every passage holding it (FTS5 ranking a whole query reads only the best), so a phrase
# is scored alone only when it comes back. At most this many (passage, score) pairs in all, 16 bytes each (192 MB),
# half of them scored ahead (``keep_scores``). The whole country's index (66,000 passages) has 5.3 million pairs in its
# 608 common phrases: with 2 million (a million ahead) only 82 of them were kept, and a question asked once waited for
# FTS5 to read the rest (p95 69 ms; 38 ms with all kept, for 34 MB more; the national sample's 830,000 fit either way).
SCORES_KEPT = 12_000_000
# A phrase held by at most this share of the passages is scored alone the first time it is searched for (a few
# milliseconds), so that a question whose common phrases are kept is summed in memory, not ranked again by FTS5, which
# reads every passage holding any of its phrases. The commoner phrases are scored ahead (``keep_scores``).
RARE_SHARE = 0.05

SCHEMA = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY, path TEXT UNIQUE, file TEXT, sha256 TEXT, text TEXT,
    title TEXT, authority TEXT, kind TEXT, inspection_start TEXT, inspection_end TEXT,
    published TEXT, lead_inspector TEXT, judgements TEXT, ingested TEXT, published_stated INTEGER
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, document INTEGER REFERENCES documents(id), text TEXT,
    start INTEGER, "end" INTEGER, paragraph TEXT, section TEXT, page INTEGER, sentences TEXT, box TEXT, vector BLOB,
    sentence_vectors BLOB, part TEXT
);
CREATE INDEX chunks_document ON chunks(document);
CREATE VIRTUAL TABLE chunks_fts USING fts5(
    text, section, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
"""
# bm25 column weights: passage text counts fully, its section heading half.
BM25 = "bm25(chunks_fts, 1.0, 0.5)"
DESCRIPTION_FIELDS = ("title", "authority", "kind", "inspection_start", "inspection_end", "published", "lead_inspector")
# (and ``published_stated``, stored after the document's own columns)


@dataclass(frozen=True)
class Manifest:
    """What an index was built with, saved beside it and checked on load."""

    model: str
    dimension: int
    chunking: dict
    documents: dict[str, str] = field(default_factory=dict)  # path -> sha256
    format: int = FORMAT
    built: str = ""
    vector_index: str = "flat"  # FLAT (exact) or HNSW (approximate, for large indexes)
    extractor: int = 0  # the version of what reading a file gives (ingest.read.EXTRACTOR); 0 before it was recorded


@dataclass(frozen=True)
class DocumentRecord:
    """A stored document's identity and description."""

    id: int
    path: str
    file: str
    sha256: str
    description: Description
    judgements: tuple[Judgement, ...] = ()
    ingested: str = ""  # when it was read into the index (ISO date and time)


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
    ingested: str = ""
    # Per chunk, the vectors of its sentences (one row per ``chunk.sentences`` span), so that a question embeds only
    # itself; empty where not computed.
    sentence_vectors: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as found in the index, with the document it came from."""

    id: int
    chunk: Chunk
    document: DocumentRecord


class Writer:
    """A new index version written in a staging folder one document at a time, so that memory holds none of what is
    written (the vector index is built at ``commit`` from the stored rows); readers see nothing of it until
    ``commit`` switches to it atomically.

    With ``append``, every document of ``old`` stays: its store is copied byte for byte and the new documents are
    added after it (their rows, full-text entries and vectors), so nothing already indexed is decoded or re-encoded.
    Otherwise ``keep`` copies chosen documents of ``old`` across in SQL, without passing their rows through Python."""

    def __init__(self, root: Path, dimension: int, old: Index | None = None, append: bool = False) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.dimension = dimension
        self.version = root / f"v-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        self.staging = root / f".{self.version.name}.partial"
        self.staging.mkdir()
        self.old = old
        self.base = old if append else None
        self.documents: dict[str, str] = dict(self.base.manifest.documents) if self.base else {}
        if self.base:
            shutil.copyfile(self.base.folder / STORE, self.staging / STORE)
        self.db = sqlite3.connect(self.staging / STORE)
        if self.base:
            self.passages = len(self.base)
            self._next_document = 1 + (self.db.execute("SELECT max(id) FROM documents").fetchone()[0] or 0)
        else:
            self.db.executescript(SCHEMA)
            self.passages, self._next_document = 0, 0
            if old is not None:  # before any write: SQLite refuses ATTACH inside a transaction
                self.db.execute("ATTACH DATABASE ? AS old", (f"file:{old.folder / STORE}?mode=ro",))

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self.staging.exists():  # not committed: an error, or nothing changed
            self.discard()

    def add(self, entry: Entry) -> None:
        """Write one newly read document: its row, its chunks with their vectors, and their full-text entries."""
        doc_id, first = self._next_document, self.passages
        description = [getattr(entry.description, name) for name in DESCRIPTION_FIELDS]
        grades = json.dumps([judgement.as_json() for judgement in entry.judgements])
        self.db.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (doc_id, entry.path, entry.file, entry.sha256, entry.text, *description, grades, entry.ingested,
                         int(entry.description.published_stated)))
        sentence_vectors = entry.sentence_vectors or (None,) * len(entry.chunks)
        self.db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            (first + n, doc_id, chunk.text, chunk.start, chunk.end, chunk.paragraph, chunk.section, chunk.page,
             json.dumps(chunk.sentences), json.dumps(chunk.box) if chunk.box else None,
             np.asarray(vector, dtype=np.float32).tobytes(),
             None if sentences is None else np.asarray(sentences, dtype=np.float16).tobytes(), chunk.part)
            for n, (chunk, vector, sentences) in enumerate(zip(entry.chunks, entry.vectors, sentence_vectors))))
        self._index_text(doc_id)
        self._advance(entry.path, entry.sha256, len(entry.chunks))

    def keep(self, record: DocumentRecord) -> None:
        """Copy one document of the old index, with its chunks, vectors and full-text entries."""
        if self.old is None or self.base is not None:
            raise ValueError("keep copies from an old index that is not appended to")
        low, count = self.db.execute("SELECT min(id), count(*) FROM old.chunks WHERE document=?", (record.id,)).fetchone()
        doc_id, first = self._next_document, self.passages
        self.db.execute("INSERT INTO documents SELECT ?, path, file, sha256, text, title, authority, kind, inspection_start, "
                        "inspection_end, published, lead_inspector, judgements, ingested, published_stated FROM old.documents WHERE id=?",
                        (doc_id, record.id))
        if count:  # a document's chunks have consecutive ids, which are also their places in the vector index
            self.db.execute('INSERT INTO chunks SELECT id - ? + ?, ?, text, start, "end", paragraph, section, page, '
                            "sentences, box, vector, sentence_vectors, part FROM old.chunks WHERE document=?",
                            (low, first, doc_id, record.id))
        self._index_text(doc_id)
        self._advance(record.path, record.sha256, int(count))

    def _index_text(self, doc_id: int) -> None:
        self.db.execute("INSERT INTO chunks_fts(rowid, text, section) SELECT id, text, section FROM chunks WHERE document=?",
                        (doc_id,))

    def _advance(self, path: str, sha256: str, passages: int) -> None:
        self.documents[path] = sha256
        self.passages += passages
        self._next_document += 1

    def commit(self, manifest: Manifest) -> str:
        """Write the vector index and ``manifest`` (its documents are the ones written), then switch readers to
        this version; returns its name."""
        self.db.commit()
        faiss.write_index(self._vector_index(manifest.vector_index), str(self.staging / VECTORS))
        self.db.close()
        stamped = Manifest(**{**asdict(manifest), "documents": dict(sorted(self.documents.items())),
                              "built": time.strftime("%Y-%m-%dT%H:%M:%S")})
        (self.staging / MANIFEST).write_text(json.dumps(asdict(stamped), indent=1))
        _fsync_dir(self.staging)
        self.staging.rename(self.version)
        _point_to(self.root, self.version.name)
        _remove_old_versions(self.root, keep=self.version.name)
        return self.version.name

    def discard(self) -> None:
        """Drop the staging folder; the current version stays as it was."""
        self.db.close()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _vector_index(self, kind: str) -> faiss.Index:
        """The vector index of every stored passage, filled from the vectors stored with them a block at a time."""
        if self.base is not None and self.base.manifest.vector_index == kind:
            # the old vectors (and an HNSW graph with its build depth, which the file keeps) stay; the new are added
            index, start = faiss.read_index(str(self.base.folder / VECTORS)), len(self.base)
        else:  # a new index, or the kind changed (the index grew past OFSTED_HNSW_ABOVE): all are indexed afresh
            index, start = empty_index(self.dimension, kind), 0
        for block in self._stored_vectors(start):
            index.add(block)
        return index

    def _stored_vectors(self, start: int) -> Iterator[np.ndarray]:
        rows = self.db.execute("SELECT vector FROM chunks WHERE id >= ? ORDER BY id", (start,))
        while block := rows.fetchmany(VECTOR_BLOCK):
            yield np.frombuffer(b"".join(vector for (vector,) in block), dtype=np.float32).reshape(-1, self.dimension)


def vector_kind(passages: int, hnsw_above: int) -> str:
    """The vector index for this many passages: exact up to ``hnsw_above`` (OFSTED_HNSW_ABOVE), an HNSW graph above."""
    return HNSW if passages > hnsw_above else FLAT


def vector_index(vectors: np.ndarray, kind: str = FLAT) -> faiss.Index:
    """An index of ``vectors``: exact inner product, or for a large collection an HNSW graph."""
    index = empty_index(vectors.shape[1], kind)
    index.add(vectors)
    return index


def empty_index(dimension: int, kind: str = FLAT) -> faiss.Index:
    """An exact inner-product index (a council's reports make thousands of chunks, not millions, so it answers in
    milliseconds with no training), or for a large collection an HNSW graph (approximate, far faster to search)."""
    if kind != HNSW:
        return faiss.IndexFlatIP(dimension)
    index = faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_BUILD_DEPTH
    return index


def search_depth(index: faiss.Index) -> None:
    """Set an HNSW index's search breadth to the one its recall was measured with."""
    faiss.ParameterSpace().set_index_parameter(index, "efSearch", HNSW_SEARCH_DEPTH)


def _fsync_dir(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())


def _point_to(root: Path, name: str) -> None:
    pointer = root / f".{CURRENT}.{os.getpid()}"
    pointer.write_text(name)
    os.replace(pointer, root / CURRENT)


def _remove_old_versions(root: Path, keep: str) -> None:
    """Versions older than the previous one (only the lock holder writes, so no other writer's work is removed)."""
    versions = sorted((path for path in root.iterdir() if path.is_dir() and path.name.startswith("v-")),
                      key=lambda path: path.stat().st_mtime, reverse=True)
    for path in [path for path in versions if path.name != keep][KEEP_PREVIOUS:]:
        shutil.rmtree(path, ignore_errors=True)


def _remove_leftovers(root: Path) -> None:
    """What writers that were killed left half-written (staging folders, records): removed by the next lock holder,
    whatever it goes on to do, since no other writer can be using them."""
    for path in root.glob(".*.partial"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@contextmanager
def one_thread() -> Iterator[None]:
    """FAISS on one thread in the calling thread for a while (then as before): one question's vector is compared with
    the passages' fastest so, since waking OpenMP's other threads costs more than they save (on the national sample's
    11,500 passages, 0.6 ms a search against 2.1 ms on two threads). Only this thread's setting changes, so other
    threads (another visitor's question, an ingest building its index) keep theirs."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


@contextmanager
def write_lock(root: Path, wait: float, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold the index's write lock: writers run one at a time. A writer that dies releases it (an OS file lock)."""
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / LOCK), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        waiting(f"another ingest is updating {root}/; waiting for it to finish (up to {wait:g} s)")
        try:
            lock.acquire(timeout=wait)
        except Timeout as error:
            raise IndexBusy(f"another ingest has been updating {root}/ for over {wait:g} s; wait for it to finish "
                            "and run this again, or raise OFSTED_LOCK_WAIT") from error
    try:
        _remove_leftovers(root)
        yield
    finally:
        lock.release()


class Index:
    """A loaded index version: FAISS vectors plus the SQLite chunk store."""

    def __init__(self, folder: Path, manifest: Manifest) -> None:
        self.folder = folder
        self.manifest = manifest
        self.vectors = faiss.read_index(str(folder / VECTORS))
        if manifest.vector_index == HNSW:
            search_depth(self.vectors)
        # One read-only connection shared by every thread of a server, used under a lock.
        self.db = sqlite3.connect(f"file:{folder / STORE}?mode=ro", uri=True, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self._db_lock = threading.Lock()
        self._documents = {record.id: record for record in self._load_documents()}
        self._by_path = {record.path: record for record in self._documents.values()}
        # Computed on first use and then shared by every thread (a race computes the same list twice, harmlessly).
        self._parts: dict[str, list[int]] = {}
        self._terms: dict[str, int] | None = None
        # The passage at a document's offset, remembered: a grade table looks up every judgement row's passage, and
        # questions across councils share them (bounded: a dict of ints, cleared when full).
        self._passages_at: dict[tuple[int, int], int | None] = {}
        # Whether any passage uses a word or phrase, remembered the same way: every question checks its words against
        # the reports (a misspelling, a name no report uses), and people ask with much the same words.
        self._used: dict[str, bool] = {}
        self._counted: dict[str, int] = {}  # how many passages hold a word or phrase
        self._scores: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # a phrase's BM25 share (SCORES_KEPT)
        self._searched: dict[str, None] = {}  # phrases searched for (REMEMBERED): their scores are kept when asked again
        self._scores_kept = 0
        # Passages read, remembered: a question reads some fifty (to rank, to quote, to judge whether they answer),
        # and each costs a row and its parsed offsets; bounded (CHUNKS_REMEMBERED), cleared when full.
        self._chunks: dict[int, StoredChunk] = {}
        self._ids_of: dict[int, tuple[int, ...]] | None = None  # each document's chunk ids, read once
        self._owner: dict[int, int] = {}  # each chunk's document, read with them

    @property
    def version(self) -> str:
        """The version this reader reads: its folder's name."""
        return self.folder.name

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._db_lock:
            return self.db.execute(sql, parameters).fetchall()

    @classmethod
    def load(cls, root: Path) -> Index:
        """The current version under ``root``; raises IndexMissing with the command that builds one."""
        for attempt in range(3):
            folder = current_folder(root)
            try:
                return cls(folder, read_manifest(folder))
            except (FileNotFoundError, sqlite3.OperationalError):
                if attempt == 2:  # a writer switched versions between reading CURRENT and opening the folder
                    raise
        raise AssertionError("unreachable")

    def __len__(self) -> int:
        return int(self.vectors.ntotal)

    def search(self, query: np.ndarray, k: int, allowed: frozenset[int] | None = None) -> list[tuple[int, float]]:
        """(chunk id, cosine score) of the ``k`` nearest chunks, best first, only ``allowed`` ids if given."""
        if len(self) == 0 or k <= 0:
            return []
        with one_thread():
            return self._search(query, k, allowed)

    def _search(self, query: np.ndarray, k: int, allowed: frozenset[int] | None) -> list[tuple[int, float]]:
        vector = np.asarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is None:
            scores, ids = self.vectors.search(vector, min(k, len(self)))
        elif not allowed:
            return []
        elif self.manifest.vector_index == HNSW and len(allowed) <= EXACT_WITHIN:
            # a narrow filter can cut an HNSW graph apart: score the allowed passages exactly instead
            ids_in = np.fromiter(allowed, dtype=np.int64, count=len(allowed))
            scores_all = self.vectors.reconstruct_batch(ids_in) @ vector[0]
            best = np.argsort(-scores_all)[:k]
            return [(int(ids_in[i]), float(scores_all[i])) for i in best]
        else:  # FAISS looks at the allowed ids only, instead of ranking everything and filtering afterwards
            selector = faiss.IDSelectorBatch(np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
            if self.manifest.vector_index == HNSW:  # a wide filter: the graph stays connected enough
                params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # in faiss, not in its stubs
                params.efSearch = HNSW_SEARCH_DEPTH
            else:
                params = faiss.SearchParameters()
            params.sel = selector
            scores, ids = self.vectors.search(vector, min(k, len(allowed)), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0][:k]

    def lexical(self, phrases: Sequence[str], k: int, allowed: frozenset[int] | None = None) -> list[tuple[int, float]]:
        """(chunk id, BM25 score, higher is better) of the ``k`` best full-text matches of any of ``phrases``: FTS5's
        bm25 of them all, each phrase weighed by its rarity in the whole index. When every phrase's share is kept or
        cheap to read (``_summable``), summed from them (``_scored``); else ranked by FTS5 itself, which returns only the
        best ``k`` (a common phrase searched for once costs no more than it did)."""
        kept = [phrase for phrase in phrases if phrase.strip()]
        if not kept or k <= 0 or (allowed is not None and not allowed):
            return []
        summed = all(self._summable(phrase) for phrase in kept)
        for phrase in kept:
            _keep(self._searched, phrase, None, REMEMBERED)
        if summed:
            among = None if allowed is None else np.fromiter(allowed, dtype=np.int64, count=len(allowed))
            return best_matches([self._scored(phrase) for phrase in kept], among, k)
        expression = _fts5(kept)
        if allowed is None:
            sql = f"SELECT rowid, {BM25} AS rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank, rowid LIMIT ?"
            rows = self._rows(sql, (expression, k))
        elif len(spans := _spans(allowed)) <= SPANS_SEARCHED:  # a few documents: FTS5 reads only their rowids
            sql = (f"SELECT rowid, {BM25} AS rank FROM chunks_fts WHERE chunks_fts MATCH ? "
                   "AND rowid BETWEEN ? AND ? ORDER BY rank, rowid LIMIT ?")
            rows = sorted((row for low, high in spans for row in self._rows(sql, (expression, low, high, k))),
                          key=lambda row: (float(row[1]), int(row[0])))[:k]
        else:  # only the allowed passages are ranked (their ids passed as one JSON array, of any length). The "+"
            # keeps SQLite from handing the id list to FTS5, which would re-run the whole match once per id (1 s
            # instead of 4 ms on 12,000 passages).
            sql = (f"SELECT rowid, {BM25} AS rank FROM chunks_fts WHERE chunks_fts MATCH ? "
                   "AND +rowid IN (SELECT value FROM json_each(?)) ORDER BY rank, rowid LIMIT ?")
            rows = self._rows(sql, (expression, json.dumps(sorted(allowed)), k))
        return [(int(row[0]), -float(row[1])) for row in rows]

    def _summable(self, phrase: str) -> bool:
        """True when ``phrase``'s scores are kept, or cheap to read: it was searched for before (a phrase that comes
        back is kept), or few passages hold it (RARE_SHARE)."""
        return phrase in self._scores or phrase in self._searched or self._holding(phrase) <= RARE_SHARE * len(self)

    def keep_scores(self, phrases: Iterable[str], at_most: int | None = None,
                    between: Callable[[], object] | None = None, budget: int = SCORES_KEPT // 2) -> int:
        """Score ahead, and keep, those of ``phrases`` (in the order given) that more than RARE_SHARE of the passages
        hold (and at most ``at_most``, if given), while fewer than ``budget`` (passage, score) pairs are kept: a first
        question using them is then summed in memory. Only a phrase each word of which starts with a common term (a
        stem: "home" of "homes") is counted. ``between`` is called before each phrase is counted (a server waits there
        while it answers a question). Returns how many were scored."""
        rare = RARE_SHARE * len(self)
        common = {term for term, count in self.terms().items() if count > rare}

        def may_be_common(phrase: str) -> bool:
            return all(any(word[:n] in common for n in range(1, len(word) + 1)) for word in phrase.split())

        scored = 0
        for phrase in phrases:
            if self._scores_kept >= budget:
                break
            if between is not None:
                between()
            if (phrase.strip() and phrase not in self._scores and may_be_common(phrase.lower())
                    and rare < self._holding(phrase) <= (len(self) if at_most is None else at_most)):
                self._scored(phrase)
                _keep(self._searched, phrase, None, REMEMBERED)
                scored += 1
        return scored

    def _scored(self, phrase: str) -> tuple[np.ndarray, np.ndarray]:
        """The passages holding ``phrase`` (ids ascending) and its BM25 share in each (FTS5's bm25 of a query of it
        alone), read once per reader while fewer than SCORES_KEPT pairs are kept."""
        found = self._scores.get(phrase)
        if found is not None:
            return found
        rows = self._rows(f"SELECT rowid, -{BM25} FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rowid", (_fts5([phrase]),))
        found = (np.array([row[0] for row in rows], dtype=np.int64), np.array([row[1] for row in rows], dtype=np.float64))
        with self._db_lock:
            if self._scores_kept + len(rows) > SCORES_KEPT:
                self._scores.clear()
                self._scores_kept = 0
            if len(rows) <= SCORES_KEPT:
                self._scores[phrase] = found
                self._scores_kept += len(rows)
        return found

    def matching(self, phrases: Sequence[str], allowed: frozenset[int] | None = None) -> list[int]:
        """How many of the ``allowed`` passages (or of all, remembered: they are the same until the next version) hold
        each of ``phrases``."""
        if allowed is None:
            return [self._holding(phrase) for phrase in phrases]
        if len(spans := _spans(allowed)) <= SPANS_SEARCHED:
            sql = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ?"
            return [sum(int(self._rows(sql, (_fts5([phrase]), low, high))[0][0]) for low, high in spans)
                    if phrase.strip() else 0 for phrase in phrases]
        sql = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ? AND +rowid IN (SELECT value FROM json_each(?))"
        ids = json.dumps(sorted(allowed))
        return [int(self._rows(sql, (_fts5([phrase]), ids))[0][0]) if phrase.strip() else 0 for phrase in phrases]

    def _holding(self, phrase: str) -> int:
        """How many passages hold ``phrase``, read once per reader."""
        if not phrase.strip():
            return 0
        sql = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?"
        return _remembered(self._counted, phrase, lambda: int(self._rows(sql, (_fts5([phrase]),))[0][0]), REMEMBERED)

    def judgement_chunks(self, allowed: frozenset[int] | None) -> list[int]:
        """Ids of chunks that state a grade on their own (a judgement table row, a "Help and protection: good"
        heading, "The overall judgement is ..."; see ingest.sections), within ``allowed``."""
        return self.in_part(JUDGEMENT, allowed)

    def in_part(self, part: str, allowed: frozenset[int] | None) -> list[int]:
        """Ids of the chunks in one part of their reports (ingest.sections.PARTS), within ``allowed`` if given."""
        self._document_ids()  # each part's ids are read with the documents', once per loaded index
        if part not in self._parts:  # a part no report of this index has
            self._parts[part] = [int(row[0]) for row in self._rows("SELECT id FROM chunks WHERE part=?", (part,))]
        return [i for i in self._parts[part] if allowed is None or i in allowed]

    def mentions(self, phrase: str) -> bool:
        """True when any passage holds ``phrase`` (full-text, as a phrase)."""
        sql = "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT 1"
        return _remembered(self._used, phrase, lambda: bool(self._rows(sql, (_fts5([phrase]),))), REMEMBERED)

    def warm(self) -> None:
        """Read the terms and each document's passages ahead (the rest is a local file, read as fast on a first
        question as on any)."""
        self.terms()
        self._document_ids()

    def terms(self) -> dict[str, int]:
        """Every full-text term (a stem, as the full-text index keeps words) with how many passages use it."""
        if self._terms is None:  # read once per loaded index
            with self._db_lock:
                self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, chunks_fts, 'row')")
                rows = self.db.execute("SELECT term, doc FROM temp.terms").fetchall()
            self._terms = {str(row[0]): int(row[1]) for row in rows}
        return self._terms

    def sentences(self) -> Iterator[tuple[int, str]]:
        """(document id, sentence) for every sentence of every passage, in storage order, read a block at a time."""
        last = -1
        while rows := self._rows("SELECT id, document, text, sentences FROM chunks WHERE id>? ORDER BY id LIMIT ?",
                                 (last, VECTOR_BLOCK)):
            for row in rows:
                text = row[2]
                for start, end in json.loads(row[3] or "[]") or [(0, len(text))]:
                    yield int(row[1]), text[start:end]
            last = int(rows[-1][0])

    def close(self) -> None:
        with self._db_lock:
            self.db.close()

    def passage_at(self, document_id: int, offset: int) -> int | None:
        """The id of the chunk of a document whose text holds the character at ``offset``, if any."""
        def read() -> int | None:
            rows = self._rows('SELECT id FROM chunks WHERE document=? AND start<=? AND "end">? ORDER BY "end"-start '
                              'LIMIT 1', (document_id, offset, offset))
            return int(rows[0][0]) if rows else None

        return _remembered(self._passages_at, (document_id, offset), read, REMEMBERED)

    def passage_stating(self, document_id: int, words: str) -> int | None:
        """The id of the shortest chunk of a document that holds ``words``, if any (for statements stored without
        their offset)."""
        rows = self._rows("SELECT id FROM chunks WHERE document=? AND instr(lower(text), lower(?)) > 0 "
                          "ORDER BY length(text) LIMIT 1", (document_id, words))
        return int(rows[0][0]) if rows else None

    def vector(self, chunk_id: int) -> np.ndarray:
        """The stored unit vector of one chunk."""
        return np.asarray(self.vectors.reconstruct(int(chunk_id)))

    def chunk_ids(self, document_ids: Iterable[int]) -> frozenset[int]:
        """The ids of every chunk of these documents."""
        ids_of = self._document_ids()
        return frozenset(chunk for document in document_ids for chunk in ids_of.get(document, ()))

    def documents_of(self, ids: Iterable[int]) -> dict[int, int]:
        """The document id of each of these chunks (those stored), without reading the chunks."""
        self._document_ids()
        owner = self._owner
        return {int(i): owner[int(i)] for i in ids if int(i) in owner}

    def _document_ids(self) -> dict[int, tuple[int, ...]]:
        """Each document's chunk ids, read once per loaded index (a question naming councils selects their documents'
        passages: one query of thousands of rows each time, 8 ms of a question's 40 on the national sample; a race
        reads the same twice, harmlessly), and in the same reading each part's (``in_part``: 20 ms a part, read
        alone, on the national sample), and each chunk's document (``documents_of``). Small: a few integers a
        passage."""
        if self._ids_of is None:
            grouped: dict[int, list[int]] = {}
            parts: dict[str, list[int]] = {part: [] for part in PARTS}
            owner: dict[int, int] = {}
            for document, chunk, part in self._rows("SELECT document, id, part FROM chunks ORDER BY id"):
                grouped.setdefault(int(document), []).append(int(chunk))
                owner[int(chunk)] = int(document)
                if part is not None:
                    parts.setdefault(str(part), []).append(int(chunk))
            self._parts.update(parts)
            self._owner = owner  # before the ids, which say the reading is done
            self._ids_of = {document: tuple(chunks) for document, chunks in grouped.items()}
        return self._ids_of

    def chunks(self, ids: Iterable[int]) -> list[StoredChunk]:
        """The stored chunks with these ids, in the order given."""
        ids = list(ids)
        found = {i: self._chunks.get(i) for i in ids}  # taken at once: another thread may clear the memo meanwhile
        missing = [i for i, item in found.items() if item is None]
        if missing:
            marks = ",".join("?" * len(missing))
            for row in self._rows(f"SELECT * FROM chunks WHERE id IN ({marks})", missing):
                found[int(row["id"])] = _keep(self._chunks, int(row["id"]), self._stored(row), CHUNKS_REMEMBERED)
        return [item for item in (found[i] for i in ids) if item is not None]

    def document_chunks(self, document_id: int) -> list[StoredChunk]:
        """Every chunk of one document, in reading order."""
        return [self._stored(row) for row in self._rows("SELECT * FROM chunks WHERE document=? ORDER BY id", (document_id,))]

    def passage_counts(self) -> dict[int, int]:
        """How many passages each document has, by document id."""
        return {int(row[0]): int(row[1]) for row in self._rows("SELECT document, count(*) FROM chunks GROUP BY document")}

    def document(self, document_id: int) -> DocumentRecord | None:
        """One stored document by id, or None."""
        return self._documents.get(document_id)

    def documents(self) -> list[DocumentRecord]:
        """Every stored document."""
        return list(self._documents.values())

    def document_text(self, document_id: int) -> str:
        """The full extracted text of one document, which chunk offsets index into."""
        return self._rows("SELECT text FROM documents WHERE id=?", (document_id,))[0][0]

    def record(self, path: str) -> DocumentRecord | None:
        """One stored document by its path, or None."""
        return self._by_path.get(path)

    def sentence_vectors(self, ids: Iterable[int]) -> dict[int, np.ndarray]:
        """The stored sentence vectors (float32, one row per sentence) of these chunks, by chunk id."""
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._rows(f"SELECT id, sentence_vectors FROM chunks WHERE id IN ({marks})", ids)
        return {int(row[0]): self._sentence_matrix(row[1]).astype(np.float32) for row in rows if row[1] is not None}

    def _sentence_matrix(self, blob: bytes | None) -> np.ndarray:
        if blob is None:
            return np.zeros((0, self.manifest.dimension), dtype=np.float16)
        return np.frombuffer(blob, dtype=np.float16).reshape(-1, self.manifest.dimension)

    def _load_documents(self) -> Iterable[DocumentRecord]:
        for row in self._rows("SELECT * FROM documents ORDER BY id"):
            description = Description(**{name: row[name] for name in DESCRIPTION_FIELDS},
                                      published_stated=bool(row["published_stated"]))
            grades = tuple(Judgement(**item) for item in json.loads(row["judgements"] or "[]"))
            yield DocumentRecord(row["id"], row["path"], row["file"], row["sha256"], description, grades, row["ingested"] or "")

    def _stored(self, row: sqlite3.Row) -> StoredChunk:
        document = self._documents[row["document"]]
        sentences = tuple(tuple(span) for span in json.loads(row["sentences"] or "[]"))
        box = tuple(json.loads(row["box"])) if row["box"] else None
        chunk = Chunk(document.file, row["text"], row["start"], row["end"], row["paragraph"], row["section"], row["page"],
                      sentences, box, row["part"] or "")
        return StoredChunk(row["id"], chunk, document)


K = TypeVar("K")
V = TypeVar("V")
_UNREAD = object()


def best_matches(found: Sequence[tuple[np.ndarray, np.ndarray]], among: np.ndarray | None, k: int) -> list[tuple[int, float]]:
    """The ``k`` passages scoring highest over ``found`` (each phrase's passages, ids ascending, and its score in each;
    a passage's score the sum of its phrases'), only those ``among`` if given; best first, ties by id."""
    if among is not None:
        inside = [np.isin(ids, among, assume_unique=True) for ids, _ in found]
        found = [(ids[kept], scores[kept]) for (ids, scores), kept in zip(found, inside)]
    if not sum(len(ids) for ids, _ in found):
        return []
    ids, inverse = np.unique(np.concatenate([ids for ids, _ in found]), return_inverse=True)
    summed = np.zeros(len(ids))
    np.add.at(summed, inverse, np.concatenate([scores for _, scores in found]))
    best = np.lexsort((ids, -summed))[:k]
    return [(int(ids[n]), float(summed[n])) for n in best]


def _remembered(memo: dict[K, V], key: K, read: Callable[[], V], bound: int) -> V:
    """``memo``'s value for ``key``, read (and kept) the first time. A reader's memos are shared by every thread: a
    race reads a value twice, harmlessly."""
    value = memo.get(key, _UNREAD)
    return _keep(memo, key, read(), bound) if value is _UNREAD else value  # type: ignore[return-value]


def _keep(memo: dict[K, V], key: K, value: V, bound: int) -> V:
    """Keep ``value`` under ``key``, emptying ``memo`` first when it holds ``bound`` values already."""
    if len(memo) >= bound:
        memo.clear()
    memo[key] = value
    return value


def _spans(ids: frozenset[int]) -> list[tuple[int, int]]:
    """``ids`` as runs of consecutive ids (first, last): a document's passages are one run, as an ingest writes them."""
    spans: list[tuple[int, int]] = []
    for i in sorted(ids):
        if spans and i == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    return spans


def _fts5(phrases: Sequence[str]) -> str | None:
    """An FTS5 MATCH expression for any of ``phrases``, each quoted as a phrase so that nothing in it is syntax."""
    quoted = ['"' + phrase.replace('"', " ") + '"' for phrase in phrases if phrase.strip()]
    return " OR ".join(quoted) or None


LAST_RUN = "last-run.json"


def _write_record(root: Path, name: str, record: dict) -> None:
    """Replace the JSON record ``name`` beside the versions whole or not at all (a staging file left by a killed
    writer is removed by the next lock holder)."""
    root.mkdir(parents=True, exist_ok=True)
    partial = root / f".{name}.{os.getpid()}.partial"
    partial.write_text(json.dumps(record, indent=1, sort_keys=True))
    partial.replace(root / name)


def _read_record(root: Path, name: str) -> dict:
    """The JSON record ``name`` beside the versions, or {} when there is none (or it is not a JSON object)."""
    try:
        data = json.loads((root / name).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


WITHDRAWN = "removed.json"


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


def held_paths(root: Path) -> list[str]:
    """The documents the current index under ``root`` holds, read from its manifest whatever its format (a rebuild
    re-reads them); empty when there is no readable index."""
    try:
        data = json.loads((current_folder(root) / MANIFEST).read_text())
    except (OfstedError, OSError, ValueError):
        return []
    documents = data.get("documents") if isinstance(data, dict) else None
    return sorted(documents) if isinstance(documents, dict) else []


def check_model(manifest: Manifest, model: str | None, where: str, rebuild: str) -> None:
    """Refuse a requested model that differs from the one the index in ``where`` was built with (``rebuild``: the
    command that rebuilds it)."""
    if model and not same_vectors(model, manifest.model):
        raise IndexMismatch(
            f"the index in {where} was built with model {manifest.model!r}, not {model!r}; "
            f"rebuild it with: {rebuild} --model {model} (or search with --model {manifest.model})"
        )


class FolderStore:
    """The embedded store: versions of the index in one folder (SQLite and FAISS), a file lock for writers, readers
    switched by renaming a pointer. Needs nothing installed; one machine."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def where(self) -> str:
        return f"{self.root}/"

    def load(self) -> Index:
        return Index.load(self.root)

    def current(self) -> str:
        return current_folder(self.root).name

    def writer(self, dimension: int, old: object | None, append: bool = False) -> Writer:
        if old is not None and not isinstance(old, Index):
            raise TypeError("a folder index is written from a folder index")
        return Writer(self.root, dimension, old, append=append)

    def lock(self, wait: float, waiting: Callable[[str], None]) -> contextlib.AbstractContextManager[None]:
        return write_lock(self.root, wait, waiting)

    def held_paths(self) -> list[str]:
        return held_paths(self.root)

    def room_for(self, old: object | None, reading: Sequence[Path]) -> None:
        check_space(self.root, old.folder if isinstance(old, Index) else None, reading)

    def read_record(self, name: str) -> dict:
        return _read_record(self.root, name)

    def write_record(self, name: str, record: dict) -> None:
        _write_record(self.root, name, record)

    def append(self, log: str, body: dict) -> None:
        with self._log(log) as db:
            db.execute(f"INSERT INTO {log} (at, body) VALUES (?, ?)", (time.strftime("%Y-%m-%dT%H:%M:%S"), json.dumps(body)))

    def entries(self, log: str) -> list[tuple[str, dict]]:
        if not (self.root / f"{_log_name(log)}.sqlite").exists():
            return []
        with self._log(log) as db:
            return [(at, json.loads(body)) for at, body in db.execute(f"SELECT at, body FROM {log} ORDER BY id")]

    @contextmanager
    def _log(self, log: str) -> Iterator[sqlite3.Connection]:
        """A connection of its own to the log's file beside the versions (each statement its own transaction)."""
        self.root.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.root / f"{_log_name(log)}.sqlite", timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"CREATE TABLE IF NOT EXISTS {log} (id INTEGER PRIMARY KEY, at TEXT NOT NULL, body TEXT NOT NULL)")
            yield db
        finally:
            db.close()

    def rebuild_command(self) -> str:
        return f"python -m ingest --rebuild --index {self.root}"


def _log_name(log: str) -> str:
    """A log's name, which is also its file's and table's: letters only."""
    if not log.isalpha():
        raise ValueError(f"a log's name is letters only, not {log!r}")
    return log


# A new version is written beside the one in use: room for a copy of it, plus this much per byte of files to read
# (a PDF's passages and vectors take less room than the PDF; a text file's up to twice its size), plus a margin.
_ROOM_PER_BYTE_READ = 2
_ROOM_MARGIN = 16 * 1024 * 1024


def check_space(root: Path, current: Path | None, reading: Sequence[Path]) -> None:
    """Refuse, before any work, an update the disk under ``root`` has clearly no room for."""
    size = lambda path: path.stat().st_size if path.is_file() else 0  # noqa: E731
    needed = (sum(size(path) for path in current.iterdir()) if current else 0) \
        + _ROOM_PER_BYTE_READ * sum(size(path) for path in reading) + _ROOM_MARGIN
    root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    if free < needed:
        raise IndexUnwritable(f"cannot write the index in {root}/: the disk has {free / 1e6:,.0f} MB free and the new "
                              f"version needs about {needed / 1e6:,.0f} MB; free some space and run the command "
                              "again. The previous index is unchanged.")
