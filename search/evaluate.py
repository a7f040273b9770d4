"""Measure retrieval on a question file: Recall@1/3/5, MRR@10 and the questions missed."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.config import HELP, from_env
from ingest.errors import IngestError
from search.retrieve import Hit, open_searcher

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
DEPTH = 10


@dataclass(frozen=True)
class Question:
    """One question with the phrases a correct passage contains, and optionally its document."""

    q: str
    gold: tuple[str, ...]
    docs: tuple[str, ...] = ()
    unanswerable: bool = False


def normalise(text: str) -> str:
    """Lower-case letters and digits only, so quotes, dashes and spacing never decide a match."""
    return _NOT_ALNUM.sub("", text.lower())


def load_questions(path: Path) -> list[Question]:
    """The questions in a JSON file; raises ValueError naming the bad entry."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of questions")
    return [_question(entry, number, path) for number, entry in enumerate(data, start=1)]


def _question(entry: dict, number: int, path: Path) -> Question:
    if not isinstance(entry, dict) or not isinstance(entry.get("q"), str):
        raise ValueError(f"{path}: question {number} needs a \"q\" string")
    docs = entry.get("doc") or ()
    docs = (docs,) if isinstance(docs, str) else tuple(docs)
    unanswerable = bool(entry.get("unanswerable", False))
    gold = tuple(entry.get("gold") or ())
    if not gold and not unanswerable:
        raise ValueError(f"{path}: question {number} ({entry['q']!r}) needs \"gold\" phrases or \"unanswerable\": true")
    return Question(entry["q"], gold, docs, unanswerable)


def is_hit(question: Question, text: str, file: str) -> bool:
    """True when a passage holds a gold phrase and comes from the expected document, if one is named."""
    if question.docs and Path(file).name not in question.docs:
        return False
    passage = normalise(text)
    return any(normalise(phrase) in passage for phrase in question.gold)


def first_hit(question: Question, hits: Sequence[Hit]) -> int | None:
    """The rank of the first correct passage, if any."""
    return next((hit.rank for hit in hits if is_hit(question, hit.chunk.text, hit.document.file)), None)


def score(questions: Sequence[Question], search: Callable[[str], Sequence[Hit]]) -> dict:
    """Recall@1/3/5, MRR@10 and the misses over the answerable questions."""
    answerable = [question for question in questions if not question.unanswerable]
    ranks = [first_hit(question, search(question.q)) for question in answerable]
    n = len(answerable)
    recall = lambda k: sum(1 for rank in ranks if rank and rank <= k) / n if n else 0.0  # noqa: E731
    mrr = sum(1 / rank for rank in ranks if rank and rank <= DEPTH) / n if n else 0.0
    missed = [question.q for question, rank in zip(answerable, ranks) if not rank or rank > 5]
    return {"recall@1": recall(1), "recall@3": recall(3), "recall@5": recall(5), "mrr@10": mrr, "n": n, "missed": missed}


def as_text(result: dict) -> str:
    """The scores as a short report."""
    lines = [f"{result['n']} answerable questions"]
    lines += [f"{name:>10}: {result[name]:.3f}" for name in ("recall@1", "recall@3", "recall@5", "mrr@10")]
    lines += ["missed (no hit in the top 5):"] + [f"  - {q}" for q in result["missed"]] if result["missed"] else []
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    settings = from_env()
    command = argparse.ArgumentParser(prog="python -m search.evaluate", description="Measure retrieval quality on a question file.")
    command.add_argument("questions", type=Path, help='JSON list of {"q", "gold": [...], "doc"?, "unanswerable"?}')
    command.add_argument("--index", type=Path, default=settings.index, help=f"{HELP['index']} (default: {settings.index}/)")
    command.add_argument("--model", default=settings.model, help=HELP["model"])
    command.add_argument("-k", type=int, default=DEPTH, help=f"passages retrieved per question (default: {DEPTH})")
    command.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    return command


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    args = parser().parse_args(argv)
    try:
        questions = load_questions(args.questions)
        searcher = open_searcher(replace(from_env(), index=args.index, model=args.model))
    except (OSError, ValueError, IngestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = score(questions, lambda q: searcher.search(q, max(args.k, DEPTH)))
    print(json.dumps(result, indent=1) if args.json else as_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
