"""Reversing a hide (a false positive): unhide a comment PageGuard hid and delete PageGuard's own public reply.

Only a comment whose `hide` step PageGuard really did (status done) can be unhidden: a direct message, a
comment never hidden, or one hidden only in a dry run is refused with `UnhideError`. Both steps are
recorded in the item's audit record. A dry run changes nothing and records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aws_lambda_powertools import Logger

from chalicelib.act.pipeline import UNHIDE_STEP, Pipeline
from chalicelib.errors import GraphError, PageGuardError
from chalicelib.models import ActionKind, Surface, WebhookEvent
from chalicelib.state.records import ActionRecord, AuditRecord, StepStatus

logger = Logger(service="pageguard", child=True)

DELETE_REPLY_STEP = "delete_reply"


class UnhideError(PageGuardError):
    """This item cannot be unhidden (unknown, a DM, never hidden by PageGuard, already unhidden)."""


@dataclass(frozen=True)
class UnhideResult:
    item_id: str
    platform: str
    dry_run: bool
    reply_id: str = ""  # PageGuard's public reply under the comment ("" when it made none)
    reply_error: str = ""  # why deleting that reply failed (an error class and code), "" when it did not


def unhide(pipeline: Pipeline, item_id: str, *, dry_run: bool = False) -> UnhideResult:
    """Delete PageGuard's public reply under `item_id`, then unhide it; each step is recorded as it happens.
    Raises UnhideError, or GraphError when the unhide itself fails (a reply deletion stays recorded)."""
    record = pipeline.store.get_audit(item_id)
    if record is None:
        raise UnhideError(f"no audit record for {item_id}")
    if record.surface not in (Surface.COMMENT, Surface.POST):
        raise UnhideError(f"{item_id} is a {record.surface}: only comments and visitor posts can be hidden or unhidden")
    if _status(record, UNHIDE_STEP) == StepStatus.DONE and _at(record, UNHIDE_STEP) >= _at(record, ActionKind.HIDE):
        raise UnhideError(f"{item_id} was already unhidden")  # (an edit hidden again after it can be unhidden)
    if _status(record, ActionKind.HIDE) != StepStatus.DONE:
        raise UnhideError(f"{item_id} was never hidden by PageGuard; nothing to unhide")
    page = pipeline.pages.for_account(record.account_id)
    if page is None:
        raise UnhideError(f"no configured page for account {record.account_id}")
    # Our reply goes first: it points the person to private contact, which an unhidden comment no longer
    # needs. A retry after a failed unhide finds it deleted (recorded) and only unhides.
    reply_id = _reply_id(record)
    if _status(record, DELETE_REPLY_STEP) == StepStatus.DONE and _result_id(record, DELETE_REPLY_STEP) == reply_id:
        reply_id = ""
    dry_run = dry_run or pipeline.dry_run_for(page)
    if dry_run:
        return UnhideResult(item_id, record.platform, dry_run=True, reply_id=reply_id)

    graph = pipeline.graph_for(page)
    comment = _comment_from(record)
    reply_error = ""
    if reply_id:
        try:
            graph.delete_comment(page, replace(comment, item_id=reply_id, parent_id=comment.item_id))
        except GraphError as exc:
            reply_error = f"{type(exc).__name__} (code {exc.code})"
            step = ActionRecord(DELETE_REPLY_STEP, StepStatus.FAILED, pipeline.clock(), detail=reply_error,
                                result_id=reply_id)
        else:
            step = ActionRecord(DELETE_REPLY_STEP, StepStatus.DONE, pipeline.clock(), result_id=reply_id)
        record = _with(record, step, step.at, "")
        pipeline.store.save_audit(record)
        logger.info("our reply deleted" if not reply_error else "our reply not deleted",
                    extra={"item_id": item_id, "reply_id": reply_id, "error": reply_error})

    graph.hide_comment(page, comment, hidden=False)
    now = pipeline.clock()
    pipeline.store.save_audit(_with(record, ActionRecord(UNHIDE_STEP, StepStatus.DONE, now), now,
                                    "unhidden by the professional"))
    logger.info("comment unhidden", extra={"item_id": item_id, "account_id": record.account_id})
    return UnhideResult(item_id, record.platform, dry_run=False, reply_id=reply_id, reply_error=reply_error)


def _status(record: AuditRecord, step: str) -> str:
    return next((a.status for a in record.actions if a.step == step), "")


def _at(record: AuditRecord, step: str) -> float:
    return next((a.at for a in record.actions if a.step == step), 0.0)


def _result_id(record: AuditRecord, step: str) -> str:
    return next((a.result_id for a in record.actions if a.step == step), "")


def _reply_id(record: AuditRecord) -> str:
    return next((a.result_id for a in record.actions
                 if a.step == ActionKind.PUBLIC_REPLY and a.status == StepStatus.DONE), "")


def _with(record: AuditRecord, action: ActionRecord, now: float, note: str) -> AuditRecord:
    record = record.with_action(action)
    if note:
        record = replace(record, note=(record.note + "; " + note).lstrip("; "))
    return replace(record, updated_at=now)


def _comment_from(record: AuditRecord) -> WebhookEvent:
    """Enough of the comment to address Graph calls: ids only, no text."""
    return WebhookEvent.from_dict({
        "platform": record.platform, "surface": record.surface, "account_id": record.account_id,
        "item_id": record.item_id, "sender_id": record.sender_id, "text": "", "created_time": record.created_time,
        "verb": record.verb or "add", "post_id": record.post_id, "parent_id": record.parent_id,
    })
