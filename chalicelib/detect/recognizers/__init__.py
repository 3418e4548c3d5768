"""PageGuard's own Presidio recognizers, one per file, and the list the detector registers."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from chalicelib.detect.recognizers.contact_recognizers import contact_recognizers
from chalicelib.detect.recognizers.crisis_recognizer import CrisisRecognizer
from chalicelib.detect.recognizers.disability_recognizer import DisabilityRecognizer
from chalicelib.detect.recognizers.health_condition_recognizer import HealthConditionRecognizer
from chalicelib.detect.recognizers.medication_recognizer import MedicationRecognizer
from chalicelib.detect.recognizers.sexual_health_recognizer import SexualHealthRecognizer
from chalicelib.detect.recognizers.substance_use_recognizer import SubstanceUseRecognizer
from chalicelib.detect.recognizers.treatment_recognizer import TreatmentRecognizer

HEALTH_RECOGNIZERS = (
    HealthConditionRecognizer,
    MedicationRecognizer,
    TreatmentRecognizer,
    SubstanceUseRecognizer,
    SexualHealthRecognizer,
    DisabilityRecognizer,
    CrisisRecognizer,
)

def build_recognizers(language: str) -> list[EntityRecognizer]:
    """All recognizers PageGuard registers for one language."""
    recognizers: list[EntityRecognizer] = [cls(supported_language=language) for cls in HEALTH_RECOGNIZERS]
    recognizers.extend(contact_recognizers(language))
    return recognizers


__all__ = [
    "CrisisRecognizer",
    "DisabilityRecognizer",
    "HealthConditionRecognizer",
    "MedicationRecognizer",
    "SexualHealthRecognizer",
    "SubstanceUseRecognizer",
    "TreatmentRecognizer",
    "build_recognizers",
    "contact_recognizers",
]
