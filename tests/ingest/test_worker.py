"""SQS worker: partial batch failures, parking on the last receive, and replay of parked events."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from chalicelib.ingest import worker
from chalicelib.ingest.worker import MAX_RECEIVE_COUNT, backoff_seconds, replay_dead_letters
from chalicelib.wiring import deps
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import OK_TEXT, SENSITIVE_TEXT, Kit, fb_comment, hides, make_kit, wired, replies


@pytest.fixture
def kit(fake_graph: FakeGraph, tmp_path: Path) -> Iterator[Kit]:
    with wired(make_kit(fake_graph, tmp_path)) as kit:
        yield kit


def handle_sqs_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The worker Lambda's call (app.py), with the wired pipeline and store (no Lambda context here)."""
    d = deps()
    return worker.handle_sqs_batch(event, context, pipeline=d.pipeline, store=d.store, visibility=d.redelivery_delay)


def sqs_record(body: Any, *, receive_count: int = 1) -> dict[str, Any]:
    """One SQS record as Lambda delivers it, with its own messageId (chalice's generator repeats one)."""
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": f"rh-{uuid.uuid4().hex}",
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": {
            "ApproximateReceiveCount": str(receive_count),
            "SentTimestamp": "1750000000000",
            "SenderId": "AIDAEXAMPLE",
            "ApproximateFirstReceiveTimestamp": "1750000000000",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:pageguard-events",
        "awsRegion": "us-east-1",
    }


def test_only_the_failed_message_is_reported(kit: Kit, fake_graph: FakeGraph) -> None:
    # GIVEN a batch of three where Graph fails (retryably) for the second
    good, failing, ok = fb_comment(SENSITIVE_TEXT), fb_comment(SENSITIVE_TEXT), fb_comment(OK_TEXT)
    fake_graph.fail("POST", f"/{failing.item_id}", status=503, code=2)
    records = [sqs_record(e.to_dict()) for e in (good, failing, ok)]
    # WHEN the worker handles it
    response = handle_sqs_batch({"Records": records}, None)
    # THEN only that message comes back for redelivery
    assert response == {"batchItemFailures": [{"itemIdentifier": records[1]["messageId"]}]}
    assert len(hides(fake_graph, good.item_id)) == 1
    # AND its redelivery finishes the job without repeating anything
    response = handle_sqs_batch({"Records": [sqs_record(failing.to_dict(), receive_count=2)]}, None)
    assert response == {"batchItemFailures": []}
    assert len(hides(fake_graph, failing.item_id)) == 2  # the refused attempt and the successful one
    assert len(replies(fake_graph, failing.item_id)) == 1


def test_last_receive_parks_the_event_with_its_reason(kit: Kit, fake_graph: FakeGraph) -> None:
    event = fb_comment(SENSITIVE_TEXT)
    fake_graph.fail("POST", f"/{event.item_id}", status=500)
    record = sqs_record(event.to_dict(), receive_count=MAX_RECEIVE_COUNT)
    response = handle_sqs_batch({"Records": [record]}, None)
    assert response == {"batchItemFailures": []}  # SQS may delete it: it is parked, not lost
    [letter] = kit.store.list_dead_letters()
    assert letter.reason.startswith("GraphRetryableError") and letter.attempts == MAX_RECEIVE_COUNT
    # replay drives it again and removes the letter
    report = replay_dead_letters(kit.pipeline, kit.store)
    assert report.replayed == 1 and kit.store.list_dead_letters() == []
    assert len(replies(fake_graph, event.item_id)) == 1


def test_replay_keeps_a_letter_that_still_fails(kit: Kit, fake_graph: FakeGraph) -> None:
    event = fb_comment(SENSITIVE_TEXT)
    kit.store.park(event, "GraphRetryableError", 5)
    fake_graph.fail("POST", f"/{event.item_id}", status=500)
    report = replay_dead_letters(kit.pipeline, kit.store)
    assert (report.replayed, report.failed) == (0, 1)
    assert len(kit.store.list_dead_letters()) == 1


def test_undecodable_message_is_parked_not_retried(kit: Kit) -> None:
    response = handle_sqs_batch({"Records": [sqs_record("{not json")]}, None)
    assert response == {"batchItemFailures": []}
    [letter] = kit.store.list_dead_letters()
    assert letter.reason == "JSONDecodeError"


def test_undecodable_message_is_parked_with_its_raw_body_and_counted_apart_on_replay(kit: Kit) -> None:
    # GIVEN a message nobody can decode
    handle_sqs_batch({"Records": [sqs_record('{"platform": "facebook", trunc')]}, None)
    # THEN its letter keeps the raw body, so an operator can see what arrived
    [letter] = kit.store.list_dead_letters()
    assert letter.event["undecodable_body"] is True and letter.event["body"] == '{"platform": "facebook", trunc'
    # WHEN the dead letters are replayed THEN it still fails, is counted as undecodable, and is kept
    report = replay_dead_letters(kit.pipeline, kit.store)
    assert (report.replayed, report.failed, report.undecodable) == (0, 1, 1)
    assert len(kit.store.list_dead_letters()) == 1


