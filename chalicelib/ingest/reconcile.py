"""Reconciliation sweep: list recent comments through the Graph API and moderate any no webhook brought us.

Meta drops webhook deliveries that keep failing for 36 hours and never replays them (REFERENCE.md §4),
so every 15 minutes (`@app.schedule` in app.py calls `run_scheduled`) each page's recent posts and
Instagram media are listed and unseen comments go through the same pipeline. Already-seen items are
skipped by their audit record; the pipeline's step idempotency makes a race with a late webhook harmless.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from aws_lambda_powertools import Logger

from chalicelib.config import PagesConfig, PageSettings
from chalicelib.errors import GraphError, GraphRetryableError

logger = Logger(service="pageguard", child=True)

SCHEDULE_MINUTES = 15
# Look back further than the schedule so a missed or slow run leaves no gap.
DEFAULT_SINCE_SECONDS = 2 * 60 * 60


@dataclass
class ReconcileReport:
    pages: int = 0
    listed: int = 0
    already_seen: int = 0
    handled: int = 0
    errors: list[str] = field(default_factory=list)  # "page_id: ErrorClass" / "item_id: ErrorClass"


def reconcile(
    pipeline: Any,
    pages: PagesConfig,
    graph_for_page: Callable[[PageSettings], Any],
    store: Any,
    since_seconds: float = DEFAULT_SINCE_SECONDS,
    clock: Callable[[], float] = time.time,
) -> ReconcileReport:
    """Moderate every comment created in the last `since_seconds` that PageGuard has not seen."""
    report = ReconcileReport()
    since = clock() - since_seconds
    for page in pages.pages:
        report.pages += 1
        try:
            comments = graph_for_page(page).list_recent_comments(page, since)
        except GraphError as exc:
            # A token problem shows up here first; the next webhook's pipeline run alerts the professional.
            logger.warning("reconcile: listing failed", extra={"page_id": page.page_id, "error_type": type(exc).__name__})
            report.errors.append(f"{page.page_id}: {type(exc).__name__}")
            continue
        report.listed += len(comments)
        for event in comments:
            if _settled(store, event.item_id) or store.is_ours(event.item_id):
                report.already_seen += 1
                continue
            try:
                pipeline.handle(event)
            except Exception as exc:  # keep sweeping; the item stays unseen-or-retrying and the next run retries it
                logger.warning(
                    "reconcile: item failed",
                    extra={"item_id": event.item_id, "page_id": page.page_id, "error_type": type(exc).__name__,
                           "retryable": isinstance(exc, GraphRetryableError)},
                )
                report.errors.append(f"{event.item_id}: {type(exc).__name__}")
                continue
            report.handled += 1
    logger.info("reconcile finished", extra={"pages": report.pages, "listed": report.listed,
                                             "already_seen": report.already_seen, "handled": report.handled,
                                             "errors": len(report.errors)})
    return report


def _settled(store: Any, item_id: str) -> bool:
    """Seen and finished (AuditRecord.settled). Anything else is driven again: steps already done are not
    repeated (step idempotency), so this only completes what is missing."""
    record = store.get_audit(item_id)
    return record is not None and record.settled


def run_scheduled() -> ReconcileReport:
    """Entry point for the 15-minute schedule (app.py)."""
    from chalicelib.wiring import deps

    d = deps()
    pipeline = d.pipeline
    return reconcile(pipeline, d.pages, pipeline.graph_for, d.store)
