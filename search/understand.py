"""Work out what a question asks for: its topic words, councils, years and kinds of report."""

from __future__ import annotations

import re

# Openings that say "tell me" without saying about what; they pull results towards any
# paragraph that mentions Ofsted or reports, so they are dropped before embedding.
_PREAMBLE = re.compile(
    r"^\s*(?:please\s+)?(?:(?:what|how)\s+(?:did|does|do|has|have|was|were|is)\s+(?:the\s+)?"
    r"(?:ofsted|inspectors?|the inspection|the reports?|reports?|inspection reports?)\s+"
    r"(?:say|said|find|found|think|report|reported|conclude|concluded|write|wrote)\s+(?:about|of|on|regarding)\s+"
    r"|tell me (?:about|what .{0,40}? (?:about|on))\s+|what is said about\s+|summari[sz]e\s+(?:the findings on\s+)?)",
    re.I,
)


def focus(question: str) -> str:
    """The question without a content-free opening such as "What did Ofsted say about"."""
    stripped = _PREAMBLE.sub("", question).strip(" ?.!")
    return stripped if len(stripped.split()) >= 1 else question.strip()
