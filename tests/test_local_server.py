"""End to end: `make run` as a user starts it (web and worker processes), real HTTP in, real HTTP out to the fake Graph API."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Iterator

import pytest

from chalicelib.ingest.webhook import sign
from tests.conftest import TEST_SECRET, TEST_VERIFY_TOKEN, fixture_bytes, fixture_json, fresh_fixture_bytes
from tests.fake_graph import FakeGraph
from tests.local_app import MakeRun, http, local_env, wait_for

REPO = Path(__file__).resolve().parent.parent
COMMENT_ID = "122098765432101_987654321098765"


class LocalServer:
    def __init__(self, base: str, tmp: Path, process: subprocess.Popen, log_path: Path) -> None:
        self.base, self.tmp, self.process, self.log_path = base, tmp, process, log_path

    def post(self, body: bytes, signature: str | None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return http(f"{self.base}/webhook", body, headers)

    def outbox(self) -> list[Path]:
        folder = self.tmp / "outbox"
        return sorted(folder.glob("*.eml")) if folder.exists() else []

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def graph() -> Iterator[FakeGraph]:
    with FakeGraph() as fake:
        yield fake


@pytest.fixture(scope="module")
def server(graph: FakeGraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    tmp = tmp_path_factory.mktemp("local")
    env = local_env(tmp, graph.url, app_secret=TEST_SECRET, verify_token=TEST_VERIFY_TOKEN)
    app = MakeRun(env, tmp / "server.log")
    try:
        app.wait_ready()
    except RuntimeError as exc:
        app.stop()
        pytest.fail(str(exc))
    yield LocalServer(app.base, tmp, app.process, app.log_path)
    app.stop()


def _decoded_email(path: Path) -> str:
    """Subject, headers and every text part decoded (raw MIME may be base64 or quoted-printable)."""
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    parts = [str(value) for value in message.values()]
    parts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    return "\n".join(parts)


def test_health_and_handshake_over_real_http(server: LocalServer) -> None:
    status, body = http(f"{server.base}/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, body = http(
        f"{server.base}/webhook?hub.mode=subscribe&hub.verify_token={TEST_VERIFY_TOKEN}&hub.challenge=42")
    assert (status, body) == (200, b"42")
    assert http(f"{server.base}/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=42")[0] == 403


def test_forged_and_malformed_requests_are_refused(server: LocalServer, graph: FakeGraph) -> None:
    body = fixture_bytes("fb_feed_comment_add.json")
    assert server.post(body, None)[0] == 403
    assert server.post(body, sign(body, "not-the-secret"))[0] == 403
    assert server.post(b"{oops", sign(b"{oops", TEST_SECRET))[0] == 400
    time.sleep(0.5)
    assert graph.requests == []


def test_signed_sensitive_comment_ends_in_one_hide_one_reply_one_email(server: LocalServer, graph: FakeGraph) -> None:
    # GIVEN a sensitive Facebook comment, signed like Meta signs it, delivered three times
    body = fresh_fixture_bytes("fb_feed_comment_add.json")
    for _ in range(3):
        status, _ = server.post(body, sign(body, TEST_SECRET))
        assert status == 200

    # THEN the worker hides it, replies once with the contact details, and emails the professional once
    assert wait_for(lambda: len(graph.requests_for("POST", f"/{COMMENT_ID}/comments")) >= 1 and server.outbox())
    time.sleep(1.0)  # let any duplicate work surface before counting
    hides = graph.requests_for("POST", f"/{COMMENT_ID}")
    replies = graph.requests_for("POST", f"/{COMMENT_ID}/comments")
    assert len(hides) == 1 and hides[0].form.get("is_hidden") == "true"
    assert len(replies) == 1
    pages = json.loads((server.tmp / "pages.json").read_text())
    assert replies[0].form.get("message") == pages["pages"][0]["contact_reply"]
    assert len(server.outbox()) == 1

    # AND nothing private reached the email or the logs
    text = fixture_json("fb_feed_comment_add.json")["entry"][0]["changes"][0]["value"]["message"]
    rendered = _decoded_email(server.outbox()[0])
    logs = server.logs()
    for secret in (text, "Jordan Example", "bipolar", "lithium", "EAAB-local-test-token", TEST_SECRET):
        assert secret not in rendered
        assert secret not in logs
    assert COMMENT_ID in logs  # logs do carry ids


def _private_strings(payload: object) -> set[str]:
    """Every text, name and username in a Meta payload: none may reach a log line or an email."""
    found: set[str] = set()
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in ("message", "text", "review_text", "name", "sender_name", "reviewer_name", "username") \
                    and isinstance(value, str):
                found.add(value)
            else:
                found |= _private_strings(value)
    elif isinstance(payload, list):
        for value in payload:
            found |= _private_strings(value)
    return found


def test_full_run_of_every_fixture_logs_and_emails_no_text_or_names(server: LocalServer) -> None:
    # GIVEN every Meta payload we have: comments, edits, removals, DMs, echoes, own content, batches
    names = sorted(p.name for p in (REPO / "tests" / "fixtures" / "meta").glob("*.json"))
    private: set[str] = set()
    for name in names:
        body = fresh_fixture_bytes(name)
        private |= _private_strings(json.loads(body))
        assert server.post(body, sign(body, TEST_SECRET))[0] == 200

    # WHEN the local worker has handled them all
    def queue_empty() -> bool:
        with sqlite3.connect(server.tmp / "state.sqlite3") as db:
            return db.execute("SELECT COUNT(*) FROM event_queue").fetchone()[0] == 0

    assert wait_for(queue_empty, timeout=60)
    time.sleep(0.5)
    # The page's own name (older feed shapes carry it as sender_name) is not a visitor's: emails name the page.
    private.discard(json.loads((server.tmp / "pages.json").read_text())["pages"][0]["name"])

    # THEN alerts went out, and no log line or email carries a text, a name or a username
    emails = [_decoded_email(path) for path in server.outbox()]
    assert len(emails) >= 3
    logs = server.logs()
    assert "decision" in logs
    for value in private:
        assert value not in logs, "a private string reached the logs"
        assert all(value not in email for email in emails), "a private string reached an email"
