"""A long message's weak n-gram crisis score needs the sentence encoder to lean the same way."""

import pytest

from chalicelib.detect import engine
from chalicelib.detect.classifier import Scores

LONG = " ".join(["word"] * (engine.LONG_TEXT_WORDS + 1))
SHORT = " ".join(["word"] * engine.LONG_TEXT_WORDS)


def scores(crisis_p: float, encoder_crisis_p: float | None) -> Scores:
    return Scores(protect_p=0.1, crisis_p=crisis_p, protect=False, crisis=True, encoder_crisis_p=encoder_crisis_p)


@pytest.mark.parametrize(
    "text, crisis_p, encoder_crisis_p, weak",
    [
        (LONG, 0.3, 0.001, True),  # long, weak n-gram score, encoder does not lean crisis at all
        (LONG, 0.3, engine.LONG_TEXT_ENCODER_AGREES, False),  # the encoder leans the same way
        (LONG, engine.LONG_TEXT_NGRAM_CRISIS, 0.001, False),  # the n-gram head is sure enough alone
        (SHORT, 0.3, 0.001, False),  # not long: the n-gram head alone still raises it
        (LONG, 0.3, None, False),  # no encoder shipped: nothing to agree with, keep the n-gram head
    ],
)
def test_weak_long_ngram_crisis(text, crisis_p, encoder_crisis_p, weak):
    assert engine._weak_long_ngram_crisis(text, scores(crisis_p, encoder_crisis_p)) is weak


def test_a_long_everyday_message_is_not_raised_to_crisis(detector):
    # The n-gram crisis head scores this just over its threshold; the encoder does not lean crisis at all.
    text = (
        "just want to say what a brilliant turnout for the fun run on Sunday even though it absolutely poured the "
        "whole way round the park and nobody complained the little ones loved jumping in every puddle and we raised "
        "over two thousand for the hospice, huge thanks to everyone who baked and to the lads from the fire station "
        "who handed out water at the end, same again next year"
    )
    assert detector.detect(text).label.value != "crisis"


def test_a_long_message_with_a_crisis_buried_in_it_stays_a_crisis(detector):
    text = (
        "Hi, sorry this is long. I need to cancel my Thursday physio and the one after, work has been mad and the "
        "landlord is selling the flat so I have to be out by the end of the month. Honestly I'm not going to need "
        "the appointments anyway. I've written letters for my kids and I've got the pills saved up, tonight is the "
        "night. Thank you for being kind to me these last few months, you were one of the good ones."
    )
    assert detector.detect(text).label.value == "crisis"
