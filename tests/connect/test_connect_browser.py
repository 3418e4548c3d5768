"""The connect flow in a real browser (headless Chromium) against `make run` and the fake Graph's login dialog:
connect two pages with one permission declined, a webhook acted on with the connected token, then the fake
Graph expires that token and the person reconnects in two clicks."""

from __future__ import annotations

import json
import time
from typing import Iterator

import pytest

from chalicelib.ingest.webhook import sign
from tests.browser import browser_or_skip
from tests.conftest import TEST_SECRET, fresh_fixture_bytes
from tests.fake_graph import FakeGraph
from tests.local_app import MakeRun, http, wait_for

HARBOR, BAYSIDE = "104857600123456", "104857600654321"


@pytest.fixture
def app_run(tmp_path, fake_graph: FakeGraph) -> Iterator[MakeRun]:
    fake_graph.login.app_secret = TEST_SECRET
    env = {
        # Nothing about pages is configured: the example page comes from pages.example.json, as in `make run`.
        "APP_SECRET": TEST_SECRET, "GRAPH_API_URL": fake_graph.url, "LOGIN_DIALOG_URL": f"{fake_graph.url}/dialog/oauth",
        "STORE_PATH": str(tmp_path / "state.sqlite3"), "OUTBOX_DIR": str(tmp_path / "outbox"),
        "TOKEN_KEY_FILE": str(tmp_path / "config" / "token.key"), "PAGE_CACHE_SECONDS": "0.5",
    }
    run = MakeRun(env, tmp_path / "make-run.log")
    try:
        run.wait_ready()
        yield run
    finally:
        run.stop()


@pytest.fixture
def browser():
    driver = browser_or_skip()
    yield driver
    driver.quit()


def _connect(browser, run: MakeRun, *, decline: tuple[str, ...] = (), pages: dict[str, str]) -> str:
    """Connect → (fake) Facebook dialog → Continue → pick pages → submit. Returns the result page's text."""
    from selenium.webdriver.common.by import By

    browser.get(f"{run.base}/connect")
    assert "PageGuard is requesting access" in browser.page_source  # the fake Facebook dialog
    for permission in decline:
        browser.find_element(By.CSS_SELECTOR, f'input[name="granted"][value="{permission}"]').click()
    browser.find_element(By.ID, "fake-continue").click()
    _wait_for_title(browser, "Choose the pages to protect")
    for box in browser.find_elements(By.CSS_SELECTOR, 'input[name="page_id"]'):
        if box.is_selected() != (box.get_attribute("value") in pages):
            box.click()
    for page_id, email_address in pages.items():
        field = browser.find_element(By.NAME, f"notify_email_{page_id}")
        field.clear()
        field.send_keys(email_address)
        reply = browser.find_element(By.NAME, f"contact_reply_{page_id}")
        reply.clear()
        reply.send_keys("Thank you for reaching out. Please call us at 555-0100 rather than commenting.")
    browser.find_element(By.ID, "connect-pages").click()
    _wait_for_title(browser, "Pages connected")
    return browser.find_element(By.TAG_NAME, "body").text


