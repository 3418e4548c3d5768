"""Headless Chromium for the console's browser tests: Debian's chromium and chromedriver, driven by Selenium.

`make test` installs the browser when it can; when it cannot, the tests are skipped with a loud reason.
"""

from __future__ import annotations

import shutil

import pytest

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,900")


def browser_or_skip():
    """A Selenium Chrome driver on Debian's chromium, or pytest.skip with the reason (loud in the summary)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("BROWSER TESTS SKIPPED: chromium and chromedriver are not installed "
                    "(apt-get install -y chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("BROWSER TESTS SKIPPED: selenium is not installed (pip install -r requirements-dev.txt)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
