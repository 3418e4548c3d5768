"""Table test for MedicationRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

import pytest

from chalicelib.recognizers import MedicationRecognizer


@pytest.fixture(scope="module")
def recognizers():
    return {"en": MedicationRecognizer(supported_language="en"), "es": MedicationRecognizer(supported_language="es")}


def found(recognizer, text: str) -> set[tuple[str, int, int]]:
    return {(r.entity_type, r.start, r.end) for r in recognizer.analyze(text, entities=None)}


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


# fmt: off
MUST_MATCH = [
    ('en', 'my Zoloft dose went up', 'MEDICATION', 'Zoloft'),
    ('en', 'on sertraline since March', 'MEDICATION', 'sertraline'),
    ('en', 'I take 20mg of Adderall', 'MEDICATION', '20mg'),
    ('en', 'I take 20mg of Adderall', 'MEDICATION', 'Adderall'),
    ('en', 'forgot my meds again', 'MEDICATION', 'meds'),
    ('es', 'tomo clonazepam a la noche', 'MEDICATION', 'clonazepam'),
    ('es', 'me recetaron antidepresivos', 'MEDICATION', 'antidepresivos'),
]

MUST_NOT_MATCH = [
    ('en', 'great post, thank you', 'MEDICATION'),
    ('en', 'the meeting is at 10', 'MEDICATION'),
    ('es', 'hola, atienden los sábados?', 'MEDICATION'),
]
# fmt: on


@pytest.mark.parametrize("lang, text, entity, part", MUST_MATCH)
def test_when_term_present_then_exact_span_found(recognizers, lang, text, entity, part):
    start, end = span(text, part)
    assert (entity, start, end) in found(recognizers[lang], text)


@pytest.mark.parametrize("lang, text, entity", MUST_NOT_MATCH)
def test_when_term_absent_then_no_entity(recognizers, lang, text, entity):
    assert not {f for f in found(recognizers[lang], text) if f[0] == entity}
