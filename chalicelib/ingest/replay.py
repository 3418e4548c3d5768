"""The replay window at intake: a signed webhook whose items are older than the window is not acted on.

Meta's signature covers the body but carries no timestamp, so a captured delivery stays valid forever;
once the idempotency and version records of its items have expired (AUDIT_RETENTION_DAYS), replaying it
would act again. Meta itself retries a delivery for at most 36 hours, so an item older than the window
(REPLAY_WINDOW_DAYS, default 3) is skipped and logged by id; `scan --since` is the way to moderate old
comments on purpose. An item without a time (0) is kept: nothing says it is old.
"""

from __future__ import annotations

from dataclasses import replace

from aws_lambda_powertools import Logger

from chalicelib.ingest.webhook import ParseResult
from chalicelib.models import WebhookEvent

logger = Logger(service="pageguard", child=True)


def is_stale(event: WebhookEvent, now: float, window_seconds: float) -> bool:
    return 0 < event.created_time < now - window_seconds


def drop_stale(parsed: ParseResult, *, now: float, window_seconds: float) -> ParseResult:
    """`parsed` without the items created before the window; each one counted as skipped and logged by id."""
    stale = [e for e in parsed.all_events if is_stale(e, now, window_seconds)]
    if not stale:
        return parsed
    for event in stale:
        logger.warning("webhook item older than the replay window skipped",
                       extra={"item_id": event.item_id, "account_id": event.account_id,
                              "created_time": event.created_time, "window_days": window_seconds / 86400})
    return replace(
        parsed,
        events=tuple(e for e in parsed.events if e not in stale),
        own_content=tuple(e for e in parsed.own_content if e not in stale),
        skipped=parsed.skipped + len(stale),
    )
