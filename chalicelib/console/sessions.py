"""Password-free sign-in: single-use signed links scoped to pages, and the session cookie they start.

Any sign-in method (an email link today, Facebook Login later) ends in `start_session(page_ids)`, which
returns the Set-Cookie value. The session is a signed cookie (no server-side table): its page ids are
what the console shows and acts on, and its id keys the CSRF token of every form.
"""

from __future__ import annotations

import re
import secrets
import urllib.parse
from dataclasses import dataclass
from typing import Iterable

from chalicelib.console import signing
from chalicelib.state.records import DAY

LINK_PURPOSE = "sign-in-link"
SESSION_PURPOSE = "session"
CSRF_PURPOSE = "csrf"
COOKIE_NAME = "pageguard_session"
LINK_TTL_SECONDS = 7 * DAY  # an alert read a few days late still signs in
SESSION_TTL_SECONDS = 12 * 60 * 60
# An expired link may still ask for a fresh one (sent to the page's own recipients) for this long.
FRESH_LINK_GRACE_SECONDS = 90 * DAY
# Where a link may send the browser after sign-in: console paths only, never another site.
_NEXT_RE = re.compile(r"(?!.*\.\.)/console(/[A-Za-z0-9_./-]*)?(\?[A-Za-z0-9_=&.-]*)?")
_ID_RE = re.compile(r"[0-9A-Za-z_.-]{1,100}")


@dataclass(frozen=True)
class SignInLink:
    """What a genuine sign-in link grants: these pages, landing on `next_path`. `nonce` makes it single-use."""

    page_ids: tuple[str, ...]
    next_path: str
    nonce: str
    expires_at: float


@dataclass(frozen=True)
class Session:
    session_id: str
    page_ids: tuple[str, ...]
    expires_at: float

    def can_see(self, page_id: str) -> bool:
        return bool(page_id) and page_id in self.page_ids


def safe_next(path: str) -> str:
    return path if _NEXT_RE.fullmatch(path or "") else "/console"


def clean_page_ids(page_ids: Iterable[str]) -> tuple[str, ...]:
    ids = tuple(dict.fromkeys(str(p) for p in page_ids))
    if not ids or not all(_ID_RE.fullmatch(p) for p in ids):
        raise ValueError("page ids must be plain ids")
    return ids


def link_token(key: str, page_ids: Iterable[str], next_path: str, now: float, ttl: float = LINK_TTL_SECONDS) -> str:
    payload = {"pages": list(clean_page_ids(page_ids)), "next": safe_next(next_path),
               "nonce": secrets.token_urlsafe(12), "exp": int(now + ttl)}
    return signing.sign(key, LINK_PURPOSE, payload)


def sign_in_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/console/sign-in?{urllib.parse.urlencode({'t': token})}"


def read_link(key: str, token: str, now: float) -> SignInLink:
    """The link's grant. Raises signing.TokenInvalid, or signing.TokenExpired (with the payload)."""
    return _link_from(signing.verify(key, LINK_PURPOSE, token, now))


def read_expired_link(key: str, token: str, now: float) -> SignInLink:
    """A genuine link, expired or used, that may still ask for a fresh one. Raises TokenInvalid."""
    try:
        return read_link(key, token, now)
    except signing.TokenExpired as exc:
        link = _link_from(exc.payload)
        if link.expires_at + FRESH_LINK_GRACE_SECONDS <= now:
            raise signing.TokenInvalid("too old to renew") from exc
        return link


def _link_from(payload: dict) -> SignInLink:
    try:
        return SignInLink(page_ids=clean_page_ids(payload["pages"]), next_path=safe_next(str(payload["next"])),
                          nonce=str(payload["nonce"]), expires_at=float(payload["exp"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.TokenInvalid("malformed link") from exc


def start_session(key: str, page_ids: Iterable[str], now: float, *, secure: bool, base_path: str = "") -> str:
    """A new session for `page_ids`: the Set-Cookie header value (HttpOnly, SameSite=Lax, Secure off local).
    `base_path` is the path the app is served under (API Gateway's stage, "/api"): the cookie's path."""
    payload = {"sid": secrets.token_urlsafe(16), "pages": list(clean_page_ids(page_ids)),
               "exp": int(now + SESSION_TTL_SECONDS)}
    value = signing.sign(key, SESSION_PURPOSE, payload)
    return _cookie(value, SESSION_TTL_SECONDS, secure, base_path)


def end_session(*, secure: bool, base_path: str = "") -> str:
    return _cookie("", 0, secure, base_path)


def _cookie(value: str, max_age: float, secure: bool, base_path: str) -> str:
    flags = f"{COOKIE_NAME}={value}; Path={base_path}/console; Max-Age={int(max_age)}; HttpOnly; SameSite=Lax"
    return flags + ("; Secure" if secure else "")


def read_session(key: str, cookie_header: str | None, now: float) -> Session | None:
    """The session in the request's Cookie header, or None (absent, forged, expired)."""
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name != COOKIE_NAME or not value:
            continue
        try:
            payload = signing.verify(key, SESSION_PURPOSE, value, now)
            return Session(session_id=str(payload["sid"]), page_ids=clean_page_ids(payload["pages"]),
                           expires_at=float(payload["exp"]))
        except (signing.TokenInvalid, signing.TokenExpired, KeyError, ValueError, TypeError):
            return None
    return None


def csrf_token(key: str, session: Session) -> str:
    return signing.digest(key, CSRF_PURPOSE, session.session_id)


def csrf_ok(key: str, session: Session, given: str) -> bool:
    return bool(given) and secrets.compare_digest(given, csrf_token(key, session))
