"""The HTTP routes through Chalice's own test client, with signed bytes and a recording queue at the edge."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Iterator, Sequence

import pytest
from chalice.test import Client

import app as pageguard
from chalicelib import __version__, wiring
from chalicelib.config import Settings
from chalicelib.models import WebhookEvent
from chalicelib.ingest.queue import QueueError
from chalicelib.ingest.webhook import MAX_BODY_BYTES, sign
from scripts.retime import retime
from tests.conftest import TEST_SECRET, TEST_VERIFY_TOKEN, fixture_bytes, fresh_fixture_bytes


class RecordingQueue:
    """Stands in for SQS: records what the webhook handed off."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[WebhookEvent] = []
        self.fail = fail

    def send_all(self, events: Sequence[WebhookEvent]) -> None:
        if self.fail:
            raise QueueError("queue down")
        self.sent.extend(events)


@pytest.fixture
def queue(tmp_path) -> Iterator[RecordingQueue]:
    settings = Settings.from_env({
        "PAGEGUARD_STAGE": "local", "APP_SECRET": TEST_SECRET, "VERIFY_TOKEN": TEST_VERIFY_TOKEN,
        "STORE_PATH": str(tmp_path / "store.sqlite3"), "OUTBOX_DIR": str(tmp_path / "outbox"),
    })
    recording = RecordingQueue()
    wiring.use(wiring.Deps(settings=settings, _queue=recording))
    yield recording
    wiring.use(None)


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(pageguard.app, stage_name="local") as test_client:
        yield test_client


def _post(client: Client, body: bytes, signature: str | None, content_type: str = "application/json"):
    headers = {"Content-Type": content_type}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.http.post("/webhook", headers=headers, body=body)


def test_health(client: Client, queue: RecordingQueue) -> None:
    response = client.http.get("/health")
    assert response.status_code == 200
    assert response.json_body == {"status": "ok", "version": __version__, "stage": "local"}


def test_handshake_echoes_challenge_as_plain_text(client: Client, queue: RecordingQueue) -> None:
    response = client.http.get(
        f"/webhook?hub.mode=subscribe&hub.verify_token={TEST_VERIFY_TOKEN}&hub.challenge=1158201444")
    assert response.status_code == 200
    assert response.body == b"1158201444"
    assert response.headers["Content-Type"] == "text/plain"


@pytest.mark.parametrize("query", [
    "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
    "hub.mode=unsubscribe&hub.verify_token=" + TEST_VERIFY_TOKEN + "&hub.challenge=1",
    "",
])
def test_handshake_refused(client: Client, queue: RecordingQueue, query: str) -> None:
    assert client.http.get(f"/webhook?{query}" if query else "/webhook").status_code == 403


def test_signed_webhook_is_acknowledged_and_queued(client: Client, queue: RecordingQueue) -> None:
    body = fresh_fixture_bytes("batched_multi_entry.json")
    response = _post(client, body, sign(body, TEST_SECRET))
    assert response.status_code == 200
    assert response.json_body == {"received": 2}
    assert [e.item_id for e in queue.sent] == [
        "122098765432202_555000111222333", "122777000111222_444555666777888"]


def test_own_content_is_queued_for_checking_but_echoes_are_not(client: Client, queue: RecordingQueue) -> None:
    for name in ("fb_feed_page_own_comment.json", "fb_messenger_echo.json", "ig_message_echo.json"):
        body = fresh_fixture_bytes(name)
        assert _post(client, body, sign(body, TEST_SECRET)).status_code == 200
    assert [e.authored_by_page for e in queue.sent] == [True]


@pytest.mark.parametrize("signature", [
    None,
    "",
    "sha1=" + "0" * 40,
    sign(b"something else", TEST_SECRET),
    sign(fixture_bytes("fb_feed_comment_add.json"), "wrong-secret"),
])
def test_unsigned_or_forged_webhook_is_refused_and_nothing_queued(
        client: Client, queue: RecordingQueue, signature: str | None) -> None:
    response = _post(client, fixture_bytes("fb_feed_comment_add.json"), signature)
    assert response.status_code == 403
    assert queue.sent == []


@pytest.mark.parametrize("body", [b"{not json", b'{"object": "user", "entry": []}', b"[]", b'{"object":"page"}'])
def test_signed_malformed_body_gives_400_with_json_error(client: Client, queue: RecordingQueue, body: bytes) -> None:
    response = _post(client, body, sign(body, TEST_SECRET))
    assert response.status_code == 400
    assert "Message" in json.loads(response.body)
    assert queue.sent == []


