"""Read a question's words: the councils, dates, kinds of report and recency it names, its tone, whether it asks
for a number, and its topic. Pure: no model and no index, so it imports and runs in milliseconds."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from ingest import authorities
from search import scope
from search.datafile import phrasing
from search.lexical import STOPWORDS, terms
from search.scope import OutOfScope
from search.spelling import Correction

KINDS_DATA = Path(__file__).with_name("data") / "kinds.txt"
# What a question can ask for (search/intent.py reads it from labelled examples; "topic" when unsure), and whether
# it asks for criticism or praise.
ASKS = ("grade", "reasons", "improve", "change", "summary", "facts", "across", "topic")
TONES = ("critical", "praised")
INSPECTIONS = ("lac_inspection", "sif_inspection", "ilacs_inspection", "ilacs_short_inspection", "ilacs_standard_inspection")
VISITS = ("focused_visit", "monitoring_visit")

# Verbs by which a question asks what a report said ("what did the visit find about ..."): an opening holding one
# before "about" says which report, not what about.
REPORTING = ("say", "said", "says", "saying", "find", "found", "finds", "think", "thought", "report", "reported", "conclude",
             "concluded", "write", "wrote", "written", "comment", "commented", "note", "noted", "mention", "mentioned",
             "told", "criticised", "criticized", "praised", "commended", "comments")
# Verbs by which the inspectors judge ("did Ofsted rate ...", "how did the visit assess ..."): with the reporter or
# the report as their subject they ask what a report said, as "find" does; otherwise they are practice ("is risk
# assessed", "the referral rate").
JUDGING = ("rate", "rated", "judge", "judged", "assess", "assessed", "grade", "graded", "score", "scored")
# Words by which a question says an inspection took place ("when the inspectors came", "on their visit"; "HMI", His
# Majesty's Inspector, as officers write it): a sentence
# of a question holding nothing else but reporting verbs, names and dates says which report, not what about.
VISITING = ("inspectors", "inspector", "hmi", "hmis", "inspected", "findings", "visit", "visits", "visited", "visiting",
            "came", "come", "coming", "went", "gone")
# The verbs with which a question asks someone to answer ("could you tell me ...", "please confirm ..."): how it is
# asked, not what about; the first three with whom to tell.
_TELLING, _CONFIRMING = ("tell", "remind", "show"), ("check", "confirm", "explain")
_REQUESTING = (*_TELLING, *_CONFIRMING)
# Openings that say "tell me" without saying about what; they pull results towards any paragraph that mentions
# Ofsted or reports, so they are dropped before embedding.
_PREAMBLE = re.compile(
    r"^\s*(?:please\s+)?(?:(?:what|how)\s+(?:did|does|do|has|have|was|were|is)\s+(?:the\s+)?"
    r"(?:ofsted|inspectors?|the inspection|the reports?|reports?|inspection reports?)\s+"
    rf"(?:{'|'.join(REPORTING)})\s+(?:about|of|on|regarding)\s+"
    r"|tell me (?:about|what .{0,40}? (?:about|on))\s+|what is said about\s+|summari[sz]e\s+(?:the findings on\s+)?"
    # a request with no topic in it: "Can you tell me whether", "I'd like to know if", "I'm curious what"; asked of
    # someone named or of those a council's papers ask ("Can officers tell us", "Could members check")
    r"|(?:(?:can|could|would|will) (?:you|someone|somebody|anyone|(?:the|an?|our) [a-z]+(?: [a-z]+)?|"
    r"officers|members|councillors|colleagues|leaders|managers) (?:please )?"
    rf"(?:(?:{'|'.join(_TELLING)}) (?:me|us)|let (?:me|us) know|(?:run|take|walk) (?:me|us) through|find out|"
    rf"{'|'.join(_CONFIRMING)})"
    r"|i(?:'d| would) like to know|i(?:'m| am) (?:curious|wondering))\s+(?:(?:whether|if)\s+)?)",
    re.I,
)
# What a grade is said to be by: "judged", "rated", "was".
JUDGED = r"\b(?:judged|graded|rated|as|be|been|was|were|are|is|remained?|stay(?:ed)?)\s+"
# A grade the question names: "judged inadequate", "rated good", "requires improvement", "failed"; "RI" in any case
# (typed in lower case, "ri" is no other word).
ASKED_GRADES = (
    ("inadequate", re.compile(r"\binadequate\b|\bfail(?:ed|ing|s)?\b", re.I)),
    # "required" and "requiring" name the grade only as a judgement's ("judged as requiring improvement", "found to
    # have required improvement"): "what areas required improvement?" asks for the list
    ("requires improvement", re.compile(r"\brequires? improvement\b|\b(?:as|be|been|being)\s+requiring improvement\b|"
                                        r"\b(?:judged|rated|graded|found|deemed)\s+(?:to\s+have\s+)?required improvement\b|"
                                        r"\b(?:an? )?RI\b", re.I)),
    ("outstanding", re.compile(r"\boutstanding\b", re.I)),
    ("good", re.compile(rf"{JUDGED}(?:\w+\s+)?good\b", re.I)),
)
# Calendar words, for whatever reads dates or names in a question or a report.
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_YEAR = r"((?:19|20)\d{2})"
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|autumn|winter)")
# A part of a year named before it ("at the end of 2016", "early 2020"): part of the date phrase, not of the topic.
_PART_OF_YEAR = r"(?:(?:the\s+)?(?:(?:very\s+)?(?:end|start|beginning|middle|turn|back end|first half|second half)\s+of\s+)|" \
                r"(?:early|late|mid)[\s-]+)"
# A year inside the name of a law or guidance ("the Children and Social Work Act 2017") is not a date.
_NOT_A_DATE = re.compile(rf"\b(?:act|acts|regulations|order|guidance|bill)\s+{_YEAR}\b", re.I)
_RANGES = (
    (re.compile(rf"\bbetween\s+(?:(?:the|its|their)\s+)?{_YEAR}\s+and\s+(?:(?:the|its|their)\s+)?{_YEAR}\b", re.I), "between"),
    (re.compile(rf"\b(?:from\s+)?{_YEAR}\s*(?:to|until|-|–)\s*{_YEAR}\b", re.I), "between"),
    (re.compile(rf"\b(?:since|from)\s+(?:(?:the|its|their)\s+)?(?:{_MONTHS}\s+)?{_YEAR}\b", re.I), "since"),
    # "in or after 2024", "2024 or later" include the year, as "since" does
    (re.compile(rf"\b(?:in|on|during)\s+or\s+after\s+{_YEAR}\b|\b{_YEAR}\s+(?:or|and)\s+(?:later|after)\b", re.I),
     "since"),
    (re.compile(rf"\bafter\s+{_YEAR}\b", re.I), "after"),
    (re.compile(rf"\b(?:before|prior to)\s+{_YEAR}\b", re.I), "before"),
    (re.compile(rf"\b(?:until|up to|by)\s+{_YEAR}\b", re.I), "until"),
)
# A verb before "next" saying the next inspection a question names has happened ("which councils have gone from
# inadequate to good at their next inspection?", "what grade did it get at its next inspection?"): past tenses and
# participles; never with words of what is to come ("Will Rutland have improved by its next inspection?", "Rutland was
# judged inadequate, so when is its next inspection due?", "When did Ofsted say it would next inspect Rutland?").
_HAPPENED = re.compile(r"\b(?:did|was|were|had|got|gone|went|came|become|became|moved|improved|dropped|fell|rose|"
                       r"declined|deteriorated)\b", re.I)
_TO_COME = re.compile(r"\b(?:will|would|shall|going to|due|date|expected|scheduled|planned|yet)\b|\bwhen (?:is|are)\b",
                      re.I)
# An inspection named as one after another: "the next", "the subsequent inspection", "the inspection after its 2022
# visit", "the following inspection".
_LATER = re.compile(r"\bnext\b|\b(?:subsequent|following|later)\s+(?:[\w-]+\s+){0,2}?(?:inspection|visit)\b|"
                    r"\b(?:inspection|visit)\s+(?:that\s+came\s+|which\s+came\s+)?(?:after|following)\b", re.I)
_RECENCY = (
    # an inspection still to come: no report can say when it will be
    (re.compile(r"\bnext\b(?:\s+[\w']+){0,5}?\s+(?:inspection|visit|inspect\w*|ilacs|sif|jtai|ofsted)\b|"
                r"\bwhen will .{0,40}\b(?:inspect|visit)|\bnext\s+(?:due|scheduled|planned|expected)\b|"
                r"\bwhen (?:is|are|will|might|should) (?:[\w']+\s+){1,4}?next\b|"
                r"\b(?:inspectors?|ofsted)\s+(?:[\w']+\s+){0,2}?next\s+(?:coming|come|visiting|back|returning)\b",
                re.I), "next"),
    (re.compile(r"\b(?:previous|prior|penultimate|last but one|one before|before (?:the|that|its) (?:most recent|latest|last))\b|"
                r"\b(?:second[- ]to[- ]last|second (?:most recent|latest|last)|before last)"
                r"(?:\s+(?:ofsted|inspection|visit|report|one|full|time))?\b|"
                r"\bnot (?:the|its|their) (?:most recent|latest|last)\b|\bbefore (?:that|this) one\b|"
                r"\b(?:inspection|visit|report)\b[^.?!]{0,40}\bbefore that\b|"
                r"\b(?:earlier|older|first)\s+of\s+(?:the|its|their|these|those|[\w-]+'s?|[\w-]+s)\s+two\b", re.I),
     "previous"),
    # "most recently" as "most recent" ("what did Ofsted find most recently about ..."); not "recently" alone, which
    # says when something happened ("has it recently improved?")
    (re.compile(r"\b(?:latest|most recent(?:ly)?|newest|current|recent)\b|"
                r"\blast (?:time|full|ofsted|inspect\w*|visit\w*|report|one)\b",
                re.I), "latest"),
)
# A kind of report counts only in a phrase about the document: its noun after a determiner, a date or a word
# about when ("the focused visit", "its 2019 inspection", "the most recent Ofsted visit"), never a topic word
# ("how often social workers visit children").
_WHEN_WORDS = ("last", "latest", "recent", "previous", "prior", "penultimate", "earlier", "next", "first")
_ABOUT_DOCUMENT = (rf"(?:the|its|their|this|that|a|an|{'|'.join(_WHEN_WORDS)}|ofsted|"
                   rf"{_MONTHS}|(?:19|20)\d\d|'\d\d)")
# A question asking for a number ("how many inspectors", "what share of care leavers", typed "no. of inspectors",
# "unallocated children number", "care leavers eet figures").
_QUANTITY = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:share|proportion|percentage|number|amount|fraction)\b|"
                       r"\b(?:number|nos?|num)\.? of\b|%|\b(?:numbers?|figures?|stats|statistics|percentage|proportion|average)\b",
                       re.I)
# A number asked of a span of time.
_SPAN_ASKED = re.compile(r"\b(?:how many|(?:number|nos?|num)\.? of)\s+(?:working\s+|calendar\s+)?(?:days|weeks|months|years|"
                         r"hours)\b|\bhow much time\b", re.I)
# What a report said about a number ("what did Ofsted say about how many cases ..."): its words answer, whether or
# not they state one.
_SAID_ABOUT = re.compile(rf"\b(?:{'|'.join(REPORTING)})\b(?:\s+[\w'’]+){{0,3}}?\s+(?:about|on|regarding|concerning)"
                         r"(?:\s+the)?\s*$", re.I)
# The inspectorate's name and its inspection frameworks' short names, which name a report beside its year as a kind
# of report does ("hartlepool ofsted 2018 grade", "norfolk 2022 ilacs judgement"; the frameworks: search/data/
# kinds.txt "ILACS inspection", "SIF inspection").
_REPORT_NAMES = r"ofsted|ilacs|sif"
# What a question asks of an inspection's record by its question word: who led it ("lead"), when it was ("end").
_RECORD_ASKED = (("lead", re.compile(r"\bwho\b|\b(?:which|names? of)\s+(?:the\s+)?(?:\w+\s+)?(?:inspectors?|hmis?)\b|"
                                     # the compound noun ("inspector names", "HMI's name"), not the verb ("did
                                     # inspectors name any strengths", "what did HMI name as ...")
                                     r"\blead inspector\b|\b(?:inspector|hmi)s?(?:['’]s?)?\s+names?\b"
                                     r"(?!\s+(?:as|any|the|a|an|some)\b)", re.I)),
                 # "when" asks when only as a question word: opening a question ("when did ...", "... due when"), or
                 # after another question's words only as one ("what did it find, and when was it?"); "what did Ofsted
                 # find when it inspected Slough?" asks for the findings, its "when" joining a clause
                 ("end", re.compile(r"^(?:(?!\b(?:what|how|which|why|where|who)\b).)*\bwhen\b|\bwhen\s+(?:was|were|"
                                    r"did|do|does|is|are|will|has|have|had)\b|\b(?:what|which)\s+(?:month|day|dates?)\b|"
                                    # the report's dates, typed tersely ("fv 2021 dates", "fv care leavers dates",
                                    # "dates of the inspection"), not practice's ("review dates", "target dates")
                                    rf"\b(?:inspection|visit|fv|{_REPORT_NAMES}|report|(?:19|20)\d\d)\s+(?:[\w'-]+\s+){{0,2}}"
                                    r"dates?\b|"
                                    r"\bdates?\s+of\s+(?:the\s+)?(?:inspection|visit)\b",
                                    re.I | re.S)))


def _record_asked() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """What a question can ask of an inspection's record, each with how a question asks it: who led it, when it was,
    and what it looked at ("scope", search/data/phrasing.txt: "which area of practice did the visit examine")."""
    return (*_RECORD_ASKED, ("scope", phrasing()["scope asked"]))


def _record(text: str) -> tuple[str, ...]:
    """What ``text`` asks of an inspection's record; not what it looked at when the words say what the council must do
    ("what did Ofsted say the council should focus on?" asks for its improvement list: "scope unasked"), but so
    when it asks which reports looked at something ("which focused visits looked at care leavers": "scope verb")."""
    asked = [fact for fact, pattern in _record_asked() if pattern.search(text)
             and not (fact == "scope" and phrasing()["scope unasked"].search(text))]
    if "scope" not in asked and asks_which_looked_at(text):
        asked.append("scope")
    return tuple(asked)


def asks_which_looked_at(text: str) -> bool:
    """True when a question asks which reports looked at something ("which focused visits looked at care leavers?",
    "which of the visits were about ...", "which councils had a focused visit that looked at ...": search/data/
    phrasing.txt "scope verb" straight after the reports named); not "which focused visits found plans were not
    reviewed", nor "which councils looked after ..."."""
    return bool(scoped(text))


