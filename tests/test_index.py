"""The index: FAISS agrees with brute force, the model is recorded and checked, writes are atomic."""

import json

import numpy as np
import pytest

from conftest import CORPUS, FakeEmbedder, fake_settings
from ingest import store
from ingest.config import Settings
from ingest.pipeline import ingest
from ingest.store import CURRENT, Index, IndexMismatch, IndexMissing, read_manifest
from search.retrieve import open_searcher


def test_faiss_matches_brute_force_numpy(corpus_index, embedder):
    index = Index.load(corpus_index.index)
    stored = index.chunks(range(len(index)))
    vectors = embedder.embed([item.chunk.text for item in stored])
    for question in ("care leavers and personal advisers", "supervision of social workers", "judgement grade"):
        query = embedder.embed([question])[0]
        expected = np.argsort(-(vectors @ query))[:5]
        found = index.search(query, 5)
        assert [i for i, _ in found] == [stored[j].id for j in expected]
        assert np.allclose([s for _, s in found], np.sort(vectors @ query)[::-1][:5], atol=1e-4)


def test_a_question_is_searched_on_one_faiss_thread_and_the_threads_are_given_back(corpus_index, monkeypatch):
    """One vector against the passages is fastest on one OpenMP thread (waking the others cost 1.5 ms a search on the
    national sample, three searches a question); the calling thread's setting is restored, so an ingest building its
    index afterwards in the same thread keeps its threads."""
    import faiss

    index = Index.load(corpus_index.index)
    seen = []
    search = index.vectors.search
    monkeypatch.setattr(index.vectors, "search", lambda *args, **kwargs: seen.append(faiss.omp_get_max_threads())
                        or search(*args, **kwargs))
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    try:
        index.search(np.ones(index.manifest.dimension, dtype=np.float32), 3)
        assert seen == [1]
        assert faiss.omp_get_max_threads() == 2
    finally:
        faiss.omp_set_num_threads(before)


def test_manifest_records_model_dimension_chunking_and_hashes(corpus_index):
    index = Index.load(corpus_index.index)
    manifest = index.manifest
    assert manifest.model == "all-MiniLM-L6-v2" and manifest.dimension == 384
    assert manifest.chunking["max_chars"] > 0
    assert len(manifest.documents) == 2 and all(len(sha) == 64 for sha in manifest.documents.values())


def test_an_index_built_with_another_model_is_refused(corpus_index):
    with pytest.raises(IndexMismatch, match=r"python -m ingest --rebuild --index \S+ --model other-model"):
        open_searcher(Settings(index=corpus_index.index, model="other-model"))


def test_ingesting_into_an_index_of_another_model_is_refused(corpus_index):
    with pytest.raises(IndexMismatch, match="all-MiniLM-L6-v2"):
        ingest([CORPUS], Settings(index=corpus_index.index, model=FakeEmbedder.name), embedder_factory=lambda n: FakeEmbedder())


def test_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexMissing, match="python -m ingest"):
        Index.load(tmp_path / "nowhere")


def test_a_failed_write_leaves_the_previous_index_usable(tmp_path, monkeypatch):
    settings = fake_settings(tmp_path)
    ingest([CORPUS], settings, embedder_factory=lambda name: FakeEmbedder())
    before = (settings.index / CURRENT).read_text()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ingest.store.faiss.write_index", explode)
    extra = tmp_path / "extra.txt"
    extra.write_text("1. A new paragraph about care leavers and their personal advisers.\n")
    from ingest.errors import IndexUnwritable

    with pytest.raises(IndexUnwritable, match="the disk is full; free some space"):  # one line, not FAISS's error
        ingest([CORPUS, extra], settings, embedder_factory=lambda name: FakeEmbedder())
    assert (settings.index / CURRENT).read_text() == before
    assert len(Index.load(settings.index).documents()) == 2


def test_manifest_is_plain_json(corpus_index):
    folder = corpus_index.index / (corpus_index.index / CURRENT).read_text()
    from ingest.store import FORMAT

    assert json.loads((folder / "manifest.json").read_text())["format"] == FORMAT


