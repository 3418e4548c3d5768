"""HttpGraphClient against the fake Graph API over real HTTP: exact requests, error classification, dry run."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
from dataclasses import replace
from typing import Any, Iterator

import pytest

from chalicelib.config import PageSettings
from chalicelib.errors import (
    GraphAmbiguousSendError,
    GraphError,
    GraphPermanentError,
    GraphRetryableError,
    GraphTokenExpiredError,
)
from chalicelib.act.graph import (
    DryRunGraphClient,
    GraphClient,
    HttpGraphClient,
    classify_error,
    describe_graph_error,
    is_outside_window,
    plan_request,
    reply_target,
    retry_after,
)
from chalicelib.models import ActionKind, Entity, Label, Platform, Surface, Verdict, WebhookEvent
from chalicelib.act.policy import decide
from tests.fake_graph import FakeGraph, ScriptedResponse, meta_error

TOKEN = "EAAB-secret-page-token"
APP_SECRET = "graph-test-app-secret"
PAGE = PageSettings(
    page_id="104857600123456",
    name="Dr Example Counselling",
    access_token=TOKEN,
    notify_email="dr@example.org",
    contact_reply="Thanks for reaching out. Please contact our office privately at 555-0100.",
    instagram_id="17841400000000001",
)
VISITOR_TEXT = "I was diagnosed with bipolar II, call me on 555-0199, Jordan"
FB_POST = "104857600123456_122098765432101"
FB_COMMENT = "122098765432101_987654321098765"
IG_MEDIA = "17920000000000001"
IG_COMMENT = "17890000000000001"


def fb_comment(**overrides: Any) -> WebhookEvent:
    values: dict[str, Any] = dict(
        platform=Platform.FACEBOOK, surface=Surface.COMMENT, account_id=PAGE.page_id, item_id=FB_COMMENT,
        sender_id="7204518836001234", text=VISITOR_TEXT, created_time=1761408121.0, post_id=FB_POST,
        parent_id=FB_POST, field="feed",
    )
    return WebhookEvent(**(values | overrides))


def ig_comment(**overrides: Any) -> WebhookEvent:
    values: dict[str, Any] = dict(
        platform=Platform.INSTAGRAM, surface=Surface.COMMENT, account_id=PAGE.instagram_id, item_id=IG_COMMENT,
        sender_id="1234567890765432", text=VISITOR_TEXT, created_time=1761408121.0, post_id=IG_MEDIA, field="comments",
    )
    return WebhookEvent(**(values | overrides))


def dm(platform: Platform) -> WebhookEvent:
    account = PAGE.page_id if platform is Platform.FACEBOOK else PAGE.instagram_id
    return WebhookEvent(
        platform=platform, surface=Surface.MESSAGE, account_id=account, item_id="m_abc", sender_id="PSID-42",
        text=VISITOR_TEXT, created_time=1761408121.0, verb="message", field="messages",
    )


@pytest.fixture
def client(fake_graph: FakeGraph) -> HttpGraphClient:
    return HttpGraphClient(fake_graph.url, timeout=1.0, app_secret=APP_SECRET)


def shape(fake: FakeGraph) -> list[tuple[str, str, dict[str, str], Any]]:
    return [(r.method, r.path, r.form, r.json) for r in fake.requests]


def perform(client: GraphClient, page: PageSettings, event: WebhookEvent, verdict: Verdict) -> None:
    """What the pipeline does with a decision, minus store and email: enough to see the Graph requests."""
    for action in decide(page, event, verdict).actions:
        if action.kind is ActionKind.HIDE:
            client.hide_comment(page, event)
        elif action.kind is ActionKind.PUBLIC_REPLY:
            client.reply_to_comment(page, event, action.text)
        elif action.kind is ActionKind.PRIVATE_REPLY:
            client.private_reply(page, event, action.text)
        elif action.kind is ActionKind.SEND_MESSAGE:
            client.send_message(page, event, action.text)


SENSITIVE = Verdict(Label.SENSITIVE, (Entity("MEDICAL_CONDITION", 16, 26, 0.9),))
CRISIS = Verdict(Label.CRISIS, (Entity("SELF_HARM", 0, 10, 0.95),))
OK = Verdict(Label.OK)


# --- exact requests per policy row --------------------------------------------------------------


def test_facebook_sensitive_comment_is_hidden_then_answered_with_contact_details(client, fake_graph) -> None:
    perform(client, PAGE, fb_comment(), SENSITIVE)
    assert shape(fake_graph) == [
        ("POST", f"/{FB_COMMENT}", {"is_hidden": "true"}, None),
        ("POST", f"/{FB_COMMENT}/comments", {"message": PAGE.contact_reply}, None),
    ]


def test_instagram_sensitive_comment_is_hidden_then_answered_with_contact_details(client, fake_graph) -> None:
    perform(client, PAGE, ig_comment(), SENSITIVE)
    assert shape(fake_graph) == [
        ("POST", f"/{IG_COMMENT}", {"hide": "true"}, None),
        ("POST", f"/{IG_COMMENT}/replies", {"message": PAGE.contact_reply}, None),
    ]


def test_facebook_crisis_comment_gets_crisis_reply_and_private_reply(client, fake_graph) -> None:
    perform(client, PAGE, fb_comment(), CRISIS)
    assert shape(fake_graph) == [
        ("POST", f"/{FB_COMMENT}", {"is_hidden": "true"}, None),
        ("POST", f"/{FB_COMMENT}/comments", {"message": PAGE.crisis_reply}, None),
        ("POST", f"/{PAGE.page_id}/messages", {},
         {"recipient": {"comment_id": FB_COMMENT}, "message": {"text": PAGE.crisis_reply}}),
    ]


def test_instagram_crisis_comment_gets_crisis_reply_and_private_reply_through_the_page(client, fake_graph) -> None:
    # Page token on graph.facebook.com = Instagram with Facebook Login: private replies go through /{page-id}/messages.
    perform(client, PAGE, ig_comment(), CRISIS)
    assert shape(fake_graph) == [
        ("POST", f"/{IG_COMMENT}", {"hide": "true"}, None),
        ("POST", f"/{IG_COMMENT}/replies", {"message": PAGE.crisis_reply}, None),
        ("POST", f"/{PAGE.page_id}/messages", {},
         {"recipient": {"comment_id": IG_COMMENT}, "message": {"text": PAGE.crisis_reply}}),
    ]


@pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.INSTAGRAM])
@pytest.mark.parametrize("verdict, reply", [(OK, "contact"), (SENSITIVE, "contact"), (CRISIS, "crisis")])
def test_dm_gets_one_send_api_response(client, fake_graph, platform: Platform, verdict: Verdict, reply: str) -> None:
    text = PAGE.contact_reply if reply == "contact" else PAGE.crisis_reply
    perform(client, PAGE, dm(platform), verdict)
    assert shape(fake_graph) == [
        ("POST", f"/{PAGE.page_id}/messages", {},
         {"recipient": {"id": "PSID-42"}, "messaging_type": "RESPONSE", "message": {"text": text}}),
    ]


@pytest.mark.parametrize("event", [fb_comment(), ig_comment()], ids=["facebook", "instagram"])
def test_ok_comment_and_own_content_make_no_requests(client, fake_graph, event: WebhookEvent) -> None:
    perform(client, PAGE, event, OK)
    perform(client, PAGE, replace(event, authored_by_page=True), CRISIS)
    assert fake_graph.requests == []


def test_write_calls_return_the_ids_meta_created(client, fake_graph) -> None:
    assert client.reply_to_comment(PAGE, fb_comment(), PAGE.contact_reply).startswith(f"{FB_COMMENT}_reply")
    assert client.private_reply(PAGE, fb_comment(), PAGE.crisis_reply).startswith("m_")
    assert client.send_message(PAGE, dm(Platform.INSTAGRAM), PAGE.contact_reply).startswith("m_")
    assert client.hide_comment(PAGE, fb_comment(), hidden=False) is None
    assert fake_graph.requests[-1].form == {"is_hidden": "false"}


# --- reply targets -------------------------------------------------------------------------------


def test_replies_to_a_reply_go_under_the_top_level_comment(client, fake_graph) -> None:
    fb_reply = fb_comment(item_id="122098765432101_111", parent_id=FB_COMMENT)
    ig_reply = ig_comment(item_id="17890000000000002", parent_id=IG_COMMENT)
    client.reply_to_comment(PAGE, fb_reply, PAGE.contact_reply)
    client.reply_to_comment(PAGE, ig_reply, PAGE.contact_reply)
    client.hide_comment(PAGE, ig_reply)
    assert [(r.path, r.form) for r in fake_graph.requests] == [
        (f"/{FB_COMMENT}/comments", {"message": PAGE.contact_reply}),
        (f"/{IG_COMMENT}/replies", {"message": PAGE.contact_reply}),
        ("/17890000000000002", {"hide": "true"}),  # the reply itself is what gets hidden
    ]


@pytest.mark.parametrize(
    "event, target",
    [
        (fb_comment(), FB_COMMENT),  # top level: parent_id == post_id
        (fb_comment(parent_id=""), FB_COMMENT),
        (fb_comment(item_id="x_2", parent_id=FB_COMMENT), FB_COMMENT),
        (ig_comment(), IG_COMMENT),  # top level: no parent_id
        (ig_comment(item_id="1789b", parent_id=IG_COMMENT), IG_COMMENT),
    ],
)
def test_reply_target(event: WebhookEvent, target: str) -> None:
    assert reply_target(event) == target


def test_instagram_login_host_sends_messages_through_the_instagram_account() -> None:
    plan = plan_request("send_message", PAGE, dm(Platform.INSTAGRAM), text="hi", instagram_login=True)
    assert (plan.method, plan.path) == ("POST", f"/{PAGE.instagram_id}/messages")
    facebook = plan_request("send_message", PAGE, dm(Platform.FACEBOOK), text="hi", instagram_login=True)
    assert facebook.path == f"/{PAGE.page_id}/messages"


# --- ids from webhooks never steer a request elsewhere ------------------------------------------


@pytest.mark.parametrize(
    "op, event",
    [
        ("hide_comment", fb_comment(item_id=f"{PAGE.page_id}/subscribed_apps")),
        ("hide_comment", fb_comment(item_id="..")),
        ("hide_comment", ig_comment(item_id=f"{IG_COMMENT}?fields=access_token")),
        ("hide_comment", fb_comment(item_id=f"{FB_COMMENT}\n")),
        ("hide_comment", fb_comment(item_id="")),
        ("reply_to_comment", fb_comment(parent_id=f"../{PAGE.page_id}")),
        ("reply_to_comment", ig_comment(item_id="1%2Fsubscribed_apps")),
    ],
)
def test_an_id_that_is_not_a_graph_id_is_refused_without_a_request(client, fake_graph, op, event) -> None:
    # GIVEN a webhook whose id would put something else than one Graph node in the path
    # WHEN PageGuard acts on it THEN it fails for good (not retried) and Meta is never called
    args = (PAGE, event) if op == "hide_comment" else (PAGE, event, "Please contact our office.")
    with pytest.raises(GraphPermanentError) as raised:
        getattr(client, op)(*args)
    assert type(raised.value) is GraphPermanentError
    assert fake_graph.requests == []


def test_an_odd_account_id_never_reaches_the_instagram_messages_path() -> None:
    # With Instagram Login and no configured Instagram id, the webhook's account id addresses /messages.
    page = replace(PAGE, instagram_id="")
    event = replace(dm(Platform.INSTAGRAM), account_id="178414/subscribed_apps")
    with pytest.raises(GraphPermanentError):
        plan_request("send_message", page, event, text="hi", instagram_login=True)


def test_ids_that_only_go_in_json_bodies_are_not_restricted(client, fake_graph) -> None:
    # Messenger and Instagram message ids are base64-like; the sender id goes in the body as well.
    event = replace(dm(Platform.FACEBOOK), item_id="m_AbC+/dEf==", sender_id="PSID-42")
    client.send_message(PAGE, event, "Please contact our office.")
    [request] = fake_graph.requests
    assert request.path == f"/{PAGE.page_id}/messages" and request.json["recipient"] == {"id": "PSID-42"}


def test_listing_skips_posts_whose_ids_are_not_graph_ids(client, fake_graph) -> None:
    page = replace(PAGE, instagram_id="")
    fake_graph.set_listing(f"/{PAGE.page_id}/published_posts", [
        {"id": f"{PAGE.page_id}/subscribed_apps", "created_time": "2025-10-25T10:00:00+0000"},
        {"id": f"{PAGE.page_id}_2", "created_time": "2025-10-25T10:00:00+0000"},
    ])
    fake_graph.set_listing(f"/{PAGE.page_id}_2/comments", [])
    client.list_recent_comments(page, 0)
    assert [r.path for r in fake_graph.requests] == [f"/{PAGE.page_id}/published_posts", f"/{PAGE.page_id}_2/comments",
                                                     f"/{PAGE.page_id}/feed"]


# --- auth: token in the header only, appsecret_proof -------------------------------------------


def test_token_goes_in_the_authorization_header_never_the_url(client, fake_graph) -> None:
    perform(client, PAGE, fb_comment(), CRISIS)
    client.list_recent_comments(PAGE, 0)
    proof = hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
    assert fake_graph.requests
    for request in fake_graph.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert "access_token" not in request.query and "access_token" not in request.form
        assert request.query["appsecret_proof"] == proof
        assert request.version == "v25.0"


def test_without_app_secret_no_proof_is_sent(fake_graph) -> None:
    HttpGraphClient(fake_graph.url).hide_comment(PAGE, fb_comment())
    assert "appsecret_proof" not in fake_graph.requests[0].query


def test_a_page_without_token_fails_as_expired_token_without_calling(client, fake_graph) -> None:
    page = replace(PAGE, access_token="")
    with pytest.raises(GraphTokenExpiredError):
        client.hide_comment(page, fb_comment())
    assert fake_graph.requests == []


def test_check_token(client, fake_graph) -> None:
    client.check_token(PAGE)
    assert [(r.method, r.path) for r in fake_graph.requests] == [("GET", "/me")]
    fake_graph.fail("GET", "/me", 400, 190, 463)
    with pytest.raises(GraphTokenExpiredError):
        client.check_token(PAGE)


# --- error classification -----------------------------------------------------------------------

SEND = "send_message"
HIDE = "hide_comment"

# fmt: off
ERROR_TABLE = [
    # (op,  status, code,   subcode,  expected)
    (HIDE,  500,  1,      None,     GraphRetryableError),
    (HIDE,  503,  2,      None,     GraphRetryableError),
    (HIDE,  400,  4,      None,     GraphRetryableError),
    (HIDE,  400,  17,     None,     GraphRetryableError),
    (HIDE,  400,  32,     None,     GraphRetryableError),
    (HIDE,  400,  341,    None,     GraphRetryableError),
    (SEND,  400,  613,    2534040,  GraphRetryableError),
    (HIDE,  400,  80001,  None,     GraphRetryableError),
    (SEND,  500,  1,      1357046,  GraphAmbiguousSendError),
    (HIDE,  500,  1,      1357046,  GraphRetryableError),    # not a send: nothing to duplicate
    (SEND,  500,  1,      None,     GraphRetryableError),
    (HIDE,  400,  190,    None,     GraphTokenExpiredError),
    (SEND,  400,  190,    463,      GraphTokenExpiredError),
    (HIDE,  400,  102,    None,     GraphTokenExpiredError),
    (HIDE,  403,  10,     None,     GraphPermanentError),
    (SEND,  400,  200,    None,     GraphPermanentError),
    (SEND,  400,  230,    None,     GraphPermanentError),
    (HIDE,  400,  100,    33,       GraphPermanentError),
    (SEND,  400,  551,    1545041,  GraphPermanentError),
    (SEND,  400,  10,     2018278,  GraphPermanentError),
    (SEND,  400,  10,     2534022,  GraphPermanentError),
    (HIDE,  400,  506,    None,     GraphPermanentError),
    (HIDE,  400,  368,    None,     GraphPermanentError),
    (HIDE,  500,  100,    None,     GraphPermanentError),     # a known permanent code wins over a 5xx status
    (HIDE,  400,  12345,  None,     GraphPermanentError),     # unknown code on a 4xx
    (HIDE,  500,  12345,  None,     GraphRetryableError),     # unknown code on a 5xx
    (HIDE,  500,  None,   None,     GraphRetryableError),     # 5xx without Meta's envelope
    (HIDE,  502,  None,   None,     GraphRetryableError),
    (HIDE,  429,  None,   None,     GraphRetryableError),
    (HIDE,  404,  None,   None,     GraphPermanentError),
]
# fmt: on


def call(client: HttpGraphClient, op: str) -> Any:
    if op == SEND:
        return client.send_message(PAGE, dm(Platform.FACEBOOK), PAGE.contact_reply)
    return client.hide_comment(PAGE, fb_comment())


@pytest.mark.parametrize("op, status, code, subcode, expected", ERROR_TABLE)
def test_error_classification_over_http(client, fake_graph, op, status, code, subcode, expected) -> None:
    path = f"/{PAGE.page_id}/messages" if op == SEND else f"/{FB_COMMENT}"
    fake_graph.fail("POST", path, status, code, subcode, body=None if code is not None else {})
    with pytest.raises(GraphError) as caught:
        call(client, op)
    assert type(caught.value) is expected
    assert (caught.value.status, caught.value.code, caught.value.subcode) == (status, code, subcode)
    # Meta's own message text never makes it into ours (it can name the recipient), nor does the token.
    assert "fake error" not in str(caught.value) and TOKEN not in str(caught.value)


@pytest.mark.parametrize("op, status, code, subcode, expected", ERROR_TABLE)
def test_classify_error_is_pure(op, status, code, subcode, expected) -> None:
    body = meta_error(code, subcode) if code is not None else None
    assert type(classify_error(status, body, op=op, is_send=op == SEND)) is expected


def test_token_errors_are_permanent_errors_too() -> None:
    assert issubclass(GraphTokenExpiredError, GraphPermanentError)


def test_outside_window_is_recognisable(client, fake_graph) -> None:
    fake_graph.fail("POST", r"/[^/]+/messages", 400, 10, 2018278)
    with pytest.raises(GraphPermanentError) as caught:
        call(client, SEND)
    assert is_outside_window(caught.value)
    assert describe_graph_error(caught.value) == "outside the 24-hour messaging window (code 10/2018278)"


def test_an_error_envelope_with_status_200_is_still_an_error(client, fake_graph) -> None:
    fake_graph.fail("POST", f"/{FB_COMMENT}", 200, 10)
    with pytest.raises(GraphPermanentError):
        call(client, HIDE)


def test_retry_after_header_is_attached(client, fake_graph) -> None:
    fake_graph.fail("POST", f"/{FB_COMMENT}", 400, 4, headers={"Retry-After": "30"})
    with pytest.raises(GraphRetryableError) as caught:
        call(client, HIDE)
    assert retry_after(caught.value) == 30.0


def test_business_use_case_usage_gives_retry_after(client, fake_graph) -> None:
    usage = {PAGE.page_id: [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 5}]}
    fake_graph.fail("POST", f"/{FB_COMMENT}", 400, 80001, headers={"X-Business-Use-Case-Usage": json.dumps(usage)})
    with pytest.raises(GraphRetryableError) as caught:
        call(client, HIDE)
    assert retry_after(caught.value) == 300.0


def test_retry_after_is_none_when_meta_does_not_say(client, fake_graph) -> None:
    fake_graph.fail("POST", f"/{FB_COMMENT}", 500, 2)
    with pytest.raises(GraphRetryableError) as caught:
        call(client, HIDE)
    assert retry_after(caught.value) is None


@pytest.mark.parametrize("op", [HIDE, SEND])
def test_timeout_is_retryable(fake_graph, op: str) -> None:
    fake_graph.delay("POST", r"/.*", 1.0)
    client = HttpGraphClient(fake_graph.url, timeout=0.2)
    with pytest.raises(GraphRetryableError) as caught:
        call(client, op)
    assert "timed out" in str(caught.value)


def test_connection_refused_is_retryable() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(GraphRetryableError):
        call(HttpGraphClient(f"http://127.0.0.1:{port}/v25.0", timeout=1.0), HIDE)


def test_a_send_answered_without_json_is_ambiguous(client, fake_graph) -> None:
    fake_graph.script("POST", r"/[^/]+/messages", ScriptedResponse(200, b"<html>oops</html>"))
    with pytest.raises(GraphAmbiguousSendError):
        call(client, SEND)


def test_a_hide_answered_without_json_is_retryable(client, fake_graph) -> None:
    fake_graph.script("POST", f"/{FB_COMMENT}", ScriptedResponse(502, b"<html>bad gateway</html>"))
    with pytest.raises(GraphRetryableError):
        call(client, HIDE)


def test_a_hide_meta_does_not_confirm_is_permanent(client, fake_graph) -> None:
    fake_graph.script("POST", f"/{FB_COMMENT}", ScriptedResponse(200, {"success": False}))
    with pytest.raises(GraphPermanentError):
        call(client, HIDE)


def test_scripted_errors_are_consumed_then_normal_answers_resume(client, fake_graph) -> None:
    fake_graph.fail("POST", f"/{FB_COMMENT}", 500, 2, times=2)
    for _ in range(2):
        with pytest.raises(GraphRetryableError):
            call(client, HIDE)
    call(client, HIDE)
    assert len(fake_graph.requests) == 3


# --- listing comments (reconciliation / scan) ---------------------------------------------------


def test_list_recent_facebook_comments_follows_paging_and_stops_at_older_ones(fake_graph) -> None:
    client = HttpGraphClient(fake_graph.url, timeout=1.0)
    page = replace(PAGE, instagram_id="")
    post_a, post_b = f"{PAGE.page_id}_1", f"{PAGE.page_id}_2"
    fake_graph.set_listing(f"/{PAGE.page_id}/published_posts", [
        {"id": post_a, "permalink_url": "https://www.facebook.com/p/1", "created_time": "2025-10-25T10:00:00+0000"},
        {"id": post_b, "permalink_url": "https://www.facebook.com/p/2", "created_time": "2025-10-20T10:00:00+0000"},
    ], page_size=1)
    fake_graph.set_listing(f"/{post_a}/comments", [
        {"id": "1_c3", "from": {"id": PAGE.page_id, "name": "Dr Example"}, "message": "page reply",
         "created_time": "2025-10-25T16:03:00+0000", "parent": {"id": "1_c2"}, "permalink_url": "https://www.facebook.com/c3"},
        {"id": "1_c2", "from": {"id": "u2", "name": "Jordan"}, "message": VISITOR_TEXT,
         "created_time": "2025-10-25T16:02:01+0000", "permalink_url": "https://www.facebook.com/c2"},
        {"id": "1_c1", "from": {"id": "u1"}, "message": "old", "created_time": "2025-10-24T09:00:00+0000"},
        {"id": "1_c0", "from": {"id": "u0"}, "message": "older", "created_time": "2025-10-23T09:00:00+0000"},
    ], page_size=2)
    fake_graph.set_listing(f"/{post_b}/comments", [])
    since = 1761350400.0  # 2025-10-25T00:00:00Z

    events = client.list_recent_comments(page, since)

    assert [(e.item_id, e.sender_id, e.parent_id, e.authored_by_page) for e in events] == [
        ("1_c2", "u2", post_a, False),
        ("1_c3", PAGE.page_id, "1_c2", True),
    ]
    assert all(e.platform is Platform.FACEBOOK and e.surface is Surface.COMMENT and e.verb == "add" for e in events)
    assert events[0].created_time == 1761408121.0 and events[0].text == VISITOR_TEXT
    assert events[0].permalink == "https://www.facebook.com/c2" and events[0].post_id == post_a
    gets = [(r.path, r.query.get("after")) for r in fake_graph.requests]
    assert gets == [
        (f"/{PAGE.page_id}/published_posts", None),
        (f"/{PAGE.page_id}/published_posts", "1"),  # followed paging.next
        (f"/{post_a}/comments", None),
        (f"/{post_a}/comments", "1"),  # second page holds the first older comment: stop there
        (f"/{post_b}/comments", None),
        (f"/{PAGE.page_id}/feed", None),  # visitors' posts (none here)
    ]
    first_comments = fake_graph.requests[2].query
    assert first_comments["filter"] == "stream" and first_comments["order"] == "reverse_chronological"
    assert first_comments["fields"] == "id,from,message,created_time,parent,permalink_url"
    assert all("access_token" not in r.query for r in fake_graph.requests)  # stripped from Meta's next links


def test_list_recent_instagram_comments_includes_replies(fake_graph) -> None:
    client = HttpGraphClient(fake_graph.url, timeout=1.0)
    page = replace(PAGE, page_id="")
    fake_graph.set_listing(f"/{PAGE.instagram_id}/media", [
        {"id": IG_MEDIA, "permalink": "https://www.instagram.com/p/FAKE/", "timestamp": "2025-10-25T10:00:00+0000"},
    ])
    fake_graph.set_listing(f"/{IG_MEDIA}/comments", [
        {"id": "c1", "text": VISITOR_TEXT, "timestamp": "2025-10-25T16:02:01+0000", "from": {"id": "u1", "username": "sam"},
         "replies": {"data": [
             {"id": "c2", "text": "thanks", "timestamp": "2025-10-25T16:05:00+0000", "from": {"id": PAGE.instagram_id}},
         ]}},
        {"id": "c0", "text": "old", "timestamp": "2025-10-01T00:00:00+0000", "from": {"id": "u0"}},
    ])

    events = client.list_recent_comments(page, 1761350400.0)

    assert [(e.item_id, e.sender_id, e.parent_id, e.authored_by_page, e.account_id) for e in events] == [
        ("c1", "u1", "", False, PAGE.instagram_id),
        ("c2", PAGE.instagram_id, "c1", True, PAGE.instagram_id),
    ]
    assert events[0].permalink == "https://www.instagram.com/p/FAKE/" and events[0].post_id == IG_MEDIA
    assert [r.path for r in fake_graph.requests] == [f"/{PAGE.instagram_id}/media", f"/{IG_MEDIA}/comments"]
    assert fake_graph.requests[1].query["fields"].startswith("id,text,timestamp,from,username,parent_id")


def test_listing_paging_is_capped(fake_graph) -> None:
    client = HttpGraphClient(fake_graph.url, timeout=1.0, max_pages=2)
    page = replace(PAGE, instagram_id="")
    posts = [{"id": f"p{i}", "created_time": "2025-10-25T10:00:00+0000"} for i in range(6)]
    fake_graph.set_listing(f"/{PAGE.page_id}/published_posts", posts, page_size=1)
    client.list_recent_comments(page, 0)
    assert len(fake_graph.requests_for("GET", f"/{PAGE.page_id}/published_posts")) == 2


def test_visitor_posts_and_their_comments_are_listed_from_the_feed(client, fake_graph) -> None:
    page = replace(PAGE, instagram_id="")
    visitor_post, own_post = f"{PAGE.page_id}_7", f"{PAGE.page_id}_8"
    fake_graph.set_listing(f"/{PAGE.page_id}/feed", [
        {"id": visitor_post, "from": {"id": "u7"}, "message": VISITOR_TEXT, "created_time": "2025-10-25T10:00:00+0000"},
        {"id": own_post, "from": {"id": PAGE.page_id}, "message": "our news", "created_time": "2025-10-25T11:00:00+0000"},
        {"id": f"{PAGE.page_id}_9", "message": "no author", "created_time": "2025-10-25T12:00:00+0000"},
    ])
    fake_graph.set_listing(f"/{visitor_post}/comments", [
        {"id": "7_c1", "from": {"id": "u8"}, "message": "reply", "created_time": "2025-10-25T10:05:00+0000"}])

    events = client.list_recent_comments(page, 0)

    assert [(e.item_id, e.surface, e.sender_id) for e in events] == [
        (visitor_post, Surface.POST, "u7"), ("7_c1", Surface.COMMENT, "u8")]
    assert fake_graph.requests_for("GET", f"/{own_post}/comments") == []  # own posts come from published_posts


def test_paging_never_follows_another_host(client, fake_graph) -> None:
    page = replace(PAGE, instagram_id="")
    fake_graph.script("GET", f"/{PAGE.page_id}/published_posts", ScriptedResponse(200, {
        "data": [], "paging": {"next": "https://evil.example/v25.0/x?after=1"}}))
    assert client.list_recent_comments(page, 0) == []
    assert [r.path for r in fake_graph.requests] == [f"/{PAGE.page_id}/published_posts", f"/{PAGE.page_id}/feed"]


def test_listing_errors_are_classified(client, fake_graph) -> None:
    fake_graph.fail("GET", f"/{PAGE.page_id}/published_posts", 400, 190)
    with pytest.raises(GraphTokenExpiredError):
        client.list_recent_comments(PAGE, 0)


# --- dry run -------------------------------------------------------------------------------------


def test_dry_run_makes_no_http_requests_and_records_the_same_calls(client, fake_graph) -> None:
    dry = DryRunGraphClient()
    for event, verdict in [(fb_comment(), CRISIS), (ig_comment(), CRISIS), (dm(Platform.FACEBOOK), SENSITIVE)]:
        perform(dry, PAGE, event, verdict)
    assert dry.list_recent_comments(PAGE, 0) == []
    dry.check_token(PAGE)
    assert fake_graph.requests == []

    # the same decisions through the real client hit exactly the paths the dry run recorded
    for event, verdict in [(fb_comment(), CRISIS), (ig_comment(), CRISIS), (dm(Platform.FACEBOOK), SENSITIVE)]:
        perform(client, PAGE, event, verdict)
    assert [(c.method, c.path) for c in dry.calls] == [(r.method, r.path) for r in fake_graph.requests]
    assert dry.ops == ["hide_comment", "reply_to_comment", "private_reply"] * 2 + ["send_message"]


def test_dry_run_returns_fake_ids_and_can_script_failures() -> None:
    dry = DryRunGraphClient(failures={"send_message": [GraphPermanentError("x", code=10, subcode=2018278)]})
    assert dry.reply_to_comment(PAGE, fb_comment(), PAGE.contact_reply).startswith("dry-run:")
    with pytest.raises(GraphPermanentError):
        dry.send_message(PAGE, dm(Platform.FACEBOOK), PAGE.contact_reply)
    assert dry.send_message(PAGE, dm(Platform.FACEBOOK), PAGE.contact_reply).startswith("dry-run:")
    assert dry.ops == ["reply_to_comment", "send_message"]


def test_dry_run_lists_canned_comments_for_the_page() -> None:
    other = fb_comment(account_id="someone-else", item_id="x")
    dry = DryRunGraphClient(comments=[ig_comment(), other, fb_comment(created_time=1.0)])
    assert [e.item_id for e in dry.list_recent_comments(PAGE, 100.0)] == [IG_COMMENT]


# --- logs ----------------------------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def log_records() -> Iterator[list[logging.LogRecord]]:
    import chalicelib.logs  # noqa: F401  the parent Powertools logger

    handler = _Records()
    root = logging.getLogger("pageguard")
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_logs_carry_ids_never_tokens_or_texts(client, fake_graph, log_records) -> None:
    perform(client, PAGE, fb_comment(), CRISIS)
    perform(DryRunGraphClient(), PAGE, dm(Platform.INSTAGRAM), CRISIS)
    fake_graph.fail("POST", r"/[^/]+/messages", 400, 551)
    with pytest.raises(GraphPermanentError):
        client.send_message(PAGE, dm(Platform.FACEBOOK), PAGE.contact_reply)

    assert log_records, "expected graph calls to be logged"
    dumped = " ".join(f"{r.getMessage()} {r.__dict__}" for r in log_records)
    assert FB_COMMENT in dumped
    for secret in (TOKEN, APP_SECRET, VISITOR_TEXT, PAGE.contact_reply, PAGE.crisis_reply, "bipolar"):
        assert secret not in dumped


def test_from_settings_never_signs_with_the_built_in_local_secret() -> None:
    from chalicelib.config import LOCAL_APP_SECRET, Settings

    local = HttpGraphClient.from_settings(Settings.from_env({}))
    real = HttpGraphClient.from_settings(Settings.from_env({"APP_SECRET": APP_SECRET, "GRAPH_API_URL": "http://x/v25.0/"}))
    assert local._app_secret == "" and Settings.from_env({}).app_secret == LOCAL_APP_SECRET
    assert real._app_secret == APP_SECRET and real._base == "http://x/v25.0"