def _wait_for_title(browser, text: str) -> None:
    """A click that submits a form returns before the next page (after Meta's redirects) has loaded."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(expected_conditions.title_contains(text))


def _hides(fake: FakeGraph) -> list:
    return [r for r in fake.requests_for("POST") if r.query.get("is_hidden") == "true" or r.form.get("is_hidden") == "true"]


def _send_comment(run: MakeRun) -> None:
    body = fresh_fixture_bytes("fb_feed_comment_add.json")
    status, _ = http(f"{run.base}/webhook", body, {"Content-Type": "application/json",
                                                    "X-Hub-Signature-256": sign(body, TEST_SECRET)})
    assert status == 200


def test_connect_two_pages_decline_one_permission_then_reconnect_after_expiry(app_run, browser, fake_graph) -> None:
    # GIVEN make run with nothing configured, and the person declines pages_messaging in Facebook's dialog
    text = _connect(browser, app_run, decline=("pages_messaging",),
                    pages={HARBOR: "harbor@practice.example", BAYSIDE: "bayside@practice.example"})
    # THEN both pages are protected and subscribed, and the declined permission is named with its effect
    assert text.count("protected") == 2
    assert "pages_messaging" in text and "Messenger" in text
    assert set(fake_graph.login.subscribed) == {HARBOR, BAYSIDE}

    # WHEN a sensitive comment arrives on the connected page
    _send_comment(app_run)
    # THEN the worker hid it with the token the connect flow stored
    assert wait_for(lambda: len(_hides(fake_graph)) == 1, timeout=60), app_run.logs()[-3000:]
    first_token = _hides(fake_graph)[0].token
    assert fake_graph.login.is_page_token(first_token, HARBOR)

    # WHEN Meta invalidates the page's token and the person reconnects (Connect, Continue, submit)
    fake_graph.login.expire_page(HARBOR)
    text = _connect(browser, app_run, pages={HARBOR: "harbor@practice.example"})
    assert "protected" in text and "pages_messaging" not in text

    # THEN the next comment is acted on with the new token
    hides_before = len(_hides(fake_graph))
    body = json.loads(fresh_fixture_bytes("fb_feed_comment_add.json"))
    body["entry"][0]["changes"][0]["value"]["comment_id"] += "7"
    raw = json.dumps(body).encode()
    status, _ = http(f"{app_run.base}/webhook", raw, {"Content-Type": "application/json",
                                                       "X-Hub-Signature-256": sign(raw, TEST_SECRET)})
    assert status == 200
    assert wait_for(lambda: len(_hides(fake_graph)) == hides_before + 1, timeout=60), app_run.logs()[-3000:]
    second_token = _hides(fake_graph)[-1].token
    assert second_token != first_token and fake_graph.login.is_page_token(second_token, HARBOR)


def test_a_replayed_callback_url_is_refused_in_the_browser(app_run, browser, fake_graph) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{app_run.base}/connect")
    browser.find_element(By.ID, "fake-continue").click()
    _wait_for_title(browser, "Choose the pages to protect")
    callback_url = browser.current_url
    assert "/connect/callback?" in callback_url
    # The same state and code again (a stolen URL, or a reload). Without Meta's "#_=_" fragment, or the
    # browser would treat it as a jump within the page it already shows.
    browser.get(callback_url.split("#")[0])
    assert browser.find_element(By.ID, "error").text == "state was already used"


def test_facebook_login_signs_in_to_the_console_whose_settings_reach_the_worker(app_run, browser, fake_graph) -> None:
    from selenium.webdriver.common.by import By

    from tests.console.test_console_browser import click, shows

    # GIVEN two pages connected with Facebook Login
    text = _connect(browser, app_run, pages={HARBOR: "harbor@practice.example", BAYSIDE: "bayside@practice.example"})
    assert text.count("protected") == 2
    # WHEN the person opens the console from the result page: no emailed link, the login signed them in
    click(browser, "//a[@id='open-console']")
    assert shows(browser, "Decisions for Bayside Physiotherapy, Harbor Counselling") or \
        shows(browser, "Decisions for Harbor Counselling, Bayside Physiotherapy"), browser.page_source[:2000]
    # AND in Settings they put the connected page in observe mode
    click(browser, "//a[normalize-space()='Settings']")
    assert shows(browser, "Save settings")
    form = browser.find_element(By.CSS_SELECTOR, f'form[action="/console/settings/{HARBOR}"]')
    form.find_element(By.CSS_SELECTOR, "input[name=mode][value=observe]").click()
    click(browser, f"//form[@action='/console/settings/{HARBOR}']//button[starts-with(normalize-space(), 'Save settings')]")
    assert shows(browser, "Saved.")
    # THEN the worker, reading the same registry record, decides on the next sensitive comment but hides nothing
    _send_comment(app_run)
    assert wait_for(lambda: "Sensitive" in (browser.get(f"{app_run.base}/console") or browser.page_source), 60), \
        app_run.logs()[-3000:]
    assert _hides(fake_graph) == []


def test_the_console_session_covers_the_pages_just_connected(app_run, browser, fake_graph) -> None:
    from chalicelib.config import LOCAL_CONSOLE_KEY
    from chalicelib.console.sessions import COOKIE_NAME, read_session

    _connect(browser, app_run, pages={HARBOR: "harbor@practice.example", BAYSIDE: "bayside@practice.example"})
    browser.get(f"{app_run.base}/console")  # the session cookie is scoped to /console
    cookie = browser.get_cookie(COOKIE_NAME)
    assert cookie is not None, browser.get_cookies()
    session = read_session(LOCAL_CONSOLE_KEY, f"{COOKIE_NAME}={cookie['value']}", time.time())
    assert session is not None and set(session.page_ids) == {HARBOR, BAYSIDE}
    assert cookie["httpOnly"]
