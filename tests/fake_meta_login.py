"""Facebook Login on the fake Graph API: the login dialog, code exchange, long-lived tokens, /me/accounts,
/me/permissions, debug_token and subscribed_apps, in the shapes Meta documents.

`FakeGraph.login` holds one of these; it answers before the fake's default answers. Test controls:
`pages` (what /me/accounts lists), `expire_page(page_id)` (that page's tokens stop working, as when the
person changes their password), `subscribed` (page id -> fields). A token it marked expired gets Meta's
code 190 on every Graph call, not only on debug_token.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlencode

from chalicelib.config import LOCAL_APP_SECRET, LOCAL_META_APP_ID

LONG_LIVED_SECONDS = 5183944  # about 60 days, as Meta answers
SHORT_LIVED_SECONDS = 6857  # one to two hours

DEFAULT_PAGES = (
    {"id": "104857600123456", "name": "Harbor Counselling", "instagram_id": "17841400000000001",
     "instagram_username": "harborcounselling", "category": "Counselor"},
    {"id": "104857600654321", "name": "Bayside Physiotherapy", "instagram_id": "",
     "instagram_username": "", "category": "Physical Therapist"},
)


def oauth_error(message: str, code: int, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AfakeLogin"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


@dataclass
class _Grant:
    granted: tuple[str, ...]
    declined: tuple[str, ...]
    redirect_uri: str = ""


@dataclass
class FakeLogin:
    app_id: str = LOCAL_META_APP_ID
    app_secret: str = LOCAL_APP_SECRET
    pages: list[dict[str, Any]] = field(default_factory=lambda: [dict(p) for p in DEFAULT_PAGES])
    subscribed: dict[str, list[str]] = field(default_factory=dict)
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _user_tokens: dict[str, _Grant] = field(default_factory=dict)
    _page_tokens: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # token -> (page, scopes)
    _expired: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self.app_secret = LOCAL_APP_SECRET
            self.pages = [dict(p) for p in DEFAULT_PAGES]
            self.subscribed.clear()
            self._codes.clear()
            self._user_tokens.clear()
            self._page_tokens.clear()
            self._expired.clear()

    def expire_page(self, page_id: str) -> int:
        """Every token issued for this page stops working (Meta: code 190, subcode 460). Returns how many."""
        with self._lock:
            tokens = [t for t, (p, _) in self._page_tokens.items() if p == page_id]
            self._expired.update(tokens)
            return len(tokens)

    def revoke_permission(self, page_id: str, permission: str) -> None:
        """The person removed one permission in their Facebook settings: the page's tokens lose that scope."""
        with self._lock:
            for token, (page, scopes) in list(self._page_tokens.items()):
                if page == page_id:
                    self._page_tokens[token] = (page, tuple(s for s in scopes if s != permission))

    def is_page_token(self, token: str, page_id: str) -> bool:
        with self._lock:
            return self._page_tokens.get(token, ("", ()))[0] == page_id and token not in self._expired

    # --- request handling ---------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict[str, str], form: dict[str, str], token: str, version: str,
               raw_query: str = "") -> tuple[int, Any, dict[str, str]] | None:
        """An answer for the login endpoints, or for any call made with an expired token; else None."""
        params = {**query, **form}
        if token and token in self._expired:
            return 400, oauth_error("Error validating access token: The session has been invalidated because the "
                                    "user changed their password or Facebook has changed the session for security "
                                    "reasons.", 190, 460), {}
        if path == "/dialog/oauth" and method == "GET":
            return self._dialog(params, version)
        if path == "/dialog/oauth/confirm" and method == "GET":
            return self._confirm(params, parse_qs(raw_query).get("granted", []))
        if path == "/oauth/access_token":
            return self._access_token(params)
        if path == "/me/accounts" and method == "GET":
            return self._accounts(token)
        if path == "/me/permissions" and method == "GET":
            grant = self._user_tokens.get(token)
            if grant is None:
                return 400, oauth_error("Invalid OAuth access token - Cannot parse access token", 190), {}
            rows = [{"permission": p, "status": "granted"} for p in grant.granted]
            rows += [{"permission": p, "status": "declined"} for p in grant.declined]
            return 200, {"data": rows}, {}
        if path == "/debug_token" and method == "GET":
            return self._debug(params.get("input_token", ""), token)
        segments = [s for s in path.split("/") if s]
        if len(segments) == 2 and segments[1] == "subscribed_apps":
            return self._subscribed_apps(method, segments[0], params, token)
        return None

    def _dialog(self, params: dict[str, str], version: str) -> tuple[int, Any, dict[str, str]]:
        if params.get("client_id") != self.app_id:
            return 400, b"<!doctype html><p id='error'>Invalid App ID</p>", {}
        if not params.get("redirect_uri", "").startswith(("http://", "https://")):
            return 400, b"<!doctype html><p id='error'>URL blocked: redirect_uri</p>", {}
        scopes = [s for s in params.get("scope", "").split(",") if s]
        boxes = "".join(
            f'<label><input type="checkbox" name="granted" value="{escape(s)}" checked> {escape(s)}</label><br>'
            for s in scopes
        )
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{escape(params.get(k, ""))}">'
            for k in ("client_id", "redirect_uri", "state", "scope")
        )
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Log in with Facebook (fake)</title></head><body>"
            f"<h1>PageGuard is requesting access</h1><form method='get' action='/{version}/dialog/oauth/confirm'>"
            f"{hidden}{boxes}<button type='submit' name='choice' value='continue' id='fake-continue'>Continue</button>"
            "<button type='submit' name='choice' value='cancel' id='fake-cancel'>Cancel</button></form></body></html>"
        )
        return 200, page.encode(), {}

    def _confirm(self, params: dict[str, str], checked: list[str]) -> tuple[int, Any, dict[str, str]]:
        redirect = params.get("redirect_uri", "")
        state = params.get("state", "")
        if params.get("choice") == "cancel":
            query = {"error": "access_denied", "error_code": "200", "error_description": "Permissions error",
                     "error_reason": "user_denied", "state": state}
            return 302, b"", {"Location": f"{redirect}?{urlencode(query)}#_=_"}
        scopes = [s for s in params.get("scope", "").split(",") if s]
        granted = tuple(s for s in scopes if s in checked)
        declined = tuple(s for s in scopes if s not in granted)
        code = "AQ" + secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Grant(granted, declined, redirect)
        return 302, b"", {"Location": f"{redirect}?{urlencode({'code': code, 'state': state})}#_=_"}

    def _access_token(self, params: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if params.get("client_id") != self.app_id:
            return 400, oauth_error("Error validating application. Invalid application ID.", 101), {}
        if params.get("client_secret") != self.app_secret:
            return 400, oauth_error("Error validating client secret.", 1), {}
        with self._lock:
            if params.get("grant_type") == "fb_exchange_token":
                grant = self._user_tokens.get(params.get("fb_exchange_token", ""))
                if grant is None:
                    return 400, oauth_error("Invalid OAuth access token - Cannot parse access token", 190), {}
                token = "EAAlong" + secrets.token_urlsafe(32)
                self._user_tokens[token] = grant
                return 200, {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_SECONDS}, {}
            grant = self._codes.pop(params.get("code", ""), None)
            if grant is None:
                return 400, oauth_error("This authorization code has been used.", 100, 36009), {}
            if grant.redirect_uri != params.get("redirect_uri"):
                return 400, oauth_error("Error validating verification code. Please make sure your redirect_uri is "
                                        "identical to the one you used in the OAuth dialog request", 100, 36008), {}
            token = "EAAshort" + secrets.token_urlsafe(32)
            self._user_tokens[token] = grant
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": SHORT_LIVED_SECONDS}, {}

    def _accounts(self, token: str) -> tuple[int, Any, dict[str, str]]:
        grant = self._user_tokens.get(token)
        if grant is None:
            return 400, oauth_error("Invalid OAuth access token - Cannot parse access token", 190), {}
        if "pages_show_list" not in grant.granted:
            return 200, {"data": []}, {}
        data = []
        with self._lock:
            for page in self.pages:
                page_token = "EAApage" + secrets.token_urlsafe(32)
                self._page_tokens[page_token] = (page["id"], grant.granted)
                item: dict[str, Any] = {
                    "access_token": page_token,
                    "category": page.get("category", "Health/Beauty"),
                    "category_list": [{"id": "2214", "name": page.get("category", "Health/Beauty")}],
                    "name": page["name"],
                    "id": page["id"],
                    "tasks": ["ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"],
                }
                if page.get("instagram_id") and "instagram_basic" in grant.granted:
                    item["instagram_business_account"] = {"id": page["instagram_id"],
                                                          "username": page.get("instagram_username", "")}
                data.append(item)
        return 200, {"data": data, "paging": {"cursors": {"before": "QVFIUbefore", "after": "QVFIUafter"}}}, {}

    def _debug(self, input_token: str, token: str) -> tuple[int, Any, dict[str, str]]:
        if token != f"{self.app_id}|{self.app_secret}":
            return 400, oauth_error("(#100) You must provide an app access token, or a user access token that is an "
                                    "owner or developer of the app", 100), {}
        with self._lock:
            page = self._page_tokens.get(input_token)
            expired = input_token in self._expired
        if page is None:
            data: dict[str, Any] = {"error": {"code": 190, "message": "Invalid OAuth access token.", "subcode": 0},
                                    "is_valid": False, "scopes": []}
            return 200, {"data": data}, {}
        page_id, scopes = page
        data = {"app_id": self.app_id, "type": "PAGE", "application": "PageGuard", "data_access_expires_at": 0,
                "expires_at": 0, "is_valid": not expired, "issued_at": 1764750000, "profile_id": page_id,
                "scopes": list(scopes), "user_id": "10210000000000001"}
        if expired:
            data["error"] = {"code": 190, "message": "Error validating access token: The session has been invalidated "
                             "because the user changed their password.", "subcode": 460}
        return 200, {"data": data}, {}

    def _subscribed_apps(self, method: str, page_id: str, params: dict[str, str], token: str
                         ) -> tuple[int, Any, dict[str, str]] | None:
        with self._lock:
            known = token in self._page_tokens
        if not known:
            return None  # a token the login flow never issued (operator tools' tests): the fake's defaults apply
        if not self.is_page_token(token, page_id):
            return 403, oauth_error("(#210) A page access token is required to request this resource.", 210), {}
        if method == "POST":
            fields = [f for f in params.get("subscribed_fields", "").split(",") if f]
            with self._lock:
                self.subscribed[page_id] = fields
            return 200, {"success": True}, {}
        fields = self.subscribed.get(page_id)
        data = [{"category": "Business", "link": "https://pageguard.invalid/", "name": "PageGuard", "id": self.app_id,
                 "subscribed_fields": fields}] if fields else []
        return 200, {"data": data}, {}
