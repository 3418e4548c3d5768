"""Recognizer for substance use, addiction, relapse and recovery (vocab: substance.*)."""

from chalicelib.detect.recognizers._vocab import VocabRecognizer


class SubstanceUseRecognizer(VocabRecognizer):
    """SUBSTANCE_USE: "relapsed", "90 days clean", "my drinking", "recaída"."""

    ENTITY = "SUBSTANCE_USE"
    TERM_STEMS = ("substance",)
    CONTEXT = ["relaps", "clean", "sober", "using", "quit", "recai", "consum"]
