"""A label never flips on typography: curly quotes, invisible characters, soft hyphens, fullwidth
letters, ALL CAPS and missing punctuation read as the plain text does, and spans map back to the
text as it arrived."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.detect.normalize import normalize

# One plain example per pattern family (crisis kinds and disclosure entity types), English and Spanish.
FAMILIES = [
    ("I can't do this anymore, I want to end it tonight", "crisis"),  # suicide
    ("I don't want to live anymore", "crisis"),  # suicide, contraction
    ("I'm going to kill myself", "crisis"),  # suicide
    ("I've been cutting myself again, it's bad tonight", "crisis"),  # self-harm now
    ("I'm going to hurt him, I've got the knife ready", "crisis"),  # harm to others
    ("I took a whole bottle of pills and I can't stop shaking", "crisis"),  # overdose
    ("my son's ADHD meds stopped working", "sensitive"),  # condition + medication
    ("I've been on sertraline 100mg since March", "sensitive"),  # medication
    ("see you at my Tuesday session, Dr. Lee", "sensitive"),  # therapy relationship
    ("I'm 6 months sober today and it's hard", "sensitive"),  # substance use
    ("I'm HIV positive and scared to tell my partner", "sensitive"),  # sexual health
    ("my daughter's autism assessment is next week", "sensitive"),  # disability / condition
    ("Ya no quiero vivir, no aguanto más", "crisis"),  # Spanish suicide
    ("Mi hijo toma metilfenidato para el TDAH", "sensitive"),  # Spanish medication
    ("great tips for anxiety, thanks for sharing", "ok"),
    ("are you accepting new clients? what's your fee?", "ok"),
]

INVISIBLE = ["\u200b", "\u00ad", "\u200c", "\u200d", "\u2060", "\ufeff"]


def curly(text: str) -> str:
    return text.replace("'", "\u2019")


def zero_width(text: str) -> str:
    # inside every word of 4+ letters, after its second letter
    return re.sub(r"\b(\w\w)(\w\w+)", "\\1\u200b\\2", text)


def soft_hyphen(text: str) -> str:
    return re.sub(r"\b(\w\w\w)(\w\w+)", "\\1\u00ad\\2", text)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def no_punctuation(text: str) -> str:
    return re.sub(r"[^\w\s]", "", text)


VARIANTS = {
    "curly": curly,
    "zero_width": zero_width,
    "soft_hyphen": soft_hyphen,
    "fullwidth": fullwidth,
    "all_caps": str.upper,
    "no_punctuation": no_punctuation,
    "caps_curly_no_punct": lambda t: no_punctuation(curly(t)).upper(),
}


@pytest.mark.parametrize("text,label", FAMILIES, ids=[t[:30] for t, _ in FAMILIES])
def test_plain_examples_have_the_expected_label(detector, text: str, label: str) -> None:
    assert detector.detect(text).label.value == label


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("text,label", FAMILIES, ids=[t[:30] for t, _ in FAMILIES])
def test_typographic_variants_keep_the_label(detector, text: str, label: str, variant: str) -> None:
    changed = VARIANTS[variant](text)
    assert detector.detect(changed).label.value == label, changed


def test_entity_spans_point_into_the_text_as_it_arrived(detector) -> None:
    text = "my son\u2019s AD\u200bHD me\u00adds stopped working"
    verdict = detector.detect(text)
    assert verdict.label.value == "sensitive"
    found = {text[e.start : e.end].replace("\u200b", "").replace("\u00ad", "").lower() for e in verdict.entities}
    assert "adhd" in found


def test_lone_surrogates_and_other_odd_characters_are_judged_not_raised(detector) -> None:
    text = json.loads('"I want to kill myself \\ud83d tonight \\uffff"')
    assert detector.detect(text).label.value == "crisis"


def test_offsets_map_back_for_every_character() -> None:
    text = "ｋｉｌｌ e\u0301 \u00ad’x\ud800"
    normalized = normalize(text)
    assert normalized.text == "kill é 'x\ufffd"
    for i in range(len(normalized.text)):
        start, end = normalized.to_original(i, i + 1)
        assert 0 <= start < end <= len(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    index=st.integers(min_value=0, max_value=len(FAMILIES) - 1),
    inserts=st.lists(st.tuples(st.integers(min_value=0, max_value=200), st.sampled_from(INVISIBLE)), max_size=8),
)
def test_inserting_invisible_characters_never_changes_a_label(detector, index: int, inserts) -> None:
    text, _ = FAMILIES[index]
    expected = detector.detect(text).label
    changed = text
    for position, char in inserts:
        at = position % (len(changed) + 1)
        changed = changed[:at] + char + changed[at:]
    assert detector.detect(changed).label is expected
