"""Hand-off from the webhook to the worker: SQS on AWS, a SQLite-backed queue with a background worker locally."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

from aws_lambda_powertools import Logger

from chalicelib.errors import PageGuardError, error_summary
from chalicelib.logs import logger as root_logger
from chalicelib.models import WebhookEvent
from chalicelib.state.sqlite_conn import ThreadConnections

logger = Logger(service="pageguard", child=True)

SQS_BATCH_MAX = 10  # SendMessageBatch takes at most 10 entries
SQS_BATCH_BYTES = 250_000  # under SQS's 256 KiB total per batch, leaving room for attributes

# The local worker's log lines name the function as app.py names the worker Lambda, and carry the item id
# as correlation_id (on AWS the Lambda context sets function_name and the request id instead).
WORKER_NAME = "worker"

EventHandler = Callable[[WebhookEvent], Any]
DeadLetterHandler = Callable[[WebhookEvent, str, int], None]


class QueueError(PageGuardError):
    """Events could not be enqueued; the webhook answers 500 so Meta delivers again."""


class EventQueue(Protocol):
    def send_all(self, events: Sequence[WebhookEvent]) -> None: ...


def encode(event: WebhookEvent) -> str:
    # ASCII-only JSON: a lone surrogate or U+FFFF in a comment would otherwise fail to encode, or be
    # refused by SQS, and one bad character would block the whole batch Meta keeps redelivering.
    return json.dumps(event.to_dict(), separators=(",", ":"), ensure_ascii=True)


def decode(body: str) -> WebhookEvent:
    """The event (or console command) in one queue message. Raises ValueError, KeyError or TypeError for a
    body that is neither."""
    return message_from_dict(json.loads(body))


def message_from_dict(data: Any) -> WebhookEvent:
    """An event or a console command from its dict (a queue message's JSON, or a dead letter's)."""
    if isinstance(data, dict) and "console_command" in data:
        # Imported here: the webhook Lambda, which only encodes, never loads the console's modules.
        from chalicelib.console.commands import ConsoleCommand

        return ConsoleCommand.from_dict(data)  # type: ignore[return-value]
    return WebhookEvent.from_dict(data)


def handle_message(message: Any, pipeline: Any) -> Any:
    """One queue message in the worker: a webhook event goes to the pipeline, a console command (the
    professional's undo, keep or fresh-link request) to the console's command runner."""
    from chalicelib.console.commands import ConsoleCommand, run_command

    if isinstance(message, ConsoleCommand):
        return run_command(message, pipeline)
    return pipeline.handle(message)


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff before the next try of a failing event: base, 2x base, 4x base... up to cap."""
    return min(cap, base * 2 ** max(0, attempt - 1))


class SqsEventQueue:
    """Sends each event as one SQS message; the worker Lambda consumes the queue."""

    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._url = queue_url

    def send_all(self, events: Sequence[WebhookEvent]) -> None:
        for batch in _batches([encode(e) for e in events]):
            entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(batch)]
            try:
                response = self._sqs.send_message_batch(QueueUrl=self._url, Entries=entries)
            except Exception as exc:  # botocore errors: let Meta redeliver rather than lose events
                raise QueueError(f"SQS send failed: {type(exc).__name__}") from exc
            failed = response.get("Failed") or []
            if failed:
                raise QueueError(f"SQS refused {len(failed)} of {len(entries)} messages")


def _batches(bodies: list[str]) -> list[list[str]]:
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for body in bodies:
        length = len(body.encode("utf-8"))
        if current and (len(current) == SQS_BATCH_MAX or size + length > SQS_BATCH_BYTES):
            batches.append(current)
            current, size = [], 0
        current.append(body)
        size += length
    if current:
        batches.append(current)
    return batches


