"""The comment sweep reconcile and scan share: list each page's recent comments, then drive each one that is
not settled and not PageGuard's own through the pipeline, collecting errors instead of stopping."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Iterator

from aws_lambda_powertools import Logger

from chalicelib.act.graph import GraphClient
from chalicelib.act.pipeline import Pipeline
from chalicelib.config import PageLookup, PageSettings
from chalicelib.errors import GraphError, GraphRetryableError
from chalicelib.models import WebhookEvent
from chalicelib.state.store import Store

logger = Logger(service="pageguard", child=True)


@dataclass(frozen=True)
class PageComments:
    """One page's comments since the sweep's start, or why they could not be listed (`error_type`)."""

    page: PageSettings
    events: tuple[WebhookEvent, ...] = ()
    error_type: str = ""  # the listing's error class; "" when the comments were listed

    @property
    def error(self) -> str:
        """"page_id: ErrorClass" for a failed listing (the reports' error lines), else ""."""
        return f"{self.page.page_id}: {self.error_type}" if self.error_type else ""


class Outcome(enum.StrEnum):
    HANDLED = "applied"
    SETTLED = "already handled"  # finished earlier, or PageGuard's own reply
    FAILED = "failed"


def list_comments(
    pages: PageLookup, graph_for_page: Callable[[PageSettings], GraphClient], since: float
) -> Iterator[PageComments]:
    """Each page's comments created at or after `since`; a page whose listing fails yields its error and
    the sweep goes on (a token problem shows up here first; the next webhook's run alerts the professional)."""
    for page in pages.pages:
        try:
            events = graph_for_page(page).list_recent_comments(page, since)
        except GraphError as exc:
            logger.warning("sweep: listing failed", extra={"page_id": page.page_id, "error_type": type(exc).__name__})
            yield PageComments(page, error_type=type(exc).__name__)
            continue
        yield PageComments(page, tuple(events))


def is_settled(store: Store, item_id: str) -> bool:
    """Seen and finished (AuditRecord.settled), or one of our own replies. Anything else is driven again:
    steps already done do not repeat (step idempotency), so this only completes what is missing."""
    record = store.get_audit(item_id)
    return (record is not None and record.settled) or store.is_ours(item_id)


def drive(pipeline: Pipeline, store: Store, event: WebhookEvent, errors: list[str]) -> Outcome:
    """Moderate one listed comment unless it is settled. A failure is logged and added to `errors`
    ("item_id: ErrorClass"); the item stays unsettled, so the next sweep retries it."""
    if is_settled(store, event.item_id):
        return Outcome.SETTLED
    try:
        pipeline.handle(event)
    except Exception as exc:  # keep sweeping: one item must not stop the others
        logger.warning(
            "sweep: item failed",
            extra={"item_id": event.item_id, "account_id": event.account_id, "error_type": type(exc).__name__,
                   "retryable": isinstance(exc, GraphRetryableError)},
        )
        errors.append(f"{event.item_id}: {type(exc).__name__}")
        return Outcome.FAILED
    return Outcome.HANDLED
