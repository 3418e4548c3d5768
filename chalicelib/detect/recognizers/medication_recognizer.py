"""Recognizer for medications, brand and generic, and dose words (vocab: medications.*)."""

from chalicelib.detect.recognizers._vocab import VocabRecognizer


class MedicationRecognizer(VocabRecognizer):
    """MEDICATION: "Zoloft", "sertraline", "my meds", "50mg"."""

    ENTITY = "MEDICATION"
    TERM_STEMS = ("medications",)
    PATTERN_STEMS = ("medication_patterns",)
    PATTERN_SCORE = 0.5
    CONTEXT = ["taking", "take", "took", "prescrib", "dose", "started", "stopped", "weaned",
               "increased", "tomo", "tomando", "recet", "dosis", "empec", "dej"]
