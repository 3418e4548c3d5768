"""Alert emails to the professional: what happened and what PageGuard did, never the item's text, author or contacts.

`Notifier` is the protocol; `SesNotifier` sends through SES v2 (raw MIME), `OutboxNotifier` writes one
.eml file per email for local runs, `InMemoryNotifier` records alerts for tests. `render_email` builds
the message from an `Alert`, which by construction has no field for the comment or message text, the
person's name or their contact details: only ids, types, the page's own name and what was done.
"""

from __future__ import annotations

import html
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Iterable, Protocol

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import PageSettings, Settings
from chalicelib.errors import GraphError, NotifierError
from chalicelib.act.graph import describe_graph_error
from chalicelib.models import Action, ActionKind, Platform, Surface, Verdict, WebhookEvent

logger = Logger(service="pageguard", child=True)

KINDS = ("detection", "own_content", "reconnect", "action_failed")

FACEBOOK_INBOX = "https://business.facebook.com/latest/inbox/all"
INSTAGRAM_INBOX = "https://www.instagram.com/direct/inbox/"

# Friendly names for entity types; anything else is shown as its lower-cased type name.
ENTITY_LABELS = {
    "PERSON": "a person's name",
    "PHONE_NUMBER": "a phone number",
    "EMAIL_ADDRESS": "an email address",
    "LOCATION": "a location or address",
    "DATE_TIME": "a date or time",
    "US_SSN": "a social security number",
    "MEDICAL_LICENSE": "a medical licence number",
    "URL": "a link",
}


@dataclass(frozen=True)
class Alert:
    """One email to the professional. Only ids, types and PageGuard's own wording: never the item's text,
    the author's name or their contact details."""

    kind: str  # "detection" | "own_content" | "reconnect" | "action_failed"
    page_id: str
    page_name: str
    to: str
    platform: Platform
    surface: Surface
    severity: str = ""  # "sensitive" | "crisis" | ""
    entity_types: tuple[str, ...] = ()
    actions_taken: tuple[str, ...] = ()  # "hid the comment", "could not hide the comment: permission missing (code 10)"
    occurred_at: float = 0.0  # Unix seconds
    item_id: str = ""
    item_link: str = ""
    urgent: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown alert kind {self.kind!r}")


class Notifier(Protocol):
    def send(self, alert: Alert) -> str:
        """Send one alert; returns the provider's message id (or the .eml path). Raises NotifierError."""
        ...


# --- building alerts -----------------------------------------------------------------------------


def item_link(event: WebhookEvent) -> str:
    """Where the professional can see the item: the comment's permalink, else the comment by id, else the inbox."""
    if event.surface is Surface.MESSAGE:
        return INSTAGRAM_INBOX if event.platform is Platform.INSTAGRAM else FACEBOOK_INBOX
    if event.permalink.startswith("https://"):
        return event.permalink
    if event.platform is Platform.FACEBOOK and event.item_id:
        return f"https://www.facebook.com/{event.item_id}"
    return "https://www.instagram.com/"


def describe_action(action: Action, event: WebhookEvent, page: PageSettings | None = None) -> str:
    """What PageGuard did, in the professional's words (no text of the reply beyond what kind it was)."""
    crisis = page is not None and action.text == page.crisis_reply
    item = "comment" if event.surface is Surface.COMMENT else "message"
    if action.kind is ActionKind.HIDE:
        return f"hid the {item}"
    if action.kind is ActionKind.PUBLIC_REPLY:
        return "replied publicly with crisis resources" if crisis else "replied publicly with your contact details"
    if action.kind is ActionKind.PRIVATE_REPLY:
        return "sent the commenter a private message with crisis resources" if crisis else "sent the commenter a private message"
    if action.kind is ActionKind.SEND_MESSAGE:
        return "replied to the message with crisis resources" if crisis else "replied to the message with your contact details"
    return "emailed you this alert"


def describe_failure(action: Action, event: WebhookEvent, error: GraphError) -> str:
    """'could not hide the comment: permission missing (code 10)'."""
    item = "comment" if event.surface is Surface.COMMENT else "message"
    what = {
        ActionKind.HIDE: f"hide the {item}",
        ActionKind.PUBLIC_REPLY: "reply publicly",
        ActionKind.PRIVATE_REPLY: "send the commenter a private message",
        ActionKind.SEND_MESSAGE: "reply to the message",
    }.get(action.kind, "send this alert")
    return f"could not {what}: {describe_graph_error(error)}"


