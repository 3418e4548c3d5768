"""Signature, handshake and parsing of Meta's webhooks (pure functions, no I/O)."""

from __future__ import annotations

import json

import pytest

from chalicelib.errors import WebhookPayloadError, WebhookSignatureError
from chalicelib.models import Platform, Surface, WebhookEvent
from chalicelib.models import meta_time
from chalicelib.ingest.webhook import answer_subscription, parse_body, parse_events, sign, verify_signature
from tests.conftest import fixture_bytes, fixture_json

# A known (secret, body, header) triple, computed independently with `openssl dgst -sha256 -hmac`.
KNOWN_SECRET = "my-app-secret"
KNOWN_BODY = b'{"object":"page","entry":[]}'
KNOWN_HEADER = "sha256=efc6622a1e514411b7569a0f5886d4706df142ebfc80ed1e84dba7b7b5593e02"


def test_sign_matches_known_vector() -> None:
    assert sign(KNOWN_BODY, KNOWN_SECRET) == KNOWN_HEADER


def test_when_signature_matches_then_accepted() -> None:
    verify_signature(KNOWN_BODY, KNOWN_HEADER, KNOWN_SECRET)


@pytest.mark.parametrize(
    "body, header, why",
    [
        (KNOWN_BODY + b" ", KNOWN_HEADER, "tampered body"),
        (KNOWN_BODY, KNOWN_HEADER.replace("sha256=", "sha1="), "wrong prefix"),
        (KNOWN_BODY, KNOWN_HEADER.replace("sha256=", ""), "no prefix"),
        (KNOWN_BODY, None, "missing header"),
        (KNOWN_BODY, "", "empty header"),
        (KNOWN_BODY, "sha256=" + "0" * 64, "wrong digest"),
        (KNOWN_BODY, KNOWN_HEADER[:-2], "truncated digest"),
        (KNOWN_BODY, "sha256=ünïcode", "non-ascii header"),
    ],
)
def test_when_signature_is_wrong_then_refused(body: bytes, header: str | None, why: str) -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(body, header, KNOWN_SECRET)


def test_when_no_secret_is_configured_then_everything_is_refused() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(KNOWN_BODY, sign(KNOWN_BODY, ""), "")


def test_signature_is_over_raw_bytes_not_reserialised_json() -> None:
    raw = '{"object": "page", "entry": [{"id": "1", "text": "\\u00e4\\u00f6\\u00e5"}]}'.encode()
    header = sign(raw, KNOWN_SECRET)
    verify_signature(raw, header, KNOWN_SECRET)
    reserialised = json.dumps(json.loads(raw), ensure_ascii=False).encode()
    with pytest.raises(WebhookSignatureError):
        verify_signature(reserialised, header, KNOWN_SECRET)


def test_handshake_returns_challenge() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert answer_subscription(params, "tok") == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "tok", "hub.challenge": "1"},
        {"hub.verify_token": "tok", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "tok"},
        {},
        None,
    ],
)
def test_when_handshake_is_wrong_then_refused(params: dict | None) -> None:
    with pytest.raises(WebhookSignatureError):
        answer_subscription(params, "tok")


@pytest.mark.parametrize(
    "body",
    [b"not json", b"", b"[1, 2]", b'{"object": "user", "entry": []}', b'{"object": "page"}',
     b'{"object": "page", "entry": {}}', b"\xff\xfe"],
)
def test_when_body_is_not_a_page_or_instagram_webhook_then_payload_error(body: bytes) -> None:
    with pytest.raises(WebhookPayloadError):
        parse_body(body)


def _parse(name: str):
    return parse_events(parse_body(fixture_bytes(name)))


def test_facebook_comment_add() -> None:
    result = _parse("fb_feed_comment_add.json")
    assert result.own_content == () and result.skipped == 0
    (event,) = result.events
    assert event == WebhookEvent(
        platform=Platform.FACEBOOK,
        surface=Surface.COMMENT,
        account_id="104857600123456",
        item_id="122098765432101_987654321098765",
        sender_id="7204518836001234",
        text=fixture_json("fb_feed_comment_add.json")["entry"][0]["changes"][0]["value"]["message"],
        created_time=1761408121.0,
        verb="add",
        post_id="104857600123456_122098765432101",
        parent_id="104857600123456_122098765432101",
        permalink="https://www.facebook.com/104857600123456/posts/pfbid0FAKEpermalinkAbCdEf123",
        field="feed",
    )


def test_facebook_comment_edited_is_an_event_with_verb_edited() -> None:
    (event,) = _parse("fb_feed_comment_edited.json").events
    assert event.verb == "edited" and event.surface is Surface.COMMENT and event.text


def test_facebook_comment_removed_is_skipped() -> None:
    result = _parse("fb_feed_comment_removed.json")
    assert result.all_events == () and result.skipped == 1


@pytest.mark.parametrize("name", ["fb_feed_page_own_comment.json", "fb_feed_page_own_post.json",
                                  "ig_comment_own_reply.json"])
def test_own_comments_and_posts_yield_no_visitor_event(name: str) -> None:
    result = _parse(name)
    assert result.events == ()
    # They are kept apart, only to check whether the page itself exposed a client.
    assert all(e.authored_by_page for e in result.own_content) and len(result.own_content) == 1


@pytest.mark.parametrize("name", ["fb_messenger_echo.json", "ig_message_echo.json"])
def test_echoes_yield_nothing(name: str) -> None:
    result = _parse(name)
    assert result.all_events == () and result.skipped == 1


