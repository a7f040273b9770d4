"""Follow-up questions: carry the council and period of the question before, or the reader's own council, into a
question that leaves them out ("and nottinghamshire?", "what about 2017?", "how did we do last time?")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.lexical import terms
from search.parse import Query, parse

# How a question says it follows on from the one before (English, not the inspection's vocabulary).
_CONTINUES = re.compile(r"^\s*(?:and|also|plus|same for|likewise|(?:and\s+)?(?:what|how)\s+about)\b[\s,]*", re.I)
LAST, HOME = "your last question", "your council"
# Words that point at the reader's own council: "we", "our", "us", or the council said as the one the reader means
# ("is the council good at ...", "this local authority's care leavers"); not "councils", nor the first word of a
# compound naming something else ("the council tax", "the council paper", "the local authority designated officer").
_OURS = re.compile(r"\b(?:we|our|ours|us)\b", re.I)
_THE_COUNCIL = re.compile(r"\b(?:the|this|my)\s+(?:council|local\s+authority)(?:['’]s)?(?![\w'’])"
                         r"(?!\s+(?:tax|papers?|reports?|committees?|minutes|meetings?|housing|cabinet|scrutiny|leaders?|"
                         r"officers?|members?|designated)\b)", re.I)
_CONTRACTED = re.compile(r"\bwe['’]", re.I)


@dataclass(frozen=True)
class FollowUp:
    """The question to ask and what it took from elsewhere (shown to the reader, who can ask without it)."""

    question: str
    carried: tuple[str, ...] = ()
    source: str = ""  # where the carried words came from: "your last question" or "your council"


def follow_up(previous: str | None, question: str) -> FollowUp:
    """``question`` completed from ``previous`` when it leaves out what that one said: only a council or a period
    ("and Derby?", "what about 2017?") asks the question before again for them; a topic without a council ("what
    about care leavers?", said as going on from it) keeps the council and period before. A question naming its own
    council, or a new topic not said as following on, stands alone."""
    asked = parse(question)
    if not previous or not previous.strip():
        return FollowUp(question)
    before = parse(previous)
    topic = [word for word in terms(_CONTINUES.sub("", asked.topic)) if not word.isdigit()]
    if not topic and (asked.councils or asked.dates.years):
        return _again(before, asked)
    if topic and _CONTINUES.match(question) and not asked.councils and before.councils:
        names = before.council_names()[:1] if len(before.councils) == 1 else tuple(c.name for c in before.councils)
        years = () if asked.dates.years else before.dates.years
        return FollowUp(_with(question, names, years), (*names, *map(str, years)), LAST)
    return FollowUp(question)


def with_home(question: str, home: str | None) -> FollowUp:
    """``question`` about the reader's own council when it says "we", "our", "us" or "the council" and names no
    council: the council named where it says them ("how did Rutland do last time?", "Rutland's care leavers", "is
    Rutland good at ..."), as the question would be asked of any council."""
    if not home or parse(question).councils:
        return FollowUp(question)
    named = _THE_COUNCIL.sub(lambda match: home + ("'s" if match.group(0)[-2:] in ("'s", "’s") else ""), question)
    if _CONTRACTED.search(question):  # "the delays we're seeing": said after it ("... in Rutland?")
        named = named if named != question else _with(question, (home,), ())
    else:
        named = _OURS.sub(lambda match: f"{home}'s" if match.group(0).lower() == "our" else home, named)
    return FollowUp(named, (home,), HOME) if named != question else FollowUp(question)


def _again(before: Query, asked: Query) -> FollowUp:
    """The question before, about the councils and years of ``asked`` instead of its own."""
    text = before.text
    names = tuple(council.written for council in asked.councils)
    if names:
        for council in before.councils:
            text = re.sub(rf"(?<!\w){re.escape(council.written)}(?:'s)?(?!\w)", "\0", text, count=1)
        text = re.sub(r"\0(?:\s*(?:,|and)\s*\0)*", " and ".join(names), text) if "\0" in text else \
            _with(text, names, ())
    if asked.dates.years:
        said = [str(year) for year in before.dates.years]
        if said:
            text = re.sub(rf"\b(?:{'|'.join(said)})\b", "\0", text)
            text = re.sub(r"\0(?:\s*(?:,|and|to|-)\s*\0)*", " and ".join(map(str, asked.dates.years)), text)
        else:
            text = _with(text, (), asked.dates.years)
    return FollowUp(text, (before.text,), LAST)


def _with(question: str, names: tuple[str, ...], years: tuple[int, ...]) -> str:
    """``question`` with "in <councils> in <years>" before its closing punctuation."""
    body = question.rstrip(" ?.!")
    ending = question[len(body):].strip() or "?"
    extra = (f" in {' and '.join(names)}" if names else "") + (f" in {' and '.join(map(str, years))}" if years else "")
    return f"{_CONTINUES.sub('', body) or body}{extra}{ending}"