def build_alert(
    page: PageSettings,
    event: WebhookEvent,
    verdict: Verdict,
    actions_taken: Iterable[str],
    *,
    kind: str = "detection",
    urgent: bool | None = None,
    occurred_at: float | None = None,
) -> Alert:
    """An Alert for one event: the event's ids and link, the verdict's label and entity types. Never its text."""
    severity = verdict.label.value if verdict.label.value in ("sensitive", "crisis") else ""
    return Alert(
        kind=kind,
        page_id=page.page_id,
        page_name=page.name,
        to=page.notify_email,
        platform=event.platform,
        surface=event.surface,
        severity=severity,
        entity_types=verdict.entity_types,
        actions_taken=tuple(actions_taken),
        occurred_at=event.created_time if occurred_at is None else occurred_at,
        item_id=event.item_id,
        item_link=item_link(event),
        urgent=(severity == "crisis" and kind == "detection") if urgent is None else urgent,
    )


def reconnect_alert(page: PageSettings, platform: Platform, *, occurred_at: float | None = None, detail: str = "") -> Alert:
    """The page's token expired or was revoked (Graph code 190/102): tell the professional to reconnect."""
    return Alert(
        kind="reconnect",
        page_id=page.page_id,
        page_name=page.name,
        to=page.notify_email,
        platform=platform,
        surface=Surface.COMMENT,
        actions_taken=(detail,) if detail else (),
        occurred_at=time.time() if occurred_at is None else occurred_at,
        item_link="https://www.facebook.com/settings/?tab=business_tools",
    )


# --- rendering -----------------------------------------------------------------------------------


def render_email(alert: Alert, sender: str) -> EmailMessage:
    """The alert as a multipart/alternative email (plain text + HTML). Contains no item text, name or contacts."""
    facts = _facts(alert)
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = _subject(alert)
    msg["From"] = sender
    msg["To"] = alert.to
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain="pageguard.invalid")
    msg["X-PageGuard-Alert"] = alert.kind
    if alert.urgent:
        msg["X-Priority"] = "1 (Highest)"
        msg["Importance"] = "high"
    msg.set_content(_plain(alert, facts), subtype="plain", charset="utf-8")
    msg.add_alternative(_html(alert, facts), subtype="html", charset="utf-8")
    return msg


def email_bytes(alert: Alert, sender: str) -> bytes:
    return render_email(alert, sender).as_bytes(policy=policy.SMTP)


def _subject(alert: Alert) -> str:
    page = _one_line(alert.page_name, 80)
    where = f"({_platform_name(alert.platform)})"
    noun = _noun(alert)
    if alert.kind == "reconnect":
        text = f"Action needed: reconnect {page} to PageGuard {where}"
    elif alert.kind == "own_content":
        text = f"Your own {noun} on {page} may identify a client {where}"
    elif alert.kind == "action_failed":
        text = f"PageGuard could not finish acting on a {noun} on {page} {where}"
    elif alert.severity == "crisis":
        text = f"possible crisis in a {noun} on {page} {where}"
    else:
        text = f"Possible client details in a {noun} on {page} {where}"
    if alert.urgent:
        text = f"URGENT: {text}"
    return f"[PageGuard] {text}"


