"""Table test for SexualHealthRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

import pytest

from chalicelib.recognizers import SexualHealthRecognizer


@pytest.fixture(scope="module")
def recognizers():
    return {"en": SexualHealthRecognizer(supported_language="en"), "es": SexualHealthRecognizer(supported_language="es")}


def found(recognizer, text: str) -> set[tuple[str, int, int]]:
    return {(r.entity_type, r.start, r.end) for r in recognizer.analyze(text, entities=None)}


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


# fmt: off
MUST_MATCH = [
    ('en', "I'm 12 weeks pregnant", 'SEXUAL_HEALTH', 'pregnant'),
    ('en', 'after my miscarriage in June', 'SEXUAL_HEALTH', 'miscarriage'),
    ('en', 'just started PrEP', 'SEXUAL_HEALTH', 'PrEP'),
    ('en', "I'm HIV positive", 'SEXUAL_HEALTH', 'HIV positive'),
    ('en', 'six months on HRT', 'SEXUAL_HEALTH', 'HRT'),
    ('es', 'estoy embarazada de 8 semanas', 'SEXUAL_HEALTH', 'embarazada'),
    ('es', 'perdí el embarazo', 'SEXUAL_HEALTH', 'perdí el embarazo'),
]

MUST_NOT_MATCH = [
    ('en', 'we need to prep for the meeting', 'SEXUAL_HEALTH'),
    ('en', "I wasn't expecting this post to be so good", 'SEXUAL_HEALTH'),
    ('es', 'qué lindo día', 'SEXUAL_HEALTH'),
]
# fmt: on


@pytest.mark.parametrize("lang, text, entity, part", MUST_MATCH)
def test_when_term_present_then_exact_span_found(recognizers, lang, text, entity, part):
    start, end = span(text, part)
    assert (entity, start, end) in found(recognizers[lang], text)


@pytest.mark.parametrize("lang, text, entity", MUST_NOT_MATCH)
def test_when_term_absent_then_no_entity(recognizers, lang, text, entity):
    assert not {f for f in found(recognizers[lang], text) if f[0] == entity}
