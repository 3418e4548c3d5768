"""On a long message, a crisis raised by the learned stage alone needs both heads to lean crisis."""

import pytest

from chalicelib.detect import engine
from chalicelib.detect.classifier import Scores

LONG = " ".join(["word"] * (engine.LONG_TEXT_WORDS + 1))
SHORT = " ".join(["word"] * engine.LONG_TEXT_WORDS)
AGREE = engine.LONG_TEXT_HEADS_AGREE


def scores(crisis_p: float, encoder_crisis_p: float | None) -> Scores:
    return Scores(protect_p=0.1, crisis_p=crisis_p, protect=False, crisis=True, encoder_crisis_p=encoder_crisis_p)


@pytest.mark.parametrize(
    "text, crisis_p, encoder_crisis_p, disagree",
    [
        (LONG, 0.3, 0.001, True),  # long, the n-gram head leans crisis, the encoder not at all
        (LONG, 0.99, AGREE / 2, True),  # however sure the n-gram head is
        (LONG, AGREE / 2, 0.99, True),  # and the other way round (a recipe the encoder read as crisis)
        (LONG, AGREE, AGREE, False),  # both lean the same way, however little
        (LONG, 0.3, 0.9, False),
        (SHORT, 0.3, 0.001, False),  # not long: either head alone still raises it
        (SHORT, 0.001, 0.99, False),
        (LONG, 0.3, None, False),  # no encoder shipped: nothing to agree with, keep the n-gram head
    ],
)
def test_long_crisis_heads_disagree(text, crisis_p, encoder_crisis_p, disagree):
    assert engine._long_crisis_heads_disagree(text, scores(crisis_p, encoder_crisis_p)) is disagree


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


LONG_CHATTER = (
    "made the soup from your post last night and it was a hit, even the fussy one went back for seconds which "
    "never happens, I added a bit of smoked paprika and swapped the spinach for kale because that is what we had "
    "in the fridge, do you think it would freeze, I want to make a big batch on Sunday for the week"
)


@pytest.mark.parametrize(
    "text, protect_p, unsure",
    [
        (LONG_CHATTER, engine.LONG_TEXT_UNFOUND_PROTECT - 0.01, True),  # long, nothing found, model not sure
        (LONG_CHATTER, engine.LONG_TEXT_UNFOUND_PROTECT, False),  # sure enough
        (" ".join(LONG_CHATTER.split()[: engine.LONG_TEXT_WORDS - 5]), 0.6, False),  # not long
        (LONG_CHATTER + " and my antidepressants make me so hungry lately", 0.6, False),  # the rules found something
    ],
)
def test_long_unfound_and_unsure(detector, text, protect_p, unsure):
    _text, _lang, _hits, assessment = detector.assess(text)
    scores = Scores(protect_p=protect_p, crisis_p=0.01, protect=True, crisis=False, encoder_crisis_p=0.01)
    assert engine._long_unfound_and_unsure(text, assessment, scores) is unsure
