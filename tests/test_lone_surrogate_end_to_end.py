"""A lone surrogate in a comment, end to end: signed webhook -> app -> SQS (moto) -> worker Lambda handler ->
detection -> Graph (fake) -> audit. It used to make spaCy raise, so the item was parked forever."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from chalice.test import Client

import app as pageguard
from chalicelib import wiring
from chalicelib.ingest.queue import SqsEventQueue
from chalicelib.ingest.webhook import SIGNATURE_HEADER, sign
from tests.aws_fixtures import aws_client
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import PAGE_ID, Kit, hides, make_kit, messages, replies


class LambdaContext:
    """The attributes Powertools and the worker read from a real invocation's context: a full 60 s left."""

    function_name = "pageguard-dev-worker"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:pageguard-dev-worker"
    memory_limit_in_mb = 1769
    aws_request_id = "00000000-0000-4000-8000-000000000001"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@pytest.fixture
def wired_to_sqs(fake_graph: FakeGraph, tmp_path: Path, moto_server: str) -> Iterator[tuple[Kit, object, str]]:
    kit = make_kit(fake_graph, tmp_path)
    sqs = aws_client("sqs", moto_server)
    url = sqs.create_queue(QueueName=f"pg-events-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    wiring.use(wiring.Deps(settings=kit.settings, _queue=SqsEventQueue(sqs, url), _pipeline=kit.pipeline,
                           _store=kit.store))
    yield kit, sqs, url
    wiring.use(None)


# A crisis with a lone high surrogate inside "kill" (what a broken emoji leaves): valid JSON ("\ud83d"), and
# once decoded a str that spaCy's tokenizer and UTF-8 encoding both refuse.
TEXT = "I can't do this anymore \ud83d I'm going to ki\ud800ll myself tonight"


def _webhook(comment_id: str) -> bytes:
    now = int(time.time())
    value = {"item": "comment", "verb": "add", "comment_id": comment_id, "post_id": f"{PAGE_ID}_777",
             "parent_id": f"{PAGE_ID}_777", "from": {"id": "4242", "name": "A Visitor"}, "message": TEXT,
             "created_time": now}
    body = json.dumps({"object": "page", "entry": [{"id": PAGE_ID, "time": now,
                                                    "changes": [{"field": "feed", "value": value}]}]})
    assert "\\ud83d" in body and "\\ud800" in body  # the surrogates travel as JSON escapes
    return body.encode("ascii")


def test_lone_surrogate_comment_is_moderated_end_to_end(wired_to_sqs: tuple[Kit, object, str],
                                                        fake_graph: FakeGraph) -> None:
    kit, sqs, url = wired_to_sqs
    comment_id = f"{PAGE_ID}_{uuid.uuid4().int % 10**12}"
    body = _webhook(comment_id)
    # GIVEN Meta's signed delivery, through the app's real route
    with Client(pageguard.app, stage_name="local") as client:
        response = client.http.post("/webhook", body=body, headers={
            "Content-Type": "application/json", SIGNATURE_HEADER: sign(body, kit.settings.app_secret)})
    assert response.status_code == 200 and json.loads(response.body) == {"received": 1}
    # WHEN the worker Lambda gets the SQS batch
    messages_ = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert len(messages_) == 1
    records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                "attributes": m["Attributes"], "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:pg-events",
                "awsRegion": "us-east-1"} for m in messages_]
    result = pageguard.worker({"Records": records}, LambdaContext())
    # THEN it is moderated as the crisis it is, never parked
    assert result == {"batchItemFailures": []}
    record = kit.store.get_audit(comment_id)
    assert record.label == "crisis" and record.status == "done"
    assert len(hides(fake_graph, comment_id)) == 1 and len(replies(fake_graph, comment_id)) == 1
    assert len(messages(fake_graph)) == 1  # the private reply with crisis resources
    assert [a.urgent for a in kit.notifier.sent] == [True]
    assert kit.store.list_dead_letters() == []
