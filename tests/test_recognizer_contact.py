"""Table test for Presidio's EMAIL_ADDRESS and PHONE_NUMBER recognizers as PageGuard configures them."""

from __future__ import annotations

import pytest

from chalicelib.detection import _patch_tldextract
from chalicelib.recognizers import contact_recognizers


@pytest.fixture(scope="module")
def recognizers():
    _patch_tldextract()  # the email recognizer must never fetch the public-suffix list
    return {"en": contact_recognizers("en"), "es": contact_recognizers("es")}


def found(recognizers, text: str) -> set[tuple[str, int, int]]:
    return {(r.entity_type, r.start, r.end) for rec in recognizers for r in rec.analyze(text, entities=None)}


# fmt: off
MUST_MATCH = [
    ("en", "email me at jenna.morales88@gmail.com please", "EMAIL_ADDRESS", "jenna.morales88@gmail.com"),
    ("en", "call me at (212) 555-0187 to book", "PHONE_NUMBER", "(212) 555-0187"),
    ("es", "mi whatsapp es +34 678 872 341", "PHONE_NUMBER", "+34 678 872 341"),
]
MUST_NOT_MATCH = [
    ("en", "the session was on 03/14 at 10:30", "PHONE_NUMBER"),
    ("en", "it costs 120 dollars", "PHONE_NUMBER"),
    ("en", "love this post", "EMAIL_ADDRESS"),
]
# fmt: on


@pytest.mark.parametrize("lang, text, entity, part", MUST_MATCH)
def test_when_contact_present_then_exact_span_found(recognizers, lang, text, entity, part):
    start = text.index(part)
    assert (entity, start, start + len(part)) in found(recognizers[lang], text)


@pytest.mark.parametrize("lang, text, entity", MUST_NOT_MATCH)
def test_when_no_contact_then_nothing_found(recognizers, lang, text, entity):
    assert not {f for f in found(recognizers[lang], text) if f[0] == entity}
