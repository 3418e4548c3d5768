"""Table test for CrisisRecognizer: must-match rows with exact spans, and must-not-match rows."""

from __future__ import annotations

import re as stdlib_re

import pytest

from chalicelib.detect.recognizers import CrisisRecognizer
from chalicelib.detect.vocab import compile_vocab_regex
from tests.detect.recognizers.table import table_tests


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
    # means acquisition, a high place plus a time, farewell/finality, lethality with a combination or quantity
    ('en', 'bought a rope today', 'CRISIS_SUICIDE', 'bought a rope'),
    ('en', "picked up a gun from my uncle's", 'CRISIS_SUICIDE', 'picked up a gun'),
    ('en', "borrowed my dad's gun this weekend", 'CRISIS_SUICIDE', "borrowed my dad's gun"),
    ('en', 'got enough pills saved', 'CRISIS_SUICIDE', 'got enough pills'),
    ('en', 'enough meds stashed now', 'CRISIS_SUICIDE', 'enough meds stashed'),
    ('es', 'compré una cuerda hoy', 'CRISIS_SUICIDE', 'compré una cuerda'),
    ('es', 'conseguí la escopeta de mi tío', 'CRISIS_SUICIDE', 'conseguí la escopeta'),
    ('es', 'ya tengo suficientes pastillas', 'CRISIS_SUICIDE', 'ya tengo suficientes pastillas'),
    ('en', "what's the highest bridge near the city centre? asking for tonight", 'CRISIS_SUICIDE', 'highest bridge near the city centre? asking for tonight'),
    ('en', 'which floor of the parking garage is the highest, heading there now', 'CRISIS_SUICIDE', 'floor of the parking garage is the highest, heading there'),
    ('en', 'where is the quietest overpass around here, heading over in a few minutes', 'CRISIS_SUICIDE', 'quietest overpass around here, heading over'),
    ('es', 'cuantos metros tiene el puente de la costanera? voy esta noche', 'CRISIS_SUICIDE', 'cuantos metros tiene el puente de la costanera? voy esta noche'),
    ('es', 'qué piso del estacionamiento es el más alto, voy para allá ahora', 'CRISIS_SUICIDE', 'piso del estacionamiento es el más alto, voy para allá'),
    ('en', "it's been nice knowing everyone here", 'CRISIS_SUICIDE', "it's been nice knowing everyone"),
    ('en', 'thanks for everything, this is my last post', 'CRISIS_SUICIDE', 'thanks for everything, this is my last'),
    ('en', 'someone please take care of my cat', 'CRISIS_SUICIDE', 'someone please take care of my cat'),
    ('en', 'tell my mom I love her', 'CRISIS_SUICIDE', 'tell my mom I love'),
    ('es', 'fue un gusto conocerlos a todos', 'CRISIS_SUICIDE', 'fue un gusto conocerlos'),
    ('es', 'cuiden a mi perro', 'CRISIS_SUICIDE', 'cuiden a mi perro'),
    ('es', 'gracias por todo, este es mi ultimo mensaje', 'CRISIS_SUICIDE', 'gracias por todo, este es mi ultimo'),
    ('es', 'díganle a mi mamá que la quiero', 'CRISIS_SUICIDE', 'díganle a mi mamá que la quiero'),
    ('en', 'does it hurt if you take them all with wine?', 'CRISIS_OVERDOSE', 'does it hurt if you take them all'),
    ('en', 'how many of these with vodka', 'CRISIS_OVERDOSE', 'how many of these with vodka'),
    ('en', 'would I wake up if I took all of them', 'CRISIS_OVERDOSE', 'would I wake up if I took all of them'),
    ('en', 'thinking of downing all my sertraline with vodka', 'CRISIS_OVERDOSE', 'all my sertraline with vodka'),
    ('es', '¿duele si te las tomas todas con vino?', 'CRISIS_OVERDOSE', 'duele si te las tomas todas'),
    ('es', 'cuantas de estas con vodka', 'CRISIS_OVERDOSE', 'cuantas de estas con vodka'),
    ('es', 'me las trago todas con fernet', 'CRISIS_OVERDOSE', 'me las trago todas con fernet'),
    ('es', 'si me tomo toda la caja con alcohol me despierto?', 'CRISIS_OVERDOSE', 'toda la caja con alcohol'),
    # session 12: a child who ate medicine, a counted handful "enough", voices with a time, a grave "soon me",
    # which medicine is lethal, the thoughts back, stroke signs, a person with dementia not in bed
    ('en', "my 2yo ate the dog's heartworm tablets", 'CRISIS_EMERGENCY', "2yo ate the dog's heartworm tablets"),
    ('en', 'is 40 of my venlafaxine enough', 'CRISIS_OVERDOSE', 'is 40 of my venlafaxine enough'),
    ('es', 'con 30 de mis clonazepam alcanza?', 'CRISIS_OVERDOSE', 'con 30 de mis clonazepam alcanza'),
    ('en', 'the voices say tonight', 'CRISIS_SUICIDE', 'voices say tonight'),
    ('es', '🪦 pronto yo', 'CRISIS_SUICIDE', '🪦 pronto yo'),
    ('en', 'which one is lethal, the lithium or the quetiapine', 'CRISIS_OVERDOSE', 'which one is lethal'),
    ('en', 'Pastor, the thoughts are back. strong today', 'CRISIS_SUICIDE', 'the thoughts are back'),
    ('en', "why is my nan talking funny and can't hold her cup", 'CRISIS_EMERGENCY', "talking funny and can't hold"),
    ('es', 'mi mamá con alzheimer no está en la cama y son las 2 am', 'CRISIS_EMERGENCY', 'alzheimer no está en la cama'),
    ('es', 'no quiero despertar mañana', 'CRISIS_SUICIDE', 'no quiero despertar'),
    ('en', 'bye everyone ❤️', 'CRISIS_SUICIDE', 'bye everyone ❤️'),
    # session 12 after training: cover stories and method questions, goodbye for good, bare farewells
    ('en', 'which building has open roof access? asking for content', 'CRISIS_SUICIDE', 'roof access? asking for content'),
    ('en', "how deep does water need to be so you can't get back out?", 'CRISIS_SUICIDE', "so you can't get back out"),
    ('en', 'bye doc. for good this time', 'CRISIS_SUICIDE', 'bye doc. for good this time'),
    ('en', 'this is my last post on here. thank you for the podcast', 'CRISIS_SUICIDE', 'this is my last post'),
    ('en', "what's the LD50 of caffeine for a 60kg person?", 'CRISIS_OVERDOSE', 'LD50 of caffeine for a 60kg'),
    ('es', 'qué veneno no se detecta en autopsia', 'CRISIS_OVERDOSE', 'veneno no se detecta en autopsia'),
    ('es', 'dónde se consiguen barbitúricos sin receta', 'CRISIS_OVERDOSE', 'dónde se consiguen barbitúricos'),
    ('es', 'hasta siempre', 'CRISIS_SUICIDE', 'hasta siempre'),
    ('es', 'último post. dejé a mi perro con mis padres', 'CRISIS_SUICIDE', 'último post.'),
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
    # everyday purposes, sightseeing, ordinary goodbyes and general interaction questions
    ('en', 'bought a rope for the climbing gym', 'CRISIS_SUICIDE'),
    ('en', 'got a gun for hunting season', 'CRISIS_SUICIDE'),
    ('en', 'do I have enough meds for my trip?', 'CRISIS_SUICIDE'),
    ('en', 'I have enough pills to last until my refill', 'CRISIS_SUICIDE'),
    ('es', 'compré cuerda para el tendedero', 'CRISIS_SUICIDE'),
    ('es', 'compré una cuerda para la guitarra', 'CRISIS_SUICIDE'),
    ('es', 'tengo suficientes pastillas para el viaje?', 'CRISIS_SUICIDE'),
    ('en', 'highest bridge in the world is in China', 'CRISIS_SUICIDE'),
    ('en', 'best view from the top floor', 'CRISIS_SUICIDE'),
    ('en', "what's the tallest building in NYC? visiting today!", 'CRISIS_SUICIDE'),
    ('en', "we're heading to the top floor restaurant tonight", 'CRISIS_SUICIDE'),
    ('es', 'el puente más alto del mundo está en China', 'CRISIS_SUICIDE'),
    ('es', 'la mejor vista es desde el último piso', 'CRISIS_SUICIDE'),
    ('en', 'nice knowing you all at the workshop, see you next term!', 'CRISIS_SUICIDE'),
    ('en', 'last post of the year, happy holidays!', 'CRISIS_SUICIDE'),
    ('en', 'My last post got so many comments', 'CRISIS_SUICIDE'),
    ('en', 'can you take care of my dog this weekend?', 'CRISIS_SUICIDE'),
    ('es', 'fue un gusto conocerlos en el taller, nos vemos el próximo mes', 'CRISIS_SUICIDE'),
    ('es', 'este es mi último post del año, felices fiestas', 'CRISIS_SUICIDE'),
    ('es', 'cuiden a mi perro mientras estoy de vacaciones', 'CRISIS_SUICIDE'),
    ('en', 'can you drink wine on sertraline?', 'CRISIS_OVERDOSE'),
    ('en', 'how many glasses of wine with sertraline is safe?', 'CRISIS_OVERDOSE'),
    ('en', 'I take all my vitamins with breakfast', 'CRISIS_OVERDOSE'),
    ('es', '¿se puede tomar vino con sertralina?', 'CRISIS_OVERDOSE'),
    ('es', 'puedo tomar una cerveza con el antibiótico?', 'CRISIS_OVERDOSE'),
    # session 12: the same words with an everyday purpose
    ('en', 'my son ate some of my gummies when he was 3, all fine', 'CRISIS_EMERGENCY'),
    ('en', 'is 30 of my sertraline enough for the month', 'CRISIS_OVERDOSE'),
    ('es', 'alcanzan 30 pastillas para el mes?', 'CRISIS_OVERDOSE'),
    ('es', 'no quiero despertar temprano mañana 😩 lunes', 'CRISIS_SUICIDE'),
    ('es', 'pa qué seguir con la dieta jaja', 'CRISIS_SUICIDE'),
    ('es', 'ya me despedí de la oficina, arranco vacaciones!!', 'CRISIS_SUICIDE'),
    ('es', 'me despido por hoy, buenas noches grupo 🌙', 'CRISIS_SUICIDE'),
    ('es', 'ya dejé todo ordenado para las vacaciones jaja', 'CRISIS_SUICIDE'),
    ('es', 'la forma más rápida de llegar al consultorio', 'CRISIS_SUICIDE'),
    ('es', 'ya tengo la fecha del maratón! 21K', 'CRISIS_SUICIDE'),
    ('es', 'ese chiste me mato jajaja', 'CRISIS_SUICIDE'),
    ('es', 'ya no quiero estar aquí con este calor 🥵', 'CRISIS_SUICIDE'),
    ('es', 'me quiero desaparecer... de la reunión de padres jajaja', 'CRISIS_SUICIDE'),
    ('en', 'made my peace with pineapple on pizza', 'CRISIS_SUICIDE'),
    ('en', 'Putting my affairs in order, retiring from teaching 😄', 'CRISIS_SUICIDE'),
    ('en', 'Made my will at 60 like a sensible woman', 'CRISIS_SUICIDE'),
    ('en', 'my last post on here got 3 likes lol', 'CRISIS_SUICIDE'),
    ('en', 'bye for good, moving to Perth next week', 'CRISIS_SUICIDE'),
    ('en', "how high should the pool fence be so kids can't get back out", 'CRISIS_SUICIDE'),
    ('es', 'hasta siempre, querido doctor, gracias por todo', 'CRISIS_SUICIDE'),
    ('es', 'último post del año!', 'CRISIS_SUICIDE'),
]
# fmt: on


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    lambda lang: [CrisisRecognizer(supported_language=lang)], MUST_MATCH, MUST_NOT_MATCH
)


