"""Alert emails: rendering (subject, parts, URGENT), no PHI, the outbox, and SES through moto's server mode."""

from __future__ import annotations

import email
import socket
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.config import PageSettings
from chalicelib.errors import GraphPermanentError, GraphTokenExpiredError, NotifierError, NotifierRejectedError
from chalicelib.models import Action, ActionKind, Entity, Label, Platform, Surface, Verdict, WebhookEvent
from chalicelib.act.alerts import FACEBOOK_INBOX, INSTAGRAM_INBOX, Alert, build_alert, email_bytes, describe_action, describe_failure, entity_label, reconnect_alert, render_email
from chalicelib.act.notifier import InMemoryNotifier, OutboxNotifier, SesNotifier
from chalicelib.act.policy import decide
from tests.aws_fixtures import TEST_SENDER, aws_client, sent_raw_messages

PAGE = PageSettings(
    page_id="104857600123456",
    name="Dr Example Counselling",
    access_token="EAAB-secret-page-token",
    notify_email="dr@example.org",
    contact_reply="Please contact our office privately at 555-0100 or office@drexample.org.",
    instagram_id="17841400000000001",
)
# What a visitor wrote, and who they are: none of it may appear in any email.
VISITOR_NAME = "Jordan Quintero"
VISITOR_PHONE = "555-0199"
VISITOR_EMAIL = "jordan.q@mailbox.example"
VISITOR_TEXT = (
    f"Hi, I'm {VISITOR_NAME}, diagnosed with bipolar II, my lithium dose makes me tired. "
    f"Call me on {VISITOR_PHONE} or {VISITOR_EMAIL}"
)
FORBIDDEN = (VISITOR_TEXT, VISITOR_NAME, "Jordan", "Quintero", VISITOR_PHONE, VISITOR_EMAIL, "bipolar", "lithium", "PSID-42")

SENSITIVE = Verdict(Label.SENSITIVE, (Entity("PERSON", 9, 24, 0.9), Entity("PHONE_NUMBER", 120, 128, 0.8),
                                      Entity("MEDICAL_CONDITION", 40, 50, 0.9)), "MEDICAL_CONDITION, PERSON, PHONE_NUMBER")
CRISIS = Verdict(Label.CRISIS, (Entity("SELF_HARM", 0, 10, 0.95),), "SELF_HARM")
SENDER = TEST_SENDER


def comment(platform: Platform = Platform.FACEBOOK, **overrides: object) -> WebhookEvent:
    values: dict[str, object] = dict(
        platform=platform, surface=Surface.COMMENT,
        account_id=PAGE.page_id if platform is Platform.FACEBOOK else PAGE.instagram_id,
        item_id="122098765432101_987654321098765", sender_id="PSID-42", text=VISITOR_TEXT, created_time=1761408121.0,
        post_id="104857600123456_122098765432101",
        permalink="https://www.facebook.com/104857600123456/posts/pfbid0FAKE?comment_id=987654321098765",
    )
    return WebhookEvent(**(values | overrides))  # type: ignore[arg-type]


def message(platform: Platform) -> WebhookEvent:
    return comment(platform, surface=Surface.MESSAGE, item_id="m_abc", verb="message", permalink="", post_id="")


def alert_for(event: WebhookEvent, verdict: Verdict) -> Alert:
    decision = decide(PAGE, event, verdict)
    done = [describe_action(a, event, PAGE) for a in decision.actions if a.kind is not ActionKind.ALERT]
    kind = "own_content" if event.authored_by_page else "detection"
    return build_alert(PAGE, event, verdict, done, kind=kind)


def everything(msg: EmailMessage) -> str:
    """Headers plus every decoded part: what a reader (or a mail server) could see."""
    parts = [f"{k}: {v}" for k, v in msg.items()]
    for part in msg.walk():
        if not part.is_multipart():
            parts.append(part.get_content())
    return "\n".join(parts)


def parts(msg: EmailMessage) -> dict[str, str]:
    return {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}


# --- rendering -----------------------------------------------------------------------------------


