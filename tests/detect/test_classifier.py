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


def test_every_length_band_is_its_own_feature_and_a_model_without_bands_gets_none():
    params = dict(clf.DEFAULT_PARAMS, length_buckets=[4, 12, 40])
    bands = [next(k for k in clf.feature_keys(" ".join(["word"] * n), "en", [], params)[1] if k.startswith("len|<") or
                  k.startswith("len|>")) for n in (1, 4, 5, 12, 13, 40, 41, 500)]
    assert bands == ["len|<=4", "len|<=4", "len|<=12", "len|<=12", "len|<=40", "len|<=40", "len|>40", "len|>40"]
    without = {k: v for k, v in clf.DEFAULT_PARAMS.items() if k != "length_buckets"}
    _, rules = clf.feature_keys(" ".join(["word"] * 50), "en", [], without)
    assert not [k for k in rules if k.startswith("len|")]


@pytest.mark.skipif(not clf.WEIGHTS_FILE.exists(), reason="model not trained (make train)")
def test_model_files_are_plain_arrays_and_predict_probabilities():
    with np.load(clf.WEIGHTS_FILE, allow_pickle=False) as data:
        assert set(data.files) == {"coef", "intercept", "idf", "encoder_w1", "encoder_b1", "encoder_w2", "encoder_b2"}
        assert data["coef"].shape == (2, 1 << json.loads(clf.PARAMS_FILE.read_text())["n_features_log2"])
    model = clf.load_classifier()
    assert model is not None
    p_protect, p_crisis = model.probabilities("I want to end it all tonight", "en", [])
    assert 0.0 <= p_protect <= 1.0 and 0.0 <= p_crisis <= 1.0
    # Session 23's model: a long band with its own threshold and the floor for long texts the rules found nothing in.
    assert set(model.thresholds) == {"protect", "protect_short", "protect_long", "protect_long_unfound", "crisis",
                                     "encoder_crisis"}
    assert model.thresholds["protect_long_unfound"] >= model.thresholds["protect_long"]


def _model_with_protect_scores(protect_p: float, params: dict) -> clf.LinearClassifier:
    # One feature-free model whose protect head always returns protect_p (its intercept) and whose
    # crisis head never fires: only the protect thresholds decide.
    n = 1 << params["n_features_log2"]
    logit = float(np.log(protect_p / (1 - protect_p)))
    return clf.LinearClassifier(np.zeros((2, n)), np.array([logit, -20.0]), np.ones(n), params)


def test_a_short_text_is_judged_against_the_short_threshold_and_a_longer_one_against_protect():
    params = dict(clf.DEFAULT_PARAMS, thresholds={"protect": 0.52, "protect_short": 0.42, "crisis": 0.2})
    model = _model_with_protect_scores(0.47, params)
    assert params["short_words"] == 8
    assert model.predict("eight words exactly in this short comment here", "en", []).protect
    assert not model.predict("nine words is one more than a short comment has", "en", []).protect


def test_a_long_text_is_judged_against_the_long_threshold():
    params = dict(clf.DEFAULT_PARAMS, short_words=2, long_words=5,
                  thresholds={"protect": 0.52, "protect_short": 0.42, "protect_long": 0.45, "crisis": 0.2})
    model = _model_with_protect_scores(0.47, params)
    assert model.predict("six words make this a long text", "en", []).protect
    assert not model.predict("five words is not long", "en", []).protect
    without = {k: v for k, v in params.items() if k != "long_words"}
    assert not _model_with_protect_scores(0.47, without).predict("six words make this a long text", "en", []).protect


def test_a_model_without_a_short_threshold_uses_protect_for_every_length():
    params = {k: v for k, v in clf.DEFAULT_PARAMS.items() if k != "short_words"}
    model = _model_with_protect_scores(0.47, dict(params, thresholds={"protect": 0.52, "crisis": 0.2}))
    assert not model.predict("two words", "en", []).protect


def test_runtime_classifier_does_not_import_sklearn_or_scipy():
    code = "import sys, chalicelib.detect.classifier as c; c.load_classifier(); print('sklearn' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_encoder_heads_compute_what_sklearn_trained():
    # The runtime evaluates the MLP heads in numpy; they must give sklearn's own probabilities.
    sklearn = pytest.importorskip("sklearn.neural_network")
    sys.path.insert(0, str(REPO / "scripts"))
    from train_classifier import encoder_head_arrays

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 512)).astype(np.float32)
    y_protect = (x[:, 0] + x[:, 1] > 0).astype(int)
    y_crisis = (x[:, 2] > 0.5).astype(int)
    heads = []
    for y in (y_protect, y_crisis):
        model = sklearn.MLPClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0)
        model.fit(x, y)
        heads.append(model)
    arrays = encoder_head_arrays(heads)
    runtime = clf.EncoderHeads.from_arrays(arrays)
    for row in x[:20]:
        expected = [h.predict_proba(row[None, :])[0, 1] for h in heads]
        assert np.allclose(runtime.probabilities(row.astype(np.float64)), expected, atol=1e-5)
    # A batch (training's calibration figures, reused heads) gives the same numbers.
    batch = runtime.probabilities(x[:20])
    assert batch.shape == (20, 2)
    assert np.allclose(batch, [[h.predict_proba(r[None, :])[0, 1] for h in heads] for r in x[:20]], atol=1e-5)


