"""The connect flow: start (dialog URL), callback (code -> long-lived user token -> managed pages), finish
(store the chosen pages' tokens and settings, subscribe each page).

Between callback and finish the long-lived user token waits in a sealed cookie (Fernet, key derived from
the app secret, 15 minutes), not in the store: the API function may write tokens but never read them.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from chalicelib.config import EMAIL_PATTERN
from chalicelib.connect.facebook_login import (
    PERMISSIONS,
    FacebookLogin,
    LoginError,
    ManagedPage,
    PermissionGrants,
    StateSigner,
    dumps,
    seal_key,
)
from chalicelib.errors import ConfigError, GraphError, error_summary
from chalicelib.logs import logger
from chalicelib.state.page_registry import TOKEN_OK, PageRecord, PageRegistry

PENDING_MAX_AGE_S = 900
COOKIE_NAME = "pg_connect"
_EMAIL_RE = re.compile(EMAIL_PATTERN)


@dataclass(frozen=True)
class PendingConnection:
    """What the callback learned, carried to the page picker's POST in the sealed cookie."""

    user_token: str
    page_ids: tuple[str, ...]
    granted: tuple[str, ...]
    declined: tuple[str, ...]
    csrf: str

    @property
    def grants(self) -> PermissionGrants:
        return PermissionGrants(self.granted, self.declined)


@dataclass(frozen=True)
class PickerView:
    """The page picker: pages the person manages (no tokens), current settings, missing permissions."""

    pages: tuple[ManagedPage, ...]
    existing: Mapping[str, PageRecord]
    missing_permissions: Mapping[str, str]
    csrf: str


@dataclass(frozen=True)
class ConnectedPage:
    page_id: str
    name: str
    instagram_id: str = ""
    subscribed: bool = False
    problem: str = ""


@dataclass(frozen=True)
class ConnectResult:
    connected: tuple[ConnectedPage, ...] = ()
    missing_permissions: Mapping[str, str] = field(default_factory=dict)
    # every page Facebook lists for this person that PageGuard protects (just connected or before):
    # the pages of the console session the connect flow signs them in to
    console_pages: tuple[str, ...] = ()


def redirect_uri(public_base_url: str, request_host: str, *, local: bool) -> str:
    """Where Meta sends the person back. On AWS it must be PUBLIC_BASE_URL (the URL registered with Meta);
    locally the Host the browser used is right."""
    if public_base_url:
        return f"{public_base_url}/connect/callback"
    if local and request_host:
        return f"http://{request_host}/connect/callback"
    raise ConfigError("PUBLIC_BASE_URL is not set: Facebook Login needs this deployment's public URL")


