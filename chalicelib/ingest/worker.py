"""The SQS worker Lambda: a batch of webhook events in, partial batch failures out, and the dead-letter hooks.

SQS delivers each message at least once; the event source mapping must set
`FunctionResponseTypes: ["ReportBatchItemFailures"]` (infra/) so only the failed messages come back.
A message that fails MAX_RECEIVE_COUNT times is parked in the store with its reason (before SQS's own
redrive would move it, reason-less, to the SQS dead-letter queue) and can be replayed with
`python -m ops.cli replay-dlq`. app.py hands in the pipeline and store it got from wiring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.act.graph import retry_after
from chalicelib.act.pipeline import Pipeline
from chalicelib.errors import error_summary
from chalicelib.ingest import email_feedback
from chalicelib.ingest.queue import backoff_delay, decode, handle_message, message_from_dict
from chalicelib.state.store import Store

logger = Logger(service="pageguard", child=True)

# Queue settings shared with infra/ (redrive maxReceiveCount). SQS moves a message to its DLQ when it
# would be received a (MAX_RECEIVE_COUNT + 1)th time; the worker parks it itself on the last allowed
# receive, with the reason, so the SQS DLQ only catches messages that crash or time out the worker.
MAX_RECEIVE_COUNT = 5
WORKER_TIMEOUT_SECONDS = 60
# AWS: visibility timeout at least 6x the function timeout for SQS event sources.
VISIBILITY_TIMEOUT_SECONDS = 6 * WORKER_TIMEOUT_SECONDS
BATCH_SIZE = 10
# Backoff between receives of a failing message: 30 s, 60 s, 120 s, 240 s (or longer when Meta says so),
# instead of the flat visibility timeout. SQS allows up to 12 h; 15 min keeps a DM reply useful.
BASE_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 15 * 60

# The time one item may take at worst: detection (bounded, < 1 s) plus its Graph calls (a crisis comment
# makes three, each with HttpGraphClient's 10 s timeout) and its email. A message is started only when at
# least this much of the Lambda's time is left; the rest of the batch is reported failed before the timeout
# instead of being cut off by it (a timed-out batch comes back whole, and eventually lands in the SQS DLQ).
ITEM_TIME_RESERVE_MS = 35_000

VisibilitySetter = Callable[[SQSRecord, int], None]


class WorkerOutOfTimeError(Exception):
    """Raised for a message the worker did not start because too little of the invocation's time was left."""


def handle_sqs_batch(
    event: dict[str, Any], context: Any, *, pipeline: Pipeline, store: Store, visibility: VisibilitySetter | None
) -> dict[str, Any]:
    """One SQS batch (app.py's worker Lambda), returning batchItemFailures. Messages the invocation has no
    time left for are reported failed, unstarted, and come back at once."""

    def handle(record: SQSRecord) -> None:
        remaining = _remaining_ms(context)
        if remaining is not None and remaining < ITEM_TIME_RESERVE_MS:
            logger.warning("not enough time left for this message; SQS will redeliver it",
                           extra={"message_id": record.message_id, "remaining_ms": remaining})
            if visibility is not None:
                visibility(record, 0)  # unstarted: no backoff
            raise WorkerOutOfTimeError(f"{remaining} ms left")
        handle_record(record, pipeline, store, visibility=visibility)

    return process_partial_response(
        event=event,
        record_handler=handle,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=context,
    )


def _remaining_ms(context: Any) -> int | None:
    get_remaining = getattr(context, "get_remaining_time_in_millis", None)
    return int(get_remaining()) if callable(get_remaining) else None


