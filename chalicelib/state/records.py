"""What PageGuard keeps about an item, without its text: audit records, step and item statuses, dead letters."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Mapping

DAY = 24 * 60 * 60


class StepStatus(enum.StrEnum):
    """The result of one step (an action, an alert, an unhide) as stored in idempotency and audit records."""

    DONE = "done"
    FAILED = "failed"
    UNKNOWN = "unknown"  # Meta's answer was unclear: the message may have been sent; never resent
    SKIPPED = "skipped"
    RETRYING = "retrying"
    DRY_RUN = "dry_run"


class ItemStatus(enum.StrEnum):
    """Where one item stands. The unsettled ones are driven again by reconcile and scan."""

    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"
    TOKEN_EXPIRED = "token_expired"
    UNKNOWN_ACCOUNT = "unknown_account"
    NOT_CHECKED = "not_checked"  # nothing to read: an image-only comment, an edited DM whose text Meta would not give


UNSETTLED_STATUSES = frozenset({ItemStatus.IN_PROGRESS, ItemStatus.TOKEN_EXPIRED, ItemStatus.UNKNOWN_ACCOUNT})

# Ordering of comment verbs for the same created_time: an edit is newer than the add, a removal newest.
_VERB_RANK = {"add": 0, "message": 0, "edited": 1, "edit": 1, "remove": 2}


def version_of(created_time: float, verb: str) -> int:
    """A sortable number for one version of an item: milliseconds, then the verb's rank."""
    return int(round(created_time * 1000)) * 10 + _VERB_RANK.get(verb, 1)


@dataclass(frozen=True)
class ActionRecord:
    """One step taken (or attempted) on an item. `detail` is an error class or code, never text."""

    step: str  # an ActionKind value, or alert and unhide bookkeeping (reconnect_alert, unhide, delete_reply)
    status: str  # a StepStatus value
    at: float
    detail: str = ""
    result_id: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ActionRecord":
        return cls(
            step=str(data["step"]),
            status=str(data["status"]),
            at=float(data["at"]),
            detail=str(data.get("detail", "")),
            result_id=str(data.get("result_id", "")),
        )



@dataclass(frozen=True)
class AuditRecord:
    """What PageGuard decided and did about one item: ids, labels, entity types and actions. No text."""

    item_id: str
    account_id: str
    platform: str
    surface: str
    page_id: str = ""
    verb: str = ""
    post_id: str = ""
    parent_id: str = ""
    sender_id: str = ""
    created_time: float = 0.0
    label: str = ""
    entity_types: tuple[str, ...] = ()
    note: str = ""
    language: str = ""  # detected language; one PageGuard cannot judge means the label is "not checked"
    status: str = ItemStatus.IN_PROGRESS  # an ItemStatus value
    actions: tuple[ActionRecord, ...] = ()
    first_seen_at: float = 0.0
    updated_at: float = 0.0

    @property
    def settled(self) -> bool:
        """Finished for good: reconcile and scan leave it alone. An unsettled item (still in progress, its
        page's token expired, or its page not configured yet) is driven again when it is listed; steps
        already done do not repeat."""
        return self.status not in UNSETTLED_STATUSES

    def with_action(self, action: ActionRecord) -> "AuditRecord":
        """Replace the latest record of the same step (a retry overwrites 'retrying'), or append."""
        kept = tuple(a for a in self.actions if a.step != action.step)
        return replace(self, actions=kept + (action,))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["entity_types"] = list(self.entity_types)
        data["actions"] = [asdict(a) for a in self.actions]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AuditRecord":
        values = dict(data)
        values["entity_types"] = tuple(values.get("entity_types", ()))
        values["actions"] = tuple(ActionRecord.from_dict(a) for a in values.get("actions", ()))
        values["created_time"] = float(values.get("created_time", 0.0))
        values["first_seen_at"] = float(values.get("first_seen_at", 0.0))
        values["updated_at"] = float(values.get("updated_at", 0.0))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class DeadLetter:
    """An event that kept failing, parked with the reason (an error class, never text)."""

    letter_id: str
    event: dict[str, Any] = field(repr=False)  # WebhookEvent.to_dict(): holds the text, so repr hides it
    reason: str = ""
    attempts: int = 0
    parked_at: float = 0.0



@dataclass(frozen=True)
class DeletionReceipt:
    """What a data-deletion request removed, under its confirmation code: counts and times, never the user id."""

    code: str
    requested_at: float
    completed_at: float
    audit_records: int = 0
    dm_reply_slots: int = 0
    dead_letters: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "DeletionReceipt":
        return cls(code=str(data["code"]), requested_at=float(data["requested_at"]),
                   completed_at=float(data["completed_at"]), audit_records=int(data.get("audit_records", 0)),
                   dm_reply_slots=int(data.get("dm_reply_slots", 0)), dead_letters=int(data.get("dead_letters", 0)))