def test_an_index_of_an_older_format_is_refused_with_the_fix(corpus_index, tmp_path):
    import shutil

    copy = tmp_path / "old"
    shutil.copytree(corpus_index.index, copy)
    folder = copy / (copy / CURRENT).read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "format": 1}))
    with pytest.raises(IndexMismatch, match="--rebuild"):
        read_manifest(folder)


def test_a_filtered_search_ranks_only_the_allowed_passages_exactly(corpus_index, embedder):
    index = Index.load(corpus_index.index)
    query = embedder.embed(["support for care leavers"])[0]
    allowed = frozenset(range(0, len(index), 3))
    everything = index.search(query, len(index))
    expected = [(i, s) for i, s in everything if i in allowed][:10]
    found = index.search(query, 10, allowed)
    assert [i for i, _ in found] == [i for i, _ in expected]
    assert np.allclose([s for _, s in found], [s for _, s in expected], atol=1e-5)
    assert index.search(query, 10, frozenset()) == []


def test_full_text_search_within_allowed_passages_is_limited_and_exact(corpus_index):
    index = Index.load(corpus_index.index)
    allowed = frozenset(range(1, len(index), 2))
    everything = index.lexical(["care", "leavers"], len(index))
    expected = [i for i, _ in everything if i in allowed][:7]
    assert [i for i, _ in index.lexical(["care", "leavers"], 7, allowed)] == expected
    assert index.lexical(["care"], 7, frozenset()) == []


def test_sentence_vectors_are_kept_at_ingest_and_a_question_embeds_only_itself(corpus_index, embedder):
    index = Index.load(corpus_index.index)
    stored = index.chunks([12])[0].chunk
    vectors = index.sentence_vectors([12])[12]
    fresh = embedder.embed([stored.text[a:b] for a, b in stored.sentences])
    assert vectors.shape == fresh.shape and np.allclose(vectors, fresh, atol=2e-3)

    class Counting:
        name, dimension = embedder.name, embedder.dimension
        calls: list[int] = []

        def embed(self, texts, progress=False):
            self.calls.append(len(texts))
            return embedder.embed(texts)

    counting = Counting()
    searcher = open_searcher(corpus_index, counting)
    searcher.intents.prepare()  # the classifier of what questions ask is fitted once per model, not per question
    counting.calls.clear()
    result = searcher.ask("How were care leavers supported by personal advisers?")
    # one call: the question, its topic and its framed form (here the question is its own topic: embedded once)
    assert result.answer.quotes and counting.calls == [2]


def test_the_model_uses_the_thread_count_it_is_given():
    import torch

    from ingest.config import from_env
    from ingest.embed import SentenceEmbedder

    assert from_env({"OFSTED_THREADS": "1"}).threads == 1
    before = torch.get_num_threads()
    try:
        for model, runtime in (("all-MiniLM-L6-v2", "onnx"), ("all-MiniLM-L6-v2@torch", "torch")):
            embedder = SentenceEmbedder(model, threads=1)
            assert embedder.runtime == runtime and embedder.threads_in_use() == 1
            assert embedder.set_threads(2) == 1 and embedder.threads_in_use() == 2
    finally:
        torch.set_num_threads(before)


def test_a_large_index_is_approximate_with_recall_above_99_percent_and_exact_filters(tmp_path, embedder, monkeypatch):
    """Above OFSTED_HNSW_ABOVE passages the vectors get an HNSW graph, recorded in the manifest; its top ten agree
    with exact search on at least 99% of neighbours, and a filtered search stays exact."""
    settings = Settings(index=tmp_path / "index", hnsw_above=10)
    ingest([CORPUS], settings, embedder_factory=lambda name: embedder)
    index = Index.load(settings.index)
    assert index.manifest.vector_index == "hnsw" and read_manifest(index.folder).vector_index == "hnsw"
    vectors = index.vectors.reconstruct_n(0, len(index))
    queries = vectors[::7]
    found = agreed = 0
    for query in queries:
        exact = set(np.argsort(-(vectors @ query))[:10].tolist())
        approximate = {i for i, _ in index.search(query, 10)}
        found += len(exact)
        agreed += len(exact & approximate)
    assert agreed / found >= 0.99
    allowed = frozenset(range(0, len(index), 5))
    query = queries[3]
    expected = sorted(allowed, key=lambda i: -float(vectors[i] @ query))[:10]
    assert [i for i, _ in index.search(query, 10, allowed)] == expected
    monkeypatch.setattr(store, "EXACT_WITHIN", 0)  # a wide filter goes through the graph with an id selector
    left_out = int(np.argmax(vectors @ query))
    wide = frozenset(range(len(index))) - {left_out}
    exact_wide = sorted(wide, key=lambda i: -float(vectors[i] @ query))[:10]
    through_graph = [i for i, _ in index.search(query, 10, wide)]
    assert left_out not in through_graph and len(set(through_graph) & set(exact_wide)) >= 9


