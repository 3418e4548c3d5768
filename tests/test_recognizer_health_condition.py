"""Table test for HealthConditionRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

import pytest

from chalicelib.recognizers import HealthConditionRecognizer


@pytest.fixture(scope="module")
def recognizers():
    return {"en": HealthConditionRecognizer(supported_language="en"), "es": HealthConditionRecognizer(supported_language="es")}


def found(recognizer, text: str) -> set[tuple[str, int, int]]:
    return {(r.entity_type, r.start, r.end) for r in recognizer.analyze(text, entities=None)}


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


# fmt: off
MUST_MATCH = [
    ('en', "my son's ADHD meds stopped working", 'HEALTH_CONDITION', 'ADHD'),
    ('en', "I've had panic attacks since May", 'HEALTH_CONDITION', 'panic attacks'),
    ('en', "she was dx'd with bipolar disorder", 'HEALTH_CONDITION', 'bipolar'),
    ('en', 'my ptsd flares at night', 'HEALTH_CONDITION', 'ptsd'),
    ('en', 'I think I have ADD', 'HEALTH_CONDITION', 'ADD'),
    ('en', 'living with MS for years', 'HEALTH_CONDITION', 'MS'),
    ('en', 'my depresion is back', 'HEALTH_CONDITION', 'depresion'),
    ('es', 'mi hija tiene TDAH', 'HEALTH_CONDITION', 'TDAH'),
    ('es', 'tengo ataques de pánico', 'HEALTH_CONDITION', 'ataques de pánico'),
    ('es', 'mi depresión empeoró', 'HEALTH_CONDITION', 'depresión'),
]

MUST_NOT_MATCH = [
    ('en', 'Please add me to the list', 'HEALTH_CONDITION'),
    ('en', 'Thanks Ms. Rivera!', 'HEALTH_CONDITION'),
    ('en', 'do you take Aetna?', 'HEALTH_CONDITION'),
    ('en', 'I went to bed early', 'HEALTH_CONDITION'),
    ('es', 'cuánto sale la sesión?', 'HEALTH_CONDITION'),
]
# fmt: on


@pytest.mark.parametrize("lang, text, entity, part", MUST_MATCH)
def test_when_term_present_then_exact_span_found(recognizers, lang, text, entity, part):
    start, end = span(text, part)
    assert (entity, start, end) in found(recognizers[lang], text)


@pytest.mark.parametrize("lang, text, entity", MUST_NOT_MATCH)
def test_when_term_absent_then_no_entity(recognizers, lang, text, entity):
    assert not {f for f in found(recognizers[lang], text) if f[0] == entity}
