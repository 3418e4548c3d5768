"""Long and hostile comments: detection reads a bounded view, yet finds what a long comment hides."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.detect.bounded import MAX_HITS, judged_view
from chalicelib.detect.normalize import normalize

# No view is longer than this, whatever the input (the head, the windows and their gaps).
VIEW_BOUND = 2000

BENIGN_SENTENCES = [
    "We loved the workshop last Saturday and the tips about sleep routines.",
    "Thanks so much for sharing this with everyone, the slides were really clear.",
    "The parking behind the building was easy and the coffee was great.",
    "I passed the flyer to the other parents at the school gate this morning.",
    "Looking forward to the next session of the series in the spring.",
    "The speaker had a lovely way of explaining things without jargon.",
]


def benign(chars: int, seed: int = 1) -> str:
    """A long, ordinary comment: varied sentences with nothing personal about health."""
    rng = random.Random(seed)
    return " ".join(rng.choice(BENIGN_SENTENCES) for _ in range(chars // 40 + 1))[:chars]


def test_a_crisis_at_the_end_of_a_long_comment_is_found(detector) -> None:
    text = benign(7900) + " honestly I am going to kill myself tonight"
    verdict = detector.detect(text)
    assert verdict.label.value == "crisis"
    assert all(text[e.start : e.end] for e in verdict.entities)


@pytest.mark.parametrize("chars", [1200, 2500, 4000, 7900])
def test_a_long_ordinary_comment_with_a_disclosure_is_sensitive_not_crisis(detector, chars: int) -> None:
    # The sentence encoder's embedding of a long text read in part is unlike any comment it was trained
    # on: alone it must not raise a crisis there (the rules and the n-gram head still can).
    half = chars // 2
    text = benign(half) + " my son's ADHD meds stopped working last week " + benign(half, seed=3)
    assert detector.detect(text).label.value == "sensitive"
    assert detector.detect(benign(chars, seed=4)).label.value == "ok"


def test_a_disclosure_in_the_middle_of_a_long_comment_is_found(detector) -> None:
    text = benign(4000) + " my son's ADHD meds stopped working last week " + benign(3900, seed=2)
    verdict = detector.detect(text)
    assert verdict.label.value == "sensitive"
    found = {text[e.start : e.end].lower() for e in verdict.entities}
    assert "adhd" in found


@pytest.mark.parametrize("unit,short_label", [
    ("5 mg ", None), ("adhd ", None), ("\U0001F62D", None), ("my son's adhd meds ", "sensitive"),
    ("i want to kill myself ", "crisis"),
])
def test_repeating_a_phrase_thousands_of_times_reads_like_three_times(detector, unit: str, short_label) -> None:
    long_text = (unit * 8000)[:8000]
    expected = detector.detect(unit * 3).label if short_label is None else short_label
    verdict = detector.detect(long_text)
    assert verdict.label == expected or verdict.label.value == expected
    assert len(verdict.entities) <= MAX_HITS
    assert all(0 <= e.start < e.end <= len(long_text) for e in verdict.entities)


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=0, max_size=8000))
def test_the_view_is_bounded_for_any_text(text: str) -> None:
    view = judged_view(normalize(text))
    assert len(view.text) <= VIEW_BOUND
    assert len(view.starts) == len(view.ends) == len(view.text)
    assert all(0 <= s <= e <= len(text) for s, e in zip(view.starts, view.ends))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(["adhd", "5", "mg", "my", "son", "😭", "kill", "x" * 70, "\u200b"]), max_size=3000))
def test_the_view_is_bounded_for_repetitive_word_soups(words: list[str]) -> None:
    text = " ".join(words)
    assert len(judged_view(normalize(text)).text) <= VIEW_BOUND


def test_short_texts_are_read_whole() -> None:
    text = "Thanks for this post. I was diagnosed with bipolar II last month."
    assert judged_view(normalize(text)).text == text
