"""Recognizer for treatments, care settings and the therapy relationship with this professional."""

from chalicelib.recognizers._vocab import VocabRecognizer


class TreatmentRecognizer(VocabRecognizer):
    """TREATMENT ("EMDR", "rehab", "my physio") and THERAPY_RELATIONSHIP ("see you at my Tuesday session").

    THERAPY_RELATIONSHIP patterns already contain the person ("my session", "since I started seeing
    you"), so the disclosure logic treats them as anchored.
    """

    ENTITY = "TREATMENT"
    TERM_STEMS = ("treatment",)
    PATTERN_STEMS = ("therapy_relationship",)
    PATTERN_SCORE = 0.85
    CONTEXT = ["start", "began", "going", "weekly", "session", "empec", "hago", "voy"]
