"""Decide whether the indexed reports answer a question, in one place: the evidence rules first, then how relevant
the best quoted sentence is, against a threshold fitted on a question file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from search.parse import Query
from search.scope import GRADED_ALONE, OUTSIDE
from search.select import Selection

# How "not found" was decided (search.evaluate fits the threshold only on questions the threshold decides).
EVIDENCE = "evidence"
STRUCTURE = "structure"
THRESHOLD = "threshold"


@dataclass(frozen=True)
class Evidence:
    """What the search found that bears on whether the reports answer."""

    relevance: float  # the best sentence's relevance to the question
    structural: bool = False  # the part of a report the question asks for (grades, the improvement list, headline
    # findings, the inspection's facts) is in the chosen reports
    unknown: tuple[str, ...] = ()  # names or topic words no indexed report uses
    mentioned: frozenset[str] = frozenset()  # out-of-scope phrases an indexed report does use
    number_stated: bool = True  # for a question asking for a number: a quoted sentence states one, or names the things
    # counted ("The inspectors were Caroline Walsh, HMI, and Ian Young, HMI."); for an amount of money, states one
    none_match: str = ""  # a question across councils whose condition no indexed report meets, said as such
    ungraded: tuple[str, ...] = ()  # for a grade question: the councils named, none of whose chosen reports gives one
    unmentioned_by: tuple[str, ...] = ()  # the topic's words that no indexed report on the councils named uses (other
    # reports do)
    unmentioned_subjects: tuple[str, ...] = ()  # the practice terms the topic is about that no indexed report on the
    # councils named mentions in any of the glossary's words for them (other reports do)
    unreported_years: tuple[int, ...] = ()  # the years a question names as its report's ("its 2023 inspection", "2023
    # full inspection") when no indexed report of the councils named is from them and no quoted sentence names them
    unreported_since: str = ""  # a range with no end a question names ("after 2017", "since 2019") when none of the
    # indexed reports of the councils it names is from it (whatever the page's filters): no report can say


@dataclass(frozen=True)
class Verdict:
    """Whether the reports answer, why not, and which rule decided."""

    answered: bool
    reasons: tuple[str, ...]
    by: str  # EVIDENCE, STRUCTURE or THRESHOLD


def decide(query: Query, selection: Selection, evidence: Evidence, threshold: float) -> Verdict:
    """One decision for every question, whatever documents were searched: a question only about councils no report
    is about, about another inspectorate, kind of inspection, a council outside England or a council service the
    reports do not assess (adult social care), about a named council's
    report of a year none of its reports is from, mostly about things no report mentions (or, asked of councils
    named, a term their reports never use while others' do, or a practice the topic is about that they never mention
    in any words for it), asking for a number none states, or across councils none of which meets its condition, is
    not answered; one asking for a part of a report the chosen reports have is; any other is answered when its best
    sentence is at least ``threshold`` relevant."""
    reasons = _against(query, selection, evidence)
    if reasons:
        return Verdict(False, tuple(reasons), EVIDENCE)
    if evidence.structural:
        return Verdict(True, (), STRUCTURE)
    if evidence.relevance < threshold:
        return Verdict(False, ("No passage of the indexed reports is close enough to the question.",), THRESHOLD)
    return Verdict(True, (), THRESHOLD)


def _against(query: Query, selection: Selection, evidence: Evidence) -> list[str]:
    reasons = []
    if selection.missing and not selection.councils:
        reasons += [f"No report for {name} is indexed." for name in selection.missing]
    asks_ofsted = bool(re.search(r"\bofsted\b", query.text, re.I))
    for item in query.out_of_scope:
        if item.kind.startswith(OUTSIDE):  # "outside children's services, assessed by the Care Quality Commission"
            who = item.kind.removeprefix(OUTSIDE).strip(" ,")
            reasons.append(f"The indexed reports are Ofsted's on English councils' children's services; they do not "
                           f"report on {item.phrase}" + (f" ({who})." if who else "."))
        elif item.kind.startswith(GRADED_ALONE):  # "graded on its own", or "... by <the inspectorate that grades it>"
            if query.wants("grade"):
                grader = item.kind.removeprefix(GRADED_ALONE).removeprefix(" by ").strip() or "Ofsted"
                named = item.phrase if item.phrase.isupper() else item.phrase.lower()  # "YOT" stays an abbreviation
                reasons.append(f"{grader} grades {named} in inspections of their own; the indexed reports "
                               "on councils' children's services do not give those grades.")
        elif item.phrase not in evidence.mentioned:
            reasons.append(f"No indexed report mentions {item.phrase} ({item.kind}); these are Ofsted's reports on "
                           "English councils' children's services.")
        elif item.kind != "council outside England" and not asks_ofsted:  # mentioned, but not what is asked about
            reasons.append(f"The indexed reports mention {item.phrase} ({item.kind}), but they are Ofsted's reports on "
                           f"English councils' children's services; ask what Ofsted said about {item.phrase} to search "
                           "them for it.")
    if query.recency == "next":
        reasons.append("The indexed reports say what inspections and visits found; none says when the next one will be.")
    if evidence.unknown:
        reasons.append(f"No indexed report mentions {', '.join(evidence.unknown)}.")
    if evidence.unmentioned_by:
        words = [f"“{word}”" for word in evidence.unmentioned_by]
        listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
        reasons.append(f"No indexed report on {' or '.join(selection.councils)} uses the words {listed} "
                       "(other councils' reports do).")
    if evidence.unmentioned_subjects:
        listed = " or ".join(f"“{term}”" for term in evidence.unmentioned_subjects)
        reasons.append(f"No indexed report on {' or '.join(selection.councils)} mentions {listed}, nor any other name "
                       "the reports use for it (other councils' reports do).")
    if query.quantity and not evidence.number_stated:
        asked = "an amount of money" if query.money else "a number"
        reasons.append(f"The question asks for {asked}, and no passage found states one.")
    if evidence.none_match:
        reasons.append(evidence.none_match)
    if evidence.ungraded:
        reasons.append(f"{no_grade(evidence.ungraded)}.")
    if evidence.unreported_years:
        who, years = " or ".join(selection.councils), " or ".join(str(year) for year in evidence.unreported_years)
        reasons.append(f"The question asks about a report of {who} from {years}; the indexed reports of {who} are "
                       f"from other years, and no passage found speaks of {years}.")
    if evidence.unreported_since:
        who = " or ".join(selection.councils)
        reasons.append(f"The question asks about {who} {evidence.unreported_since}; the indexed reports of {who} are all "
                       "from before then.")
    return list(dict.fromkeys(reasons))


def no_grade(councils: Sequence[str]) -> str:
    """What the reader is told when no chosen report on ``councils`` gives a grade (without a full stop: the findings
    may be quoted instead)."""
    return f"No indexed report on {' or '.join(councils)} gives a grade (Ofsted's focused and monitoring visits give none)"
