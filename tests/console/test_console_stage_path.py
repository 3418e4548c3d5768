"""The console behind API Gateway's own URL, where every path starts with the stage (/api): the emailed
link, the sign-in redirect, every link and form, the session cookie's path and sign-out must all keep
the stage, or the browser lands on API Gateway's "Missing Authentication Token". A real browser goes
through tests/stage_proxy.py, which serves the app under /api as API Gateway does."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from chalicelib.ingest.webhook import sign
from tests.browser import browser_or_skip
from tests.conftest import TEST_SECRET
from tests.console.test_console_browser import alert_links, assert_private, click, shows, signed_comment
from tests.fake_graph import FakeGraph
from tests.local_app import MakeRun, free_port, http, local_env, wait_for
from tests.stage_proxy import StageProxy


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Iterator[tuple[StageProxy, Path]]:
    tmp = tmp_path_factory.mktemp("staged")
    port = free_port()
    with FakeGraph() as graph, StageProxy(f"http://127.0.0.1:{port}") as proxy:
        # PUBLIC_BASE_URL alone, as the stack sets it: the console's links follow it
        env = {**local_env(tmp, graph.url, app_secret=TEST_SECRET), "PUBLIC_BASE_URL": proxy.base,
               "CONSOLE_KEY": "console-stage-key"}
        app = MakeRun(env, tmp / "run.log", port=port)
        try:
            app.wait_ready()
            body = signed_comment()
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, TEST_SECRET)}
            assert http(f"{proxy.base}/webhook", body, headers)[0] == 200
            assert wait_for(lambda: len(list((tmp / "outbox").glob("*.eml"))) == 1, 90), app.logs()
            yield proxy, tmp
        finally:
            app.stop()


def test_the_proxy_refuses_paths_outside_the_stage_like_api_gateway(staged) -> None:
    proxy, _ = staged
    outside = proxy.base.removesuffix("/api") + "/console"
    status, body = http(outside)
    assert status == 403 and b"Missing Authentication Token" in body


def test_the_console_keeps_the_stage_path_from_the_email_to_sign_out(staged) -> None:
    proxy, tmp = staged
    links = alert_links(tmp / "outbox")
    assert links["Review it in PageGuard"].startswith(f"{proxy.base}/console/sign-in?t=")
    browser = browser_or_skip()
    try:
        # GIVEN the professional opens the emailed link and signs in
        browser.get(links["Review it in PageGuard"])
        assert shows(browser, "Sign in to PageGuard")
        click(browser, "//button[normalize-space()='Continue to PageGuard']")
        # THEN they land on the item under the stage, with a session cookie scoped to it
        assert shows(browser, "Was this right?") and browser.current_url.startswith(f"{proxy.base}/console/items/")
        assert [c["path"] for c in browser.get_cookies() if c["name"] == "pageguard_session"] == ["/api/console"]
        assert_private(browser.page_source)
        # AND every link and form of the console works from there
        for link, expected in (("Decisions", "newest first"), ("Health", "Last webhook received"),
                               ("Settings", "Save settings")):
            click(browser, f"//a[normalize-space()='{link}']")
            assert shows(browser, expected), (link, browser.current_url, browser.page_source[:300])
            assert browser.current_url.startswith(f"{proxy.base}/console")
        click(browser, "//button[starts-with(normalize-space(), 'Save settings')]")
        assert shows(browser, "Saved.") and browser.current_url.startswith(f"{proxy.base}/console/settings?saved=")
        # WHEN they sign out, the cookie is gone and the console asks them to sign in again
        click(browser, "//button[normalize-space()='Sign out']")
        assert shows(browser, "Signed out") and browser.current_url == f"{proxy.base}/console/signed-out"
        assert not [c for c in browser.get_cookies() if c["name"] == "pageguard_session"]
        browser.get(f"{proxy.base}/console")
        assert shows(browser, "Please sign in")
    finally:
        browser.quit()
