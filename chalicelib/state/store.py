"""The `Store` protocol: everything the pipeline, worker, sweeps and CLI remember, and what both backends share.

Two implementations: `SqliteStore` (local stage, sqlite_store.py) and `DynamoStore` (AWS, dynamo_store.py).
Nothing a store holds carries comment or message text, except dead letters, which must keep the event
to replay it (like an SQS message) and expire after DEAD_LETTER_RETENTION_SECONDS.
"""

from __future__ import annotations

import uuid
from typing import Any, Mapping, Protocol

from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from chalicelib.config import DEFAULT_AUDIT_RETENTION_DAYS
from chalicelib.state.records import DAY, AuditRecord, DeadLetter, DeletionReceipt

DEFAULT_RETENTION_DAYS = int(DEFAULT_AUDIT_RETENTION_DAYS)
DM_REPLY_WINDOW_SECONDS = DAY
# Meta's status page for a data-deletion request must stay reachable; a year covers any follow-up question.
DELETION_RECEIPT_RETENTION_SECONDS = 365 * DAY
# SQS keeps a message at most 14 days; a parked event (which holds the text) lives no longer.
DEAD_LETTER_RETENTION_SECONDS = 14 * DAY


class Store(Protocol):
    """Everything the pipeline, worker, reconciliation and CLI need to remember."""

    retention_seconds: int

    def persistence_layer(self) -> BasePersistenceLayer:
        """The Powertools idempotency persistence layer over this store's backend."""
        ...

    # audit
    def save_audit(self, record: AuditRecord) -> None: ...
    def get_audit(self, item_id: str) -> AuditRecord | None: ...
    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        """Most recently updated first."""
        ...

    # DM contact reply: at most once per sender per window
    def claim_dm_reply(
        self, account_id: str, sender_id: str, now: float, window: float = DM_REPLY_WINDOW_SECONDS, owner: str = ""
    ) -> bool:
        """Atomically take the sender's reply slot. True when free, expired, or already held by `owner`."""
        ...

    def release_dm_reply(self, account_id: str, sender_id: str, owner: str) -> None:
        """Give the slot back after a reply that certainly did not go out, so the sender's next message
        is answered. Only `owner`'s claim is released: a slot another message holds stays taken."""
        ...

    def claim_once(self, key: str, now: float, window: float) -> bool:
        """Atomically mark `key` used for `window` seconds: True only for the first caller (single-use
        sign-in links)."""
        ...

    def release_once(self, key: str) -> None:
        """Unmark `key` (a send that certainly did not go out may be attempted again as a first attempt)."""
        ...

    # the professional's settings for a page, chosen in the console (no secrets: the token lives elsewhere)
    def get_page_prefs(self, page_id: str) -> dict[str, Any] | None: ...
    def save_page_prefs(self, page_id: str, prefs: Mapping[str, Any]) -> None: ...

    # a page's last token check (ids, times, an error class: no token)
    def get_page_health(self, page_id: str) -> dict[str, Any] | None: ...
    def save_page_health(self, page_id: str, health: Mapping[str, Any]) -> None: ...

    # ids of our own replies and messages, so their webhooks never loop
    def remember_ours(self, object_id: str, now: float) -> None: ...
    def is_ours(self, object_id: str) -> bool: ...

    # alert recipients that bounced for good or complained (SES feedback): no more email to them
    def mark_recipient(self, address: str, kind: str, now: float) -> None:
        """Remember that `address` bounced (kind "bounce") or complained ("complaint")."""
        ...
    def recipient_mark(self, address: str) -> str:
        """"bounce", "complaint", or "" when the address may be emailed."""
        ...
    def clear_recipient(self, address: str) -> None:
        """Forget a mark (the operator fixed the address or the professional asked for alerts again)."""
        ...

    # ordering
    def record_version(self, item_id: str, created_time: float, verb: str, now: float) -> bool:
        """Record this version of an item; False when a newer version was already recorded."""
        ...

    # dead letters
    def park(self, event: Any, reason: str, attempts: int, now: float | None = None) -> str:
        """Park an event (WebhookEvent or its dict) that kept failing. Returns the letter id."""
        ...
    def list_dead_letters(self, limit: int = 100, now: float | None = None) -> list[DeadLetter]:
        """Oldest first; letters past their `expires_at` are left out even before the backend deletes them."""
        ...
    def delete_dead_letter(self, letter_id: str) -> None: ...

    # data deletion (Meta's callback)
    def forget_sender(self, sender_id: str) -> dict[str, int]:
        """Delete the audit records, DM reply slots and dead letters carrying this sender id. Returns counts
        under audit_records, dm_reply_slots, dead_letters."""
        ...
    def save_deletion_receipt(self, receipt: DeletionReceipt) -> None: ...
    def get_deletion_receipt(self, code: str) -> DeletionReceipt | None: ...


def event_dict(event: Any) -> dict[str, Any]:
    return event.to_dict() if hasattr(event, "to_dict") else dict(event)


def capped_reason(reason: str) -> str:
    # Reasons are error class names and codes; cap them so nothing long (or textual) is stored.
    return reason[:300]


def new_letter_id(event: Mapping[str, Any], now: float) -> str:
    # Sortable by time, unique per parking.
    return f"{now:017.6f}-{event.get('item_id', '')}-{uuid.uuid4().hex[:8]}"


def recipient_key(address: str) -> str:
    """One spelling per mailbox: addresses compare case-insensitively, surrounding blanks ignored."""
    return address.strip().lower()
