"""The model's runtimes: ONNX Runtime gives PyTorch's vectors (so either may search an index), int8 gives others (so an
index records it and is searched with it only), and the ONNX file is exported once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from ingest import embed
from ingest.embed import SentenceEmbedder, model_location, same_vectors, split_model
from ingest.errors import IndexMismatch
from ingest.store import Manifest, check_model

TEXTS = [
    "Care leavers have a personal adviser from the age of 16.",
    "The local authority has not improved the timeliness of assessments since the last inspection.",
    "",
    "How did Rutland do last time?",
    " ".join(["Strategy meetings are held promptly and include police, health and education."] * 40),  # truncated
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def vectors(cache) -> dict[str, np.ndarray]:
    return {runtime: SentenceEmbedder(f"all-MiniLM-L6-v2@{runtime}" if runtime != "onnx" else "all-MiniLM-L6-v2",
                                      cache=cache).embed(TEXTS)
            for runtime in ("torch", "onnx", "int8")}


def test_onnx_gives_pytorchs_vectors_and_int8_close_ones(vectors):
    cosine = lambda a, b: (vectors[a] * vectors[b]).sum(axis=1)  # noqa: E731
    assert cosine("onnx", "torch").min() > 0.9999
    assert 0.97 < cosine("int8", "torch").min() < 0.9999  # close, yet other vectors: recorded in the index
    assert np.allclose(np.linalg.norm(vectors["int8"], axis=1), 1.0, atol=1e-5)


def test_the_float_export_runs_each_layers_attention_as_one_fused_operator(vectors, cache):
    """ONNX Runtime's fused attention and normalisations (passages in a tenth less wall time) with PyTorch's vectors;
    int8 keeps the plain export its quality was measured on."""
    import onnx

    def operators(runtime: str) -> list[str]:
        graph = onnx.load(str(SentenceEmbedder(f"all-MiniLM-L6-v2{runtime}", cache=cache)._model._file)).graph
        return [node.op_type for node in graph.node]  # type: ignore[attr-defined]

    assert operators("").count("Attention") == 6 and "EmbedLayerNormalization" in operators("")
    assert "Attention" not in operators("@int8") and "Softmax" in operators("@int8")


def test_the_runtime_is_part_of_the_model_name_and_an_int8_index_is_searched_with_int8_only(tmp_path):
    assert split_model("all-MiniLM-L6-v2@int8") == ("all-MiniLM-L6-v2", "int8")
    assert split_model("all-MiniLM-L6-v2") == ("all-MiniLM-L6-v2", "")
    assert split_model("models/me@home") == ("models/me@home", "")  # an @ that names no runtime is part of a path
    assert same_vectors("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2@torch")
    assert not same_vectors("all-MiniLM-L6-v2", "all-MiniLM-L6-v2@int8")
    quantised = Manifest("all-MiniLM-L6-v2@int8", 384, {})
    check_model(quantised, "all-minilm-l6-v2@INT8", f"{tmp_path}/", "python -m ingest --rebuild")
    with pytest.raises(IndexMismatch, match="--model all-MiniLM-L6-v2@int8"):
        check_model(quantised, "all-MiniLM-L6-v2", f"{tmp_path}/", "python -m ingest --rebuild")
    check_model(Manifest("all-MiniLM-L6-v2", 384, {}), "all-MiniLM-L6-v2@torch", f"{tmp_path}/", "python -m ingest --rebuild")


def test_the_onnx_file_is_exported_once_by_a_process_of_its_own_and_then_loaded_without_pytorch(tmp_path, monkeypatch):
    monkeypatch.setenv("OFSTED_CACHE", str(tmp_path))  # the default cache is the setting's
    exporting = ("import sys; from ingest.embed import SentenceEmbedder; SentenceEmbedder().embed(['a question']); "
                 "sys.exit(any(name in sys.modules for name in ('torch', 'sentence_transformers')))")
    assert subprocess.run([sys.executable, "-c", exporting], cwd=ROOT, timeout=300).returncode == 0  # never held
    exported = list(tmp_path.rglob("model.onnx"))
    assert len(exported) == 1

    def refuse(*args: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(embed, "_export", refuse)
    again = SentenceEmbedder(cache=tmp_path)
    assert again.runtime == "onnx" and again.embed(["a question"]).shape == (1, 384)
    assert [path.name for path in exported[0].parent.iterdir()] == ["model.onnx"]  # no work files left behind
    code = ("import sys; from pathlib import Path; from ingest.embed import SentenceEmbedder; "
            f"SentenceEmbedder(cache=Path({str(tmp_path)!r})).embed(['a question']); "
            "sys.exit(any(name in sys.modules for name in ('torch', 'sentence_transformers')))")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=120).returncode == 0


def test_a_model_onnx_cannot_run_falls_back_to_pytorch(tmp_path):
    """A model pooled other than by mean (and any model when the cache cannot be written) runs in PyTorch; asking
    for int8 then is refused with the reason."""
    folder = tmp_path / "cls-model"
    shutil.copytree(model_location("all-MiniLM-L6-v2"), folder)
    config = folder / "1_Pooling" / "config.json"
    pooling = json.loads(config.read_text())
    config.write_text(json.dumps({**pooling, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}))
    assert SentenceEmbedder(str(folder), cache=tmp_path / "cache").runtime == "torch"
    with pytest.raises(embed.ModelError, match="mean-pooled"):
        SentenceEmbedder(f"{folder}@int8", cache=tmp_path / "cache")
    def cannot(*args: object) -> None:
        raise RuntimeError("Unsupported: a layer the tracer cannot follow")

    with pytest.MonkeyPatch.context() as patch:  # a model the exporter cannot trace
        patch.setattr(embed, "_export", cannot)
        assert SentenceEmbedder(cache=tmp_path / "fresh").runtime == "torch"
        with pytest.raises(embed.ModelError, match="could not export .*RuntimeError: Unsupported"):
            SentenceEmbedder("all-MiniLM-L6-v2@int8", cache=tmp_path / "fresh")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    assert SentenceEmbedder(cache=blocked).runtime == "torch"


def test_an_index_built_with_int8_records_it_and_its_searcher_uses_it(tmp_path):
    from conftest import CORPUS
    from ingest.config import Settings
    from ingest.pipeline import ingest
    from search.retrieve import open_searcher

    settings = Settings(index=tmp_path / "index", model="all-MiniLM-L6-v2@int8", cache=tmp_path / "cache")
    assert ingest([CORPUS], settings).documents == 2
    searcher = open_searcher(Settings(index=settings.index, cache=settings.cache))
    assert searcher.index.manifest.model == "all-MiniLM-L6-v2@int8"
    assert searcher.embedder.runtime == "int8"  # type: ignore[attr-defined]
    assert searcher.ask("What did inspectors say about care leavers?").answer.quotes
    with pytest.raises(IndexMismatch):
        open_searcher(Settings(index=settings.index, model="all-MiniLM-L6-v2", cache=settings.cache))


def test_a_searchers_model_makes_its_runtime_session_in_the_background_before_any_question(tmp_path):
    import time

    from ingest.config import Settings

    embedder = SentenceEmbedder.for_questions("all-MiniLM-L6-v2", Settings(cache=tmp_path))
    waited = 0.0
    while not embedder._model._sessions and waited < 60:  # type: ignore[attr-defined]
        time.sleep(0.05)
        waited += 0.05
    assert embedder._model._sessions  # type: ignore[attr-defined]  # made though nothing was embedded
    assert np.allclose(embedder.embed(["care leavers"]), SentenceEmbedder(cache=tmp_path).embed(["care leavers"]), atol=1e-6)
