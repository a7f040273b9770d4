"""Measure retrieval and answers on a question file: recall, MRR, no-answer accuracy, answer quality."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from ingest.config import HELP, from_env
from ingest.errors import OfstedError
from search.decide import THRESHOLD
from search.retrieve import MODES, Hit, Result, Searcher, open_searcher

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
DEPTH = 10


@dataclass(frozen=True)
class Question:
    """One question with the phrases a correct passage contains, and optionally its document."""

    q: str
    gold: tuple[str, ...]
    docs: tuple[str, ...] = ()
    unanswerable: bool = False
    type: str | None = None
    style: str | None = None  # how a reworded question is written ("plain", "terse"), when the file says


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
    kind, style = entry.get("type"), entry.get("style")
    return Question(entry["q"], gold, docs, unanswerable, kind if isinstance(kind, str) else None,
                    style if isinstance(style, str) else None)


def is_hit(question: Question, text: str, file: str) -> bool:
    """True when a passage holds a gold phrase and comes from the expected document, if one is named."""
    if question.docs and Path(file).name not in question.docs:
        return False
    passage = normalise(text)
    return any(normalise(phrase) in passage for phrase in question.gold)


def first_hit(question: Question, hits: Sequence[Hit]) -> int | None:
    """The rank of the first correct passage, if any."""
    return next((hit.rank for hit in hits if is_hit(question, hit.chunk.text, hit.document.file)), None)


def quote_hits(question: Question, result: Result) -> list[bool]:
    """For each sentence of the quoted answer, whether it holds a gold phrase (and its passage is from the right
    document); empty when the answer says the reports do not answer, since the reader is then given nothing."""
    if result.answer.no_answer:
        return []
    files = {hit.rank: hit.document.file for hit in result.hits}
    return [any(is_hit(question, quote.text, files.get(rank, "")) for rank in quote.passages) for quote in result.answer.quotes]


def first_quote_hit(question: Question, result: Result) -> bool:
    """True when the answer's first sentence holds a gold phrase (and its passage the right document)."""
    return any(quote_hits(question, result)[:1])


def answer_hit(question: Question, result: Result) -> bool:
    """True when any sentence of the quoted answer holds a gold phrase: what a reader who reads the answer gets."""
    return any(quote_hits(question, result))


def first_grade_row_right(question: Question, result: Result) -> bool:
    """True when the grade table's first row is from the expected document and its grade is the one the first gold
    phrase states ("requires improvement" also as "require improvement")."""
    if not result.grades or not question.gold:
        return False
    row = result.grades[0]
    if question.docs and row.document not in question.docs:
        return False
    return normalise(row.grade.replace("requires ", "")) in normalise(question.gold[0])


def score(questions: Sequence[Question], ask: Callable[[str], Result | Sequence[Hit]]) -> dict:
    """Recall@1/3/5, MRR@10, misses and, when answers are given, no-answer and first-sentence measures; with
    ``by_type`` the same for each question type when the file gives types."""
    results = {question.q: ask(question.q) for question in questions}
    scores = _aggregate(questions, results)
    types = sorted({question.type for question in questions if question.type})
    if types:
        scores["by_type"] = {kind: _aggregate([q for q in questions if q.type == kind], results) for kind in types}
    styles = sorted({question.style for question in questions if question.style})
    if styles:
        scores["by_style"] = {style: _aggregate([q for q in questions if q.style == style], results) for style in styles}
    return scores


def _aggregate(questions: Sequence[Question], results: dict) -> dict:
    answerable = [question for question in questions if not question.unanswerable]
    hits = {q: (result.hits if isinstance(result, Result) else result) for q, result in results.items()}
    ranks = [first_hit(question, hits[question.q]) for question in answerable]
    n = len(answerable)
    recall = lambda k: sum(1 for rank in ranks if rank and rank <= k) / n if n else 0.0  # noqa: E731
    scores = {
        "recall@1": recall(1), "recall@3": recall(3), "recall@5": recall(5),
        "mrr@10": sum(1 / rank for rank in ranks if rank and rank <= DEPTH) / n if n else 0.0,
        "n": n,
        "missed": [question.q for question, rank in zip(answerable, ranks) if not rank or rank > 5],
    }
    if all(isinstance(results[question.q], Result) for question in questions):
        scores.update(_answer_scores(questions, answerable, results))
    return scores


