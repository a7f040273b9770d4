"""Take documents out of the index on request, and remember them, so that an ingest of the folder holding them does
not add them back (naming the file on its own adds it again)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.boilerplate import count_and_keep
from ingest.config import Settings
from ingest.errors import OfstedError
from ingest.pipeline import Summary, key
from ingest.store import WITHDRAWN, DocumentRecord, Manifest, vector_kind
from ingest.stores import open_store


class NotIndexed(OfstedError):
    """A document asked to be removed is not in the index (or its name fits several)."""


def remove(names: Sequence[str], settings: Settings, waiting: Callable[[str], None] = lambda message: None) -> Summary:
    """Write a new index version without the documents ``names`` give (each a path, a file name or a report link's
    key), remember them as taken out, and delete a file the library page saved in the uploads folder (it is no longer
    wanted anywhere). Nothing is embedded; readers switch to the new version atomically."""
    began = time.perf_counter()
    store = open_store(settings)
    with store.lock(settings.lock_wait, waiting):
        old = store.load()
        chosen = named(old.documents(), names, store.where)
        gone = {record.id for record in chosen}
        # remembered first: a removal killed before its new version is committed is finished by the next ingest of the
        # folder (which leaves the remembered files out), never undone by it
        when = time.strftime("%Y-%m-%dT%H:%M:%S")
        withdrawn = store.read_record(WITHDRAWN)
        withdrawn.update({record.sha256: {"file": record.file, "path": record.path, "removed": when} for record in chosen})
        store.write_record(WITHDRAWN, withdrawn)
        with store.writer(old.manifest.dimension, old) as writer:
            for record in old.documents():
                if record.id not in gone:
                    writer.keep(record)
            writer.commit(Manifest(old.manifest.model, old.manifest.dimension, old.manifest.chunking,
                                   vector_index=vector_kind(writer.passages, settings.hnsw_above),
                                   extractor=old.manifest.extractor))
        count_and_keep(store)
        for record in chosen:
            if uploaded(record, settings):
                Path(record.path).unlink(missing_ok=True)
        return Summary(documents=len(writer.documents), chunks=writer.passages,
                       removed=tuple(sorted(record.path for record in chosen)),
                       unchanged=len(writer.documents), seconds=time.perf_counter() - began, written=True)


def uploaded(record: DocumentRecord, settings: Settings) -> bool:
    """True when the document's file was saved by the library page (in the uploads folder)."""
    return Path(record.path).parent == Path(key(settings.uploads))


def named(documents: Sequence[DocumentRecord], names: Sequence[str], where: str) -> list[DocumentRecord]:
    """The documents ``names`` give: each name a document's path (as given or absolute), its file name, or the start of
    its content hash (a report link's ``doc=`` key). Refuses a name that fits none, or several."""
    if not names:
        raise NotIndexed("name the documents to remove (a path, a file name or a report link's key)")
    chosen: dict[int, DocumentRecord] = {}
    for name in names:
        fits = [doc for doc in documents if _fits(doc, name)]
        if not fits:
            raise NotIndexed(f"no document in the index in {where} is named {name!r}; the library page lists them "
                             "(give its path, its file name or its link's key). Nothing was removed.")
        if len(fits) > 1:
            raise NotIndexed(f"{name!r} names {len(fits)} documents ({', '.join(doc.path for doc in fits)}); give the "
                             "path of the one to remove. Nothing was removed.")
        chosen[fits[0].id] = fits[0]
    return list(chosen.values())


# A content hash's start shorter than this is too likely to be something else (a year, a file name's digits).
KEY_AT_LEAST = 8


def _fits(doc: DocumentRecord, name: str) -> bool:
    name = name.strip()
    if not name:
        return False
    if doc.path == name or doc.path == key(Path(name)) or doc.file == name:
        return True
    return len(name) >= KEY_AT_LEAST and doc.sha256.startswith(name.lower())