# Between "which councils" and the words for looking, the report they had ("which councils had a focused visit that
# looked at ...", "which councils received an Ofsted visit in 2021 which examined ..."): up to five words, each of the
# kinds file's, "Ofsted" or a word of which one (checked in ``scoped``), and perhaps when.
# Up to five words naming the report a council had, checked in ``scoped`` ("focused visit", "most recent Ofsted visit").
_REPORT_WORDS = r"((?:[\w'’-]+\s+){1,5}?)"
_HAD_REPORT = re.compile(r"\s*(?:have\s+|has\s+)?(?:had|received|got|been\s+given)\s+(?:an?\s+|the\s+|their\s+)?"
                         rf"{_REPORT_WORDS}(?:(?:(?:from|since|in|during|after|before)\s+(?:{_MONTHS}\s+)?"
                         rf"{_YEAR}|between\s+{_YEAR}\s+and\s+{_YEAR})\s+(?:onwards?\s+)?)?(?:that|which)\s+", re.I)
# The words after "which" naming councils ("which councils", "which local authorities", "which LAs"; one asked of
# in the singular too: "which council had a focused visit that looked at ...", "which council's visit ...").
_COUNCIL_WORDS = frozenset({"councils", "authorities", "las", "council", "authority", "la"})


def scoped(text: str) -> str:
    """What a question asking which reports looked at something names after the words saying so, when they follow the
    reports it names ("which focused visits looked at care leavers": "care leavers"), or follow a report the councils
    it asks for had ("which councils had a focused visit that looked at ..."); "" when it has no such words."""
    verb, reports = phrasing()["scope verb"], _reports_asked(text)
    for match in _WHICH.finditer(text):
        for word in re.finditer(r"[\w-]+", match.group(1)):
            if word.group(0).lower() not in reports | _COUNCIL_WORDS:
                continue
            after = match.start(1) + word.end()
            if word.group(0).lower() in _COUNCIL_WORDS:
                had = _HAD_REPORT.match(text, after) or _their_reports().match(text, after)
                if not had or not _names_a_kind(had.group(1)):
                    continue
                after = had.end()
            found = verb.match(text, after + len(text[after:]) - len(text[after:].lstrip()))
            if found:
                return text[found.end():]
    return ""