def test_encoder_heads_are_reused_only_from_a_run_on_the_same_training_items(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier as tc

    items = [{"id": f"a-{i}", "_group": "w1" if i < 2 else "w2", "text": f"text {i}"} for i in range(4)]
    gold = np.array([0, 1, 2, 0])
    train_idx = np.array([0, 1, 2])
    meta = {"corpus_sha256": "abc", "writer_held_out_folds": 2, "encoder": tc.ENCODER_NAME,
            "encoder_heads": tc.ENCODER_HEADS, "punctuation_free_copies": tc.PUNCTUATION_FREE_COPIES}
    (tmp_path / clf.PARAMS_FILE.name).write_text(json.dumps(meta))
    shapes = {"w1": (2, 512, 4), "b1": (2, 4), "w2": (2, 4), "b2": (2,)}
    arrays = {f"encoder_{k}": np.full(shape, i, dtype=np.float32) for i, (k, shape) in enumerate(shapes.items())}
    np.savez(tmp_path / clf.WEIGHTS_FILE.name, **arrays)
    oof = tmp_path / "oof.jsonl"
    labels = ("ok", "sensitive", "crisis")
    oof.write_text("".join(json.dumps({"id": items[i]["id"], "writer": items[i]["_group"], "gold": labels[gold[i]],
                                       "encoder_p": [0.1 * i, 0.2 * i]}) + "\n" for i in train_idx))

    encoded, reused = tc.reused_encoder(tmp_path, oof, items, gold, train_idx, "abc", 2)
    assert encoded.tolist() == [[0.0, 0.0], [0.1, 0.2], [0.2, 0.4], [0.0, 0.0]]
    assert all(np.array_equal(reused[k], arrays[k]) for k in arrays)
    with pytest.raises(SystemExit, match="corpus_sha256"):
        tc.reused_encoder(tmp_path, oof, items, gold, train_idx, "another corpus", 2)
    with pytest.raises(SystemExit, match="writer_held_out_folds"):
        tc.reused_encoder(tmp_path, oof, items, gold, train_idx, "abc", 3)
    relabelled = np.array([0, 0, 2, 0])
    with pytest.raises(SystemExit, match="not this run's training items"):
        tc.reused_encoder(tmp_path, oof, items, relabelled, train_idx, "abc", 2)


def test_the_held_out_writers_are_never_read_by_training():
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier

    trained = {p.resolve() for pattern in train_classifier.CORPUS_GLOBS for p in REPO.glob(pattern)}
    held_out = {p.resolve() for p in (REPO / "data" / "corpus" / "heldout").glob("*.jsonl")}
    assert held_out and not (held_out & trained)


def test_short_and_long_thresholds_are_chosen_each_within_the_false_positive_budget():
    # Short items score lower on both sides, and (with long chatter in training) long ones too: one
    # threshold for all leaves their disclosures behind.
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier as tc

    rng = np.random.default_rng(0)
    n = 6000
    band = rng.choice([tc.MIDDLE, tc.SHORT, tc.LONG], size=n, p=[0.5, 0.3, 0.2])
    gold = rng.choice([0, 1], size=n)
    shift = np.select([band == tc.SHORT, band == tc.LONG], [0.15, 0.2], 0.0)
    protect_p = np.clip(np.where(gold == 1, 0.75, 0.3) - shift + rng.normal(0, 0.1, n), 0.01, 0.99)
    z = np.stack([np.log(protect_p / (1 - protect_p)), np.full(n, -10.0)], axis=1)
    encoded = np.stack([protect_p, np.zeros(n)], axis=1)
    rule = np.zeros(n, dtype=int)
    th = {"protect": 0.52, "crisis": 0.5, "encoder_crisis": 1.01, "blend_weight": 0.5}
    words = np.select([band == tc.SHORT, band == tc.LONG], [5, 60], 20)
    split = tc.split_protect_threshold(z, encoded, gold, rule, band, words, th)
    assert split["protect_short"] < split["protect"] and split["protect_long"] < split["protect"]
    pred = tc.combined(z, encoded, rule, split, band, words)
    one = tc.combined(z, encoded, rule, th, np.full(n, tc.MIDDLE), words)
    assert tc.report(gold, pred)["fpr_ok"] <= tc.OK_FPR_BUDGET
    assert tc.report(gold, pred)["protect_recall"] > tc.report(gold, one)["protect_recall"]



def test_each_band_threshold_is_what_trying_every_threshold_in_that_band_finds(monkeypatch):
    # Each band is chosen alone against its own budget; check it against labelling every item of the band
    # for every threshold on a small grid.
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier as tc

    monkeypatch.setattr(tc, "PROTECT_GRID", np.array([0.3, 0.4, 0.5, 0.6, 0.7]))
    rng = np.random.default_rng(1)
    n = 3000
    band = rng.choice([tc.MIDDLE, tc.SHORT, tc.LONG], size=n)
    gold = rng.choice([0, 1, 2], size=n, p=[0.5, 0.35, 0.15])
    protect_p = np.clip(np.where(gold > 0, 0.65, 0.35) + rng.normal(0, 0.15, n), 0.01, 0.99)
    crisis_p = np.clip(np.where(gold == 2, 0.6, 0.1) + rng.normal(0, 0.2, n), 0.01, 0.99)
    z = np.log(np.stack([protect_p, crisis_p], axis=1) / (1 - np.stack([protect_p, crisis_p], axis=1)))
    encoded = np.stack([protect_p, np.zeros(n)], axis=1)
    rule, words = np.zeros(n, dtype=int), np.full(n, 20)
    th = {"protect": 0.5, "crisis": 0.5, "encoder_crisis": 1.01, "blend_weight": 0.0}
    split = tc.split_protect_threshold(z, encoded, gold, rule, band, words, th)
    for b, name in ((tc.MIDDLE, "protect"), (tc.SHORT, "protect_short"), (tc.LONG, "protect_long")):
        g = gold[band == b]
        best_key, best = None, None
        for t in tc.PROTECT_GRID:
            trial = dict(th, protect=float(t), protect_short=float(t), protect_long=float(t))
            pred = tc.combined(z, encoded, rule, trial, band, words)[band == b]
            fpr = float((pred[g == 0] > 0).mean())
            if fpr > tc.OK_FPR_BUDGET:
                continue
            key = (-int(((g == 2) & (pred == 0)).sum()), round(float((pred[g > 0] > 0).mean()), 4), -fpr)
            if best_key is None or key > best_key:
                best_key, best = key, float(t)
        assert split[name] == (best if best is not None else float(tc.PROTECT_GRID[-1]))


def test_a_band_no_threshold_can_keep_within_budget_gets_the_highest():
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier as tc

    n = 200
    band = np.where(np.arange(n) < 100, tc.MIDDLE, tc.LONG)
    gold = np.tile([0, 1], n // 2)
    # Long ok items score as high as anything: no threshold on the grid keeps their FPR within budget.
    protect_p = np.where(band == tc.LONG, 0.99, np.where(gold == 1, 0.9, 0.1))
    z = np.stack([np.log(protect_p / (1 - protect_p)), np.full(n, -10.0)], axis=1)
    encoded = np.stack([protect_p, np.zeros(n)], axis=1)
    th = {"protect": 0.5, "crisis": 0.5, "encoder_crisis": 1.01, "blend_weight": 0.0}
    split = tc.split_protect_threshold(z, encoded, gold, np.zeros(n, dtype=int), band, np.full(n, 20), th)
    assert split["protect_long"] == float(tc.PROTECT_GRID[-1])
    assert split["protect"] < 0.9


def test_length_bands_follow_the_runtime_rules():
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier as tc

    params = dict(clf.DEFAULT_PARAMS, short_words=2, long_words=4)
    bands = tc.length_bands(["one two", "one two three", "one two three four", "one two three four five"], params)
    assert bands.tolist() == [tc.SHORT, tc.MIDDLE, tc.MIDDLE, tc.LONG]
    without = {k: v for k, v in params.items() if k != "long_words"}
    assert tc.length_bands(["one two three four five"], without).tolist() == [tc.MIDDLE]


def test_the_threshold_grid_applies_the_engines_crisis_guards():
    # make train must choose thresholds for the labels the app gives: compare the grid's formula with
    # engine._run's guards on the same scores.
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier as tc

    from chalicelib.detect import engine

    long_words, few = engine.LONG_TEXT_WORDS + 1, engine.ENCODER_MIN_WORDS - 1
    cases = [  # (words, n-gram crisis p, encoder crisis p, rule crisis, expected crisis)
        (10, 0.6, 0.0, False, True),  # n-gram head alone
        (10, 0.1, 0.9, False, True),  # encoder alone
        (few, 0.1, 0.9, False, False),  # encoder alone on one or two words: not enough
        (long_words, 0.35, 0.01, False, False),  # long text, the encoder does not lean crisis at all
        (long_words, 0.01, 0.95, False, False),  # long text, the n-gram head does not
        (long_words, 0.35, engine.LONG_TEXT_HEADS_AGREE, False, True),  # both lean the same way
        (long_words, 0.1, 0.01, True, True),  # the rules' crisis always stands
    ]
    words = np.array([c[0] for c in cases])
    got = tc.crisis_predicted(np.array([c[1] for c in cases]), np.array([c[2] for c in cases]),
                              np.array([2 if c[3] else 0 for c in cases]), words, 0.3, 0.5)
    assert got.tolist() == [c[4] for c in cases]

    # The same cases through the engine's own guard functions (its twin), so a change to either shows here.
    def engine_crisis(n_words, ngram_p, encoder_p, rule_crisis):
        text = " ".join(["word"] * n_words)
        scores = clf.Scores(0.1, ngram_p, False, ngram_p >= 0.3 or encoder_p >= 0.5, encoder_p)
        raised = scores.crisis and (ngram_p >= 0.3 or not engine._too_few_words(text)) and (
            not engine._long_crisis_heads_disagree(text, scores))
        return rule_crisis or raised

    assert [engine_crisis(*c[:4]) for c in cases] == got.tolist()


def test_the_grid_applies_the_engines_floor_for_long_texts_the_rules_found_nothing_in(detector):
    # The grid's protect decision must be the engine's: compare protect_predicted with
    # engine._long_unfound_and_unsure on real assessments of a long text with and without a finding.
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier as tc

    from chalicelib.detect import engine

    chatter = ("made the soup from your post last night and it was a hit, even the fussy one went back for seconds "
               "which never happens, I added a bit of smoked paprika and swapped the spinach for kale because that "
               "is what we had in the fridge, do you think it would freeze, I want to make a big batch on Sunday")
    texts = [chatter, chatter + " and my antidepressants make me so hungry lately", "just the soup thanks"]
    floor, threshold = 0.7, 0.5
    for protect_p in (0.45, 0.6, 0.75):
        got, want = [], []
        for text in texts:
            _t, _l, _h, assessment = detector.assess(text)
            unfound = engine.word_count(text) > engine.LONG_TEXT_WORDS and not assessment.findings
            got.append(bool(tc.protect_predicted(np.array([protect_p]), threshold, np.array([unfound]), floor)[0]))
            scores = clf.Scores(protect_p, 0.01, protect_p >= threshold, False, 0.01)
            want.append(scores.protect and not engine._long_unfound_and_unsure(text, assessment, scores, floor))
        assert got == want


def test_the_long_band_chooses_its_floor_for_unfound_texts_within_the_budget():
    # Long texts the rules found nothing in score higher for their length alone (ok ones too): a floor for
    # them lets the long threshold come down for the rest, within the same budget.
    sys.path.insert(0, str(REPO / "scripts"))
    import train_classifier as tc

    rng = np.random.default_rng(2)
    n = 4000
    band = np.full(n, tc.LONG)
    gold = rng.choice([0, 1], size=n)
    unfound = rng.random(n) < 0.4
    protect_p = np.clip(np.where(gold == 1, 0.65, 0.35) + np.where(unfound & (gold == 0), 0.25, 0.0)
                        + rng.normal(0, 0.1, n), 0.01, 0.99)
    z = np.stack([np.log(protect_p / (1 - protect_p)), np.full(n, -10.0)], axis=1)
    encoded = np.stack([protect_p, np.zeros(n)], axis=1)
    rule, words = np.zeros(n, dtype=int), np.full(n, 60)
    th = {"protect": 0.5, "crisis": 0.5, "encoder_crisis": 1.01, "blend_weight": 0.0}
    with_floor = tc.split_protect_threshold(z, encoded, gold, rule, band, words, th, unfound)
    without = tc.split_protect_threshold(z, encoded, gold, rule, band, words, th)
    assert with_floor["protect_long_unfound"] > with_floor["protect_long"]
    assert "protect_long_unfound" not in without
    pred = tc.combined(z, encoded, rule, with_floor, band, words, unfound)
    plain = tc.combined(z, encoded, rule, without, band, words)
    assert tc.report(gold, pred)["fpr_ok"] <= tc.OK_FPR_BUDGET
    assert tc.report(gold, pred)["protect_recall"] > tc.report(gold, plain)["protect_recall"]