def test_sensitive_comment_email_says_what_where_when_and_what_was_done() -> None:
    msg = render_email(alert_for(comment(), SENSITIVE), SENDER)

    assert msg["Subject"] == "[PageGuard] Possible client details in a comment on Dr Example Counselling (Facebook)"
    assert msg["From"] == SENDER and msg["To"] == PAGE.notify_email
    assert msg.get_content_type() == "multipart/alternative"
    body = parts(msg)
    assert set(body) == {"text/plain", "text/html"}
    plain = body["text/plain"]
    for expected in ("Page: Dr Example Counselling (Facebook)", "Where: a comment", "Severity: sensitive",
                     "What was found: medical condition; a person's name; a phone number", "When: 2025-10-25 16:02 UTC",
                     "  - hid the comment", "  - replied publicly with your contact details",
                     "Open it on Meta: https://www.facebook.com/104857600123456/posts/pfbid0FAKE?comment_id=987654321098765"):
        assert expected in plain
    assert "URGENT" not in everything(msg)
    assert '<a href="https://www.facebook.com/104857600123456/posts/pfbid0FAKE?comment_id=987654321098765">' in body["text/html"]
    assert "<li>hid the comment</li>" in body["text/html"]


def test_detection_types_read_as_plain_words_and_unknown_ones_still_read() -> None:
    assert entity_label("CRISIS_SUICIDE") == "suicide risk"
    assert entity_label("CRISIS_EMERGENCY") == "a medical emergency"
    assert entity_label("THERAPY_RELATIONSHIP") == "being a client"
    assert entity_label("SOME_NEW_TYPE") == "some new type"


@pytest.mark.parametrize("platform, name", [(Platform.FACEBOOK, "Facebook"), (Platform.INSTAGRAM, "Instagram")])
def test_crisis_comment_email_is_urgent(platform: Platform, name: str) -> None:
    alert = alert_for(comment(platform), CRISIS)
    msg = render_email(alert, SENDER)
    assert alert.urgent
    assert msg["Subject"] == f"[PageGuard] URGENT: possible crisis in a comment on Dr Example Counselling ({name})"
    assert msg["X-Priority"].startswith("1")
    plain = parts(msg)["text/plain"]
    assert plain.startswith("URGENT")
    assert "crisis line of your page's country" in plain and "988" not in plain
    assert "  - sent the commenter a private message with crisis resources" in plain
    assert "  - replied publicly with crisis resources" in plain


@pytest.mark.parametrize("platform, link", [(Platform.FACEBOOK, FACEBOOK_INBOX), (Platform.INSTAGRAM, INSTAGRAM_INBOX)])
def test_dm_alerts_link_to_the_inbox(platform: Platform, link: str) -> None:
    msg = render_email(alert_for(message(platform), CRISIS), SENDER)
    assert msg["Subject"].startswith("[PageGuard] URGENT: possible crisis in a direct message on Dr Example Counselling")
    plain = parts(msg)["text/plain"]
    assert "Where: a direct message" in plain and f"Open it on Meta: {link}" in plain
    assert "  - replied to the message with crisis resources" in plain


def test_facebook_comment_without_permalink_links_to_the_comment_id() -> None:
    alert = alert_for(comment(permalink=""), SENSITIVE)
    assert alert.item_link == "https://www.facebook.com/122098765432101_987654321098765"


def test_own_content_alert() -> None:
    alert = alert_for(comment(authored_by_page=True, sender_id=PAGE.page_id), SENSITIVE)
    msg = render_email(alert, SENDER)
    assert msg["Subject"] == "[PageGuard] Your own post or reply on Dr Example Counselling may identify a client (Facebook)"
    assert "never hides your own content" in parts(msg)["text/plain"]
    assert not alert.urgent and alert.actions_taken == ()


def test_reconnect_alert_tells_the_professional_to_reconnect() -> None:
    error = GraphTokenExpiredError("x", status=400, code=190, subcode=463)
    alert = reconnect_alert(PAGE, Platform.INSTAGRAM, occurred_at=1761408121.0,
                            detail=describe_failure(Action(ActionKind.HIDE), comment(Platform.INSTAGRAM), error))
    msg = render_email(alert, SENDER)
    assert msg["Subject"] == "[PageGuard] Action needed: reconnect Dr Example Counselling to PageGuard (Instagram)"
    plain = parts(msg)["text/plain"]
    assert "access token is invalid or has expired" in plain
    assert "could not hide the comment: the page's access token is no longer valid (code 190/463)" in plain
    assert "Reconnect: https://" in plain


def test_action_failed_alert_lists_what_failed() -> None:
    event = message(Platform.FACEBOOK)
    failure = describe_failure(Action(ActionKind.SEND_MESSAGE, text=PAGE.contact_reply), event,
                               GraphPermanentError("x", status=400, code=10, subcode=2018278))
    alert = build_alert(PAGE, event, SENSITIVE, [failure], kind="action_failed")
    msg = render_email(alert, SENDER)
    assert msg["Subject"] == "[PageGuard] PageGuard could not finish acting on a direct message on Dr Example Counselling (Facebook)"
    assert "could not reply to the message: outside the 24-hour messaging window (code 10/2018278)" in parts(msg)["text/plain"]


@pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.INSTAGRAM])
@pytest.mark.parametrize("make", [comment, message], ids=["comment", "dm"])
@pytest.mark.parametrize("verdict", [SENSITIVE, CRISIS], ids=["sensitive", "crisis"])
def test_no_email_contains_the_text_name_or_contact_details(platform, make, verdict) -> None:
    msg = render_email(alert_for(make(platform), verdict), SENDER)
    seen = everything(msg) + msg.as_string()
    for forbidden in FORBIDDEN:
        assert forbidden not in seen


def test_page_name_cannot_inject_headers_or_html() -> None:
    page = replace(PAGE, name="Dr <b>Evil</b>\r\nBcc: victim@example.org")
    alert = build_alert(page, comment(), SENSITIVE, ["hid the comment"])
    msg = render_email(alert, SENDER)
    assert "\n" not in msg["Subject"] and msg["Bcc"] is None
    assert "<b>Evil</b>" not in parts(msg)["text/html"] and "&lt;b&gt;Evil&lt;/b&gt;" in parts(msg)["text/html"]


def test_links_other_than_https_are_not_rendered() -> None:
    alert = replace(build_alert(PAGE, comment(), SENSITIVE, []), item_link="javascript:alert(1)")
    html = parts(render_email(alert, SENDER))["text/html"]
    assert "javascript:" not in html and 'href="https://www.facebook.com/122098765432101_987654321098765"' in html


@pytest.mark.parametrize("permalink", [
    "https://evil.example/phish?facebook.com",
    "https://facebook.com.evil.example/104857600123456/posts/1",
    "https://www.facebook.com@evil.example/x",
    "https://notfacebook.com/x",
    "https://www.facebook.com:8443/x",
    "http://www.facebook.com/x",
])
def test_alert_links_only_to_facebook_or_instagram(permalink: str) -> None:
    # A payload's permalink is signed by Meta, but an alert must never point the professional elsewhere.
    alert = build_alert(PAGE, comment(permalink=permalink), SENSITIVE, [])
    assert alert.item_link == "https://www.facebook.com/122098765432101_987654321098765"
    rendered = everything(render_email(replace(alert, item_link=permalink), SENDER))
    assert permalink not in rendered and "evil.example" not in rendered


@pytest.mark.parametrize("permalink", ["https://www.facebook.com/104857600123456/posts/pfbid0FAKE?comment_id=1",
                                       "https://facebook.com/x", "https://www.instagram.com/p/C0FAKE/c/17890000000000009"])
def test_meta_permalinks_are_kept(permalink: str) -> None:
    alert = build_alert(PAGE, comment(permalink=permalink), SENSITIVE, [])
    assert alert.item_link == permalink and permalink in parts(render_email(alert, SENDER))["text/plain"]


def test_unknown_alert_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        replace(build_alert(PAGE, comment(), SENSITIVE, []), kind="gossip")


# --- outbox --------------------------------------------------------------------------------------


def test_outbox_writes_one_eml_per_alert(tmp_path: Path) -> None:
    outbox = OutboxNotifier(str(tmp_path / "outbox"), SENDER)
    first = outbox.send(alert_for(comment(), CRISIS))
    second = outbox.send(alert_for(message(Platform.INSTAGRAM), SENSITIVE))

    files = sorted((tmp_path / "outbox").iterdir())
    assert [str(f) for f in files] == sorted([first, second])
    assert all(f.suffix == ".eml" and not f.name.startswith(".") for f in files)
    parsed = email.message_from_bytes(Path(first).read_bytes(), policy=policy.default)
    assert parsed["Subject"].startswith("[PageGuard] URGENT:")
    assert {p.get_content_type() for p in parsed.walk() if not p.is_multipart()} == {"text/plain", "text/html"}
    for path in files:
        text = everything(email.message_from_bytes(path.read_bytes(), policy=policy.default))
        assert all(forbidden not in text for forbidden in FORBIDDEN)


def test_outbox_that_cannot_be_written_raises_notifier_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(NotifierError):
        OutboxNotifier(str(blocker), SENDER).send(alert_for(comment(), SENSITIVE))


def test_in_memory_notifier_records_and_scripts_failures() -> None:
    notifier = InMemoryNotifier(failures=[NotifierError("down")])
    alert = alert_for(comment(), SENSITIVE)
    with pytest.raises(NotifierError):
        notifier.send(alert)
    assert notifier.send(alert) == "in-memory:1" and notifier.sent == [alert]


# --- SES through moto server mode ---------------------------------------------------------------


