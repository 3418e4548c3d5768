"""Table test for SexualHealthRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

from chalicelib.detect.recognizers import SexualHealthRecognizer
from tests.detect.recognizers.table import table_tests


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


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    lambda lang: [SexualHealthRecognizer(supported_language=lang)], MUST_MATCH, MUST_NOT_MATCH
)