@lru_cache(maxsize=1)
def _their_reports() -> re.Pattern[str]:
    """The councils' reports named by a possessive before the words for looking ("which councils' focused visits
    examined ...", "which councils' most recent visits looked at ...", "which council's visit looked at ..."):
    _REPORT_WORDS."""
    return re.compile(rf"['’]s?\s+{_REPORT_WORDS}(?={phrasing()['scope verb'].pattern})", re.I)


def _names_a_kind(words: str) -> bool:
    """True when ``words`` name an inspection or visit ("Ofsted focused visit", "full inspections", "most recent
    visits"): each of them a word of the kinds file's phrases, Ofsted's name or a word saying which one (_WHICH_ONE), the
    last a word of an inspection's or a visit's, and none only of a council paper's ("a scrutiny committee that reviewed
    the findings" names none)."""
    inspections, papers = _inspection_vocabulary(), _kind_vocabulary() - _inspection_vocabulary()
    found = [word if word in inspections else word.removesuffix("s") for word in map(str.lower, _WORDS.findall(words))]
    return bool(found) and found[-1] in inspections and not any(word in papers for word in found) \
        and all(word in inspections or word == "ofsted" or word in _WHICH_ONE for word in found)


# Words saying which of a council's reports, before its kind ("their most recent visit", "the last two inspections"):
# the words about when of a phrase about the document (_WHEN_WORDS), and "most", "two", "three".
_WHICH_ONE = frozenset({*_WHEN_WORDS, "most", "two", "three"})


@lru_cache(maxsize=1)
def _inspection_vocabulary() -> frozenset[str]:
    """The words of the kinds file's phrases naming inspections and visits (not council papers), in lower case."""
    return frozenset(word for _, kinds, phrases in _kind_lines() if set(kinds) & {*INSPECTIONS, *VISITS}
                     for phrase in phrases for word in _WORDS.findall(phrase.lower()))


# Words shorter than this are never read as a misspelt council name.
_GUESS_MIN = 6
# How alike a word and a council's name must be to read one as the other (difflib ratio).
_GUESS_CUTOFF = 0.85


@dataclass(frozen=True)
class Council:
    """A council a question names: as the product names it (England's list), as written, and whether the name was
    read despite a spelling mistake."""

    name: str
    written: str
    guessed: bool = False
    successors: tuple[str, ...] = ()  # the councils that replaced a former one ("Northants")
    # written in a question with no capitals, a name that is also an everyday word ("bury", "reading"): read as the
    # council only when the index holds its reports, and the word stays in the topic
    everyday: bool = False


@dataclass(frozen=True)
class Dates:
    """The years a question names: single years, and a range given by "since", "before" or "between" (inclusive)."""

    years: tuple[int, ...] = ()
    since: int | None = None
    until: int | None = None
    said: tuple[str, ...] = ()  # the range as the question put it ("before 2020", "since 2015")
    reports: tuple[int, ...] = ()  # years named as a report's ("the 2018 visit", "the inspection in 2019")

    def __bool__(self) -> bool:
        return bool(self.years or self.since or self.until)

    def earliest(self) -> int | None:
        """The first year named, however it was named."""
        named = [*self.years, *([self.since] if self.since else []), *([self.until] if self.until else [])]
        return min(named) if named else None

    def start(self) -> int | None:
        """The year a change is measured from: "since 2015", or the first year named; None when a range is given only
        by its end ("by 2019", "before 2020"), whose start is any earlier report."""
        named = [*self.years, *([self.since] if self.since else [])]
        return min(named) if named else None

    def latest(self) -> int | None:
        """The last year named when a question names more than one ("between 2020 and 2024", "since 2016 ... in
        2020"), else None."""
        named = sorted({*self.years, *([self.since] if self.since else []), *([self.until] if self.until else [])})
        return named[-1] if len(named) > 1 else None

    def labels(self) -> list[str]:
        """Chips as the question said them: "2024", "since 2015", "2019–2023", "before 2020"."""
        return [str(year) for year in self.years] + [" ".join(phrase.lower().split()) for phrase in self.said]


