"""The hand-off queues: SQS through moto's server mode, and the local SQLite queue with its worker thread."""

from __future__ import annotations

import threading
import time

import pytest

from chalicelib.models import Platform, Surface, WebhookEvent
from chalicelib.ingest.queue import QueueError, SqliteEventQueue, SqsEventQueue, decode
from tests.aws_fixtures import aws_client


def _event(i: int, text: str = "hello") -> WebhookEvent:
    return WebhookEvent(
        platform=Platform.FACEBOOK, surface=Surface.COMMENT, account_id="p1", item_id=f"c{i}",
        sender_id="u1", text=text, created_time=1761408121.0 + i, post_id="p1_1", parent_id="p1_1")


def test_sqs_queue_sends_every_event_in_batches_of_ten(moto_server: str) -> None:
    sqs = aws_client("sqs", moto_server)
    url = sqs.create_queue(QueueName="pageguard-test-events")["QueueUrl"]
    events = [_event(i, text="é" * 5000) for i in range(25)]
    SqsEventQueue(sqs, url).send_all(events)
    received = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            break
        received += [decode(m["Body"]) for m in batch]
    assert sorted(e.item_id for e in received) == sorted(e.item_id for e in events)
    assert received[0].text == "é" * 5000


def test_sqs_queue_failure_raises_queue_error(moto_server: str) -> None:
    sqs = aws_client("sqs", moto_server)
    with pytest.raises(QueueError):
        SqsEventQueue(sqs, f"{moto_server}/123456789012/does-not-exist").send_all([_event(1)])


class Handler:
    """Records events; fails the first `failures` calls per item to exercise redelivery."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls: dict[str, int] = {}
        self.done: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, event: WebhookEvent) -> None:
        with self.lock:
            self.calls[event.item_id] = self.calls.get(event.item_id, 0) + 1
            if self.calls[event.item_id] <= self.failures:
                raise RuntimeError("transient")
            self.done.append(event.item_id)


def test_local_queue_handles_events_in_the_background(tmp_path) -> None:
    handler = Handler()
    queue = SqliteEventQueue(str(tmp_path / "q.sqlite3"), handler)
    queue.send_all([_event(i) for i in range(5)])
    assert queue.drain(timeout=10)
    assert handler.done == [f"c{i}" for i in range(5)]
    queue.stop()


def test_local_queue_retries_with_backoff_then_succeeds(tmp_path) -> None:
    handler = Handler(failures=2)
    queue = SqliteEventQueue(str(tmp_path / "q.sqlite3"), handler, base_delay=0.01)
    queue.send_all([_event(1)])
    assert queue.drain(timeout=10)
    assert handler.calls == {"c1": 3} and handler.done == ["c1"]
    queue.stop()


def test_local_queue_dead_letters_after_max_attempts(tmp_path) -> None:
    parked: list[tuple[str, str, int]] = []
    handler = Handler(failures=99)
    queue = SqliteEventQueue(str(tmp_path / "q.sqlite3"), handler, base_delay=0.01, max_attempts=3,
                             on_dead_letter=lambda e, reason, n: parked.append((e.item_id, reason, n)))
    queue.send_all([_event(1)])
    assert queue.drain(timeout=10)
    assert handler.calls == {"c1": 3}
    assert parked == [("c1", "RuntimeError", 3)]  # the error class, never its message
    queue.stop()


def test_a_local_queue_that_cannot_be_opened_says_so_as_a_queue_error(tmp_path) -> None:
    (tmp_path / "q.sqlite3").mkdir()  # a directory where the database file should be
    with pytest.raises(QueueError, match="cannot open the local queue"):
        SqliteEventQueue(str(tmp_path / "q.sqlite3"), Handler())


def test_each_thread_gets_its_own_queue_connection(tmp_path) -> None:
    queue = SqliteEventQueue(str(tmp_path / "q.sqlite3"), Handler(), worker_thread=False)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(queue._connect())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 2 and queue._connect() is queue._connect()
    assert queue._connect().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_local_queue_survives_a_restart(tmp_path) -> None:
    path = str(tmp_path / "q.sqlite3")
    blocked = threading.Event()
    first = SqliteEventQueue(path, lambda e: blocked.wait(0.2) or (_ for _ in ()).throw(RuntimeError("down")),
                             base_delay=60)
    first.send_all([_event(1)])
    time.sleep(0.5)
    first.stop()
    assert first.pending() == 1  # still there, waiting for its retry
    handler = Handler()
    second = SqliteEventQueue(path, handler, base_delay=0.01)
    with second._connect() as db:  # make the parked retry due now
        db.execute("UPDATE event_queue SET available_at = 0")
    second.start()
    assert second.drain(timeout=10)
    assert handler.done == ["c1"]
    second.stop()


@pytest.mark.parametrize("text", ["lone surrogate \ud83d here", "non-characters \uffff\ufffe", "emoji 💗 ñ"])
def test_any_text_meta_sends_survives_both_queues(text: str, moto_server: str, tmp_path) -> None:
    # SQS refuses some characters and a lone surrogate cannot be UTF-8 encoded: one such comment must
    # never block the batch it came in.
    sqs = aws_client("sqs", moto_server)
    url = sqs.create_queue(QueueName=f"pageguard-chars-{abs(hash(text))}")["QueueUrl"]
    SqsEventQueue(sqs, url).send_all([_event(1, text=text)])
    (message,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    assert decode(message["Body"]).text == text

    handler = Handler()
    local = SqliteEventQueue(str(tmp_path / "q.sqlite3"), handler)
    local.send_all([_event(2, text=text)])
    assert local.drain(timeout=10) and handler.done == ["c2"]
    local.stop()
