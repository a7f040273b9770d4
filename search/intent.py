"""Tell what a question asks for (a grade, reasons, the improvement list, change, a summary, facts, several
councils, a topic; criticism or praise) from labelled example questions: a classifier over the question's vector
and its words, settled where the question's own structure is plain."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

import numpy as np

from ingest import authorities
from ingest.embed import Embedder, cached_vectors, write_whole
from search.datafile import pairs
from search.lexical import forms
from search.parse import (
    ASKS,
    TONES,
    Query,
    asks_grade_in_words,
    asks_only_the_record,
    asks_which_looked_at,
    asks_which_reports,
    named_grade,
    names_latest_and_previous,
    names_priority_action,
    names_the_inspection,
    with_asks,
)

DATA = Path(__file__).with_name("data") / "asks.txt"
# A reading is taken when the classifier gives it at least this probability (each label is decided on its own, so
# several may hold); with none, the question is read as a plain topic search. Chosen, with STRENGTH, by fitting on
# one writer's examples and testing on the other's, both ways (`python -m search.intent --validate`): mean F1 over
# the labels 0.894 at 0.4, 0.892 at 0.5, 0.885 at 0.3.
SURE = 0.4
# When no reading is that sure, the likeliest is taken if it has at least this probability, else the question is read
# as a plain topic search (exact readings across the two writers: 0.788 without, 0.795 at 0.15, 0.791 at 0.25).
LIKELIEST = 0.15
# Below this probability a reading all but rules a label out, whatever a question's words suggest ("Which councils were
# good at life story work?" reads as a grade at 0.01; "Which councils were told their care leavers service was good?"
# at 0.15, and asks for grades).
RULED_OUT = 0.05
# Inverse regularisation strength of each label's logistic regression (4, 16 and 64 tried; 64 best both ways).
STRENGTH = 64.0
# The logit of a label the examples always (or never) give.
CERTAIN = 30.0
# A word the classifier weighs at least this much towards asking about change ("since", "sorted", "resolved"), across
# councils ("compare") or for the improvement list ("needs", "recommendations") says how a question asks, not what
# about (search/answer.py). Chosen on the development files for change: 3, 5 and 7 gave the same (one first sentence
# gained, none lost); at 3 a topic word ("supervision") is among them.
CUE = 5.0
# How a question's words are weighted: words and word pairs seen in two examples or more, tf-idf with log counts.
WORDS: dict = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True}
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WORD = re.compile(r"[a-z]+")


LABELS = ASKS + TONES
# A line labelled only with this (or only critical or praised) teaches the tone, not what else is asked.
NEITHER = "neither"


@dataclass(frozen=True)
class Example:
    """One labelled question: its text and what it asks for (one or more of ASKS)."""

    text: str
    asks: frozenset[str]  # of LABELS


def load(path: Path = DATA) -> list[Example]:
    """The examples file: "labels | question" lines (labels separated by spaces), "#" comments."""
    examples = []
    for number, labels, text in pairs(path):
        asks = frozenset(labels.split())
        if not text or not asks or not asks <= {*LABELS, NEITHER}:
            raise ValueError(f"{path}, line {number}: expected 'labels | question' with labels from "
                             f"{', '.join((*LABELS, NEITHER))}")
        examples.append(Example(text, asks))
    return examples


def asking(words: Sequence[str], cues: frozenset[str]) -> frozenset[str]:
    """The ``words`` that are ``cues`` or another form of one ("need" of "needs", "improvement" of "improve")."""
    return frozenset(word for word in words if word in cues or any(forms(word, cue) for cue in cues))


def asks_from(scores: dict[str, float]) -> frozenset[str]:
    """What a question asks, from each label's probability: every reading at least SURE, else the likeliest if it is
    at least LIKELIEST, else a plain topic search."""
    sure = frozenset(ask for ask in ASKS if scores[ask] >= SURE)
    likeliest = max(ASKS, key=lambda ask: scores[ask])
    return sure or frozenset({likeliest if scores[likeliest] >= LIKELIEST else "topic"})


def tone_from(scores: dict[str, float]) -> int:
    """-1 when a question asks for criticism, +1 for praise, 0 for neither; when both read as likely, the one at least
    twice as likely as the other, in odds (a question asking for strengths and weaknesses reads both alike; odds, not
    probabilities, because a probability near 1 cannot be twice another above 0.5)."""
    critical, praised = scores["critical"], scores["praised"]
    odds = lambda p: min(max(p, 1e-9), 1 - 1e-9) / (1 - min(max(p, 1e-9), 1 - 1e-9))  # noqa: E731
    if max(critical, praised) < SURE or (min(critical, praised) >= SURE / 2
                                         and max(odds(critical), odds(praised)) < 2 * min(odds(critical), odds(praised))):
        return 0
    return 1 if praised > critical else -1


def settled(query: Query) -> Query:
    """``query`` as read from the examples, where the question's own structure settles what it asks (each rule below
    reads only what the parse and the classifier found: councils, dates, readings and their scores)."""
    # asking which reports say something, naming no council ("which of the focused visit letters identified ..."):
    # across councils; not an improvement item on a topic ("which inspections listed return home interviews among
    # the things to improve"), which the reports' lists answer and across councils each one's closest finding would
    # (but one naming areas for priority action asks which reports set them: "which of the focused visit letters
    # identified areas for priority action?"); so is asking which councils' reports looked at something, in the
    # singular too ("which council had a focused visit that looked at care leavers?")
    if not query.councils and not query.wants("across") \
            and (asks_which_reports(query.text) or asks_which_looked_at(query.text)) \
            and not (query.wants("improve") and query.wants("topic") and not names_priority_action(query.text)):
        query = replace(query, asks=query.asks | {"across"})
    # naming a council, read as asking nothing, not even about a topic ("how is leicestershire doing"): how the
    # council is doing, its findings, not a search for "doing"
    if query.asks == {"topic"} and query.scores and query.score("topic") < LIKELIEST and query.councils:
        query = replace(query, asks=frozenset({"summary"}))
    # naming two councils or more, read as a change with no year to count from ("is derbyshire better than
    # nottinghamshire?"): they are compared, each one's grades newest first, not one council's change
    if len(query.councils) >= 2 and query.wants("change") and not query.dates:
        query = replace(query, asks=(query.asks - {"change"}) | {"across", "grade"})
    # a change asked between the latest inspection and the one before ("better grades at their latest inspection
    # than the one before"): both are compared, so neither is chosen alone
    if query.wants("change") and query.recency == "previous" and names_latest_and_previous(query.text):
        query = replace(query, recency=None)
    # asking for the inspection's record and nothing else, naming the inspection, read otherwise ("what month were
    # ofsted in <council> in <year>", read as asking for the findings): its facts
    if not query.wants("facts") and asks_only_the_record(query) and names_the_inspection(query.text):
        query = replace(query, asks=frozenset({"facts"}))
    # the inspection's facts only for a question naming the inspection: "how many care leavers does it support?"
    # asks about practice, which the findings answer with a number
    if query.wants("facts") and not names_the_inspection(query.text):
        query = replace(query, asks=(query.asks - {"facts"}) | {"topic"})
    # naming a council, read as a topic only unsurely but surely as asking for criticism or praise ("what's the
    # biggest problem in <council>"): its findings read that way, not a search for the words it asks with
    if query.asks == {"topic"} and query.scores and query.score("topic") < SURE and query.councils and query.tone:
        query = replace(query, asks=frozenset({"summary"}))
    # the findings with criticism wanted ("What did inspectors criticise in Rutland in 2024?"): the report's own list
    # of what it must improve too, read as surely as the findings (the headline led with "services ... are now good")
    if query.wants("summary") and query.tone < 0 and not query.wants("topic"):
        surely = query.score("summary")
        query = replace(query, asks=query.asks | {"improve"},
                        scores=tuple((ask, max(score, surely) if ask == "improve" else score) for ask, score in query.scores))
    # the improvement list read where praise is asked ("What does Leicester do well?", read as "do better"): that list
    # is criticism by construction, so the findings (or the topic) the praise is asked of
    if query.wants("improve") and query.tone > 0:
        query = replace(query, asks=(query.asks - {"improve"}) | ({"topic"} if query.wants("topic") else {"summary"}))
    # a number asked, read as a grade with no grade named nor asked for in words ("How many Leicester City children
    # were unallocated in December 2014?", a grade at 0.67): a grade is no number, so the findings' figure on the
    # point (not "What was it rated in 2021 and how many children were in care?", "how many judgements did it get?",
    # nor across councils: "how many councils were rated inadequate?")
    if query.wants("grade") and query.quantity and not query.wants("across") and named_grade(query.text) is None \
            and not asks_grade_in_words(query.text):
        query = replace(query, asks=(query.asks - {"grade"}) | {"topic"})
    # a grade read where criticism or praise is asked ("what did Rutland get praised for?", "get ... for" as in "what
    # did it get for leadership"), no grade named: the findings read that way
    if query.wants("grade") and query.tone and not query.wants("across") and named_grade(query.text) is None:
        query = replace(query, asks=(query.asks - {"grade"}) | ({"topic"} if query.wants("topic") else {"summary"}))
    return query


def framed(question: str) -> str:
    """The question with its councils and years replaced by placeholders: what it asks does not depend on which
    council or year it names, so the classifier should not learn either."""
    text = question.replace("’", "'")
    for mention in reversed(authorities.load().mentions(text)):
        text = text[:mention.start] + "the council" + text[mention.end:]
    return _YEAR.sub("2020", text)


class Intents:
    """A classifier of what questions ask, fitted once on the examples with the search's own embedding model.
    Thread-safe: fitted under a lock on first use, then only read. The examples' vectors are kept in ``cache`` (a
    folder), keyed by the model and the examples, so that a new process fits in a fraction of a second."""

    def __init__(self, embedder: Embedder, examples: Sequence[Example] | None = None, cache: Path | None = None) -> None:
        self._embedder = embedder
        self._examples = list(examples) if examples is not None else None
        self._cache = cache
        self._lock = threading.Lock()
        self._fitted: Classifier | None = None
        self._vocabulary: frozenset[str] = frozenset()

    def read(self, query: Query, vector: np.ndarray | None = None) -> Query:
        """``query`` with what it asks for. ``vector`` is the embedding of ``framed(query.text)``, when the caller
        has it already."""
        scores = self.scores(query.text, vector)
        cues = asking(_WORD.findall(query.text.lower()), self.cues())
        return with_asks(query, asks_from(scores), {ask: scores[ask] for ask in ASKS}, tone_from(scores), cues)

    def scores(self, question: str, vector: np.ndarray | None = None) -> dict[str, float]:
        """Each label's probability for ``question``."""
        classifier = self._fit()
        text = framed(question)
        if vector is None:
            vector = self._embedder.embed([text])[0]
        return classifier.scores(vector, text)

    def prepare(self) -> None:
        """Fit now rather than on the first question (a server does it while it loads)."""
        self._fit()

    def cues(self) -> frozenset[str]:
        """The single words with which questions ask about change, across councils or for the improvement list
        ("since", "compare", "needs"): how a question asks, not what about."""
        fitted = self._fit()
        return fitted.cues("change") | fitted.cues("across") | fitted.cues("improve")

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word the examples use: the ways people ask, whatever they ask about."""
        self._fit()
        return self._vocabulary

    def _fit(self) -> Classifier:
        with self._lock:
            if self._fitted is None:
                examples = self._examples if self._examples is not None else load()
                self._fitted = self._classifier(examples)
                self._vocabulary = frozenset(word for example in examples for word in _WORD.findall(example.text.lower()))
            return self._fitted

    def _classifier(self, examples: Sequence[Example]) -> Classifier:
        """The classifier fitted on ``examples``: from the cache when it holds one fitted on the same examples with the
        same model and settings (fitting takes seconds, a page's cold start most of it), else fitted and cached."""
        stamp = [self._embedder.name, f"{LABELS} {WORDS} {STRENGTH} {CERTAIN} {version('scikit-learn')}",
                 *(f"{' '.join(sorted(example.asks))}|{example.text}" for example in examples)]
        key = hashlib.sha256("\n".join(stamp).encode()).hexdigest()[:16]
        path = self._cache / f"intents-{key}.npz" if self._cache else None
        if path is not None and path.is_file():
            try:
                return _load_classifier(path)
            except (OSError, ValueError, KeyError):
                pass  # a damaged cache file is fitted again and replaced
        classifier = fit(examples, self._embedder, self._vectors(examples))
        if path is not None:
            write_whole(path, lambda file: np.savez(file, weights=classifier.weights, bias=classifier.bias,
                                              terms=np.array(classifier.words.terms, dtype=str),
                                              idf=classifier.words.idf))
        return classifier

    def _vectors(self, examples: Sequence[Example]) -> np.ndarray:
        """The examples' vectors, from the cache when it has them, else embedded (and cached when it can be)."""
        return cached_vectors(self._embedder, [framed(example.text) for example in examples], self._cache, "asks")


def _load_classifier(path: Path) -> Classifier:
    """A classifier saved by Intents._classifier: plain arrays (no pickle), the word weighting rebuilt from its terms
    and their idf."""
    with np.load(path, allow_pickle=False) as data:
        return Classifier(Words(tuple(str(term) for term in data["terms"]), data["idf"]), data["weights"], data["bias"])


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


@dataclass(frozen=True)
class Words:
    """The examples' word weighting as fitted by scikit-learn's TfidfVectorizer (WORDS), applied with numpy alone: a
    new process reads questions from the cached fit without importing scikit-learn and SciPy (a second of a page's
    cold start). Gives the vectorizer's own values (tested)."""

    terms: tuple[str, ...]  # words and word pairs, in the vectorizer's column order
    idf: np.ndarray
    columns: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", {term: n for n, term in enumerate(self.terms)})

    def transform(self, text: str) -> np.ndarray:
        """The l2-normalised tf-idf row of ``text``: sublinear counts of its words and word pairs times their idf."""
        column = self.columns
        tokens = _TOKEN.findall(text.lower())
        low, high = WORDS["ngram_range"]
        grams = [" ".join(tokens[i:i + n]) for n in range(low, high + 1) for i in range(len(tokens) - n + 1)]
        row = np.zeros(len(self.terms))
        for gram in grams:
            if gram in column:
                row[column[gram]] += 1
        seen = row > 0
        row[seen] = (1 + np.log(row[seen]) if WORDS["sublinear_tf"] else row[seen]) * self.idf[seen]
        norm = np.linalg.norm(row)
        return row / norm if norm else row


@dataclass(frozen=True)
class Classifier:
    """The fitted readings: the examples' word weighting, and one row of weights and a bias per label over a
    question's features (its vector, then its words), so that a question is read in one matrix product."""

    words: Words
    weights: np.ndarray  # labels x features
    bias: np.ndarray  # labels

    @cached_property
    def _cues(self) -> dict[str, frozenset[str]]:
        words = self.words.terms
        return {label: frozenset(term for term, weight in zip(words, row[len(row) - len(words):])
                                 if weight >= CUE and " " not in term) for label, row in zip(LABELS, self.weights)}

    def cues(self, label: str) -> frozenset[str]:
        """The single words the classifier weighs at least CUE towards ``label``: how questions ask for it."""
        return self._cues[label]

    def scores(self, vector: np.ndarray, text: str) -> dict[str, float]:
        """Each label's probability for a framed question ``text`` with this ``vector``."""
        features = np.concatenate([np.asarray(vector, dtype=np.float64), self.words.transform(text)])
        logits = self.weights @ features + self.bias
        return {label: float(value) for label, value in zip(LABELS, 1 / (1 + np.exp(-logits)), strict=True)}


def fit(examples: Sequence[Example], embedder: Embedder, vectors: np.ndarray | None = None) -> Classifier:
    """One logistic regression per label over each example's vector and its words and word pairs (tf-idf), fitted
    with scikit-learn (imported here only: reading questions needs numpy alone)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [framed(example.text) for example in examples]
    if vectors is None:
        vectors = embedder.embed(texts)
    words = TfidfVectorizer(**WORDS)
    counts = words.fit_transform([text.lower() for text in texts])
    features = hstack([csr_matrix(vectors), counts]).tocsr()
    weights, bias = [], []
    for label in LABELS:
        # what is asked is learnt from the lines that say it; criticism or praise from every line
        rows = [n for n, example in enumerate(examples) if label in TONES or example.asks & set(ASKS)]
        labels = np.array([label in examples[n].asks for n in rows], dtype=int)
        if 0 < labels.sum() < len(labels):
            model = LogisticRegression(C=STRENGTH, max_iter=3000, class_weight="balanced").fit(features[rows], labels)
            weights.append(model.coef_[0])
            bias.append(float(model.intercept_[0]))
        else:  # a label the examples never (or always) give: certain either way
            weights.append(np.zeros(features.shape[1]))
            bias.append(CERTAIN if labels.all() and len(labels) else -CERTAIN)
    return Classifier(Words(tuple(str(term) for term in words.get_feature_names_out()), words.idf_),
                      np.vstack(weights), np.array(bias))


# Where each writer's examples start in search/data/asks.txt, by example (the file's header says who wrote what).
WRITERS = (734, 1478, 1778, 2178, 2632, 3162, 3371, 3570)


def validate(examples: Sequence[Example], embedder: Embedder, starts: Sequence[int] = WRITERS) -> dict[str, float]:
    """Each label's F1 at SURE, and the share of questions read exactly right ("exact"), for each group of examples
    (split where ``starts`` says: one writer's each) fitted on all the others, so that each group tests wording its
    writer alone used; the mean over the groups that have the label."""
    bounds = [0, *(start for start in starts if 0 < start < len(examples)), len(examples)]
    found: dict[str, list[float]] = {label: [] for label in (*LABELS, "exact")}
    for low, high in zip(bounds, bounds[1:]):
        test, train = list(examples[low:high]), [*examples[:low], *examples[high:]]
        intents = Intents(embedder, train)
        scores = [intents.scores(example.text) for example in test]
        for label in LABELS:
            counted = [n for n, example in enumerate(test) if label in TONES or example.asks & set(ASKS)]
            if not any(label in test[n].asks for n in counted):
                continue
            said = [scores[n][label] >= SURE for n in counted]
            truth = [label in test[n].asks for n in counted]
            hits = sum(s and t for s, t in zip(said, truth))
            found[label].append(2 * hits / max(sum(said) + sum(truth), 1))
        read = [asks_from(score) == example.asks & set(ASKS) for score, example in zip(scores, test) if example.asks & set(ASKS)]
        if read:
            found["exact"].append(sum(read) / len(read))
    return {label: sum(values) / len(values) for label, values in found.items() if values}


if __name__ == "__main__":
    import argparse

    from ingest.embed import SentenceEmbedder

    command = argparse.ArgumentParser(prog="python -m search.intent",
                                      description="Read what questions ask, or check the classifier on its examples.")
    command.add_argument("questions", nargs="*", help="questions to read")
    command.add_argument("--validate", type=int, metavar="N", nargs="*",
                         help="split the examples before each example N (default: where each writer starts), fit on "
                              "all groups but one and test on that one, for each group; print each label's F1")
    args = command.parse_args()
    model = SentenceEmbedder()
    if args.validate is not None:
        for label, score in validate(load(), model, args.validate or WRITERS).items():
            print(f"{label:>10}: F1 {score:.3f}")
    reader = Intents(model)
    for question in args.questions:
        scores = reader.scores(question)
        print(question, "->", ", ".join(f"{label} {score:.2f}" for label, score in scores.items() if score >= 0.1))
