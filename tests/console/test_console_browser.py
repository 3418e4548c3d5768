"""The console in a real browser, on the app as `make run` starts it: an alert email's undo link signs the
professional in, the decisions and item pages show what PageGuard did (never the text, name or contacts),
and one click on undo makes the worker delete PageGuard's reply and unhide the comment on the fake Graph.
Set SCREENSHOT_DIR=docs/img to refresh the README's screenshots."""

from __future__ import annotations

import email
import json
import os
import re
import time
from email import policy
from pathlib import Path
from typing import Iterator

import pytest

from chalicelib.ingest.webhook import sign
from tests.conftest import TEST_SECRET, fixture_json
from tests.browser import browser_or_skip
from tests.fake_graph import FakeGraph
from tests.local_app import MakeRun, free_port, http, local_env, wait_for

COMMENT = fixture_json("fb_feed_comment_add.json")
VALUE = COMMENT["entry"][0]["changes"][0]["value"]
COMMENT_ID = VALUE["comment_id"]
# What must never appear on a console page: the visitor's text, name and the fixture's contact details.
PRIVATE = (VALUE["message"], VALUE["from"]["name"], "bipolar", "lithium")


def signed_comment() -> bytes:
    body = json.loads(json.dumps(COMMENT))
    body["entry"][0]["changes"][0]["value"]["created_time"] = int(time.time())
    return json.dumps(body).encode()


