"""Drive the connect flow over HTTP as a browser would, without one: the app through Chalice's test client,
the login dialog and Graph calls on the fake Graph (real HTTP)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from chalice.test import Client

from chalicelib import wiring
from chalicelib.config import Settings
from tests.conftest import TEST_SECRET
from tests.fake_graph import FakeGraph

HOST = "pageguard.test"


def connect_settings(tmp_path, fake: FakeGraph, **extra: str) -> Settings:
    fake.login.app_secret = TEST_SECRET
    env = {
        "PAGEGUARD_STAGE": "local", "APP_SECRET": TEST_SECRET, "STORE_PATH": str(tmp_path / "store.sqlite3"),
        "OUTBOX_DIR": str(tmp_path / "outbox"), "TOKEN_KEY_FILE": str(tmp_path / "keys" / "token.key"),
        "GRAPH_API_URL": fake.url, "LOGIN_DIALOG_URL": f"{fake.url}/dialog/oauth",
        "PAGES_FILE": str(tmp_path / "no-pages.json"), "PAGE_CACHE_SECONDS": "0.001",
    }
    (tmp_path / "no-pages.json").write_text('{"pages": []}')
    env.update(extra)
    return Settings.from_env(env)


@dataclass
class Callback:
    status: int
    body: str
    cookie: str
    query: dict[str, str]


def start(client: Client, query: str = "") -> str:
    """GET /connect; returns the dialog URL it redirects to."""
    response = client.http.get("/connect" + query, headers={"Host": HOST})
    assert response.status_code == 302, response.body
    return response.headers["Location"]


def dialog(dialog_url: str, *, decline: tuple[str, ...] = (), cancel: bool = False, base: str = "") -> dict[str, str]:
    """Open the fake dialog, untick `decline`, press Continue (or Cancel); returns the callback's query.
    `base` is the path the app is served under (API Gateway's stage)."""
    page = requests.get(dialog_url, timeout=5)
    assert page.status_code == 200, page.text
    form = {name: unescape(value) for name, value in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page.text)}
    scopes = form["scope"].split(",")
    fields: list[tuple[str, str]] = list(form.items()) + [("granted", s) for s in scopes if s not in decline]
    fields.append(("choice", "cancel" if cancel else "continue"))
    action = re.search(r"action='([^']+)'", page.text).group(1)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(dialog_url))
    confirm = requests.get(f"{origin}{action}?{urlencode(fields)}", allow_redirects=False, timeout=5)
    assert confirm.status_code == 302
    location = confirm.headers["Location"]
    assert location.startswith(f"http://{HOST}{base}/connect/callback?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def set_cookies(response: Any) -> SimpleCookie:
    """Every Set-Cookie of a response (Chalice gives several as a list: multiValueHeaders)."""
    value = response.headers.get("Set-Cookie", "")
    cookies: SimpleCookie = SimpleCookie()
    for line in value if isinstance(value, list) else [value]:
        cookies.load(line)
    return cookies


def callback(client: Client, query: dict[str, str]) -> Callback:
    response = client.http.get(f"/connect/callback?{urlencode(query)}", headers={"Host": HOST})
    cookie = set_cookies(response)
    return Callback(response.status_code, response.body.decode(), cookie["pg_connect"].value if "pg_connect" in cookie else "",
                    query)


def choose(client: Client, cb: Callback, pages: dict[str, dict[str, str]], *, csrf: str | None = None) -> Any:
    token = csrf if csrf is not None else re.search(r'name="csrf" value="([^"]+)"', cb.body).group(1)
    fields: list[tuple[str, str]] = [("csrf", token)]
    for page_id, values in pages.items():
        fields.append(("page_id", page_id))
        fields += [(f"{k}_{page_id}", v) for k, v in values.items()]
    return client.http.post(
        "/connect/pages", body=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"pg_connect={cb.cookie}", "Host": HOST},
    )


def settings_for(email: str = "owner@practice.example") -> dict[str, str]:
    return {"notify_email": email, "contact_reply": "Please call us at 555-0100 rather than commenting."}


def install(settings: Settings) -> wiring.Deps:
    d = wiring.Deps(settings=settings)
    wiring.use(d)
    return d
