"""What part of an Ofsted report a passage is in (summary, judgement, improvement list, about, findings by area),
read from its section heading as every framework writes them (SIF, ILACS, focused visits, the 2026 framework)."""

from __future__ import annotations

import re

from ingest.grades import states_grade

SUMMARY = "summary"  # headline findings: what the report concludes, and why
JUDGEMENT = "judgement"  # a grade stated on its own: a judgement table row, "The overall judgement is ..."
IMPROVE = "improve"  # the report's own list of what must improve
ABOUT = "about"  # about the inspection or the area: dates, inspectors, context figures
AREA = "area"  # the findings, area by area
PARTS = (SUMMARY, JUDGEMENT, IMPROVE, ABOUT, AREA)

# ILACS: "What needs to improve?"; focused visits: "Areas for improvement", "Priority and immediate action"; SIF and
# council papers: "Recommendations".
IMPROVE_SECTION = re.compile(r"what needs to improve|needs? to improve|areas? (?:for|of) (?:priority )?(?:improvement|action|"
                             r"development)|priority (?:and immediate )?actions?|recommendations?", re.I)
# ILACS reports open with their headline findings under the report's own title ("Inspection of X local authority
# children's services"), focused-visit letters under "Headline findings" (from 2020) or "Overview" (2018-2019); SIF
# reports have a "Summary" and "This local authority is good because:"; council papers an "Executive summary".
SUMMARY_SECTION = re.compile(r"headline findings|summary|key findings|overall effectiveness|\bbecause:?\s*$|^overview$|"
                             r"^inspection of .{0,80}children", re.I)
# A visit letter's paragraphs under its own title say what the visit looked at, when and by whom ("This letter
# summarises the findings of the focused visit to ... on 20 and 21 October 2021", "Inspectors looked at ...").
ABOUT_SECTION = re.compile(r"information about|about this (?:inspection|visit|local authority)|the inspection team|"
                           r"^(?:contents|context)\b|in this area$|^(?:focused|monitoring) visit to\b", re.I)
# "Inspection dates: ..." (a re-inspection's "Inspection date: 11 June 2018 to 5 July 2018"), "Report published: ..."
# and "Lead inspector: ..." lines open a report; what follows them, up to the next heading, is its headline findings
# (read as a heading, such a line would otherwise label them).
ABOUT_LINE = re.compile(r"^(?:inspection dates?|report published|lead inspector|dates? of (?:the )?(?:inspection|visit))\b",
                        re.I)
# A visit letter's sign-off, after its last findings and under their heading: "Ofsted will take the findings from
# this focused visit into account when planning your next inspection or visit.", "I am copying this letter to the
# Department for Education.", "Yours sincerely" (every focused and monitoring visit letter since 2018 ends so).
SIGN_OFF = re.compile(r"^(?:ofsted will take the findings|i am copying this letter|yours sincerely)\b", re.I)
# A grade stated on its own is short (a heading or a table row); a longer passage that mentions one is findings.
JUDGEMENT_CHARS = 300


def part_of(section: str | None, text: str) -> str:
    """The part of the report a passage with this ``text`` under this ``section`` heading is in (one of PARTS)."""
    if ("|" in text or len(text) < JUDGEMENT_CHARS) and states_grade(text):
        return JUDGEMENT
    heading = (section or "").strip()
    if ABOUT_LINE.search(text.strip()) or SIGN_OFF.search(text.strip()) or ABOUT_SECTION.search(heading) or not heading:
        return ABOUT  # a letter's date, address and greeting come before any heading, its sign-off after the last
    if IMPROVE_SECTION.search(heading):
        return IMPROVE
    if SUMMARY_SECTION.search(heading) or ABOUT_LINE.search(heading):
        return SUMMARY
    return AREA
