"""The health panel: per page, what the professional needs to know is working, and what to do when not.
Built from the store (audit records, the last token check and sweep, dead letters) and the queue's backlog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from chalicelib.config import RECONCILE_EVERY_MINUTES
from chalicelib.state.records import DAY, AuditRecord, DeadLetter, ItemStatus

QUIET_AFTER_SECONDS = 3 * DAY  # a page that usually gets webhooks and has had none for 72 hours
SWEEP_LATE_AFTER_SECONDS = 4 * RECONCILE_EVERY_MINUTES * 60  # three missed runs in a row


@dataclass(frozen=True)
class HealthLine:
    what: str
    state: str  # ok | bad | wait
    value: str
    fix: str = ""


@dataclass(frozen=True)
class PageHealth:
    page_id: str
    name: str
    lines: tuple[HealthLine, ...]

    @property
    def all_ok(self) -> bool:
        """Nothing red (observe mode and unchecked tokens are reminders, not faults)."""
        return all(line.state != "bad" for line in self.lines)


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _sweep_line(health: dict[str, Any], now: float) -> HealthLine:
    """The catch-up sweep (ingest/reconcile.py) lists the page's recent comments every
    RECONCILE_EVERY_MINUTES and moderates any a webhook missed: the safety net, so its failure shows."""
    what = "Catch-up sweep"
    if "sweep_at" not in health:
        return HealthLine(what, "wait", "not run yet",
                          f"Every {RECONCILE_EVERY_MINUTES} minutes on AWS, PageGuard lists the page's recent comments "
                          "and checks any a webhook missed (the local server does not run it).")
    last_ok = health.get("sweep_ok_at")
    if health.get("sweep_error"):
        since = f"; last worked {_when(float(last_ok))}" if last_ok else ""
        return HealthLine(what, "bad", f"could not list comments ({health['sweep_error']}) at "
                          f"{_when(float(health['sweep_at']))}{since}",
                          "Check the access token below and reconnect the page if Meta refused it.")
    if now - float(health["sweep_at"]) > SWEEP_LATE_AFTER_SECONDS:
        return HealthLine(what, "bad", f"last ran {_when(float(health['sweep_at']))}",
                          "The scheduled sweep has stopped: ask your PageGuard operator to check the reconcile "
                          "function (its CloudWatch alarm and logs).")
    return HealthLine(what, "ok", f"comments listed {_when(float(health['sweep_at']))}")


def page_health(page_id: str, name: str, *, observing: bool, records: Iterable[AuditRecord],
                health: dict[str, Any] | None, dead_letters: Iterable[DeadLetter], account_ids: set[str],
                backlog: int | None, now: float) -> PageHealth:
    mine = [r for r in records if r.page_id == page_id]
    lines = []
    last = max((r.first_seen_at for r in mine), default=0.0)
    if not last:
        lines.append(HealthLine("Last webhook received", "wait", "none yet",
                                "If your page has had comments or messages since you connected it, check that the "
                                "app is subscribed to the page (python -m ops.cli subscribe)."))
    elif now - last > QUIET_AFTER_SECONDS:
        lines.append(HealthLine("Last webhook received", "bad", _when(last),
                                "Nothing for over 72 hours. Check the page is still connected and subscribed."))
    else:
        lines.append(HealthLine("Last webhook received", "ok", _when(last)))
    stored = health or {}  # the page's health record: the last token check and sweep (console/watch.py)
    lines.append(_sweep_line(stored, now))
    if "checked_at" not in stored:
        lines.append(HealthLine("Access token", "wait", "not checked yet", "Press 'Check the token now'."))
    elif stored.get("token_ok"):
        lines.append(HealthLine("Access token", "ok", f"working (checked {_when(float(stored['checked_at']))})"))
    else:
        lines.append(HealthLine("Access token", "bad", f"{stored.get('detail') or 'refused'} "
                                f"(checked {_when(float(stored['checked_at']))})",
                                "Reconnect the page to PageGuard; until then nothing is hidden or answered."))
    expired = [r for r in mine if r.status == ItemStatus.TOKEN_EXPIRED]
    if expired:
        lines.append(HealthLine("Items waiting for a reconnect", "bad", str(len(expired)),
                                "Reconnect the page; PageGuard then finishes them on its next sweep."))
    letters = [d for d in dead_letters if str(d.event.get("account_id", "")) in account_ids]
    lines.append(HealthLine("Items that kept failing", "bad" if letters else "ok", str(len(letters)),
                            "Ask your PageGuard operator to replay them (ops.cli replay-dlq)." if letters else ""))
    if backlog is not None:
        lines.append(HealthLine("Queue backlog (all pages)", "ok" if backlog < 100 else "wait", str(backlog)))
    if observing:
        lines.append(HealthLine("Mode", "wait", "observe: nothing is done on Meta",
                                "Switch to protect in Settings when you are ready."))
    return PageHealth(page_id, name, tuple(lines))
