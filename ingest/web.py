"""Read a saved web page (.html/.htm) into layout blocks: its main content, every line of it, without menus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingest.document import HEADING, ITEM, PARAGRAPH, TABLE, Block
from ingest.errors import ReadError, out_of_memory
from ingest.layout import paragraph_number, render_table, squash
from ingest.text import blocks_from_text, decode

# Never content: scripts, navigation, page furniture. (The page's own header and footer lie outside its main
# content; a header or footer inside it, such as "Summary data last updated: ...", is content.)
_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "aside", "form", "button", "iframe", "svg", "select",
              "dialog")
_DROP_ROLES = ("navigation", "banner", "contentinfo", "search", "dialog", "alert")
# Page furniture by a whole class or id token, as design systems name it ("cookie-banner", "govuk-breadcrumbs",
# "gem-c-share-links"): a known name, alone or after a design system's namespace. Never a substring: a section with
# id="childrens-social-care" is content.
_FURNITURE_NAMES = ("cookie-banner", "cookies", "cookie-consent", "consent", "banner", "breadcrumb", "breadcrumbs",
                    "skip-link", "skiplink", "share", "share-links", "share-buttons", "sharing", "social-links",
                    "social-share", "social-media-links", "site-nav", "sitenav", "site-navigation", "menu", "main-menu",
                    "newsletter", "feedback", "print-link", "back-to-top", "related-navigation")
_NAMESPACES = ("govuk-", "gem-c-", "nhsuk-", "app-", "site-", "page-", "js-")
_HEADINGS = {f"h{level}" for level in range(1, 7)}
_BLOCKS = _HEADINGS | {"p", "li", "table", "dt", "dd", "blockquote", "pre", "figcaption", "caption", "address"}


def read_html(path: Path) -> list[Block]:
    """The main text of a web page. A page that marks its main content (<main>, <article>, role="main") gives all
    of it, short factual lines included; one that does not is left to trafilatura's boilerplate detection."""
    import lxml.html  # lxml comes with trafilatura

    source = decode(path, path.read_bytes())
    try:
        root = lxml.html.document_fromstring(source)
    except Exception as error:  # lxml raises several types for markup it cannot parse
        if out_of_memory(error):  # past the reader's memory limit, not bad markup
            raise MemoryError from error
        raise ReadError(path, f"not a readable web page ({error.__class__.__name__}); save it again as HTML") from error
    main = next(iter(root.xpath("//main | //*[@role='main'] | //article")), None)
    blocks = list(_blocks(_cleaned(main))) if main is not None else _trafilatura(source)
    if not blocks:
        raise ReadError(path, "no main text found in the web page; save the page's article text as .txt instead")
    return blocks


def _cleaned(element):
    """The element with page furniture removed (in place)."""
    for node in element.xpath(".//*"):
        if node.getparent() is None:
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _DROP_TAGS or node.get("role") in _DROP_ROLES or _furniture(node):
            node.drop_tree()
    return element


def _furniture(node) -> bool:
    """True when one of the element's class tokens, or its id, names page furniture."""
    tokens = [*(node.get("class") or "").split(), *(node.get("id") or "").split()]
    return any(_bare(token.lower()) in _FURNITURE_NAMES for token in tokens)


def _bare(token: str) -> str:
    """A class token without its design system's namespace ("govuk-breadcrumbs" -> "breadcrumbs")."""
    for prefix in _NAMESPACES:
        if token.startswith(prefix) and token[len(prefix):] in _FURNITURE_NAMES:
            return token[len(prefix):]
    return token


def _blocks(element) -> Iterator[Block]:
    """Blocks in reading order: headings, paragraphs, list items and tables, plus loose text in other elements."""
    for node in element.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _BLOCKS and _inside_block(node):
            continue
        if tag == "table":
            rows = [[squash(cell.text_content()) for cell in row.xpath("./th|./td")] for row in node.xpath(".//tr")]
            text = render_table(rows)
            if text:
                yield Block(TABLE, text)
        elif tag in _BLOCKS:
            text = squash(node.text_content())
            if text:
                yield _block(tag, text)
        elif not any(child.tag in _BLOCKS for child in node.iterdescendants() if isinstance(child.tag, str)):
            text = squash(node.text_content()) if node is not element else ""
            if text and not _inside_leaf(node):
                yield _block("p", text)


def _block(tag: str, text: str) -> Block:
    if tag in _HEADINGS:
        return Block(HEADING, text)
    if tag == "li":
        return Block(ITEM, text)
    numbered = paragraph_number(text)
    return Block(PARAGRAPH, numbered[1], None, numbered[0]) if numbered else Block(PARAGRAPH, text)


def _inside_block(node) -> bool:
    return any(isinstance(parent.tag, str) and parent.tag in _BLOCKS for parent in node.iterancestors())


def _inside_leaf(node) -> bool:
    """True when an ancestor already gave this text (an element holding no block elements is read whole)."""
    parent = node.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and parent.tag in _BLOCKS:
            return True
        if not any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in parent.iterdescendants()):
            return True
        if parent.tag in ("main", "article", "body") or parent.get("role") == "main":
            return False
        parent = parent.getparent()
    return False


def _trafilatura(source: str) -> list[Block]:
    import trafilatura  # boilerplate detection for pages that do not mark their main content

    text = trafilatura.extract(source, include_tables=True, include_comments=False, favor_recall=True,
                               output_format="markdown")
    return blocks_from_text(text, markdown=True) if text and text.strip() else []
