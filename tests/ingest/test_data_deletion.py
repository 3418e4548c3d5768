"""Meta's data-deletion callback: signed_request parsing, then the routes through Chalice's test client on SQLite."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any, Iterator
from urllib.parse import urlencode, urlparse, parse_qs

import pytest
from chalice.test import Client

import app as pageguard
from chalicelib import wiring
from chalicelib.config import Settings
from chalicelib.errors import WebhookPayloadError, WebhookSignatureError
from chalicelib.ingest.data_deletion import parse_signed_request
from chalicelib.models import Platform, Surface, WebhookEvent
from chalicelib.state.records import AuditRecord
from tests.conftest import TEST_SECRET

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
USER = "10158123456789012"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed_request(payload: dict[str, Any], secret: str = TEST_SECRET) -> str:
    """As Meta builds it: base64url(HMAC-SHA256(secret, encoded payload)) + "." + base64url(JSON), no padding."""
    encoded = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return _b64(hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).digest()) + "." + encoded


GOOD = {"algorithm": "HMAC-SHA256", "expires": 1_765_000_000, "issued_at": 1_764_990_000, "user_id": USER}


def test_a_well_formed_signed_request_gives_the_user_id() -> None:
    parsed = parse_signed_request(signed_request(GOOD), TEST_SECRET)
    assert (parsed.user_id, parsed.issued_at) == (USER, 1_764_990_000)


@pytest.mark.parametrize("forged", [
    signed_request(GOOD, secret="another-apps-secret"),
    signed_request(GOOD).split(".")[0] + "." + _b64(json.dumps({**GOOD, "user_id": "1"}).encode()),  # payload swapped
    "." + signed_request(GOOD).split(".")[1],  # no signature
])
def test_a_forged_or_tampered_signed_request_is_refused(forged: str) -> None:
    with pytest.raises(WebhookSignatureError):
        parse_signed_request(forged, TEST_SECRET)


@pytest.mark.parametrize("malformed", [
    "no-dot-at-all",
    "a.b.c",
    signed_request({**GOOD, "algorithm": "none"}),
    signed_request({**GOOD, "user_id": "../../etc"}),
    signed_request({"algorithm": "HMAC-SHA256"}),
])
def test_a_malformed_signed_request_is_a_payload_error(malformed: str) -> None:
    with pytest.raises(WebhookPayloadError):
        parse_signed_request(malformed, TEST_SECRET)


@pytest.fixture
def deps(tmp_path) -> Iterator[wiring.Deps]:
    settings = Settings.from_env({"PAGEGUARD_STAGE": "local", "APP_SECRET": TEST_SECRET,
                                  "STORE_PATH": str(tmp_path / "store.sqlite3")})
    built = wiring.Deps(settings=settings)
    wiring.use(built)
    yield built
    wiring.use(None)


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(pageguard.app, stage_name="local") as test_client:
        yield test_client


def test_the_callback_erases_the_users_records_and_its_status_page_says_what_went(
        client: Client, deps: wiring.Deps) -> None:
    store = deps.store
    store.save_audit(AuditRecord(item_id="m_1", account_id="104857600123456", platform="facebook",
                                 surface="message", sender_id=USER, updated_at=1.0))
    store.save_audit(AuditRecord(item_id="c_2", account_id="104857600123456", platform="facebook",
                                 surface="comment", sender_id="999", updated_at=1.0))
    store.park(WebhookEvent(Platform.FACEBOOK, Surface.MESSAGE, "104857600123456", "m_3", USER, "text", 1.0), "X", 5)

    response = client.http.post("/data-deletion", headers={**FORM, "Host": "pageguard.test"},
                                body=urlencode({"signed_request": signed_request(GOOD)}).encode())

    assert response.status_code == 200
    answer = json.loads(response.body)
    assert set(answer) == {"url", "confirmation_code"}
    url = urlparse(answer["url"])
    assert url.path == "/data-deletion" and parse_qs(url.query)["code"] == [answer["confirmation_code"]]
    assert store.get_audit("m_1") is None and store.get_audit("c_2") is not None
    assert store.list_dead_letters() == []

    page = client.http.get(f"/data-deletion?{url.query}")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.body.decode()
    assert answer["confirmation_code"] in text and "Data deletion: completed" in text
    assert "<td>Decision records</td><td>1</td>" in text and "<td>Items waiting for a retry</td><td>1</td>" in text
    assert USER not in text


def test_a_forged_callback_is_refused_and_erases_nothing(client: Client, deps: wiring.Deps) -> None:
    deps.store.save_audit(AuditRecord(item_id="m_1", account_id="p", platform="facebook", surface="message",
                                      sender_id=USER, updated_at=1.0))
    forged = signed_request(GOOD, secret="not-our-secret")
    response = client.http.post("/data-deletion", headers=FORM, body=urlencode({"signed_request": forged}).encode())
    assert response.status_code == 403
    assert deps.store.get_audit("m_1") is not None
    missing = client.http.post("/data-deletion", headers=FORM, body=b"other=1")
    assert missing.status_code == 400


def test_an_unknown_code_gets_a_not_found_page(client: Client, deps: wiring.Deps) -> None:
    for query in ("code=AAAAAAAAAAAAAAAAAAAAAAAA", "code=<script>", ""):
        page = client.http.get(f"/data-deletion?{query}")
        assert page.status_code == 404
        assert "<script>" not in page.body.decode()


def test_the_privacy_policy_is_a_page_with_the_retention_and_how_to_delete(client: Client, deps: wiring.Deps) -> None:
    page = client.http.get("/privacy")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.body.decode()
    assert "Kept 90 days" in text and "never the text itself" in text and "deletion request" in text
