"""`subscribe`: POST /{page-id}/subscribed_apps with the Page token, confirmed by GET, against the fake Graph server."""

from __future__ import annotations

import io
import json
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from ops import subscription
from chalicelib.act.graph import HttpGraphClient
from tests.fake_graph import FakeGraph, ScriptedResponse
from tests.pipeline_kit import IG_ID, PAGE, PAGE_ID

SUBSCRIBED = {"data": [{"name": "PageGuard", "id": "555", "subscribed_fields": ["feed", "messages", "message_echoes"]}]}


def _graph(fake_graph: FakeGraph) -> HttpGraphClient:
    return HttpGraphClient(fake_graph.url, timeout=2.0)


def _answer(fake_graph: FakeGraph, *, subscribed: dict = SUBSCRIBED, linked_ig: str | None = IG_ID) -> None:
    fake_graph.script("POST", rf"/{PAGE_ID}/subscribed_apps", ScriptedResponse(200, {"success": True}))
    fake_graph.script("GET", rf"/{PAGE_ID}/subscribed_apps", ScriptedResponse(200, subscribed))
    page_info = {"id": PAGE_ID, **({"instagram_business_account": {"id": linked_ig}} if linked_ig else {})}
    fake_graph.script("GET", rf"/{PAGE_ID}", ScriptedResponse(200, page_info))


def test_subscribe_posts_the_page_fields_with_the_page_token(fake_graph: FakeGraph) -> None:
    _answer(fake_graph)
    result = subscription.subscribe_page(_graph(fake_graph), PAGE)
    post = fake_graph.requests_for("POST", f"/{PAGE_ID}/subscribed_apps")
    assert len(post) == 1
    assert post[0].form == {"subscribed_fields": "feed,messages,message_echoes"}
    assert post[0].token == PAGE.access_token
    assert "access_token" not in post[0].query  # the token travels in the Authorization header
    assert result.ok and result.subscribed_fields == ("feed", "messages", "message_echoes")
    assert result.linked_instagram_id == IG_ID


def test_check_reports_missing_fields_without_changing_anything(fake_graph: FakeGraph) -> None:
    _answer(fake_graph, subscribed={"data": [{"id": "555", "subscribed_fields": ["feed"]}]})
    result = subscription.check_page(_graph(fake_graph), PAGE)
    assert fake_graph.requests_for("POST") == []
    assert result.missing_fields == ("messages", "message_echoes") and not result.ok


def test_an_unlinked_instagram_account_is_a_problem(fake_graph: FakeGraph) -> None:
    _answer(fake_graph, linked_ig=None)
    result = subscription.subscribe_page(_graph(fake_graph), PAGE)
    assert not result.ok and "no Instagram professional account" in result.problems[0]


def test_a_page_without_instagram_needs_no_link_check(fake_graph: FakeGraph) -> None:
    _answer(fake_graph)
    subscription.subscribe_page(_graph(fake_graph), replace(PAGE, instagram_id=""))
    assert fake_graph.requests_for("GET", f"/{PAGE_ID}") == []


def test_the_app_id_picks_our_entry_among_several_apps(fake_graph: FakeGraph) -> None:
    apps = {"data": [{"id": "111", "subscribed_fields": ["feed", "messages", "message_echoes"]},
                     {"id": "555", "subscribed_fields": ["feed"]}]}
    _answer(fake_graph, subscribed=apps)
    assert subscription.check_page(_graph(fake_graph), PAGE, app_id="555").missing_fields == ("messages", "message_echoes")


def _cli_args(pages_file: Path, fake_graph: FakeGraph, *extra: str) -> subscription.SubscribeOptions:
    flags = {"--check": {"check": True}, "--page": {"page": tuple(extra[1:])}}
    return subscription.SubscribeOptions(pages_file=pages_file, graph_api_url=fake_graph.url,
                                         **(flags[extra[0]] if extra else {}))


def _pages_file(tmp_path: Path, *pages) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "pages.json"
    path.write_text(json.dumps({"pages": [asdict(p) for p in pages or (PAGE,)]}), encoding="utf-8")
    return path


def test_cli_subscribes_every_page_and_explains_permission_errors(fake_graph: FakeGraph, tmp_path: Path) -> None:
    other = replace(PAGE, page_id="2002", instagram_id="", name="Second Practice")
    _answer(fake_graph)
    fake_graph.fail("POST", r"/2002/subscribed_apps", status=403, code=200)
    out = io.StringIO()
    rc = subscription.run(_cli_args(_pages_file(tmp_path, PAGE, other), fake_graph), out=out, err=io.StringIO())
    text = out.getvalue()
    assert rc == 1
    assert f"page {PAGE_ID} (Dr. Example Counseling): subscribed to feed, messages, message_echoes: OK" in text
    assert "pages_manage_metadata" in text  # the failed page says which permission to grant
    assert "App Dashboard > Webhooks > Instagram" in text
    assert PAGE.access_token not in text


def test_cli_page_filter_and_unknown_page(fake_graph: FakeGraph, tmp_path: Path) -> None:
    err = io.StringIO()
    rc = subscription.run(_cli_args(_pages_file(tmp_path), fake_graph, "--page", "999"), out=io.StringIO(), err=err)
    assert rc == 1 and "999" in err.getvalue()
    assert fake_graph.requests == []


def test_cli_reports_an_expired_token(fake_graph: FakeGraph, tmp_path: Path) -> None:
    fake_graph.fail("POST", rf"/{PAGE_ID}/subscribed_apps", status=400, code=190, subcode=463)
    out = io.StringIO()
    rc = subscription.run(_cli_args(_pages_file(tmp_path), fake_graph), out=out, err=io.StringIO())
    assert rc == 1 and "expired" in out.getvalue()


@pytest.mark.parametrize("flag", ["--check"])
def test_cli_check_mode_never_posts(fake_graph: FakeGraph, tmp_path: Path, flag: str) -> None:
    _answer(fake_graph)
    rc = subscription.run(_cli_args(_pages_file(tmp_path), fake_graph, flag), out=io.StringIO(), err=io.StringIO())
    assert rc == 0 and fake_graph.requests_for("POST") == []
