"""Show search results as citation lines and text, or as the documented JSON object."""

from __future__ import annotations

from ingest.metadata import KINDS
from search.retrieve import Hit


def citation(hit: Hit) -> str:
    """A line a councillor can cite: report, authority, date, then paragraph or page."""
    description = hit.document.description
    parts = [description.title or hit.document.file]
    if description.authority:
        parts.append(description.authority)
    if description.date:
        parts.append(description.date)
    parts.append(locator(hit))
    return " · ".join(parts)


def locator(hit: Hit) -> str:
    """"paragraph 12, page 4", "page 4" or the file name when nothing finer is known."""
    where = []
    if hit.chunk.paragraph:
        where.append(f"paragraph {hit.chunk.paragraph}")
    if hit.chunk.page:
        where.append(f"page {hit.chunk.page}")
    return ", ".join(where) or hit.document.file


def marked(hit: Hit, left: str = "**", right: str = "**") -> str:
    """The passage with its best-matching sentence wrapped in markers."""
    if not hit.highlight:
        return hit.chunk.text
    a, b = hit.highlight
    text = hit.chunk.text
    return f"{text[:a]}{left}{text[a:b]}{right}{text[b:]}"


def as_text(question: str, hits: list[Hit]) -> str:
    """Plain-text results for a terminal."""
    if not hits:
        return f"No passages found for: {question}"
    blocks = [f"[{hit.rank}] {citation(hit)}  (score {hit.score:.2f})\n{marked(hit, '>>', '<<')}" for hit in hits]
    return "\n\n".join(blocks)


def passage_json(hit: Hit) -> dict:
    """One passage in the documented JSON shape."""
    description = hit.document.description
    return {
        "rank": hit.rank,
        "score": round(hit.score, 4),
        "text": hit.chunk.text,
        "document": {
            "file": hit.document.file,
            "title": description.title,
            "authority": description.authority,
            "date": description.date,
            "type": KINDS.get(description.kind, description.kind) if description.kind else None,
        },
        "paragraph": hit.chunk.paragraph,
        "section": hit.chunk.section,
        "page": hit.chunk.page,
        "start": hit.chunk.start,
        "end": hit.chunk.end,
    }


def as_json(question: str, hits: list[Hit]) -> dict:
    """The whole result as one JSON-ready object."""
    return {"question": question, "passages": [passage_json(hit) for hit in hits]}