class SqliteEventQueue:
    """Local stand-in for SQS + worker Lambda: events persist in SQLite and a worker handles them after
    the HTTP response has gone, retrying with backoff like SQS redelivery and handing events that keep
    failing to `on_dead_letter` (the local dead-letter queue).

    The worker is either a thread of this process (`worker_thread=True`: plain `chalice local`, tests)
    or one or more separate processes calling `serve()` (`make run`), so that detection never competes
    with the webhook for the GIL. Several workers may share one file: a row is claimed atomically and
    stays invisible for `visibility_timeout` seconds, as an SQS message does while a worker holds it;
    a worker that dies mid-item leaves the row to reappear, and the pipeline's idempotent steps make
    the second attempt act only where the first did not. A row received `max_attempts` times without
    being settled (its worker kept dying) is dead-lettered instead of crashing workers forever."""

    def __init__(
        self,
        path: str,
        handler: EventHandler,
        *,
        on_dead_letter: DeadLetterHandler | None = None,
        max_attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        visibility_timeout: float = 30.0,
        worker_thread: bool = True,
    ) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._handler = handler
        self._on_dead_letter = on_dead_letter
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._visibility_timeout = visibility_timeout
        self._worker_thread = worker_thread
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._busy = False
        self._connections = ThreadConnections(path, "the local queue", error=QueueError)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS event_queue ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                " available_at REAL NOT NULL, last_error TEXT NOT NULL DEFAULT '')"
            )

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection (web server threads and the worker each get one, reused)."""
        return self._connections.get()

    def send_all(self, events: Sequence[WebhookEvent]) -> None:
        if not events:
            return
        now = time.time()
        try:
            with self._connect() as db:
                db.executemany(
                    "INSERT INTO event_queue (body, available_at) VALUES (?, ?)",
                    [(encode(e), now) for e in events],
                )
        except sqlite3.Error as exc:
            raise QueueError("local queue write failed") from exc
        if self._worker_thread:
            self.start()
            self._wake.set()

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="pageguard-worker", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def serve(self, poll_interval: float = 0.05) -> None:
        """Handle events in this thread until `stop()` (a worker process's main loop). Another process
        cannot wake this one, so an idle worker looks for new rows every `poll_interval` seconds: one
        indexed SELECT, which keeps an idle worker near zero CPU."""
        self._stop.clear()
        self._run(poll_interval)

    def pending(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM event_queue").fetchone()[0])

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every queued event has been handled or dead-lettered (tests and scripts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pending() == 0 and not self._busy:
                return True
            self._wake.set()
            time.sleep(0.02)
        return False

    def _run(self, poll_interval: float = 1.0) -> None:
        while not self._stop.is_set():
            try:
                row = self._claim()
            except (sqlite3.Error, QueueError):
                logger.exception("local queue read failed")
                self._stop.wait(1.0)
                continue
            if row is None:
                self._wake.wait(timeout=min(poll_interval, self._seconds_until_next()))
                self._wake.clear()
                continue
            try:
                self._process(*row)
            except Exception:  # never let the worker die: the row reappears after its visibility timeout
                logger.exception("local worker error", extra={"queue_row": row[0]})
                self._busy = False
                self._stop.wait(1.0)

    def _claim(self) -> tuple[int, str, int] | None:
        """Take the oldest visible row and hide it from other workers; count the receive, as SQS does."""
        now = time.time()
        with self._connect() as db:
            found = db.execute(
                "UPDATE event_queue SET available_at = ?, attempts = attempts + 1"
                " WHERE id = (SELECT id FROM event_queue WHERE available_at <= ? ORDER BY id LIMIT 1)"
                " RETURNING id, body, attempts",
                (now + self._visibility_timeout, now),
            ).fetchone()
        if found is not None:
            self._busy = True
        return found

    def _seconds_until_next(self) -> float:
        with self._connect() as db:
            nxt = db.execute("SELECT MIN(available_at) FROM event_queue").fetchone()[0]
        return 1.0 if nxt is None else max(0.01, min(1.0, nxt - time.time()))

    def _process(self, row_id: int, body: str, attempts: int) -> None:
        try:
            event = decode(body)
        except (ValueError, KeyError, TypeError):
            logger.error("undecodable queue row dropped", extra={"queue_row": row_id})
            self._delete(row_id)
            self._busy = False
            return
        # This thread's log lines belong to the event, not to whichever request last set the context.
        root_logger.thread_safe_append_keys(function_request_id=None, function_name=WORKER_NAME, correlation_id=event.item_id)
        try:
            if attempts > self._max_attempts:
                # Received this often without being settled: its worker died each time (crash, kill).
                self._dead_letter(event, row_id, attempts, "WorkerDied: not settled after repeated receives",
                                  "WorkerDied")
                return
            self._handler(event)
        except Exception as exc:  # the handler's retryable errors: back off, then dead-letter
            if attempts >= self._max_attempts:
                self._dead_letter(event, row_id, attempts, error_summary(exc), type(exc).__name__)
            else:
                delay = backoff_delay(attempts, self._base_delay, self._max_delay)
                logger.warning(
                    "event will be retried",
                    extra={"item_id": event.item_id, "attempts": attempts, "error_type": type(exc).__name__,
                           "retry_in_s": delay},
                )
                with self._connect() as db:
                    db.execute(
                        "UPDATE event_queue SET available_at = ?, last_error = ? WHERE id = ?",
                        (time.time() + delay, type(exc).__name__, row_id),
                    )
        else:
            self._delete(row_id)
        finally:
            self._busy = False

    def _dead_letter(self, event: WebhookEvent, row_id: int, attempts: int, reason: str, error_type: str) -> None:
        logger.error("event dead-lettered", extra={"item_id": event.item_id, "attempts": attempts, "error_type": error_type})
        if self._on_dead_letter is not None:
            self._on_dead_letter(event, reason, attempts)
        self._delete(row_id)

    def _delete(self, row_id: int) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM event_queue WHERE id = ?", (row_id,))
