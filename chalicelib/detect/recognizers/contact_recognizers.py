"""Presidio's own EMAIL_ADDRESS and PHONE_NUMBER recognizers, configured for our two languages, plus
a pattern for local numbers written without an area code."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

# Regions whose numbering plans we expect on English- and Spanish-speaking pages. phonenumbers only
# accepts numbers valid for one of these (leniency 1), which keeps dates and prices out.
PHONE_REGIONS = {
    "en": ("US", "CA", "GB", "AU", "IE", "NZ", "IN", "PH", "NG", "ZA", "KE", "SG", "JM"),
    "es": ("US", "ES", "MX", "AR", "CO", "CL", "PE", "UY", "VE", "EC", "GT", "DO", "PR", "BO", "PY", "SV", "HN",
           "NI", "CR", "PA", "CU"),
}

# A local number with no area code: "555-0147", "555.0147", "4567-8910" (US 7-digit, 8-digit local
# numbers in Argentina, Mexico, Central America). phonenumbers rejects these without an area code. A
# year range ("2019-2020") and longer digit runs are not numbers; on its own such a hit only counts
# with a request for care beside it (disclosure.py), as every contact detail does.
LOCAL_NUMBER = Pattern(
    "local number",
    r"(?<![\w+(./-])(?!(?:19|20)\d\d-(?:19|20)\d\d\b)\d{3,4}[-.]\d{4}(?![\w/-]|[.,]\d)",
    0.3,
)


def contact_recognizers(language: str) -> list[EntityRecognizer]:
    """EMAIL_ADDRESS and PHONE_NUMBER recognizers for one language.

    The email recognizer calls tldextract; detection.py patches tldextract to its bundled
    public-suffix snapshot before the engine is built, so it never goes to the network.
    """
    return [
        EmailRecognizer(supported_language=language),
        PhoneRecognizer(supported_language=language, supported_regions=PHONE_REGIONS[language]),
        PatternRecognizer(supported_entity="PHONE_NUMBER", patterns=[LOCAL_NUMBER], supported_language=language,
                          name="LocalNumberRecognizer"),
    ]
