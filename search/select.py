"""Choose the documents a question is about: the councils, dates, kinds and recency it names applied together (and
the reader's own filters); what it only implies ranks documents up instead of ruling them out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ingest.metadata import KINDS
from ingest.store import DocumentRecord
from search.parse import INSPECTIONS, Query, about_practice, asks_grade_in_words, grade_side, named_grade

# Documents of one council dated this close together are about the same inspection (a report and the council
# paper that presents it to a committee).
SAME_EVENT_DAYS = 120
# A question at least this likely to ask about change (search/intent.py) takes the years it names as where the story
# starts, not as a filter: "criticised in 2019 ... is it working now?" is answered by the reports after 2019.
MAYBE_CHANGE = 0.2
# What a note says when the years a question names are set aside: every year's reports are searched instead.
EVERY_YEAR = "searching every year."
# A change read less likely than not, beside a surer reading as a grade or the inspection's facts, leaves the year
# naming the report asked about (search/intent.py takes a reading from 0.4). Chosen on the development files: a
# rewording's answer gained, its passage from none in the first five to first, nothing lost (0.2 below the surer
# reading, instead, gained the same and one more rank, but reads a grade at 0.97 and a change at 0.74 as no change).
UNSURE_CHANGE = 0.5
# How much a document the question implies but does not name (a "visit" when it says "the visit", a newer report when
# it names no year) is preferred, relative to the newest of the candidates (1.0).
IMPLIED_KIND = 0.5
# For a change between two years named, how much the reports between them and after the later one are preferred,
# relative to the later year's (1.0); the earlier year's reports get nothing.
LATER = 0.5


@dataclass(frozen=True)
class Where:
    """Filters the reader set (command-line flags, the page's sidebar), applied on top of what the question says."""

    authority: str | None = None
    date_from: str | None = None  # ISO date or year
    date_to: str | None = None
    kind: str | None = None  # a kind of KINDS, a prefix of one, or "inspection" for any inspection
    authorities: tuple[str, ...] = ()  # any of these councils (the page's council filter)

    def keeps(self, doc: DocumentRecord, councils: bool = True) -> bool:
        """True when the document passes every filter given (``councils`` False: all but the council filters)."""
        description = doc.description
        if councils and not self.keeps_council(description.authority):
            return False
        if self.kind and not of_kind(doc, INSPECTIONS if self.kind == "inspection" else (self.kind,)) \
                and not (description.kind or "").startswith(self.kind):
            return False
        return not (self.date_from or self.date_to) or description.within(self.date_from, self.date_to)

    def keeps_council(self, authority: str | None) -> bool:
        """True when the reader's council filters allow ``authority``."""
        if self.authority and (authority or "").lower() != self.authority.lower():
            return False
        return not self.authorities or authority in self.authorities

    def councils(self) -> tuple[str, ...]:
        """The councils the reader chose."""
        return tuple(dict.fromkeys([*([self.authority] if self.authority else []), *self.authorities]))


@dataclass(frozen=True)
class Selection:
    """The documents searched, those ranked up, and what the reader should be told about how they were chosen."""

    documents: tuple[int, ...] | None  # None: every document
    preferred: tuple[tuple[int, float], ...] = ()  # (document, 0 to 1): how much each is ranked up
    councils: tuple[str, ...] = ()  # councils named that the index holds reports about
    missing: tuple[str, ...] = ()  # councils named that no indexed report is about
    labels: tuple[str, ...] = ()  # chips: "Rutland", "since 2015", "focused visits", "latest inspection"
    notes: tuple[str, ...] = ()
    from_question: bool = True  # False: the reader chose to search every report
    set_aside: tuple[str, ...] = ()  # the filters the question names that no report passed ("dates", "kinds")

    def preference(self, document: int) -> float:
        """How much ``document`` is ranked up (0 to 1)."""
        return self._preference.get(document, 0.0)

    @cached_property
    def _preference(self) -> dict[int, float]:  # asked for each passage ranked: not rebuilt from the pairs each time
        return dict(self.preferred)

    def allows(self, document: int) -> bool:
        """True when ``document`` is among those searched."""
        return self.documents is None or document in self.documents


def select(query: Query, documents: Sequence[DocumentRecord], where: Where | None = None,
           from_question: bool = True) -> Selection:
    """The documents ``query`` is about, within ``where``. Each filter the question names is applied in turn
    (councils, dates, kinds, recency); one that would leave nothing is set aside and the reader is told which."""
    where = where or Where()
    indexed = {doc.description.authority for doc in documents if doc.description.authority}
    named = query.council_names()
    councils = tuple(name for name in named if name in indexed)
    missing = tuple(council.name for council in query.councils if not council.everyday
                    and council.name not in indexed and not set(council.successors) & indexed)
    notes = [f"Read “{council.written}” as {council.name}." for council in query.councils
             if council.guessed or (council.everyday and council.name in councils)]
    notes += [f"No report for {name} is indexed." for name in missing]
    pool = [doc for doc in documents if where.keeps(doc, councils=not (from_question and councils))]
    if from_question and councils and where.councils() and not set(councils) & set(where.councils()):
        notes.append(f"The question names {_and(councils)}; the council filter ({_and(where.councils())}) is set aside.")
    elif from_question and councils:
        pool = [doc for doc in pool if where.keeps_council(doc.description.authority) or not where.councils()]
    labels: list[str] = []
    steps = _steps(query, councils) if from_question else []
    set_aside = []
    for label, keep, empty, what in steps:
        narrowed = [doc for doc in pool if keep(doc)]
        if narrowed:
            pool = narrowed
            labels += label
        else:
            notes.append(empty)
            set_aside.append(what)
    if from_question and query.recency in ("latest", "previous"):
        pool, note = _by_recency(pool, query)
        labels.append(f"{query.recency} {_event_noun(query)}")
        notes += note
    filtered = bool(steps) or bool(from_question and query.recency in ("latest", "previous")) or where != Where()
    chosen = tuple(sorted(doc.id for doc in pool)) if filtered else None
    return Selection(chosen, _preferred(query, pool, from_question), councils, missing, tuple(labels), tuple(notes),
                     from_question, tuple(set_aside))


Step = tuple[list[str], Callable[[DocumentRecord], bool], str, str]


def _steps(query: Query, councils: tuple[str, ...]) -> list[Step]:
    """The filters the question names, in order: (chips, test, what to say when nothing passes it, what it filters on)."""
    steps: list[Step] = []
    who = _and(councils) if councils else "any council"
    if councils:
        steps.append((list(councils), lambda doc: doc.description.authority in councils, "", "councils"))
    dates = query.dates
    if dates and changing(query):
        start, end = dates.start(), dates.until
        span = f"from {start}" + (f" to {end}" if end else "") if start else f"up to {end}"
        steps.append(([span], lambda doc: doc.description.within(str(start) if start else None, str(end) if end else None),
                      f"No indexed report of {who} is {span if end else span + ' on'}; {EVERY_YEAR}", "dates"))
    elif dates and not maybe_changing(query):
        years = set(dates.years)
        steps.append((dates.labels(), lambda doc: _in_dates(doc, years, dates.since, dates.until),
                      f"No indexed report of {who} is from {', '.join(dates.labels())}; {EVERY_YEAR}", "dates"))
    if query.kinds and not changing(query):  # "since the 2022 focused visit" names where a change starts, not the answer
        kinds = query.kinds
        steps.append(([_kind_label(kinds)], lambda doc: of_kind(doc, kinds),
                      f"No indexed {_kind_label(kinds)} of {who} matches; searching every kind of report.", "kinds"))
    return steps


def changing(query: Query) -> bool:
    """True when the years a question names are where a change starts ("since 2019", "criticised in 2019: has it
    improved?"), not the reports it asks about; a question asking why a grade was given asks about that year's
    report ("why was it still requires improvement in 2020?"), and one asking for the improvement list asks for that
    year's list ("after the 2023 inspection, where must it get better?"); nor does one read as a change less likely than not
    (UNSURE_CHANGE) and more surely as asking for a grade or the inspection's facts ("what was it rated in 2016, and
    did any area slip?", read as a grade at 0.9 and a change at 0.45: the 2016 grades are asked for), or, naming a
    dated report, about a topic ("Going back to that 2018 visit to Leeds, were inspectors happy with how the kids in
    care were getting on at school?", a topic at 0.87 and a change at 0.40: that visit is asked about)."""
    rivals = ("grade", "facts", "topic") if query.dates.reports else ("grade", "facts")
    surer = max((query.score(ask) for ask in rivals if query.wants(ask)), default=0.0)
    # a grade named as where the change starts or ends ("which councils improved from requires improvement?", read as
    # a grade at 0.86 and a change at 0.47) says the change is asked, however unsurely it reads as one
    unsure = query.score("change") < UNSURE_CHANGE and surer > query.score("change") and not grade_side(query.text)
    return query.wants("change") and not query.wants("reasons") and not query.wants("improve") and not unsure


def maybe_changing(query: Query) -> bool:
    """True when a plain topic question might be asking about change (the reading is unsure): its years then rank
    their reports and the later ones up instead of ruling the others out."""
    return not changing(query) and query.asks == {"topic"} and query.score("change") >= MAYBE_CHANGE \
        and not query.dates.reports


def _in_dates(doc: DocumentRecord, years: set[int], since: int | None, until: int | None) -> bool:
    description = doc.description
    if years and not description.years() & years:
        return False
    return not (since or until) or description.within(str(since) if since else None, str(until) if until else None)


def of_kind(doc: DocumentRecord, kinds: Sequence[str]) -> bool:
    """True when the document is of one of ``kinds``; a council paper that restates an inspection's grades is about
    that inspection, so it counts as one."""
    kind = doc.description.kind
    return kind in kinds or (kind == "committee_report" and bool(doc.judgements) and set(INSPECTIONS) <= set(kinds))


def _kind_label(kinds: Sequence[str]) -> str:
    if set(kinds) == set(INSPECTIONS):
        return "inspections"
    return ", ".join(sorted({KINDS.get(kind, kind) + "s" for kind in kinds}))


def _event_noun(query: Query) -> str:
    kinds = query.kinds or query.kinds_meant
    if kinds and set(kinds) <= set(INSPECTIONS):
        return "inspection"
    return "visit" if kinds and all(kind.endswith("visit") for kind in kinds) else "report"


def _by_recency(pool: list[DocumentRecord], query: Query) -> tuple[list[DocumentRecord], list[str]]:
    """Per council, the documents of its newest inspection or visit ("latest") or of the one before ("previous"),
    among the kinds the question means ("the latest inspection": inspections) and, for a grade asked in words ("what
    was it rated last time?"), graded reports; asked only how a council did ("how did it get on the last time Ofsted
    came in?"), its newest visit answers too."""
    position = 0 if query.recency == "latest" else 1
    candidates = [doc for doc in pool if of_kind(doc, query.kinds_meant)] if query.kinds_meant else pool
    if query.wants("grade") and asks_grade_in_words(query.text):
        candidates = [doc for doc in candidates if doc.judgements] or candidates
    candidates = candidates or pool
    chosen: list[DocumentRecord] = []
    for authority in sorted({doc.description.authority or "" for doc in candidates}):
        events = events_of([doc for doc in candidates if (doc.description.authority or "") == authority])
        if len(events) > position:
            chosen += events[-1 - position]
    if chosen:
        return chosen, []
    return pool, [f"No {query.recency} {_event_noun(query)} to choose; searching every report."]


def events_of(documents: Sequence[DocumentRecord]) -> list[list[DocumentRecord]]:
    """One council's documents grouped into inspections or visits, oldest first: a report and the council paper
    presenting it weeks later are one event."""
    events: list[list[DocumentRecord]] = []
    for doc in sorted(documents, key=lambda doc: doc.description.held or ""):
        if events and days_between(came_out(doc), came_out(events[-1][-1])) <= SAME_EVENT_DAYS:
            events[-1].append(doc)
        else:
            events.append([doc])
    return events


def came_out(doc: DocumentRecord) -> str:
    """When a document came out: a report and the council paper presenting it come out weeks apart."""
    return doc.description.published or doc.description.held or ""


def days_between(later: str, earlier: str) -> int:
    """Days from ``earlier`` to ``later`` (ISO dates); very many when either is missing."""
    try:
        return (date.fromisoformat(later[:10]) - date.fromisoformat(earlier[:10])).days
    except ValueError:
        return 10**6


def _preferred(query: Query, pool: Sequence[DocumentRecord], from_question: bool) -> tuple[tuple[int, float], ...]:
    """Documents ranked up. When the question names no year, or asks what changed since one, newer reports on the
    point come first (the newest 1.0, the oldest 0.0); for a change between two years named, the later year's reports
    (1.0), then those after the earlier year (LATER); when it might be asking about change, the reports of the years
    it names and the later ones (1.0, the earlier 0.0); when no report is from the year it names, the next report
    after it; a kind the question implies ("the visit") is preferred over the others (which get half as much, and,
    where newer reports come first, come after it however new: the newest of the kind 1.0), unless it names where a
    change starts; so are reports that give grades when it asks why a grade was given."""
    if not from_question or query.wants("across"):
        return ()
    change, maybe = changing(query), maybe_changing(query)  # once per question (a national index has hundreds of
    # reports, each weighed here); a kind implied is preferred unless it names where a change starts
    implied = () if change else query.kinds_meant
    # why a grade was given ("why is Derbyshire rated good?"): a report that gives grades, not a later visit; not why
    # inspectors were concerned, which the newest report answers
    graded = query.wants("reasons") and (query.wants("grade") or named_grade(query.text) is not None) \
        and not about_practice(query) and not change
    ordered = lambda doc: (bool(implied) and of_kind(doc, implied), graded and bool(doc.judgements),  # noqa: E731
                           doc.description.held or "")
    order = sorted({ordered(doc) for doc in pool})  # oldest first, the kind implied after all the others
    start, end = query.dates.start(), query.dates.latest()
    named = set(query.dates.years)
    after = None
    if named and not any(doc.description.years() & named for doc in pool):
        after = min((min(doc.description.years()) for doc in pool
                     if doc.description.years() and min(doc.description.years()) > max(named)), default=None)
    place = {key: number for number, key in enumerate(order)}
    weights = {}
    for doc in pool:
        if maybe and start:
            years = doc.description.years()
            weight = 1.0 if years & named or min(years, default=0) > start else 0.0
        elif change and end:  # "between 2020 and 2024", "since 2016 ... in 2020": the end year's reports
            years = doc.description.years()
            weight = 1.0 if end in years else LATER * (min(years, default=0) > (start or 0))
        elif not query.dates or change:
            weight = place[ordered(doc)] / (len(order) - 1) if len(order) > 1 else 1.0
        elif after is not None:  # no report is from the year named: the next one tells what was found then
            weight = float(after in doc.description.years())
        else:
            weight = 1.0
        if (implied and not of_kind(doc, implied)) or (graded and not doc.judgements):
            weight *= IMPLIED_KIND
        weights[doc.id] = round(weight, 4)
    return tuple(sorted(weights.items())) if len(set(weights.values())) > 1 else ()


def _and(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
