"""Turn a question into the phrases a full-text search looks for: its topic words and their glossary expansions."""

from __future__ import annotations

import re

from search.glossary import Glossary

# Words that say nothing about the topic of an Ofsted question; every report matches them.
STOPWORDS = frozenset("""
a about above after again all also am an and any are as at be been before being below between both but by can could
did do does doing done during each few for from further had has have having he her here hers him his how i if in into
is it its itself just me more most my no nor not now of off on once only or other our ours out over own same she
should so some such than that the their theirs them then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your yours ofsted
inspection inspections report reports say said tell think council councils authority local our us please show find
found give about regarding there been get got anything something
""".split())
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’](?:t|s|re|ve|ll|d)\b)?")
_CLITIC = re.compile(r"['’](?:t|s|re|ve|ll|d)$")


# Two words are forms of one when one starts with the other, the shorter having at least this many letters ("need",
# "needs"; "improve", "improvement"; "listen", "listening"); set, not fitted (at three "now" would be a form of
# "nowhere").
FORM = 4


def forms(word: str, other: str) -> bool:
    """Whether two words are one or forms of one: equal, or one starts with the other, the shorter of at least FORM
    letters."""
    return word == other or (min(len(word), len(other)) >= FORM and (word.startswith(other) or other.startswith(word)))


def terms(text: str) -> list[str]:
    """The topic words of ``text``: lower-case letters and digits, stopwords dropped, order kept, no repeats."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(text):
        if token.lower().endswith(("n't", "n’t")):
            continue  # "isn't", "weren't": no topic in them
        word = _CLITIC.sub("", token.lower())
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word)
    return list(seen)


def phrases(text: str, glossary: Glossary | None = None) -> list[str]:
    """The topic words and glossary phrases of ``text`` (each store quotes them, so nothing in them is syntax)."""
    parts = terms(text)
    if glossary is not None:
        parts += [phrase for phrase in glossary.expand(text) if _TOKEN.search(phrase)]
    return list(dict.fromkeys(parts))