@dataclass(frozen=True)
class Query:
    """A question as read: what it names (councils, dates, kinds, recency), how it asks, and what it asks for."""

    text: str
    topic: str  # the question without its opening, councils, dates and which inspection ("latest"): for full-text
    # search and evidence
    councils: tuple[Council, ...] = ()
    dates: Dates = field(default_factory=Dates)
    kinds: tuple[str, ...] = ()  # kinds named by a phrase about the document (filter)
    kinds_meant: tuple[str, ...] = ()  # kinds the question implies without naming one ("the inspection": rank up)
    recency: str | None = None  # "latest", "previous" or "next" (an inspection still to come)
    tone: int = 0  # -1: asks what was criticised, +1: what was praised (search/tone.py)
    quantity: bool = False  # asks for a number
    out_of_scope: tuple[OutOfScope, ...] = ()  # other inspectorates, kinds of inspection, councils outside England,
    # council services the reports do not assess (search/scope.py)
    asks: frozenset[str] = frozenset({"topic"})  # what it asks for (search/intent.py)
    scores: tuple[tuple[str, float], ...] = ()  # how sure the reading of each of ASKS is, 0 to 1
    corrections: tuple[Correction, ...] = ()  # misspelt words read as the reports' words (search/spelling.py)
    described_area: str | None = None  # a judged area the question describes without naming it (search/grades.py)
    record: tuple[str, ...] = ()  # what of an inspection's record its question words ask: "lead" (who), "end" (when),
    # "scope" (what it looked at)
    date_spans: tuple[str, ...] = ()  # the date phrases as written ("dec 2014", "the end of 2016")
    described: str | None = None  # an inspection term the topic describes in everyday words (search/described.py)
    nearest_term: str | None = None  # the inspection term the topic's meaning is clearly nearest, however short the
    # topic: a word of it the reports do not use may be said in that term's words ("listen": "voice of the child")
    asking_cues: frozenset[str] = frozenset()  # its words that ask whether something changed ("since", "sorted"),
    # compare councils ("compare") or ask for the improvement list ("needs"), as the example questions weigh them
    # (search/intent.py), not words of its topic
    timing: bool = False  # asks how soon something happens
    compared: bool = False  # sets two councils or more side by side ("compare", "versus", "[A] or [B]")
    money: bool = False  # the number asked is an amount of money (only a sentence stating one answers)
    span: bool = False  # the number asked is a span of time ("how many days did the inspection last?": asks_span)

    def wants(self, ask: str) -> bool:
        """True when the question asks for ``ask`` (one of ASKS)."""
        return ask in self.asks

    def score(self, ask: str) -> float:
        """How likely the question asks for ``ask`` (0 when it was not read from examples)."""
        return dict(self.scores).get(ask, 0.0)

    def searched(self) -> str:
        """The topic as searched for: with the inspection term it describes, if any ("... make sense of their past
        (life-story work)"); evidence that the reports answer is weighed on the topic as asked."""
        return f"{self.topic} ({self.described})" if self.described else self.topic

    def about(self) -> str:
        """What the question is about: the topic as searched for without the words by which it asks (``asking_cues``:
        "what does Wiltshire need to improve for care leavers?" is about "for care leavers"), nor a word naming the
        kind of report ("lambeth fv 2023 what needs to improve cin cp" is about "cin cp")."""
        return " ".join(word for word in re.findall(r"[\w'-]+", self.searched())
                        if word.lower() not in self.asking_cues and not names_a_kind(word))

    def council_names(self) -> tuple[str, ...]:
        """Every council named, a former council standing for its successors."""
        return tuple(dict.fromkeys(name for council in self.councils for name in (council.name, *council.successors)))


# Numbers written out in words, from ten up: reports write them as numerals ("16 and 17 year olds", "within 20
# days"), questions often in words ("sixteen and seventeen year olds"). One to nine stay words: reports write those
# out too ("within three days").
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER = rf"(?:({'|'.join(_TENS)})(?:[\s-]({'|'.join(_UNITS)})\b(?!-))?|({'|'.join(_TEENS)}))"
_NUMBER_WORDS = re.compile(rf"\b{_NUMBER}\b", re.I)
# A year said aloud, as dictation writes it: "twenty nineteen", "twenty twenty-four", "two thousand and fifteen".
_SPOKEN_YEAR = re.compile(rf"\b(?:twenty[\s-]+(?=(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
                          rf"eighteen|nineteen|twenty|thirty)\b)|two thousand(?:\s+and)?\s+){_NUMBER}\b", re.I)


def numerals(text: str) -> str:
    """``text`` with the numbers from ten to ninety-nine written in words turned into numerals ("sixteen" -> "16",
    "twenty-five" -> "25"), and years said aloud into years ("twenty nineteen" -> "2019")."""
    def value(match: re.Match[str]) -> int:
        tens, unit, teen = match.groups()
        if teen:
            return 10 + _TEENS.index(teen.lower())
        return 10 * (2 + _TENS.index(tens.lower())) + (1 + _UNITS.index(unit.lower()) if unit else 0)

    text = _SPOKEN_YEAR.sub(lambda match: str(2000 + value(match)), text)
    return _NUMBER_WORDS.sub(lambda match: str(value(match)), text)


def parse(question: str, known_word: Callable[[str], bool] | None = None) -> Query:
    """What ``question`` names and how it asks. ``known_word`` tells whether a word is used in the indexed reports:
    such a word is never read as a misspelt council name."""
    text = " ".join(question.replace("’", "'").split())
    councils, spans = _councils(text, known_word)
    dates, date_spans = _dates(text)
    kinds, meant = _kinds(text)
    recency, recency_spans = _recency(text)
    topic = _topic(text, spans + date_spans + recency_spans)
    if recency == "next" and (dates or _told_as_past(text)):  # "the next visit after 2019", "did it go up to good at
        recency = None  # its next inspection?": it has happened
    money = asks_money(text)
    quantity = asks_number(text) or money
    return Query(text, topic, councils, dates, kinds, meant, recency, 0, quantity,
                 tuple(scope.load().named_in(text)),
                 record=_record(text), date_spans=tuple(date_spans),
                 timing=asks_timing(text), compared=len({council.name for council in councils}) > 1 and compares(text, spans),
                 money=money, span=asks_span(text))


# A capitalised word set off by commas at a sentence's start or between commas: whom the question is addressed to, or
# how it is put ("Councillors, ...", "..., Mayor, but ...", "However, ..."), never its topic.
_ADDRESS = re.compile(r"(?:^|(?<=,))\s*[A-Z][a-z]+\s*,\s*")


def unaddressed(sentence: str) -> str:
    """The sentence without words addressing someone or saying how it is put (see _ADDRESS)."""
    return _ADDRESS.sub(" ", sentence).strip() or sentence


def number_asking(text: str) -> frozenset[str]:
    """The words with which ``text`` asks for a number ("how many", "what share of", "figures"), in lower case: how it
    asks, not what about."""
    return frozenset(word.lower() for match in _QUANTITY.finditer(text) for word in _WORDS.findall(match.group(0)))


def asks_span(text: str) -> bool:
    """True when the number asked for is a span of time ("how many days did the inspection last?", "over how many
    weeks"): a span then states it, which for any other number it does not ("over the last six months")."""
    return bool(_SPAN_ASKED.search(text))


# Words saying how large a number is, before it ("a large number of", "the growing proportion of"): it is described,
# not asked for.
_SIZED = re.compile(r"\b(?:large|larger|high|higher|small|smaller|low|lower|growing|increasing|increased|rising|falling|"
                    r"reducing|reduced|declining|significant|substantial|sizeable|considerable|sheer|big|huge|great|"
                    r"greater|unprecedented)\s+$", re.I)


def asks_number(text: str) -> bool:
    """True when the question asks for a number itself, not for what a report said about one, nor a number said to be
    large or small ("the response to the large number of children arriving alone")."""
    return any(not _SAID_ABOUT.search(text[:match.start()]) and not _SIZED.search(text[:match.start()])
               for match in _QUANTITY.finditer(text))


def asks_money(text: str) -> bool:
    """True when the question asks for an amount of money ("how much did Medway spend on agency staff?", "how much
    are social workers paid?", "what is Kent's budget for 2024/25?"): search/data/phrasing.txt, "money asked"; not
    what a report said of one ("what did Ofsted say about the budget?": a verb of reporting before it)."""
    return any(not _SAID_ABOUT.search(text[:match.start()]) and not _REPORTING_WORD.search(match.group(0))
               for match in phrasing()["money asked"].finditer(text))


# A verb of reporting (REPORTING) inside the words asking for an amount ("what did Ofsted say about the budget").
_REPORTING_WORD = re.compile(rf"\b(?:{'|'.join(REPORTING)})\b", re.I)


