"""Recognizer for disability (vocab: disability.*)."""

from chalicelib.detect.recognizers._vocab import VocabRecognizer


class DisabilityRecognizer(VocabRecognizer):
    """DISABILITY: "wheelchair user", "legally blind", "discapacidad"."""

    ENTITY = "DISABILITY"
    TERM_STEMS = ("disability",)
    CONTEXT = ["since", "born", "became", "use", "desde", "naci", "uso"]