def test_ses_sends_raw_mime_without_phi(moto_server: str, ses_client) -> None:
    notifier = SesNotifier(ses_client, SENDER)
    alert = alert_for(comment(Platform.INSTAGRAM), CRISIS)

    message_id = notifier.send(alert)

    sent = [m for m in sent_raw_messages(moto_server) if m["id"] == message_id]
    assert len(sent) == 1
    assert PAGE.notify_email in sent[0]["destinations"] and sent[0]["source"] == SENDER
    raw = sent[0]["raw_data"]
    parsed = email.message_from_string(raw, policy=policy.default)
    assert parsed["Subject"] == "[PageGuard] URGENT: possible crisis in a comment on Dr Example Counselling (Instagram)"
    assert {p.get_content_type() for p in parsed.walk() if not p.is_multipart()} == {"text/plain", "text/html"}
    seen = everything(parsed) + raw
    assert "Severity: crisis" in seen
    for forbidden in FORBIDDEN:
        assert forbidden not in seen


def test_ses_rejection_is_permanent(moto_server: str, ses_client) -> None:
    notifier = SesNotifier(ses_client, "PageGuard <not-verified@elsewhere.test>")
    with pytest.raises(NotifierRejectedError) as caught:
        notifier.send(alert_for(comment(), SENSITIVE))
    assert isinstance(caught.value.__cause__, ClientError)
    assert caught.value.code == "MessageRejected" and not isinstance(caught.value, NotifierError)


class RefusingSes:
    """An SES client that answers send_email with one error response, as botocore raises it."""

    def __init__(self, code: str, message: str) -> None:
        self.error = ClientError({"Error": {"Code": code, "Message": message}}, "SendEmail")

    def send_email(self, **_: object) -> dict:
        raise self.error


@pytest.mark.parametrize("code, message, permanent", [
    ("MessageRejected", "Email address is not verified. The following identities failed the check", True),
    ("LimitExceededException", "Daily sending quota exceeded", True),
    ("TooManyRequestsException", "Daily message quota exceeded.", True),
    ("Throttling", "Daily message quota exceeded.", True),
    ("SendingPausedException", "Sending is paused for this account", True),
    ("AccountSuspendedException", "account suspended", True),
    ("MailFromDomainNotVerifiedException", "MAIL FROM domain not verified", True),
    ("NotFoundException", "Configuration set does not exist", True),
    ("TooManyRequestsException", "Maximum sending rate exceeded.", False),
    ("Throttling", "Rate exceeded", False),
    ("InternalFailure", "", False),
    ("ServiceUnavailable", "", False),
])
def test_ses_errors_are_classified_permanent_or_transient(code: str, message: str, permanent: bool) -> None:
    notifier = SesNotifier(RefusingSes(code, message), SENDER)
    with pytest.raises(NotifierRejectedError if permanent else NotifierError) as caught:
        notifier.send(alert_for(comment(), SENSITIVE))
    assert caught.value.code == code if permanent else code in str(caught.value)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\r\n", "\ud800",
                                       "\u200b"])
def test_page_names_and_addresses_with_any_line_break_still_render(separator: str) -> None:
    # Python's email package refuses header values with any of str.splitlines()'s breaks (ValueError), which
    # used to fail every alert for such a page.
    page = replace(PAGE, name=f"Dr Example{separator}Bcc: victim@example.org")
    raw = email_bytes(build_alert(page, comment(), SENSITIVE, ["hid the comment"]), SENDER)
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"].startswith("[PageGuard] Possible client details in a comment on Dr Example Bcc")
    assert parsed["Bcc"] is None and parsed["To"] == PAGE.notify_email
    bad_to = replace(page, notify_email=f"{PAGE.notify_email}{separator}")
    assert email.message_from_bytes(email_bytes(build_alert(bad_to, comment(), SENSITIVE, []), SENDER),
                                    policy=policy.default)["To"] == PAGE.notify_email


def test_ses_unreachable_becomes_notifier_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = boto3.client(
        "sesv2", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )
    with pytest.raises(NotifierError) as caught:
        SesNotifier(client, SENDER).send(alert_for(comment(), SENSITIVE))
    assert isinstance(caught.value.__cause__, EndpointConnectionError)


def test_ses_notifier_passes_the_configuration_set(moto_server: str) -> None:
    client = aws_client("sesv2", moto_server)
    client.create_email_identity(EmailIdentity="alerts@pageguard.test")
    client.create_configuration_set(ConfigurationSetName="pageguard-alerts")
    assert SesNotifier(client, SENDER, configuration_set="pageguard-alerts").send(alert_for(comment(), SENSITIVE))
