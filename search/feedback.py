"""Readers' verdicts on answers: kept beside the index with what was shown, and exported as evaluation cases.

Usage: python -m search.feedback export [--index DIR | --database URL] [-o FILE]   (or ``list``)

Feedback never changes the ranking: exported cases become evaluation questions once someone has written their gold
phrases (``python -m search.evaluate``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ingest.config import HELP, from_env
from ingest.stores import Store, open_store
from search.retrieve import Result

LOG = "feedback"  # kept with the index (beside the versions in a folder, a table in a database): outlives rebuilds
VERDICTS = ("answers the question", "does not answer the question", "wrong citation")


@dataclass(frozen=True)
class Shown:
    """One passage the reader was shown: its report, paragraph, offset and first words."""

    file: str
    paragraph: str | None
    start: int
    text: str


@dataclass(frozen=True)
class Verdict:
    """One reader's verdict on one answer."""

    question: str  # as typed
    asked: str  # as asked (a follow-up completed)
    verdict: str  # one of VERDICTS
    comment: str
    index_version: str
    quotes: tuple[str, ...]
    shown: tuple[Shown, ...]
    at: str = ""


def verdict_on(result: Result, typed: str, verdict: str, comment: str, index_version: str) -> Verdict:
    """A verdict on ``result``, with the quotes and passages it showed."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
    shown = tuple(Shown(hit.document.file, hit.chunk.paragraph, hit.chunk.start, hit.chunk.text[:200])
                  for hit in result.hits)
    return Verdict(typed, result.question, verdict, comment.strip(), index_version,
                   tuple(quote.text for quote in result.answer.quotes), shown)


def record(store: Store, verdict: Verdict) -> None:
    """Keep ``verdict`` with the index (safe from many threads, processes and servers)."""
    body = asdict(verdict)
    del body["at"]  # the store stamps the time
    store.append(LOG, body)


def recorded(store: Store) -> list[Verdict]:
    """Every verdict kept with the index, oldest first."""
    verdicts = []
    for at, data in store.entries(LOG):
        data["shown"] = tuple(Shown(**item) for item in data["shown"])
        data["quotes"] = tuple(data["quotes"])
        verdicts.append(Verdict(**{**data, "at": at}))
    return verdicts


def as_cases(verdicts: Sequence[Verdict]) -> list[dict]:
    """The verdicts as entries of a question file: the question asked, no gold yet (someone who reads the reports
    writes it), the reports shown as ``doc``, and what the reader said."""
    return [{"q": verdict.asked, "gold": [], "doc": list(dict.fromkeys(item.file for item in verdict.shown)),
             "type": "feedback", "feedback": verdict.verdict, "comment": verdict.comment, "typed": verdict.question,
             "quotes": list(verdict.quotes), "index_version": verdict.index_version, "at": verdict.at}
            for verdict in verdicts]


def main(argv: list[str] | None = None) -> int:
    """``export`` writes the verdicts as a question file; ``list`` prints them one a line."""
    settings = from_env()
    command = argparse.ArgumentParser(prog="python -m search.feedback", description=__doc__.splitlines()[0])
    command.add_argument("action", choices=("export", "list"))
    command.add_argument("--index", type=Path, default=settings.index, help=f"{HELP['index']} (default: {settings.index}/)")
    command.add_argument("--database", dest="database_url", metavar="URL", default=settings.database_url,
                         help=HELP["database_url"])
    command.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    args = command.parse_args(argv)
    verdicts = recorded(open_store(replace(settings, index=args.index, database_url=args.database_url)))
    if args.action == "list":
        for verdict in verdicts:
            print(f"{verdict.at}  {verdict.verdict}: {verdict.asked}" + (f" — {verdict.comment}" if verdict.comment else ""))
        return 0
    text = json.dumps(as_cases(verdicts), indent=1, ensure_ascii=False)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"{len(verdicts)} verdicts written to {args.output}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
