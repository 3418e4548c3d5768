"""Recognizer for crises: suicide risk, self-harm, harm to others, a child at risk, overdose, emergencies."""

from chalicelib.detect.recognizers._vocab import VocabRecognizer


class CrisisRecognizer(VocabRecognizer):
    """CRISIS_* from direct wording (crisis.*) and CRISIS_MENTION from bare terms (crisis_terms.*).

    Direct patterns ("kill myself", "on the bridge rn", "gave away my cat") already carry the person
    and score 0.9; a bare mention ("suicidal", "overdose") scores 0.5 and counts only when the
    disclosure logic finds it anchored to a person. No context words: crisis scores must not drift.
    """

    ENTITY = "CRISIS_MENTION"
    TERM_STEMS = ("crisis_terms",)
    PATTERN_STEMS = ("crisis",)
    TERM_SCORE = 0.5
    PATTERN_SCORE = 0.9
    CONTEXT: list[str] = []
    # Both languages' crisis wording in both recognizer sets: the language guess on a five-word
    # message is unreliable, and a crisis missed for that reason is the worst error.
    ALL_LANGUAGES = True
