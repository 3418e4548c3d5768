"""SES bounce and complaint feedback: an alert recipient whose mailbox bounced for good, or who marked an alert
as spam, is marked in the store, so no more alerts go to it, and the operator is alarmed.

SES publishes bounce and complaint events of the alert configuration set to an SNS topic, which delivers them
onto the events queue (infra/resources.json); the worker hands any message that is SES feedback, not a
webhook event, to `handle`. Both SES shapes are read: event publishing (`eventType`) and identity
notifications (`notificationType`), raw or inside an SNS envelope. Only the recipient address is kept (the
professional's own alert address); logs carry page ids and the kind, never the address or the email.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable

from aws_lambda_powertools import Logger

from chalicelib.config import PagesConfig
from chalicelib.state.store import Store, recipient_key

logger = Logger(service="pageguard", child=True)

# The log line the EmailFeedbackMetric filter in infra/resources.json counts (alarm).
RECIPIENT_MARKED_LOG = "alert recipient bounced or complained"


@dataclass(frozen=True)
class EmailFeedback:
    kind: str  # "bounce" (a permanent bounce) or "complaint"
    recipients: tuple[str, ...]


def parse(body: str) -> EmailFeedback | None:
    """The feedback in one queue message; None when the message is not SES feedback (a webhook event), or is
    feedback that needs nothing (a transient bounce, a delivery)."""
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    if message.get("Type") == "Notification" and isinstance(message.get("Message"), str):  # an SNS envelope
        try:
            message = json.loads(message["Message"])
        except ValueError:
            return None
        if not isinstance(message, dict):
            return None
    kind = str(message.get("eventType") or message.get("notificationType") or "").lower()
    if kind == "bounce":
        bounce = message.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return EmailFeedback("transient_bounce", ())
        return EmailFeedback("bounce", _addresses(bounce.get("bouncedRecipients")))
    if kind == "complaint":
        return EmailFeedback("complaint", _addresses((message.get("complaint") or {}).get("complainedRecipients")))
    return None


def is_feedback(body: str) -> bool:
    return parse(body) is not None


def handle(feedback: EmailFeedback, store: Store, pages: PagesConfig | Callable[[], PagesConfig],
           now: float | None = None) -> int:
    """Mark each recipient; returns how many were marked. A transient bounce marks nobody."""
    now = time.time() if now is None else now
    if feedback.kind not in ("bounce", "complaint"):
        logger.info("transient alert bounce: nothing to do")
        return 0
    config = pages() if callable(pages) else pages
    for address in feedback.recipients:
        store.mark_recipient(address, feedback.kind, now)
        page_ids = [p.page_id for p in config.pages if recipient_key(p.notify_email) == recipient_key(address)]
        logger.error(RECIPIENT_MARKED_LOG, extra={"feedback": feedback.kind, "page_ids": page_ids})
    return len(feedback.recipients)


def _addresses(entries: Any) -> tuple[str, ...]:
    if not isinstance(entries, list):
        return ()
    return tuple(str(e["emailAddress"]) for e in entries if isinstance(e, dict) and e.get("emailAddress"))