def _answer_scores(questions: Sequence[Question], answerable: Sequence[Question], results: dict) -> dict:
    unanswerable = [question for question in questions if question.unanswerable]
    flagged = lambda question: results[question.q].answer.no_answer  # noqa: E731
    share = lambda items, test: sum(1 for item in items if test(item)) / len(items) if items else 0.0  # noqa: E731
    graded = [question for question in answerable if question.type == "grade"]
    return {
        "grade_first_row": share(graded, lambda question: first_grade_row_right(question, results[question.q])),
        "n_grade": len(graded),
        "no_answer_accuracy": share(unanswerable, flagged),
        "wrongly_flagged": share(answerable, flagged),
        "answer_gold": share(answerable, lambda question: answer_hit(question, results[question.q])),
        "first_sentence_gold": share(answerable, lambda question: first_quote_hit(question, results[question.q])),
        "n_unanswerable": len(unanswerable),
        "wrongly_flagged_questions": [question.q for question in answerable if flagged(question)],
        "unflagged_unanswerable": [question.q for question in unanswerable if not flagged(question)],
        # the threshold is fitted on the questions it decides (not those the evidence rules or a report's parts decide)
        "confidence": {question.q: results[question.q].answer.confidence for question in questions
                       if results[question.q].verdict.by == THRESHOLD},
    }


def calibrate(questions: Sequence[Question], confidence: dict[str, float], max_wrong: float = 0.02) -> tuple[float, float, float]:
    """The no-answer threshold that flags the most unanswerable questions while flagging at most
    ``max_wrong`` of the answerable ones: (threshold, share flagged, share wrongly flagged)."""
    answerable = sorted(confidence[q.q] for q in questions if not q.unanswerable and q.q in confidence)
    unanswerable = [confidence[q.q] for q in questions if q.unanswerable and q.q in confidence]
    best = (0.0, 0.0, 0.0)
    for threshold in sorted({round(value + 1e-4, 4) for value in answerable + unanswerable}):
        wrong = sum(value < threshold for value in answerable) / max(len(answerable), 1)
        caught = sum(value < threshold for value in unanswerable) / max(len(unanswerable), 1)
        if wrong <= max_wrong and caught >= best[1]:
            best = (threshold, caught, wrong)
    return best


METRICS = ("answer_gold", "first_sentence_gold", "recall@1", "recall@3", "recall@5", "mrr@10", "no_answer_accuracy",
           "wrongly_flagged", "grade_first_row")


def as_text(result: dict) -> str:
    """The scores as a short report."""
    lines = [f"{result['n']} answerable questions, {result.get('n_unanswerable', 0)} unanswerable"]
    lines += [f"{name:>20}: {result[name]:.3f}" for name in METRICS
              if name in result and (name != "grade_first_row" or result.get("n_grade"))]
    if result.get("by_type"):
        lines += ["", type_table(result), ""]
    if result.get("by_style"):
        lines += [type_table(result, "by_style", "style"), ""]
    for title, key in (("missed (no hit in the top 5)", "missed"), ("answerable but flagged as not found", "wrongly_flagged_questions"),
                       ("unanswerable but answered", "unflagged_unanswerable")):
        if result.get(key):
            lines += [f"{title}:"] + [f"  - {q}" for q in result[key]]
    return "\n".join(lines)


