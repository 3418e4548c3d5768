"""Recognizer for health conditions, diagnoses and symptoms (vocab: conditions.*, symptoms.*)."""

from chalicelib.detect.recognizers._vocab import VocabRecognizer


class HealthConditionRecognizer(VocabRecognizer):
    """HEALTH_CONDITION: diagnoses ("ADHD", "bipolar"), lay names and symptoms ("panic attacks")."""

    ENTITY = "HEALTH_CONDITION"
    TERM_STEMS = ("conditions", "symptoms")
    # Context words are matched as substrings of the lowercased token (see detection.py's
    # lower_lemma component), so stems like "diagnos" cover diagnosed/diagnosis/diagnosticaron.
    CONTEXT = ["diagnos", "struggl", "suffer", "battl", "dealing", "living", "flare",
               "sufro", "padezco", "tengo", "lucho", "tratamiento"]