def asks_timing(text: str) -> bool:
    """True when the question asks how soon something happens ("how quickly are children seen?", "at what point do
    care leavers get a personal adviser?", "are there delays?"): search/data/phrasing.txt, "timing asked"."""
    return bool(phrasing()["timing asked"].search(text))


def grade_side(question: str) -> str | None:
    """Which of a change's two grades a question names: the earlier ("improved from inadequate"), the later ("fell
    to requires improvement"), or either (None)."""
    found = next((match for _, pattern in ASKED_GRADES if (match := pattern.search(question))), None)
    before = question[:found.start()].lower().split()[-1:] if found else []
    return "earlier" if before == ["from"] else "later" if before in (["to"], ["into"]) else None


def named_grade(question: str) -> str | None:
    """The grade a question names ("judged inadequate", "rated good", "failed")."""
    return next((name for name, pattern in ASKED_GRADES if pattern.search(question)), None)


def named_grades(question: str) -> frozenset[str]:
    """Every grade a question names (two for a change: "inadequate when it had been good in 2018")."""
    return frozenset(name for name, pattern in ASKED_GRADES if pattern.search(question))


def about_practice(query: Query) -> bool:
    """True when the reasons a question asks for are a practice problem's ("why are strategy meetings held up?"), not
    a grade's: it asks about a topic too and neither asks for nor names a grade. Those reasons are in what the report
    says of that topic, not in its headline findings."""
    return query.wants("reasons") and query.wants("topic") and not query.wants("grade") and not named_grade(query.text)


def asks_grade_in_words(question: str) -> bool:
    """True when a question asks for a grade in words ("what grade", "how was it rated", or naming one: "was it
    judged good?"), not only how a council did ("how did Wakefield get on last time?"; search/data/phrasing.txt
    "grade asked")."""
    return named_grade(question) is not None or bool(phrasing()["grade asked"].search(question))


def focus(question: str) -> str:
    """The question without a content-free opening such as "What did Ofsted say about"."""
    stripped = _PREAMBLE.sub("", unaddressed(question)).strip(" ?.!")
    return stripped or question.strip()


def with_asks(query: Query, asks: frozenset[str], scores: dict[str, float], tone: int = 0,
              asking_cues: frozenset[str] = frozenset()) -> Query:
    """The query with what it asks for, whether it asks for criticism (-1) or praise (+1) and which of its words ask
    about change, as read from examples."""
    return replace(query, asks=asks, scores=tuple(sorted(scores.items())), tone=tone, asking_cues=asking_cues)


def _councils(text: str, known_word: Callable[[str], bool] | None) -> tuple[tuple[Council, ...], list[str]]:
    """Councils named exactly (any name England's list gives them), then words that are a council's name misspelt
    ("rotheram"): the list is closed, so a near miss of a long name is a typo, unless the word is an ordinary one."""
    listed = authorities.load()
    found: list[Council] = []
    spans: list[str] = []
    covered = []
    lower = not any(character.isupper() for character in text)  # typed without capitals: case says nothing
    names = _spellings()
    for start, written in _split_name(text, names):  # "Leicester shire", as dictated: the one name, not "Leicester"
        authority = listed.named(names[written.replace(" ", "").lower()])
        if authority is not None:
            found.append(Council(authority.name, written, True, authority.successors))
            spans.append(written)
            covered.append((start, start + len(written)))
    for mention in listed.mentions(text, any_case=lower):
        if any(a < mention.end and mention.start < b for a, b in covered):
            continue
        written = text[mention.start:mention.end]
        everyday = lower and not listed.mentions(written)
        found.append(Council(mention.authority.name, written, False, mention.authority.successors, everyday))
        if not everyday:
            spans.append(written)
        covered.append((mention.start, mention.end))
    for match in re.finditer(r"[A-Za-z][A-Za-z'-]+(?:\s+[A-Za-z][A-Za-z'-]+)?", text):
        for written in _windows(match.group(0)):
            start = text.find(written, match.start())
            if any(a <= start < b for a, b in covered) or len(written.replace(" ", "")) < _GUESS_MIN:
                continue
            if known_word is not None and not _a_name_as_stemmed(written.lower(), names) \
                    and all(known_word(word) for word in written.split()):
                continue
            if any(start <= a < start + len(written) for a, _ in covered):
                continue
            guess = difflib.get_close_matches(written.lower(), names, n=1, cutoff=_GUESS_CUTOFF)
            if guess and guess[0] != written.lower():
                authority = listed.named(names[guess[0]])
                if authority is not None and authority.name not in {council.name for council in found}:
                    found.append(Council(authority.name, written, True, authority.successors))
                    spans.append(written)
                    covered.append((start, start + len(written)))
    return tuple(found), spans


def _a_name_as_stemmed(written: str, names: Container[str]) -> bool:
    """True when ``written`` is a council's name as the reports' full-text search stems it, and so finds it: with an
    "s" ("rutlands", typed for "Rutland's") or its doubled last letter single ("sandwel" for "Sandwell")."""
    return (written.endswith("s") and written[:-1] in names) or written + written[-1:] in names


def _split_name(text: str, names: Container[str]) -> list[tuple[int, str]]:
    """(start, words) of each two words that are a council's name written together ("Leicester shire", as dictated)."""
    pairs = re.finditer(r"\b(?=([A-Za-z]+ [A-Za-z]+)\b)", text)
    return [(pair.start(), pair.group(1)) for pair in pairs if pair.group(1).replace(" ", "").lower() in names]


def _windows(words: str) -> list[str]:
    """Each word of a run of one or two, then the two together (a one-word name misspelt, else a two-word one)."""
    parts = words.split()
    return [*parts, words] if len(parts) > 1 else parts


@lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    """Every council name and alias, lower-case, mapped to itself as written in the list."""
    return {name.lstrip("=").lower(): name.lstrip("=") for authority in authorities.load().all
            for name in (authority.name, *authority.aliases) if not name.startswith("=")}


def _dates(text: str) -> tuple[Dates, list[str]]:
    """Years named, and ranges: "since 2015" includes 2015, "before 2020" ends with 2019, "between" includes both."""
    rest = _NOT_A_DATE.sub(" ", text)
    spans: list[str] = []
    said: list[str] = []
    since = until = None
    for pattern, kind in _RANGES:
        match = pattern.search(rest)
        if not match:
            continue
        numbers = sorted(int(group) for group in match.groups() if group)
        spans.append(match.group(0))
        word = match.group(0).split()[0].lower()
        # the chip as said: "in or after 2024" and "2024 or later" from 2024, "up to 2020" and "prior to 2020" in full
        word = {"in": "from", "on": "from", "during": "from", "up": "up to", "prior": "prior to"}.get(
            word, "from" if word.isdigit() else word)
        said.append(f"{numbers[0]}–{numbers[-1]}" if kind == "between" else f"{word} {numbers[0]}")
        if kind == "between":
            since, until = numbers[0], numbers[-1]
        elif kind in ("since", "after"):
            since = numbers[0] + (1 if kind == "after" else 0)
        else:
            until = numbers[0] - (1 if kind == "before" else 0)
        rest = rest[:match.start()] + " " + rest[match.end():]
    years = tuple(sorted({int(year) for year in re.findall(rf"(?<![\d/£$])\b{_YEAR}\b(?!%)", rest)}))
    spans += [match.group(0) for match in re.finditer(rf"\b(?:in\s+|at\s+|by\s+|during\s+)?{_PART_OF_YEAR}?(?:{_MONTHS}\s+)?"
                                                       rf"{_YEAR}(?:/\d\d)?\b", rest, re.I)]
    reports = tuple(year for year in years if _report_year(rest, year))
    return Dates(years, since, until, tuple(said), reports), spans