def test_body_over_api_gateway_limit_gives_413(client: Client, queue: RecordingQueue) -> None:
    body = b'{"object":"page","entry":[],"pad":"' + b"x" * MAX_BODY_BYTES + b'"}'
    response = _post(client, body, sign(body, TEST_SECRET))
    assert response.status_code == 413
    assert queue.sent == []


def test_large_batched_body_under_the_limit_is_accepted(client: Client, queue: RecordingQueue) -> None:
    change = json.loads(fixture_bytes("fb_feed_comment_add.json"))["entry"][0]["changes"][0]
    changes = []
    for i in range(1000):
        c = json.loads(json.dumps(change))
        c["value"]["comment_id"] = f"122098765432101_{i}"
        changes.append(c)
    body = retime(json.dumps({"object": "page", "entry": [{"id": "104857600123456", "time": 1, "changes": changes}]}).encode())
    assert len(body) > 300_000
    assert _post(client, body, sign(body, TEST_SECRET)).status_code == 200
    assert len(queue.sent) == 1000


def test_when_queue_is_down_then_500_so_meta_redelivers(client: Client, queue: RecordingQueue) -> None:
    queue.fail = True
    body = fixture_bytes("fb_feed_comment_add.json")
    assert _post(client, body, sign(body, TEST_SECRET)).status_code == 500


def _comment_body(created_time: object, entry_time: object = None) -> bytes:
    """The sample comment, now; with `created_time` (unless None) and the entry's `time` replaced."""
    payload = json.loads(fresh_fixture_bytes("fb_feed_comment_add.json"))
    if created_time is not None:
        payload["entry"][0]["changes"][0]["value"]["created_time"] = created_time
    if entry_time is not None:
        payload["entry"][0]["time"] = entry_time
    return json.dumps(payload).encode()


def test_items_older_than_the_replay_window_are_acknowledged_but_not_queued(
        client: Client, queue: RecordingQueue) -> None:
    # The stored fixture was captured in 2025: a replay of a captured delivery, signature still valid.
    body = fixture_bytes("fb_feed_comment_add.json")
    response = _post(client, body, sign(body, TEST_SECRET))
    assert response.status_code == 200 and response.json_body == {"received": 0}  # 200: Meta must not retry it
    assert queue.sent == []


@pytest.mark.parametrize("age_days, queued", [(0.01, True), (2.9, True), (3.1, False), (400, False)])
def test_replay_window_default_is_three_days(client: Client, queue: RecordingQueue, age_days: float,
                                             queued: bool) -> None:
    import time

    body = _comment_body(int(time.time() - age_days * 86400))
    assert _post(client, body, sign(body, TEST_SECRET)).status_code == 200
    assert len(queue.sent) == (1 if queued else 0)


def test_replay_window_is_configurable(client: Client, queue: RecordingQueue, tmp_path) -> None:
    settings = replace(wiring.deps().settings, replay_window_days=1000.0)
    assert Settings.from_env({"REPLAY_WINDOW_DAYS": "1000"}).replay_window_days == 1000.0
    wiring.use(wiring.Deps(settings=settings, _queue=queue))
    body = fixture_bytes("fb_feed_comment_add.json")
    assert _post(client, body, sign(body, TEST_SECRET)).status_code == 200
    assert len(queue.sent) == 1


def test_deeply_nested_signed_json_gives_400_not_500(client: Client, queue: RecordingQueue) -> None:
    body = b'{"object":"page","entry":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = _post(client, body, sign(body, TEST_SECRET))
    assert response.status_code == 400
    assert queue.sent == []


@pytest.mark.parametrize("created_time, entry_time", [("²", None), (None, "²"), ("١٢٣", "²"), ("1e400", "9" * 400)])
def test_times_of_odd_digits_are_ignored_not_a_500(client: Client, queue: RecordingQueue, created_time: object,
                                                    entry_time: object) -> None:
    # "²".isdigit() is true but float("²") raises: it used to escape the parser as a 500 (Meta retries 36 h).
    body = _comment_body(created_time, entry_time)
    response = _post(client, body, sign(body, TEST_SECRET))
    assert response.status_code == 200
    assert len(queue.sent) == 1  # no usable time: nothing says the item is old, so it is moderated


def test_body_limit_is_what_lambda_accepts() -> None:
    # API Gateway takes 10 MB, but Lambda's synchronous payload (the whole proxy event) is 6 MB.
    assert MAX_BODY_BYTES == 6 * 1024 * 1024
