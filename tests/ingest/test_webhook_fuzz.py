"""Property tests: whatever a signed body holds, parsing never raises past a clean 400, and the route never 500s."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.errors import WebhookPayloadError
from chalicelib.ingest.webhook import parse_body, parse_events
from tests.conftest import fixture_json

# Any JSON value, biased towards the keys and shapes Meta uses, so the fuzzer reaches deep branches.
META_KEYS = st.sampled_from([
    "object", "entry", "id", "time", "changes", "messaging", "standby", "field", "value", "item", "verb",
    "comment_id", "post_id", "parent_id", "from", "message", "text", "media", "created_time", "timestamp",
    "sender", "recipient", "mid", "is_echo", "is_deleted", "attachments", "type", "post", "permalink_url",
])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | st.sampled_from(
    ["page", "instagram", "feed", "comments", "live_comments", "messages", "comment", "add", "edited", "remove",
     "status", "104857600123456", float("inf"), -1, 10**30])
JSON = st.recursive(SCALARS, lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(META_KEYS | st.text(max_size=5), children, max_size=6), max_leaves=40)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=JSON, obj=st.sampled_from(["page", "instagram"]))
def test_any_entry_shape_parses_or_is_skipped(entry: object, obj: str) -> None:
    result = parse_events({"object": obj, "entry": [entry]})
    for event in result.all_events:
        # every event the worker gets can be keyed, queued and read back
        assert event.item_id and isinstance(event.text, str) and event.event_key
        assert json.loads(json.dumps(event.to_dict(), allow_nan=False))["item_id"] == event.item_id


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_any_body_is_accepted_or_refused_with_a_payload_error(body: bytes) -> None:
    try:
        payload = parse_body(body)
    except WebhookPayloadError:
        return
    parse_events(payload)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every position in a payload: each dict key and list index, at every depth."""
    found: list[tuple] = []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found.append(prefix + (key,))
        found += _paths(child, prefix + (key,))
    return found


FIXTURES = ("fb_feed_comment_add.json", "fb_feed_comment_edited.json", "fb_messenger_message.json",
            "ig_comment.json", "ig_message.json", "batched_multi_entry.json")


@settings(max_examples=150, deadline=None)
@given(replacement=JSON)
def test_real_payloads_with_any_one_part_replaced_never_raise(replacement: object) -> None:
    for name in FIXTURES:
        for path in _paths(fixture_json(name)):
            payload = fixture_json(name)
            node = payload
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = replacement
            if not isinstance(payload.get("entry"), list):
                continue
            for event in parse_events(payload).all_events:
                # every event the worker gets can be keyed, queued and read back
                assert event.event_key and json.dumps(event.to_dict(), allow_nan=False)
