"""Read a document's sidecar file (REPORT.pdf.meta.json), whose fields correct the extracted metadata."""

from __future__ import annotations

import json
import re
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

from ingest.document import Document
from ingest.errors import ReadError
from ingest.metadata import KINDS, Description

SUFFIX = ".meta.json"
FIELDS = {field.name for field in fields(Description)} - {"published_stated"}
DATE_FIELDS = {"inspection_start", "inspection_end", "published"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    for name, value in data.items():
        problem = _problem(name, value)
        if problem:
            raise ReadError(side, f"sidecar field {name!r} {problem}; fix it or delete the field")
    return data


def _problem(name: str, value: object) -> str | None:
    """What is wrong with one sidecar value, or None: every field is text (or null), dates are YYYY-MM-DD."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"must be text or null, not {type(value).__name__} {json.dumps(value)[:60]}"
    if name in DATE_FIELDS:
        try:  # fromisoformat alone also takes "20240712" and "2024-W28-5", which then compare wrongly as text
            date.fromisoformat(value if _ISO_DAY.fullmatch(value) else "-")
        except ValueError:
            return f"must be a date written YYYY-MM-DD, not {value!r}"
    if name == "kind" and value not in KINDS:
        return f"must be one of {', '.join(sorted(KINDS))}, not {value!r}"
    return None


def apply_sidecar(document: Document, path: Path) -> Document:
    """The document with its sidecar's values winning over the extracted ones."""
    values = read_sidecar(path)
    if "published" in values:  # a date the sidecar's author gives is stated
        values = {**values, "published_stated": values["published"] is not None}
    return replace(document, description=replace(document.description, **values)) if values else document
