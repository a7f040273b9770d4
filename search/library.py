"""What the index holds, document by document, and saving an uploaded report where the next ingest reads it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ReadError
from ingest.grades import AREA_SHORT
from ingest.metadata import KINDS
from ingest.read import supported
from ingest.stores import Reader
from search.select import Where

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Library:
    """Totals and one row per document (council, kind, dates, grades, passages, when ingested)."""

    documents: int
    passages: int
    councils: int
    updated: str
    rows: tuple[dict, ...]


def contents(index: Reader, where: Where | None = None) -> Library:
    """The index's documents (those ``where`` keeps, when given), oldest first within each council; the totals are
    the whole index's."""
    counts = index.passage_counts()
    rows = []
    for doc in index.documents():
        if where is not None and not where.keeps(doc):
            continue
        description = doc.description
        grades = "; ".join(f"{AREA_SHORT.get(j.area, j.area)}: {j.grade}" for j in doc.judgements)
        rows.append({"council": description.authority or "", "kind": KINDS.get(description.kind or "", ""),
                     "inspected": " to ".join(v for v in (description.inspection_start, description.inspection_end) if v),
                     "published": description.published if description.published_stated else "",  # stated only
                     "grades": grades, "passages": counts.get(doc.id, 0),
                     "ingested": doc.ingested.replace("T", " "), "file": doc.file})
    rows.sort(key=lambda row: (row["council"], row["inspected"] or row["published"]))
    everything = index.documents()
    return Library(len(everything), sum(counts.values()),
                   len({doc.description.authority for doc in everything if doc.description.authority}),
                   index.manifest.built, tuple(rows))


# What a file of a type no reader takes usually is, in the words its uploader would use.
_NOT_REPORTS = {(".xlsx", ".xls", ".xlsm", ".csv", ".ods"): "a spreadsheet", (".doc",): "an old-style Word file",
                (".pptx", ".ppt", ".odp"): "a presentation", (".zip", ".7z", ".rar"): "a compressed folder",
                (".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff"): "a picture", (".msg", ".eml"): "an email"}


def refused(name: str) -> str | None:
    """Why a file called ``name`` cannot be added, in plain words ("a spreadsheet"), or None when a reader takes it."""
    suffix = Path(name).suffix.lower()
    if supported(Path(name)):
        return None
    what = next((said for suffixes, said in _NOT_REPORTS.items() if suffix in suffixes),
                f"a {suffix} file" if suffix else "a file with no type in its name")
    fix = "save it as .docx and add that" if suffix == ".doc" else "add the report itself"
    return f"{Path(name).name}: this is {what}, not a report; {fix} (PDF, Word .docx, web page or text)."


def save_upload(folder: Path, name: str, data: bytes, limit_mb: float) -> Path:
    """Save an uploaded file under ``folder`` with a safe name (never replacing a different file of the same
    name); refuses an empty or oversized file with a message naming it."""
    safe = _UNSAFE.sub("-", Path(name).name).strip("-.") or "upload"
    if not data:
        raise ReadError(Path(name), "the uploaded file is empty; upload the report itself")
    if len(data) / 1e6 > limit_mb:
        raise ReadError(Path(name), f"the file is {len(data) / 1e6:.0f} MB, over the {limit_mb:g} MB limit; "
                                    "raise OFSTED_MAX_FILE_MB to allow it")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe
    stem, suffix = target.stem, target.suffix
    number = 1
    while target.exists() and target.read_bytes() != data:
        number += 1
        target = folder / f"{stem}-{number}{suffix}"
    target.write_bytes(data)
    return target


def drop_failed(saved: list[Path], failed: Iterable[str]) -> list[Path]:
    """Delete the uploads that could not go in (a rejected file kept in the uploads folder would fail every later
    ingest of it); the ones deleted."""
    names = set(failed)
    dropped = [path for path in saved if str(path.resolve()) in names]
    for path in dropped:
        path.unlink(missing_ok=True)
    return dropped
