"""Table test for DisabilityRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

import pytest

from chalicelib.recognizers import DisabilityRecognizer


@pytest.fixture(scope="module")
def recognizers():
    return {"en": DisabilityRecognizer(supported_language="en"), "es": DisabilityRecognizer(supported_language="es")}


def found(recognizer, text: str) -> set[tuple[str, int, int]]:
    return {(r.entity_type, r.start, r.end) for r in recognizer.analyze(text, entities=None)}


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


# fmt: off
MUST_MATCH = [
    ('en', "as a wheelchair user I'd love seated versions", 'DISABILITY', 'wheelchair user'),
    ('en', 'my daughter is legally blind', 'DISABILITY', 'legally blind'),
    ('en', 'my son is nonverbal', 'DISABILITY', 'nonverbal'),
    ('es', 'mi hijo tiene discapacidad', 'DISABILITY', 'discapacidad'),
    ('es', 'uso silla de ruedas', 'DISABILITY', 'silla de ruedas'),
]

MUST_NOT_MATCH = [
    ('en', 'candy cane season!', 'DISABILITY'),
    ('en', 'great post', 'DISABILITY'),
    ('es', 'excelente publicación', 'DISABILITY'),
]
# fmt: on


@pytest.mark.parametrize("lang, text, entity, part", MUST_MATCH)
def test_when_term_present_then_exact_span_found(recognizers, lang, text, entity, part):
    start, end = span(text, part)
    assert (entity, start, end) in found(recognizers[lang], text)


@pytest.mark.parametrize("lang, text, entity", MUST_NOT_MATCH)
def test_when_term_absent_then_no_entity(recognizers, lang, text, entity):
    assert not {f for f in found(recognizers[lang], text) if f[0] == entity}
