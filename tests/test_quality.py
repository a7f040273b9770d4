"""Issue 17's bar, held by a test: over the shared reports with the real model, the "not found" threshold fitted on
tests/questions.json, the questions written by reading the reports and their blind paraphrases are answered at least
as well as the issue asks. A change that loses answers fails here, not only in docs/quality.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.evaluate import calibrate, load_questions, score

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "questions" / "dev.json"
FIT = ROOT / "tests" / "questions.json"
PARAPHRASES = ROOT / "tests" / "paraphrases.json"

# Issue 17's targets ("Done when"), the same for both files.
RECALL_AT_5 = 0.95
MRR = 0.80
ANSWER = 0.80
FIRST_SENTENCE = 0.65
EVERY_TYPE = 0.70
UNANSWERABLE_FLAGGED = 11 / 12
WRONGLY_FLAGGED = 0.02


@pytest.fixture(scope="module")
def fitted(shared_searcher):
    """The shared reports' searcher with its "not found" threshold fitted on tests/questions.json."""
    fit = load_questions(FIT)
    before = shared_searcher.no_answer_below
    threshold, _, _ = calibrate(fit, score(fit, lambda question: shared_searcher.ask(question, 10))["confidence"])
    shared_searcher.no_answer_below = threshold
    yield shared_searcher
    shared_searcher.no_answer_below = before


@pytest.mark.parametrize("path", [DEV, PARAPHRASES], ids=["dev.json", "paraphrases.json"])
def test_the_evaluation_questions_are_answered_as_well_as_issue_17_asks(fitted, path):
    if not path.is_file():
        pytest.skip(f"{path} is not beside this checkout")
    scores = score(load_questions(path), lambda question: fitted.ask(question, 10))
    assert scores["recall@5"] >= RECALL_AT_5 and scores["mrr@10"] >= MRR, scores["missed"]
    assert scores["answer_gold"] >= ANSWER and scores["first_sentence_gold"] >= FIRST_SENTENCE
    weak = {kind: row["answer_gold"] for kind, row in scores["by_type"].items()
            if row["n"] and row["answer_gold"] < EVERY_TYPE}
    assert not weak, weak
    assert scores["no_answer_accuracy"] >= UNANSWERABLE_FLAGGED, scores["unflagged_unanswerable"]
    assert scores["wrongly_flagged"] <= WRONGLY_FLAGGED, scores["wrongly_flagged_questions"]