def alert_links(outbox: Path) -> dict[str, str]:
    """The console links in the one alert .eml, by their label."""
    [eml] = list(outbox.glob("*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    plain = msg.get_body(("plain",)).get_content()
    return dict(re.findall(r"^(Review it in PageGuard|This was fine: undo the hide): (\S+)", plain, re.M))


def our_reply_id(store: Path) -> str:
    from chalicelib.state.sqlite_store import SqliteStore

    record = SqliteStore(str(store)).get_audit(COMMENT_ID)
    return next(a.result_id for a in record.actions if a.step == "public_reply" and a.status == "done")


def click(browser, xpath: str) -> None:
    """Click once the page has finished loading, and wait until the browser has left it (a form POST or a link)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from selenium.common.exceptions import WebDriverException

    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: b.execute_script("return document.readyState") == "complete")
    old = browser.find_element(By.TAG_NAME, "html")
    wait.until(ec.element_to_be_clickable((By.XPATH, xpath))).click()

    def left(_browser) -> bool:
        try:
            return ec.staleness_of(old)(_browser)
        except WebDriverException as exc:  # chromedriver's race: the node went while it was being asked about
            if "does not belong to the document" in str(exc):
                return True
            raise

    wait.until(left)


def shows(browser, text: str) -> bool:
    """The page (after a navigation, which may still be loading) shows `text`."""
    return wait_for(lambda: text in browser.page_source, 30)


def assert_private(html: str) -> None:
    for secret in PRIVATE:
        assert secret.lower() not in html.lower(), f"console page shows {secret!r}"


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[tuple[MakeRun, FakeGraph, Path]]:
    tmp = tmp_path_factory.mktemp("console")
    with FakeGraph() as graph:
        port = free_port()
        env = {**local_env(tmp, graph.url, app_secret=TEST_SECRET), "CONSOLE_URL": f"http://127.0.0.1:{port}",
               "CONSOLE_KEY": "console-test-key"}
        app = MakeRun(env, tmp / "run.log", port=port)
        try:
            app.wait_ready()
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(signed_comment(), TEST_SECRET)}
            body = signed_comment()
            headers["X-Hub-Signature-256"] = sign(body, TEST_SECRET)
            assert http(f"{app.base}/webhook", body, headers)[0] == 200
            assert wait_for(lambda: len(list((tmp / "outbox").glob("*.eml"))) == 1, 90), app.logs()
            yield app, graph, tmp
        finally:
            app.stop()


def test_undo_from_the_alert_email_in_a_browser(running) -> None:
    app, graph, tmp = running
    links = alert_links(tmp / "outbox")
    assert set(links) == {"Review it in PageGuard", "This was fine: undo the hide"}
    reply_id = our_reply_id(tmp / "state.sqlite3")
    from selenium.webdriver.common.by import By

    browser = browser_or_skip()
    shots = os.environ.get("SCREENSHOT_DIR")
    try:
        # GIVEN the professional opens the undo link from the alert email
        browser.get(links["This was fine: undo the hide"])
        assert shows(browser, "Sign in to PageGuard")
        click(browser, "//button[normalize-space()='Continue to PageGuard']")
        # THEN the item page shows the verdict and steps, with undo offered
        assert shows(browser, "Was this right?") and "/console/items/" in browser.current_url
        assert "Hid the comment" in browser.page_source and "Replied publicly" in browser.page_source
        assert_private(browser.page_source)
        if shots:
            browser.set_window_size(1000, 1250)  # the whole item page, undo buttons included
            browser.save_screenshot(str(Path(shots) / "console-item.png"))
            browser.set_window_size(1200, 900)
        # WHEN they click undo
        click(browser, "//button[starts-with(normalize-space(), 'This was fine')]")
        # THEN the page follows the queued command until it is done
        assert wait_for(lambda: "You undid this" in (browser.refresh() or browser.page_source), 60), browser.page_source
        assert "Unhid the comment (your undo): done" in browser.find_element(By.ID, "steps").text
        # AND the fake Graph received the reply's deletion and the unhide
        assert [r.path.strip("/") for r in graph.requests_for("DELETE")] == [reply_id]
        unhides = [r for r in graph.requests_for("POST") if r.form.get("is_hidden") == "false"]
        assert [r.path.strip("/") for r in unhides] == [COMMENT_ID]
        # AND the decisions list shows it, newest first, still without the text
        click(browser, "//a[normalize-space()='Decisions']")
        assert shows(browser, "newest first")
        table = browser.find_element(By.CSS_SELECTOR, "table.decisions").text
        assert "Sensitive" in table and "Unhid the comment (your undo): done" in table
        assert_private(browser.page_source)
        if shots:
            browser.save_screenshot(str(Path(shots) / "console-decisions.png"))
        # AND in Settings they pick Ireland and observe mode; the crisis reply follows the country
        from selenium.webdriver.support.ui import Select

        click(browser, "//a[normalize-space()='Settings']")
        assert shows(browser, "Save settings")
        Select(browser.find_element(By.NAME, "country")).select_by_visible_text("Ireland")
        browser.find_element(By.CSS_SELECTOR, "input[name=mode][value=observe]").click()
        click(browser, "//button[starts-with(normalize-space(), 'Save settings')]")
        assert shows(browser, "Saved.")
        assert "116 123" in browser.find_element(By.NAME, "crisis_reply").get_attribute("value")
        assert browser.find_element(By.CSS_SELECTOR, "input[name=mode][value=observe]").is_selected()
        assert_private(browser.page_source)
        # AND the health panel asks Meta about the token through the worker
        click(browser, "//a[normalize-space()='Health']")
        assert shows(browser, "Last webhook received") and "not checked yet" in browser.page_source
        click(browser, "//button[normalize-space()='Check the token now']")
        assert wait_for(lambda: "working (checked" in (browser.refresh() or browser.page_source), 60)
        assert [r.path for r in graph.requests_for("GET") if r.path.rstrip("/").endswith("/me")]
        assert_private(browser.page_source)
        if shots:
            browser.save_screenshot(str(Path(shots) / "console-health.png"))
    finally:
        browser.quit()


def test_links_sessions_and_csrf_refuse_what_they_must(running) -> None:
    app, graph, tmp = running
    links = alert_links(tmp / "outbox")
    review = links["Review it in PageGuard"]
    token = review.split("t=", 1)[1]
    base = app.base
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    # A forged or altered link signs nobody in
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    status, body = http(f"{base}/console/sign-in", f"t={forged}".encode(), form)
    assert status == 403 and b"not valid" in body
    # Nothing is shown without a session, and a made-up cookie is not one
    assert http(f"{base}/console")[0] == 401
    status, _ = http(f"{base}/console", headers={"Cookie": "pageguard_session=e30.AAAA"})
    assert status == 401
    # GET of a genuine link changes nothing (a mail scanner's prefetch); the POST signs in once
    assert http(f"{base}/console/sign-in?t={token}")[0] == 200
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(urllib.request.Request(f"{base}/console/sign-in", data=f"t={token}".encode(), headers=form))
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as exc:
        assert exc.code == 303
        cookie = exc.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    session = cookie.split(";", 1)[0]
    # A used link gets the page offering a fresh one
    status, body = http(f"{base}/console/sign-in", f"t={token}".encode(), form)
    assert status == 410 and b"already been used" in body and b"Email me a fresh link" in body
    # The session sees its own page's item, with a CSRF token in the forms
    status, body = http(f"{base}/console/items/{COMMENT_ID}", headers={"Cookie": session})
    assert status == 200
    assert_private(body.decode())
    # A POST without the CSRF token (or with a wrong one) is refused and queues nothing
    before = len(graph.requests)
    for data in (b"", b"csrf=0123456789abcdef"):
        status, body = http(f"{base}/console/items/{COMMENT_ID}/keep", data, {**form, "Cookie": session})
        assert status == 403 and b"Request refused" in body
    status, _ = http(f"{base}/console/settings/104857600123456", b"mode=observe", {**form, "Cookie": session})
    assert status == 403
    # Another page's session sees nothing of this page
    from chalicelib.console.sessions import start_session

    other = start_session("console-test-key", ["999999999999999"], time.time(), secure=False).split(";", 1)[0]
    assert http(f"{base}/console/items/{COMMENT_ID}", headers={"Cookie": other})[0] == 404
    status, body = http(f"{base}/console", headers={"Cookie": other})
    assert status == 200 and COMMENT_ID.encode() not in body
    # An expired link gets nothing but the offer of a fresh one, which goes to the page's own recipients
    from chalicelib.console.sessions import link_token

    expired = link_token("console-test-key", ["104857600123456"], "/console", time.time() - 8 * 86400)
    status, body = http(f"{base}/console/sign-in", f"t={expired}".encode(), form)
    assert status == 410 and b"expired" in body and b"Set-Cookie" not in body
    status, _ = http(f"{base}/console/fresh-link", f"t={expired}".encode(), form)
    assert status == 200
    assert wait_for(lambda: len(list((tmp / "outbox").glob("*sign_in*.eml"))) == 1, 30), app.logs()
    [fresh] = list((tmp / "outbox").glob("*sign_in*.eml"))
    msg = email.message_from_bytes(fresh.read_bytes(), policy=policy.default)
    assert msg["To"] == "owner@harbor-counselling.example"
    assert "/console/sign-in?t=" in msg.get_body(("plain",)).get_content()
    assert len(graph.requests) == before  # none of the refused requests reached Meta
