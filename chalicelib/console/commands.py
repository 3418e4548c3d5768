"""What the console asks the worker to do. The web function never holds a page token, so every change the
professional makes (undo a hide, keep it hidden, send a fresh sign-in link) travels through the queue as
a `ConsoleCommand` and runs here, in the worker, with the pipeline's Graph client and store."""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, replace
from typing import Any, Mapping

from aws_lambda_powertools import Logger

from chalicelib.act.alerts import sign_in_alert
from chalicelib.act.pipeline import Pipeline
from chalicelib.act.unhide import UnhideError, unhide
from chalicelib.config import PageSettings
from chalicelib.errors import GraphPermanentError, GraphTokenExpiredError
from chalicelib.state.records import ActionRecord, StepStatus

logger = Logger(service="pageguard", child=True)

KEPT_HIDDEN_STEP = "kept_hidden"
UNDO_REFUSED_STEP = "undo_refused"
MESSAGE_KEY = "console_command"  # marks a queue message as a command rather than a webhook event


class CommandKind(enum.StrEnum):
    UNDO = "undo"  # "This was fine": delete our reply, unhide the comment
    KEEP_HIDDEN = "keep_hidden"  # the professional confirms the hide
    FRESH_LINK = "fresh_link"  # email a new sign-in link to the page's own recipients
    CHECK_TOKEN = "check_token"  # ask Meta whether the page's token still works


@dataclass(frozen=True)
class ConsoleCommand:
    kind: CommandKind
    page_id: str
    item_id: str = ""
    next_path: str = "/console"
    requested_at: float = 0.0

    @property
    def item_key(self) -> str:  # logs and dead letters name it like an event
        return self.item_id or self.page_id

    def to_dict(self) -> dict[str, Any]:
        return {MESSAGE_KEY: str(self.kind), "page_id": self.page_id, "item_id": self.item_id,
                "next_path": self.next_path, "requested_at": self.requested_at}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ConsoleCommand":
        return cls(kind=CommandKind(data[MESSAGE_KEY]), page_id=str(data["page_id"]), item_id=str(data.get("item_id", "")),
                   next_path=str(data.get("next_path", "/console")), requested_at=float(data.get("requested_at", 0.0)))


def is_command(data: Mapping[str, Any]) -> bool:
    return MESSAGE_KEY in data


def run_command(command: ConsoleCommand, pipeline: Pipeline) -> None:
    """Carry out one command. Retryable Graph, store and email errors propagate (the queue redelivers);
    an undo Meta refuses for good is recorded on the item so the console shows why."""
    keys = {"command": str(command.kind), "page_id": command.page_id, "item_id": command.item_id}
    page = next((p for p in pipeline.pages.pages if p.page_id == command.page_id), None)
    if command.kind is CommandKind.CHECK_TOKEN:
        if page is not None:
            check_token(pipeline, page)
        return
    if command.kind is CommandKind.FRESH_LINK:
        if page is None:
            logger.warning("fresh sign-in link for an unknown page skipped", extra=keys)
            return
        pipeline.notifier.send(sign_in_alert(page, next_path=command.next_path, occurred_at=pipeline.clock()))
        logger.info("fresh sign-in link sent", extra=keys)
        return
    record = pipeline.store.get_audit(command.item_id)
    if record is None or record.page_id != command.page_id:
        logger.warning("console command for an item of another page skipped", extra=keys)
        return
    if command.kind is CommandKind.KEEP_HIDDEN:
        _record(pipeline, command.item_id, ActionRecord(KEPT_HIDDEN_STEP, StepStatus.DONE, pipeline.clock()))
        logger.info("hide confirmed by the professional", extra=keys)
        return
    try:
        unhide(pipeline, command.item_id)
    except UnhideError as exc:
        logger.info("undo refused", extra={**keys, "why": type(exc).__name__})
        _record(pipeline, command.item_id, ActionRecord(UNDO_REFUSED_STEP, StepStatus.SKIPPED, pipeline.clock(),
                                                        detail=str(exc)[:200]))
    except (GraphPermanentError, GraphTokenExpiredError) as exc:
        detail = f"{type(exc).__name__} (code {exc.code})"
        logger.warning("undo failed for good", extra={**keys, "error": detail})
        _record(pipeline, command.item_id, ActionRecord("unhide", StepStatus.FAILED, pipeline.clock(), detail=detail))


def check_token(pipeline: Pipeline, page: PageSettings) -> dict[str, Any]:
    """Ask Meta whether the page's token works and keep the answer (no token, only the outcome)."""
    health = token_health(pipeline, page)
    # Only the token's fields change: the sweep, digest and quiet-alert fields stay (a digest would
    # otherwise go out again after a check from the console).
    pipeline.store.save_page_health(page.page_id, {**(pipeline.store.get_page_health(page.page_id) or {}), **health})
    return health


def token_health(pipeline: Pipeline, page: PageSettings) -> dict[str, Any]:
    """Ask Meta whether the page's token works: the health fields for the answer, not saved."""
    now = pipeline.clock()
    if not page.access_token:
        health = {"token_ok": False, "checked_at": now, "detail": "no access token configured"}
    else:
        try:
            pipeline.live_graph.check_token(page)
            health = {"token_ok": True, "checked_at": now, "detail": ""}
        except GraphTokenExpiredError as exc:
            health = {"token_ok": False, "checked_at": now, "detail": f"token expired or revoked (code {exc.code})"}
        except GraphPermanentError as exc:
            health = {"token_ok": False, "checked_at": now, "detail": f"{type(exc).__name__} (code {exc.code})"}
    logger.info("token checked", extra={"page_id": page.page_id, "token_ok": health["token_ok"]})
    return health


def _record(pipeline: Pipeline, item_id: str, action: ActionRecord) -> None:
    record = pipeline.store.get_audit(item_id)
    if record is not None:
        pipeline.store.save_audit(replace(record.with_action(action), updated_at=action.at or time.time()))
