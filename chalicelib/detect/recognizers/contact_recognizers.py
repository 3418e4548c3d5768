"""Presidio's own EMAIL_ADDRESS and PHONE_NUMBER recognizers, configured for our two languages."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

# Regions whose numbering plans we expect on US and Spanish-speaking pages. phonenumbers only
# accepts numbers valid for one of these (leniency 1), which keeps dates and prices out.
PHONE_REGIONS = {
    "en": ("US", "CA", "GB", "AU", "IE", "NZ", "IN"),
    "es": ("US", "ES", "MX", "AR", "CO", "CL", "PE", "UY", "VE", "EC", "GT", "DO", "PR"),
}


def contact_recognizers(language: str) -> list[EntityRecognizer]:
    """EMAIL_ADDRESS and PHONE_NUMBER recognizers for one language.

    The email recognizer calls tldextract; detection.py patches tldextract to its bundled
    public-suffix snapshot before the engine is built, so it never goes to the network.
    """
    return [
        EmailRecognizer(supported_language=language),
        PhoneRecognizer(supported_language=language, supported_regions=PHONE_REGIONS[language]),
    ]
