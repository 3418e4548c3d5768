"""Reconciliation sweep: list recent comments through the Graph API and moderate any no webhook brought us.

Meta drops webhook deliveries that keep failing for 36 hours and never replays them (REFERENCE.md §4),
so every RECONCILE_EVERY_MINUTES (config.py; app.py's schedule) each page's recent posts and Instagram media are listed
and unseen comments go through the same pipeline (sweep.py). Already-settled items are skipped by their
audit record; the pipeline's step idempotency makes a race with a late webhook harmless.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from aws_lambda_powertools import Logger

from chalicelib.act.graph import GraphClient
from chalicelib.act.pipeline import Pipeline
from chalicelib.config import PageLookup, PageSettings
from chalicelib.ingest import sweep
from chalicelib.state.store import Store

logger = Logger(service="pageguard", child=True)

# Look back further than the schedule (RECONCILE_EVERY_MINUTES) so a missed or slow run leaves no gap.
DEFAULT_SINCE_SECONDS = 2 * 60 * 60


@dataclass
class ReconcileReport:
    pages: int = 0
    listed: int = 0
    already_seen: int = 0
    handled: int = 0
    errors: list[str] = field(default_factory=list)  # "page_id: ErrorClass" / "item_id: ErrorClass"
    # Per page: "" when its comments were listed, else the listing's error class (the console's health panel)
    swept: dict[str, str] = field(default_factory=dict)


def reconcile(
    pipeline: Pipeline,
    pages: PageLookup,
    graph_for_page: Callable[[PageSettings], GraphClient],
    store: Store,
    since_seconds: float = DEFAULT_SINCE_SECONDS,
    clock: Callable[[], float] = time.time,
) -> ReconcileReport:
    """Moderate every comment created in the last `since_seconds` that PageGuard has not settled."""
    report = ReconcileReport()
    for listed in sweep.list_comments(pages, graph_for_page, clock() - since_seconds):
        report.pages += 1
        report.swept[listed.page.page_id] = listed.error_type
        if listed.error:
            report.errors.append(listed.error)
            continue
        report.listed += len(listed.events)
        for event in listed.events:
            outcome = sweep.drive(pipeline, store, event, report.errors)
            report.already_seen += outcome is sweep.Outcome.SETTLED
            report.handled += outcome is sweep.Outcome.HANDLED
    logger.info("reconcile finished", extra={"pages": report.pages, "listed": report.listed,
                                             "already_seen": report.already_seen, "handled": report.handled,
                                             "errors": len(report.errors)})
    return report


def run_scheduled(pipeline: Pipeline, store: Store) -> ReconcileReport:
    """The scheduled sweep (app.py) over the pipeline's pages, each through its own Graph client."""
    return reconcile(pipeline, pipeline.pages, pipeline.graph_for, store)
