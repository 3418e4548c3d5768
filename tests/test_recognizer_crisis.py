"""Table test for CrisisRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

from chalicelib.recognizers import CrisisRecognizer
from tests.recognizer_table import table_tests


# fmt: off
MUST_MATCH = [
    ('en', 'I want to kill myself', 'CRISIS_SUICIDE', 'kill myself'),
    ('en', "I'm on the bridge rn", 'CRISIS_SUICIDE', "I'm on the bridge"),
    ('en', 'gave away my cat today', 'CRISIS_SUICIDE', 'gave away my cat'),
    ('en', 'everyone would be better off without me', 'CRISIS_SUICIDE', 'better off without me'),
    ('en', 'I cut again last night', 'CRISIS_SELF_HARM', 'cut again'),
    ('en', "I'm going to hurt him when he gets home", 'CRISIS_HARM_OTHERS', 'going to hurt him'),
    ('en', 'my stepdad hits me when mom is at work', 'CRISIS_CHILD_AT_RISK', 'stepdad hits me'),
    ('en', 'took a bunch of my pills', 'CRISIS_OVERDOSE', 'took a bunch of my'),
    ('en', 'my toddler is acting really sleepy', 'CRISIS_EMERGENCY', 'acting really sleepy'),
    ('en', "I've been having suicidal thoughts", 'CRISIS_MENTION', 'suicidal'),
    ('es', 'quiero morir', 'CRISIS_SUICIDE', 'quiero morir'),
    ('es', 'estoy en el puente ahora mismo', 'CRISIS_SUICIDE', 'estoy en el puente'),
    ('es', 'hoy me volví a cortar', 'CRISIS_SELF_HARM', 'me volví a cortar'),
    # hopelessness, plans, lethality questions, threats, symptom emergencies
    ('en', "honestly I don't see the point anymore", 'CRISIS_SUICIDE', "don't see the point"),
    ('en', "it's ok, I've already decided. bye", 'CRISIS_SUICIDE', "I've already decided."),
    ('es', 'para q seguir así', 'CRISIS_SUICIDE', 'para q seguir'),
    ('es', 'cansada de existir', 'CRISIS_SUICIDE', 'cansada de existir'),
    ('en', 'how much tylenol is too much', 'CRISIS_OVERDOSE', 'how much tylenol is too much'),
    ('en', 'how many of my lithium would it take', 'CRISIS_OVERDOSE', 'how many of my lithium would it take'),
    ('es', 'qué pasa si me tomo una caja entera', 'CRISIS_OVERDOSE', 'qué pasa si me tomo una caja'),
    ('en', "they're gonna regret how they treated me", 'CRISIS_HARM_OTHERS', 'gonna regret how'),
    ('en', "tomorrow they'll all see", 'CRISIS_HARM_OTHERS', "tomorrow they'll all see"),
    ('es', 'se van a arrepentir', 'CRISIS_HARM_OTHERS', 'se van a arrepentir'),
    ('en', 'the urges to cut are loud tonight', 'CRISIS_SELF_HARM', 'urges to cut'),
    ('en', "chest is tight and can't catch my breath", 'CRISIS_EMERGENCY', "chest is tight and can't catch my breath"),
    ('en', 'the left side of my face feels numb', 'CRISIS_EMERGENCY', 'side of my face feels numb'),
    ('es', 'tiene la cara torcida de un lado', 'CRISIS_EMERGENCY', 'cara torcida'),
]

MUST_NOT_MATCH = [
    ('en', 'this post hits me hard', 'CRISIS_CHILD_AT_RISK'),
    ('en', 'I have a date tonight', 'CRISIS_SUICIDE'),
    ('en', 'this exercise will hurt my knees?', 'CRISIS_HARM_OTHERS'),
    ('en', "I can't wake up in the mornings", 'CRISIS_EMERGENCY'),
    ('es', 'me quiero morir de la vergüenza', 'CRISIS_SUICIDE'),
    ('es', 'me toca el turno del jueves', 'CRISIS_CHILD_AT_RISK'),
    ('es', 'me hice un corte de pelo', 'CRISIS_SELF_HARM'),
    ('en', 'how many sessions would it take to see results?', 'CRISIS_OVERDOSE'),
    ('en', "I've got a plan for my week: gym, journal, sleep", 'CRISIS_SUICIDE'),
    ('en', 'my chest gets tight when I think about work', 'CRISIS_EMERGENCY'),
    ('en', "you won't regret booking", 'CRISIS_HARM_OTHERS'),
    ('es', 'no doy más de cansancio', 'CRISIS_SUICIDE'),
    ('es', 'ya falta poco para las vacaciones', 'CRISIS_SUICIDE'),
    ('es', 'cuántas sesiones se necesitan?', 'CRISIS_OVERDOSE'),
    ('es', 'el médico no responde mis mensajes', 'CRISIS_EMERGENCY'),
]
# fmt: on


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    lambda lang: [CrisisRecognizer(supported_language=lang)], MUST_MATCH, MUST_NOT_MATCH
)