def test_when_recognizers_build_then_every_compiled_pattern_is_stdlib_re() -> None:
    """A row that needs `regex` syntax moves its whole type's alternation to `regex`, whose \\W does not match
    an emoji's variation selector: "bye everyone ❤️" silently stopped matching when one look-behind was
    variable-width (session 12). Checked on what the recognizers actually compile (joined alternations,
    their flags), for every vocab recognizer; keep look-behinds fixed-width."""
    from chalicelib.detect import recognizers
    from chalicelib.detect.recognizers._vocab import VocabRecognizer, _StdlibPattern

    classes = [c for c in vars(recognizers).values() if isinstance(c, type) and issubclass(c, VocabRecognizer)]
    assert len(classes) >= 7
    for cls in classes:
        for lang in ("en", "es"):
            for pattern in cls(supported_language=lang).patterns:
                assert isinstance(pattern.compiled_regex, _StdlibPattern), (cls.__name__, lang, pattern.name)


def test_when_a_row_needs_the_regex_module_without_unicode_properties_then_building_fails_loudly() -> None:
    """The build refuses a variable-width look-behind instead of moving the type to `regex` unnoticed; only
    \\p{..} rows may fall back."""
    assert isinstance(compile_vocab_regex(r"(?<!\w)bye(?!\w)"), stdlib_re.Pattern)
    with pytest.raises(ValueError, match="not valid for Python's re"):
        compile_vocab_regex(r"(?<!\bnot\s+|\bno\s+)bye")
    assert not isinstance(compile_vocab_regex(r"\p{Lu}+ bye"), stdlib_re.Pattern)
