"""Copy an index from one store into another (a council's index folder into the shared database, or back), every
passage with the vectors it already has: nothing is read or embedded again."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ingest.boilerplate import count_and_keep
from ingest.store import WITHDRAWN, Entry, Manifest
from ingest.stores import Store


def copy_index(source: Store, target: Store, wait: float, progress: Callable[[str, int, int], None],
               waiting: Callable[[str], None]) -> str:
    """Write the current version of ``source`` as the new current version of ``target`` (replacing what it held),
    with the list of documents taken out on request; returns the new version's name."""
    index = source.load()
    documents = index.documents()
    empty = np.zeros((0, index.manifest.dimension), np.float32)
    with target.lock(wait, waiting), target.writer(index.manifest.dimension, None) as writer:
        for done, record in enumerate(documents, start=1):
            ids = [item.id for item in index.document_chunks(record.id)]
            stored = index.chunks(ids)
            sentences = index.sentence_vectors(ids)
            writer.add(Entry(record.path, record.file, record.sha256, index.document_text(record.id), record.description,
                             tuple(item.chunk for item in stored),
                             np.stack([index.vector(i) for i in ids]) if ids else empty, record.judgements,
                             record.ingested, tuple(sentences.get(i, empty) for i in ids)))
            progress("copying", done, len(documents))
        manifest = index.manifest
        version = writer.commit(Manifest(manifest.model, manifest.dimension, manifest.chunking,
                                         vector_index=manifest.vector_index, extractor=manifest.extractor))
        withdrawn = source.read_record(WITHDRAWN)
        if withdrawn:
            target.write_record(WITHDRAWN, {**target.read_record(WITHDRAWN), **withdrawn})
        count_and_keep(target)
    return version
