"""What an alert email says: the `Alert` value, built from ids, types and PageGuard's own wording, and its rendering.

An `Alert` has, by construction, no field for the comment or message text, the person's name or their
contact details: only ids, types, the page's own name and what was done. notifier.py sends it.
"""

from __future__ import annotations

import enum
import html
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Iterable
from urllib.parse import urlsplit

from chalicelib.act.graph import describe_graph_error
from chalicelib.detect.language import LANGUAGE_NAMES
from chalicelib.config import PageSettings
from chalicelib.errors import GraphError
from chalicelib.models import Action, ActionKind, Platform, Surface, Verdict, WebhookEvent

class AlertKind(enum.StrEnum):
    DETECTION = "detection"  # a visitor's item was sensitive or a crisis
    OWN_CONTENT = "own_content"  # the page's own post or comment may identify a client
    RECONNECT = "reconnect"  # the page's token expired: reconnect it
    ACTION_FAILED = "action_failed"  # a hide or reply failed for good
    UNSUPPORTED_LANGUAGE = "unsupported_language"  # a visitor wrote in a language PageGuard cannot check

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

    kind: AlertKind
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
    language: str = ""  # the item's language when PageGuard could not check it ("fr")

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", AlertKind(self.kind))  # ValueError for an unknown kind




# --- building alerts -----------------------------------------------------------------------------


def item_link(event: WebhookEvent) -> str:
    """Where the professional can see the item: the comment's permalink, else the comment by id, else the inbox."""
    if event.surface is Surface.MESSAGE:
        return INSTAGRAM_INBOX if event.platform is Platform.INSTAGRAM else FACEBOOK_INBOX
    if is_meta_link(event.permalink):
        return event.permalink
    if event.platform is Platform.FACEBOOK and event.item_id:
        return f"https://www.facebook.com/{event.item_id}"
    return "https://www.instagram.com/"


META_HOSTS = ("facebook.com", "instagram.com")


def is_meta_link(link: str) -> bool:
    """An https link to facebook.com or instagram.com (or a subdomain): the only links an alert carries, so a
    forged or odd permalink in a payload can never point the professional somewhere else."""
    if not re.fullmatch(r"https://[^\s<>\"'\\]+", link):
        return False
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or parts.port is not None:
        return False
    return any(host == h or host.endswith("." + h) for h in META_HOSTS)


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
    kind: AlertKind = AlertKind.DETECTION,
    urgent: bool | None = None,
    occurred_at: float | None = None,
) -> Alert:
    """An Alert for one event: the event's ids and link, the verdict's label and entity types. Never its text."""
    kind = AlertKind(kind)
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
        urgent=(severity == "crisis" and kind is AlertKind.DETECTION) if urgent is None else urgent,
        language=verdict.language if verdict.unsupported_language else "",
    )


def reconnect_alert(page: PageSettings, platform: Platform, *, occurred_at: float | None = None, detail: str = "") -> Alert:
    """The page's token expired or was revoked (Graph code 190/102): tell the professional to reconnect."""
    return Alert(
        kind=AlertKind.RECONNECT,
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
    msg["From"] = header_value(sender)
    msg["To"] = header_value(alert.to)
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
    if alert.kind is AlertKind.RECONNECT:
        text = f"Action needed: reconnect {page} to PageGuard {where}"
    elif alert.kind is AlertKind.OWN_CONTENT:
        text = f"Your own {noun} on {page} may identify a client {where}"
    elif alert.kind is AlertKind.ACTION_FAILED:
        text = f"PageGuard could not finish acting on a {noun} on {page} {where}"
    elif alert.kind is AlertKind.UNSUPPORTED_LANGUAGE:
        text = f"A {noun} on {page} in {language_name(alert.language)} that PageGuard cannot check {where}"
    elif alert.severity == "crisis":
        text = f"possible crisis in a {noun} on {page} {where}"
    else:
        text = f"Possible client details in a {noun} on {page} {where}"
    if alert.urgent:
        text = f"URGENT: {text}"
    return f"[PageGuard] {text}"


def _facts(alert: Alert) -> list[tuple[str, str]]:
    rows = [("Page", f"{_one_line(alert.page_name, 200)} ({_platform_name(alert.platform)})")]
    if alert.kind is not AlertKind.RECONNECT:
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
    if alert.kind is AlertKind.RECONNECT:
        return (
            "PageGuard can no longer act on this page: Meta says its access token is invalid or has expired "
            "(for example after a password change or when the app was removed). Until you reconnect the page, "
            "PageGuard cannot hide comments or reply to messages."
        )
    if alert.kind is AlertKind.OWN_CONTENT:
        return (
            "A post or reply published by your page may contain details that identify a client. "
            "PageGuard never hides your own content; please review it and edit or delete it if needed."
        )
    if alert.kind is AlertKind.ACTION_FAILED:
        return "PageGuard caught an item that needs attention but could not complete every step. Please check it yourself."
    if alert.kind is AlertKind.UNSUPPORTED_LANGUAGE:
        return (
            f"A visitor wrote in {language_name(alert.language)}. PageGuard checks English and Spanish only, so it "
            "did not hide or answer this item (it does still react to crisis wording in other languages). "
            "Please read it yourself, and hide it or reply privately if it shares health details."
        )
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
        lines += ["", f"{'Reconnect' if alert.kind is AlertKind.RECONNECT else 'Open it'}: {link}"]
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
        label = "Reconnect the page" if alert.kind is AlertKind.RECONNECT else "Open it"
        parts.append(f"<p><a href=\"{e(link, quote=True)}\">{label}</a></p>")
    parts += [f"<p style=\"color:#666\">{e(_FOOTER)}</p>", "</body></html>"]
    return "\n".join(p for p in parts if p) + "\n"


_FOOTER = (
    "For privacy, this email never contains the text of the comment or message, who wrote it, "
    "or their contact details. Open the link to see it on Meta."
)


def _safe_link(alert: Alert) -> str:
    link = alert.item_link.strip()
    if is_meta_link(link):
        return link
    if alert.surface is Surface.MESSAGE:
        return INSTAGRAM_INBOX if alert.platform is Platform.INSTAGRAM else FACEBOOK_INBOX
    if alert.platform is Platform.FACEBOOK and re.fullmatch(r"[\w-]+", alert.item_id or ""):
        return f"https://www.facebook.com/{alert.item_id}"
    return ""


def _noun(alert: Alert) -> str:
    if alert.kind is AlertKind.OWN_CONTENT:
        return "post or reply"
    return "comment" if alert.surface is Surface.COMMENT else "direct message"


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code or "another language")


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
    """Header-safe: bounded length, and none of the characters Python's email package (or a mail client) reads as
    a line break or hides: controls (incl. U+0085), line and paragraph separators (U+2028, U+2029), format
    characters, lone surrogates. A page name holding one used to raise ValueError on every alert for it."""
    cleaned = " ".join("".join(" " if unicodedata.category(c) in _UNSAFE_IN_HEADERS else c for c in value).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


_UNSAFE_IN_HEADERS = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def header_value(value: str) -> str:
    """Any configured value that goes into a header (To, From): one line, nothing hidden."""
    return _one_line(value, 998)