def _report_year(text: str, year: int) -> bool:
    """True when ``year`` is named as a report's: beside a word of the kinds file ("the 2018 visit", "2019 Ofsted
    inspection", "the focused visit in May 2025", "the visit back in March 2019"), or straight beside the inspectorate's
    name or a framework's ("ofsted 2018", "nov 2023 ilacs": _REPORT_NAMES)."""
    before, after = _beside_a_kind()
    return any(after.match(text, named.end()) or before.search(text, 0, named.start())
               for named in re.finditer(rf"\b{year}\b", text))


@lru_cache(maxsize=1)
def _beside_a_kind() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What is written before a year naming a report's ("the visit in May", "ofsted"), and after one ("visit",
    "ilacs"): a kind of report with its preposition, or the inspectorate's or a framework's name straight beside it
    (_REPORT_NAMES); compiled once (a pattern with the year in it took 2 ms to compile, for each year of each
    question)."""
    words = _kind_words()
    return (re.compile(rf"\b(?:{words})s?\s+(?:[\w'-]+\s+)?(?:in|of|from)\s+(?:{_MONTHS}\s+)?$|"
                       rf"\b(?:{_REPORT_NAMES})(?:['’]s)?\s+(?:{_MONTHS}\s+)?$", re.I),
            re.compile(rf"\s+(?:[\w'-]+\s+){{0,2}}?(?:{words})s?\b|\s+(?:{_REPORT_NAMES})\b", re.I))


@lru_cache(maxsize=1)
def _kind_words() -> str:
    """Every phrase of the kinds file, as alternatives of a pattern."""
    return _alternatives([phrase for _, _, phrases in _kind_lines() for phrase in phrases])


def names_latest_and_previous(text: str) -> bool:
    """True when a question names the latest inspection and, apart from that, the one before it ("better at their
    latest inspection than the one before"); "the one before the latest" names only the one before."""
    patterns = {name: pattern for pattern, name in _RECENCY}

    def in_previous(start: int, end: int) -> bool:  # part of a phrase naming the one before, matched from any start
        return any((match := patterns["previous"].match(text, at)) is not None and match.end() >= end
                   for at in range(max(0, start - 40), start + 1))

    return bool(patterns["previous"].search(text)) and any(
        not in_previous(*match.span()) for match in patterns["latest"].finditer(text))


def _told_as_past(text: str) -> bool:
    """True when a past verb comes before the "next" a question names, and nothing says it is to come (``_HAPPENED``)."""
    named = re.search(r"\bnext\b", text, re.I)
    return named is not None and bool(_HAPPENED.search(text, 0, named.start())) and not _TO_COME.search(text)


def names_a_later_inspection(text: str) -> bool:
    """True when a question names an inspection after another ("its next full inspection after the 2019 visit", "the
    subsequent inspection", "the inspection after its 2022 focused visit"), whether or not it has happened: a report
    recalls the grades before it, never those of a later one."""
    return bool(_LATER.search(text))


def _recency(text: str) -> tuple[str | None, list[str]]:
    """Which inspection the question means ("latest", "previous", "next"), and the phrases that say so."""
    found = [(name, [match.group(0) for match in pattern.finditer(text)]) for pattern, name in _RECENCY]
    return next((name for name, spans in found if spans), None), [span for _, spans in found for span in spans]


@lru_cache(maxsize=1)
def _kind_lines() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """The lines of search/data/kinds.txt: (strength, kinds, phrases)."""
    lines = []
    for line in KINDS_DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            strength, kinds, *phrases = [part.strip() for part in line.split("|")]
            lines.append((strength, tuple(kinds.split()), tuple(phrases)))
    return tuple(lines)


def _alternatives(phrases: Sequence[str]) -> str:
    """Phrases of the kinds file as alternatives of a pattern, the longest first."""
    return "|".join(_phrase(phrase) for phrase in sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=1)
def _kind_patterns() -> tuple[tuple[re.Pattern[str], tuple[str, ...], bool], ...]:
    """From search/data/kinds.txt: (pattern of the phrase, kinds, whether it names the kind or only means it)."""
    rules = []
    for strength, kinds, phrases in _kind_lines():
        alternatives = _alternatives(phrases)
        if strength == "names":
            pattern = re.compile(rf"\b(?:{alternatives})s?\b", re.I)
        else:
            pattern = re.compile(rf"\b{_ABOUT_DOCUMENT}\s+(?:[\w'-]+\s+){{0,3}}?(?:{alternatives})s?\b|"
                                 rf"\b(?:{alternatives})s?\s+(?:to|of|on|at|in)\s+(?:the\s+)?[A-Z]", re.I)
        rules.append((pattern, kinds, strength == "names"))
    return tuple(rules)


def _phrase(phrase: str) -> str:
    """A phrase of the kinds file as a pattern: any spacing between words, "…" for up to six words."""
    words = [r"(?:[\w'-]+\s+){0,6}?" if word == "…" else re.escape(word) + r"\s+" for word in phrase.split()]
    return "".join(words)[: -len(r"\s+")] if not phrase.endswith("…") else "".join(words)


@lru_cache(maxsize=4096)  # asked of each word of a topic, each time what a question is about is read
def names_a_kind(phrase: str) -> bool:
    """True when ``phrase`` names or means a kind of report (search/data/kinds.txt: "focused visit", "inspection of
    local authority children's services")."""
    return any(_kinds(phrase))


def _kinds(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Kinds of report named by a phrase about the document (a filter), and kinds only implied (a preference)."""
    named: list[str] = []
    meant: list[str] = []
    for pattern, kinds, names in _kind_patterns():
        if pattern.search(text):
            (named if names else meant).extend(kinds)
    named = list(dict.fromkeys(named))
    return tuple(named), tuple(kind for kind in dict.fromkeys(meant) if not named)


# The English ways of saying "about" ("re", "in relation to", "when it comes to").
_ABOUT = re.compile(r"\b(?:about|regarding|concerning|re|wrt|as regards|(?:with|in) (?:regard|regards|relation|respect) (?:to|of)|"
                    r"in terms of|on the (?:subject|topic) of|when it comes to)\b(?!-)", re.I)
_REPORTED = frozenset(REPORTING)
# Words that say which report, not what about ("according" to it too).
_FRAMING = _REPORTED | frozenset(VISITING) | {"according"}
# The most words of its own an opening asking what a report said may hold ("Could you check what the visit found
# about", "What did Ofsted find on its trip to Notts about"); chosen on the development files: 2 lost a dictated
# "the full inspection one um what did it find about".
OPENING_WORDS = 3
_SENTENCE = re.compile(r"(?<=\?)\s+|(?<=[a-z][a-z][.!])\s+(?=[A-Z])")
# Where a question typed without stops asks its next question ("... and made into a referral what did the visit find",
# "..., according to the inspection report").
_CLAUSE = re.compile(r"(?<=\w)[\s,;:-]+(?=(?:and\s+)?(?:what|how)\s+(?:did|does|do|has|have|was|were|is|are|the|its|their)\b|"
                     r"according\s+to\b|when\b)", re.I)
_ASKED_SAID = re.compile(rf"\b(?:did|does|do)\s+(?:[\w'’]+\s+){{1,4}}?(?:{'|'.join(REPORTING)})\b(?:\s+that\b)?", re.I)
# The same asked of councils, passively, by a participle after at most an adverb or two ("Which councils were told
# that", "got heavily criticised by Ofsted for how"; not "get a say", nor "Were care leavers found to"): the words
# before it may hold no more than OPENING_WORDS of their own, since a question's topic may be told something too
# ("Where were homeless 16- and 17-year-olds not properly told their rights").
_SAID = [verb for verb in REPORTING if verb.endswith("ed") or verb in ("said", "found", "thought", "told", "written")]
_WERE_SAID = re.compile(rf"\b(?:was|were|is|are|been|being|got|get|gets)\s+(?:(?:\w+ly|not|also|ever)\s+){{0,2}}(?:{'|'.join(_SAID)})\b"
                        r"(?:\s+by\s+(?:ofsted|(?:the\s+)?inspectors?))?(?:\s+(?:that|for|over|on|of)\b)?", re.I)
# The same said of the inspectors' view, the reporter its subject: "inspectors were unhappy with", "Ofsted was critical
# of", "the inspectors had concerns over" (English syntax: an auxiliary, at most two adverbs, one word, a preposition).
_REPORTER_FELT = re.compile(r"\b(?:ofsted|(?:the\s+)?inspectors?)\s+(?:was|were|had|felt|seemed|appeared|got|remained)\s+"
                            r"(?:(?:\w+ly|very|quite|so|not|also|still)\s+){0,2}[\w-]+\s+(?:with|of|over|by|at)\b", re.I)
# The same asked by a verb of judging whose subject is the reporter or the report ("did ofsted rate", "how did the
# focused visit assess"; JUDGING).
_REPORTER_JUDGED = re.compile(rf"\b(?:did|does|do)\s+(?:ofsted|(?:the\s+)?(?:inspectors?|(?:[\w-]+\s+)?(?:visit|inspection|"
                              rf"report)))\s+(?:{'|'.join(JUDGING)})\b", re.I)
# The same said by a noun of the reporter's, possessive ("Ofsted's view of", "the inspectors' findings on", "Ofsted's
# overall conclusion about"; English syntax: the reporter's possessive, at most two words, a preposition); the words
# before it may hold no more than OPENING_WORDS of their own ("Members would welcome a summary of").
_REPORTERS_VIEW = re.compile(r"\b(?:ofsted|(?:the\s+)?inspectors?)(?:['’]s?|s['’])\s+(?:[\w-]+\s+){0,1}[\w-]+\s+"
                             r"(?:of|on|about|regarding|concerning|into)\b", re.I)
# "which councils", "any other LAs", or a question typed tersely opening with the councils it asks for ("councils no
# b&b for young people"): the councils asked for, not the topic
_ASKED_COUNCILS = re.compile(r"(?:\b(?:which|what|any|other)\s+(?:(?:other|of\s+(?:these|the|those|our|the\s+indexed))\s+)?|^\W*)"
                             r"(?:councils|local authorities|authorities|las)\b", re.I)
_WORDS = re.compile(r"[A-Za-z]{2,}")  # not the "s" of "Ofsted's"
_FIRST_CLAUSE = re.compile(r"^[^,;:?]{1,60}[,;:]\s*")


# The words joining the councils (or years) a question compares, once their names are out: "compare [Rutland] and
# [Derbyshire] on", "[Rutland] vs [Derbyshire]", "[Kent] v [Medway]" (the British short form), "how do [Rutland] and
# [Derbyshire] compare on" (English syntax).
_COMPARED = re.compile(r"(?:\b(?:compare|comparing|comparison\s+of|contrast)\s+)?\0(?:\s*(?:,|\band\b|\bor\b|&|\bvs?\b\.?|"
                       r"\bversus\b|\bcompared\s+(?:with|to)\b|\bagainst\b|\bwith\b|"
                       r"\b(?:stacks?|measures?)\s+up\s+(?:against|to|with)\b|\b(?:compares?|fares?)\s+(?:against|with|to)\b)"
                       r"\s*\0)+(?:\s+compared?\b)?", re.I)
# A question setting councils side by side ("compare", "versus", "how does [A] stack up against [B]", "better in [A]
# or [B]", "[A] v [B]"): it asks across them, each on the point, however the examples read it.
_COMPARING = re.compile(r"\b(?:compar\w*|contrast\w*|versus|vs|(?:stacks?|measures?)\s+up)\b|\0\s*(?:or|against|v\b\.?)\s*\0",
                        re.I)


def _masked(text: str, spans: list[str]) -> str:
    """The text with each of ``spans`` (councils' names, with "County Council" and "'s"; date phrases) as "\\0"."""
    for span in sorted(set(spans), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(span)}(?:\s+(?:county|city|borough|metropolitan)?\s*council)?(?:'s)?(?!\w)", "\0",
                      text, flags=re.I)
    return text


def compares(text: str, spans: list[str]) -> bool:
    """True when the question sets the councils named (``spans``) side by side; parse asks it only of two or more."""
    return bool(_COMPARING.search(_masked(text, spans)))


def _topic(text: str, spans: list[str]) -> str:
    """The text without the councils' names (with "County Council" and "'s"), the date phrases and the phrases saying
    which inspection is meant ("the most recent", "last visited"), and then without an opening before "about" that
    leaves only words saying nothing about the topic ("What did the Ofsted report on [Leicester] say about") or asks
    what a report said ("Could you check what the visit found about"), when topic words follow; a sentence that only
    says which report ("What did the inspectors find when they came [in December 2022]?") is left out, and each other
    sentence's opening is read on its own."""
    text = _COMPARED.sub(" ", _masked(text, spans)).replace("\0", " ")
    text = _ASKED_COUNCILS.sub(" ", text)
    if not asks_which_looked_at(text):  # whose reports' lines saying so are chosen by what it names (``scoped``)
        text = _without_reports_asked(text)
    # a stop left after a name or date taken out ("... criticised by Ofsted in [2014] .") still ends its sentence
    text = re.sub(r"\s+(?=[.!?,;:])", "", " ".join(text.split())).strip(" ,.?") or text
    sentences = [_without_asking_tail(sentence) for sentence in _SENTENCE.split(text) if terms(sentence)] or [text]
    topical = [sentence for sentence in sentences if set(terms(sentence)) - _FRAMING] or sentences
    return ". ".join(_topic_of(sentence.strip(" ,.?!")) for sentence in topical)


def _without_asking_tail(sentence: str) -> str:
    """The sentence without a last clause, typed without a stop, that only asks what a report said ("... and made
    into a referral what did the visit find", "..., according to the inspection report", "... - what did the report
    make of it")."""
    for clause in reversed(list(_CLAUSE.finditer(sentence))):
        if any(not _names_report(word.lower()) for word in terms(_MADE_OF.sub(" ", sentence[clause.end():]))):
            break
        sentence = sentence[:clause.start()]
    return sentence


# What a report made of what the question has named ("- what did the 2025 report make of it?"): asking what it said.
_MADE_OF = re.compile(r"\b(?:make|made|think|thought)\s+of\s+(?:it|that|this|them|those|these)\b", re.I)


def _topic_of(sentence: str) -> str:
    """One sentence's topic: without an opening that says nothing about it."""
    sentence = _without_framing_clause(unaddressed(sentence))
    focused = focus(sentence)
    return _without_empty_lead(_after_opening(sentence) or _after_opening(focused) or focused)


_QUESTION_WORD = re.compile(r"\b(?:how|what|whether|why|when|where|which|who)\b", re.I)


def _without_empty_lead(topic: str) -> str:
    """The topic from its question word on, when the words before it only name the report ("ofsted on how do they deal
    with ...", once the council and "most recent" are read) or are said while thinking ("erm, how do they ...")."""
    asked = _QUESTION_WORD.search(topic)
    if asked is None or asked.start() == 0:
        return topic
    lead = [word.lower() for word in _WORDS.findall(topic[:asked.start()])]
    empty = all(word in STOPWORDS or word in _FILLERS for word in lead) and (
        any(_names_report(word) for word in lead) or all(word in _FILLERS for word in lead))
    return topic[asked.start():] if empty else topic


# The sounds a speaker makes while thinking, which dictation writes down.
_FILLERS = frozenset({"um", "umm", "uh", "uhm", "er", "erm", "hmm"})


def asks_only_the_record(query: Query) -> bool:
    """True when a question asks for the inspection's record by its question word ("what month", "which HMI") and for
    nothing else: its topic holds no word once those, the words naming the report and those asking someone to answer
    ("please confirm", _REQUESTING) are out ("what month were ofsted in Barnet in 2025"; not "when did Barnet improve
    its care leavers?")."""
    if not query.record:
        return False
    left = query.topic
    for _, pattern in _record_asked():
        left = pattern.sub(" ", left)
    return not [word for word in terms(left) if not _names_report(word) and word not in _REQUESTING]


# The words after "which" (and "of the") that may name the reports a question asks for ("which of the focused visit
# letters"); a visit is reported in a letter.
_WHICH = re.compile(r"\bwhich\s+(?:of\s+(?:the|these|those|our)\s+)?((?:[\w-]+\s+){0,2}[\w-]+)", re.I)
_LETTERS = "letters"


def names_priority_action(text: str) -> bool:
    """True when ``text`` names a focused visit's areas for priority action (search/data/phrasing.txt)."""
    return bool(phrasing()["priority action"].search(text))


def asks_which_reports(text: str) -> bool:
    """True when a question asks which reports say something, naming them in the plural by a word of the kinds file's
    phrases ("Which focused visits resulted in ...", "which inspections ...") or as letters ("which of the focused
    visit letters identified ..."): across councils, as "which councils" is."""
    return bool(_reports_asked(text))


def _without_reports_asked(text: str) -> str:
    """The text without "which" and the reports it asks for ("Which of the focused visit letters identified ...":
    "identified ..."), as without "which councils": they say which reports answer, not what about. Not asked of a
    question asking which reports looked at something: the lines saying so are weighed by what it names after its
    words for looking, and a topic of those words alone put one report's line too far ahead of the others'."""
    for match in reversed(list(_WHICH.finditer(text))):
        words, reports = list(re.finditer(r"[\w-]+", match.group(1))), _reports_asked(match.group(0))
        named = [n for n, word in enumerate(words) if word.group(0).lower() in reports]
        # every word before the one naming the reports names a kind too ("which focused visits"; not "which home
        # visits", "which statutory visits", which are practice)
        if named and all(word.group(0).lower() in _kind_vocabulary() for word in words[:named[-1]]):
            text = text[:match.start()] + " " + text[match.start(1) + words[named[-1]].end():]
    return text


def _reports_asked(text: str) -> set[str]:
    """The plural words after "which" naming reports (see ``asks_which_reports``): "visits", "letters", "councils"."""
    return {word for match in _WHICH.finditer(text) for word in match.group(1).lower().split()
            if word == _LETTERS or (word.endswith("s") and word.removesuffix("s") in _kind_vocabulary())}


def names_the_inspection(text: str) -> bool:
    """True when ``text`` has a word saying which report or inspection it is about ("Ofsted", "inspectors", "visit",
    "the ILACS"): a question asking for an inspection's facts names it; "how many care leavers does it support" asks
    about practice."""
    return any(_names_report(word.lower()) for word in _WORDS.findall(text))


def _names_report(word: str) -> bool:
    """True for a word saying which report: Ofsted's name, a verb of reporting or visiting, or a word of the kinds
    file's phrases ("inspection", "report", "visit"), singular or plural."""
    return word == "ofsted" or word in _FRAMING or word.removesuffix("s") in _kind_vocabulary()


@lru_cache(maxsize=1)
def _kind_vocabulary() -> frozenset[str]:
    """The words of the kinds file's phrases, in lower case."""
    return frozenset(word for _, _, phrases in _kind_lines() for phrase in phrases for word in _WORDS.findall(phrase.lower()))


def _without_framing_clause(sentence: str) -> str:
    """The sentence without a first clause, up to its comma, that only says which report ("According to the [December
    2019] visit, had ...", "In the [2018] visit, at what point ...")."""
    clause = _FIRST_CLAUSE.match(sentence)
    if not clause:
        return sentence
    words = {word.lower() for word in _WORDS.findall(clause.group(0))}
    rest = sentence[clause.end():]
    return rest if words & _FRAMING and not words - _FRAMING - STOPWORDS and terms(rest) else sentence


# The auxiliaries that make what follows the subject of a question, and the words naming the report or its writers
# as that subject ("what conclusions did Ofsted reach", "which points has the report raised"; not a visit, which may
# be practice: "what do visits to children show").
_AUXILIARIES = frozenset({"did", "does", "do", "has", "have", "had"})
_REPORTERS = frozenset({"ofsted", "inspector", "inspectors", "hmi", "hmis", "inspection", "inspections", "inspectorate",
                        "report", "reports", "letter"})


def _asks_the_reporter(opening: list[str]) -> bool:
    """True when an opening (its words, lower case) asks something of the report or its writers, whatever the verb:
    an auxiliary, then "the" at most, then a word naming the report ("what conclusions did Ofsted reach about", "what
    points did the inspectors raise about")."""
    named = [n for n, word in enumerate(opening) if word in _REPORTERS]
    return any(opening[n - 1] in _AUXILIARIES or (n >= 2 and opening[n - 1] == "the" and opening[n - 2] in _AUXILIARIES)
               for n in named if n >= 1)


def _after_opening(text: str) -> str | None:
    """What follows "about" when the words before it say nothing about the topic ("When Ofsted [last visited Notts],
    what did it find about") or ask what a report said ("Could you check what the visit found about"); or what
    follows the verb of a question asking what a report said ("what did Ofsted say is getting in the way of")."""
    lead = _ABOUT.search(text)
    if not lead:
        said = _ASKED_SAID.search(text) or _REPORTER_JUDGED.search(text)
        passive = None if said else _WERE_SAID.search(text) or _REPORTER_FELT.search(text) or _REPORTERS_VIEW.search(text)
        if passive and len(set(terms(text[:passive.start()])) - _FRAMING) <= OPENING_WORDS:
            said = passive
        rest = text[said.end():].strip(" ,.?") if said else ""
        return rest if terms(rest) else None
    if lead.end() >= len(text):
        return None
    opening = [word.lower() for word in _WORDS.findall(text[:lead.start()])]
    rest = text[lead.end():].strip(" ,.?")
    if all(word in STOPWORDS for word in opening):
        return rest
    # asking what a report said, with a word or two of its own ("check", "trip"), not a topic ("Where were homeless
    # 16- and 17-year-olds not properly told about ...")
    view = _REPORTERS_VIEW.search(text[:lead.end()])
    if (_REPORTED.intersection(opening) or (view and view.end() == lead.end()) or _asks_the_reporter(opening)) \
            and terms(rest) and len(set(terms(text[:lead.start()])) - _FRAMING) <= OPENING_WORDS:
        return rest
    return None
