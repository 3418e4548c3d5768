"""SES bounce and complaint feedback: marks the recipient (so no more alerts go there) and logs the alarm's line.

The messages have SES's real shapes (event publishing, identity notifications, raw or in an SNS envelope) and
reach the worker as the events queue delivers them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterator

import pytest

from chalicelib.ingest import email_feedback, worker
from tests.fake_graph import FakeGraph
from tests.ingest.test_worker import sqs_record
from tests.pipeline_kit import PAGE, SENSITIVE_TEXT, Kit, fb_comment, hides, make_kit

MAIL = {"timestamp": "2026-12-03T10:00:00.000Z", "source": "alerts@pageguard.test",
        "messageId": "0100018c-example", "destination": [PAGE.notify_email],
        "commonHeaders": {"subject": "[PageGuard] Possible client details in a comment on Dr. Example Counseling"}}


def bounce_event(bounce_type: str = "Permanent") -> dict[str, Any]:
    return {"eventType": "Bounce", "mail": MAIL, "bounce": {
        "bounceType": bounce_type, "bounceSubType": "General", "timestamp": "2026-12-03T10:00:01.000Z",
        "feedbackId": "0100018c-feedback", "bouncedRecipients": [
            {"emailAddress": PAGE.notify_email, "action": "failed", "status": "5.1.1",
             "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]}}


def complaint_notification() -> dict[str, Any]:
    return {"notificationType": "Complaint", "mail": MAIL, "complaint": {
        "complainedRecipients": [{"emailAddress": PAGE.notify_email.upper()}],
        "timestamp": "2026-12-03T10:05:00.000Z", "feedbackId": "0100018c-complaint",
        "complaintFeedbackType": "abuse"}}


def sns_envelope(message: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "Notification", "MessageId": "sns-1", "TopicArn": "arn:aws:sns:us-east-1:123456789012:feedback",
            "Message": json.dumps(message), "Timestamp": "2026-12-03T10:00:02.000Z"}


@pytest.fixture
def kit(fake_graph: FakeGraph, tmp_path: Path) -> Iterator[Kit]:
    yield make_kit(fake_graph, tmp_path)


def _deliver(kit: Kit, *bodies: dict[str, Any]) -> dict[str, Any]:
    records = [sqs_record(body) for body in bodies]
    return worker.handle_sqs_batch({"Records": records}, None, pipeline=kit.pipeline, store=kit.store,
                                   visibility=None)


@pytest.mark.parametrize("body, kind", [
    (bounce_event(), "bounce"),
    (sns_envelope(bounce_event()), "bounce"),
    (complaint_notification(), "complaint"),
    (sns_envelope(complaint_notification()), "complaint"),
])
def test_bounce_or_complaint_marks_the_recipient_and_logs_the_alarm_line(kit: Kit, body: dict[str, Any], kind: str,
                                                                         caplog: Any) -> None:
    caplog.set_level(logging.INFO)
    assert _deliver(kit, body) == {"batchItemFailures": []}
    assert kit.store.recipient_mark(PAGE.notify_email) == kind
    assert kit.store.list_dead_letters() == []  # handled, not parked as undecodable
    [line] = [r for r in caplog.records if r.getMessage() == email_feedback.RECIPIENT_MARKED_LOG]
    assert PAGE.notify_email not in caplog.text  # page ids, never the address


def test_transient_bounce_marks_nobody(kit: Kit) -> None:
    assert _deliver(kit, bounce_event("Transient")) == {"batchItemFailures": []}
    assert kit.store.recipient_mark(PAGE.notify_email) == ""


def test_no_more_alerts_go_to_a_bounced_recipient_but_moderation_goes_on(kit: Kit, fake_graph: FakeGraph,
                                                                         caplog: Any) -> None:
    caplog.set_level(logging.INFO)  # not whatever level an earlier test left the loggers at
    # GIVEN the professional's address bounced for good
    _deliver(kit, bounce_event())
    # WHEN a sensitive comment arrives
    event = fb_comment(SENSITIVE_TEXT)
    assert _deliver(kit, event.to_dict()) == {"batchItemFailures": []}
    # THEN it is hidden, no email is attempted, the alert step is recorded failed, the alarm line is logged
    assert len(hides(fake_graph, event.item_id)) == 1
    assert kit.notifier.sent == []
    steps = {a.step: (a.status, a.detail) for a in kit.store.get_audit(event.item_id).actions}
    assert steps["alert"] == ("failed", "email_refused:recipient_bounce")
    assert "alert email refused for good" in caplog.text
    # AND once the operator clears the mark, alerts flow again
    kit.store.clear_recipient(PAGE.notify_email)
    _deliver(kit, fb_comment(SENSITIVE_TEXT).to_dict())
    assert len(kit.notifier.sent) == 1


def test_webhook_events_are_not_mistaken_for_feedback() -> None:
    event = fb_comment(SENSITIVE_TEXT)
    assert email_feedback.parse(json.dumps(event.to_dict())) is None
    assert email_feedback.parse("not json") is None and email_feedback.parse("[]") is None
    assert email_feedback.parse(json.dumps({"eventType": "Delivery", "mail": MAIL})) is None
