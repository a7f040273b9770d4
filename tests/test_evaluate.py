"""The evaluation arithmetic on a small hand-made question file."""

import json
from types import SimpleNamespace

import pytest

from search.evaluate import is_hit, load_questions, normalise, score


def hit(rank, text, file="a.pdf"):
    return SimpleNamespace(rank=rank, chunk=SimpleNamespace(text=text), document=SimpleNamespace(file=file))


def test_matching_ignores_case_punctuation_quotes_and_dashes():
    assert normalise("Children’s  “Services” – good!") == normalise("childrens 'services' - GOOD")
    question = load_questions_from([{"q": "x", "gold": ["child-focused team"]}])[0]
    assert is_hit(question, "A Child focused  team.", "a.pdf")


def load_questions_from(entries, tmp=None):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "q.json"
    path.write_text(json.dumps(entries))
    return load_questions(path)


def test_scores_on_a_hand_made_file():
    questions = load_questions_from([
        {"q": "first", "gold": ["alpha"]},                 # hit at rank 1
        {"q": "second", "gold": ["beta"], "doc": "b.pdf"},  # beta at rank 2 in a.pdf (wrong doc), rank 4 in b.pdf
        {"q": "third", "gold": ["gamma"]},                 # never found
        {"q": "fourth", "gold": ["delta", "epsilon"]},      # epsilon at rank 3
        {"q": "unanswerable one", "unanswerable": True},
    ])
    results = {
        "first": [hit(1, "alpha here"), hit(2, "x")],
        "second": [hit(1, "x"), hit(2, "beta", "a.pdf"), hit(3, "y"), hit(4, "beta", "b.pdf")],
        "third": [hit(i, "nothing") for i in range(1, 11)],
        "fourth": [hit(1, "x"), hit(2, "y"), hit(3, "an Epsilon")],
        "unanswerable one": [],
    }
    result = score(questions, lambda q: results[q])
    assert result["n"] == 4
    assert result["recall@1"] == pytest.approx(1 / 4)
    assert result["recall@3"] == pytest.approx(2 / 4)
    assert result["recall@5"] == pytest.approx(3 / 4)
    assert result["mrr@10"] == pytest.approx((1 + 1 / 4 + 1 / 3) / 4)
    assert result["missed"] == ["third"]


def test_a_question_without_gold_or_unanswerable_is_rejected():
    with pytest.raises(ValueError, match="question 1"):
        load_questions_from([{"q": "no gold"}])


def test_shipped_question_file_is_large_and_valid():
    from conftest import ROOT

    questions = load_questions(ROOT / "tests" / "questions.json")
    assert len(questions) >= 60
    assert sum(q.unanswerable for q in questions) >= 8
