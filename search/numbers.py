"""Read whether a sentence states a number: a count, a share or an amount of money, not a year, a date, an age or
a letter's address."""

from __future__ import annotations

import re

from search.datafile import phrasing

# A number stated in a sentence: digits that are not a year, a day of a month or a paragraph number, a number word,
# a share or an amount of money ("eight inspectors", "291 children", "nineteen per cent", "£2m"); not an age.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
# An age is not a count ("16- and 17-year-olds"; "aged 18" and "the age of 21" are set aside first, by _AGES).
_AGED = r"(?:[\s-]*(?:(?:and|to|or|-|–)\s*\d+)?[\s-]*years?[\s-]*olds?\b)"
QUANTITY = re.compile(rf"(?<![\d./-])\b(?!(?:19|20)\d\d\b)\d[\d,]*(?:\.\d+)?\b"
                      rf"(?!\s*(?:(?:to|and|-|–)\s*\d+\s*)?{_MONTH}\b|\s*/|\.\d|{_AGED})|%|£|\bper ?cent\b|"
                      r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                      r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|"
                      r"thousands?|millions?|dozens?|half|halves|thirds?|quarters?)\b", re.I)
# Ages after "aged" or "the age(s) of", alone or as a range ("aged 18", "aged over 21", "aged 16 and 17", "between the
# ages of 16 and 25"), or an age reached ("when young people turn 19", "until they reach 25", "under-18s"), and a
# number naming a thing ("the No. 11 service", "section 47 enquiries"), set aside before QUANTITY looks for a count
# (an age reached is a child's or a care leaver's: 25 at most, so "the number reached 900" is a count).
_AGES = re.compile(r"\b(?:aged|ages? of)\s+(?:(?:over|under|between|from|up\s+to)\s+)?\d+(?:\s*(?:and|to|or|-|–)\s*\d+)?\b|"
                   r"\b(?:turns?|turned|turning|reach(?:es|ed|ing)?|until)\s+(?:(?:they\s+are|the\s+age\s+of)\s+)?"
                   r"(?:1?\d|2[0-5])\b(?![,.]?\d)|\bunder[\s-]\d+s\b|\bunder-\d+\b|\bno\.\s*\d+\b|"
                   # a number naming a thing: a section of the Children Act ("section 47 enquiries", "s20"), a key
                   # stage, a tier or a level of qualification
                   r"(?<!['’])\b(?:sections?|s\.?|key\s+stage|ks|tier|level)\s?\d+[a-z]?\b|"
                   # "children under 16", "young people over 18": an age after the people it is of ("caseloads are
                   # under 20" is a count)
                   r"\b(?:children|child|young\s+people|young\s+person|care\s+leavers|those|adults|people|anyone|girls|"
                   r"boys)\s+(?:aged\s+)?(?:under|over)\s+(?:1?\d|2[0-5])\b", re.I)
# A span of time or a school year is not a count either ("over the last six months", "within 10 working days", "18
# months", "by the end of Year 11"; "17-year-old" is an age, left to _AGED): set aside after the ages.
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty|forty|fifty)"
_SPANS = re.compile(rf"\b{_NUMBER}(?:\s*(?:and|to|or|-|–)\s*{_NUMBER})?[\s-]+(?:working[\s-]+|calendar[\s-]+)?"
                    r"(?:days?|weeks?|months?|years?|hours?|minutes?)\b(?![\s-]*olds?\b)|\byear\s+\d+\b", re.I)

# A line ending in a UK postcode: the address block of a letter.
ADDRESS = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\s*$")


def states_money(text: str) -> bool:
    """True when ``text`` states an amount of money ("£7.5 million"): search/data/phrasing.txt, "money"."""
    return bool(phrasing()["money"].search(text))


def states_asked(text: str, spans: bool = False, money: bool = False) -> bool:
    """True when ``text`` states the number a question asks for: an amount of money when it asks for one (``money``;
    "Portsmouth has two children's homes" states no spending), else any number (``states_quantity``, a span of time
    only when ``spans``)."""
    return states_money(text) if money else states_quantity(text, spans)


def states_quantity(text: str, spans: bool = False) -> bool:
    """True when ``text`` states a number (not a year, a date, an age, a number naming a thing, "section 47", or a
    letter's address: "City Hall 115 Charles Street Leicester LE1 1FQ" counts nothing); a span of time ("over the last
    six months") only when ``spans`` (a question asking how many days, weeks ...)."""
    text = _AGES.sub(" ", text)
    return not ADDRESS.search(text) and bool(QUANTITY.search(text if spans else _SPANS.sub(" ", text)))