class ConnectFlow:
    def __init__(
        self, login: FacebookLogin, registry: PageRegistry, *, secret: str, clock: Callable[[], float] = time.time
    ) -> None:
        from cryptography.fernet import Fernet

        self._login = login
        self._registry = registry
        self._signer = StateSigner(secret)
        self._fernet = Fernet(seal_key(secret))
        self._clock = clock

    def start(self, redirect: str, *, rerequest: bool = False) -> str:
        """The Facebook Login dialog URL with a fresh signed state."""
        return self._login.dialog_url(redirect_uri=redirect, state=self._signer.issue(self._clock()), rerequest=rerequest)

    def callback(self, params: Mapping[str, str], redirect: str) -> tuple[PickerView, str]:
        """Check the state (signed, fresh, first use), exchange the code, list the pages. Returns the
        picker and the sealed pending connection for the cookie."""
        now = self._clock()
        nonce, expires = self._signer.verify(params.get("state", ""), now)
        if not self._registry.claim_once(f"state#{nonce}", expires, now=now):
            raise LoginError("state was already used")
        if params.get("error"):
            # Meta: error=access_denied&error_reason=user_denied when the person cancels the dialog.
            raise LoginError(f"login cancelled ({params.get('error_reason') or params.get('error')})")
        code = params.get("code", "")
        if not code:
            raise LoginError("no code in the callback")
        short = self._login.exchange_code(code, redirect)
        user_token = self._login.long_lived_user_token(short)
        grants = self._login.permissions(user_token)
        pages = tuple(self._login.managed_pages(user_token))
        csrf = secrets.token_urlsafe(18)
        pending = PendingConnection(user_token, tuple(p.page_id for p in pages), grants.granted, grants.declined, csrf)
        logger.info("login callback", extra={"pages": len(pages), "declined": list(grants.declined)})
        existing = {p.page_id: r for p in pages if (r := self._registry.get_page(p.page_id)) is not None}
        view = PickerView(pages, existing, grants.missing(), csrf)
        return view, self._fernet.encrypt(dumps(pending.__dict__)).decode()

    def open_pending(self, sealed: str) -> PendingConnection:
        from cryptography.fernet import InvalidToken

        try:
            data = json.loads(self._fernet.decrypt(sealed.encode(), ttl=PENDING_MAX_AGE_S))
            return PendingConnection(
                user_token=str(data["user_token"]), page_ids=tuple(data["page_ids"]), granted=tuple(data["granted"]),
                declined=tuple(data["declined"]), csrf=str(data["csrf"]),
            )
        except (InvalidToken, ValueError, KeyError, TypeError) as exc:
            raise LoginError("the connection has expired: start again from Connect") from exc

    def finish(self, sealed: str, form: Mapping[str, Sequence[str]]) -> ConnectResult:
        """Store the chosen pages (token first, then the record) and subscribe each one."""
        pending = self.open_pending(sealed)
        if not secrets.compare_digest(_one(form, "csrf"), pending.csrf):
            raise LoginError("the form does not belong to this connection")
        chosen = [p for p in form.get("page_id", []) if p in pending.page_ids]
        if not chosen:
            raise LoginError("choose at least one page")
        self._check_owner(pending)
        settings = {p: _page_settings(form, p) for p in chosen}
        # Fresh Page tokens: the ones seen at the callback were never kept.
        managed = {p.page_id: p for p in self._login.managed_pages(pending.user_token)}
        now = self._clock()
        connected = []
        for page_id in chosen:
            page = managed.get(page_id)
            if page is None:
                connected.append(ConnectedPage(page_id, page_id, problem="no longer listed for you by Facebook"))
                continue
            self._registry.put_token(page.page_id, page.access_token)
            old = self._registry.get_page(page.page_id)
            record = (old or PageRecord(page_id=page.page_id, name=page.name)).with_changes(
                name=page.name, instagram_id=page.instagram_id, instagram_username=page.instagram_username,
                connected_at=now, token_status=TOKEN_OK, token_checked_at=now, token_problem="", token_alerted_at=0.0,
                granted_permissions=pending.granted, declined_permissions=pending.declined, **settings[page_id],
            )
            self._registry.save_page(record)
            problem = ""
            try:
                self._login.subscribe(page.page_id, page.access_token)
            except GraphError as exc:
                problem = f"could not subscribe the page to webhooks: {error_summary(exc)}"
            logger.info("page connected", extra={"page_id": page.page_id, "subscribed": not problem})
            connected.append(ConnectedPage(page.page_id, page.name, page.instagram_id, not problem, problem))
        console_pages = tuple(p for p in pending.page_ids if p in managed and self._registry.get_page(p) is not None)
        return ConnectResult(tuple(connected), pending.grants.missing(), console_pages)


    def _check_owner(self, pending: PendingConnection) -> None:
        """A deployment belongs to one practice: the first person to connect (or `setup`) owns it; after
        that, only someone who manages one of its pages may connect more."""
        from chalicelib.state.page_import import FIRST_OWNER_KEY, FOREVER_S

        if any(self._registry.get_page(p) is not None for p in pending.page_ids):
            return
        now = self._clock()
        if not self._registry.claim_once(FIRST_OWNER_KEY, now + FOREVER_S, now=now):
            raise LoginError("this PageGuard protects another practice's pages: you manage none of them")


def _one(form: Mapping[str, Sequence[str]], key: str) -> str:
    values = form.get(key) or [""]
    return str(values[0]).strip()


def _page_settings(form: Mapping[str, Sequence[str]], page_id: str) -> dict[str, str]:
    notify = _one(form, f"notify_email_{page_id}")
    reply = _one(form, f"contact_reply_{page_id}")
    mode = _one(form, f"mode_{page_id}") or "protect"
    if not _EMAIL_RE.fullmatch(notify):
        raise LoginError("each chosen page needs an email address for alerts")
    if not reply or len(reply) > 2000:
        raise LoginError("each chosen page needs a contact reply (at most 2,000 characters)")
    if mode not in ("protect", "observe"):
        raise LoginError("mode must be protect or observe")
    return {"notify_email": notify, "contact_reply": reply, "mode": mode}


__all__ = ["PERMISSIONS", "COOKIE_NAME", "ConnectFlow", "ConnectResult", "LoginError", "PickerView", "redirect_uri"]
