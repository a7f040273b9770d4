"""Command line: python -m ingest.describe FILE ... — print a report's metadata and judgement grades."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest.chunk import chunk_document
from ingest.errors import OfstedError
from ingest.grades import AREA_NAMES, judgements
from ingest.read import read_document


def describe_file(path: Path) -> dict:
    """One file's metadata and grades in the documented JSON shape."""
    document = read_document(path)
    info = document.description
    return {
        "file": path.name,
        "authority": info.authority,
        "kind": info.kind,
        "inspection_start": info.inspection_start,
        "inspection_end": info.inspection_end,
        "published": info.published,
        "published_stated": info.published_stated,
        "lead_inspector": info.lead_inspector,
        "title": info.title,
        "judgements": [judgement.as_json() for judgement in judgements(document, chunk_document(document))],
    }


def as_text(data: dict) -> str:
    """A human-readable description."""
    lines = [data["file"]]
    lines += [f"  {key}: {data[key]}" for key in ("title", "authority", "kind", "inspection_start", "inspection_end",
                                                   "published", "published_stated", "lead_inspector")]
    lines.append("  judgements:" if data["judgements"] else "  judgements: none")
    for item in data["judgements"]:
        where = ", ".join(part for part in (item["paragraph"] and f"paragraph {item['paragraph']}",
                                            item["page"] and f"page {item['page']}") if part)
        area = AREA_NAMES.get(item["area"], item["area"])
        lines.append(f"    {area}: {item['grade']}  ({item['area_as_written']}; {where or 'no page'})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Describe each file; exit 1 if any could not be read."""
    command = argparse.ArgumentParser(prog="python -m ingest.describe", description="Print each report's metadata and judgement grades.")
    command.add_argument("files", nargs="+", type=Path, help="report files (PDF, TXT, MD, HTML, DOCX)")
    command.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    args = command.parse_args(argv)
    failed = False
    for path in args.files:
        try:
            data = describe_file(path)
        except OfstedError as error:
            print(f"error: {error}", file=sys.stderr)
            failed = True
            continue
        print(json.dumps(data, ensure_ascii=False) if args.json else as_text(data))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
