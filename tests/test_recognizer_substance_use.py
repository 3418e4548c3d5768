"""Table test for SubstanceUseRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

import pytest

from chalicelib.recognizers import SubstanceUseRecognizer


@pytest.fixture(scope="module")
def recognizers():
    return {"en": SubstanceUseRecognizer(supported_language="en"), "es": SubstanceUseRecognizer(supported_language="es")}


def found(recognizer, text: str) -> set[tuple[str, int, int]]:
    return {(r.entity_type, r.start, r.end) for r in recognizer.analyze(text, entities=None)}


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


# fmt: off
MUST_MATCH = [
    ('en', 'I relapsed last night', 'SUBSTANCE_USE', 'relapsed'),
    ('en', '90 days clean today', 'SUBSTANCE_USE', 'days clean'),
    ('en', 'my husband is an alcoholic', 'SUBSTANCE_USE', 'alcoholic'),
    ('es', 'tuve una recaída', 'SUBSTANCE_USE', 'recaída'),
    ('es', 'volví a consumir cocaína', 'SUBSTANCE_USE', 'cocaína'),
    ('en', 'day 12 no drinking', 'SUBSTANCE_USE', 'no drinking'),
    ('es', 'un mes sin alcohol', 'SUBSTANCE_USE', 'sin alcohol'),
]

MUST_NOT_MATCH = [
    ('en', 'love this post', 'SUBSTANCE_USE'),
    ('en', 'I had a chocolate bar', 'SUBSTANCE_USE'),
    ('es', 'gracias por compartir', 'SUBSTANCE_USE'),
]
# fmt: on


@pytest.mark.parametrize("lang, text, entity, part", MUST_MATCH)
def test_when_term_present_then_exact_span_found(recognizers, lang, text, entity, part):
    start, end = span(text, part)
    assert (entity, start, end) in found(recognizers[lang], text)


@pytest.mark.parametrize("lang, text, entity", MUST_NOT_MATCH)
def test_when_term_absent_then_no_entity(recognizers, lang, text, entity):
    assert not {f for f in found(recognizers[lang], text) if f[0] == entity}
