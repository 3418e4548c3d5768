"""The learned stage: deterministic hashing, plain-array model files, and numpy-only inference."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from chalicelib.detect import classifier as clf

REPO = Path(__file__).resolve().parents[2]


def test_hashing_is_the_same_in_another_process():
    keys = ["w|anxiety", "c| my ", "r|rule:sensitive"]
    here = [clf.hash_key(k, 1 << 18) for k in keys]
    code = (
        "import sys; from chalicelib.detect.classifier import hash_key; "
        f"print([hash_key(k, 1 << 18) for k in {keys!r}])"
    )
    env = {"PYTHONHASHSEED": "12345", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, check=True)
    assert json.loads(out.stdout) == here


def test_feature_keys_fold_case_accents_and_digits():
    a, _ = clf.feature_keys("Depresión 2024", "es", [], clf.DEFAULT_PARAMS)
    b, _ = clf.feature_keys("depresion 1999", "es", [], clf.DEFAULT_PARAMS)
    assert a == b


@pytest.mark.skipif(not clf.WEIGHTS_FILE.exists(), reason="model not trained (make train)")
def test_model_files_are_plain_arrays_and_predict_probabilities():
    with np.load(clf.WEIGHTS_FILE, allow_pickle=False) as data:
        assert set(data.files) == {"coef", "intercept", "idf", "encoder_coef", "encoder_intercept"}
        assert data["coef"].shape == (2, 1 << json.loads(clf.PARAMS_FILE.read_text())["n_features_log2"])
    model = clf.load_classifier()
    assert model is not None
    p_protect, p_crisis = model.probabilities("I want to end it all tonight", "en", [])
    assert 0.0 <= p_protect <= 1.0 and 0.0 <= p_crisis <= 1.0
    assert set(model.thresholds) == {"protect", "crisis", "encoder_crisis"}


def test_runtime_classifier_does_not_import_sklearn_or_scipy():
    code = "import sys, chalicelib.detect.classifier as c; c.load_classifier(); print('sklearn' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.split() == ["False", "False"]
