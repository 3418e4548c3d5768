"""The daily token check: `debug_token` on every page's token; a failing page gets one reconnect email.

Runs inside the 15-minute reconcile schedule, once per UTC day (a `claim_once` key per date), so no new
function or role is needed. The email links to /connect: reconnecting is "Connect", then "Continue".
A page stays red (`token_status` "invalid") until it is connected again; it is emailed once per failure,
not once per day.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from chalicelib.act.alerts import Alert, AlertKind
from chalicelib.act.notifier import Notifier
from chalicelib.act.pipeline import reconnect_key
from chalicelib.connect.facebook_login import PERMISSIONS, FacebookLogin
from chalicelib.errors import GraphError, GraphRetryableError, NotifierError, error_summary
from chalicelib.logs import logger
from chalicelib.models import Platform, Surface
from chalicelib.state.page_registry import TOKEN_INVALID, TOKEN_MISSING, TOKEN_OK, PageRecord, PageRegistry

DAY_S = 86400
# A token that expires within this window is reported now, while there is time to reconnect.
EXPIRY_WARNING_S = 7 * DAY_S


@dataclass(frozen=True)
class HealthReport:
    checked: int = 0
    healthy: tuple[str, ...] = ()
    failing: tuple[str, ...] = ()
    emailed: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # Meta did not answer: checked again next time
    already_ran_today: bool = False


def token_problem(record_token: str, info_is_valid: bool, expires_at: int, code: int | None, subcode: int | None,
                  now: float) -> str:
    """Why a token is unhealthy ("" when healthy): codes and dates, never the token."""
    if not record_token:
        return "no access token stored"
    if not info_is_valid:
        return f"Meta says the token is invalid (code {code}, subcode {subcode})"
    if expires_at and expires_at < now + EXPIRY_WARNING_S:
        return "the token expires within 7 days"
    return ""


def check_tokens(
    registry: PageRegistry, login: FacebookLogin, notifier: Notifier, *, connect_url: str,
    clock: Callable[[], float] = time.time, send_once: Callable[[str, Alert], bool] | None = None,
) -> HealthReport:
    """`send_once(key, alert)`, when given, sends the reconnect email only if no other path (an action refused
    with code 190, the console's token watch) sent one for the page today (`reconnect_key`)."""
    now = clock()
    healthy, failing, emailed, skipped = [], [], [], []
    records = registry.list_pages()
    for record in records:
        token = registry.get_token(record.page_id)
        try:
            info = login.debug_token(token) if token else None
        except GraphRetryableError as exc:
            logger.warning("token check skipped", extra={"page_id": record.page_id, "error": error_summary(exc)})
            skipped.append(record.page_id)
            continue
        problem = token_problem(token, bool(info and info.is_valid), info.expires_at if info else 0,
                                info.error_code if info else None, info.error_subcode if info else None, now)
        changes: dict = {"token_checked_at": now, "token_problem": problem}
        if info is not None and info.is_valid:
            changes["granted_permissions"] = tuple(p for p in PERMISSIONS if p in info.scopes)
            changes["declined_permissions"] = tuple(p for p in PERMISSIONS if p not in info.scopes)
        if not problem:
            healthy.append(record.page_id)
            registry.save_page(record.with_changes(token_status=TOKEN_OK, token_alerted_at=0.0, **changes))
            continue
        failing.append(record.page_id)
        status = TOKEN_MISSING if not token else TOKEN_INVALID
        alerted_at = record.token_alerted_at
        if not alerted_at and record.notify_email:
            alert = _reconnect_email(record, problem, connect_url, now)
            try:
                if send_once is None:
                    notifier.send(alert)
                    sent_now = True
                else:
                    sent_now = send_once(reconnect_key(record.page_id, now), alert)
            except NotifierError as exc:
                logger.warning("reconnect email failed", extra={"page_id": record.page_id, "error": error_summary(exc)})
            else:
                alerted_at = now  # told today, by this check or another path
                if sent_now:
                    emailed.append(record.page_id)
        registry.save_page(record.with_changes(token_status=status, token_alerted_at=alerted_at, **changes))
        logger.warning("page token unhealthy", extra={"page_id": record.page_id, "problem": problem})
    report = HealthReport(len(records), tuple(healthy), tuple(failing), tuple(emailed), tuple(skipped))
    logger.info("token check finished", extra={"checked": report.checked, "failing": len(failing),
                                               "emailed": len(emailed), "skipped": len(skipped)})
    return report


def check_tokens_daily(
    registry: PageRegistry, login: FacebookLogin, notifier: Notifier, *, connect_url: str,
    clock: Callable[[], float] = time.time, send_once: Callable[[str, Alert], bool] | None = None,
) -> HealthReport:
    """`check_tokens` at most once per UTC day, whichever scheduled run gets there first."""
    now = clock()
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    if not registry.claim_once(f"token-health#{day}", now + 2 * DAY_S, now=now):
        return HealthReport(already_ran_today=True)
    try:
        return check_tokens(registry, login, notifier, connect_url=connect_url, clock=clock, send_once=send_once)
    except GraphError:
        # The app token itself was refused (a wrong app secret): every page would look broken. Log and let
        # the schedule's error alarm see it; pages keep their last known status.
        logger.exception("token check failed")
        raise


def _reconnect_email(record: PageRecord, problem: str, connect_url: str, now: float) -> Alert:
    return Alert(
        kind=AlertKind.RECONNECT,
        page_id=record.page_id,
        page_name=record.name,
        to=record.notify_email,
        platform=Platform.FACEBOOK,
        surface=Surface.COMMENT,
        actions_taken=(problem,),
        occurred_at=now,
        item_link=connect_url,
    )
