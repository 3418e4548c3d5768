"""Silent failures, told to the professional: run after each scheduled sweep, it checks each page's token
with Meta (at most every TOKEN_CHECK_EVERY_SECONDS) and emails the page's recipients once when the token
stops working, and once when a page that usually gets webhooks has had none for 72 hours. Each email
links to the console's health panel (the notifier adds the signed link)."""

from __future__ import annotations

from typing import Any, Mapping

from aws_lambda_powertools import Logger

from chalicelib.act.alerts import quiet_alert, reconnect_alert
from chalicelib.act.pipeline import Pipeline, reconnect_key
from chalicelib.console.commands import token_health
from chalicelib.console.digest import WEEK, build_digest
from chalicelib.console.health import QUIET_AFTER_SECONDS
from chalicelib.models import Platform
from chalicelib.state.records import DAY

logger = Logger(service="pageguard", child=True)

TOKEN_CHECK_EVERY_SECONDS = 6 * 60 * 60
USUAL_ITEMS_PER_MONTH = 3  # a page with fewer items in 30 days is not "usually" getting webhooks
AUDIT_SCAN_LIMIT = 1000


def watch_pages(pipeline: Pipeline, swept: Mapping[str, str] | None = None) -> list[str]:
    """Check every page; returns what was emailed ("token:<page>", "quiet:<page>"). `swept` is the sweep
    that just ran (page id -> "" when its comments were listed, else the error class), kept for the
    health panel: the sweep is the safety net under webhooks, so its silent failure must show."""
    now = pipeline.clock()
    sent: list[str] = []
    records = pipeline.store.list_audit(limit=AUDIT_SCAN_LIMIT)
    for page in pipeline.pages.pages:
        health: dict[str, Any] = pipeline.store.get_page_health(page.page_id) or {}
        if swept is not None and page.page_id in swept:
            error = swept[page.page_id]
            health = {**health, "sweep_at": now, "sweep_error": error}
            if not error:
                health["sweep_ok_at"] = now
        if now - float(health.get("checked_at", 0)) >= TOKEN_CHECK_EVERY_SECONDS and page.access_token:
            was_ok = health.get("token_ok", True)
            health = {**health, **token_health(pipeline, page)}  # saved once, below
            if was_ok and not health["token_ok"]:
                alert = reconnect_alert(page, Platform.FACEBOOK, occurred_at=now, detail=str(health["detail"]))
                if pipeline.send_once(reconnect_key(page.page_id, now), alert):
                    sent.append(f"token:{page.page_id}")
        seen = [r.first_seen_at for r in records if r.page_id == page.page_id and r.first_seen_at > now - 30 * DAY]
        quiet = bool(seen) and len(seen) >= USUAL_ITEMS_PER_MONTH and now - max(seen) > QUIET_AFTER_SECONDS
        if quiet and health.get("quiet_alerted_for") != max(seen):
            pipeline.notifier.send(quiet_alert(page, occurred_at=now))
            health = {**health, "quiet_alerted_for": max(seen)}
            sent.append(f"quiet:{page.page_id}")
        if page.weekly_digest and now - float(health.get("digest_sent_at", 0)) >= WEEK:
            pipeline.notifier.send(build_digest(page, records, now, health))  # type: ignore[arg-type]
            health = {**health, "digest_sent_at": now}
            sent.append(f"digest:{page.page_id}")
        if health:
            pipeline.store.save_page_health(page.page_id, health)
    logger.info("pages watched", extra={"pages": len(pipeline.pages.pages), "emails": sent})
    return sent

