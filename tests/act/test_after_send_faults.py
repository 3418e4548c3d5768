"""Nothing that fails after a send undoes the send's record: one send per step, on both stores.

Each case injects one failure at one point after a send (remembering our reply's id, storing the step's
result, saving the audit record), lets the queue redeliver, also after the step's lease has run out,
and counts what the fake Graph server and the notifier received. The stores are real (SQLite, and
DynamoDB on moto's server mode); only the failing call is replaced by one that raises.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import StoreError
from chalicelib.state.idempotency import SAVE_ATTEMPTS
from tests.aws_fixtures import aws_client
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import CRISIS_TEXT, SENSITIVE_TEXT, dm, fb_comment, hides, make_kit, messages, replies

LEASE_SECONDS = 1


@pytest.fixture(autouse=True)
def quick_save_retries(monkeypatch: Any) -> None:
    monkeypatch.setattr("chalicelib.state.idempotency.SAVE_RETRY_SECONDS", 0.01)


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: Any, tmp_path: Path) -> Any:
    if request.param == "sqlite":
        from chalicelib.state.sqlite_store import SqliteStore

        yield SqliteStore(tmp_path / "store.sqlite3")
        return
    import boto3

    from chalicelib.state.dynamo_store import DynamoStore

    endpoint = request.getfixturevalue("moto_server")
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
    table = DynamoStore.create_table(resource, f"pageguard-{uuid.uuid4().hex[:8]}")
    yield DynamoStore(table, client=aws_client("dynamodb", endpoint))
    table.delete()


def _backend_error(store: Any) -> BaseException:
    """What the store's own backend raises when it is unavailable."""
    if type(store).__name__ == "SqliteStore":
        return sqlite3.OperationalError("database is locked")
    return ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                       "UpdateItem")


def _fail_calls(owner: Any, name: str, calls: set[int], error: Callable[[], BaseException]) -> None:
    """Make the listed calls (1-based) of `owner.name` raise `error()`; every other call goes through."""
    original = getattr(owner, name)
    count = 0

    def failing(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if count in calls:
            raise error()
        return original(*args, **kwargs)

    setattr(owner, name, failing)


def _deliver_until_done(kit: Any, event: Any) -> None:
    """The queue's redelivery: at once, then after the step lease has run out (a lapsed in-progress record
    would let the step run again), then once more."""
    for attempt in range(3):
        try:
            kit.pipeline.handle(event)
        except Exception:  # retryable: StoreError, or "already in progress" while the lease holds
            pass
        if attempt == 0:
            time.sleep(LEASE_SECONDS + 0.1)
    kit.pipeline.handle(event)  # and it finishes


def _assert_crisis_comment_acted_once(fake_graph: FakeGraph, kit: Any, event: Any) -> None:
    assert len(hides(fake_graph, event.item_id)) == 1
    assert len(replies(fake_graph, event.item_id)) == 1
    assert len(messages(fake_graph)) == 1  # the private reply
    assert [a.kind for a in kit.notifier.sent] == ["detection"]
    record = kit.store.get_audit(event.item_id)
    assert record.status == "done"
    assert {a.step: a.status for a in record.actions} == {
        "hide": "done", "public_reply": "done", "private_reply": "done", "alert": "done"}


def _assert_dm_acted_once(fake_graph: FakeGraph, kit: Any, event: Any) -> None:
    assert len(messages(fake_graph)) == 1
    assert [a.kind for a in kit.notifier.sent] == ["detection"]
    assert kit.store.get_audit(event.item_id).status == "done"


# Crisis comment steps, in order: hide, public_reply, private_reply, alert. Its ids come back from the
# public reply (1st remember_ours) and the private reply (2nd).
@pytest.mark.parametrize("nth", [1, 2], ids=["after public reply", "after private reply"])
def test_remembering_our_reply_fails_after_a_comment_send(fake_graph: FakeGraph, tmp_path: Path, store: Any,
                                                          nth: int) -> None:
    kit = make_kit(fake_graph, tmp_path, store=store, lease_seconds=LEASE_SECONDS)
    event = fb_comment(CRISIS_TEXT)
    _fail_calls(store, "remember_ours", {nth}, lambda: StoreError("DynamoDB ProvisionedThroughputExceeded"))
    with pytest.raises(StoreError):
        kit.pipeline.handle(event)
    _deliver_until_done(kit, event)
    _assert_crisis_comment_acted_once(fake_graph, kit, event)
    # and the id is remembered in the end, so the reply's own webhook never loops
    reply_id = kit.store.get_audit(event.item_id).actions[1].result_id
    assert reply_id and kit.store.is_ours(reply_id)


@pytest.mark.parametrize("persistent", [False, True], ids=["once", "through every retry"])
@pytest.mark.parametrize("nth", [1, 2, 3, 4], ids=["after hide", "after public reply", "after private reply",
                                                   "after alert"])
def test_storing_a_comment_step_result_fails_after_its_send(fake_graph: FakeGraph, tmp_path: Path, store: Any,
                                                            nth: int, persistent: bool) -> None:
    kit = make_kit(fake_graph, tmp_path, store=store, lease_seconds=LEASE_SECONDS)
    event = fb_comment(CRISIS_TEXT)
    calls = set(range(nth, nth + SAVE_ATTEMPTS + 1)) if persistent else {nth}
    _fail_calls(store.persistence_layer(), "_update_record", calls, lambda: _backend_error(store))
    if persistent:
        with pytest.raises(StoreError):
            kit.pipeline.handle(event)
    _deliver_until_done(kit, event)
    _assert_crisis_comment_acted_once(fake_graph, kit, event)


@pytest.mark.parametrize("point", ["remember_ours", "save_success", "save_success through every retry",
                                   "save_audit"])
def test_a_failure_after_a_dm_reply_sends_it_once(fake_graph: FakeGraph, tmp_path: Path, store: Any,
                                                  point: str) -> None:
    kit = make_kit(fake_graph, tmp_path, store=store, lease_seconds=LEASE_SECONDS)
    event = dm(SENSITIVE_TEXT)
    if point == "remember_ours":
        _fail_calls(store, "remember_ours", {1}, lambda: StoreError("store down"))
    elif point == "save_audit":
        _fail_calls(store, "save_audit", {1}, lambda: StoreError("store down"))
    else:
        calls = set(range(1, SAVE_ATTEMPTS + 2)) if "every" in point else {1}
        _fail_calls(store.persistence_layer(), "_update_record", calls, lambda: _backend_error(store))
    _deliver_until_done(kit, event)
    _assert_dm_acted_once(fake_graph, kit, event)


def test_saving_the_audit_record_fails_after_every_send(fake_graph: FakeGraph, tmp_path: Path, store: Any) -> None:
    kit = make_kit(fake_graph, tmp_path, store=store, lease_seconds=LEASE_SECONDS)
    event = fb_comment(CRISIS_TEXT)
    _fail_calls(store, "save_audit", {1}, lambda: StoreError("store down"))
    with pytest.raises(StoreError):
        kit.pipeline.handle(event)
    _deliver_until_done(kit, event)
    _assert_crisis_comment_acted_once(fake_graph, kit, event)
