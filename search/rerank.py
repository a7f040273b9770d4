"""Fit a fused ranking to what the question asks: a report's parts put first, the reasons for a grade, what later
reports say changed, criticism or praise, several councils rather than one."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from ingest.grades import states_grade
from ingest.sections import SUMMARY
from ingest.store import StoredChunk
from search.datafile import phrasing
from search.numbers import states_asked
from search.parse import Query

Ranked = list[tuple[int, float]]

# Passages read by a question are mostly read again by the next (the same councils' reports): what the two checks
# below find in a passage is remembered, since the change patterns take a tenth of a millisecond a passage (thread-safe).
READ_AGAIN = 8192


@lru_cache(maxsize=READ_AGAIN)
def says_changed(text: str) -> bool:
    """True when ``text`` says something changed (or did not) since an earlier inspection or visit."""
    return bool(phrasing()["change"].search(text))


def recalls_earlier(text: str) -> bool:
    """True when ``text`` recalls what an earlier inspection or visit found ("... was highlighted in the last
    inspection") without saying what is so now."""
    recalled = phrasing()["recalls"]
    return bool(recalled.search(text)) and not says_changed(recalled.sub("", text))


def tells_history(text: str, year: int | None, opening: bool) -> bool:
    """True when a sentence of a report's headline findings tells what happened before its inspection and nothing of
    now (search/data/phrasing.txt "now said", "then said", "earlier inspection"): its ``opening`` sentence recalling an
    earlier inspection, or naming one and a year before ``year`` ("In 2020, Ofsted conducted a focused visit ..."),
    without saying what changed; or a sentence after such an opening in the past tense only ("Children ... were not
    protected effectively.")."""
    said = phrasing()
    if said["now said"].search(_OWN_VERBS.sub(" ", text)):
        return False
    if not opening:
        return bool(said["then said"].search(text))
    return (names_earlier(text, year) or recalls_earlier(text)) and not says_changed(said["recalls"].sub("", text))


# What is not a verb of the sentence's own: a grade's name after another verb ("were judged to require improvement to
# be good"; not "Services require improvement to be good, as was the case at the last inspection") and words quoted
# from another report ("The letter following that visit stated that progress 'has been sustained'.").
_OWN_VERBS = re.compile(r"\bto require improvement(?: to be good)?\b|‘[^’]*’|“[^”]*”|\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)",
                        re.I)


def names_earlier(text: str, year: int | None) -> bool:
    """True when ``text`` names an inspection or visit and a year before ``year`` ("Since the last inspection in
    2018, ...", "In 2020, Ofsted conducted a focused visit ..."; search/data/phrasing.txt, "earlier inspection")."""
    return year is not None and any(int(named) < year for named in re.findall(r"\b(?:19|20)\d\d\b", text)) \
        and bool(phrasing()["earlier inspection"].search(text))


def gives_reasons(text: str) -> bool:
    """True when ``text`` gives a reason ("because", "as a result")."""
    return bool(phrasing()["reasons"].search(text))


def states_timing(text: str) -> bool:
    """True when ``text`` says how soon something happens ("promptly", "delays", "within three days")."""
    return bool(phrasing()["timing"].search(text))


# A passage with fewer of its words in lower case than this is a list of names and numbers, not findings (set, not
# fitted: findings run at 0.75-0.9).
PROSE = 0.5
_WORDS = re.compile(r"[^\W\d_]+")
# A nudge in reciprocal-rank-fusion units, where the top passage scores about 1/41 + 1/41 = 0.049.
NUDGE = 0.008


def first(lead: Sequence[int], ranked: Ranked, k: int) -> Ranked:
    """``ranked`` with the passages ``lead`` (up to ``k``, in that order) put ahead of the rest."""
    chosen = list(dict.fromkeys(lead))[:k]
    top = ranked[0][1] if ranked else 1.0
    ahead = set(chosen)
    return [(i, top + 0.01 * (len(chosen) - n)) for n, i in enumerate(chosen)] + [(i, s) for i, s in ranked if i not in ahead]


def nudge(ranked: Ranked, chunks: dict[int, StoredChunk], query: Query) -> Ranked:
    """Raise passages that fit what is asked: headline findings and stated reasons for "why" (not the grade
    restated), what a report says changed for "has it improved", a number stated for "how many"; lower lists of names
    and numbers (a letter's address, a council paper's contacts), which match a question's words without saying
    anything about them."""
    if not ranked:
        return ranked
    scored = []
    for chunk_id, score in ranked:
        item = chunks.get(chunk_id)
        if item is None:
            continue
        text = item.chunk.text
        bonus = -NUDGE * (prose(text) < PROSE)
        if query.wants("reasons"):  # the reasons, not the grade restated
            bonus += NUDGE * ((item.chunk.part == SUMMARY) + gives_reasons(text) - 2 * states_grade(text))
        if query.quantity:  # a number asked: the passages stating one ("At 31 March, 550 children were looked after")
            bonus += NUDGE * states_asked(text, query.span, query.money)
        if query.wants("change"):  # what changed, above all since the year the question starts from
            start = query.dates.start()
            later = start is not None and min(item.document.description.years(), default=0) > start
            bonus += NUDGE * (says_changed(text) + (later and str(start) in text))
        scored.append((chunk_id, score + bonus))
    return sorted(scored, key=lambda item: -item[1])


def toned(ranked: Ranked, wanted: int, tone: Callable[[int], float], full: float) -> Ranked:
    """For a question asking what was criticised (``wanted`` -1) or praised (+1): passages reading that way raised,
    the others lowered, by up to one NUDGE (see ``leaning``)."""
    leanings = leaning(np.array([tone(i) for i, _ in ranked]), wanted, full)
    scored = [(i, score + NUDGE * float(lean)) for (i, score), lean in zip(ranked, leanings)]
    return sorted(scored, key=lambda item: -item[1])


def leaning(tones: np.ndarray, wanted: int, full: float) -> np.ndarray:
    """How far each text leans the way the question asks (-1 to 1): its tone from the candidates' median (every report
    passage reads closer to praise than the critical voice), a difference of ``full`` or more counting fully."""
    if not len(tones):
        return tones
    return np.clip((tones - _median(tones)) / full, -1.0, 1.0) * wanted


def _median(values: np.ndarray) -> float:
    """``np.median(values)``, as it computes it, without its first call's import of numpy.ma (14 ms, which a
    server's first question asking for criticism or praise waited for)."""
    low, high = (len(values) - 1) // 2, len(values) // 2
    middle = np.partition(values, [low, high])
    return float(np.mean(middle[[low, high]]))


@lru_cache(maxsize=READ_AGAIN)
def prose(text: str) -> float:
    """The share of a text's words written in lower case: about 0.8 in findings, under a half in a list of names,
    posts, telephone numbers and addresses."""
    words = _WORDS.findall(text)
    return sum(map(str.islower, words)) / len(words) if words else 1.0


def spread(ranked: Ranked, chunks: dict[int, StoredChunk], per_document: int = 1, k: int = 5,
           closeness: Callable[[int], float] | None = None) -> Ranked:
    """For questions across councils: the best passage of each document first (up to ``k``), then the rest; given
    ``closeness`` (a question naming the councils it compares), before those each council's passage closest by it of
    those read, so a council with fewer reports on the point is not crowded out by another's many, nor represented by
    a passage that ranks high for naming it ("compare Rutland and Derbyshire on private fostering")."""
    first: Ranked = []
    rest: Ranked = []
    taken: dict[int, int] = {}
    for chunk_id, score in ranked:
        item = chunks.get(chunk_id)
        document = item.document.id if item else -1
        if len(first) < k and taken.get(document, 0) < per_document:
            first.append((chunk_id, score))
            taken[document] = taken.get(document, 0) + 1
        else:
            rest.append((chunk_id, score))
    if closeness is None:
        return first + rest
    heads: dict[str | None, tuple[tuple[int, float], float]] = {}
    for chunk_id, score in ranked:
        item = chunks.get(chunk_id)
        if item is None:
            continue
        close = closeness(chunk_id)
        council = item.document.description.authority
        if council not in heads or close > heads[council][1]:
            heads[council] = ((chunk_id, score), close)
    leading = [head for head, _ in heads.values()]
    return leading + [item for item in first + rest if item not in leading]
