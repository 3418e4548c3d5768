"""Step-level idempotency: each action on an item runs once, through Powertools Idempotency on both backends.

On AWS the persistence layer is Powertools' own `DynamoDBPersistenceLayer`; locally it is
`SqlitePersistenceLayer` below, which implements the same four primitives with the same conditions
(see `DynamoDBPersistenceLayer._put_record`). `StepRunner.run(key, fn)` is the only entry point the
pipeline uses, so the same Powertools code path decides "run, replay the stored result, or refuse"
everywhere.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from typing import Any, Callable

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
    IdempotencyPersistenceLayerError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS, DataRecord

from chalicelib.errors import StoreError

STEP_KEY_PREFIX = "pageguard.step"
# How long a started step stays locked before another worker may take it over. A worker that dies
# between "in progress" and "completed" leaves the lock behind; after this lease the step runs again.
DEFAULT_LEASE_SECONDS = 120
# A finished step whose result could not be stored is stored again this many times (0.2 s, 0.4 s, 0.8 s apart).
SAVE_ATTEMPTS = 3
SAVE_RETRY_SECONDS = 0.2

logger = Logger(service="pageguard", child=True)

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    in_progress_expiry INTEGER,
    data TEXT,
    validation TEXT
);
CREATE INDEX IF NOT EXISTS idempotency_expires ON idempotency(expires_at);
"""


class SqlitePersistenceLayer(BasePersistenceLayer):
    """Powertools persistence layer over a SQLite table, with DynamoDBPersistenceLayer's conditional semantics.

    `connect` returns this thread's connection (autocommit mode); `SqliteStore` owns it.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        super().__init__()
        self._connect = connect

    def _row_to_record(self, row: tuple[Any, ...]) -> DataRecord:
        key, status, expires_at, in_progress_expiry, data, validation = row
        return DataRecord(
            idempotency_key=key,
            status=status,
            expiry_timestamp=expires_at,
            in_progress_expiry_timestamp=in_progress_expiry,
            response_data=data or "",
            payload_hash=validation or "",
        )

    def _select(self, conn: sqlite3.Connection, key: str) -> tuple[Any, ...] | None:
        return conn.execute(
            "SELECT id, status, expires_at, in_progress_expiry, data, validation FROM idempotency WHERE id = ?", (key,)
        ).fetchone()

    def _get_record(self, idempotency_key: str) -> DataRecord:
        row = self._select(self._connect(), idempotency_key)
        if row is None:
            raise IdempotencyItemNotFoundError
        return self._row_to_record(row)

    def _put_record(self, data_record: DataRecord) -> None:
        now = dt.datetime.now().timestamp()
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = self._select(conn, data_record.idempotency_key)
            if row is not None:
                _, status, expires_at, in_progress_expiry, _, _ = row
                expired = expires_at < int(now)
                lease_over = (
                    status == STATUS_CONSTANTS["INPROGRESS"]
                    and in_progress_expiry is not None
                    and in_progress_expiry < int(now * 1000)
                )
                if not (expired or lease_over):
                    old = self._row_to_record(row)
                    self._validate_payload(data_payload=data_record, stored_data_record=old)
                    raise IdempotencyItemAlreadyExistsError(old_data_record=old)
            conn.execute(
                "INSERT OR REPLACE INTO idempotency (id, status, expires_at, in_progress_expiry, data, validation) "
                "VALUES (?, ?, ?, ?, NULL, ?)",
                (
                    data_record.idempotency_key,
                    data_record.status,
                    data_record.expiry_timestamp,
                    data_record.in_progress_expiry_timestamp,
                    data_record.payload_hash if self.payload_validation_enabled else None,
                ),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _update_record(self, data_record: DataRecord) -> None:
        self._connect().execute(
            "UPDATE idempotency SET data = ?, expires_at = ?, status = ? WHERE id = ?",
            (data_record.response_data, data_record.expiry_timestamp, data_record.status, data_record.idempotency_key),
        )

    def _delete_record(self, data_record: DataRecord) -> None:
        self._connect().execute("DELETE FROM idempotency WHERE id = ?", (data_record.idempotency_key,))

    def purge(self, now: float) -> int:
        """Drop records past their expiry (DynamoDB's TTL does this on AWS)."""
        return self._connect().execute("DELETE FROM idempotency WHERE expires_at < ?", (int(now),)).rowcount


class _Lease:
    """Stands in for a Lambda context so Powertools stamps every in-progress record with a lock expiry.

    Without a context Powertools writes no in-progress expiry, and a crashed worker would lock the
    step until the whole record expires (days).
    """

    def __init__(self, lease_seconds: int) -> None:
        self._millis = int(lease_seconds * 1000)

    def get_remaining_time_in_millis(self) -> int:
        return self._millis


class StepRunner:
    """Runs `fn` at most once per step key and replays its stored result afterwards.

    * `fn` returns a JSON-serialisable dict; that dict is stored and returned on every later call.
    * If `fn` raises, the record is deleted (Powertools) and the exception propagates: the step will
      run again on the next delivery. Steps that must not be retried catch their errors and return a
      result instead (the pipeline does this for permanent and ambiguous Graph errors), and nothing that
      can fail runs inside a step after its send.
    * If `fn` returned but storing its result failed, the result is stored again (SAVE_ATTEMPTS); while
      the store stays down it is kept in this process and StoreError propagates (retryable), and a
      redelivery to this process stores and returns it without running `fn` again.
    * While another call holds the step, `IdempotencyAlreadyInProgressError` propagates (retryable).
    """

    def __init__(
        self,
        persistence: BasePersistenceLayer,
        *,
        expires_after_seconds: int,
        lease_seconds: int = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self.persistence = persistence
        self._unsaved: dict[str, dict[str, Any]] = {}  # step key -> result that ran but could not be stored
        config = IdempotencyConfig(expires_after_seconds=expires_after_seconds, lambda_context=_Lease(lease_seconds))
        self._run = idempotent_function(
            data_keyword_argument="step_key",
            persistence_store=persistence,
            config=config,
            key_prefix=STEP_KEY_PREFIX,
        )(_invoke)

    def run(self, step_key: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if step_key in self._unsaved:  # this process ran the step earlier but could not store its result
            return self._save_result(step_key, self._unsaved[step_key])
        results: list[dict[str, Any]] = []

        def once() -> dict[str, Any]:
            results.append(fn())
            return results[-1]

        try:
            return self._run(step_key=step_key, fn=once)
        except IdempotencyPersistenceLayerError:
            if not results:
                raise  # the step did not run (or raised and its record could not be deleted): retry it later
            # The step ran (a message may have gone out) but "completed" was not stored. Left like this, its
            # in-progress record would lapse after the lease and a redelivery would send again: store it now.
            return self._save_result(step_key, results[0])

    def _save_result(self, step_key: str, result: dict[str, Any]) -> dict[str, Any]:
        """Store a finished step's result, retrying; if the store stays down, keep it in this process (a warm
        Lambda gets the redelivery) and raise StoreError so the queue retries."""
        for attempt in range(SAVE_ATTEMPTS):
            try:
                self.persistence.save_success(data=step_key, result=result)
            except Exception as exc:  # botocore or sqlite3 errors, whatever the backend raises
                logger.warning("step result not stored; retrying", extra={"attempt": attempt + 1,
                                                                        "error_type": type(exc).__name__})
                time.sleep(SAVE_RETRY_SECONDS * (2**attempt))
                continue
            self._unsaved.pop(step_key, None)
            return result
        self._unsaved[step_key] = result
        raise StoreError("step result could not be stored")


def _invoke(*, step_key: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return fn()
