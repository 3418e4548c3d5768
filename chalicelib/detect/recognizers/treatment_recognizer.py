"""Recognizer for treatments, care settings and the therapy relationship with this professional."""

from chalicelib.detect.recognizers._vocab import VocabRecognizer


class TreatmentRecognizer(VocabRecognizer):
    """TREATMENT ("EMDR", "rehab"), CARE_PROVIDER ("therapist", "psicóloga") and THERAPY_RELATIONSHIP.

    CARE_PROVIDER counts only when possessed ("my therapist"): as a bare noun it is a profession.

    THERAPY_RELATIONSHIP patterns already contain the person ("my session", "since I started seeing
    you"), so the disclosure logic treats them as anchored ("see you at my Tuesday session").
    """

    ENTITY = "TREATMENT"
    TERM_STEMS = ("treatment", "providers:CARE_PROVIDER")
    PATTERN_STEMS = ("therapy_relationship",)
    PATTERN_SCORE = 0.85
    CONTEXT = ["start", "began", "going", "weekly", "session", "empec", "hago", "voy"]
