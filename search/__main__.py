"""Command line: python -m search "QUESTION" — print the cited passages that answer it."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from ingest.config import HELP, from_env
from ingest.errors import OfstedError
from ingest.metadata import KINDS
from search.render import as_json, as_text
from search.retrieve import MODES, Searcher, open_searcher
from search.select import Where


def parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    settings = from_env()
    command = argparse.ArgumentParser(
        prog="python -m search",
        description="Answer a question with passages quoted from the indexed reports, each cited. "
        "With no QUESTION, read one question per line from standard input.",
    )
    command.add_argument("question", nargs="?", help="the question (omit to read questions from standard input)")
    command.add_argument("--index", type=Path, default=settings.index, help=f"{HELP['index']} (default: {settings.index}/)")
    command.add_argument("--database", dest="database_url", metavar="URL", default=settings.database_url,
                         help=HELP["database_url"])
    command.add_argument("--model", default=settings.model, help=HELP["model"])
    command.add_argument("-k", type=int, default=5, help="how many passages to show (default: 5)")
    command.add_argument("--json", action="store_true", help="print one JSON object per question")
    command.add_argument("--all", action="store_true",
                         help="ignore the councils, years and report kinds recognised in the question; search everything")
    command.add_argument("--authority", help="only reports about this council, e.g. Rutland")
    command.add_argument("--from", dest="date_from", metavar="DATE", help="only reports dated on or after DATE (YYYY or YYYY-MM-DD)")
    command.add_argument("--to", dest="date_to", metavar="DATE", help="only reports dated on or before DATE (YYYY or YYYY-MM-DD)")
    command.add_argument("--kind", choices=sorted(KINDS), help="only reports of this kind")
    command.add_argument("--mode", choices=MODES, default="hybrid",
                         help="ranking: hybrid (default), dense (embeddings only) or lexical (full text only)")
    return command


def answer(searcher: Searcher, question: str, args: argparse.Namespace) -> str:
    """The printed result for one question."""
    where = Where(args.authority, args.date_from, args.date_to, args.kind)
    result = searcher.ask(question, args.k, filters=not args.all, mode=args.mode, where=where)
    if args.json:
        return json.dumps(as_json(result), ensure_ascii=False)
    return as_text(result)


def questions(args: argparse.Namespace, problems: list[str]):
    """The question given, or each non-blank line of standard input; a line that is not UTF-8 text is skipped with a
    line in ``problems``, and the rest are still answered."""
    if args.question is not None:
        yield args.question
        return
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            problems.append(f"error: line {number} of standard input is not UTF-8 text; skipped (save the questions "
                            "as UTF-8)")
            print(problems[-1], file=sys.stderr, flush=True)
            continue
        if line:
            yield line


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    args = parser().parse_args(argv)
    if args.k < 1:
        print("error: -k must be at least 1", file=sys.stderr)
        return 2
    problems: list[str] = []
    try:
        searcher = open_searcher(replace(from_env(), index=args.index, model=args.model, database_url=args.database_url))
        for number, question in enumerate(questions(args, problems)):
            if number and not args.json:
                print("\n" + "=" * 72 + "\n")
            print(answer(searcher, question, args), flush=True)
    except OfstedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
