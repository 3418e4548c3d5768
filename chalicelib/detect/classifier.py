"""The learned stage: two logistic-regression heads over hashed n-grams and rule features, in pure numpy.

Trained by scripts/train_classifier.py (scikit-learn, build time only) from data/corpus/*.jsonl and
shipped as chalicelib/detect/model/classifier.npz (plain arrays, loaded with allow_pickle=False) plus
classifier.json (hyperparameters and thresholds). Hashing uses zlib.crc32, so feature indices are the
same in every process, unlike Python's salted hash().
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from chalicelib.config import EMAIL_PATTERN
from chalicelib.detect.encoder import SentenceEncoder

MODEL_DIR = Path(__file__).resolve().parent / "model"
WEIGHTS_FILE = MODEL_DIR / "classifier.npz"
PARAMS_FILE = MODEL_DIR / "classifier.json"
HEADS = ("protect", "crisis")

DEFAULT_PARAMS = {
    "n_features_log2": 18,
    "char_ngrams": [2, 5],
    "word_ngrams": 3,
    # Texts of at most this many words are judged against thresholds["protect_short"] (train_classifier.py).
    "short_words": 8,
    # Texts of more than this many words are judged against thresholds["protect_long"] (session 17).
    "long_words": 40,
    # Optional, off: "length_buckets": [4, 12, 25, 40, 80] adds one rule-like feature per length band in
    # tokens (the L2-normalised n-gram part of a long text carries more L1 mass, and long everyday messages
    # scored higher on both heads). Session 16's model trained with it lowered long texts' scores
    # wholesale: false positives on long held-out messages 0.105 -> 0.044 but protect recall there
    # 0.961 -> 0.917, so it did not ship. A model whose params lack the key gets no such feature.
}

_URL = re.compile(r"https?://\S+|www\.\S+")
_EMAIL = re.compile(EMAIL_PATTERN)
_DIGITS = re.compile(r"\d")
_TOKEN = re.compile(r"[a-z0-9']+|[?!]")


def normalize(text: str) -> str:
    """Lowercase, strip accents (people type "depresion" and "depresión"), mask URLs, emails, digits."""
    text = _URL.sub(" urltoken ", text)
    text = _EMAIL.sub(" emailtoken ", text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'")
    return _DIGITS.sub("0", text)


def feature_keys(text: str, lang: str, rule_features: Iterable[str], params: dict) -> tuple[list[str], list[str]]:
    """(n-gram keys with repeats, rule keys). Shared by training and inference, so they cannot drift."""
    tokens = _TOKEN.findall(normalize(text))
    keys: list[str] = []
    keys.extend("w|" + t for t in tokens)
    if params["word_ngrams"] >= 2:
        keys.extend("b|" + a + " " + b for a, b in zip(tokens, tokens[1:]))
    if params["word_ngrams"] >= 3:
        keys.extend("t|" + a + " " + b + " " + c for a, b, c in zip(tokens, tokens[1:], tokens[2:]))
    lo, hi = params["char_ngrams"]
    for t in tokens:
        if len(t) < 2:
            continue
        padded = f" {t} "
        for n in range(lo, hi + 1):
            for i in range(0, len(padded) - n + 1):
                keys.append("c|" + padded[i : i + n])
    rules = sorted({"r|" + f for f in rule_features} | {"lang|" + lang})
    if len(tokens) <= 4:
        rules.append("len|short")
    buckets = params.get("length_buckets")
    if buckets:
        rules.append(length_band(len(tokens), buckets))
    return keys, rules


def length_band(n_tokens: int, bounds: Sequence[int]) -> str:
    """"len|<=12" for 5-12 tokens with bounds [4, 12, ...]; "len|>80" past the last bound."""
    for bound in bounds:
        if n_tokens <= bound:
            return f"len|<={bound}"
    return f"len|>{bounds[-1]}"


def is_short(text: str, params: dict) -> bool:
    """Whether a text gets the short-item protect threshold; a model without one has short_words 0."""
    return len(text.split()) <= params.get("short_words", 0)


def is_long(text: str, params: dict) -> bool:
    """Whether a text gets the long-item protect threshold (thresholds["protect_long"]); a model without
    one has no long_words and every text is judged against "protect" or "protect_short"."""
    long_words = params.get("long_words")
    return long_words is not None and len(text.split()) > long_words


def hash_key(key: str, n_features: int) -> int:
    return zlib.crc32(key.encode("utf-8")) & (n_features - 1)


def hashed_counts(keys: Sequence[str], n_features: int) -> dict[int, float]:
    counts: dict[int, float] = {}
    for k in keys:
        i = hash_key(k, n_features)
        counts[i] = counts.get(i, 0.0) + 1.0
    return counts


def vectorize(
    text: str, lang: str, rule_features: Iterable[str], params: dict, idf: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (indices, values): sublinear tf-idf n-grams, L2-normalised, plus binary rule features."""
    n_features = 1 << params["n_features_log2"]
    ngram_keys, rule_keys = feature_keys(text, lang, rule_features, params)
    counts = hashed_counts(ngram_keys, n_features)
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    val = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
    if idf is not None and len(idx):
        val = val * idf[idx]
    norm = float(np.sqrt(np.dot(val, val))) if len(val) else 0.0
    if norm > 0:
        val = val / norm
    rule_counts = hashed_counts(rule_keys, n_features)
    # Rule features share the hashed space; a collision with an n-gram only adds, never overwrites.
    r_idx = np.fromiter(rule_counts.keys(), dtype=np.int64, count=len(rule_counts))
    r_val = np.full(len(r_idx), params.get("rule_weight", 1.0))
    return np.concatenate([idx, r_idx]), np.concatenate([val, r_val])


