"""Table test for HealthConditionRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

from chalicelib.detect.recognizers import HealthConditionRecognizer
from tests.detect.recognizers.table import table_tests


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


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    lambda lang: [HealthConditionRecognizer(supported_language=lang)], MUST_MATCH, MUST_NOT_MATCH
)
