"""Table test for TreatmentRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

from chalicelib.detect.recognizers import TreatmentRecognizer
from tests.detect.recognizers.table import table_tests


# fmt: off
MUST_MATCH = [
    ('en', 'is EMDR evidence based?', 'TREATMENT', 'EMDR'),
    ('en', 'since I started EMDR with you', 'THERAPY_RELATIONSHIP', 'started EMDR with you'),
    ('en', 'see you at my Tuesday session!', 'THERAPY_RELATIONSHIP', 'my Tuesday session'),
    ('en', "thanks for last week's session", 'THERAPY_RELATIONSHIP', "thanks for last week's session"),
    ('en', "my therapist says I'm doing better", 'CARE_PROVIDER', 'therapist'),
    ('en', 'two weeks into rehab', 'TREATMENT', 'rehab'),
    ('es', 'nos vemos en mi sesión del jueves', 'THERAPY_RELATIONSHIP', 'mi sesión del jueves'),
    ('es', 'mi psicóloga me dijo que', 'CARE_PROVIDER', 'psicóloga'),
    ('en', 'can we move my 3pm thursday to friday?', 'THERAPY_RELATIONSHIP', 'move my 3pm'),
    ('en', 'need to cancel tomorrow, sorry', 'THERAPY_RELATIONSHIP', 'cancel tomorrow'),
    ('en', "tysm for today's session!!", 'THERAPY_RELATIONSHIP', "tysm for today's session"),
    ('en', "it's Jo from your Thursday group", 'THERAPY_RELATIONSHIP', "it's Jo from your Thursday group"),
    ('en', 'we met in your Thursday group', 'THERAPY_RELATIONSHIP', 'in your Thursday group'),
    ('en', 'running 10 min late today, sorry!', 'THERAPY_RELATIONSHIP', 'running 10 min late'),
    ('es', 'llego 10 min tarde a la sesión', 'THERAPY_RELATIONSHIP', 'llego 10 min tarde'),
    ('en', "I'm in the Wednesday DBT group", 'THERAPY_RELATIONSHIP', "I'm in the Wednesday DBT group"),
    ('en', "I'm a current client of Dr. Patel", 'THERAPY_RELATIONSHIP', "I'm a current client"),
    ('en', 'can I get a superbill for my sessions?', 'THERAPY_RELATIONSHIP', 'superbill for my sessions'),
    ('en', 'see you for my 10am!', 'THERAPY_RELATIONSHIP', 'my 10am'),
    ('es', 'puedo pasar mi turno de las 5?', 'THERAPY_RELATIONSHIP', 'pasar mi turno de las 5'),
    ('es', 'soy del grupo de los jueves', 'THERAPY_RELATIONSHIP', 'del grupo de los jueves'),
    ('es', 'me mandás mi última factura?', 'THERAPY_RELATIONSHIP', 'mi última factura'),
]

MUST_NOT_MATCH = [
    ('en', 'are you accepting new clients?', 'THERAPY_RELATIONSHIP'),
    ('en', 'what are your hours on saturdays', 'TREATMENT'),
    ('en', 'how long is a first session?', 'THERAPY_RELATIONSHIP'),
    ('es', 'cuánto sale la sesión?', 'THERAPY_RELATIONSHIP'),
    ('en', 'will today\'s session be recorded?', 'THERAPY_RELATIONSHIP'),
    ('en', 'do you run a thursday group?', 'THERAPY_RELATIONSHIP'),
    ('en', 'do you send invoices by email?', 'THERAPY_RELATIONSHIP'),
    ('en', 'running late to literally everything this week lol', 'THERAPY_RELATIONSHIP'),
    ('en', 'my 3pm meeting got moved', 'THERAPY_RELATIONSHIP'),
    ('es', 'no soy paciente tuya pero te sigo', 'THERAPY_RELATIONSHIP'),
    ('es', 'llego tarde a todo esta semana', 'THERAPY_RELATIONSHIP'),
    ('es', '¿hacen factura?', 'THERAPY_RELATIONSHIP'),
]
# fmt: on


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    lambda lang: [TreatmentRecognizer(supported_language=lang)], MUST_MATCH, MUST_NOT_MATCH
)