def test_each_distinct_text_of_a_document_is_embedded_once(tmp_path):
    """A one-sentence passage is its own sentence: embedded once, and its sentence gets the passage's vector."""
    calls: list[list[str]] = []

    class Recording(FakeEmbedder):
        def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
            calls.append(list(texts))
            return super().embed(texts, progress)

    settings = fake_settings(tmp_path)
    ingest([CORPUS], settings, embedder_factory=lambda name: Recording())
    assert calls and all(len(batch) == len(set(batch)) for batch in calls)
    index = Index.load(settings.index)
    single = [item for document in index.documents() for item in index.document_chunks(document.id)
              if [tuple(span) for span in item.chunk.sentences] == [(0, len(item.chunk.text))]]
    assert single, "the bundled reports have one-sentence passages (headings, short paragraphs)"
    sentences = index.sentence_vectors(item.id for item in single)
    for item in single:
        assert np.allclose(sentences[item.id][0], index.vector(item.id), atol=1e-3)  # stored as float16


def test_the_passage_at_an_offset_is_read_once_and_remembered_within_a_bound(corpus_index, monkeypatch):
    index = Index.load(corpus_index.index)
    doc = index.documents()[0]
    first, second = index.document_chunks(doc.id)[:2]
    assert index.passage_at(doc.id, first.chunk.start) == first.id

    def unread(*_):
        raise AssertionError("read again")

    reads = index._rows
    monkeypatch.setattr(index, "_rows", unread)
    assert index.passage_at(doc.id, first.chunk.start) == first.id  # remembered
    monkeypatch.setattr(index, "_rows", reads)
    monkeypatch.setattr(store, "REMEMBERED", 1)
    assert index.passage_at(doc.id, second.chunk.start) == second.id  # the memory was full: cleared first
    assert list(index._passages_at) == [(doc.id, second.chunk.start)]


def test_passages_and_words_are_read_once_and_remembered_within_a_bound(corpus_index, monkeypatch):
    index = Index.load(corpus_index.index)
    fresh = Index.load(corpus_index.index)
    ids = [5, 2, 5, 9999999, 3]  # in the order asked, repeats kept, an unknown id left out
    read = index.chunks(ids)
    assert [item.id for item in read] == [5, 2, 5, 3]
    assert read == fresh.chunks(ids)
    word = read[0].chunk.text.split()[0]
    assert index.mentions(word) and not index.mentions("zzqqxx")

    def unread(*_):
        raise AssertionError("read again")

    reads = index._rows
    monkeypatch.setattr(index, "_rows", unread)
    assert index.chunks([3, 5]) == [read[3], read[0]]  # remembered
    assert index.mentions(word) and not index.mentions("zzqqxx")
    monkeypatch.setattr(index, "_rows", reads)
    monkeypatch.setattr(store, "CHUNKS_REMEMBERED", 2)
    assert [item.id for item in index.chunks([7, 8])] == [7, 8]  # full: cleared first
    assert sorted(index._chunks) == [7, 8]
    assert index.chunks([7, 2]) == fresh.chunks([7, 2])


