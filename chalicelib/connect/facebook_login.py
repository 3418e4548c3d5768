"""Facebook Login for PageGuard: the dialog URL, signed single-use `state`, and the Graph calls of the flow.

Meta's manual login flow: redirect to `/dialog/oauth` with `client_id`, `redirect_uri`, `state` and
`scope`; Meta redirects back with `code` (or `error=access_denied`); the server exchanges the code at
`/oauth/access_token` for a short-lived user token, then for a long-lived one (`grant_type=
fb_exchange_token`, about 60 days), and `/me/accounts` with a long-lived user token gives Page tokens
that do not expire. Every call carrying the app secret is a POST with a form body, so the secret never
appears in a URL (URLs end up in proxies' and load balancers' logs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode

import requests

from chalicelib.act.graph.errors import classify_error
from chalicelib.errors import GraphError, GraphRetryableError, PageGuardError
from chalicelib.logs import logger

# What PageGuard asks for, and what stops working without each (docs/deploy.md lists the same).
PERMISSIONS: dict[str, str] = {
    "pages_show_list": "PageGuard cannot see the Pages you manage, so it cannot connect them",
    "pages_manage_metadata": "PageGuard cannot subscribe to the Page, so no comments reach it",
    "pages_read_engagement": "the 15-minute catch-up sweep and the back-fill scan cannot read the Page's posts",
    "pages_read_user_content": "PageGuard cannot read visitors' comments during sweeps and scans",
    "pages_manage_engagement": "PageGuard cannot hide a comment or reply under it",
    "pages_messaging": "PageGuard cannot see or answer Messenger messages, nor reply privately to a commenter",
    "instagram_basic": "PageGuard cannot read the linked Instagram account",
    "instagram_manage_comments": "PageGuard cannot see, hide or answer Instagram comments",
    "instagram_manage_messages": "PageGuard cannot see or answer Instagram direct messages",
}
# POST /{page-id}/subscribed_apps fields (REFERENCE.md §5); Instagram's come through the linked Page.
SUBSCRIBED_FIELDS = ("feed", "messages", "message_echoes")
STATE_MAX_AGE_S = 600  # a login dialog left open longer than 10 minutes starts again


class LoginError(PageGuardError):
    """The login could not complete: a refused or replayed state, a cancelled dialog, a failed exchange."""


@dataclass(frozen=True)
class ManagedPage:
    """One Page from `/me/accounts`, with its Page token (kept in memory only until it is stored)."""

    page_id: str
    name: str
    access_token: str
    tasks: tuple[str, ...] = ()
    instagram_id: str = ""
    instagram_username: str = ""

    @property
    def can_moderate(self) -> bool:
        # Hiding comments and answering messages needs the MODERATE task on the Page.
        return "MODERATE" in self.tasks or "MANAGE" in self.tasks


@dataclass(frozen=True)
class PermissionGrants:
    granted: tuple[str, ...]
    declined: tuple[str, ...]

    def missing(self) -> dict[str, str]:
        """Permissions PageGuard needs and does not have, with what stops working without each."""
        return {name: why for name, why in PERMISSIONS.items() if name not in self.granted}


@dataclass(frozen=True)
class TokenInfo:
    """What `debug_token` says about a token (never the token)."""

    is_valid: bool
    expires_at: int = 0  # 0: never expires (Page tokens from a long-lived user token)
    scopes: tuple[str, ...] = ()
    error_code: int | None = None
    error_subcode: int | None = None


# --- state: signed, short-lived, single use ----------------------------------------------------------


class StateSigner:
    """`state` = nonce.expiry.HMAC(app secret). Verified here, made single-use by the caller's `claim_once`."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"pageguard login state\x00" + secret.encode()).digest()

    def issue(self, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + STATE_MAX_AGE_S)
        body = f"{secrets.token_urlsafe(18)}.{expires}"
        return f"{body}.{self._mac(body)}"

    def verify(self, state: str, now: float | None = None) -> tuple[str, int]:
        """(nonce, expiry) of a state this deployment issued and that has not expired; LoginError otherwise."""
        now = time.time() if now is None else now
        try:
            nonce, expires_text, mac = state.split(".")
            expires = int(expires_text)
        except (AttributeError, ValueError) as exc:
            raise LoginError("state is malformed") from exc
        if not hmac.compare_digest(mac, self._mac(f"{nonce}.{expires_text}")):
            raise LoginError("state was not issued here")
        if expires < now:
            raise LoginError("state has expired")
        return nonce, expires

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# --- the Graph calls of the flow ----------------------------------------------------------------------