def _facts(alert: Alert) -> list[tuple[str, str]]:
    rows = [("Page", f"{alert.page_name} ({_platform_name(alert.platform)})")]
    if alert.kind != "reconnect":
        rows.append(("Where", "a comment" if alert.surface is Surface.COMMENT else "a direct message"))
    if alert.severity:
        rows.append(("Severity", _severity_text(alert.severity, alert.urgent)))
    if alert.entity_types:
        rows.append(("What was found", "; ".join(_entity_label(t) for t in alert.entity_types)))
    if alert.occurred_at:
        when = datetime.fromtimestamp(alert.occurred_at, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        rows.append(("When", when))
    if alert.item_id:
        rows.append(("Item id", alert.item_id))
    return rows


def _intro(alert: Alert) -> str:
    if alert.kind == "reconnect":
        return (
            "PageGuard can no longer act on this page: Meta says its access token is invalid or has expired "
            "(for example after a password change or when the app was removed). Until you reconnect the page, "
            "PageGuard cannot hide comments or reply to messages."
        )
    if alert.kind == "own_content":
        return (
            "A post or reply published by your page may contain details that identify a client. "
            "PageGuard never hides your own content; please review it and edit or delete it if needed."
        )
    if alert.kind == "action_failed":
        return "PageGuard caught an item that needs attention but could not complete every step. Please check it yourself."
    if alert.severity == "crisis":
        return (
            "Someone may be in crisis. PageGuard cannot judge risk: please look at this as soon as you can and "
            "follow your own crisis protocol. PageGuard's crisis reply points to 988 (call or text, US) and 911 "
            "in immediate danger; what it managed to do is listed below."
        )
    return "A visitor may have shared health or identifying details publicly or in a message to your page."


def _plain(alert: Alert, facts: list[tuple[str, str]]) -> str:
    lines = ["URGENT" if alert.urgent else "PageGuard alert", "", _intro(alert), ""]
    lines += [f"{label}: {value}" for label, value in facts]
    if alert.actions_taken:
        lines += ["", "What PageGuard did:"] + [f"  - {a}" for a in alert.actions_taken]
    link = _safe_link(alert)
    if link:
        lines += ["", f"{'Reconnect' if alert.kind == 'reconnect' else 'Open it'}: {link}"]
    lines += ["", _FOOTER]
    return "\n".join(lines) + "\n"


def _html(alert: Alert, facts: list[tuple[str, str]]) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html><body style=\"font-family: sans-serif\">",
        "<p><strong style=\"color:#b00020\">URGENT</strong></p>" if alert.urgent else "",
        f"<p>{e(_intro(alert))}</p>",
        "<table>",
        *[f"<tr><th align=\"left\">{e(label)}</th><td>{e(value)}</td></tr>" for label, value in facts],
        "</table>",
    ]
    if alert.actions_taken:
        parts += ["<p>What PageGuard did:</p><ul>", *[f"<li>{e(a)}</li>" for a in alert.actions_taken], "</ul>"]
    link = _safe_link(alert)
    if link:
        label = "Reconnect the page" if alert.kind == "reconnect" else "Open it"
        parts.append(f"<p><a href=\"{e(link, quote=True)}\">{label}</a></p>")
    parts += [f"<p style=\"color:#666\">{e(_FOOTER)}</p>", "</body></html>"]
    return "\n".join(p for p in parts if p) + "\n"


_FOOTER = (
    "For privacy, this email never contains the text of the comment or message, who wrote it, "
    "or their contact details. Open the link to see it on Meta."
)


def _safe_link(alert: Alert) -> str:
    link = alert.item_link.strip()
    if re.fullmatch(r"https://[^\s<>\"']+", link):
        return link
    if alert.surface is Surface.MESSAGE:
        return INSTAGRAM_INBOX if alert.platform is Platform.INSTAGRAM else FACEBOOK_INBOX
    if alert.platform is Platform.FACEBOOK and re.fullmatch(r"[\w-]+", alert.item_id or ""):
        return f"https://www.facebook.com/{alert.item_id}"
    return ""


def _noun(alert: Alert) -> str:
    if alert.kind == "own_content":
        return "post or reply"
    return "comment" if alert.surface is Surface.COMMENT else "direct message"


def _platform_name(platform: Platform) -> str:
    return "Instagram" if platform is Platform.INSTAGRAM else "Facebook"


def _severity_text(severity: str, urgent: bool) -> str:
    if severity == "crisis":
        return "crisis (possible risk of harm)" + (", urgent" if urgent else "")
    if severity == "sensitive":
        return "sensitive (possible client health or identity details)"
    return severity


def _entity_label(entity_type: str) -> str:
    return ENTITY_LABELS.get(entity_type, entity_type.replace("_", " ").lower())


def _one_line(value: str, limit: int) -> str:
    """Header-safe: no line breaks or control characters, bounded length."""
    cleaned = re.sub(r"[\x00-\x1f\x7f]+", " ", value).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


# --- senders -------------------------------------------------------------------------------------


class SesNotifier:
    """Sends alerts through SES v2 as raw MIME (so plain and HTML parts go as rendered)."""

    def __init__(self, ses_client: Any, sender: str, *, configuration_set: str = "") -> None:
        self._client = ses_client
        self._sender = sender
        self._configuration_set = configuration_set

    @classmethod
    def from_settings(cls, settings: Settings) -> "SesNotifier":
        import boto3

        return cls(boto3.client("sesv2"), settings.notify_from)

    def send(self, alert: Alert) -> str:
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [alert.to]},
            "Content": {"Raw": {"Data": email_bytes(alert, self._sender)}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_email(**request)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "unknown")
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
