"""Table test for MedicationRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

from chalicelib.detect.recognizers import MedicationRecognizer
from tests.detect.recognizers.table import table_tests


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


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    lambda lang: [MedicationRecognizer(supported_language=lang)], MUST_MATCH, MUST_NOT_MATCH
)