def handle_record(
    record: SQSRecord, pipeline: Pipeline, store: Store, *, visibility: VisibilitySetter | None = None
) -> None:
    """One SQS message: decode, moderate; on the last allowed receive, park a failure instead of raising.

    Before raising, `visibility` (when given) delays the redelivery with exponential backoff.
    """
    feedback = email_feedback.parse(record.body)
    if feedback is not None:  # SES bounce or complaint about an alert email, not a webhook event
        email_feedback.handle(feedback, store, lambda: pipeline.pages)
        return
    try:
        event = decode(record.body)
    except (ValueError, KeyError, TypeError) as exc:
        # Not ours to fix by retrying: park the raw body so an operator can inspect it (a dead letter
        # may hold text, like the SQS message did; it expires like every letter), and drop it from SQS.
        logger.error("undecodable SQS message parked", extra={"message_id": record.message_id})
        store.park({"undecodable_body": True, "message_id": record.message_id, "body": record.body},
                   type(exc).__name__, 1)
        return
    receives = _receive_count(record)
    try:
        handle_message(event, pipeline)
    except Exception as exc:
        keys = {"item_id": event.item_id, "message_id": record.message_id, "receive_count": receives,
                "error_type": type(exc).__name__}
        if receives >= MAX_RECEIVE_COUNT:
            logger.error("event parked as a dead letter", extra=keys)
            store.park(event, error_summary(exc), receives)
            return
        delay = backoff_seconds(receives, exc)
        logger.warning("event failed; SQS will redeliver", extra={**keys, "retry_in_s": delay})
        if visibility is not None:
            visibility(record, delay)
        raise


@dataclass
class ReplayReport:
    replayed: int = 0
    failed: int = 0  # includes the undecodable ones
    undecodable: int = 0  # can never replay: an operator reads the raw body and deletes the letter
    letter_ids: list[str] = field(default_factory=list)


def replay_dead_letters(pipeline: Pipeline, store: Store, limit: int = 100) -> ReplayReport:
    """Drive parked events through the pipeline again; a letter is deleted only once it succeeds."""
    report = ReplayReport()
    for letter in store.list_dead_letters(limit=limit):
        if letter.event.get("undecodable_body"):
            report.failed += 1
            report.undecodable += 1
            continue
        event = message_from_dict(letter.event)  # a console command (undo, keep...) parks like an event
        try:
            handle_message(event, pipeline)
        except Exception as exc:
            logger.warning("replay failed; letter kept",
                           extra={"item_id": event.item_id, "letter_id": letter.letter_id,
                                  "error_type": type(exc).__name__})
            report.failed += 1
            continue
        store.delete_dead_letter(letter.letter_id)
        report.replayed += 1
        report.letter_ids.append(letter.letter_id)
    return report


def redrive_sqs_dead_letters(sqs: Any, dead_letter_queue_url: str, queue_url: str, limit: int = 100) -> int:
    """Move messages from SQS's dead-letter queue back onto the events queue, so the worker handles them
    again. These are events whose worker crashed or timed out (the worker parks ordinary failures in the
    store itself). A message is deleted from the dead-letter queue only after it was sent. Returns the count."""
    moved = 0
    while moved < limit:
        batch = sqs.receive_message(QueueUrl=dead_letter_queue_url, MaxNumberOfMessages=min(10, limit - moved),
                                    WaitTimeSeconds=0).get("Messages", [])
        if not batch:
            break
        for message in batch:
            sqs.send_message(QueueUrl=queue_url, MessageBody=message["Body"])
            sqs.delete_message(QueueUrl=dead_letter_queue_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved


def backoff_seconds(receives: int, exc: BaseException | None = None) -> int:
    """Exponential backoff by receive count, stretched to Meta's Retry-After / regain-access hint."""
    delay = backoff_delay(receives, BASE_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS)
    hinted = retry_after(exc) if exc is not None else None
    if hinted:
        delay = max(delay, min(MAX_BACKOFF_SECONDS, int(hinted + 0.999)))
    return int(delay)


def visibility_setter(queue_url: str, sqs_client: Any) -> VisibilitySetter:
    """Delay one message's redelivery (ChangeMessageVisibility); best effort, the flat timeout is the fallback."""

    def set_visibility(record: SQSRecord, seconds: int) -> None:
        try:
            sqs_client.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=record.receipt_handle, VisibilityTimeout=int(seconds)
            )
        except Exception as exc:  # botocore errors: keep the queue's own visibility timeout
            logger.warning("could not delay redelivery", extra={"message_id": record.message_id,
                                                                 "error_type": type(exc).__name__})

    return set_visibility


def _receive_count(record: SQSRecord) -> int:
    try:
        return int(record.attributes.approximate_receive_count)
    except (TypeError, ValueError):
        return 1
