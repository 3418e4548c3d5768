"""The connect pages' request handling: what app.py's /connect routes answer, as (status, headers, body).

Cookies: the pending connection rides in an HttpOnly, SameSite=Lax cookie scoped to /connect, so another
site cannot post the picker form with it; the form also carries a CSRF value sealed inside the cookie.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Iterable, Mapping
from urllib.parse import parse_qs

from chalicelib.connect import html
from chalicelib.connect.flow import COOKIE_NAME, PENDING_MAX_AGE_S, ConnectFlow, redirect_uri
from chalicelib.connect.facebook_login import LoginError
from chalicelib.config import Settings
from chalicelib.console.sessions import start_session
from chalicelib.errors import ConfigError, GraphError, error_summary
from chalicelib.logs import logger

_HTML = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@dataclass(frozen=True)
class WebAnswer:
    status: int
    body: str = ""
    headers: dict[str, str | list[str]] = field(default_factory=dict)  # a list: one header line each


def _with_console_session(cookie: str, settings: Settings, console_key: str, page_ids: Iterable[str]) -> str | list[str]:
    """Facebook Login is also the console's sign-in: the pages Facebook lists for this person that
    PageGuard protects get a console session (sessions.py), beside the connect flow's own cookie."""
    pages = list(page_ids)
    if not pages or not console_key:
        return cookie
    return [cookie, start_session(console_key, pages, time.time(), secure=not settings.is_local,
                                  base_path=settings.base_path)]


def _cookie(settings: Settings, value: str, max_age: int) -> str:
    secure = "; Secure" if settings.public_base_url.startswith("https://") else ""
    return f"{COOKIE_NAME}={value}; Path={settings.base_path}/connect; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"


def _error(status: int, message: str, settings: Settings) -> WebAnswer:
    return WebAnswer(status, html.error_html(message, settings.base_path), dict(_HTML))


def start(flow: ConnectFlow, settings: Settings, query: Mapping[str, str], host: str) -> WebAnswer:
    try:
        target = flow.start(redirect_uri(settings.public_base_url, host, local=settings.is_local),
                            rerequest=query.get("rerequest") == "1")
    except ConfigError as exc:
        logger.error("connect is not configured", extra={"why": str(exc)})
        return _error(503, "Connecting pages is not set up on this deployment yet.", settings)
    return WebAnswer(302, "", {"Location": target, "Cache-Control": "no-store"})


def callback(flow: ConnectFlow, settings: Settings, query: Mapping[str, str], host: str, console_key: str = "") -> WebAnswer:
    try:
        view, sealed = flow.callback(query, redirect_uri(settings.public_base_url, host, local=settings.is_local))
    except LoginError as exc:
        logger.warning("connect callback refused", extra={"why": str(exc)})
        return _error(400, str(exc), settings)
    except GraphError as exc:
        logger.warning("connect callback failed at Meta", extra={"error": error_summary(exc)})
        return _error(502, "Facebook did not accept the login. Start again.", settings)
    cookies = _with_console_session(_cookie(settings, sealed, PENDING_MAX_AGE_S), settings, console_key, view.existing)
    return WebAnswer(200, html.picker_html(view, settings.base_path), {**_HTML, "Set-Cookie": cookies})


def choose_pages(flow: ConnectFlow, settings: Settings, body: bytes, cookie_header: str, console_key: str = "") -> WebAnswer:
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except Exception:  # http.cookies raises CookieError on a malformed header; treat it as no cookie
        cookies = SimpleCookie()
    sealed = cookies[COOKIE_NAME].value if COOKIE_NAME in cookies else ""
    if not sealed:
        return _error(400, "the connection has expired: start again from Connect", settings)
    form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    try:
        result = flow.finish(sealed, form)
    except LoginError as exc:
        logger.warning("connect pages refused", extra={"why": str(exc)})
        return _error(400, str(exc), settings)
    except GraphError as exc:
        logger.warning("connect pages failed at Meta", extra={"error": error_summary(exc)})
        return _error(502, "Facebook did not answer. Start again.", settings)
    cookies = _with_console_session(_cookie(settings, "", 0), settings, console_key, result.console_pages)
    return WebAnswer(200, html.result_html(result, settings.base_path), {**_HTML, "Set-Cookie": cookies})
