"""Table test for Presidio's EMAIL_ADDRESS and PHONE_NUMBER recognizers as PageGuard configures them."""

from __future__ import annotations

from chalicelib.detect.engine import _patch_tldextract
from chalicelib.detect.recognizers import contact_recognizers
from tests.detect.recognizers.table import table_tests


def _contact_recognizers(lang: str) -> list:
    _patch_tldextract()  # the email recognizer must never fetch the public-suffix list
    return contact_recognizers(lang)


# fmt: off
MUST_MATCH = [
    ("en", "email me at jenna.morales88@gmail.com please", "EMAIL_ADDRESS", "jenna.morales88@gmail.com"),
    ("en", "call me at (212) 555-0187 to book", "PHONE_NUMBER", "(212) 555-0187"),
    ("es", "mi whatsapp es +34 678 872 341", "PHONE_NUMBER", "+34 678 872 341"),
]
MUST_NOT_MATCH = [
    ("en", "the session was on 03/14 at 10:30", "PHONE_NUMBER"),
    ("en", "it costs 120 dollars", "PHONE_NUMBER"),
    ("en", "love this post", "EMAIL_ADDRESS"),
]
# fmt: on


test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity = table_tests(
    _contact_recognizers, MUST_MATCH, MUST_NOT_MATCH
)
