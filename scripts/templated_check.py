"""Templated check: one wording asked of many councils; how many are refused, and does the first quote hold the point?

Usage: python scripts/templated_check.py --index DIR [--every 2] [--on REGEX] WORDING [WORDING ...]

Each WORDING holds "{c}" for a council's name ("does {c} listen to children"); it is asked of every Nth council the
index holds reports on (alphabetical), on a prepared searcher. Prints, per wording: how many were told "not found",
how many of those by the term rules ("No indexed report on <council> uses the words ..." or "... mentions <term>, nor
any other name ..."), and, with --on, how many answered questions' first quote matches REGEX (case-insensitive; a rough
check of being on the point, to be read with a few examples, which it prints). This is how each round of issue 17
measures a fault it fixes (docs/quality.md): the wording is written after the fault was seen, so the count measures the
fix, not the product on unseen questions.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TERM_RULES = ("uses the words", "nor any other name")
SHOWN = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/templated_check.py", description=__doc__.splitlines()[0])
    parser.add_argument("wordings", nargs="+", metavar="WORDING", help='a question with "{c}" for the council')
    parser.add_argument("--index", type=Path, required=True, help="the index folder (python -m ingest ... --index)")
    parser.add_argument("--every", type=int, default=2, help="ask every Nth council (default 2)")
    parser.add_argument("--on", help="a pattern the first quote should match when answered (case-insensitive)")
    args = parser.parse_args(argv)
    if any("{c}" not in wording for wording in args.wordings):
        parser.error('each WORDING needs "{c}" where the council\'s name goes')
    if args.every < 1:
        parser.error("--every must be 1 or more")
    on = re.compile(args.on, re.I) if args.on else None

    from ingest.config import from_env
    from search.retrieve import open_searcher

    searcher = open_searcher(replace(from_env(), index=args.index))
    searcher.prepare().join()
    councils = sorted({doc.description.authority for doc in searcher.index.documents() if doc.description.authority})
    councils = councils[::args.every]
    print(f"{len(councils)} councils (1 in {args.every} of those indexed)")
    for wording in args.wordings:
        refused = by_rule = answered = held = 0
        examples: list[str] = []
        for council in councils:
            question = wording.format(c=council)
            result = searcher.ask(question)
            if result.answer.no_answer:
                refused += 1
                by_rule += any(rule in note for note in result.notes for rule in TERM_RULES)
                continue
            answered += 1
            first = result.answer.quotes[0].text if result.answer.quotes else ""
            if on is not None and on.search(first):
                held += 1
            elif on is not None and len(examples) < SHOWN:
                examples.append(f"    {question} -> {first[:110]!r}")
        line = f"not found {refused}/{len(councils)} (term rule {by_rule})"
        if on is not None:
            line += f", first quote on the point {held}/{answered} answered"
        print(f"{line}  {wording}")
        for example in examples:
            print(example)
    return 0


if __name__ == "__main__":
    sys.exit(main())