def type_table(result: dict, key: str = "by_type", title: str = "type") -> str:
    """A Markdown table, one row per question type (or per ``key`` group): the quoted answer holding a gold phrase
    (any sentence, the first), recall, MRR and "not found"."""
    lines = [f"| {title} | answerable | answer holds gold | first sentence | recall@5 | mrr@10 | wrongly not found | "
             "unanswerable flagged |", "|---|---|---|---|---|---|---|---|"]
    for kind, row in result.get(key, {}).items():
        answerable, unanswerable = row["n"], row.get("n_unanswerable", 0)
        caught = f"{round(row.get('no_answer_accuracy', 0) * unanswerable)}/{unanswerable}"
        wrong = f"{round(row.get('wrongly_flagged', 0) * answerable)}/{answerable}"
        figures = " | ".join(f"{row[name]:.3f}" if answerable else "" for name in
                             ("answer_gold", "first_sentence_gold", "recall@5", "mrr@10"))
        lines.append(f"| {kind} | {answerable} | {figures} | {wrong} | {caught} |")
    return "\n".join(lines)


def comparison_table(rows: dict[str, dict]) -> str:
    """A Markdown table of the metrics for each ranking mode."""
    header = "| mode | " + " | ".join(METRICS) + " |"
    rule = "|---" * (len(METRICS) + 1) + "|"
    body = [f"| {mode} | " + " | ".join(f"{row[name]:.3f}" for name in METRICS) + " |" for mode, row in rows.items()]
    return "\n".join([header, rule, *body])


def parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    settings = from_env()
    command = argparse.ArgumentParser(prog="python -m search.evaluate", description="Measure retrieval quality on a question file.")
    command.add_argument("questions", type=Path, help='JSON list of {"q", "gold": [...], "doc"?, "unanswerable"?}')
    command.add_argument("--index", type=Path, default=settings.index, help=f"{HELP['index']} (default: {settings.index}/)")
    command.add_argument("--database", dest="database_url", metavar="URL", default=settings.database_url,
                         help=HELP["database_url"])
    command.add_argument("--model", default=settings.model, help=HELP["model"])
    command.add_argument("-k", type=int, default=DEPTH, help=f"passages retrieved per question (default: {DEPTH})")
    command.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    command.add_argument("--compare", action="store_true", help="dense-only, lexical-only and hybrid side by side")
    command.add_argument("--calibrate", action="store_true", help="print the no-answer threshold this question file supports")
    command.add_argument("--fit", type=Path, metavar="OTHER",
                         help="fit the not-found decision on question file OTHER, then report QUESTIONS with it "
                              "(never fit and report on the same questions)")
    return command


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    args = parser().parse_args(argv)
    try:
        questions = load_questions(args.questions)
        searcher = open_searcher(replace(from_env(), index=args.index, model=args.model, database_url=args.database_url))
    except (OSError, ValueError, OfstedError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    depth = max(args.k, DEPTH)
    if args.fit:
        try:
            other = load_questions(args.fit)
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        threshold, caught, wrong = calibrate(other, score(other, lambda q: searcher.ask(q, depth))["confidence"])
        searcher.no_answer_below = threshold
        print(f"not-found threshold {threshold:.4f} fitted on {args.fit} (there: {caught:.0%} of unanswerable flagged, "
              f"{wrong:.0%} of answerable)", file=sys.stderr)
    if args.compare:
        rows = {mode: score(questions, partial(_ask_in_mode, searcher, depth, mode)) for mode in MODES}
        print(json.dumps({mode: _public(row) for mode, row in rows.items()}, indent=1) if args.json else comparison_table(rows))
        return 0
    result = score(questions, lambda q: searcher.ask(q, depth))
    if args.calibrate:
        threshold, caught, wrong = calibrate(questions, result["confidence"])
        print(f"no-answer threshold {threshold:.4f}: flags {caught:.0%} of unanswerable, {wrong:.0%} of answerable questions")
        return 0
    print(json.dumps(_public(result), indent=1) if args.json else as_text(result))
    return 0


def _ask_in_mode(searcher: Searcher, depth: int, mode: str, question: str) -> Result:
    return searcher.ask(question, depth, mode=mode)


def _public(result: dict) -> dict:
    public = {key: value for key, value in result.items() if key not in ("confidence", "by_type", "by_style")}
    for group in ("by_type", "by_style"):
        if group in result:
            public[group] = {kind: _public(row) for kind, row in result[group].items()}
    return public


if __name__ == "__main__":
    sys.exit(main())
