"""Render search results as inert HTML for the web page: report text can never become markup."""

from __future__ import annotations

from collections.abc import Sequence

from search.answer import Answer
from search.grades import GradeRow
from search.render import GRADE_COLUMNS, citation, grade_cells, pieces
from search.retrieve import Hit

# Every character HTML or Markdown (or LaTeX) gives a meaning becomes a numeric entity, in one pass so that
# no entity is ever escaped a second time: the page renders HTML through Markdown, and a report quoting
# "**", "<" or "$" must show those characters, not change the page.
_INERT = {ord(char): f"&#{ord(char)};" for char in "&<>\"'*_`[]()#~|$\\!{}+-.:"}
_INERT[ord("\n")] = "<br>"


def inert(text: str) -> str:
    """``text`` escaped so that neither HTML nor Markdown in it has any effect, and shown exactly as written."""
    return text.translate(_INERT)


def card(hit: Hit, weak: bool = False, href: str | None = None) -> str:
    """One passage card: citation header (a link to the passage in its report, when ``href`` is given) and the
    passage with each sentence the answer quotes of it highlighted (else its best sentence)."""
    body = "".join(f"<mark>{inert(piece)}</mark>" if quoted else inert(piece) for piece, quoted in pieces(hit))
    label = ' <span class="weak">weak match</span>' if weak else ""
    return (
        f'<div class="card" id="passage-{hit.rank}">'
        f'<div class="cite"><b>[{hit.rank}]</b> {_linked(inert(citation(hit)), href)}{label}</div>'
        f'<div class="passage">{body}</div></div>'
    )


def answer_html(answer: Answer, labels: dict[int, str] | None = None) -> str:
    """The quoted answer: each sentence in quotation marks, then links to the passage cards citing it and, from
    ``labels``, whose words they are and when (marked when a newer report is also quoted)."""
    quotes = []
    for quote in answer.quotes:
        marks = "".join(f'<a href="#passage-{rank}" class="marker">[{rank}]</a>' for rank in quote.passages)
        where = "; ".join(dict.fromkeys((labels or {})[rank] for rank in quote.passages if rank in (labels or {})))
        where += ", an older report" if where and quote.older else ""
        source = f' <span class="source">({inert(where)})</span>' if where else ""
        quotes.append(f"<p>“{inert(quote.text)}” {marks}{source}</p>")
    return f'<div class="answer">{"".join(quotes)}</div>'


def _linked(html: str, href: str | None) -> str:
    return f'<a href="{inert(href)}" target="_self" class="open">{html}</a>' if href else html


def grade_table_html(rows: Sequence[GradeRow], hrefs: Sequence[str | None]) -> str:
    """The grade table: council, inspection dates, framework, area and grade, each row linking to the passage
    that states it (``hrefs``, one per row)."""
    head = "".join(f"<th>{inert(name)}</th>" for name in (*GRADE_COLUMNS, "Stated in"))
    body = []
    for row, href in zip(rows, hrefs, strict=True):
        cells = "".join(f"<td>{inert(cell)}</td>" for cell in grade_cells(row))
        where = _linked(inert(row.quote or row.document), href)
        body.append(f'<tr class="grade-{row.grade.split()[0]}">{cells}<td class="stated">{where}</td></tr>')
    return f'<table class="grades"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def answered_marker(question: str) -> str:
    """An invisible mark saying which question the page now shows the answer to (for tests and load scripts)."""
    return f'<div class="answered" data-question="{inert(question)}"></div>'


def chips_html(labels: list[str]) -> str:
    """What the question was understood to ask about, as chips."""
    chips = "".join(f'<span class="chip">{inert(label)}</span>' for label in labels)
    return f'<div class="understood">Looking at: {chips}</div>'


# Colours are translucent or inherited, so that the page reads the same in Streamlit's light and dark themes.
STYLE = """
<style>
.card {border: 1px solid rgba(128,128,128,0.35); border-radius: 8px; padding: 0.8rem 1rem; margin-bottom: 0.8rem;}
.cite {font-size: 0.85rem; opacity: 0.8; margin-bottom: 0.4rem;}
.cite a.open {color: inherit;}
mark {background: rgba(255, 200, 0, 0.45); color: inherit; padding: 0 2px;}
.answer {border-left: 4px solid #3d8bfd; padding: 0.2rem 0 0.2rem 1rem; margin: 0.5rem 0 1.2rem 0;}
.marker {text-decoration: none; font-weight: 600; margin-left: 2px;}
.chip {display: inline-block; background: rgba(61, 139, 253, 0.18); border-radius: 12px; padding: 0 10px; margin: 0 4px;}
.source {opacity: 0.75; font-size: 0.85rem;}
.weak {color: inherit; font-size: 0.8rem; border: 1px solid #d29922; border-radius: 4px; padding: 0 4px;}
table.grades {border-collapse: collapse; width: 100%; font-size: 0.9rem; margin-bottom: 1rem;}
table.grades th, table.grades td {border-bottom: 1px solid rgba(128,128,128,0.3); padding: 4px 6px; text-align: left;
  vertical-align: top;}
table.grades td.stated {font-size: 0.8rem;}
/* A grade is its word in the text colour (which passes contrast in both themes) after a mark whose shape, not only
   its colour, tells the grades apart: circle outstanding, square good, triangle requires improvement, diamond
   inadequate. */
tr[class^="grade-"] td:nth-child(5) {font-weight: 600; white-space: nowrap;}
tr[class^="grade-"] td:nth-child(5)::before {content: ""; display: inline-block; width: 0.75em; height: 0.75em;
  margin-right: 0.4em;}
tr.grade-outstanding td:nth-child(5)::before {background: #2da44e; border-radius: 50%;}
tr.grade-good td:nth-child(5)::before {background: #3d8bfd;}
tr.grade-requires td:nth-child(5)::before {background: #d29922; clip-path: polygon(50% 0, 100% 100%, 0 100%);}
tr.grade-inadequate td:nth-child(5)::before {background: #e5534b; clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%);}
.neighbour {opacity: 0.7;}
.side {font-weight: 600; margin-bottom: 0.3rem;}
.cited {border-left: 4px solid #d29922; padding-left: 0.8rem;}
/* A zoomed page: twice the column's width, scrolled across and down inside a frame (by keyboard too). */
.zoomed {overflow: auto; max-height: 85vh; border: 1px solid rgba(128, 128, 128, 0.5);}
.zoomed img {width: 200%; max-width: none; display: block;}
.whole {max-height: 70vh; overflow: auto;}
/* Streamlit's grey captions (3.9:1 on white) and red slider values (3.5:1 on dark) fall short of WCAG AA's 4.5:1:
   the text colour of the theme, slightly faded, passes in both. */
[data-testid="stCaptionContainer"] {color: inherit; opacity: 0.85;}
[data-testid="stCaptionContainer"] p {color: inherit;}
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBar"] {color: inherit;}
</style>
"""
