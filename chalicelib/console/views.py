"""What the console shows about decisions: rows built from audit records (ids, labels, entity types,
steps and statuses), never an item's text, its author's name or their contact details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Mapping

from chalicelib.act.alerts import FACEBOOK_INBOX, INSTAGRAM_INBOX, entity_label
from chalicelib.console.commands import KEPT_HIDDEN_STEP, UNDO_REFUSED_STEP
from chalicelib.models import ActionKind
from chalicelib.state.records import AuditRecord, StepStatus

UNHIDE_STEP, DELETE_REPLY_STEP = "unhide", "delete_reply"

STEP_LABELS = {
    ActionKind.HIDE.value: "Hid the comment",
    ActionKind.PUBLIC_REPLY.value: "Replied publicly",
    ActionKind.PRIVATE_REPLY.value: "Sent the commenter a private message",
    ActionKind.SEND_MESSAGE.value: "Replied to the message",
    ActionKind.ALERT.value: "Emailed you an alert",
    "reconnect_alert": "Emailed you to reconnect the page",
    DELETE_REPLY_STEP: "Deleted PageGuard's reply (your undo)",
    UNHIDE_STEP: "Unhid the comment (your undo)",
    KEPT_HIDDEN_STEP: "You kept it hidden",
    UNDO_REFUSED_STEP: "Undo not possible",
}
STATUS_LABELS = {
    StepStatus.DONE: "done", StepStatus.FAILED: "failed", StepStatus.UNKNOWN: "unclear (may have been sent)",
    StepStatus.SKIPPED: "skipped", StepStatus.RETRYING: "retrying", StepStatus.DRY_RUN: "not done (dry run)",
}
VERDICT_LABELS = {"crisis": "Crisis", "sensitive": "Sensitive", "ok": "Fine", "": "Not decided"}
FILTERS = {
    "verdict": ("crisis", "sensitive", "ok"),
    "platform": ("facebook", "instagram"),
    "surface": ("comment", "message"),
    "status": ("done", "in_progress", "failed", "token_expired", "unknown_account"),
}


@dataclass(frozen=True)
class StepView:
    what: str
    status: str
    status_class: str  # ok | bad | wait: the colour of the status badge


@dataclass(frozen=True)
class DecisionView:
    item_id: str
    page_id: str
    page_name: str
    when: str
    day: str
    platform: str
    surface: str
    verdict: str
    verdict_key: str
    found: tuple[str, ...]
    steps: tuple[StepView, ...]
    status: str
    meta_link: str
    meta_link_label: str
    undo: str  # available | done | requested_elsewhere | message | not_hidden | refused


def decision_view(record: AuditRecord, page_name: str) -> DecisionView:
    when = datetime.fromtimestamp(record.created_time or record.first_seen_at, tz=timezone.utc)
    return DecisionView(
        item_id=record.item_id, page_id=record.page_id, page_name=page_name,
        when=when.strftime("%Y-%m-%d %H:%M UTC"), day=when.strftime("%Y-%m-%d"),
        platform="Instagram" if record.platform == "instagram" else "Facebook",
        surface="comment" if record.surface == "comment" else "direct message",
        verdict=VERDICT_LABELS.get(record.label, record.label), verdict_key=record.label or "none",
        found=tuple(entity_label(t) for t in record.entity_types),
        steps=tuple(_step(a.step, a.status) for a in record.actions),
        status=record.status.replace("_", " "),
        meta_link=meta_link(record), meta_link_label="Open on Instagram" if record.platform == "instagram" else "Open on Facebook",
        undo=undo_state(record),
    )


def _step(step: str, status: str) -> StepView:
    what = STEP_LABELS.get(step) or STEP_LABELS.get(step.split(":")[0]) or step.replace("_", " ")
    css = "ok" if status in (StepStatus.DONE, StepStatus.SKIPPED) else "wait" if status in (
        StepStatus.RETRYING, StepStatus.DRY_RUN) else "bad"
    return StepView(what=what, status=STATUS_LABELS.get(status, status), status_class=css)


def _status(record: AuditRecord, step: str) -> str:
    return next((a.status for a in record.actions if a.step == step), "")


def undo_state(record: AuditRecord) -> str:
    """Whether the professional can undo: only a comment PageGuard really hid, once."""
    if record.surface != "comment":
        return "message"
    if _status(record, UNHIDE_STEP) == StepStatus.DONE:
        return "done"
    if _status(record, ActionKind.HIDE.value) != StepStatus.DONE:
        return "not_hidden"
    if _status(record, UNHIDE_STEP) == StepStatus.FAILED or _status(record, UNDO_REFUSED_STEP):
        return "refused"
    return "available"


def meta_link(record: AuditRecord) -> str:
    """Where the professional reads the item on Meta (the console never shows its text)."""
    if record.surface != "comment":
        return INSTAGRAM_INBOX if record.platform == "instagram" else FACEBOOK_INBOX
    if record.platform == "facebook":
        return f"https://www.facebook.com/{record.item_id}"
    return "https://www.instagram.com/"


def matches(view: DecisionView, record: AuditRecord, filters: Mapping[str, str]) -> bool:
    wanted = {k: v for k, v in filters.items() if v}
    checks = {"verdict": record.label, "platform": record.platform, "surface": record.surface, "status": record.status}
    if any(wanted.get(k) and wanted[k] != v for k, v in checks.items()):
        return False
    if wanted.get("from") and view.day < wanted["from"]:
        return False
    return not (wanted.get("to") and view.day > wanted["to"])


def clean_filters(query: Mapping[str, str] | None) -> dict[str, str]:
    """Only known filter values survive (the rest is ignored, never echoed)."""
    query = query or {}
    kept = {k: query[k] for k, allowed in FILTERS.items() if query.get(k) in allowed}
    for k in ("from", "to"):
        value = query.get(k, "")
        try:
            datetime.strptime(value, "%Y-%m-%d")
            kept[k] = value
        except ValueError:
            pass
    return kept


def decisions(records: Iterable[AuditRecord], names: Mapping[str, str], filters: Mapping[str, str]) -> list[DecisionView]:
    """Newest first, only the session's pages (names holds exactly those), filtered."""
    views = []
    for record in records:
        if record.page_id not in names:
            continue
        view = decision_view(record, names[record.page_id])
        if matches(view, record, filters):
            views.append(view)
    return sorted(views, key=lambda v: v.when, reverse=True)