def test_messenger_message() -> None:
    (event,) = _parse("fb_messenger_message.json").events
    assert (event.platform, event.surface, event.verb) == (Platform.FACEBOOK, Surface.MESSAGE, "message")
    assert event.item_id.startswith("m_FAKEmid0001")
    assert event.sender_id == "6301987654321012" and event.account_id == "104857600123456"
    assert event.created_time == pytest.approx(1761410000.271)


def test_instagram_comment_reply_and_live_comment() -> None:
    (comment,) = _parse("ig_comment.json").events
    assert (comment.platform, comment.surface, comment.item_id) == (
        Platform.INSTAGRAM, Surface.COMMENT, "17890000000000001")
    assert comment.post_id == "17920000000000001" and comment.created_time == 1761411000
    (reply,) = _parse("ig_comment_reply.json").events
    assert reply.parent_id
    (live,) = _parse("ig_live_comment.json").events
    assert live.field == "live_comments" and live.surface is Surface.COMMENT


def test_instagram_message() -> None:
    (event,) = _parse("ig_message.json").events
    assert (event.platform, event.surface) == (Platform.INSTAGRAM, Surface.MESSAGE)
    assert event.sender_id == "1234567890123456"


def test_batched_payload_yields_every_comment_and_skips_the_reaction() -> None:
    result = _parse("batched_multi_entry.json")
    assert [(e.account_id, e.verb) for e in result.events] == [
        ("104857600123456", "add"), ("209876543210987", "edited")]
    assert result.skipped == 1


def test_thousand_changes_in_one_post() -> None:
    change = fixture_json("fb_feed_comment_add.json")["entry"][0]["changes"][0]
    changes = []
    for i in range(1000):
        c = json.loads(json.dumps(change))
        c["value"]["comment_id"] = f"1_{i}"
        changes.append(c)
    payload = {"object": "page", "entry": [{"id": "104857600123456", "time": 1, "changes": changes}]}
    assert len(parse_events(payload).events) == 1000


def test_messaging_attachments_and_other_messaging_events() -> None:
    payload = {
        "object": "page",
        "entry": [{
            "id": "p1", "time": 1761410000512,
            "messaging": [
                {"sender": {"id": "u1"}, "recipient": {"id": "p1"}, "timestamp": 1761410000271,
                 "message": {"mid": "m1", "attachments": [{"type": "image", "payload": {"url": "https://x"}}]}},
                {"sender": {"id": "u1"}, "recipient": {"id": "p1"}, "timestamp": 1, "delivery": {"mids": ["m0"]}},
                {"sender": {"id": "u1"}, "recipient": {"id": "p1"}, "timestamp": 1, "read": {"watermark": 1}},
                {"sender": {"id": "u1"}, "recipient": {"id": "p1"}, "timestamp": 1,
                 "reaction": {"mid": "m0", "action": "react", "reaction": "love"}},
            ],
            "standby": [{"sender": {"id": "u2"}, "recipient": {"id": "p1"}, "message": {"mid": "m9", "text": "x"}}],
        }],
    }
    result = parse_events(payload)
    event, standby = result.events
    assert event.attachment_types == ("photo",) and event.text == ""
    assert standby.item_id == "m9" and standby.standby and not event.standby  # standby is checked, never answered
    assert result.skipped == 3
    assert sorted(result.skipped_kinds) == ["messaging:delivery", "messaging:reaction", "messaging:read"]


@pytest.mark.parametrize(
    "entry",
    [
        "not a dict",
        {"time": 1, "changes": []},
        {"id": "p1", "changes": [{"field": "feed"}]},
        {"id": "p1", "changes": [{"field": "feed", "value": {"item": "comment", "verb": "add"}}]},
        {"id": "p1", "changes": [{"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "c",
                                                            "created_time": {"when": "yesterday"}}}]},
        {"id": "p1", "changes": [{"field": "ratings", "value": {}}]},
        {"id": "p1", "messaging": [{"sender": "weird", "message": {"mid": "m", "text": "x"}}]},
        {"id": "p1", "messaging": [{"message": "text"}]},
    ],
)
def test_unknown_shapes_are_skipped_not_raised(entry: object) -> None:
    result = parse_events({"object": "page", "entry": [entry]})
    assert result.events == ()
    assert result.skipped >= 1 or result.own_content == ()


def test_event_round_trips_through_dict() -> None:
    for name in ("fb_feed_comment_add.json", "ig_message.json", "fb_messenger_message.json"):
        for event in _parse(name).all_events:
            assert WebhookEvent.from_dict(json.loads(json.dumps(event.to_dict()))) == event


@pytest.mark.parametrize("value, seconds", [
    (1761408121, 1761408121.0),                 # feed: Unix seconds
    (1761410000271, 1761410000.271),            # messaging: milliseconds
    ("1761408121", 1761408121.0),
    ("2025-10-25T16:02:01+0000", 1761408121.0),  # Graph listings: ISO 8601
    ("2025-10-25T16:02:01+00:00", 1761408121.0),
    ("yesterday", None), ("", None), (None, None), (True, None), ({"when": 1}, None),
    (float("inf"), None), (10**400, None), (-5, None),
    ("²", None), ("1²", None), ("١٢٣", None), ("１２３", None),  # digits float() refuses or reads as non-ASCII
])
def test_meta_time_reads_every_format_meta_uses(value: object, seconds: float | None) -> None:
    assert meta_time(value) == (pytest.approx(seconds) if seconds is not None else None)


def test_instagram_comment_id_field_name_variant_is_accepted() -> None:
    payload = fixture_json("ig_comment.json")
    value = payload["entry"][0]["changes"][0]["value"]
    value["comment_id"] = value.pop("id")
    (event,) = parse_events(payload).events
    assert event.item_id == "17890000000000001"
