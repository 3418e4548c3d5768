"""HMAC-signed, expiring tokens for sign-in links and session cookies.

A token is `base64url(json payload) . base64url(HMAC-SHA256(key, purpose + payload))`. The purpose is
part of what is signed, so a session cookie can never be replayed as a sign-in link or the other way
round. Payloads hold page ids, paths, nonces and times: never names, emails or text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from chalicelib.errors import PageGuardError

MAX_TOKEN_CHARS = 2048


class TokenInvalid(PageGuardError):
    """Forged, altered, malformed, or signed for another purpose."""


class TokenExpired(PageGuardError):
    """Genuine but past its expiry; `payload` lets the caller offer a fresh link for the same pages."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__("token expired")
        self.payload = payload


def sign(key: str, purpose: str, payload: dict[str, Any]) -> str:
    if not key:
        raise ValueError("a signing key is required")
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(_mac(key, purpose, body))}"


def verify(key: str, purpose: str, token: str, now: float) -> dict[str, Any]:
    """The payload of a genuine, unexpired token. Raises TokenInvalid or TokenExpired."""
    if not key or not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise TokenInvalid("malformed token")
    body, mac = token.split(".")
    try:
        given = _unb64(mac)
        payload = json.loads(_unb64(body))
    except (ValueError, TypeError) as exc:
        raise TokenInvalid("malformed token") from exc
    if not hmac.compare_digest(given, _mac(key, purpose, body)):
        raise TokenInvalid("bad signature")
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), (int, float)):
        raise TokenInvalid("malformed payload")
    if payload["exp"] <= now:
        raise TokenExpired(payload)
    return payload


def digest(key: str, purpose: str, value: str) -> str:
    """A keyed digest of `value` (CSRF tokens): hex, constant for the same key and value."""
    return hmac.new(key.encode(), f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def _mac(key: str, purpose: str, body: str) -> bytes:
    return hmac.new(key.encode(), f"{purpose}|{body}".encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
