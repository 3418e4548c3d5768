"""Privacy of the console: every sample webhook goes through `make run`, then the decisions page (with each
filter) and every item page are fetched with a session, and none may contain any fixture's text, an
author's name or username, or a contact detail written in it. Like the logs and emails today."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from chalicelib.config import extract_contacts
from chalicelib.console.sessions import start_session
from chalicelib.ingest.webhook import sign
from scripts.retime import retime
from tests.conftest import FIXTURES, TEST_SECRET
from tests.fake_graph import FakeGraph
from tests.local_app import MakeRun, http, local_env, wait_for

KEY = "console-privacy-key"
PAGE_ID = "104857600123456"


def private_strings(data) -> set[str]:
    """Texts, names and usernames anywhere in a payload, and the contact details inside the texts."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("message", "text", "name", "username") and isinstance(value, str) and len(value) >= 4:
                found.add(value)
                found.update(extract_contacts(value))
            found |= private_strings(value)
    elif isinstance(data, list):
        for value in data:
            found |= private_strings(value)
    return found


def test_no_console_page_shows_text_names_or_contacts(tmp_path: Path) -> None:
    fixtures = sorted(FIXTURES.glob("*.json"))
    secrets = set().union(*(private_strings(json.loads(p.read_text())) for p in fixtures))
    assert len(secrets) > 20  # the scan has something to find
    with FakeGraph() as graph:
        env = {**local_env(tmp_path, graph.url, app_secret=TEST_SECRET), "CONSOLE_KEY": KEY}
        app = MakeRun(env, tmp_path / "run.log")
        try:
            app.wait_ready()
            for path in fixtures:
                body = retime(path.read_bytes())  # the stored fixtures are older than the replay window
                headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, TEST_SECRET)}
                assert http(f"{app.base}/webhook", body, headers)[0] == 200, path.name
            cookie = start_session(KEY, [PAGE_ID], time.time(), secure=False).split(";", 1)[0]
            pages: dict[str, str] = {}

            def listed() -> list[str]:
                html = http(f"{app.base}/console", headers={"Cookie": cookie})[1].decode()
                return sorted(set(re.findall(r'href="/console/items/([^"?]+)"', html)))

            assert wait_for(lambda: len(listed()) >= 10, 120), app.logs()
            for query in ("", "?verdict=sensitive", "?verdict=crisis", "?surface=message", "?platform=instagram",
                          "?status=done", "?verdict=<script>"):
                status, body = http(f"{app.base}/console{query}", headers={"Cookie": cookie})
                assert status == 200
                pages[f"/console{query}"] = body.decode()
            for item_id in listed():
                status, body = http(f"{app.base}/console/items/{item_id}", headers={"Cookie": cookie})
                assert status == 200
                pages[item_id] = body.decode()
            for name in ("health", "settings"):
                pages[name] = http(f"{app.base}/console/{name}", headers={"Cookie": cookie})[1].decode()
        finally:
            app.stop()
    assert len(pages) > 15
    practice_own = {"555-0100", "hello@harbor-counselling.example"}  # the page's contact reply, on Settings
    for where, html in pages.items():
        leaked = [s for s in secrets - practice_own if s in html]
        assert leaked == [], f"{where} shows {leaked}"
    assert "<script>" not in pages["/console?verdict=<script>"]