class FacebookLogin:
    """Meta's login endpoints and the user-token calls. Errors become errors.py types; logs carry no token."""

    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        graph_api_url: str,
        dialog_url: str,
        session: requests.Session | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.app_id = app_id
        self._secret = app_secret
        self._graph = graph_api_url.rstrip("/")
        self._dialog = dialog_url
        self._session = session or requests.Session()
        self._timeout = timeout

    def dialog_url(self, *, redirect_uri: str, state: str, rerequest: bool = False) -> str:
        params = {
            "client_id": self.app_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(PERMISSIONS),
        }
        if rerequest:
            params["auth_type"] = "rerequest"  # ask again for permissions declined earlier
        return f"{self._dialog}?{urlencode(params)}"

    def exchange_code(self, code: str, redirect_uri: str) -> str:
        """The short-lived user token for a dialog's `code` (single use, bound to `redirect_uri`)."""
        body = self._call(
            "POST", "/oauth/access_token", op="code_exchange",
            data={"client_id": self.app_id, "client_secret": self._secret, "redirect_uri": redirect_uri, "code": code},
        )
        return _token_of(body, "code_exchange")

    def long_lived_user_token(self, short_token: str) -> str:
        body = self._call(
            "POST", "/oauth/access_token", op="long_lived_exchange",
            data={"grant_type": "fb_exchange_token", "client_id": self.app_id, "client_secret": self._secret,
                  "fb_exchange_token": short_token},
        )
        return _token_of(body, "long_lived_exchange")

    def managed_pages(self, user_token: str) -> list[ManagedPage]:
        """Every Page the person manages (following paging), with Page tokens and linked Instagram accounts."""
        pages: list[ManagedPage] = []
        params = {"fields": "id,name,access_token,tasks,instagram_business_account{id,username}", "limit": "100"}
        url = "/me/accounts"
        for _ in range(50):  # 5,000 pages: far beyond any practice, and a bound on a looping cursor
            body = self._call("GET", url, op="me_accounts", token=user_token, params=params)
            for item in body.get("data") or []:
                if not isinstance(item, dict) or not item.get("id") or not item.get("access_token"):
                    continue
                instagram = item.get("instagram_business_account") or {}
                pages.append(ManagedPage(
                    page_id=str(item["id"]), name=str(item.get("name", "")), access_token=str(item["access_token"]),
                    tasks=tuple(str(t) for t in item.get("tasks") or ()),
                    instagram_id=str(instagram.get("id", "")), instagram_username=str(instagram.get("username", "")),
                ))
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not (body.get("paging") or {}).get("next") or not after:
                break
            params = {**params, "after": str(after)}
        return pages

    def permissions(self, user_token: str) -> PermissionGrants:
        body = self._call("GET", "/me/permissions", op="me_permissions", token=user_token)
        granted, declined = [], []
        for row in body.get("data") or []:
            if isinstance(row, dict):
                (granted if row.get("status") == "granted" else declined).append(str(row.get("permission", "")))
        return PermissionGrants(tuple(granted), tuple(declined))

    def subscribe(self, page_id: str, page_token: str) -> None:
        self._call(
            "POST", f"/{page_id}/subscribed_apps", op="subscribed_apps", token=page_token,
            data={"subscribed_fields": ",".join(SUBSCRIBED_FIELDS)}, log_keys={"page_id": page_id},
        )

    def debug_token(self, token: str) -> TokenInfo:
        """Inspect a token with the app access token (app id|app secret, sent in the header, not the URL)."""
        body = self._call(
            "GET", "/debug_token", op="debug_token", token=f"{self.app_id}|{self._secret}",
            params={"input_token": token},
        )
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        return TokenInfo(
            is_valid=bool(data.get("is_valid")),
            expires_at=int(data.get("expires_at") or 0),
            scopes=tuple(str(s) for s in data.get("scopes") or ()),
            error_code=_int(error.get("code")),
            error_subcode=_int(error.get("subcode")),
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        op: str,
        token: str = "",
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        log_keys: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        keys = {"op": op, **(log_keys or {})}
        try:
            response = self._session.request(
                method, f"{self._graph}{path}", params=params, data=data, headers=headers, timeout=self._timeout
            )
        except requests.RequestException as exc:
            logger.warning("login graph call failed to connect", extra={**keys, "error_type": type(exc).__name__})
            raise GraphRetryableError(f"{op}: connection failed ({type(exc).__name__})") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or not isinstance(body, dict) or "error" in body:
            exc = classify_error(response.status_code, body, op=op)
            logger.warning("login graph call failed",
                           extra={**keys, "status": response.status_code, "code": exc.code, "subcode": exc.subcode})
            raise exc
        logger.info("login graph call", extra={**keys, "status": response.status_code})
        return body


def _token_of(body: Mapping[str, Any], op: str) -> str:
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise GraphError(f"{op}: no access_token in Meta's answer")
    return token


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def seal_key(secret: str) -> bytes:
    """The Fernet key that seals the pending connection cookie, derived from the app secret."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"pageguard connect cookie\x00" + secret.encode()).digest())


def dumps(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()
