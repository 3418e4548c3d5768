"""The connect flow end to end over real HTTP: app routes (Chalice's test client), login dialog and Graph
(the fake Graph), the registry in SQLite with sealed tokens."""

from __future__ import annotations

from typing import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from chalice.test import Client

import app as pageguard
from chalicelib import wiring
from chalicelib.connect.facebook_login import PERMISSIONS, SUBSCRIBED_FIELDS
from tests.connect import connect_kit as kit
from tests.fake_graph import FakeGraph

HARBOR, BAYSIDE = "104857600123456", "104857600654321"


@pytest.fixture
def deps(tmp_path, fake_graph: FakeGraph) -> Iterator[wiring.Deps]:
    yield kit.install(kit.connect_settings(tmp_path, fake_graph))
    wiring.use(None)


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(pageguard.app, stage_name="local") as test_client:
        yield test_client


def test_connect_redirects_to_the_dialog_with_every_permission_and_a_state(client, deps) -> None:
    url = kit.start(client)
    assert url.startswith(deps.settings.login_dialog_url + "?")
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == [deps.settings.meta_app_id]
    assert query["scope"] == [",".join(PERMISSIONS)]
    assert query["redirect_uri"] == [f"http://{kit.HOST}/connect/callback"]
    assert query["response_type"] == ["code"]
    assert len(query["state"][0]) > 40


def test_when_two_pages_are_connected_then_tokens_are_sealed_records_saved_and_pages_subscribed(
    client, deps, fake_graph: FakeGraph, tmp_path
) -> None:
    # GIVEN the person approves every permission
    cb = kit.callback(client, kit.dialog(kit.start(client)))
    assert cb.status == 200 and "Harbor Counselling" in cb.body and "Bayside Physiotherapy" in cb.body
    assert "@harborcounselling" in cb.body
    # WHEN they choose both pages
    response = kit.choose(client, cb, {HARBOR: kit.settings_for(), BAYSIDE: {**kit.settings_for("b@bay.example"),
                                                                             "mode": "observe"}})
    # THEN both are protected, subscribed with PageGuard's fields, and their tokens are stored sealed
    assert response.status_code == 200, response.body
    assert response.body.decode().count('class="ok"') == 2
    assert fake_graph.login.subscribed == {HARBOR: list(SUBSCRIBED_FIELDS), BAYSIDE: list(SUBSCRIBED_FIELDS)}
    registry = deps.page_registry
    harbor = registry.get_page(HARBOR)
    assert harbor.instagram_id == "17841400000000001" and harbor.token_status == "ok"
    assert registry.get_page(BAYSIDE).mode == "observe"
    token = registry.get_token(HARBOR)
    assert fake_graph.login.is_page_token(token, HARBOR)
    raw = (tmp_path / "store.sqlite3").read_bytes()
    assert token.encode() not in raw
    # and the worker's view finds the page by its Instagram id too, with the token
    page = deps.pages.for_account("17841400000000001")
    assert page.page_id == HARBOR and page.access_token == token and not page.observe
    assert deps.pages.for_account(BAYSIDE).observe
    # the app secret never went into a URL
    for request in fake_graph.requests:
        assert "client_secret" not in request.query and deps.settings.app_secret not in str(request.query)


def test_declined_permission_is_named_with_what_stops_working(client, deps) -> None:
    cb = kit.callback(client, kit.dialog(kit.start(client), decline=("pages_messaging",)))
    assert cb.status == 200
    assert "pages_messaging" in cb.body and "Messenger" in cb.body
    response = kit.choose(client, cb, {HARBOR: kit.settings_for()})
    assert "pages_messaging" in response.body.decode()
    assert deps.page_registry.get_page(HARBOR).declined_permissions == ("pages_messaging",)


def test_replayed_state_is_refused(client, deps) -> None:
    query = kit.dialog(kit.start(client))
    assert kit.callback(client, query).status == 200
    replay = kit.callback(client, query)
    assert replay.status == 400 and "already used" in replay.body and not replay.cookie


def test_forged_state_is_refused_before_any_code_exchange(client, deps, fake_graph: FakeGraph) -> None:
    query = kit.dialog(kit.start(client))
    nonce, expires, mac = query["state"].split(".")
    forged = kit.callback(client, {**query, "state": f"{nonce}.{int(expires) + 3600}.{mac}"})
    assert forged.status == 400 and "not issued here" in forged.body
    assert not fake_graph.requests_for("POST", "/oauth/access_token")


def test_cancelled_dialog_shows_an_error_and_stores_nothing(client, deps) -> None:
    cb = kit.callback(client, kit.dialog(kit.start(client), cancel=True))
    assert cb.status == 400 and "cancelled" in cb.body
    assert deps.page_registry.list_pages() == []


def test_picker_form_without_its_csrf_value_is_refused(client, deps) -> None:
    cb = kit.callback(client, kit.dialog(kit.start(client)))
    response = kit.choose(client, cb, {HARBOR: kit.settings_for()}, csrf="forged")
    assert response.status_code == 400
    assert deps.page_registry.list_pages() == []


def test_a_page_the_person_does_not_manage_cannot_be_chosen(client, deps) -> None:
    cb = kit.callback(client, kit.dialog(kit.start(client)))
    response = kit.choose(client, cb, {"999999999": kit.settings_for()})
    assert response.status_code == 400
    assert deps.page_registry.list_pages() == []


