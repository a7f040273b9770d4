"""Readers' verdicts on answers: kept beside the index with what was shown, and exported as evaluation cases.

Usage: python -m search.feedback export [--index DIR] [-o FILE]   (or ``list``)

Feedback never changes the ranking: exported cases become evaluation questions once someone has written their gold
phrases (``python -m search.evaluate``)."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.config import HELP, from_env
from search.retrieve import Result

FILE = "feedback.sqlite"  # in the index folder, beside the versions: it outlives every rebuild
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


def record(root: Path, verdict: Verdict) -> None:
    """Append ``verdict`` to the index folder's feedback file (one transaction; safe from many threads and
    processes, each with its own connection)."""
    with _open(root) as db:
        db.execute("INSERT INTO feedback (at, body) VALUES (?, ?)",
                   (time.strftime("%Y-%m-%dT%H:%M:%S"), json.dumps(asdict(verdict))))


def recorded(root: Path) -> list[Verdict]:
    """Every verdict kept for the index in ``root``, oldest first."""
    if not (root / FILE).exists():
        return []
    with _open(root) as db:
        rows = db.execute("SELECT at, body FROM feedback ORDER BY id").fetchall()
    verdicts = []
    for at, body in rows:
        data = json.loads(body)
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


@contextmanager
def _open(root: Path) -> Iterator[sqlite3.Connection]:
    """A connection of its own to the feedback file (each statement its own transaction), closed afterwards."""
    root.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(root / FILE, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, at TEXT NOT NULL, body TEXT NOT NULL)")
        yield db
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    """``export`` writes the verdicts as a question file; ``list`` prints them one a line."""
    settings = from_env()
    command = argparse.ArgumentParser(prog="python -m search.feedback", description=__doc__.splitlines()[0])
    command.add_argument("action", choices=("export", "list"))
    command.add_argument("--index", type=Path, default=settings.index, help=f"{HELP['index']} (default: {settings.index}/)")
    command.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    args = command.parse_args(argv)
    verdicts = recorded(args.index)
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