def test_dead_letter_hook_parks_through_the_wired_store(kit: Kit) -> None:
    # The local SqliteEventQueue calls on_dead_letter(event, reason, attempts) after its last attempt.
    event = fb_comment(SENSITIVE_TEXT)
    deps().park_dead_letter(event, "NotifierError: SES send_email failed: Throttling", 5)
    [letter] = kit.store.list_dead_letters()
    assert letter.event["item_id"] == event.item_id and letter.attempts == 5


def test_backoff_grows_and_honours_meta_hints() -> None:
    from chalicelib.errors import GraphRetryableError

    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(20) == 15 * 60
    hinted = GraphRetryableError("rate limited", status=429, code=4)
    hinted.retry_after = 300  # type: ignore[attr-defined]
    assert backoff_seconds(1, hinted) == 300


def test_failed_message_is_hidden_for_the_backoff_on_sqs(kit: Kit, fake_graph: FakeGraph, moto_server: str) -> None:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from chalicelib.ingest.worker import handle_record, visibility_setter
    from tests.aws_fixtures import aws_client

    # GIVEN a queue whose own visibility timeout would redeliver at once
    sqs = aws_client("sqs", moto_server)
    url = sqs.create_queue(QueueName=f"pg-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    event = fb_comment(SENSITIVE_TEXT)
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event.to_dict()))
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    record = sqs_record(event.to_dict())
    record.update(messageId=message["MessageId"], receiptHandle=message["ReceiptHandle"])
    fake_graph.fail("POST", f"/{event.item_id}", status=429, code=4)
    # WHEN handling fails retryably
    with pytest.raises(Exception):
        handle_record(SQSRecord(record), kit.pipeline, kit.store, visibility=visibility_setter(url, sqs))
    # THEN SQS holds the message back for the backoff instead of handing it straight out again
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []


def test_sqs_dead_letters_are_moved_back_to_the_events_queue(moto_server: str) -> None:
    # GIVEN two events SQS dead-lettered (their worker crashed or timed out)
    from chalicelib.ingest.queue import encode
    from chalicelib.ingest.worker import redrive_sqs_dead_letters
    from tests.aws_fixtures import aws_client

    sqs = aws_client("sqs", moto_server)
    suffix = uuid.uuid4().hex[:8]
    queue_url = sqs.create_queue(QueueName=f"events-{suffix}")["QueueUrl"]
    dlq_url = sqs.create_queue(QueueName=f"events-dlq-{suffix}")["QueueUrl"]
    bodies = {encode(fb_comment(SENSITIVE_TEXT)) for _ in range(2)}
    for body in bodies:
        sqs.send_message(QueueUrl=dlq_url, MessageBody=body)

    # WHEN they are redriven
    assert redrive_sqs_dead_letters(sqs, dlq_url, queue_url) == 2

    # THEN the events queue holds exactly those bodies and the dead-letter queue is empty
    received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
    assert {m["Body"] for m in received} == bodies
    assert sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get("Messages", []) == []


class ScriptedContext:
    """A Lambda context whose remaining time is read from a list, one value per call (no clocks)."""

    def __init__(self, *remaining_ms: int) -> None:
        self.remaining = list(remaining_ms)
        self.calls = 0

    def get_remaining_time_in_millis(self) -> int:
        self.calls += 1
        return self.remaining.pop(0) if len(self.remaining) > 1 else self.remaining[0]


def test_worker_reports_the_rest_of_the_batch_failed_before_its_timeout(kit: Kit, fake_graph: FakeGraph) -> None:
    # GIVEN a batch of four and an invocation whose time runs short after the second message
    events = [fb_comment(SENSITIVE_TEXT) for _ in range(4)]
    records = [sqs_record(e.to_dict()) for e in events]
    context = ScriptedContext(59_000, 45_000, worker.ITEM_TIME_RESERVE_MS - 1)
    # WHEN the worker handles it
    response = handle_sqs_batch({"Records": records}, context)
    # THEN the first two are done, the other two are reported failed without being started
    assert response == {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records[2:]]}
    assert [len(hides(fake_graph, e.item_id)) for e in events] == [1, 1, 0, 0]
    assert context.calls == 4
    assert all(kit.store.get_audit(e.item_id) is None for e in events[2:])  # not even begun
    assert kit.store.list_dead_letters() == []  # never parked, even on a late receive
    # AND the redelivery, with time enough, finishes them
    late = [sqs_record(e.to_dict(), receive_count=MAX_RECEIVE_COUNT) for e in events[2:]]
    assert handle_sqs_batch({"Records": late}, ScriptedContext(60_000)) == {"batchItemFailures": []}
    assert [len(hides(fake_graph, e.item_id)) for e in events] == [1, 1, 1, 1]


def test_reserve_fits_the_worker_timeout() -> None:
    # The reserve must leave the first message of a batch room to start.
    assert worker.ITEM_TIME_RESERVE_MS < worker.WORKER_TIMEOUT_SECONDS * 1000
