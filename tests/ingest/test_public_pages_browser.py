"""The privacy policy and a data-deletion status page in headless Chromium (Selenium + chromedriver): they
render, read as a page (headings, table), and fit a phone's width without sideways scrolling."""

from __future__ import annotations

import json
import shutil
from typing import Iterator
from urllib.parse import urlencode

import pytest
import requests

from chalicelib import wiring
from chalicelib.config import Settings
from tests.chalice_server import serve_app
from tests.conftest import TEST_SECRET
from tests.ingest.test_data_deletion import GOOD, signed_request

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="BROWSER TESTS SKIPPED: Chromium or chromedriver missing (apt-get install -y chromium chromium-driver)")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings.from_env({"PAGEGUARD_STAGE": "local", "APP_SECRET": TEST_SECRET,
                                  "STORE_PATH": str(tmp_path_factory.mktemp("pages") / "s.sqlite3")})
    with serve_app(wiring.Deps(settings=settings)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=375,800"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _fits_a_phone(browser: object) -> bool:
    return browser.execute_script(  # type: ignore[attr-defined]
        "return document.documentElement.scrollWidth <= window.innerWidth")


def test_the_privacy_policy_renders_and_fits_a_phone(browser: object, base: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{base}/privacy")  # type: ignore[attr-defined]
    assert browser.title == "PageGuard privacy policy"  # type: ignore[attr-defined]
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]  # type: ignore[attr-defined]
    assert headings == ["What it processes", "What it keeps, and for how long", "Deleting your data"]
    assert _fits_a_phone(browser)


def test_the_status_page_of_a_real_request_shows_what_was_deleted(browser: object, base: str) -> None:
    from selenium.webdriver.common.by import By

    answer = requests.post(f"{base}/data-deletion", data=urlencode({"signed_request": signed_request(GOOD)}),
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert answer.status_code == 200
    body = json.loads(answer.text)
    browser.get(body["url"])  # type: ignore[attr-defined]
    assert browser.find_element(By.TAG_NAME, "h1").text == "Data deletion: completed"  # type: ignore[attr-defined]
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "tr")][1:]  # type: ignore[attr-defined]
    assert rows == ["Decision records 0", "Direct-message reply notes 0", "Items waiting for a retry 0"]
    assert body["confirmation_code"] in browser.page_source  # type: ignore[attr-defined]
    assert _fits_a_phone(browser)
