"""Render search results as inert HTML for the web page: report text can never become markup."""

from __future__ import annotations

from search.answer import Answer
from search.render import citation
from search.retrieve import Hit

# Every character HTML or Markdown (or LaTeX) gives a meaning becomes a numeric entity, in one pass so that
# no entity is ever escaped a second time: the page renders HTML through Markdown, and a report quoting
# "**", "<" or "$" must show those characters, not change the page.
_INERT = {ord(char): f"&#{ord(char)};" for char in "&<>\"'*_`[]()#~|$\\!{}+-.:"}
_INERT[ord("\n")] = "<br>"


def inert(text: str) -> str:
    """``text`` escaped so that neither HTML nor Markdown in it has any effect, and shown exactly as written."""
    return text.translate(_INERT)


def card(hit: Hit, weak: bool = False) -> str:
    """One passage card: citation header and the passage with its best sentence highlighted."""
    text = hit.chunk.text
    a, b = hit.highlight or (0, 0)
    body = f"{inert(text[:a])}<mark>{inert(text[a:b])}</mark>{inert(text[b:])}" if b > a else inert(text)
    label = ' <span class="weak">weak match</span>' if weak else ""
    return (
        f'<div class="card" id="passage-{hit.rank}">'
        f'<div class="cite"><b>[{hit.rank}]</b> {inert(citation(hit))}{label}</div>'
        f'<div class="passage">{body}</div></div>'
    )


def answer_html(answer: Answer, labels: dict[int, str] | None = None) -> str:
    """The quoted answer: each sentence in quotation marks, then links to the passage cards citing it (and the
    council and year of each when ``labels`` gives them: an answer drawn from several reports)."""
    quotes = []
    for quote in answer.quotes:
        marks = "".join(f'<a href="#passage-{rank}" class="marker">[{rank}]</a>' for rank in quote.passages)
        where = "; ".join(dict.fromkeys((labels or {})[rank] for rank in quote.passages if rank in (labels or {})))
        source = f' <span class="source">({inert(where)})</span>' if where else ""
        quotes.append(f"<p>“{inert(quote.text)}” {marks}{source}</p>")
    return f'<div class="answer">{"".join(quotes)}</div>'


def answered_marker(question: str) -> str:
    """An invisible mark saying which question the page now shows the answer to (for tests and load scripts)."""
    return f'<div class="answered" data-question="{inert(question)}"></div>'


def chips_html(labels: list[str]) -> str:
    """What the question was understood to ask about, as chips."""
    chips = "".join(f'<span class="chip">{inert(label)}</span>' for label in labels)
    return f'<div class="understood">Looking at: {chips}</div>'


STYLE = """
<style>
.card {border: 1px solid #d0d7de; border-radius: 8px; padding: 0.8rem 1rem; margin-bottom: 0.8rem;}
.cite {font-size: 0.85rem; color: #444; margin-bottom: 0.4rem;}
.passage mark {background: #fff3a3; padding: 0 2px;}
.answer {border-left: 4px solid #0969da; padding: 0.2rem 0 0.2rem 1rem; margin: 0.5rem 0 1.2rem 0;}
.marker {text-decoration: none; font-weight: 600; margin-left: 2px;}
.chip {display: inline-block; background: #ddf4ff; border-radius: 12px; padding: 0 10px; margin: 0 4px;}
.source {color: #57606a; font-size: 0.85rem;}
.weak {color: #9a6700; font-size: 0.8rem; border: 1px solid #d4a72c; border-radius: 4px; padding: 0 4px;}
</style>
"""
