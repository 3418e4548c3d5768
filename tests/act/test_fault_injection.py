"""Fault injection: duplicates, Graph 5xx/429, a worker dying mid-item, SES failures, expired tokens.

Each scenario runs the real pipeline against the fake Graph server (real HTTP) and, for email, SES on
moto's server mode; retries go through the lead's local SqliteEventQueue, the same redelivery loop
`chalice local` uses.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

from chalicelib.errors import NotifierError
from chalicelib.act.graph import HttpGraphClient
from chalicelib.act.notifier import SesNotifier
from chalicelib.ingest.queue import SqliteEventQueue
from chalicelib.ingest.worker import replay_dead_letters
from tests.aws_fixtures import TEST_SENDER, TEST_SENDER_ADDRESS, aws_client, sent_raw_messages, unreachable_client
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import (
    CRISIS_TEXT,
    PAGE,
    SENSITIVE_TEXT,
    dm,
    fb_comment,
    hides,
    ig_comment,
    make_kit,
    messages,
    replies,
)


def _queue(kit: Any, tmp_path: Path, handler: Any = None, **kw: Any) -> SqliteEventQueue:
    kw.setdefault("base_delay", 0.05)
    kw.setdefault("max_delay", 0.5)
    return SqliteEventQueue(str(tmp_path / "queue.sqlite3"), handler or kit.pipeline.handle,
                            on_dead_letter=kit.store.park, **kw)


def _deliver(kit: Any, tmp_path: Path, *events: Any, timeout: float = 20) -> None:
    """Send the events through the local queue and wait until every retry has run."""
    queue = _queue(kit, tmp_path)
    try:
        queue.send_all(list(events))
        assert queue.drain(timeout=timeout)
    finally:
        queue.stop()


def test_three_duplicate_deliveries_give_one_hide_one_reply_one_email(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    queue = _queue(kit, tmp_path)
    try:
        queue.send_all([event, event, event])
        assert queue.drain(timeout=20)
    finally:
        queue.stop()
    assert len(hides(fake_graph, event.item_id)) == 1
    assert len(replies(fake_graph, event.item_id)) == 1
    assert len(kit.notifier.sent) == 1


def test_concurrent_duplicates_act_once(fake_graph: FakeGraph, tmp_path: Path) -> None:
    # Three workers get the same event at the same moment (SQS may hand a duplicate to another Lambda).
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    fake_graph.delay("POST", f"/{event.item_id}", 0.3)  # keep the first hide in flight

    def worker() -> None:
        for _ in range(50):  # what the queue does: retry "already in progress" later
            try:
                kit.pipeline.handle(event)
                return
            except IdempotencyAlreadyInProgressError:
                time.sleep(0.05)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(hides(fake_graph, event.item_id)) == 1
    assert len(replies(fake_graph, event.item_id)) == 1
    assert len(kit.notifier.sent) == 1


def test_graph_500_twice_then_success_gives_exactly_one_hide(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    fake_graph.fail("POST", f"/{event.item_id}", status=500, times=2)
    _deliver(kit, tmp_path, event)
    attempts = hides(fake_graph, event.item_id)
    assert len(attempts) == 3  # two failures, one success
    assert len(replies(fake_graph, event.item_id)) == 1
    assert len(kit.notifier.sent) == 1
    assert [(a.step, a.status) for a in kit.store.get_audit(event.item_id).actions][0] == ("hide", "done")


@pytest.mark.parametrize("status, code", [(429, None), (400, 4), (400, 32)])
def test_rate_limits_are_retried_with_backoff(fake_graph: FakeGraph, tmp_path: Path, status: int, code: int | None) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    fake_graph.fail("POST", f"/{event.item_id}/comments", status=status, code=code, times=3)
    attempts: list[float] = []

    def handle(e: Any) -> Any:
        attempts.append(time.monotonic())
        return kit.pipeline.handle(e)

    queue = _queue(kit, tmp_path, handle, base_delay=0.1, max_delay=2.0)
    try:
        queue.send_all([event])
        assert queue.drain(timeout=20)
    finally:
        queue.stop()
    gaps = [b - a for a, b in zip(attempts, attempts[1:])]
    assert len(attempts) == 4
    assert gaps[0] >= 0.1 and gaps[1] >= 0.2 and gaps[2] >= 0.4  # exponential backoff
    assert len(hides(fake_graph, event.item_id)) == 1  # the hide before the reply is not repeated
    assert len(replies(fake_graph, event.item_id)) == 4  # three refused, one accepted
    assert len(kit.notifier.sent) == 1


class WorkerDied(BaseException):
    """Stands for the process dying (Lambda timeout, OOM): not an Exception, so nothing cleans up."""


class DyingGraph(HttpGraphClient):
    """The real HTTP client, except the worker dies once just before the public reply goes out."""

    die_before_reply = True

    def reply_to_comment(self, page: Any, event: Any, text: str) -> str:
        if self.die_before_reply:
            self.die_before_reply = False
            raise WorkerDied()
        return super().reply_to_comment(page, event, text)


class DyingAfterSendGraph(HttpGraphClient):
    """The real HTTP client, except the worker dies once just after Meta took its reply or message, before
    PageGuard could store that it was sent (the one window a step's idempotency record cannot cover)."""

    dying = True

    def _die_after(self, sent: str) -> str:
        if self.dying:
            self.dying = False
            raise WorkerDied()
        return sent

    def reply_to_comment(self, page: Any, event: Any, text: str) -> str:
        return self._die_after(super().reply_to_comment(page, event, text))

    def send_message(self, page: Any, event: Any, text: str) -> str:
        return self._die_after(super().send_message(page, event, text))


def _die_once_then_wait_out_the_lease(kit: Any, graph: HttpGraphClient, event: Any) -> None:
    """The worker dies in the middle of `event` (as `graph` makes it), and its lease (1 s) runs out."""
    kit.pipeline._graph = graph
    with pytest.raises(WorkerDied):
        kit.pipeline.handle(event)
    time.sleep(1.1)


@pytest.mark.parametrize("make_event, edge", [(fb_comment, "comments"), (ig_comment, "replies")])
def test_a_worker_that_dies_just_after_its_reply_reached_meta_does_not_reply_twice(
        fake_graph: FakeGraph, tmp_path: Path, make_event: Any, edge: str) -> None:
    kit = make_kit(fake_graph, tmp_path, lease_seconds=1)
    event = make_event(SENSITIVE_TEXT)
    _die_once_then_wait_out_the_lease(kit, DyingAfterSendGraph(fake_graph.url), event)
    assert len(replies(fake_graph, event.item_id)) == 1
    # WHEN the event is redelivered after the dead worker's lease
    kit.pipeline.handle(event)
    # THEN PageGuard found its reply on Meta instead of posting it again, and finished the item
    assert len(replies(fake_graph, event.item_id)) == 1
    assert len(fake_graph.requests_for("GET", f"/{event.item_id}/{edge}")) == 1
    record = kit.store.get_audit(event.item_id)
    reply = next(a for a in record.actions if a.step == "public_reply")
    assert (reply.status, reply.detail) == ("done", "found_after_interruption") and reply.result_id
    assert record.status == "done" and len(kit.notifier.sent) == 1
    # AND our found reply's own webhook is still recognised as ours
    assert kit.store.is_ours(reply.result_id)


def test_a_lookup_that_meta_refuses_is_recorded_like_a_refused_send(fake_graph: FakeGraph, tmp_path: Path) -> None:
    # The comment was deleted while the worker was down: Meta refuses the lookup (code 100), as it would the reply.
    kit = make_kit(fake_graph, tmp_path, lease_seconds=1)
    event = fb_comment(SENSITIVE_TEXT)
    _die_once_then_wait_out_the_lease(kit, DyingAfterSendGraph(fake_graph.url), event)
    fake_graph.fail("GET", f"/{event.item_id}/comments", status=400, code=100)
    kit.pipeline.handle(event)
    assert len(replies(fake_graph, event.item_id)) == 1
    record = kit.store.get_audit(event.item_id)
    assert [(a.step, a.status) for a in record.actions if a.step == "public_reply"][-1] == ("public_reply", "failed")
    assert [a.kind for a in kit.notifier.sent].count("action_failed") == 1


def test_a_worker_that_dies_before_its_reply_reached_meta_replies_once_on_retry(
        fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path, lease_seconds=1)
    event = fb_comment(SENSITIVE_TEXT)
    _die_once_then_wait_out_the_lease(kit, DyingGraph(fake_graph.url), event)  # dies before the reply's POST
    kit.pipeline.handle(event)
    # It looked on Meta first, found nothing, and sent the reply once.
    assert len(fake_graph.requests_for("GET", f"/{event.item_id}/comments")) == 1
    assert len(replies(fake_graph, event.item_id)) == 1
    assert kit.store.get_audit(event.item_id).status == "done"


def test_a_reply_that_timed_out_after_meta_took_it_is_not_posted_again(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)  # the client times out after 2 s
    event = fb_comment(SENSITIVE_TEXT)
    fake_graph.delay("POST", f"/{event.item_id}/comments", 3)  # Meta takes the reply, answers too late
    _deliver(kit, tmp_path, event, timeout=30)
    assert len(replies(fake_graph, event.item_id)) == 1
    record = kit.store.get_audit(event.item_id)
    assert record.status == "done"
    assert [(a.step, a.status, a.detail) for a in record.actions if a.step == "public_reply"][-1] == (
        "public_reply", "done", "found_after_interruption")


def test_a_message_interrupted_mid_send_is_not_resent_and_the_professional_is_told(
        fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path, lease_seconds=1)
    event = dm(SENSITIVE_TEXT)
    _die_once_then_wait_out_the_lease(kit, DyingAfterSendGraph(fake_graph.url), event)
    kit.pipeline.handle(event)
    kit.pipeline.handle(event)  # redelivered once more: still no second message
    # A message cannot be looked up on Meta: it is not sent again, and the alert says so.
    assert len(messages(fake_graph)) == 1
    record = kit.store.get_audit(event.item_id)
    assert [(a.step, a.status, a.detail) for a in record.actions][0] == ("send_message", "unknown", "maybe_sent:interrupted")
    failed = [a for a in kit.notifier.sent if a.kind == "action_failed"]
    assert len(failed) == 1 and "interrupted while sending" in " ".join(failed[0].actions_taken)


def test_a_message_refused_with_a_5xx_is_sent_on_redelivery(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = dm(SENSITIVE_TEXT)
    fake_graph.fail("POST", r"/\d+/messages", status=503, code=2)
    _deliver(kit, tmp_path, event)
    # Meta refused the first attempt, so the redelivery is a first attempt again (not "maybe sent").
    assert len(messages(fake_graph)) == 2
    assert [(a.step, a.status) for a in kit.store.get_audit(event.item_id).actions][0] == ("send_message", "done")


def test_crash_after_hide_before_reply_sends_only_the_reply_on_retry(fake_graph: FakeGraph, tmp_path: Path) -> None:
    # GIVEN a worker that dies after the hide, inside the reply step
    kit = make_kit(fake_graph, tmp_path, lease_seconds=1)
    kit.pipeline._graph = DyingGraph(fake_graph.url)
    event = fb_comment(SENSITIVE_TEXT)
    with pytest.raises(WorkerDied):
        kit.pipeline.handle(event)
    assert len(hides(fake_graph, event.item_id)) == 1 and replies(fake_graph, event.item_id) == []
    # WHEN SQS redelivers before the dead worker's lock expired THEN nothing runs twice (retry later)
    with pytest.raises(IdempotencyAlreadyInProgressError):
        kit.pipeline.handle(event)
    # WHEN it redelivers after the lock expired
    time.sleep(1.1)
    kit.pipeline.handle(event)
    # THEN only the reply (and the alert) went out
    assert len(hides(fake_graph, event.item_id)) == 1
    assert len(replies(fake_graph, event.item_id)) == 1
    assert len(kit.notifier.sent) == 1


def test_ses_outage_is_retried_and_actions_are_not_repeated(fake_graph: FakeGraph, tmp_path: Path,
                                                            moto_server: str) -> None:
    ses = aws_client("sesv2", moto_server)
    ses.create_email_identity(EmailIdentity=TEST_SENDER_ADDRESS)
    kit = make_kit(fake_graph, tmp_path, notifier=SesNotifier(unreachable_client("sesv2"), TEST_SENDER))
    event = fb_comment(SENSITIVE_TEXT)
    before = len(sent_raw_messages(moto_server))
    # GIVEN SES cannot be reached (transient)
    with pytest.raises(NotifierError):
        kit.pipeline.handle(event)
    assert kit.store.get_audit(event.item_id).actions[-1].status == "retrying"
    # WHEN SES is back and the event is redelivered
    kit.pipeline._notifier = SesNotifier(ses, TEST_SENDER)
    kit.pipeline.handle(event)
    # THEN the email goes out once and Graph actions are not repeated
    assert len(sent_raw_messages(moto_server)) == before + 1
    assert len(hides(fake_graph, event.item_id)) == 1 and len(replies(fake_graph, event.item_id)) == 1
    assert kit.store.get_audit(event.item_id).status == "done"


def test_email_that_keeps_failing_is_parked_then_replayed(fake_graph: FakeGraph, tmp_path: Path,
                                                          moto_server: str) -> None:
    ses = aws_client("sesv2", moto_server)
    ses.create_email_identity(EmailIdentity=TEST_SENDER_ADDRESS)
    kit = make_kit(fake_graph, tmp_path, notifier=SesNotifier(unreachable_client("sesv2"), TEST_SENDER))
    event = fb_comment(SENSITIVE_TEXT)
    queue = _queue(kit, tmp_path, max_attempts=3)
    try:
        queue.send_all([event])
        assert queue.drain(timeout=30)
    finally:
        queue.stop()
    [letter] = kit.store.list_dead_letters()
    assert "NotifierError" in letter.reason and letter.attempts == 3
    before = len(sent_raw_messages(moto_server))
    kit.pipeline._notifier = SesNotifier(ses, TEST_SENDER)
    report = replay_dead_letters(kit.pipeline, kit.store)
    assert report.replayed == 1 and kit.store.list_dead_letters() == []
    assert len(sent_raw_messages(moto_server)) == before + 1
    assert len(hides(fake_graph, event.item_id)) == 1


def test_permanent_ses_refusal_is_recorded_not_retried_or_parked(fake_graph: FakeGraph, tmp_path: Path,
                                                                 moto_server: str, caplog: Any) -> None:
    # GIVEN SES in the sandbox refusing the sender (MessageRejected: no retry can fix it)
    ses = aws_client("sesv2", moto_server)
    kit = make_kit(fake_graph, tmp_path, notifier=SesNotifier(ses, "PageGuard <unverified@pageguard.test>"))
    event = fb_comment(SENSITIVE_TEXT)
    queue = _queue(kit, tmp_path, max_attempts=3)
    try:
        queue.send_all([event])
        assert queue.drain(timeout=20)
    finally:
        queue.stop()
    # THEN the alert step is recorded failed with SES's code, the item is settled, and nothing is parked
    record = kit.store.get_audit(event.item_id)
    steps = {a.step: (a.status, a.detail) for a in record.actions}
    assert steps["alert"] == ("failed", "email_refused:MessageRejected")
    assert steps["hide"][0] == "done" and steps["public_reply"][0] == "done"
    assert record.status == "failed" and record.settled
    assert kit.store.list_dead_letters() == []  # no copy of the event (with its text) is kept
    # AND the log line the EmailRefused alarm counts was written, once
    assert [r.getMessage() for r in caplog.records].count("alert email refused for good") == 1
    # AND a redelivery does not try again
    kit.pipeline.handle(event)
    assert [r.getMessage() for r in caplog.records].count("alert email refused for good") == 1


def test_expired_token_alerts_once_and_records_failure_without_retrying(fake_graph: FakeGraph, tmp_path: Path) -> None:
    # GIVEN the page's token has expired
    kit = make_kit(fake_graph, tmp_path)
    first, second = fb_comment(SENSITIVE_TEXT), fb_comment(SENSITIVE_TEXT)
    fake_graph.fail("POST", r"/post1_c\d+", status=401, code=190, times=10)

    # WHEN two sensitive comments arrive
    kit.pipeline.handle(first)  # no exception: nothing for the queue to retry
    kit.pipeline.handle(second)

    # THEN each is recorded as failed (hide refused, reply skipped), one hide attempt each, no retry loop
    record = kit.store.get_audit(first.item_id)
    assert record.status == "token_expired" and not record.settled
    assert [(a.step, a.status) for a in record.actions if a.step in ("hide", "public_reply")] == [
        ("hide", "failed"), ("public_reply", "skipped")]
    assert len(fake_graph.requests_for("POST", f"/{first.item_id}")) == 1
    kinds = [a.kind for a in kit.notifier.sent]
    assert kinds.count("reconnect") == 1  # once per page per day, not per item
    assert kinds.count("detection") == 2  # the professional still hears about each sensitive comment
    kit.clock.now += 24 * 3600
    kit.pipeline.handle(fb_comment(SENSITIVE_TEXT))
    assert [a.kind for a in kit.notifier.sent].count("reconnect") == 2

    # WHEN the page is reconnected and reconcile or scan drives the item again
    fake_graph.reset()
    kit.pipeline.handle(first)

    # THEN it is hidden and answered once, and the professional is not alerted a second time
    assert len(hides(fake_graph, first.item_id)) == 1 and len(replies(fake_graph, first.item_id)) == 1
    assert kit.store.get_audit(first.item_id).status == "done"
    assert [a.kind for a in kit.notifier.sent].count("detection") == 3


def test_comment_edited_into_a_crisis_gets_the_crisis_reply_and_an_urgent_alert(
        fake_graph: FakeGraph, tmp_path: Path) -> None:
    # GIVEN a sensitive comment that was hidden, answered and alerted
    kit = make_kit(fake_graph, tmp_path)
    first = fb_comment(SENSITIVE_TEXT)
    kit.pipeline.handle(first)
    assert len(replies(fake_graph, first.item_id)) == 1

    # WHEN it is edited into a crisis
    edited = fb_comment(CRISIS_TEXT, item_id=first.item_id, verb="edited", created_time=first.created_time + 60)
    kit.pipeline.handle(edited)

    # THEN the edit is hidden again (a no-op for a hidden comment, but an unhidden one must not stay visible),
    # and the crisis reply, the private reply and an urgent alert go out
    assert len(hides(fake_graph, first.item_id)) == 2
    assert [r.form.get("message") for r in replies(fake_graph, first.item_id)] == [
        PAGE.contact_reply, PAGE.crisis_reply]
    assert len(messages(fake_graph)) == 1  # the private reply with the crisis resources
    alerts = [a for a in kit.notifier.sent if a.kind == "detection"]
    assert [a.urgent for a in alerts] == [False, True]


def test_ambiguous_send_is_not_resent_and_is_alerted(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = dm(SENSITIVE_TEXT)
    fake_graph.fail("POST", r"/\d+/messages", status=500, code=1, subcode=1357046)
    kit.pipeline.handle(event)
    kit.pipeline.handle(event)  # redelivered
    assert len(messages(fake_graph)) == 1
    record = kit.store.get_audit(event.item_id)
    assert [(a.step, a.status) for a in record.actions][0] == ("send_message", "unknown")
    assert [a.kind for a in kit.notifier.sent].count("action_failed") == 1


def test_permanent_error_is_recorded_and_alerted_not_retried(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    fake_graph.fail("POST", f"/{event.item_id}", status=403, code=10)
    kit.pipeline.handle(event)
    kit.pipeline.handle(event)
    assert len(fake_graph.requests_for("POST", f"/{event.item_id}")) == 1
    assert len(replies(fake_graph, event.item_id)) == 1  # the reply still goes out
    failed = [a for a in kit.notifier.sent if a.kind == "action_failed"]
    assert len(failed) == 1 and "could not hide" in failed[0].actions_taken[0]
    assert kit.store.get_audit(event.item_id).status == "failed"


@pytest.fixture
def dynamo_store(moto_server: str) -> Any:
    import uuid

    import boto3

    from chalicelib.state.dynamo_store import DynamoStore

    resource = boto3.resource("dynamodb", endpoint_url=moto_server, region_name="us-east-1")
    table = DynamoStore.create_table(resource, f"pageguard-{uuid.uuid4().hex[:8]}")
    yield DynamoStore(table, client=aws_client("dynamodb", moto_server))
    table.delete()


def test_aws_path_duplicates_and_crash_act_once(fake_graph: FakeGraph, tmp_path: Path, dynamo_store: Any,
                                                moto_server: str) -> None:
    # The AWS path: DynamoDB (moto server) for idempotency and audit, SES (moto server) for email.
    ses = aws_client("sesv2", moto_server)
    ses.create_email_identity(EmailIdentity=TEST_SENDER_ADDRESS)
    kit = make_kit(fake_graph, tmp_path, store=dynamo_store, notifier=SesNotifier(ses, TEST_SENDER), lease_seconds=1)
    kit.pipeline._graph = DyingGraph(fake_graph.url)
    event = fb_comment(SENSITIVE_TEXT)
    before = len(sent_raw_messages(moto_server))
    with pytest.raises(WorkerDied):
        kit.pipeline.handle(event)
    time.sleep(1.1)
    for _ in range(3):
        kit.pipeline.handle(event)
    assert len(hides(fake_graph, event.item_id)) == 1
    assert len(replies(fake_graph, event.item_id)) == 1
    assert len(sent_raw_messages(moto_server)) == before + 1
    record = dynamo_store.get_audit(event.item_id)
    assert record.status == "done" and [a.step for a in record.actions] == ["hide", "public_reply", "alert"]
