"""Table test for SubstanceUseRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

from chalicelib.detect.recognizers import SubstanceUseRecognizer
from tests.detect.recognizers.table import table_tests


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


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    lambda lang: [SubstanceUseRecognizer(supported_language=lang)], MUST_MATCH, MUST_NOT_MATCH
)
