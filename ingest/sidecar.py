"""Read a document's sidecar file (REPORT.pdf.meta.json), whose fields correct the extracted metadata."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

from ingest.document import Document
from ingest.errors import ReadError
from ingest.metadata import Description

SUFFIX = ".meta.json"
FIELDS = {field.name for field in fields(Description)}


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of ``path`` lives: the same name with ".meta.json" added."""
    return path.with_name(path.name + SUFFIX)


def is_sidecar(path: Path) -> bool:
    """True for a sidecar file, which is read with its document rather than on its own."""
    return path.name.endswith(SUFFIX)


def read_sidecar(path: Path) -> dict:
    """The fields set by the sidecar of ``path`` ({} when there is none); raises ReadError when it is malformed."""
    side = sidecar_path(path)
    if not side.is_file():
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReadError(side, f"the sidecar is not valid JSON ({error}); fix it or delete it") from error
    unknown = set(data) - FIELDS if isinstance(data, dict) else {"(not an object)"}
    if unknown:
        raise ReadError(side, f"unknown sidecar fields {sorted(unknown)}; allowed: {sorted(FIELDS)}")
    return data


def apply_sidecar(document: Document, path: Path) -> Document:
    """The document with its sidecar's values winning over the extracted ones."""
    values = read_sidecar(path)
    return replace(document, description=replace(document.description, **values)) if values else document