def test_reconnect_after_an_expired_token_stores_a_working_one(client, deps, fake_graph: FakeGraph) -> None:
    cb = kit.callback(client, kit.dialog(kit.start(client)))
    kit.choose(client, cb, {HARBOR: kit.settings_for()})
    old = deps.page_registry.get_token(HARBOR)
    fake_graph.login.expire_page(HARBOR)
    assert not fake_graph.login.is_page_token(old, HARBOR)
    cb = kit.callback(client, kit.dialog(kit.start(client)))
    assert "owner@practice.example" in cb.body  # the page's settings are offered again
    kit.choose(client, cb, {HARBOR: kit.settings_for()})
    new = deps.page_registry.get_token(HARBOR)
    assert new != old and fake_graph.login.is_page_token(new, HARBOR)


def test_someone_who_manages_none_of_the_deployments_pages_cannot_add_theirs(client, deps, fake_graph) -> None:
    # GIVEN the practice connected its page
    kit.choose(client, kit.callback(client, kit.dialog(kit.start(client))), {HARBOR: kit.settings_for()})
    # WHEN a stranger, whose Facebook account manages only their own page, goes through /connect
    fake_graph.login.pages = [{"id": "555000111222333", "name": "Stranger's Page", "instagram_id": ""}]
    cb = kit.callback(client, kit.dialog(kit.start(client)))
    response = kit.choose(client, cb, {"555000111222333": kit.settings_for("x@stranger.example")})
    # THEN nothing of theirs is stored
    assert response.status_code == 400 and "another practice" in response.body.decode()
    assert [r.page_id for r in deps.page_registry.list_pages()] == [HARBOR]
    # while the practice can still add a second page it manages alongside the first
    fake_graph.login.pages = [{"id": HARBOR, "name": "Harbor Counselling", "instagram_id": ""},
                              {"id": BAYSIDE, "name": "Bayside Physiotherapy", "instagram_id": ""}]
    cb = kit.callback(client, kit.dialog(kit.start(client)))
    assert kit.choose(client, cb, {BAYSIDE: kit.settings_for()}).status_code == 200


def _console_pages(deps, response) -> set[str]:
    import time

    from chalicelib.console.sessions import COOKIE_NAME, read_session

    cookies = kit.set_cookies(response)
    if COOKIE_NAME not in cookies:
        return set()
    session = read_session(deps.console_key, f"{COOKIE_NAME}={cookies[COOKIE_NAME].value}", time.time())
    assert session is not None and cookies[COOKIE_NAME]["httponly"] and cookies[COOKIE_NAME]["path"] == "/console"
    return set(session.page_ids)


def test_facebook_login_signs_in_to_the_console_for_the_protected_pages_it_lists(client, deps) -> None:
    # GIVEN the first login: Facebook lists two pages, PageGuard protects none yet: no console session
    query = kit.dialog(kit.start(client))
    first = client.http.get(f"/connect/callback?{urlencode(query)}", headers={"Host": kit.HOST})
    assert first.status_code == 200 and _console_pages(deps, first) == set()
    # WHEN the person connects only Harbor
    cb = kit.callback(client, kit.dialog(kit.start(client)))
    response = kit.choose(client, cb, {HARBOR: kit.settings_for()})
    # THEN the result signs them in to the console for Harbor, not for Bayside (listed but not protected)
    assert response.status_code == 200 and _console_pages(deps, response) == {HARBOR}
    assert 'href="/console"' in response.body.decode()
    # AND a later login is a console sign-in for Harbor straight from the callback
    again = client.http.get(f"/connect/callback?{urlencode(kit.dialog(kit.start(client)))}", headers={"Host": kit.HOST})
    assert _console_pages(deps, again) == {HARBOR}
    # AND the session opens the console (the console's own check, over HTTP)
    cookie = f"pageguard_session={kit.set_cookies(again)['pageguard_session'].value}"
    page = client.http.get("/console/settings", headers={"Cookie": cookie, "Host": kit.HOST})
    assert page.status_code == 200 and "Harbor Counselling" in page.body.decode() and "Bayside" not in page.body.decode()


def test_behind_api_gateways_stage_every_link_redirect_and_cookie_keeps_the_stage(client, tmp_path, fake_graph) -> None:
    # GIVEN the deployment's public URL is API Gateway's own, whose paths start with the stage
    base_url = f"http://{kit.HOST}/api"
    deps = kit.install(kit.connect_settings(tmp_path, fake_graph, PUBLIC_BASE_URL=base_url))
    try:
        # WHEN a person connects a page (API Gateway hands the app the path without the stage)
        query = parse_qs(urlsplit(kit.start(client)).query)
        assert query["redirect_uri"] == [f"{base_url}/connect/callback"]
        cb = kit.callback(client, kit.dialog(kit.start(client), base="/api"))
        # THEN the picker posts to the stage's path and its cookie is scoped to it
        assert cb.status == 200 and 'action="/api/connect/pages"' in cb.body
        first = client.http.get(f"/connect/callback?{urlencode(kit.dialog(kit.start(client), base='/api'))}",
                                headers={"Host": kit.HOST})
        assert kit.set_cookies(first)["pg_connect"]["path"] == "/api/connect"
        cb = kit.callback(client, kit.dialog(kit.start(client), base="/api"))
        response = kit.choose(client, cb, {HARBOR: kit.settings_for()})
        # AND the result links to the console under the stage, with the console's cookie scoped to it
        body = response.body.decode()
        assert response.status_code == 200 and 'href="/api/console"' in body
        cookies = kit.set_cookies(response)
        assert cookies["pageguard_session"]["path"] == "/api/console" and cookies["pg_connect"]["path"] == "/api/connect"
        assert deps.settings.console_url == base_url  # alert emails link to the console at the same URL
        # AND an error page's way back keeps the stage too
        refused = client.http.post("/connect/pages", body=b"", headers={
            "Host": kit.HOST, "Content-Type": "application/x-www-form-urlencoded"})
        assert refused.status_code == 400 and 'href="/api/connect"' in refused.body.decode()
    finally:
        wiring.use(None)
