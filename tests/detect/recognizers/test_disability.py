"""Table test for DisabilityRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

from chalicelib.detect.recognizers import DisabilityRecognizer
from tests.detect.recognizers.table import table_tests


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


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    lambda lang: [DisabilityRecognizer(supported_language=lang)], MUST_MATCH, MUST_NOT_MATCH
)