@dataclass(frozen=True)
class EncoderHeads:
    """The protect and crisis heads over the sentence embedding: one hidden ReLU layer each (an MLP;
    measured leave-one-writer-out it lifted protect recall from 0.859 to 0.906 over a linear head at
    the same false-positive budget, docs/detection.md), as sklearn's MLPClassifier computes them.
    Shapes: w1 (2, 512, H), b1 (2, H), w2 (2, H), b2 (2,); index 0 protect, 1 crisis."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    @classmethod
    def from_arrays(cls, arrays) -> "EncoderHeads":
        """From the encoder_w1/b1/w2/b2 arrays of classifier.npz (or train_classifier.encoder_head_arrays)."""
        return cls(*(np.asarray(arrays[f"encoder_{k}"], dtype=np.float64) for k in ("w1", "b1", "w2", "b2")))

    def probabilities(self, embedding: np.ndarray) -> np.ndarray:
        """(protect, crisis) for one embedding (d,) -> (2,), or for a batch (n, d) -> (n, 2)."""
        hidden = np.maximum(np.einsum("...d,kdh->...kh", embedding, self.w1) + self.b1, 0.0)
        z = np.einsum("...kh,kh->...k", hidden, self.w2) + self.b2
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Scores:
    protect_p: float  # the protect head's probability (blended with the encoder's when there is one)
    crisis_p: float  # the n-gram crisis head's probability
    protect: bool
    crisis: bool
    encoder_crisis_p: float | None = None  # the sentence encoder's crisis head, when shipped


class LinearClassifier:
    """Two logistic-regression heads (protect = not ok, crisis) over the same sparse features, and,
    when trained with one, two more over a sentence encoder's embedding (encoder.py).

    How they combine (the same formulas `make train` chose the thresholds with):
      crisis  = n-gram crisis p >= thresholds["crisis"]  or  encoder crisis p >= thresholds["encoder_crisis"]
      protect = (1 - blend_weight) * n-gram protect p + blend_weight * encoder protect p >= thresholds["protect"]
                (thresholds["protect_short"] for texts of at most params["short_words"] words,
                 thresholds["protect_long"] for texts of more than params["long_words"] words)
    With `combine` "stack" the protect decision replaces the rules' sensitive/ok call (the rules'
    findings are among its features); the rules' crisis always stands.
    """

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, idf: np.ndarray, params: dict, *,
                 encoder_heads: "EncoderHeads | None" = None, encoder: "SentenceEncoder | None" = None) -> None:
        self.coef = coef  # shape (2, n_features): row 0 protect, row 1 crisis
        self.intercept = intercept
        self.idf = idf
        self.params = params
        self.thresholds = params["thresholds"]
        self.encoder_heads = encoder_heads
        self.encoder = encoder if encoder_heads is not None else None
        self.blend_weight = float(params.get("blend_weight", 0.0)) if self.encoder is not None else 0.0

    @property
    def stacked(self) -> bool:
        """True when the model, not the rules, decides between ok and sensitive."""
        return self.params.get("combine") == "stack"

    def probabilities(self, text: str, lang: str, rule_features: Iterable[str]) -> tuple[float, float]:
        idx, val = vectorize(text, lang, rule_features, self.params, self.idf)
        z = self.coef[:, idx] @ val + self.intercept
        p = 1.0 / (1.0 + np.exp(-z))
        return float(p[0]), float(p[1])

    def encoder_probabilities(self, text: str) -> tuple[float, float] | None:
        if self.encoder is None or self.encoder_heads is None:
            return None
        p = self.encoder_heads.probabilities(self.encoder.embed(text))
        return float(p[0]), float(p[1])

    def predict(self, text: str, lang: str, rule_features: Iterable[str]) -> Scores:
        protect_p, crisis_p = self.probabilities(text, lang, rule_features)
        encoded = self.encoder_probabilities(text)
        crisis = crisis_p >= self.thresholds["crisis"]
        encoder_crisis_p = None
        if encoded is not None:
            protect_p = (1.0 - self.blend_weight) * protect_p + self.blend_weight * encoded[0]
            encoder_crisis_p = encoded[1]
            crisis = crisis or encoder_crisis_p >= self.thresholds["encoder_crisis"]
        protect_threshold = self.thresholds["protect"]
        if is_short(text, self.params):
            protect_threshold = self.thresholds.get("protect_short", protect_threshold)
        elif is_long(text, self.params):
            protect_threshold = self.thresholds.get("protect_long", protect_threshold)
        return Scores(protect_p, crisis_p, protect_p >= protect_threshold, crisis, encoder_crisis_p)


def load_classifier(model_dir: Path = MODEL_DIR) -> LinearClassifier | None:
    """The shipped model, or None when it has not been trained yet (rules alone then decide)."""
    weights, params_file = model_dir / WEIGHTS_FILE.name, model_dir / PARAMS_FILE.name
    if not weights.exists() or not params_file.exists():
        return None
    params = json.loads(params_file.read_text(encoding="utf-8"))
    with np.load(weights, allow_pickle=False) as data:
        coef = data["coef"].astype(np.float64)
        intercept = data["intercept"].astype(np.float64)
        idf = data["idf"].astype(np.float64)
        heads = None
        if "encoder_w1" in data:
            heads = EncoderHeads.from_arrays(data)
    encoder = SentenceEncoder() if heads is not None else None
    return LinearClassifier(coef, intercept, idf, params, encoder_heads=heads, encoder=encoder)
