"""Recognizer for sexual and reproductive health (vocab: sexual_health.*)."""

from chalicelib.detect.recognizers._vocab import VocabRecognizer


class SexualHealthRecognizer(VocabRecognizer):
    """SEXUAL_HEALTH: pregnancy, miscarriage, HIV, PrEP, STIs, HRT and gender-affirming care."""

    ENTITY = "SEXUAL_HEALTH"
    TERM_STEMS = ("sexual_health",)
    PATTERN_STEMS = ("sexual_health_patterns",)
    CONTEXT = ["positive", "test", "weeks", "diagnos", "started", "result", "semanas", "positivo"]
