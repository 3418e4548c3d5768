"""Meta's data-deletion callback: verify the signed_request, erase what PageGuard holds about that user id, and
answer with the status URL and confirmation code Meta shows the person.

Meta POSTs `signed_request=<signature>.<payload>` (form-encoded) when someone removes the app and asks for their
data to be deleted: both parts are base64url without padding, the signature is HMAC-SHA256 of the payload part
(as sent) with the app secret, and the payload is JSON `{"algorithm": "HMAC-SHA256", "issued_at": ..., "user_id":
"..."}`. The answer must be JSON `{"url": ..., "confirmation_code": ...}`, and the URL must show a human-readable
status. https://developers.facebook.com/docs/development/create-an-app/app-dashboard/data-deletion-callback/
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs

from chalicelib.errors import WebhookPayloadError, WebhookSignatureError
from chalicelib.state.records import DeletionReceipt
from chalicelib.state.store import Store

MAX_SIGNED_REQUEST_CHARS = 4096  # Meta's are a few hundred characters
_PLAIN_ID = re.compile(r"^\d{1,32}$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class SignedRequest:
    user_id: str
    issued_at: int


def _b64url(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise WebhookPayloadError("signed_request is not base64url") from exc


def signed_request_from_form(body: bytes) -> str:
    """The signed_request field of a form-encoded body."""
    if len(body) > MAX_SIGNED_REQUEST_CHARS + 64:
        raise WebhookPayloadError("body too large for a signed_request")
    values = parse_qs(body.decode("ascii", errors="replace")).get("signed_request", [])
    if len(values) != 1 or not values[0]:
        raise WebhookPayloadError("expected one signed_request field")
    return values[0]


def parse_signed_request(signed_request: str, app_secret: str) -> SignedRequest:
    """Verify and decode. Forged or tampered: WebhookSignatureError. Malformed: WebhookPayloadError."""
    if not app_secret:
        raise WebhookSignatureError("no app secret configured")
    if len(signed_request) > MAX_SIGNED_REQUEST_CHARS or signed_request.count(".") != 1:
        raise WebhookPayloadError("signed_request must be <signature>.<payload>")
    encoded_signature, encoded_payload = signed_request.split(".")
    signature = _b64url(encoded_signature)
    expected = hmac.new(app_secret.encode(), encoded_payload.encode("ascii", errors="replace"), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise WebhookSignatureError("signed_request signature does not match")
    try:
        payload = json.loads(_b64url(encoded_payload))
    except ValueError as exc:
        raise WebhookPayloadError("signed_request payload is not JSON") from exc
    if not isinstance(payload, dict) or str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise WebhookPayloadError("signed_request algorithm must be HMAC-SHA256")
    user_id = str(payload.get("user_id", ""))
    if not _PLAIN_ID.match(user_id):
        raise WebhookPayloadError("signed_request has no plain user_id")
    issued_at = payload.get("issued_at", 0)
    return SignedRequest(user_id=user_id, issued_at=int(issued_at) if isinstance(issued_at, (int, float)) else 0)


def new_confirmation_code() -> str:
    """Unguessable: the status page is public, so codes must not be enumerable."""
    return secrets.token_urlsafe(18)


def is_confirmation_code(code: str) -> bool:
    return bool(_CODE.match(code))


def erase_user(store: Store, user_id: str, now: float) -> DeletionReceipt:
    """Delete every record carrying this user id and keep a receipt under a new code. The receipt holds counts
    and times only, never the user id: keeping it would be keeping data about them."""
    counts = store.forget_sender(user_id)
    receipt = DeletionReceipt(code=new_confirmation_code(), requested_at=now, completed_at=now,
                              audit_records=counts.get("audit_records", 0),
                              dm_reply_slots=counts.get("dm_reply_slots", 0),
                              dead_letters=counts.get("dead_letters", 0))
    store.save_deletion_receipt(receipt)
    return receipt
