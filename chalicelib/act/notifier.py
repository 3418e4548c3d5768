"""Sending alert emails: `SesNotifier` (SES v2, raw MIME), `OutboxNotifier` (.eml files for local runs),
`InMemoryNotifier` (tests). alerts.py decides what an email says; nothing here sees an item's text.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.act.alerts import Alert, email_bytes
from chalicelib.config import Settings
from chalicelib.errors import NotifierError, NotifierRejectedError

logger = Logger(service="pageguard", child=True)


class Notifier(Protocol):
    def send(self, alert: Alert) -> str:
        """Send one alert; returns the provider's message id (or the .eml path). Raises NotifierError."""
        ...


# SES v2 SendEmail errors that a retry cannot fix: the sandbox refusing an unverified recipient or sender
# (MessageRejected), an unverified MAIL FROM domain, a paused or suspended account, a missing configuration set,
# a malformed request, a quota used up (LimitExceeded; TooManyRequests only when it is the daily quota).
PERMANENT_SES_CODES = frozenset({
    "MessageRejected", "MailFromDomainNotVerifiedException", "AccountSuspendedException",
    "SendingPausedException", "NotFoundException", "BadRequestException", "LimitExceededException",
})
# The log line the EmailRefusedMetric filter in infra/resources.json counts (an alarm, not a retry).
EMAIL_REFUSED_LOG = "alert email refused for good"


def is_permanent_ses_error(exc: ClientError) -> bool:
    error = exc.response.get("Error", {})
    code, message = str(error.get("Code", "")), str(error.get("Message", ""))
    return code in PERMANENT_SES_CODES or "daily message quota" in message.lower()


class SesNotifier:
    """Sends alerts through SES v2 as raw MIME (so plain and HTML parts go as rendered)."""

    def __init__(self, ses_client: Any, sender: str, *, configuration_set: str = "") -> None:
        self._client = ses_client
        self._sender = sender
        self._configuration_set = configuration_set

    @classmethod
    def from_settings(cls, settings: Settings) -> "SesNotifier":
        import boto3

        return cls(boto3.client("sesv2"), settings.notify_from, configuration_set=settings.ses_configuration_set)

    def send(self, alert: Alert) -> str:
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [a.strip() for a in alert.to.split(",") if a.strip()]},
            "Content": {"Raw": {"Data": email_bytes(alert, self._sender)}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_email(**request)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "unknown")
            if is_permanent_ses_error(exc):
                logger.error(EMAIL_REFUSED_LOG, extra={"kind": alert.kind, "page_id": alert.page_id, "error_code": code})
                raise NotifierRejectedError(f"SES refused the alert: {code}", code=code) from exc
            logger.warning("alert email failed", extra={"kind": alert.kind, "page_id": alert.page_id, "error_code": code})
            raise NotifierError(f"SES send_email failed: {code}") from exc
        except BotoCoreError as exc:  # EndpointConnectionError, timeouts, credentials
            logger.warning("alert email failed", extra={"kind": alert.kind, "page_id": alert.page_id, "error_type": type(exc).__name__})
            raise NotifierError(f"SES send_email failed: {type(exc).__name__}") from exc
        message_id = str(response.get("MessageId", ""))
        logger.info("alert email sent", extra={"kind": alert.kind, "page_id": alert.page_id, "urgent": alert.urgent,
                                               "item_id": alert.item_id, "message_id": message_id})
        return message_id


class OutboxNotifier:
    """Local runs: one .eml file per alert in `outbox_dir` (written atomically), openable in any mail client."""

    def __init__(self, outbox_dir: str, sender: str) -> None:
        self._dir = Path(outbox_dir)
        self._sender = sender

    @classmethod
    def from_settings(cls, settings: Settings) -> "OutboxNotifier":
        return cls(settings.outbox_dir, settings.notify_from)

    def send(self, alert: Alert) -> str:
        """Write the email; returns the path of the .eml file."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{alert.kind}-{uuid.uuid4().hex[:12]}.eml"
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            final = self._dir / name
            tmp = self._dir / f".{name}.tmp"
            tmp.write_bytes(email_bytes(alert, self._sender))
            os.replace(tmp, final)  # readers never see a half-written file
        except OSError as exc:
            raise NotifierError(f"cannot write alert to outbox {self._dir}") from exc
        logger.info("alert email written to outbox", extra={"kind": alert.kind, "page_id": alert.page_id,
                                                            "urgent": alert.urgent, "file": name})
        return str(final)


@dataclass
class InMemoryNotifier:
    """Records alerts (tests and benchmarks). `failures` are raised, in order, before recording."""

    sent: list[Alert] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)

    def send(self, alert: Alert) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(alert)
        return f"in-memory:{len(self.sent)}"
