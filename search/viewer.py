"""Show a cited passage in its report: documents found by stable keys, the passage's neighbours, and the printed
page as an image with the passage boxed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ingest.document import Box
from ingest.store import DocumentRecord, StoredChunk
from ingest.stores import Reader

KEY_LENGTH = 12
# The page image's resolution: 1.6 x 72 dpi reads well on a laptop screen without a huge download; zoomed in, twice
# that, so the printed words stay sharp when the image spans the page.
SCALE = 1.6
ZOOMED = 2 * SCALE
HIGHLIGHT = (255, 200, 0, 90)
OUTLINE = (214, 120, 0, 255)


@dataclass(frozen=True)
class Passage:
    """A cited passage with the passages before and after it in the same report."""

    document: DocumentRecord
    cited: StoredChunk
    before: tuple[StoredChunk, ...]
    after: tuple[StoredChunk, ...]


def key_of(doc: DocumentRecord) -> str:
    """A document's key in links: the start of its content hash, the same in every index version."""
    return doc.sha256[:KEY_LENGTH]


def by_key(index: Reader, key: str) -> DocumentRecord | None:
    """The indexed document a link's key names, or None."""
    return next((doc for doc in index.documents() if key and doc.sha256.startswith(key)), None)


def passage(index: Reader, doc: DocumentRecord, at: int | None, around: int = 2) -> Passage | None:
    """The passage of ``doc`` holding character ``at`` of its text (the first passage when ``at`` is None), with
    ``around`` passages either side."""
    chunks = index.document_chunks(doc.id)
    if not chunks:
        return None
    position = 0
    if at is not None:
        position = next((n for n, item in enumerate(chunks) if item.chunk.start <= at < item.chunk.end),
                        next((n for n, item in enumerate(chunks) if item.chunk.start >= at), len(chunks) - 1))
    return Passage(doc, chunks[position], tuple(chunks[max(0, position - around):position]),
                   tuple(chunks[position + 1:position + 1 + around]))


def original(doc: DocumentRecord) -> Path | None:
    """The original file, when it is still where it was ingested from."""
    path = Path(doc.path)
    return path if path.is_file() else None


def page_count(path: Path) -> int:
    """How many printed pages a PDF has."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def page_image(path: Path, page: int, box: Box | None, scale: float = SCALE) -> bytes:
    """PNG of one printed page (numbered from 1) with ``box`` shaded and outlined."""
    import pypdfium2
    from PIL import Image, ImageDraw

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        image = pdf[page - 1].render(scale=scale).to_pil().convert("RGBA")
    finally:
        pdf.close()
    if box:
        width, height = image.size
        left, top, right, bottom = box
        shape = (left * width - 4, top * height - 4, right * width + 4, bottom * height + 4)
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        ImageDraw.Draw(overlay).rectangle(shape, fill=HIGHLIGHT, outline=OUTLINE, width=3)
        image = Image.alpha_composite(image, overlay)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return out.getvalue()