def test_full_text_scores_summed_per_phrase_are_fts5s_own_for_any_filter(corpus_index):
    """A phrase searched for again is scored once and kept, and a query of such phrases summed from them (FTS5's bm25 of
    "a" OR "b" is that of "a" plus that of "b"): the same passages and scores as FTS5 ranking the whole query itself,
    the first time (FTS5 ranks it) and the second (summed), with no filter, a few documents' runs and scattered
    passages."""
    index = Index.load(corpus_index.index)
    phrases = ["care leavers", "care", "supervision", "plans"]
    sql = (f"SELECT rowid, -{store.BM25} FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY {store.BM25}, rowid")
    own = [(int(row[0]), float(row[1])) for row in index._rows(sql, (store._fts5(phrases),))]
    assert len(own) > 12
    for allowed in (None, frozenset(range(0, len(index) // 2)), frozenset(range(1, len(index), 3))):
        expected = [(i, score) for i, score in own if allowed is None or i in allowed][:10]
        assert len(expected) > 3
        for _ in range(2):
            found = index.lexical(phrases, 10, allowed)
            assert [i for i, _ in found] == [i for i, _ in expected]
            assert np.allclose([s for _, s in found], [s for _, s in expected])
    assert set(index._scores) == set(phrases)


def test_a_phrases_full_text_scores_are_kept_once_it_comes_back_and_within_a_bound(corpus_index, monkeypatch):
    monkeypatch.setattr(store, "RARE_SHARE", 0.0)  # no phrase is rare: each is ranked by FTS5 the first time
    index = Index.load(corpus_index.index)
    first = index.lexical(["care leavers", "supervision"], 10)
    assert not index._scores  # searched once: FTS5 ranked the query, nothing scored alone
    assert index.lexical(["supervision", "care leavers"], 10) == first and set(index._scores) == {"care leavers", "supervision"}
    reads = index._rows

    def unread(*_):
        raise AssertionError("read again")

    monkeypatch.setattr(index, "_rows", unread)
    assert index.lexical(["care leavers", "supervision"], 10) == first  # both kept
    monkeypatch.setattr(index, "_rows", reads)
    bounded = Index.load(corpus_index.index)
    monkeypatch.setattr(store, "SCORES_KEPT", len(index._scored("care")[0]))
    for _ in range(2):
        assert bounded.lexical(["care"], 10) == index.lexical(["care"], 10)
    assert bounded._scores_kept == store.SCORES_KEPT
    for _ in range(2):
        assert bounded.lexical(["supervision"], 10) == index.lexical(["supervision"], 10)  # full: cleared first
    assert list(bounded._scores) == ["supervision"] and bounded._scores_kept <= store.SCORES_KEPT


def test_rare_phrases_are_scored_alone_at_once_and_common_ones_ahead_so_a_first_question_is_summed(corpus_index,
                                                                                                    monkeypatch):
    """A phrase few passages hold is scored alone the first time it is searched for; the common ones are scored ahead
    (``keep_scores``, within its budget); a first question of both is then summed in memory, with FTS5's own ranking."""
    index = Index.load(corpus_index.index)
    common, rare = "care", "supervision"
    assert index._holding(common) > store.RARE_SHARE * len(index) >= index._holding(rare) > 0
    assert index.keep_scores([common, "children", rare], budget=index._holding(common)) == 1  # then full
    assert set(index._scores) == {common}
    sql = f"SELECT rowid, -{store.BM25} FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY {store.BM25}, rowid LIMIT 10"
    own = [(int(row[0]), float(row[1])) for row in index._rows(sql, (store._fts5([common, rare]),))]
    ranked: list[str] = []
    reads = index._rows
    monkeypatch.setattr(index, "_rows", lambda sql, *rest: ranked.append(sql) or reads(sql, *rest))
    found = index.lexical([common, rare], 10)
    assert [i for i, _ in found] == [i for i, _ in own] and np.allclose([s for _, s in found], [s for _, s in own])
    assert not [sql for sql in ranked if "ORDER BY rank" in sql]  # FTS5 never ranked the query
    assert set(index._scores) == {common, rare}


def test_each_parts_passages_are_read_with_the_documents_once(corpus_index, monkeypatch):
    index = Index.load(corpus_index.index)
    expected = {part: [int(row[0]) for row in index._rows("SELECT id FROM chunks WHERE part=?", (part,))]
                for part in ("summary", "area", "improve", "judgement", "about")}
    index.warm()

    def unread(*_):
        raise AssertionError("read again")

    monkeypatch.setattr(index, "_rows", unread)
    assert {part: index.in_part(part, None) for part in expected} == expected
    some = frozenset(expected["area"][::2])
    assert index.in_part("area", some) == [i for i in expected["area"] if i in some]
